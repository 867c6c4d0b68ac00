"""Reading recorded Semantic Scholar responses into pages of payloads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest

from peerscope.errors import InputError, SourceError
from peerscope.normalize import semanticscholar as normalizer
from peerscope.normalize.records import (
    AuthorRecord,
    ExternalId,
    ReferenceListRecord,
    WorkRecord,
)
from peerscope.sources import semanticscholar as s2

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "s2"


def one_page(name: str):
    [page] = list(s2.read(FIXTURES / name))
    assert page.cursor is None
    return page


def records(page) -> list:
    return [normalizer.normalize(p.data, p.retrieved_at, p.where) for p in page.payloads]


def test_single_paper() -> None:
    page = one_page("paper_full.json")
    [payload] = page.payloads
    assert payload.where == "paper_full.json"
    assert payload.raw == orjson.dumps(payload.data, option=orjson.OPT_SORT_KEYS)
    [work] = records(page)
    assert isinstance(work, WorkRecord) and work.title == "Tidal Mixing in Shallow Seas"


def test_batch_nulls_are_not_found_by_position() -> None:
    page = one_page("batch.json")
    assert page.not_found == ["#2", "#4"]
    assert [p.where for p in page.payloads] == ["batch.json#1", "batch.json#3"]
    assert [r.title for r in records(page)] == ["A Preprint on Joins", "Fast Joins"]


def test_references_page_is_one_payload_naming_the_citing_paper() -> None:
    page = one_page("references_page.json")
    [payload] = page.payloads
    assert payload.data == {
        "citing": "arXiv:2101.00001",
        "offset": 100,
        "references": [
            {"paperId": "5555555555555555555555555555555555555555"},
            {"paperId": None},
            {"paperId": "6666666666666666666666666666666666666666"},
        ],
    }
    [record] = records(page)
    assert isinstance(record, ReferenceListRecord)
    assert record.citing == (ExternalId("arxiv", "2101.00001"),) and record.offset == 100
    assert [r.value[0] for r in record.references] == ["5", "6"]
    assert record.provenance.source_id == "refs:arXiv:2101.00001:100"


def test_author_and_bulk_search() -> None:
    [author] = records(one_page("author.json"))
    assert isinstance(author, AuthorRecord) and author.ids[0] == ExternalId("s2", "2259683")
    page = one_page("search_bulk.json")
    assert [r.title for r in records(page)] == ["Tides", "More Tides"]
    assert [p.where for p in page.payloads] == ["search_bulk.json#1", "search_bulk.json#2"]


def test_not_found_envelopes() -> None:
    assert one_page("not_found_paper.json").not_found == ["DOI:10.5555/missing"]
    assert one_page("not_found_author.json").not_found == ["author:42"]


def test_error_status_is_a_source_error() -> None:
    with pytest.raises(SourceError) as info:
        list(s2.read(FIXTURES / "rate_limited.json"))
    assert info.value.status == 429


def test_a_references_page_without_its_request_is_refused(tmp_path: Path) -> None:
    (tmp_path / "refs.json").write_bytes(orjson.dumps({"offset": 0, "data": [{"citedPaper": {"paperId": None}}]}))
    with pytest.raises(InputError, match="citing paper"):
        list(s2.read(tmp_path / "refs.json"))


def test_pages_of_authors_papers_and_citations() -> None:
    when = datetime(2024, 1, 1)
    authors = {"offset": 0, "data": [{"authorId": "1", "name": "A"}, {"authorId": "2", "name": "B"}]}
    payloads, missing = s2.payloads_of(authors, "https://api.semanticscholar.org/graph/v1/paper/x/authors", "f", when)
    assert [p.data["authorId"] for p in payloads] == ["1", "2"] and missing == []
    citations = {"offset": 0, "data": [{"citingPaper": {"paperId": "a" * 40, "title": "Citing"}}]}
    payloads, _ = s2.payloads_of(citations, "https://api.semanticscholar.org/graph/v1/paper/x/citations", "f", when)
    assert [p.data for p in payloads] == [{"paperId": "a" * 40, "title": "Citing"}]
    empty_refs = {"offset": 0, "data": []}
    payloads, _ = s2.payloads_of(empty_refs, "https://api.semanticscholar.org/graph/v1/paper/CorpusId:1/references", "f", when)
    assert [p.data for p in payloads] == [{"citing": "CorpusId:1", "offset": 0, "references": []}]


@pytest.mark.parametrize(
    "url,target",
    [
        ("https://api.semanticscholar.org/graph/v1/paper/10.2139/ssrn.2250500/references?offset=0", ("paper", "10.2139/ssrn.2250500", "references")),
        ("https://api.semanticscholar.org/graph/v1/paper/DOI%3A10.1093%2Fmind%2Flix.236.433?fields=title", ("paper", "DOI:10.1093/mind/lix.236.433", None)),
        ("https://api.semanticscholar.org/graph/v1/author/1723755/papers?fields=title", ("author", "1723755", "papers")),
        ("https://api.semanticscholar.org/graph/v1/paper/batch?fields=title", None),
        ("https://api.semanticscholar.org/graph/v1/paper/search/bulk?query=x", None),
        ("https://api.semanticscholar.org/graph/v1/author/search?query=x", None),
        ("https://example.org/other", None),
    ],
)
def test_request_target(url: str, target: tuple | None) -> None:
    assert s2.request_target(url) == target


@pytest.mark.parametrize("body", [b"{oops", b"42", b'{"unexpected": true}'])
def test_malformed_files_are_input_errors(tmp_path: Path, body: bytes) -> None:
    (tmp_path / "bad.json").write_bytes(body)
    with pytest.raises(InputError, match="bad.json"):
        list(s2.read(tmp_path / "bad.json"))
