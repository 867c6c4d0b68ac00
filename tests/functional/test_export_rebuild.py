"""Canonical JSON Lines export, import and rebuild, on SQLite and PostgreSQL.

The graph is built from every source's recorded fixtures (with quarantined error answers, a
work several sources describe, conflicts, signals, ORCID work lists and a merged OpenAlex id
that folds two works into one), then exported, imported into a second store, rebuilt in place.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from peerscope.cli import cli
from peerscope.cli.export import run_import, run_rebuild
from peerscope.errors import InputError
from peerscope.normalize import canonical
from peerscope.pipeline import file_stream, ingest_openalex, ingest_stream
from peerscope.sources import arxiv, crossref, hf, orcid, semanticscholar
from peerscope.store.db import Store
from peerscope.store.export import check_export, export_jsonl, stage_import
from peerscope.store.models import Base, RawRecord
from peerscope.store.payloads import unpack
from peerscope.store.search import search_titles
from peerscope.store.writer import payload_hash

from .conftest import FIXTURES, SAMPLE

READERS = {"arxiv": arxiv.read, "crossref": crossref.read, "s2": semanticscholar.read, "orcid": orcid.read, "hf": hf.read}
MERGED_IDS = FIXTURES / "canonical" / "merged_ids.jsonl"
AT = datetime(2025, 6, 1, 12, 0, 0)
KEPT = {"raw_records", "quarantine", "ingest_checkpoints"}
WRITE_TIMES = {"created_at", "updated_at", "detected_at", "computed_at"}


@contextmanager
def quiet(label: str, total: int | None) -> Iterator:
    yield lambda n: None


def build_graph(store: Store) -> None:
    ingest_openalex(store, [SAMPLE])
    for source, read in READERS.items():
        ingest_stream(store, file_stream(source, [FIXTURES / source], read))
    ingest_openalex(store, [MERGED_IDS])


def url_of(store: Store) -> str:
    return store.url.render_as_string(hide_password=False)


@pytest.fixture
def graph(store: Store) -> Store:
    build_graph(store)
    return store


@pytest.fixture
def other_store(store: Store, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A second, empty, migrated store on the same kind of database."""
    name = None
    if store.is_sqlite:
        url = f"sqlite:///{tmp_path / 'other.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        name = server.unique_name()
        url = server.create_database(name)
    other = Store(url)
    other.upgrade()
    yield other
    other.dispose()
    if name is not None:
        server.drop_database(name)


def tables(store: Store, *, write_times: bool = False) -> dict[str, list[tuple]]:
    """Every table's rows, sorted; the times a row was written left out of canonical and derived
    tables unless ``write_times``."""
    out = {}
    with store.connect() as conn:
        for t in Base.metadata.sorted_tables:
            cols = [c for c in t.c if write_times or t.name in KEPT or c.name not in WRITE_TIMES]
            out[t.name] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
    return out


def lines(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.splitlines(keepends=True)


def import_into(store: Store, path: Path) -> dict:
    return run_import(store, path, bar=quiet)


# --- the export itself -------------------------------------------------------------------------


def test_export_holds_every_kind_sorted_and_exact(graph: Store, tmp_path: Path) -> None:
    report = export_jsonl(graph, tmp_path / "a.jsonl", exported_at=AT)
    out = lines(tmp_path / "a.jsonl")
    header = orjson.loads(out[0])
    assert header == {
        "kind": "peerscope-export", "format": 1, "schema_revision": graph.current_revision(),
        "exported_at": "2025-06-01T12:00:00.000000Z", "counts": report.lines,
    }
    parsed = [orjson.loads(line) for line in out[1:]]
    kinds = [p["kind"] for p in parsed]
    assert kinds == sorted(kinds, key=canonical.KINDS.index)  # grouped in the documented order
    for kind in canonical.KINDS:
        assert kinds.count(kind) == header["counts"][kind] > 0, kind
    assert all(line == orjson.dumps(p, option=orjson.OPT_SORT_KEYS) + b"\n" for line, p in zip(out[1:], parsed))  # sorted keys, compact
    for kind in ("raw", "work", "author", "source", "institution", "topic"):
        ids = [p["id"] for p in parsed if p["kind"] == kind]
        assert ids == sorted(ids) and len(set(ids)) == len(ids), kind
    with graph.connect() as conn:
        rows = conn.execute(select(RawRecord.__table__)).all()
        stored = {r.id: (r.source, r.source_id, r.payload_hash, unpack(r.payload, r.payload_codec), r.retrieved_at) for r in rows}
        titles = dict(conn.execute(text("SELECT id, title FROM works")).all())
        redirect = conn.execute(text("SELECT old_id, new_id FROM redirects")).one()
    raws = [p for p in parsed if p["kind"] == "raw"]
    assert {p["id"] for p in raws} == set(stored)
    assert {r.payload_codec for r in rows} == {None, "zstd"}  # large payloads rest compressed, small ones as received
    for p in raws:  # every payload comes back byte for byte, with its hash and retrieval time
        payload = canonical.decode_payload(p, "test")
        assert (p["source"], p["source_id"], p["payload_hash"], payload, canonical.parse_time(p["retrieved_at"], "t")) == stored[p["id"]]
    assert {"payload", "payload_text"} <= {f for p in raws for f in canonical.PAYLOAD_FIELDS if f in p}
    works = {p["id"]: p for p in parsed if p["kind"] == "work"}
    assert {i: w["title"] for i, w in works.items()} == titles
    assert [(p["old_id"], p["new_id"]) for p in parsed if p["kind"] == "redirect"] == [tuple(redirect)]
    assert redirect[0] not in works and redirect[1] in works
    # the work two sources describe carries both contributions and their disagreements
    several = [w for w in works.values() if len({c["source"] for c in w["contributions"]}) > 1]
    assert several and any(w["conflicts"] for w in several)
    assert any(w["signals"] for w in works.values()) and any(w["references"] for w in works.values())
    ada = next(p for p in parsed if p["kind"] == "author" and p["orcid"] == "0000-0002-1825-0097")
    assert {"A. Lovelace", "Ada Lovelace"} <= set(ada["names"]) and ada["work_refs"]
    assert ada["id"] in {s["author_id"] for w in works.values() for s in w["authorships"]}
    assert "created_at" not in works[redirect[1]] and "updated_at" not in ada


def test_export_is_deterministic_plain_and_gzip(graph: Store, tmp_path: Path) -> None:
    export_jsonl(graph, tmp_path / "a.jsonl", exported_at=AT)
    export_jsonl(graph, tmp_path / "b.jsonl")
    export_jsonl(graph, tmp_path / "a.jsonl.gz", exported_at=AT)
    export_jsonl(graph, tmp_path / "c.jsonl.gz", exported_at=AT)
    a, b = lines(tmp_path / "a.jsonl"), lines(tmp_path / "b.jsonl")
    assert a[1:] == b[1:] and a[0] != b[0]  # only the export time differs
    assert (tmp_path / "a.jsonl.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert lines(tmp_path / "a.jsonl.gz") == a
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "c.jsonl.gz").read_bytes()
    assert not list(tmp_path.glob("*.part"))


def test_payload_fields_keep_any_bytes() -> None:
    for payload in (b'{"a":1,"b":[true,null]}', b'{"b": 1, "a": 2}', b"<x>\xc3\xa9</x>", b"\xff\x00\xfe", b"", b"null"):
        fields = canonical.encode_payload(payload)
        line = orjson.loads(canonical.dumps_line({"kind": "raw", **fields}))
        assert canonical.decode_payload(line, "t") == payload
    assert "payload" in canonical.encode_payload(b'{"a":1}')
    assert "payload_text" in canonical.encode_payload(b'{"b": 1, "a": 2}')  # spacing kept exactly
    assert "payload_b64" in canonical.encode_payload(b"\xff\x00")


# --- import ------------------------------------------------------------------------------------


def test_export_import_export_gives_the_same_file(graph: Store, other_store: Store, tmp_path: Path) -> None:
    export_jsonl(graph, tmp_path / "a.jsonl.gz", exported_at=AT)
    report = import_into(other_store, tmp_path / "a.jsonl.gz")
    assert report["raw_ids_kept"] and report["raw_inserted"] == report["lines"]["raw"] == report["replayed"]
    assert report["failed"] == 0 and report["raw_present"] == 0 and report["merged"] == 1
    export_jsonl(other_store, tmp_path / "b.jsonl.gz", exported_at=AT)
    a, b = lines(tmp_path / "a.jsonl.gz"), lines(tmp_path / "b.jsonl.gz")
    assert len(a) == len(b)
    assert [x for x, y in zip(a, b) if x != y] == []  # byte for byte, ids included
    assert tables(other_store) == tables(graph)  # derived counts and search follow
    assert search_titles(other_store, "resolving", 10) == search_titles(graph, "resolving", 10) != ([], 0)


def test_import_twice_changes_nothing(graph: Store, other_store: Store, tmp_path: Path) -> None:
    export_jsonl(graph, tmp_path / "a.jsonl", exported_at=AT)
    import_into(other_store, tmp_path / "a.jsonl")
    before = tables(other_store, write_times=True)
    again = import_into(other_store, tmp_path / "a.jsonl")
    assert (again["raw_inserted"], again["raw_present"], again["replayed"], again["checkpoints_written"]) == (0, again["lines"]["raw"], 0, 0)
    assert tables(other_store, write_times=True) == before


def test_import_into_a_store_holding_some_records(graph: Store, other_store: Store, tmp_path: Path) -> None:
    export_jsonl(graph, tmp_path / "a.jsonl", exported_at=AT)
    hf_only = ingest_stream(other_store, file_stream("hf", [FIXTURES / "hf"], hf.read))
    assert hf_only.inserted > 0
    report = import_into(other_store, tmp_path / "a.jsonl")
    with other_store.connect() as conn:
        hf_raws = conn.execute(text("SELECT count(*) FROM raw_records WHERE source = 'hf'")).scalar_one()
    assert report["raw_present"] == hf_raws > 0 and not report["raw_ids_kept"]
    assert report["raw_inserted"] == report["lines"]["raw"] - hf_raws == report["replayed"]

    def facts(store: Store) -> dict:
        with store.connect() as conn:
            return {
                "raw": set(conn.execute(text("SELECT source, source_id, payload_hash, retrieved_at FROM raw_records")).all()),
                # ids other than byline-slot keys, which hold our own (here different) work ids
                "ids": set(conn.execute(text("SELECT entity_kind, scheme, value FROM external_ids WHERE scheme <> 'mention'")).all()),
                "authors": conn.execute(text("SELECT count(*) FROM authors")).scalar_one(),
                "works": set(conn.execute(text("SELECT title, publication_year, cited_by_count FROM works")).all()),
                "contributions": set(conn.execute(text("SELECT source, source_id FROM work_records")).all()),
                "redirects": set(conn.execute(text("SELECT entity_kind, reason FROM redirects")).all()),
            }

    assert facts(other_store) == facts(graph)


def test_an_import_cut_short_finishes_when_run_again(graph: Store, other_store: Store, tmp_path: Path) -> None:
    export_jsonl(graph, tmp_path / "a.jsonl", exported_at=AT)
    scan = check_export(tmp_path / "a.jsonl")
    staged = stage_import(other_store, scan)  # stored, then the run "dies" before replaying
    assert staged.pending == staged.raw_inserted > 0
    with other_store.connect() as conn:
        waiting = conn.execute(text("SELECT stream, finished FROM ingest_checkpoints WHERE source = 'jsonl'")).all()
        assert waiting == [(scan.key, False)]
        assert conn.execute(text("SELECT count(*) FROM works")).scalar_one() == 0
    report = import_into(other_store, tmp_path / "a.jsonl")
    assert report["raw_inserted"] == 0 and report["replayed"] == staged.pending
    export_jsonl(other_store, tmp_path / "b.jsonl", exported_at=AT)
    assert lines(tmp_path / "b.jsonl") == lines(tmp_path / "a.jsonl")  # the pending checkpoint is gone too


def _refusals(good: list[bytes], tmp_path: Path) -> dict[str, tuple[Path, str]]:
    header = orjson.loads(good[0])
    raw_at = next(i for i, line in enumerate(good) if b'"kind":"raw"' in line)
    altered = orjson.loads(good[raw_at])
    altered["payload_hash"] = payload_hash(b"something else")
    files = {
        "empty": (b"", "no header line"),
        "headerless": (b"".join(good[1:]), "not a Peerscope export"),
        "not json": (b"id,title\n1,x\n", "not a Peerscope export"),
        "unknown format": (canonical.dumps_line({**header, "format": 2}) + b"".join(good[1:]), "export format 2 is unknown"),
        "cut at a line": (b"".join(good[:-3]), "truncated"),
        "cut in a line": (b"".join(good)[:-40], "cut short"),
        "header only": (good[0], "truncated"),
        "altered payload": (b"".join([*good[:raw_at], canonical.dumps_line(altered), *good[raw_at + 1 :]]), "does not match its payload_hash"),
        "gzip cut short": (gzip.compress(b"".join(good))[:-200], "truncated"),
    }
    out = {}
    for i, (name, (data, message)) in enumerate(files.items()):
        path = tmp_path / f"refused-{i}.jsonl"
        path.write_bytes(data)
        out[name] = (path, message)
    return out


def test_a_bad_file_is_refused_with_nothing_written(graph: Store, other_store: Store, tmp_path: Path) -> None:
    export_jsonl(graph, tmp_path / "a.jsonl", exported_at=AT)
    empty = tables(other_store, write_times=True)
    assert not any(empty.values())
    for name, (path, message) in _refusals(lines(tmp_path / "a.jsonl"), tmp_path).items():
        with pytest.raises(InputError) as info:
            import_into(other_store, path)
        assert message in info.value.message and str(path) in info.value.message, name
        assert tables(other_store, write_times=True) == empty, name


# --- rebuild -----------------------------------------------------------------------------------


def test_rebuild_gives_back_every_table(graph: Store, tmp_path: Path) -> None:
    before = tables(graph)
    export_jsonl(graph, tmp_path / "before.jsonl", exported_at=AT)
    report = run_rebuild(graph, bar=quiet)
    assert report["failed"] == 0 and report["replayed"] == len(before["raw_records"])
    assert report["deleted"]["works"] == len(before["works"]) and report["merged"] == 1
    # replay follows the original write batches, so even the surrogate ids come back the same
    assert tables(graph) == before
    export_jsonl(graph, tmp_path / "after.jsonl", exported_at=AT)
    assert lines(tmp_path / "after.jsonl") == lines(tmp_path / "before.jsonl")
    assert search_titles(graph, "resolving", 10)[1] > 0


def test_rebuild_reports_and_skips_a_record_that_no_longer_replays(graph: Store) -> None:
    before = tables(graph)
    with graph.begin(write=True) as conn:
        last_id, last_at = conn.execute(text("SELECT id, ingested_at FROM raw_records ORDER BY id DESC LIMIT 1")).one()
        # a payload stored in the same batch as the last one, which its reader no longer accepts
        conn.execute(
            text("INSERT INTO raw_records (id, source, source_id, payload_hash, payload, retrieved_at, ingested_at) VALUES (:id, 'openalex', 'W404', :h, :p, :at, :at)"),
            {"id": last_id + 1, "h": payload_hash(b"{not json"), "p": b"{not json", "at": last_at},
        )
    report = run_rebuild(graph, bar=quiet)
    assert report["failed"] == 1 and report["replayed"] == len(before["raw_records"])
    assert report["errors"][0].startswith(f"raw record {last_id + 1} (openalex W404): ")
    after = tables(graph)
    after["raw_records"] = [r for r in after["raw_records"] if r[0] != last_id + 1]
    assert after == before  # everything else, the bad record's batch-mate included, is rebuilt


def test_rebuild_goes_on_when_a_source_reader_changed(graph: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data, retrieved_at, where="record"):  # type: ignore[no-untyped-def]
        raise InputError(f"{where}: this reader no longer understands the entry")

    monkeypatch.setattr("peerscope.normalize.hf.normalize", refuse)
    with graph.connect() as conn:
        hf_raws = conn.execute(text("SELECT count(*) FROM raw_records WHERE source = 'hf'")).scalar_one()
        others = set(conn.execute(text("SELECT source, source_id FROM work_records WHERE source <> 'hf'")).all())
    report = run_rebuild(graph, bar=quiet)
    assert report["failed"] == hf_raws > 0
    assert all(" (hf " in e and "no longer understands" in e for e in report["errors"])
    with graph.connect() as conn:
        assert set(conn.execute(text("SELECT source, source_id FROM work_records")).all()) == others
        assert conn.execute(text("SELECT count(*) FROM author_stats")).scalar_one() > 0


# --- the command line --------------------------------------------------------------------------


def invoke(*args: str, code: int = 0) -> dict:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output + result.stderr
    return orjson.loads(result.stdout) if "--json" in args else {"out": result.stdout, "err": result.stderr}


def test_cli_export_import_rebuild(graph: Store, other_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonl.gz"
    exported = invoke("export", str(out), "--database-url", url_of(graph), "--json")
    assert exported["path"] == str(out) and exported["lines"]["work"] > 0 and exported["bytes"] == out.stat().st_size
    assert exported["records"] == sum(exported["lines"].values())

    imported = invoke("ingest", "jsonl", str(out), "--database-url", url_of(other_store), "--json")
    assert imported["raw_inserted"] == exported["lines"]["raw"] and imported["failed"] == 0
    assert imported["authors_recomputed"] > 0 and "titles_indexed" in imported
    assert search_titles(other_store, "resolving", 10)[1] > 0
    again = invoke("ingest", "jsonl", str(out), "--database-url", url_of(other_store))
    assert "0 raw records stored" in again["out"] and "0 raw records replayed" in again["out"]
    assert tables(other_store) == tables(graph)

    rebuilt = invoke("rebuild", "--database-url", url_of(other_store), "--batch-size", "3", "--json")
    assert rebuilt["replayed"] == exported["lines"]["raw"] and rebuilt["deleted"]["works"] == exported["lines"]["work"]
    human = invoke("rebuild", "--database-url", url_of(other_store))
    assert "raw records replayed" in human["out"] and "deleted" in human["out"]
    assert {k: len(v) for k, v in tables(other_store).items()} == {k: len(v) for k, v in tables(graph).items()}

    plain = invoke("export", str(tmp_path / "again.jsonl"), "--database-url", url_of(other_store))
    assert "lines" in plain["out"] and (tmp_path / "again.jsonl").exists()


def test_cli_refuses_a_bad_file_and_creates_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"kind":"raw","id":1}\n')
    data = tmp_path / "data"
    result = invoke("ingest", "jsonl", str(bad), "--data-dir", str(data), "--json", code=3)
    assert result["error"] == "invalid_input" and "not a Peerscope export" in result["message"]
    text_result = invoke("ingest", "jsonl", str(tmp_path / "missing.jsonl"), "--data-dir", str(data), code=3)
    assert "no such file" in text_result["err"]
    assert not data.exists()
    assert invoke("export", str(tmp_path / "nowhere" / "x.jsonl"), "--data-dir", str(data), code=3)["err"].startswith("peerscope: error:")
    assert invoke("rebuild", "--data-dir", str(data), code=5)["err"].startswith("peerscope: error: no database at")


def test_cli_rebuild_exits_3_when_records_were_skipped(graph: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(data, retrieved_at, where="record"):  # type: ignore[no-untyped-def]
        raise InputError(f"{where}: refused")

    monkeypatch.setattr("peerscope.normalize.hf.normalize", refuse)
    result = invoke("rebuild", "--database-url", url_of(graph), "--json", code=3)
    assert result["failed"] > 0 and all("(hf " in e for e in result["errors"])


def test_a_damaged_stored_payload_stops_the_export_naming_it_and_leaves_no_file(graph: Store, tmp_path: Path) -> None:
    with graph.begin(write=True) as conn:
        rid = conn.execute(text("SELECT min(id) FROM raw_records WHERE payload_codec = 'zstd'")).scalar_one()
        conn.execute(text("UPDATE raw_records SET payload = :p WHERE id = :i"), {"p": b"\x28\xb5\x2f\xfd broken", "i": rid})
    out = tmp_path / "damaged.jsonl"
    with pytest.raises(InputError, match=f"raw record {rid}: the stored payload is not a readable zstd frame"):
        export_jsonl(graph, out, exported_at=AT)
    assert not out.exists() and not list(tmp_path.glob("damaged.jsonl*"))
