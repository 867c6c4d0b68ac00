"""Crossref works (and other Crossref items) to canonical records."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.normalize import crossref
from peerscope.normalize.crossref import (
    abstract_text,
    date_parts,
    publication_when,
    strip_markup,
)
from peerscope.normalize.records import (
    AffiliationRecord,
    ExternalId,
    OtherRecord,
    WorkRecord,
)
from peerscope.normalize.registry import renormalize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crossref"
WHEN = datetime(2024, 3, 1, 12, 0)


def message(name: str) -> dict:
    doc = orjson.loads((FIXTURES / name).read_bytes())
    body = doc.get("body", doc)
    return body["message"]


def work(name: str = "work_jats.json") -> WorkRecord:
    record = crossref.normalize(message(name), WHEN, name)
    assert isinstance(record, WorkRecord)
    return record


def test_identity_title_and_provenance() -> None:
    w = work()
    assert w.provenance.source == "crossref" and w.provenance.source_id == "10.5555/peerscope.0001"
    assert w.provenance.retrieved_at == WHEN
    # markup and entities gone, whitespace collapsed; the running-head subtitle is not appended
    assert w.title == "Tidal Mixing in Shallow Seas & Estuaries"


def test_ids_only_the_works_own() -> None:
    w = work()
    # the DOI lower-cased; the PMID of an is-identical-to relation; the prefixed arXiv alternative
    # id; not the bare publisher number "518462" and not the has-preprint arXiv DOI
    assert w.ids == (ExternalId("doi", "10.5555/peerscope.0001"), ExternalId("arxiv", "2005.01234"), ExternalId("pmid", "31234567"))


def test_ambiguous_alternative_ids_are_left_out() -> None:
    data = {**message("work_jats.json"), "alternative-id": ["arXiv:2005.01234", "arXiv:2005.09999"], "relation": {}}
    w = crossref.normalize(data, WHEN, "x")
    assert isinstance(w, WorkRecord)
    assert w.ids == (ExternalId("doi", "10.5555/peerscope.0001"),)


def test_arxiv_doi_gives_the_arxiv_id() -> None:
    data = {"DOI": "10.48550/arXiv.2101.00001", "type": "posted-content", "title": ["A preprint"]}
    w = crossref.normalize(data, WHEN, "x")
    assert isinstance(w, WorkRecord)
    assert w.ids == (ExternalId("doi", "10.48550/arxiv.2101.00001"), ExternalId("arxiv", "2101.00001"))


def test_abstract_is_plain_text_without_heading() -> None:
    w = work()
    assert w.abstract == "Background\n\nMixing in shallow seas is driven by tides (p<0.05).\n\nWe measured it \u2014 twice."


def test_type_dates_counts() -> None:
    w = work()
    assert w.type == "article"
    # "published" is year-month; the online date is complete and agrees with it
    assert (w.publication_year, w.publication_date) == (2020, date(2020, 5, 14))
    assert w.cited_by_count == 17
    assert w.updated_date == datetime(2021, 1, 2, 3, 4, 5)
    assert w.language == "en"
    assert w.categories == ("Oceanography", "Water Science")
    assert w.publisher == "Peerscope Test Press"


def test_authors_in_order_with_orcid_and_affiliations() -> None:
    w = work()
    names = [a.raw_author_name for a in w.authorships]
    # sequence "first" leads; the organisation keeps its name; the nameless entry is dropped
    assert names == ["Jan van der Berg Jr.", "Ana Souza", "Coastal Observation Consortium"]
    assert [a.position for a in w.authorships] == [0, 1, 2]
    first, second, org = w.authorships
    assert first.author.orcid == "0000-0002-1825-0097"  # authenticated
    assert second.author.orcid == "0000-0003-4567-890X"  # not authenticated: kept all the same
    assert org.author.orcid is None and org.author.ids == ()
    assert first.affiliations == (AffiliationRecord("Delft University of Technology", None),)
    assert second.affiliations == (AffiliationRecord("Ocean Institute, Lisbon", None),)


def test_venue_and_location() -> None:
    w = work()
    loc = w.primary_location
    assert loc is not None and w.locations == (loc,)
    assert loc.source is not None
    assert loc.source.display_name == "Journal of Coastal Studies"
    assert loc.source.ids == (ExternalId("issn", "2049-3630"), ExternalId("issn", "0317-8471"))  # print first
    assert loc.source.type == "journal" and loc.source.publisher == "Peerscope Test Press"
    assert loc.landing_page_url == "https://example.org/article/1"
    assert loc.pdf_url == "https://example.org/full.pdf"  # the version of record's PDF before the accepted manuscript's
    assert loc.license == "https://creativecommons.org/licenses/by/4.0/"
    assert loc.version == "publishedVersion"
    assert loc.is_oa and w.is_oa and w.oa_url == "https://example.org/full.pdf"


def test_references_in_order_deduplicated() -> None:
    assert work().referenced_works == (ExternalId("doi", "10.5555/ref.1"), ExternalId("doi", "10.5555/ref.2"))


def test_notices_and_retraction() -> None:
    w = work()
    assert w.notices == ("retraction", "expression_of_concern", "correction")
    assert w.is_retracted


def test_a_retraction_notice_is_typed_as_one() -> None:
    w = work("retraction_notice.json")
    assert w.type == "retraction"
    assert w.notices == () and not w.is_retracted
    # a Creative Commons licence that starts 30 days after publication: not open from the start
    assert not w.is_oa and w.primary_location is not None and not w.primary_location.is_oa


def test_list_items_conference_container_preprint() -> None:
    items = message("work_list.json")["items"]
    conference = crossref.normalize(items[0], WHEN, "x")
    assert isinstance(conference, WorkRecord)
    assert conference.type == "article"
    venue = conference.locations[0].source
    assert venue is not None and venue.type == "conference"
    assert venue.ids == (ExternalId("crossref_venue", "proceedings of the workshop on data"),)
    assert conference.locations[0].landing_page_url == "https://doi.org/10.5555/conf.2021.7"
    assert not conference.is_oa and conference.locations[0].license is None
    assert (conference.publication_year, conference.publication_date) == (2021, None)
    assert conference.cited_by_count == 3

    issue = crossref.normalize(items[1], WHEN, "x")
    assert issue == OtherRecord("journal-issue", issue.provenance) and issue.provenance.source_id == "10.5555/issue.2021.1"

    preprint = crossref.normalize(items[2], WHEN, "x")
    assert isinstance(preprint, WorkRecord)
    assert preprint.type == "preprint" and preprint.locations[0].version == "submittedVersion"
    server = preprint.locations[0].source
    assert server is not None and server.display_name == "Peerscope Preprint Server" and server.type == "repository"
    assert (preprint.publication_year, preprint.publication_date) == (2021, None)  # 30 February is no date


def test_same_venue_name_is_one_venue() -> None:
    def venue_of(name: str):
        w = crossref.normalize({"DOI": "10.5555/v", "title": ["t"], "container-title": [name]}, WHEN, "x")
        assert isinstance(w, WorkRecord)
        return w.locations[0].source

    a, b = venue_of("Journal  of\tThings"), venue_of("JOURNAL OF THINGS")
    assert a is not None and b is not None and a.ids == b.ids == (ExternalId("crossref_venue", "journal of things"),)


def test_non_work_items_are_other_records() -> None:
    member = {"message-type": "member", "message": {"id": 5555, "primary-name": "Peerscope Test Press"}}
    record = crossref.normalize(member, WHEN, "x")
    assert isinstance(record, OtherRecord) and record.kind == "member" and record.provenance.source_id == "member:5555"
    journal = {"message-type": "journal", "message": {"title": "Journal of Coastal Studies", "ISSN": ["2049-3630"]}}
    record = crossref.normalize(journal, WHEN, "x")
    assert isinstance(record, OtherRecord) and record.kind == "journal" and record.provenance.source_id == "journal:2049-3630"


def test_single_work_response_body_is_accepted() -> None:
    body = orjson.loads((FIXTURES / "work_jats.json").read_bytes())["body"]
    assert crossref.normalize(body, WHEN, "x") == work()


@pytest.mark.parametrize(
    "data,missing",
    [
        ({"title": ["t"]}, "DOI"),
        ({"DOI": "nonsense", "title": ["t"]}, "DOI"),
        ({"DOI": "10.5555/x"}, "title"),
        ({"DOI": "10.5555/x", "title": ["<i> </i>"]}, "title"),
        ({"DOI": "10.5555/x", "title": []}, "title"),
    ],
)
def test_missing_id_or_title_is_an_input_error(data: dict, missing: str) -> None:
    with pytest.raises(InputError) as info:
        crossref.normalize(data, WHEN, "works.json#3")
    assert info.value.message.startswith("works.json#3: ") and missing in info.value.message


def test_absurd_sizes_are_input_errors() -> None:
    with pytest.raises(InputError, match="title"):
        crossref.normalize({"DOI": "10.5555/x", "title": ["word " * 500]}, WHEN, "x")
    with pytest.raises(InputError, match="abstract"):
        crossref.normalize({"DOI": "10.5555/x", "title": ["t"], "abstract": "<jats:p>" + "a" * 100_001 + "</jats:p>"}, WHEN, "x")
    with pytest.raises(InputError, match="abstract"):
        crossref.normalize({"DOI": "10.5555/x", "title": ["t"], "abstract": "<b></b>" * 200_000}, WHEN, "x")


def test_not_an_object() -> None:
    with pytest.raises(InputError, match="JSON object"):
        crossref.normalize(["a list"], WHEN, "x")


@pytest.mark.parametrize(
    "crossref_type,ours",
    [
        ("journal-article", "article"),
        ("proceedings-article", "article"),
        ("posted-content", "preprint"),
        ("book-chapter", "book-chapter"),
        ("book-section", "book-chapter"),
        ("book", "book"),
        ("monograph", "book"),
        ("edited-book", "book"),
        ("dataset", "dataset"),
        ("dissertation", "dissertation"),
        ("report", "report"),
        ("peer-review", "peer-review"),
        ("reference-entry", "reference-entry"),
        ("component", "supplementary-materials"),
        ("other", "other"),
        ("something-new", "other"),
    ],
)
def test_type_table(crossref_type: str, ours: str) -> None:
    w = crossref.normalize({"DOI": "10.5555/x", "title": ["t"], "type": crossref_type}, WHEN, "x")
    assert isinstance(w, WorkRecord) and w.type == ours


def test_stored_payload_renormalises_through_the_registry() -> None:
    data = message("work_jats.json")
    raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    assert renormalize("crossref", raw, WHEN, "x") == crossref.normalize(crossref.decode(raw), WHEN, "x")


# -- markup ------------------------------------------------------------------------------------

# what markup is, for these tests: a bare tag of a formatting element, or any tag ``has_markup``
# recognises (known names, attributes written name="value"). Text such as "0 < x and y > 1"
# is not markup.
BARE_TAG = re.compile(r"</?(?:jats:|mml:)?(?:p|i|b|sup|sub|title|italic|bold|sec|span|div|math|mi|mo|mn)\s*/?>", re.IGNORECASE)


def leaves_markup(text: str) -> bool:
    return bool(BARE_TAG.search(text)) or crossref.has_markup(text)


NAMES = st.sampled_from(["jats:p", "jats:italic", "jats:title", "jats:sec", "i", "b", "sup", "sub", "mml:mi", "span", "p", "div"])
WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf")), max_size=12).map(lambda s: s.replace("<", " ").replace(">", " ").replace("&", " "))


@st.composite
def marked_up(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A fragment of nested tags around words, and the words in order."""
    words: list[str] = []

    def node(depth: int) -> str:
        if depth > 3 or draw(st.booleans()):
            word = draw(WORDS)
            words.append(word)
            return word
        name = draw(NAMES)
        attrs = draw(st.sampled_from(["", ' xmlns:mml="http://www.w3.org/1998/Math/MathML"', " class='x'"]))
        inner = "".join(node(depth + 1) for _ in range(draw(st.integers(0, 3))))
        return f"<{name}{attrs}>{inner}</{name}>"

    return "".join(node(0) for _ in range(draw(st.integers(1, 4)))), words


@given(st.text())
def test_stripping_arbitrary_text_never_raises_nor_leaves_tags(text: str) -> None:
    out = strip_markup(text)
    assert isinstance(out, str)
    assert not leaves_markup(out)
    assert not leaves_markup(abstract_text(text) or "")


@given(st.lists(st.sampled_from(["<", ">", "i", "/", "&lt;", "&gt;", "jats:p", " ", "x", "&", "amp;", "<!--", "-->", "<![CDATA[", "]]>"]), max_size=40))
def test_stripping_hostile_fragments_never_leaves_tags(parts: list[str]) -> None:
    out = strip_markup("".join(parts))
    assert not leaves_markup(out)


@given(marked_up())
def test_stripping_keeps_every_word_in_order(case: tuple[str, list[str]]) -> None:
    markup, words = case
    out = strip_markup(markup, paragraphs=False)
    assert "<" not in out and ">" not in out
    assert " ".join(out.split()) == out  # whitespace collapsed

    def squeezed(text: str) -> str:
        return unicodedata.normalize("NFC", "".join(text.split()))

    assert squeezed(out) == squeezed("".join(words))


def test_double_escaped_markup_is_removed_but_comparisons_stay() -> None:
    assert strip_markup("Effects of &lt;i&gt;E. coli&lt;/i&gt; on soil") == "Effects of E. coli on soil"
    assert strip_markup("holds for 0 &lt; x &lt; 1 and y &gt; 0") == "holds for 0 < x < 1 and y > 0"
    assert strip_markup("<p>a</p><p>b</p>", paragraphs=False) == "a b"


def test_scripts_comments_and_annotations_are_dropped() -> None:
    markup = '<script>alert(1)</script><!-- note -->x<mml:annotation encoding="TeX">\\alpha</mml:annotation>y<![CDATA[z]]>'
    assert strip_markup(markup) == "xyz"


@pytest.mark.parametrize(
    "markup,text",
    [
        ("<jats:title>Abstract</jats:title><jats:p>Body.</jats:p>", "Body."),
        ("<jats:title>ABSTRACT:</jats:title><jats:p>Body.</jats:p>", "Body."),
        ("<p>Abstract: Body.</p>", "Body."),
        ("ABSTRACT Body.", "Body."),
        ("<jats:p>Abstract reasoning is hard.</jats:p>", "Abstract reasoning is hard."),
        ("<jats:p> </jats:p>", None),
    ],
)
def test_leading_abstract_heading(markup: str, text: str | None) -> None:
    assert abstract_text(markup) == text


# -- dates ---------------------------------------------------------------------------------------


@given(st.integers(1000, 2999), st.integers(1, 12), st.integers(1, 31))
def test_complete_date_parts(year: int, month: int, day: int) -> None:
    try:
        expected = date(year, month, day)
    except ValueError:
        expected = None
    y, m, d = date_parts({"date-parts": [[year, month, day]]})
    assert (y, m) == (year, month)
    assert (d is not None) == (expected is not None)
    when = publication_when({"published": {"date-parts": [[year, month, day]]}})
    assert when == (year, expected)


@given(st.integers(1000, 2999), st.one_of(st.none(), st.integers(1, 12)))
def test_partial_dates_set_only_the_year(year: int, month: int | None) -> None:
    parts = [year] if month is None else [year, month]
    assert publication_when({"issued": {"date-parts": [parts]}}) == (year, None)


@given(st.one_of(st.none(), st.integers(), st.text(), st.lists(st.one_of(st.none(), st.integers(), st.text())), st.dictionaries(st.text(), st.integers())))
def test_date_parts_never_raise(value: object) -> None:
    y, m, d = date_parts({"date-parts": [value]} if not isinstance(value, dict) else value)
    assert y is None or 1000 <= y <= 2999
    assert m is None or 1 <= m <= 12
    assert d is None or (y is not None and m is not None)


def test_date_rules() -> None:
    assert publication_when({"issued": {"date-parts": [[None]]}}) == (None, None)
    assert publication_when({"published": {"date-parts": [["2019", "7", "4"]]}}) == (2019, date(2019, 7, 4))
    # a later complete date from another year does not refine the first
    assert publication_when({"published-print": {"date-parts": [[1997, 7]]}, "published-online": {"date-parts": [[2005, 2, 18]]}}) == (1997, None)
    # nor one from another month
    assert publication_when({"published": {"date-parts": [[2014, 3]]}, "issued": {"date-parts": [[2014, 1, 31]]}}) == (2014, None)
    assert publication_when({"published": {"date-parts": [[2014]]}, "issued": {"date-parts": [[2014, 1, 31]]}}) == (2014, date(2014, 1, 31))
    assert date_parts({"date-parts": [[2020, 13, 1]]}) == (2020, None, None)
    assert date_parts({"date-parts": [[99999]]}) == (None, None, None)


@pytest.mark.parametrize(
    "text",
    ["<<i>i>x", "&lt;&lt;i&gt;i&gt;x", "&lt;" * 6 + "i&gt;" + "i&gt;" * 6 + "x", "<jats:p<jats:p>>x", "<i <b>>x</b>", "<!--<i>-->x<i"],
)
def test_nested_and_broken_markup_leaves_none(text: str) -> None:
    out = strip_markup(text)
    assert not leaves_markup(out) and "x" in out


def test_long_hostile_input_is_quick() -> None:
    import time

    for text in ["<a " + "b " * 50_000, "<" * 100_000, '<a b="' * 20_000, "<<i>i>" * 10_000, "&lt;" * 50_000 + "i&gt;" * 50_000]:
        start = time.perf_counter()
        strip_markup(text)
        assert time.perf_counter() - start < 5


# -- robustness -----------------------------------------------------------------------------------

JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=12), inner, max_size=3)),
    max_leaves=12,
)
FIELDS = [
    "type", "subtype", "title", "abstract", "author", "container-title", "ISSN", "issn-type", "publisher", "published",
    "published-print", "published-online", "issued", "posted", "deposited", "is-referenced-by-count", "reference",
    "updated-by", "update-to", "license", "link", "resource", "relation", "alternative-id", "subject", "language", "institution",
]  # fmt: skip


@given(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8))
def test_any_shape_of_the_other_fields_gives_a_work(fields: dict) -> None:
    data = {**fields, "DOI": "10.5555/x", "title": ["A title"]}
    if isinstance(fields.get("type"), str) and fields["type"] in crossref.CONTAINER_TYPES:
        data["type"] = "journal-article"
    try:
        w = crossref.normalize(data, WHEN, "x")
    except InputError as exc:  # only absurd sizes may be refused
        assert "characters" in exc.message
        return
    assert isinstance(w, WorkRecord) and w.title == "A title" and w.ids[0] == ExternalId("doi", "10.5555/x")
    assert len({i.scheme for i in w.ids}) == len(w.ids)  # at most one id of each scheme
    assert all(r.scheme == "doi" and r.value.startswith("10.") for r in w.referenced_works)


@given(
    st.lists(st.one_of(st.text(max_size=30), st.sampled_from(["arXiv:2101.00001", "PMID:123", "518462", "pmid 99", "arxiv.org/abs/2101.00002"])), max_size=4),
    st.lists(st.fixed_dictionaries({"id-type": st.sampled_from(["pmid", "arxiv", "doi", "other"]), "id": st.one_of(st.text(max_size=20), st.sampled_from(["123", "2101.00001", "10.48550/arXiv.2101.00003"]))}), max_size=3),
)
def test_other_ids_are_valid_unambiguous_or_absent(alternative: list[str], same: list[dict]) -> None:
    w = crossref.normalize({"DOI": "10.5555/x", "title": ["t"], "alternative-id": alternative, "relation": {"is-identical-to": same}}, WHEN, "x")
    assert isinstance(w, WorkRecord)
    for ext in w.ids[1:]:
        assert ext.scheme in ("arxiv", "pmid")
        if ext.scheme == "pmid":
            assert ext.value.isdigit()
        else:
            assert re.match(r"^\d{4}\.\d{4,5}$|^[a-z][a-z\-]*(\.[a-z]{2})?/\d{7}$", ext.value)
