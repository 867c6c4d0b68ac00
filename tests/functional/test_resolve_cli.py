"""The `peerscope resolve` commands end to end, with their bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from peerscope.cli import cli
from tests.functional.test_author_resolution import CORPUS

OA = "https://openalex.org/"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_resolve_commands(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(w) for w in CORPUS) + "\n")
    data = ["--data-dir", str(tmp_path / "data")]
    assert run("ingest", "openalex", str(corpus), *data)[0] == 0
    code, out = run("resolve", "authors", *data, "--join-profiles-at", "0.99", "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["bylines"] == 17 and report["merged"] == 3
    code, out = run("resolve", "runs", *data, "--json")
    assert json.loads(out)[0]["id"] == report["run_id"]
    code, out = run("resolve", "why", f"{OA}A9100001", f"{OA}W900000003", *data, "--json")
    assert code == 0, out
    assert json.loads(out)[0]["rule"] == "evidence"
    code, out = run("resolve", "undo", str(report["run_id"]), *data, "--json")
    assert code == 0 and json.loads(out)["undoes"] == report["run_id"]
    code, out = run("resolve", "works", *data, "--json")
    assert code == 0 and json.loads(out)["works"] == 8
    # bad input: named, non-zero, nothing written
    code, out = run("resolve", "undo", "99", *data)
    assert code != 0 and "no resolution run 99" in out
    code, out = run("resolve", "constrain", "same", "PW1", "PW2:0", "--reason", "x", *data)
    assert code != 0 and "'PW1' is not a byline" in out
    code, out = run("resolve", "constrain", "same", "PA1:0", "PW2:0", "--reason", "x", *data)
    assert code != 0 and "must be one of our work ids" in out
    code, out = run("resolve", "constrain", "different", "PW1:0", "PW1:7", "--reason", "x", *data)
    assert code != 0 and "no byline at position 7" in out
    code, out = run("resolve", "authors", "--engine", "flink", *data)
    assert code != 0 and "flink" in out
    code, out = run("resolve", "why", "PA1", f"{OA}W900000004", *data)
    assert code != 0
    code, out = run("resolve", "constrain", "different", "PW1:0", "PW3:0", "--reason", "moderator", *data, "--json")
    assert code == 0 and json.loads(out)["constraint_id"] >= 1
