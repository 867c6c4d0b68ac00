"""The command line, in process (click's runner) and as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from peerscope.cli import cli
from peerscope.store.db import Store

from .conftest import SAMPLE


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, code: int = 0) -> str:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return result.stdout


def test_console_script_and_module_both_work() -> None:
    out = subprocess.run([sys.executable, "-m", "peerscope", "--help"], capture_output=True, text=True, check=True).stdout
    assert "ingest" in out and "demo" in out
    exe = Path(sys.executable).parent / "peerscope"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("peerscope, version")


def test_db_upgrade_check_and_json(runner: CliRunner, tmp_path: Path) -> None:
    up = orjson.loads(run(runner, "db", "upgrade", "--data-dir", str(tmp_path), "--json"))
    assert up["from"] is None and up["to"] == "0008"
    assert (tmp_path / "peerscope.db").exists()
    check = orjson.loads(run(runner, "db", "check", "--data-dir", str(tmp_path), "--json"))
    assert check == {**check, "ok": True, "problems": []}


def test_db_check_fails_when_models_and_database_disagree(runner: CliRunner, tmp_path: Path) -> None:
    run(runner, "db", "upgrade", "--data-dir", str(tmp_path))
    store = Store(f"sqlite:///{tmp_path / 'peerscope.db'}")
    with store.begin() as conn:
        conn.execute(text("ALTER TABLE works ADD COLUMN stray INTEGER"))
    store.dispose()
    result = runner.invoke(cli, ["db", "check", "--data-dir", str(tmp_path)])
    assert result.exit_code == 5
    assert "stray" in result.stdout
    assert "write a migration" in result.stderr


def test_commands_refuse_a_missing_or_unmigrated_database(runner: CliRunner, tmp_path: Path) -> None:
    for args in (["derive"], ["serve"], ["db", "check"]):
        result = runner.invoke(cli, [*args, "--data-dir", str(tmp_path / "nothing")])
        assert result.exit_code == 5, args
        assert "no database at" in result.stderr
    assert not (tmp_path / "nothing").exists()  # nothing created by looking
    (tmp_path / "peerscope.db").touch()
    result = runner.invoke(cli, ["derive", "--data-dir", str(tmp_path)])
    assert result.exit_code == 5
    assert "run `peerscope db upgrade`" in result.stderr


def test_ingest_json_report_and_idempotence(runner: CliRunner, tmp_path: Path) -> None:
    first = orjson.loads(run(runner, "ingest", "openalex", str(SAMPLE), "--data-dir", str(tmp_path), "--json"))
    assert (first["read"], first["inserted"], first["unchanged"], first["quarantined"]) == (6, 6, 0, 0)
    second = orjson.loads(run(runner, "ingest", "openalex", str(SAMPLE), "--data-dir", str(tmp_path), "--json"))
    assert (second["inserted"], second["unchanged"]) == (0, 6)
    derived = orjson.loads(run(runner, "derive", "--data-dir", str(tmp_path), "--json"))
    assert derived["authors_unchanged"] == 4 and derived["authors_recomputed"] == 0
    assert derived["titles_indexed"] == 6


def test_ingest_bad_input_names_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "W1", "title": "fine"}\n[1, 2\n')
    result = runner.invoke(cli, ["ingest", "openalex", str(bad), "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 3  # the good record is in, the bad one quarantined, and the exit code says so
    assert "1 quarantined" in result.stdout
    assert "bad.jsonl:2: not valid JSON" in result.stderr
    result = runner.invoke(cli, ["ingest", "openalex", str(bad), "--strict", "--data-dir", str(tmp_path / "e")])
    assert result.exit_code == 3
    assert "bad.jsonl:2: not valid JSON" in result.stderr
    result = runner.invoke(cli, ["ingest", "openalex", str(tmp_path / "missing.jsonl"), "--data-dir", str(tmp_path / "d"), "--json"])
    assert result.exit_code == 3
    assert orjson.loads(result.stdout)["error"] == "invalid_input"
    assert "no such file or folder" in result.stderr


def test_bad_database_url(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["db", "upgrade", "--database-url", "mysql://x/y"])
    assert result.exit_code == 5
    assert "only sqlite and postgresql are supported" in result.stderr


def test_settings_lists_every_setting_with_help(runner: CliRunner) -> None:
    rows = orjson.loads(run(runner, "settings", "--json"))
    names = {r["name"] for r in rows}
    assert {"data_dir", "database_url", "secret_key", "mode"} <= names
    assert all(r["help"] and r["env"].startswith("PEERSCOPE_") for r in rows)
    assert "change-me" not in orjson.dumps(rows).decode()


def test_serve_refuses_default_secret_in_production(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(runner, "db", "upgrade", "--data-dir", str(tmp_path))
    monkeypatch.setenv("PEERSCOPE_MODE", "production")
    result = runner.invoke(cli, ["serve", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "PEERSCOPE_SECRET_KEY" in result.stderr
    monkeypatch.setenv("PEERSCOPE_SECRET_KEY", "short")
    result = runner.invoke(cli, ["serve", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "at least 32 characters" in result.stderr


def test_invalid_setting_from_environment(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERSCOPE_PORT", "99999")
    result = runner.invoke(cli, ["settings"])
    assert result.exit_code == 2
    assert "port" in result.stderr
