"""check-document and ingest document through the CLI, a generated 200-page PDF, hostile
files refused with nothing stored, and documents with flags stored on both databases."""

from __future__ import annotations

import importlib.util
import json
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from peerscope.cli import cli
from peerscope.documents.parse import parse_document
from peerscope.documents.sandbox import Limits
from peerscope.errors import InputError
from peerscope.store import documents as store_documents
from peerscope.store.db import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "documents"
KEYS = ["title", "authors", "abstract", "sections", "references", "flags"]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("documents_generate", FIXTURES / "generate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["documents_generate"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def thesis_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    gen = _generator()
    thesis = gen.thesis()
    return gen.write_pdf(thesis.pages, tmp_path_factory.mktemp("pdf") / "thesis.pdf"), thesis


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_check_document_json_shape_without_a_store(tmp_path: Path) -> None:
    code, out = run("check-document", str(FIXTURES / "clean_paper.txt"), "--data-dir", str(tmp_path), "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == KEYS
    assert data["authors"][0] == {"name": "Maria Rossi", "affiliations": ["Department of Physics, University of Bologna, Italy"], "emails": ["maria.rossi@unibo.it"]}
    assert list(data["references"][0]) == ["raw", "authors", "year", "title", "venue", "ids", "work_id"]
    assert data["flags"] == []


def test_long_pdf_through_the_sandbox(thesis_pdf, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path, thesis = thesis_pdf
    code, out = run("check-document", str(path), "--data-dir", str(tmp_path), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["title"] == "Trust Signals in Scholarly Graphs"
    assert [a["name"] for a in data["authors"]] == ["Jane Doe"] and data["authors"][0]["emails"] == ["jane.doe@uu.nl"]
    assert len(data["sections"]) == 33 and data["sections"][-1] == {"number": "B", "title": "Data"}
    assert len(data["references"]) == 300
    correct = sum(1 for r, t in zip(data["references"], thesis.references) if r["title"] == t.title and r["authors"] == t.authors and r["year"] == t.year)
    assert correct == 300
    flag = next(f for f in data["flags"] if f["kind"] == "authorship_mismatch")
    assert flag["severity"] == "high" and any(e["kind"] == "based_on" and e["page"] == 2 for e in flag["evidence"])


def _pdf(body: bytes) -> bytes:
    return b"%PDF-1.4\n" + body + b"\n%%EOF\n"


def hostile_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    bomb_stream = zlib.compress(b"0" * 300_000_000, 9)
    bomb = _pdf(
        b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj "
        b"4 0 obj<</Length " + str(len(bomb_stream)).encode() + b"/Filter/FlateDecode>>stream\n" + bomb_stream + b"\nendstream endobj trailer<</Root 1 0 R>>"
    )
    cases = {
        "malformed.pdf": (b"%PDF-1.7\n this is not a PDF at all", "malformed PDF"),
        "encrypted.pdf": (None, "encrypted"),
        "bomb.pdf": (bomb, ""),
        "zip.pdf": (b"PK\x03\x04" + b"\x00" * 100, "ZIP archive"),
        "binary.txt": (b"abc\x00\x01\x02" * 100, "binary content"),
        "empty.txt": (b"", "empty"),
    }
    out = {}
    for name, (data, message) in cases.items():
        path = tmp_path / name
        if data is None:
            from fpdf import FPDF

            pdf = FPDF()
            pdf.add_page()
            pdf.set_font("Helvetica", size=12)
            pdf.text(10, 10, "secret")
            pdf.set_encryption(owner_password="owner", user_password="user")
            pdf.output(str(path))
        else:
            path.write_bytes(data)
        out[name] = (path, message)
    return out


def test_hostile_files_are_refused_and_nothing_is_stored(store: Store, tmp_path: Path) -> None:
    for name, (path, message) in hostile_files(tmp_path).items():
        code, out = run("ingest", "document", str(path), "--database-url", store.describe(), "--json")
        assert code == 3, (name, out)
        assert str(path) in out and message in out, (name, out)
    with store.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from documents").scalar_one() == 0
        assert conn.exec_driver_sql("select count(*) from integrity_flags").scalar_one() == 0


def test_size_cap_and_time_limit(tmp_path: Path, thesis_pdf) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="size cap"):
        parse_document(b"x" * 5000, "big.txt", max_bytes=4096)
    with pytest.raises(InputError, match="longer than"):
        parse_document(thesis_pdf[0].read_bytes(), "slow.pdf", limits=Limits(timeout_seconds=0.05))
    with pytest.raises(InputError, match="pages, over the limit"):
        parse_document(thesis_pdf[0].read_bytes(), "long.pdf", limits=Limits(max_pages=10))


def test_ingest_links_references_finds_reuse_and_stores_flags(store: Store, tmp_path: Path) -> None:
    from peerscope.pipeline import ingest_openalex

    ingest_openalex(store, [Path(__file__).resolve().parents[1] / "fixtures" / "openalex" / "sample_works.jsonl"])
    abstract = ("We resolve scholarly identities across sources by blocking on names, scoring pairs of bylines on "
                "co-authors, affiliations and topics, and clustering under constraints from claims; evaluated on "
                "labelled mentions, the method keeps precision while recall grows with every source added.")
    with store.begin() as conn:
        wid, title = conn.exec_driver_sql("select id, title from works order by id").first()
        doi = conn.exec_driver_sql(f"select value from external_ids where entity_kind='work' and scheme='doi' and entity_id={wid}").scalar()
        conn.exec_driver_sql(f"update works set abstract = '{abstract}' where id = {wid}")
    text = (f"A Paper That Borrows\n\nPat Example\nDepartment of Copying, University of Nowhere\n\nAbstract\n{abstract}\n\n"
            f"1 Introduction\nSee [1].\n\nReferences\n[1] Someone Else, \"{title},\" Some Journal, 2020. doi:{doi}\n")
    path = tmp_path / "borrow.txt"
    path.write_text(text)
    code, out = run("ingest", "document", str(path), "--database-url", store.describe(), "--json")
    assert code == 0, out
    saved = json.loads(out)
    assert saved["created"] and saved["references_linked"] == 1
    assert any(f["kind"] == "text_reuse" for f in saved["flags"])
    code, again = run("ingest", "document", str(path), "--database-url", store.describe(), "--json")
    assert json.loads(again)["created"] is False and json.loads(again)["document_id"] == saved["document_id"]
    flags = store_documents.flags_for(store, "work", wid)
    assert [f.kind for f in flags] == ["text_reuse"] and flags[0].evidence[0]["matched"]["id"] == wid
    view = store_documents.get_document(store, int(saved["document_id"][2:]))
    assert view is not None and view.structure["references"][0]["work_id"] == f"PW{wid}"
    code, out = run("check-document", str(path), "--database-url", store.describe(), "--json")
    assert json.loads(out)["references"][0]["work_id"] == f"PW{wid}"


def test_flags_in_the_api_and_on_pages(client, seeded_store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with seeded_store.connect() as conn:
        wid, title = conn.exec_driver_sql("select id, title from works order by id").first()
        aid, name = conn.exec_driver_sql(
            "select min(author_id), name from author_names where replace(name, '.', '') = name group by name having count(distinct author_id) = 1 order by min(author_id)"
        ).first()
    text = (f"{title}\n\n{name}\nDepartment of Physics, University of Bologna\nsomeone@gmail.com\n\nAbstract\n"
            "We apply counterfeit consciousness and profound learning to irregular woodland models.\n\n1 Introduction\nText.\n")
    path = tmp_path / "flagged.txt"
    path.write_text(text)
    code, out = run("ingest", "document", str(path), "--database-url", seeded_store.describe(), "--json")
    assert code == 0, out
    doc_id = json.loads(out)["document_id"]
    work_flags = client.get(f"/api/works/PW{wid}/flags").json()
    assert work_flags["entity"] == f"PW{wid}" and "tortured_phrases" in {f["kind"] for f in work_flags["results"]}
    author_flags = client.get(f"/api/authors/PA{aid}/flags").json()
    assert {f["kind"] for f in author_flags["results"]} >= {"tortured_phrases"}
    assert all(f["role"] == "byline" for f in author_flags["results"])
    document = client.get(f"/api/documents/{doc_id}").json()
    assert document["work"] == f"PW{wid}" and "emails" not in document["authors"][0]
    assert client.get("/api/documents/PD999999").status_code == 404
    page = client.get(f"/works/PW{wid}").text
    assert "Integrity flags" in page and "a signal with evidence, not a verdict" in page
    assert "Integrity flags" in client.get(f"/authors/PA{aid}").text
    assert store_documents.open_flags_by_author(seeded_store)[aid]


def test_a_byline_in_initials_links_to_the_stored_author(seeded_store: Store, tmp_path: Path) -> None:
    with seeded_store.connect() as conn:
        names = dict(conn.exec_driver_sql("select name, author_id from author_names").all())
    path = tmp_path / "initials.txt"
    path.write_text(
        "Graph signals for trust in scholarly records\n\nA. Lovelace, B. Müller and C. Nobody\n"
        "Dept. of Computing, University of Northfield, UK\n\nAbstract\nWe describe a method.\n\n1 Introduction\nText.\n"
    )
    code, out = run("ingest", "document", str(path), "--database-url", seeded_store.describe(), "--json")
    assert code == 0, out
    saved = json.loads(out)
    # "A. Lovelace" is a name the source printed; "B. Müller" agrees initial by initial with the
    # stored "Bob Müller" alone; nobody in the graph is called Nobody with a C.
    assert saved["authors_linked"] == {"A. Lovelace": f"PA{names['Ada Lovelace']}", "B. Müller": f"PA{names['Bob Müller']}"}
    assert store_documents.authors_named(seeded_store, ["A. Lovelace", "Alan Lovelace", "N. Nobody", "X. Müller"]) == {"A. Lovelace": names["Ada Lovelace"], "N. Nobody": names["Nemo Nobody"]}


def test_bench_documents_measures_a_generated_pdf_beside_raw_extraction() -> None:
    code, out = run("bench", "documents", "--pages", "12", "--repeat", "1", "--json")
    assert code == 0, out
    data = json.loads(out[out.index("{"):])
    assert data["pages"] >= 12 and data["references"] == data["references_expected"] == 18
    assert data["references_exact"] == 18
    for key in ("raw_pypdf", "sandboxed_extraction", "full_parse"):
        assert data[key]["pages_per_second"] > 0
    assert data["full_parse"]["references_per_second"] > 0 and data["structure"]["references_per_second"] > 0
