"""Bad input on both databases: each fault is quarantined with its reason (and its bytes where it
has any), the run reads everything else, the report counts exactly, nothing is half-written, and
running the same input again changes nothing.

Hand-made inputs are in ``tests/fixtures/bad_input/``; the truncated gzip stream and the
oversized records are built here.
"""

from __future__ import annotations

import gzip
import shutil
import zlib
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from peerscope.cli import cli
from peerscope.normalize import limits
from peerscope.pipeline import IngestReport, file_stream, ingest_openalex, ingest_stream
from peerscope.sources import arxiv, crossref
from peerscope.store.db import Store

from .conftest import FIXTURES

BAD = FIXTURES / "bad_input"
GOOD = BAD / "good.jsonl"
TABLES = ["raw_records", "works", "authors", "authorships", "authorship_affiliations", "external_ids", "citations", "locations", "work_records", "author_stats"]


# --- helpers -------------------------------------------------------------------------------------


def counts(report: IngestReport) -> tuple[int, int, int, int, int]:
    """(read, inserted, updated, unchanged, quarantined)"""
    d = report.as_dict()
    return d["read"], d["inserted"], d["updated"], d["unchanged"], d["quarantined"]


def quarantine(store: Store) -> list[tuple]:
    with store.connect() as conn:
        rows = conn.execute(text("SELECT id, source, location, reason, payload FROM quarantine ORDER BY id"))
        return [(r.id, r.source, r.location, r.reason, None if r.payload is None else bytes(r.payload)) for r in rows]


def table_counts(store: Store) -> dict[str, int]:
    with store.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def works_in_store(store: Store, scheme: str = "openalex") -> dict[str, tuple[str, int]]:
    """Each work, by its id in ``scheme``: its title and how many authorships it holds."""
    with store.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT x.value, w.title, (SELECT count(*) FROM authorships a WHERE a.work_id = w.id) "
                "FROM works w JOIN external_ids x ON x.entity_kind = 'work' AND x.entity_id = w.id AND x.scheme = :scheme"
            ),
            {"scheme": scheme},
        )
        return {value: (title, n) for value, title, n in rows}


def works_of_lines(*lines: bytes) -> dict[str, tuple[str, int]]:
    """What the given OpenAlex work lines should become: id -> (title, authorships)."""
    out = {}
    for line in lines:
        w = orjson.loads(line)
        out[w["id"].rsplit("/", 1)[1]] = ((w.get("title") or w["display_name"]).strip(), len(w["authorships"]))
    return out


def good_lines() -> list[bytes]:
    return [line for line in GOOD.read_bytes().splitlines() if line.strip()]


def assert_nothing_changes_again(store: Store, again: IngestReport, first: IngestReport, before: dict[str, int], quarantined: list[tuple]) -> None:
    """The same input read again: every record unchanged, the faults reported again, no row added
    anywhere, and the quarantine entries the same ones."""
    read, inserted, updated, unchanged, bad = counts(first)
    assert counts(again) == (read, 0, 0, unchanged + inserted + updated, bad)
    assert table_counts(store) == before
    assert quarantine(store) == quarantined


# --- OpenAlex files --------------------------------------------------------------------------------


def test_truncated_gzip_keeps_the_records_before_the_fault_and_reads_the_other_files(store: Store, tmp_path: Path) -> None:
    template = orjson.loads(good_lines()[0])
    records = []
    for i in range(40):
        w = {**template, "id": f"https://openalex.org/W97{i:03d}", "doi": None, "title": f"Record {i} of a stream cut short"}
        records.append(orjson.dumps(w))
    stream = gzip.compress(b"\n".join(records) + b"\n", mtime=0)
    cut = stream[: len(stream) * 2 // 3]
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "a_part.jsonl.gz").write_bytes(cut)
    shutil.copy(GOOD, folder / "b_good.jsonl")
    # the lines a reader can get whole from the truncated stream, counted independently
    whole = zlib.decompressobj(wbits=31).decompress(cut).count(b"\n")
    assert 0 < whole < 40

    report = ingest_openalex(store, [folder], batch_size=7)

    assert counts(report) == (whole + 1 + 3, whole + 3, 0, 0, 1)
    rows = quarantine(store)
    assert [(source, location) for _, source, location, _, _ in rows] == [("openalex", "a_part.jsonl.gz")]
    reason = rows[0][3]
    assert reason.startswith(f"a_part.jsonl.gz: cannot read after line {whole} ("), reason
    assert works_in_store(store) == works_of_lines(*records[:whole], *good_lines())
    assert report.errors == (reason,)

    before, entries = table_counts(store), quarantine(store)
    assert_nothing_changes_again(store, ingest_openalex(store, [folder], batch_size=7), report, before, entries)


def test_malformed_json_lines_are_quarantined_with_their_bytes(store: Store) -> None:
    bad = BAD / "malformed_lines.jsonl"
    lines = bad.read_bytes().split(b"\n")
    report = ingest_openalex(store, [bad, GOOD], batch_size=2)

    # five lines with text (an empty line is no record), three in the good file
    assert counts(report) == (8, 5, 0, 0, 3)
    rows = quarantine(store)
    assert [(source, location, payload) for _, source, location, _, payload in rows] == [
        ("openalex", "malformed_lines.jsonl:2", lines[1]),
        ("openalex", "malformed_lines.jsonl:3", lines[2]),
        ("openalex", "malformed_lines.jsonl:4", lines[3]),
    ]
    reasons = [r[3] for r in rows]
    assert reasons[0].startswith("malformed_lines.jsonl:2: not valid JSON (")
    assert reasons[1].startswith("malformed_lines.jsonl:3: not valid JSON (unexpected end of data")
    assert reasons[2] == "malformed_lines.jsonl:4: expected a JSON object for an OpenAlex entity, got list"
    assert list(report.errors) == reasons
    assert works_in_store(store) == works_of_lines(lines[0], lines[5], *good_lines())

    before, entries = table_counts(store), quarantine(store)
    assert_nothing_changes_again(store, ingest_openalex(store, [bad, GOOD], batch_size=2), report, before, entries)


def test_a_file_in_latin1_is_quarantined_as_not_utf8(store: Store) -> None:
    bad = BAD / "latin1.jsonl"
    lines = bad.read_bytes().splitlines()
    for line in (lines[0], lines[2]):
        with pytest.raises(UnicodeDecodeError):
            line.decode("utf-8")
    report = ingest_openalex(store, [bad])

    assert counts(report) == (3, 1, 0, 0, 2)
    rows = quarantine(store)
    assert [(location, payload) for _, _, location, _, payload in rows] == [("latin1.jsonl:1", lines[0]), ("latin1.jsonl:3", lines[2])]
    for _, _, location, reason, _ in rows:
        assert reason.startswith(f"{location}: not UTF-8 text"), reason
        assert "JSON must be UTF-8" in reason
    # the line that is plain ASCII is the same text in either encoding: it goes in
    assert works_in_store(store) == works_of_lines(lines[1])

    before, entries = table_counts(store), quarantine(store)
    assert_nothing_changes_again(store, ingest_openalex(store, [bad]), report, before, entries)


def test_an_html_error_page_saved_as_json_is_one_quarantined_input(store: Store) -> None:
    page = BAD / "error_page.json"
    report = ingest_openalex(store, [page, GOOD])

    # a .json file is one document: the page is one bad input, named as what it is
    rows = quarantine(store)
    assert len(rows) == 1, f"{len(rows)} quarantine entries for one page: {[(r[2], r[3]) for r in rows]}"
    [(_, source, location, reason, payload)] = rows
    assert (source, location) in {("openalex", "error_page.json"), ("openalex", "error_page.json:1")}
    assert reason == f"{location}: an HTML page where JSON was expected"
    assert payload in (None, page.read_bytes())
    assert counts(report) == (4, 3, 0, 0, 1)
    assert works_in_store(store) == works_of_lines(*good_lines())

    before, entries = table_counts(store), quarantine(store)
    assert_nothing_changes_again(store, ingest_openalex(store, [page, GOOD]), report, before, entries)


def test_openalex_works_missing_required_fields(store: Store) -> None:
    bad = BAD / "missing_fields.jsonl"
    lines = bad.read_bytes().splitlines()
    report = ingest_openalex(store, [bad], batch_size=4)

    # no id, no title (neither title nor display_name), a blank title, an id that names no
    # entity: refused; a work named only by display_name takes that as its title
    assert counts(report) == (6, 2, 0, 0, 4)
    rows = quarantine(store)
    assert [(location, reason, payload) for _, _, location, reason, payload in rows] == [
        ("missing_fields.jsonl:1", "missing_fields.jsonl:1: missing or malformed OpenAlex id None", lines[0]),
        ("missing_fields.jsonl:2", "missing_fields.jsonl:2: work W9132 has no title", lines[1]),
        ("missing_fields.jsonl:3", "missing_fields.jsonl:3: work W9133 has no title", lines[2]),
        ("missing_fields.jsonl:5", "missing_fields.jsonl:5: missing or malformed OpenAlex id 'https://openalex.org/works/not-an-id'", lines[4]),
    ]
    assert works_in_store(store) == works_of_lines(lines[3], lines[5])
    assert works_in_store(store)["W9134"][0] == "Named by display_name only"
    with store.connect() as conn:
        # nothing of the refused records was stored: no payload, no id, no byline
        assert conn.execute(text("SELECT count(*) FROM raw_records WHERE source_id IN ('W9131', 'W9132', 'W9133', 'W9135')")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM external_ids WHERE value IN ('10.5555/bad.9131', 'W9132', 'W9133', '10.5555/bad.9135')")).scalar_one() == 0

    before, entries = table_counts(store), quarantine(store)
    assert_nothing_changes_again(store, ingest_openalex(store, [bad], batch_size=4), report, before, entries)


def _oversized(kind: str) -> tuple[dict, str]:
    """A work with one absurdly large field, and the reason expected for it."""
    w = {**orjson.loads(good_lines()[0]), "id": "https://openalex.org/W98001", "doi": None}
    if kind == "title":
        w["title"] = w["display_name"] = "Oversized " + "t" * 2990
        return w, f"title of 3,000 characters (at most {limits.MAX_TITLE:,})"
    if kind == "abstract":
        w["abstract_inverted_index"] = {f"w{i:08d}": [i] for i in range(20_000)}  # 199,999 characters
        return w, f"abstract of 199,999 characters (at most {limits.MAX_ABSTRACT:,})"
    w["authorships"] = [
        {"author_position": "middle", "author": {"id": f"https://openalex.org/A98{i:05d}", "display_name": f"Member {i}"}, "raw_author_name": f"Member {i}"}
        for i in range(20_000)
    ]
    return w, f"20,000 authors (at most {limits.MAX_AUTHORS:,})"


@pytest.mark.parametrize("kind", ["title", "abstract", "authors"])
def test_absurdly_large_fields_are_refused_with_the_reason(store: Store, tmp_path: Path, kind: str) -> None:
    record, why = _oversized(kind)
    line = orjson.dumps(record)
    big = tmp_path / "oversized.jsonl"
    big.write_bytes(line + b"\n")
    report = ingest_openalex(store, [big, GOOD], batch_size=2)

    rows = quarantine(store)
    assert [(location, reason) for _, _, location, reason, _ in rows] == [("oversized.jsonl:1", f"oversized.jsonl:1: record refused: {why}")]
    assert rows[0][4] == line
    assert counts(report) == (4, 3, 0, 0, 1)
    assert works_in_store(store) == works_of_lines(*good_lines())
    with store.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM raw_records WHERE source_id = 'W98001'")).scalar_one() == 0
        assert conn.execute(text("SELECT max(length(title)) FROM works")).scalar_one() <= limits.MAX_TITLE

    before, entries = table_counts(store), quarantine(store)
    assert_nothing_changes_again(store, ingest_openalex(store, [big, GOOD], batch_size=2), report, before, entries)


# --- recorded answers of other connectors -------------------------------------------------------------


def _arxiv_stream(folder: Path):
    return file_stream("arxiv", [folder], arxiv.read)


def _crossref_stream(folder: Path):
    return file_stream("crossref", [folder], crossref.read)


def test_arxiv_malformed_xml_is_quarantined_and_the_other_answers_read(store: Store) -> None:
    folder = BAD / "arxiv"
    report = ingest_stream(store, _arxiv_stream(folder))

    assert counts(report) == (3, 2, 0, 0, 1)
    rows = quarantine(store)
    assert [(source, location) for _, source, location, _, _ in rows] == [("arxiv", "broken.xml")]
    assert "not well-formed XML (no element found: line 17" in rows[0][3]
    assert works_in_store(store, "arxiv") == {
        "2502.01001": ("Harvesting preprints without trusting the wire", 2),
        "2502.01002": ("Quarantine tables for metadata pipelines", 1),
    }

    before, entries = table_counts(store), quarantine(store)
    assert_nothing_changes_again(store, ingest_stream(store, _arxiv_stream(folder)), report, before, entries)


def test_crossref_answer_with_status_500_is_quarantined_and_the_other_answers_read(store: Store) -> None:
    folder = BAD / "crossref"
    report = ingest_stream(store, _crossref_stream(folder))

    assert counts(report) == (2, 1, 0, 0, 1)
    rows = quarantine(store)
    assert [(source, location) for _, source, location, _, _ in rows] == [("crossref", "server_error.json")]
    assert "Crossref answered 500 for https://api.crossref.org/works?filter=from-pub-date:2024-01-01" in rows[0][3]
    assert works_in_store(store, "doi") == {"10.5555/bad.9201": ("Publisher metadata that arrives whole", 2)}

    before, entries = table_counts(store), quarantine(store)
    assert_nothing_changes_again(store, ingest_stream(store, _crossref_stream(folder)), report, before, entries)


UNREADABLE_ANSWERS = pytest.mark.parametrize(
    ("source", "name", "kept"),
    [("arxiv", "broken.xml", b"An answer cut off by a dropped connection"), ("crossref", "server_error.json", b"the upstream index did not answer in time")],
    ids=["arxiv-malformed-xml", "crossref-status-500"],
)


def _quarantined_answer(store: Store, source: str) -> tuple[str, str, bytes | None]:
    stream = (_arxiv_stream if source == "arxiv" else _crossref_stream)(BAD / source)
    ingest_stream(store, stream)
    [(_, _, location, reason, payload)] = quarantine(store)
    return location, reason, payload


@UNREADABLE_ANSWERS
def test_an_unreadable_recorded_answer_is_named_once_in_its_reason(store: Store, source: str, name: str, kept: bytes) -> None:
    location, reason, _ = _quarantined_answer(store, source)
    assert location == name
    assert reason.count(name) == 1, f"the reason repeats the file name: {reason!r}"


@UNREADABLE_ANSWERS
def test_an_unreadable_recorded_answer_is_kept_with_its_bytes(store: Store, source: str, name: str, kept: bytes) -> None:
    _, _, payload = _quarantined_answer(store, source)
    assert payload is not None and kept in payload, f"the answer that could not be read is not kept (payload {payload!r})"


# --- the command line ------------------------------------------------------------------------------------


def _url(store: Store) -> str:
    return store.url.render_as_string(hide_password=False)


@pytest.fixture
def invoke(store: Store, tmp_path: Path):
    """``peerscope ingest openalex ARGS`` into the test's store."""

    def run(*args: str):
        options = ["--database-url", _url(store), "--data-dir", str(tmp_path / "data")]
        return CliRunner().invoke(cli, ["ingest", "openalex", *args, *options], catch_exceptions=False)

    return run


def test_cli_exits_3_with_the_json_summary_when_records_were_quarantined(store: Store, invoke) -> None:
    bad = BAD / "malformed_lines.jsonl"
    result = invoke(str(bad), str(GOOD), "--json")
    assert result.exit_code == 3, result.output + result.stderr
    summary = orjson.loads(result.stdout)
    assert (summary["read"], summary["inserted"], summary["updated"], summary["unchanged"], summary["quarantined"]) == (8, 5, 0, 0, 3)
    assert [e.split(":", 2)[:2] for e in summary["errors"]] == [["malformed_lines.jsonl", "2"], ["malformed_lines.jsonl", "3"], ["malformed_lines.jsonl", "4"]]
    assert "3 input record(s) quarantined, the first: malformed_lines.jsonl:2: not valid JSON" in result.stderr
    assert len(quarantine(store)) == 3

    again = invoke(str(bad), str(GOOD), "--json")
    assert again.exit_code == 3, again.output + again.stderr
    assert orjson.loads(again.stdout)["unchanged"] == 5
    assert len(quarantine(store)) == 3


def test_cli_exits_0_when_nothing_was_quarantined(store: Store, invoke) -> None:
    result = invoke(str(GOOD), "--json")
    assert result.exit_code == 0, result.output + result.stderr
    summary = orjson.loads(result.stdout)
    assert (summary["read"], summary["inserted"], summary["quarantined"], summary["errors"]) == (3, 3, 0, [])
    assert "quarantined" not in result.stderr
    assert quarantine(store) == []


def test_cli_strict_stops_at_the_first_bad_record_naming_file_and_line(store: Store, invoke) -> None:
    bad = BAD / "malformed_lines.jsonl"
    result = invoke(str(bad), str(GOOD), "--strict", "--batch-size", "1")
    assert result.exit_code == 3, result.output + result.stderr
    assert "peerscope: error: malformed_lines.jsonl:2: not valid JSON" in result.stderr
    # the whole batches before the bad line are in; nothing after it, nothing quarantined
    assert works_in_store(store) == works_of_lines(bad.read_bytes().splitlines()[0])
    assert quarantine(store) == []

    as_json = invoke(str(bad), str(GOOD), "--strict", "--json")
    assert as_json.exit_code == 3
    error = orjson.loads(as_json.stdout)
    assert error["error"] == "invalid_input" and error["message"].startswith("malformed_lines.jsonl:2: not valid JSON")
