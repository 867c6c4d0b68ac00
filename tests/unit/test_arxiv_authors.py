"""The arXivRaw author string splitter: names, affiliations, markers, suffixes."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from peerscope.normalize.arxiv import SplitAuthor, split_authors
from peerscope.normalize.text import repair_mojibake


def names(text: str) -> list[str]:
    return [a.display_name for a in split_authors(text)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("A. One, B. Two and C. Three", ["A. One", "B. Two", "C. Three"]),
        ("A. One, B. Two, and C. Three", ["A. One", "B. Two", "C. Three"]),
        ("A. One and B. Two", ["A. One", "B. Two"]),
        ("Solo Author", ["Solo Author"]),
        ("  A.\n One ,\tB. Two  ", ["A. One", "B. Two"]),
        ("A. One; B. Two", ["A. One", "B. Two"]),
        ("Naihong Hu, Dong Liu and and Linsheng Zhu", ["Naihong Hu", "Dong Liu", "Linsheng Zhu"]),
        ("Anders Andersen and Sandra Anderson", ["Anders Andersen", "Sandra Anderson"]),
        ("The D0 Collaboration: V.M. Abazov, et al", ["The D0 Collaboration", "V.M. Abazov"]),
        ("HESS Collaboration: A. Abramowski, F. Acero", ["HESS Collaboration", "A. Abramowski", "F. Acero"]),
        ("The ATLAS Collaboration", ["The ATLAS Collaboration"]),
        ("S{\\o}ren K. Boldsen and Mia Hauge Dollerup", ["S{\\o}ren K. Boldsen", "Mia Hauge Dollerup"]),
        ("J. P. Coe, V. V. Fran\\c{c}a and I. D'Amico", ["J. P. Coe", "V. V. Fran\\c{c}a", "I. D'Amico"]),
        ("{Smith, and Sons} Jones, B. Two", ["{Smith, and Sons} Jones", "B. Two"]),
        ("", []),
        ("  ,  and ; ", []),
    ],
)
def test_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_suffix_joins_the_name_before_it() -> None:
    got = split_authors("G. David Forney, Jr. and Pascal O. Vontobel")
    assert got == [SplitAuthor("G. David Forney Jr.", "G. David Forney, Jr."), SplitAuthor("Pascal O. Vontobel", "Pascal O. Vontobel")]
    assert names("W. T. Hill III, C. J. Lobb") == ["W. T. Hill III", "C. J. Lobb"]
    assert names("Roldao da Rocha, Waldyr A. Rodrigues Jr") == ["Roldao da Rocha", "Waldyr A. Rodrigues Jr"]
    assert names("A. Smith, III, B. Jones, Sr.") == ["A. Smith III", "B. Jones Sr."]
    assert names("Jr.") == ["Jr."]  # nothing to join it to: kept as written


def test_parenthesised_affiliations() -> None:
    got = split_authors("C. Neri (Lloyds Banking Group, London, UK) and L. Schneider (EMLYON Business School, Lyon, France)")
    assert got == [
        SplitAuthor("C. Neri", "C. Neri", ("Lloyds Banking Group, London, UK",)),
        SplitAuthor("L. Schneider", "L. Schneider", ("EMLYON Business School, Lyon, France",)),
    ]
    assert split_authors("Roberto Lineros (University of Torino and INFN/Torino)")[0].affiliations == ("University of Torino and INFN/Torino",)
    assert split_authors("Babak Seradjeh, Eytan Grosfeld (UIUC)") == [
        SplitAuthor("Babak Seradjeh", "Babak Seradjeh"),
        SplitAuthor("Eytan Grosfeld", "Eytan Grosfeld", ("UIUC",)),
    ]


def test_numbered_markers_resolve_through_the_closing_block() -> None:
    got = split_authors("Irina Lupu (1), Pierre Courbin (2), Laurent George (2) and Joel Goossens (1) ((1) U.L.B., (2) ECE)")
    assert [(a.display_name, a.affiliations) for a in got] == [
        ("Irina Lupu", ("U.L.B.",)),
        ("Pierre Courbin", ("ECE",)),
        ("Laurent George", ("ECE",)),
        ("Joel Goossens", ("U.L.B.",)),
    ]
    got = split_authors("Mark Vogelsberger (1,2), Simon D. M. White (1) ((1) MPA, (2) Harvard/CfA)")
    assert [a.affiliations for a in got] == [("MPA", "Harvard/CfA"), ("MPA",)]
    got = split_authors("Leandro Kerber (1 and 3) and Thais Idiart (1) ((1) IAG, Sao Paulo, (2) NAT, (3) UESC)")
    assert [a.affiliations for a in got] == [("IAG, Sao Paulo", "UESC"), ("IAG, Sao Paulo",)]
    # an affiliation with parentheses of its own, and a trailing comma before the block
    got = split_authors("Y. Abhyankar (1), P. Prasad (2), ((1) Center for Advanced Computing (C-DAC) Pune, India, (2) Raman Research Institute)")
    assert [a.affiliations for a in got] == [("Center for Advanced Computing (C-DAC) Pune, India",), ("Raman Research Institute",)]


def test_notes_that_are_not_affiliations_are_dropped() -> None:
    assert split_authors("V. Bozza, G. Scarpetta (Eds.)")[1].affiliations == ()
    assert split_authors("A. Schurmann (with an appendix by M. Dutour)")[0].affiliations == ()
    assert split_authors("S. Ohta (1 and 2) (for the RBC Collaboration) ((1) KEK, (2) SOKENDAI)") == [
        SplitAuthor("S. Ohta", "S. Ohta", ("KEK", "SOKENDAI"))
    ]
    assert split_authors("M. Hogerheijde (and the WISH Team)")[0].affiliations == ()


def test_unbalanced_parentheses_do_not_swallow_the_list() -> None:
    assert names("A. One (Uni, B. Two") == ["A. One (Uni", "B. Two"]
    assert names("A. One) and B. Two") == ["A. One)", "B. Two"]


# -- properties -------------------------------------------------------------------------------

_SUFFIX_WORDS = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd", "and", "et", "al", "al.", "others"}
_letters = st.characters(categories=["Lu", "Ll", "Lo"], exclude_characters="()[]{},;:&")
# tokens that read as mis-decoded UTF-8 ("Âª") are repaired on the way in (normalize/text.py), so
# they would not come back as written: the splitting properties use text that is not a garble
_token = st.text(alphabet=_letters, min_size=1, max_size=10).filter(lambda t: t.lower() not in _SUFFIX_WORDS and repair_mojibake(t) == t)
_initial = st.builds(lambda c: f"{c}.", st.characters(categories=["Lu"]))
_name = st.lists(st.one_of(_token, _initial), min_size=1, max_size=4).map(" ".join).filter(lambda n: n.lower() not in _SUFFIX_WORDS and repair_mojibake(n) == n)
_affiliation = st.lists(st.one_of(_token, st.sampled_from(["and", "of", "&", ",", "-"])), min_size=1, max_size=6).map(" ".join).filter(
    lambda a: a.split()[0].lower() not in {"and", "for", "with", "eds", "ed", "editor", "editors", "on"} and a.strip(" ,;") == a and a.strip()
)


def join(parts: list[str], oxford: bool) -> str:
    if len(parts) == 1:
        return parts[0]
    head = ", ".join(parts[:-1])
    return f"{head}{',' if oxford else ''} and {parts[-1]}"


@given(st.lists(_name, min_size=1, max_size=12), st.booleans())
def test_names_joined_by_commas_and_and_come_back_in_order(people: list[str], oxford: bool) -> None:
    assert names(join(people, oxford)) == people


@given(st.lists(st.tuples(_name, st.lists(_affiliation, max_size=2)), min_size=1, max_size=8))
def test_each_name_keeps_its_own_parenthesised_affiliations(people: list[tuple[str, list[str]]]) -> None:
    text = ", ".join(name + "".join(f" ({aff})" for aff in affs) for name, affs in people)
    got = split_authors(text)
    assert [a.display_name for a in got] == [name for name, _ in people]
    assert [a.affiliations for a in got] == [tuple(dict.fromkeys(affs)) for _, affs in people]


@given(
    st.lists(_affiliation, min_size=1, max_size=5, unique=True).flatmap(
        lambda affs: st.tuples(st.just(affs), st.lists(st.tuples(_name, st.sets(st.integers(1, len(affs)), max_size=3)), min_size=1, max_size=8))
    ),
    st.sampled_from([",", " and "]),
)
def test_numbered_markers_point_at_the_numbered_affiliations(data: tuple[list[str], list[tuple[str, set[int]]]], marker_sep: str) -> None:
    affs, people = data
    assume(all("(" not in a for a in affs))
    parts = []
    for name, numbers in people:
        parts.append(f"{name} ({marker_sep.join(str(n) for n in sorted(numbers))})" if numbers else name)
    block = ", ".join(f"({i}) {aff}" for i, aff in enumerate(affs, start=1))
    got = split_authors(f"{join(parts, False)} ({block})")
    assert [a.display_name for a in got] == [name for name, _ in people]
    assert [a.affiliations for a in got] == [tuple(affs[n - 1] for n in sorted(numbers)) for _, numbers in people]


@given(st.lists(st.tuples(_name, st.sampled_from([None, "Jr.", "Jr", "III", "Sr."])), min_size=1, max_size=8))
def test_suffix_after_a_comma_stays_with_its_name(people: list[tuple[str, str | None]]) -> None:
    text = ", ".join(f"{name}, {suffix}" if suffix else name for name, suffix in people)
    got = split_authors(text)
    assert [a.display_name for a in got] == [f"{n} {s}" if s else n for n, s in people]
    assert [a.raw for a in got] == [f"{n}, {s}" if s else n for n, s in people]


@given(st.text(max_size=200))
def test_never_raises_and_yields_clean_names(text: str) -> None:
    got = split_authors(text)
    for a in got:
        assert a.display_name and a.display_name == a.display_name.strip()
        assert "  " not in a.display_name and "\n" not in a.display_name
        assert all(aff and aff == aff.strip() for aff in a.affiliations)
        assert len(set(a.affiliations)) == len(a.affiliations)


@given(st.lists(_name, min_size=1, max_size=10))
def test_splitting_is_stable(people: list[str]) -> None:
    once = names(join(people, True))
    assert names(", ".join(once)) == once
