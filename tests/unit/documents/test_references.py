"""The reference parser on the common layouts, and properties over arbitrary input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.documents.references import extract_ids, parse_bibliography, parse_reference
from peerscope.normalize.ids import normalize_doi


@pytest.mark.parametrize(
    "raw,authors,year,title,venue",
    [
        ('A. Smith, B. Jones, and C. Lee, "Deep learning for graphs," in Proc. NeurIPS, 2019, pp. 1-10.', ("A. Smith", "B. Jones", "C. Lee"), 2019, "Deep learning for graphs", "Proc. NeurIPS"),
        ("Smith, J., Jones, B. (2019). Deep learning for graphs. Journal of Graphs, 12(3), 1-10.", ("Smith, J.", "Jones, B."), 2019, "Deep learning for graphs", "Journal of Graphs"),
        ("Smith J, Jones B. Deep learning for graphs. J Graphs. 2019;12:1-10.", ("Smith J", "Jones B"), 2019, "Deep learning for graphs", "J Graphs"),
        ("Smith, J., Jones, B.: Deep learning for graphs. In: LNCS, vol. 12, pp. 1-10. Springer (2019)", ("Smith, J.", "Jones, B."), 2019, "Deep learning for graphs", "LNCS"),
        ("van der Berg, A. and de Vries, K. 2020. A study of things. Nature 5, 1-3.", ("van der Berg, A.", "de Vries, K."), 2020, "A study of things", "Nature"),
    ],
)
def test_layouts(raw: str, authors: tuple[str, ...], year: int, title: str, venue: str) -> None:
    ref = parse_reference(raw)
    assert (ref.authors, ref.year, ref.title, ref.venue) == (authors, year, title, venue)


def test_entries_running_over_lines_and_broken_identifiers() -> None:
    lines = [(0, "[1] A. Smith, \"A long title that runs"), (40, "onto the next line,\" Journal, 2001. doi:10.5555/abc."), (95, "def"),
             (99, "[2] B. Jones, \"Second,\" Venue, 2002."), (140, "12. This line is inside entry two, not a new entry.")]
    refs = parse_bibliography(lines)
    assert [r.label for r in refs] == ["1", "2"]
    assert refs[0].title == "A long title that runs onto the next line" and refs[0].ids["doi"] == "10.5555/abc.def"
    assert refs[1].start == 99


doi_suffix = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters='"<>.,;:)]}\'\\'), min_size=1, max_size=30)


@given(prefix=st.integers(1000, 99999), suffix=doi_suffix)
def test_doi_round_trips(prefix: int, suffix: str) -> None:
    doi = normalize_doi(f"10.{prefix}/{suffix}")
    if doi is None:
        return
    for written in (f"doi:{doi}", f"https://doi.org/{doi}", f"DOI: {doi.upper()}."):
        assert extract_ids(f"Some reference. {written}").get("doi") == doi


@settings(max_examples=200)
@given(st.text(max_size=400))
def test_parser_never_crashes(text: str) -> None:
    ref = parse_reference(text)
    assert ref.year is None or 1900 <= ref.year <= 2099
    parse_bibliography([(i, line) for i, line in enumerate(text.split("\n"))])
