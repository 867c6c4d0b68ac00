"""Run PDF text extraction in a child process with an address-space and CPU-time limit, and a
wall-clock timeout: a hostile PDF can exhaust the child, never the caller."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass

from peerscope.errors import InputError


@dataclass(frozen=True, slots=True)
class Limits:
    timeout_seconds: float = 60.0
    memory_mb: int = 1024
    max_pages: int = 2000
    max_chars: int = 20_000_000


def _limit(memory_mb: int, cpu_seconds: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def pdf_pages(data: bytes, name: str, limits: Limits = Limits()) -> list[str]:
    """The text of each page; InputError naming the file and the fault when it cannot be read."""
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "PYTHONPATH", "LANG", "LC_ALL", "SYSTEMROOT"}}
    env["OMP_NUM_THREADS"] = "1"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "peerscope.documents.pdf_worker", str(limits.max_pages), str(limits.max_chars)],
            input=data,
            capture_output=True,
            timeout=limits.timeout_seconds,
            preexec_fn=_limit(limits.memory_mb, int(limits.timeout_seconds) + 1),
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise InputError(f"{name}: reading the PDF took longer than {limits.timeout_seconds:g} s (setting document_parse_timeout_seconds)") from exc
    if done.returncode < 0:
        sig = -done.returncode
        what = "CPU time" if sig in {signal.SIGXCPU, signal.SIGKILL} else f"signal {signal.Signals(sig).name}"
        raise InputError(f"{name}: reading the PDF was stopped ({what} limit reached; a hostile or broken PDF?)")
    try:
        answer = json.loads(done.stdout or b"{}")
    except ValueError:
        answer = {}
    if done.returncode != 0 or "pages" not in answer:
        fault = answer.get("error") if isinstance(answer, dict) else None
        if not fault:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            fault = "the PDF reader failed: " + ("it ran out of memory (limit " + str(limits.memory_mb) + " MB)" if "MemoryError" in tail[0] else tail[0][:300])
        raise InputError(f"{name}: {fault}")
    return [str(p) for p in answer["pages"]]
