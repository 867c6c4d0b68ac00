from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.normalize.openalex import rebuild_abstract, work_from_openalex
from peerscope.normalize.records import ExternalId

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "openalex" / "sample_works.jsonl"
WHEN = datetime(2026, 1, 1)


def sample(n: int) -> dict:
    return orjson.loads(SAMPLE.read_bytes().splitlines()[n])


def test_maps_ids_byline_affiliations_topics() -> None:
    w = work_from_openalex(sample(0), WHEN)
    assert w.ids[0] == ExternalId("openalex", "W1001")
    assert w.id_of("doi") == "10.1234/jog.2025.1"
    assert w.title == "Resolving scholarly identities at scale"
    assert w.abstract == "We present a method for resolving author identities across scholarly sources."
    assert [a.raw_author_name for a in w.authorships] == ["Ada Lovelace", "Bob Müller", "Cai Wen"]
    ada = w.authorships[0]
    assert ada.author.orcid == "0000-0002-1825-0097"
    assert ada.author.ids == (ExternalId("openalex", "A100"),)
    assert ada.affiliations[0].raw == "Dept. of Computing, University of Northfield, UK"
    assert ada.affiliations[0].institution is not None and ada.affiliations[0].institution.ror == "01abcde23"
    assert w.topics[0].topic.display_name == "Graph-based scholarly data"
    assert [level for _, _, level in w.topics[0].topic.lineage] == ["domain", "field", "subfield"]
    assert w.primary_location is not None and w.primary_location.source is not None
    assert w.primary_location.source.display_name == "Journal of Open Graphs"
    assert w.provenance.source == "openalex" and w.provenance.source_id == "W1001"


def test_arxiv_doi_gives_arxiv_id_and_missing_abstract_is_none() -> None:
    w = work_from_openalex(sample(3), WHEN)
    assert w.type == "preprint"
    assert w.id_of("arxiv") == "2506.01234"
    assert w.abstract is None


def test_markup_kept_as_text() -> None:
    w = work_from_openalex(sample(2), WHEN)
    assert "<script>alert(1)</script>" in w.title  # stored verbatim; escaping is the page's job
    assert "\\textit{interactive}" in (w.abstract or "")


@pytest.mark.parametrize(
    "payload,fault",
    [
        ([], "expected a JSON object"),
        ({"title": "x"}, "missing or malformed OpenAlex work id"),
        ({"id": "https://openalex.org/A1", "title": "x"}, "missing or malformed OpenAlex work id"),
        ({"id": "W1"}, "has no title"),
        ({"id": "W1", "title": "   "}, "has no title"),
    ],
)
def test_bad_payloads_name_the_fault(payload: object, fault: str) -> None:
    with pytest.raises(InputError, match=fault) as info:
        work_from_openalex(payload, WHEN, where="file.jsonl:7")
    assert "file.jsonl:7" in info.value.message


def test_garbage_fields_are_dropped_not_fatal() -> None:
    w = work_from_openalex(
        {
            "id": "W5",
            "title": "Odd record",
            "doi": "not-a-doi",
            "publication_year": "twenty",
            "publication_date": "2020-13-45",
            "authorships": [None, {"author": "x"}, {"author": {"display_name": "  "}, "raw_author_name": ""}, {"author": {"display_name": "Real Person", "orcid": "bad"}}],
            "topics": [{"display_name": "no id"}],
            "cited_by_count": "many",
            "abstract_inverted_index": {"a": "not a list"},
        },
        WHEN,
    )
    assert w.id_of("doi") is None
    assert w.publication_year is None and w.publication_date is None
    assert [a.raw_author_name for a in w.authorships] == ["Real Person"]
    assert w.authorships[0].author.orcid is None
    assert w.topics == () and w.cited_by_count == 0 and w.abstract is None


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Z", "C")), min_size=1, max_size=12), min_size=1, max_size=40))
def test_abstract_round_trip(words: list[str]) -> None:
    inverted: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        inverted.setdefault(w, []).append(i)
    assert rebuild_abstract(inverted) == " ".join(words)


@given(st.recursive(st.none() | st.integers() | st.text(max_size=5), lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3), max_leaves=10))
def test_rebuild_abstract_total(value: object) -> None:
    result = rebuild_abstract(value)
    assert result is None or isinstance(result, str)
