"""Read the recorded ORCID API v3.0 documents in ../shared/data/orcid and check the records.

They are ORCID's published samples: a sandbox record in JSON, and the schema's XML examples
(iD 8888-8888-8888-8880, which passes the checksum), several of whose items are marked private.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from peerscope.normalize import orcid as normalizer
from peerscope.normalize.records import (
    AuthorRecord,
    ExternalId,
    InstitutionRecord,
    WorkRef,
)
from peerscope.normalize.registry import renormalize
from peerscope.sources import orcid

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "orcid"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]

SAMPLE = "8888-8888-8888-8880"
SANDBOX = "0000-0002-7319-2192"
FILES = sorted(p.name for p in DATA.iterdir()) if DATA.is_dir() else []


def records() -> dict[str, AuthorRecord]:
    out = {}
    for page in orcid.read(DATA):
        for payload in page.payloads:
            out[payload.where] = normalizer.normalize(payload.data, payload.retrieved_at, payload.where)
    return out


@pytest.fixture(scope="module")
def by_file() -> dict[str, AuthorRecord]:
    return records()


@pytest.mark.parametrize("name", FILES)
def test_every_file_reads_and_renormalises_from_its_bytes(name: str) -> None:
    pages = list(orcid.read(DATA / name))
    assert len(pages) == 1 and pages[0].not_found == []
    for payload in pages[0].payloads:
        assert payload.raw == (DATA / name).read_bytes()
        first = normalizer.normalize(payload.data, payload.retrieved_at, payload.where)
        assert renormalize("orcid", payload.raw, payload.retrieved_at, payload.where) == first


def test_folder(by_file: dict[str, AuthorRecord]) -> None:
    assert sorted(by_file) == [n for n in FILES if n != "search-3.0.xml"]


def test_search_lists_ids_only() -> None:
    (page,) = orcid.read(DATA / "search-3.0.xml")
    assert page.payloads == []
    assert orcid.parse_search_page((DATA / "search-3.0.xml").read_bytes()) == ([SAMPLE], 1)


def test_sandbox_record_json(by_file: dict[str, AuthorRecord]) -> None:
    a = by_file["record-full-3.0.json"]
    assert a.orcid == SANDBOX and a.provenance.source_id == SANDBOX
    assert a.ids == (ExternalId("orcid", SANDBOX),)  # "My ID System" is not a kind the graph knows
    assert a.display_name == "Three releasecandidate1"  # no credit name
    assert a.name_variants == ("Other Name", "{yo}", "dreamofaredbird")  # "Other Name" twice, "{}" has no letter
    assert a.emails == ()
    assert a.last_known_institutions == (InstitutionRecord((ExternalId("fundref", "100000001"),), "common:name", "AF"),)
    # one work: its "self" DOI is the placeholder "work:doi"; the real DOI is marked version-of
    assert a.works == (WorkRef((), "Work Title", 2012, "journal-article", "Demo Org Sandbox"),)
    assert all(ExternalId("doi", "10.1087/20120404") not in w.ids for w in a.works)


def test_sample_record_xml_leaves_private_items_out(by_file: dict[str, AuthorRecord]) -> None:
    a = by_file["record-3.0.xml"]
    assert a.orcid == SAMPLE and a.provenance.source_id == SAMPLE
    assert a.display_name == "credit-name"
    assert a.name_variants == ("other-name-1",)
    assert a.emails == ("user1@email.com",)
    assert a.ids == (ExternalId("orcid", SAMPLE),)  # "type-1" is dropped
    # the record's only employment and only work are marked private
    assert a.last_known_institutions == () and a.works == ()


def test_person_xml(by_file: dict[str, AuthorRecord]) -> None:
    a = by_file["person-3.0.xml"]
    assert a.orcid == SAMPLE  # no path: the owner is the person every item names as its source
    assert a.provenance.source_id == f"{SAMPLE}:person"
    assert (a.display_name, a.name_variants, a.emails) == ("credit-name", ("other-name-1",), ("user1@email.com",))
    assert a.works == () and a.last_known_institutions == ()


def test_employments_xml(by_file: dict[str, AuthorRecord]) -> None:
    a = by_file["employments-3.0.xml"]
    assert a.orcid == SAMPLE and a.provenance.source_id == f"{SAMPLE}:employments"
    assert a.display_name == ""
    # two summaries of the same organisation, without a disambiguated id
    assert a.last_known_institutions == (InstitutionRecord((), "employment", "AS"),)


def test_works_xml(by_file: dict[str, AuthorRecord]) -> None:
    a = by_file["works-3.0.xml"]
    assert a.orcid == SAMPLE and a.provenance.source_id == f"{SAMPLE}:works" and a.display_name == ""
    assert len(a.works) == 3
    assert [(w.title, w.publication_year, w.type, w.source_name) for w in a.works] == [
        ("Work # 0", 2017, "conference-paper", "User One Credit name"),
        ("Work # 1", 2017, "conference-paper", "User One Credit name"),
        ("Work # 2", 2017, "journal-article", "User One Credit name"),
    ]
    # the sample ids are placeholders (doi "123456" part-of, arxiv "123456", bibcode "4567"): none is valid
    assert all(w.ids == () for w in a.works)


def test_full_work_xml(by_file: dict[str, AuthorRecord]) -> None:
    a = by_file["work-full-3.0.xml"]
    assert a.orcid == SAMPLE and a.provenance.source_id == f"{SAMPLE}:work/123"
    assert a.display_name == "" and a.works == ()  # the sample work is marked private


def test_parts_of_one_person_stay_apart(by_file: dict[str, AuthorRecord]) -> None:
    sample = [a for a in by_file.values() if a.orcid == SAMPLE]
    assert len(sample) == 5
    assert len({a.provenance.source_id for a in sample}) == 5


def test_retrieval_time_is_the_files_time() -> None:
    for page in orcid.read(DATA):
        for payload in page.payloads:
            assert isinstance(payload.retrieved_at, datetime) and payload.retrieved_at.tzinfo is None
