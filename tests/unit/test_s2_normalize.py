"""Semantic Scholar papers, authors and reference pages to canonical records."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.normalize import semanticscholar as s2
from peerscope.normalize.records import (
    AffiliationRecord,
    AuthorRecord,
    ExternalId,
    ReferenceListRecord,
    WorkRecord,
)
from peerscope.normalize.registry import renormalize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "s2"
WHEN = datetime(2024, 3, 1, 12, 0)
PAPER_ID = "0123456789abcdef0123456789abcdef01234567"


def body(name: str) -> object:
    return orjson.loads((FIXTURES / name).read_bytes())["body"]


def paper(data: object | None = None) -> WorkRecord:
    record = s2.normalize(body("paper_full.json") if data is None else data, WHEN, "paper_full.json")
    assert isinstance(record, WorkRecord)
    return record


def test_paper_ids_all_normalised() -> None:
    w = paper()
    assert w.provenance.source == "s2" and w.provenance.source_id == PAPER_ID
    assert w.ids == (
        ExternalId("s2", PAPER_ID),
        ExternalId("corpusid", "123456"),
        ExternalId("doi", "10.5555/peerscope.0001"),
        ExternalId("arxiv", "2005.01234"),
        ExternalId("pmid", "31234567"),
        ExternalId("pmcid", "PMC7654321"),
        ExternalId("mag", "3001234567"),
        ExternalId("dblp", "journals/jcs/SouzaB20"),
        ExternalId("acl", "2020.acl-main.12"),
    )


def test_paper_text_dates_type_counts() -> None:
    w = paper()
    assert w.title == "Tidal Mixing in Shallow Seas"
    assert w.abstract == "Mixing in shallow seas is driven by tides."
    assert (w.publication_year, w.publication_date) == (2020, date(2020, 5, 14))
    assert w.type == "review"  # the more specific of JournalArticle and Review
    assert w.cited_by_count == 17
    assert w.categories == ("Environmental Science", "Geology", "Physics")


def test_paper_venue_and_open_access() -> None:
    w = paper()
    primary = w.primary_location
    assert primary is not None and w.locations == (primary,)
    venue = primary.source
    assert venue is not None
    assert venue.display_name == "Journal of Coastal Studies" and venue.type == "journal"
    # the ISSN, a valid alternate ISSN (the invalid one dropped), then Semantic Scholar's venue id
    assert venue.ids == (
        ExternalId("issn", "2049-3630"),
        ExternalId("issn", "0317-8471"),
        ExternalId("s2_venue", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"),
    )
    assert primary.landing_page_url == "https://doi.org/10.5555/peerscope.0001"
    assert primary.pdf_url == "https://example.org/full.pdf" and primary.is_oa  # GOLD: the venue's own copy
    assert w.is_oa and w.oa_url == "https://example.org/full.pdf" and w.oa_status == "gold"


def test_green_pdf_is_a_location_of_its_own() -> None:
    data = body("paper_full.json")
    assert isinstance(data, dict)
    data = {**data, "openAccessPdf": {"url": "https://repository.example.org/x.pdf", "status": "GREEN"}}
    w = paper(data)
    primary, green = w.locations
    assert primary.is_primary and primary.pdf_url is None and not primary.is_oa
    assert not green.is_primary and green.source is None and green.pdf_url == "https://repository.example.org/x.pdf" and green.is_oa
    assert w.oa_status == "green"


def test_paper_authors_in_order() -> None:
    w = paper()
    assert [a.raw_author_name for a in w.authorships] == ["Jan van der Berg", "Ana Souza"]
    first, second = w.authorships
    assert first.author.ids == (ExternalId("s2", "2259683"),) and first.author.orcid == "0000-0002-1825-0097"
    assert first.affiliations == (AffiliationRecord("Delft University of Technology", None),)
    assert second.author.ids == () and second.position == 1


def test_paper_references_skip_null_ids_and_repeats() -> None:
    assert paper().referenced_works == (
        ExternalId("s2", "1111111111111111111111111111111111111111"),
        ExternalId("s2", "2222222222222222222222222222222222222222"),
    )


def test_batch_entries_preprint_and_conference() -> None:
    items = body("batch.json")
    assert isinstance(items, list)
    preprint = paper(items[0])
    # the arXiv id with its prefix and version dropped; the MAG and PMID junk dropped
    assert preprint.ids == (
        ExternalId("s2", "3333333333333333333333333333333333333333"),
        ExternalId("doi", "10.48550/arxiv.2101.00001"),
        ExternalId("arxiv", "2101.00001"),
    )
    assert preprint.type == "preprint" and preprint.publication_year == 2021 and preprint.publication_date is None
    venue = preprint.locations[0].source
    assert venue is not None and venue.ids == (ExternalId("s2_venue_name", "arxiv.org"),)
    conference = paper(items[2])
    assert conference.type == "article"
    venue = conference.locations[0].source
    assert venue is not None and venue.type == "conference" and venue.display_name == "Workshop on Data"
    assert venue.ids == (ExternalId("s2_venue_name", "workshop on data"),)
    assert conference.locations[0].landing_page_url is None


def test_author_record() -> None:
    record = s2.normalize(body("author.json"), WHEN, "author.json")
    assert isinstance(record, AuthorRecord)
    assert record.provenance.source_id == "author:2259683"
    assert record.ids == (ExternalId("s2", "2259683"), ExternalId("dblp", "Jan van der Berg"), ExternalId("dblp", "Jan van der Berg 0002"))
    assert record.orcid == "0000-0002-1825-0097"
    assert record.display_name == "Jan van der Berg"
    assert record.name_variants == ("J. van der Berg", "J. v. d. Berg")
    assert (record.works_count, record.cited_by_count) == (42, 1234)
    assert record.last_known_institutions == ()  # free-text affiliations are not institutions


def test_references_page_record() -> None:
    data = {"citing": "arXiv:2101.00001", "offset": 100, "references": [{"paperId": "5555555555555555555555555555555555555555"}, {"paperId": None}, {"title": "no id"}]}
    record = s2.normalize(data, WHEN, "x")
    assert isinstance(record, ReferenceListRecord)
    assert record.citing == (ExternalId("arxiv", "2101.00001"),)
    assert record.references == (ExternalId("s2", "5555555555555555555555555555555555555555"),)
    assert record.offset == 100 and record.provenance.source_id == "refs:arXiv:2101.00001:100"


@pytest.mark.parametrize(
    "asked,expected",
    [
        ("cb1ebd913c3724c599f6b276b14b5c6253da68f3", ExternalId("s2", "cb1ebd913c3724c599f6b276b14b5c6253da68f3")),
        ("10.2139/ssrn.2250500", ExternalId("doi", "10.2139/ssrn.2250500")),
        ("DOI:10.2139/SSRN.2250500", ExternalId("doi", "10.2139/ssrn.2250500")),
        ("ARXIV:2106.15928", ExternalId("arxiv", "2106.15928")),
        ("CorpusId:215416146", ExternalId("corpusid", "215416146")),
        ("PMID:19872477", ExternalId("pmid", "19872477")),
        ("PMCID:2323736", ExternalId("pmcid", "PMC2323736")),
        ("MAG:112218234", ExternalId("mag", "112218234")),
        ("ACL:W12-3903", ExternalId("acl", "W12-3903")),
        ("URL:https://arxiv.org/abs/2106.15928", None),
        ("nonsense", None),
    ],
)
def test_paper_ref_forms(asked: str, expected: ExternalId | None) -> None:
    assert s2.paper_ref(asked) == expected


def test_unrecognised_citing_id_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unrecognised paper id"):
        s2.normalize({"citing": "URL:https://example.org", "offset": 0, "references": []}, WHEN, "x")


@pytest.mark.parametrize(
    "data,missing",
    [
        ({"title": "t", "paperId": None}, "paperId"),
        ({"paperId": "xyz", "title": "t"}, "paperId"),
        ({"authorId": None, "name": "A"}, "authorId"),
        ({"authorId": "12", "name": None}, "name"),
        ({"something": "else"}, "not a Semantic Scholar"),
    ],
)
def test_missing_id_or_title(data: dict, missing: str) -> None:
    with pytest.raises(InputError) as info:
        s2.normalize(data, WHEN, "batch.json#2")
    assert info.value.message.startswith("batch.json#2: ") and missing in info.value.message


@pytest.mark.parametrize("data", [{"paperId": PAPER_ID}, {"paperId": PAPER_ID, "title": "   "}])
def test_a_paper_without_title_is_a_partial_record(data: dict) -> None:
    record = s2.normalize(data, WHEN, "batch.json#2")
    assert isinstance(record, WorkRecord) and record.title == ""
    assert record.provenance.source_id == f"{PAPER_ID}:partial"  # never replaces the full record
    assert ExternalId("s2", PAPER_ID) in record.ids


def test_absurd_sizes() -> None:
    with pytest.raises(InputError, match="title"):
        s2.normalize({"paperId": PAPER_ID, "title": "x" * 2001}, WHEN, "x")
    with pytest.raises(InputError, match="abstract"):
        s2.normalize({"paperId": PAPER_ID, "title": "t", "abstract": "x" * 100_001}, WHEN, "x")


def test_markup_in_text_is_removed_only_when_present() -> None:
    w = paper({"paperId": PAPER_ID, "title": "R&D of <i>E. coli</i> &amp; friends", "abstract": "0 < x and y > 1; AT&T"})
    assert w.title == "R&D of E. coli & friends"
    assert w.abstract == "0 < x and y > 1; AT&T"


@pytest.mark.parametrize(
    "types,ours",
    [
        (["JournalArticle"], "article"),
        (["Conference"], "article"),
        (["Review"], "review"),
        (["MetaAnalysis", "JournalArticle"], "review"),
        (["Book"], "book"),
        (["BookSection"], "book-chapter"),
        (["Dataset"], "dataset"),
        (["Editorial"], "editorial"),
        (["LettersAndComments"], "letter"),
        (["CaseReport"], "article"),
        (["News"], "other"),
        ([], None),
        (None, None),
    ],
)
def test_type_table(types: list[str] | None, ours: str | None) -> None:
    assert paper({"paperId": PAPER_ID, "title": "t", "publicationTypes": types}).type == ours


def test_stored_payload_renormalises_through_the_registry() -> None:
    raw = orjson.dumps(body("paper_full.json"), option=orjson.OPT_SORT_KEYS)
    assert renormalize("s2", raw, WHEN, "x") == paper()


# -- id normalisation drops junk -------------------------------------------------------------------

JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40), st.lists(st.text(max_size=5), max_size=2))


@given(st.dictionaries(st.sampled_from(["DOI", "ArXiv", "PubMed", "PubMedCentral", "MAG", "DBLP", "ACL", "CorpusId", "Other"]), JUNK), JUNK)
def test_paper_ids_are_valid_or_absent(external: dict, corpus: object) -> None:
    ids = s2.paper_ids({"externalIds": external, "corpusId": corpus}, PAPER_ID)
    assert ids[0] == ExternalId("s2", PAPER_ID)
    assert len(set(ids)) == len(ids)
    for ext in ids:
        assert ext.value and ext.value == ext.value.strip()
        if ext.scheme in ("corpusid", "mag", "pmid"):
            assert ext.value.isdigit() and not ext.value.startswith("0")
        elif ext.scheme == "pmcid":
            assert ext.value.startswith("PMC") and ext.value[3:].isdigit()
        elif ext.scheme == "doi":
            assert ext.value.startswith("10.") and ext.value == ext.value.lower()
        elif ext.scheme == "dblp":
            assert "/" in ext.value and " " not in ext.value
        else:
            assert ext.scheme in ("s2", "arxiv", "acl")


@given(st.text(alphabet="0123456789abcdefABCDEF", min_size=40, max_size=40))
def test_paper_ids_are_lowercase_hex(value: str) -> None:
    assert s2.normalize_paper_id(value) == value.lower()
    assert s2.normalize_paper_id(value + "0") is None and s2.normalize_paper_id(value[1:]) is None


@given(JUNK)
def test_junk_never_normalises_to_an_author_or_paper_id(value: object) -> None:
    author = s2.normalize_author_id(value)
    assert author is None or (author.isdigit() and not author.startswith("0"))
    found = s2.paper_ref(value)
    assert found is None or found.value


JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)),
    max_leaves=12,
)
PAPER_FIELDS = [
    "corpusId", "externalIds", "abstract", "venue", "publicationVenue", "year", "publicationDate", "publicationTypes",
    "journal", "citationCount", "isOpenAccess", "openAccessPdf", "fieldsOfStudy", "s2FieldsOfStudy", "authors", "references",
]  # fmt: skip


@given(st.dictionaries(st.sampled_from(PAPER_FIELDS), JSON, max_size=8))
def test_any_shape_of_the_other_paper_fields_gives_a_work(fields: dict) -> None:
    w = paper({**fields, "paperId": PAPER_ID, "title": "A title"})
    assert w.title == "A title" and w.ids[0] == ExternalId("s2", PAPER_ID)
    assert all(r.scheme == "s2" for r in w.referenced_works)
    assert w.cited_by_count >= 0 and all(isinstance(c, str) for c in w.categories)


@given(st.dictionaries(st.sampled_from(["externalIds", "aliases", "affiliations", "paperCount", "citationCount"]), JSON, max_size=5))
def test_any_shape_of_the_other_author_fields_gives_an_author(fields: dict) -> None:
    record = s2.normalize({**fields, "authorId": "42", "name": "A. Person"}, WHEN, "x")
    assert isinstance(record, AuthorRecord) and record.ids[0] == ExternalId("s2", "42")
    assert record.works_count is None or record.works_count >= 0
