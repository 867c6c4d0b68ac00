"""Running ``peerscope ingest`` as a child process and killing it with SIGKILL at a chosen moment.

Each run starts in its own session (so its process group is its own and nothing it started
outlives the kill), with stdin closed, and its output going to a log file that is kept for the
failure message.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

REPO_ROOT = Path(__file__).resolve().parents[2]


def ingest_command(paths: list[Path], database_url: str, *, batch_size: int, resume: bool = True) -> list[str]:
    """``python -m peerscope ingest openalex PATHS [--resume] --batch-size N --database-url URL --json``."""
    cmd = [sys.executable, "-m", "peerscope", "ingest", "openalex", *(str(p) for p in paths)]
    if resume:
        cmd.append("--resume")
    return [*cmd, "--batch-size", str(batch_size), "--database-url", database_url, "--json"]


def child_env(data_dir: Path) -> dict[str, str]:
    """The environment of an ingest child: this interpreter's, without settings that could point
    it at another store, and with the source tree importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERSCOPE_")}
    env["PEERSCOPE_DATA_DIR"] = str(data_dir)
    src = str(REPO_ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass(frozen=True, slots=True)
class Run:
    """One child run: how long it was given, whether it was killed, how it ended."""

    delay: float | None  # None: allowed to finish
    killed: bool
    returncode: int
    seconds: float
    output: str  # stdout and stderr (the tail)


def run(cmd: list[str], *, env: dict[str, str], log: Path, delay: float | None = None, timeout: float = 600.0) -> Run:
    """Start ``cmd``; SIGKILL its process group after ``delay`` seconds unless it ended before.

    Without ``delay`` the run must end by itself within ``timeout`` (else it is killed and the
    failure raised)."""
    start = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=log.parent, start_new_session=True)
        killed = False
        try:
            proc.wait(timeout=delay if delay is not None else timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the child leads its own group (start_new_session)
            proc.wait()
            killed = True
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    seconds = time.perf_counter() - start
    output = log.read_text(errors="replace")[-4000:]
    if killed and delay is None:
        raise AssertionError(f"{' '.join(cmd)} did not finish within {timeout:.0f} s:\n{output}")
    return Run(delay, killed, proc.returncode, seconds, output)


@dataclass(frozen=True, slots=True)
class Progress:
    """What a store says about one ingestion stream: migrated or not, and its checkpoint."""

    migrated: bool
    records: int | None  # None: no checkpoint yet
    finished: bool


def stream_progress(engine: Engine) -> Progress:
    """Read the (only) stream checkpoint of a store that an ingest child may have left at any point."""
    try:
        with engine.connect() as conn:
            tables = set(conn.dialect.get_table_names(conn))
            if "alembic_version" not in tables or "ingest_checkpoints" not in tables:
                return Progress(False, None, False)
            version = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            rows = conn.execute(text("SELECT records, finished FROM ingest_checkpoints")).all()
    except SQLAlchemyError:
        return Progress(False, None, False)
    if len(rows) > 1:
        raise AssertionError(f"one stream was ingested, but the store holds {len(rows)} checkpoints")
    if not rows:
        return Progress(version is not None, None, False)
    return Progress(version is not None, int(rows[0][0]), bool(rows[0][1]))


def phase_of_kill(before: Progress, after: Progress) -> str:
    """Where a killed run was, judged by what it left committed: ``before-schema`` (importing,
    or migrating a new store: no schema committed), ``before-first-commit`` (starting, reading up
    to its checkpoint, or writing its first batch), ``writing`` (its checkpoint moved on), or
    ``after-last-checkpoint`` (the derive and index steps that follow the stream's end)."""
    if after.finished and not before.finished:
        return "after-last-checkpoint"
    if (after.records or 0) > (before.records or 0):
        return "writing"
    if not after.migrated:
        return "before-schema"
    return "before-first-commit"


def probe_engine(url: str) -> Engine:
    """An engine for reading a store from the test while children write to it."""
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"timeout": 30})
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1), pool_pre_ping=True)
