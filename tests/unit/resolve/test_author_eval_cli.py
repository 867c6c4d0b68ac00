"""``peerscope eval disambiguation`` on small labelled files, and on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerscope.cli import cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "and"
PUBMED = FIXTURES / "small_pubmed.jsonl"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["eval", "disambiguation", *args])
    return result.exit_code, result.stdout, result.stderr


def test_pubmed_file_json_and_predictions(tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    code, stdout, _ = run("--data", str(PUBMED), "--json", "--predictions", str(out))
    assert code == 0
    result = json.loads(stdout)
    assert (result["mentions"], result["blocks"], result["authors"]) == (14, 3, 6)
    assert result["protocol"]["scores"] == "out-of-fold" and result["protocol"]["folds"] == 3
    for kind in ("b3", "pairwise"):
        assert set(result[kind]) == {"precision", "recall", "f1"}
        assert set(result["baselines"]["one_cluster_per_block"][kind]) == {"precision", "recall", "f1"}
    assert result["baselines"]["every_mention_alone"]["b3"]["precision"] == 1.0
    assert result["baselines"]["one_cluster_per_block"]["b3"]["recall"] == 1.0
    assert result["b3"]["f1"] > result["baselines"]["one_cluster_per_block"]["b3"]["f1"]
    assert result["mentions_per_s"] > 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 14 and set(lines[0]) == {"block", "pmid", "cluster"}
    assert {line["pmid"] for line in lines} == {str(p) for p in [*range(1001, 1007), *range(2001, 2005), *range(3001, 3005)]}


def test_readable_table_without_json() -> None:
    code, stdout, _ = run("--data", str(PUBMED))
    assert code == 0
    assert "B³ F1" in stdout and "one cluster per block" in stdout and "mentions/s" in stdout


def test_qian_format_with_name_variants(tmp_path: Path) -> None:
    out = tmp_path / "pred.jsonl"
    code, stdout, stderr = run(
        "--format", "qian", "--data", str(FIXTURES / "small_qian_signatures.json"), "--clusters", str(FIXTURES / "small_qian_clusters.json"),
        "--name-variants", str(FIXTURES / "name_variants.txt"), "--folds", "3", "--json", "--predictions", str(out),
    )
    assert code == 0, stderr
    result = json.loads(stdout)
    assert (result["mentions"], result["blocks"], result["authors"]) == (9, 3, 5)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 9 and set(lines[0]) == {"block", "signature_id", "cluster"}


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


GOOD = PUBMED.read_text().splitlines()


@pytest.mark.parametrize(
    "lines,message",
    [
        ([GOOD[0], "{not json", GOOD[1]], "line 2: malformed JSON"),
        ([GOOD[0], GOOD[1], json.dumps({k: v for k, v in json.loads(GOOD[2]).items() if k != "author_id"})], "line 3: missing required field 'author_id'"),
        ([GOOD[0], json.dumps({**json.loads(GOOD[1]), "coauthors": "Horak J"})], "line 2: field 'coauthors' must be a list of strings"),
        ([GOOD[0], "[1, 2]"], "line 2: a record must be a JSON object"),
        ([json.dumps({**json.loads(GOOD[0]), "block": ""})], "line 1: field 'block' is empty"),
        ([], "no mentions in the file"),
        (GOOD[:10], "needs at least three blocks"),
    ],
)
def test_bad_input_names_file_line_and_fault_and_writes_nothing(tmp_path: Path, lines: list[str], message: str) -> None:
    data = write(tmp_path, lines)
    out = tmp_path / "pred.jsonl"
    out.write_text("earlier run\n")
    code, stdout, stderr = run("--data", str(data), "--json", "--predictions", str(out))
    assert code == 3
    assert message in stderr and (str(data) in stderr or "line" not in message)
    assert json.loads(stdout)["error"] == "invalid_input"
    assert out.read_text() == "earlier run\n"  # the earlier predictions are untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl", "pred.jsonl"]  # no temporary left


def test_missing_file(tmp_path: Path) -> None:
    code, _, stderr = run("--data", str(tmp_path / "absent.jsonl"))
    assert code == 3 and f"{tmp_path / 'absent.jsonl'}: no such file" in stderr


def test_qian_needs_its_clusters_and_consistent_ids(tmp_path: Path) -> None:
    signatures = str(FIXTURES / "small_qian_signatures.json")
    code, _, stderr = run("--format", "qian", "--data", signatures)
    assert code == 3 and "--clusters" in stderr
    clusters = tmp_path / "clusters.json"
    clusters.write_text(json.dumps({"a": {"signature_ids": ["1", "99"]}}))
    code, _, stderr = run("--format", "qian", "--data", signatures, "--clusters", str(clusters))
    assert code == 3 and "names signature '99'" in stderr
    clusters.write_text('{"a": {"signature_ids": ["1",\n "2"]')
    code, _, stderr = run("--format", "qian", "--data", signatures, "--clusters", str(clusters))
    assert code == 3 and f"{clusters}, line 2: malformed JSON" in stderr


def test_bad_name_variants_line(tmp_path: Path) -> None:
    variants = tmp_path / "variants.txt"
    variants.write_text("robert,bob\nwilliam\n")
    code, _, stderr = run("--data", str(PUBMED), "--name-variants", str(variants))
    assert code == 3 and f"{variants}, line 2: expected 'name,variant'" in stderr


def test_predictions_folder_must_exist(tmp_path: Path) -> None:
    code, _, stderr = run("--data", str(PUBMED), "--predictions", str(tmp_path / "nowhere" / "p.jsonl"))
    assert code == 3 and "does not exist" in stderr
