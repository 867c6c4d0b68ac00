"""Work matching without shared identifiers: each step on small hand-made records."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.normalize.records import AuthorRef, AuthorshipRecord, ExternalId, LocationRecord, Provenance, SourceRecord, WorkRecord
from peerscope.resolve.works import (
    MAX_BLOCK_SIZE,
    MatchRecord,
    WorkMatch,
    author_overlap,
    candidate_pairs,
    conflicting_ids,
    first_author_agreement,
    group_matches,
    identifier_matches,
    main_title,
    match_record,
    match_works,
    normalize_title,
    score_pair,
    surname_key,
    title_similarity,
    year_compatible,
)


def rec(
    rid: str,
    title: str,
    year: int | None = 2020,
    authors: tuple[str, ...] = ("Ada Lovelace", "Charles Babbage"),
    ids: tuple[tuple[str, str], ...] = (),
    preprint: bool = False,
) -> MatchRecord:
    keys = [surname_key(a) for a in authors]
    return MatchRecord(
        id=rid, title=normalize_title(title), year=year,
        first_author=keys[0][0] if keys else "", first_initials=keys[0][1] if keys else "",
        authors=frozenset(k for k, _ in keys), ids=tuple(ExternalId(s, v) for s, v in ids),
        is_preprint=preprint, short_title=main_title(title),
    )


PREPRINT = rec("pre", "Sparse Attention for Long Protein Sequences: A Preliminary Study", 2019,
               ids=(("arxiv", "1901.00001"), ("doi", "10.48550/arxiv.1901.00001")), preprint=True)
PUBLISHED = rec("pub", "Sparse attention for long protein sequences", 2020, ids=(("doi", "10.1000/jcb.2020.7"),))


# -- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Sparse Attention: A Study", "sparse attention a study"),
        ("RETRACTED: Growth of Cells", "growth of cells"),
        ("Retracted spectra of stars", "retracted spectra of stars"),  # a word, not a notice
        ("Gene editing in \\textit{Escherichia coli}", "gene editing in escherichia coli"),
        ("The {\\Lambda}-LTB model", "the lambda ltb model"),
        ("Positivstellens\\\"atze", "positivstellensatze"),
        ("Bounds on $x^2$ and more", "bounds on x 2 and more"),
        ("Theory &amp; practice", "theory practice"),
        ("Østergaard–Müller   effects", "ostergaard muller effects"),
        ("", ""),
    ],
)
def test_normalize_title_folds_markup_case_and_accents(raw: str, expected: str) -> None:
    assert normalize_title(raw) == expected


@given(st.text(max_size=80))
def test_normalize_title_is_idempotent(text: str) -> None:
    once = normalize_title(text)
    assert normalize_title(once) == once


@given(st.lists(st.sampled_from(["graph", "neural", "Étude", "naïve", "Bayes", "über", "model", "ß"]), min_size=1, max_size=6),
       st.sampled_from([" ", ": ", " - ", ", ", "  ", "; "]))
def test_normalize_title_ignores_case_punctuation_and_diacritics(words: list[str], separator: str) -> None:
    plain = " ".join(words)
    variant = separator.join(w.upper() for w in words) + "."
    assert normalize_title(variant) == normalize_title(plain)


def test_main_title_is_the_part_before_the_subtitle() -> None:
    assert main_title("Sparse attention: a preliminary study") == "sparse attention"
    assert main_title("Sparse attention (extended version)") == "sparse attention"
    assert main_title("Sparse attention - revisited") == "sparse attention"
    assert main_title("Sparse-attention models") == "sparse attention models"  # a hyphen joins words


def test_surname_key_folds_and_keeps_initials() -> None:
    assert surname_key("Østergaard, J.-P.") == ("ostergaard", "JP")
    assert surname_key("Ludwig van Beethoven") == ("vanbeethoven", "L")
    assert surname_key("") == ("", "")


# -- match records from work records -----------------------------------------------------------


def work(title: str, ids: tuple[ExternalId, ...], names: tuple[str, ...], *, type_: str = "article", year: int = 2020) -> WorkRecord:
    authorships = tuple(
        AuthorshipRecord(position=i, author=AuthorRef(ids=(), display_name=n), raw_author_name=n) for i, n in enumerate(names)
    )
    venue = LocationRecord(SourceRecord((), "Journal of Computational Biology"), None, None, False, None, None, is_primary=True)
    return WorkRecord(ids=ids, title=title, provenance=Provenance("openalex", "W1", datetime(2024, 1, 1)), type=type_,
                      publication_year=year, authorships=authorships, locations=(venue,))


def test_match_record_reads_title_year_authors_ids_and_venue() -> None:
    w = work("RETRACTED: Sparse Attention", (ExternalId("openalex", "W1"), ExternalId("doi", "10.1/x")), ("Grace Hopper", "Alan M. Turing"))
    r = match_record(w, "W1")
    assert (r.id, r.title, r.year, r.first_author, r.first_initials) == ("W1", "sparse attention", 2020, "hopper", "G")
    assert r.authors == {"hopper", "turing"}
    assert r.venue == "journal of computational biology" and not r.is_preprint
    assert r.ids_of("doi") == {"10.1/x"}
    hidden = match_record(w, "W1", hide=("doi",))
    assert hidden.ids == (ExternalId("openalex", "W1"),)


def test_match_record_marks_preprints_by_type() -> None:
    assert match_record(work("X", (), (), type_="preprint"), "a").is_preprint
    assert match_record(work("X", (), (), type_="posted-content"), "a").is_preprint


# -- identifiers -------------------------------------------------------------------------------


def test_identifier_matches_link_records_sharing_scheme_and_value() -> None:
    a = rec("a", "One", ids=(("doi", "10.1/a"),))
    b = rec("b", "Two", ids=(("pmid", "7"), ("doi", "10.1/a")))
    c = rec("c", "Three", ids=(("pmid", "7"),))
    d = rec("d", "Four", ids=(("s2", "10.1/a"),))  # same value, other scheme: no link
    assert identifier_matches([a, b, c, d]) == [(0, 1), (1, 2)]
    assert score_pair(a, b).rule == "identifier" and score_pair(a, b).score == 1.0


def test_two_journal_dois_conflict_but_a_preprint_doi_does_not() -> None:
    other = rec("other", "Sparse attention for long protein sequences", 2020, ids=(("doi", "10.1000/jcb.2020.99"),))
    assert conflicting_ids(PUBLISHED, other) == ("doi",)
    assert conflicting_ids(PREPRINT, PUBLISHED) == ()
    refused = score_pair(PUBLISHED, other)
    assert refused.rule == "conflicting_ids" and not refused.matched
    assert [e.kind for e in refused.evidence] == ["conflict"]


# -- pair evidence -------------------------------------------------------------------------------


def test_title_similarity_handles_subtitles_series_and_counts() -> None:
    sim, how = title_similarity(PREPRINT, PUBLISHED)
    assert sim == pytest.approx(0.96) and "subtitle" in how
    part1 = rec("1", "Lamb shift in muonic hydrogen I: verification of predictions")
    part2 = rec("2", "Lamb shift in muonic hydrogen II: analysis of the discrepancy")
    assert title_similarity(part1, part2)[0] < 0.8
    few = rec("3", "Readmission rates: evidence from 3 intensive care units")
    many = rec("4", "Readmission rates: evidence from 48 intensive care units")
    assert title_similarity(few, many)[0] < title_similarity(few, few)[0] - 0.05
    # words added without a separator are not a subtitle
    base = rec("5", "Finite difference schemes for the magnetic induction equations")
    longer = rec("6", "Finite difference schemes for the magnetic induction equations with resistivity")
    assert title_similarity(base, longer)[1] == "token sort"


def test_year_window_lets_a_preprint_precede_but_not_trail_far() -> None:
    pub = rec("pub", "t", 2020)
    for year, ok in [(2017, True), (2016, False), (2021, True), (2022, False)]:
        assert year_compatible(rec("pre", "t", year, preprint=True), pub) is ok, year
    assert year_compatible(rec("a", "t", 2020), rec("b", "t", 2021)) is True
    assert year_compatible(rec("a", "t", 2020), rec("b", "t", 2022)) is False
    assert year_compatible(rec("a", "t", None), pub) is None


def test_first_author_and_author_overlap() -> None:
    a = rec("a", "t", authors=("J. Smith", "K. Jones"))
    assert first_author_agreement(a, rec("b", "t", authors=("John Smith",))) == 1.0
    assert first_author_agreement(a, rec("b", "t", authors=("Paul Smith",))) == 0.5
    assert first_author_agreement(a, rec("b", "t", authors=("K. Jones", "J. Smith"))) == 0.0
    assert first_author_agreement(a, rec("b", "t", authors=())) is None
    assert author_overlap(a, rec("b", "t", authors=("K. Jones", "J. Smith"))) == 1.0
    one_in_six = rec("b", "t", authors=("J. Smith", "A. B", "C. D", "E. F", "G. H", "I. J"))
    assert author_overlap(rec("c", "t", authors=("J. Smith",)), one_in_six) == pytest.approx((1 + 1 / 6) / 2)


def test_preprint_and_published_version_match_with_their_evidence() -> None:
    m = score_pair(PREPRINT, PUBLISHED)
    assert isinstance(m, WorkMatch) and m.matched and m.rule == "title_authors"
    assert (m.left, m.right) == ("pre", "pub") and m.score >= 0.9
    assert [e.kind for e in m.evidence] == ["title", "year", "first_author", "authors"]


def test_similar_titles_by_other_people_do_not_match() -> None:
    other_team = rec("x", "Sparse attention for long protein sequences", 2020, authors=("Mary Shelley", "Percy Shelley"))
    m = score_pair(PUBLISHED, other_team)
    assert not m.matched and m.rule == "below_threshold"


def test_a_preprint_years_before_its_supposed_journal_version_is_refused() -> None:
    early = rec("pre", "Sparse attention for long protein sequences", 2012, preprint=True)
    assert score_pair(early, PUBLISHED).rule == "year_window"


def test_title_alone_needs_a_long_title_and_a_known_year() -> None:
    long_title = "A survey of sparse attention for long protein sequences"
    a, b = rec("a", long_title, authors=()), rec("b", long_title, authors=("Ada Lovelace",))
    assert score_pair(a, b).rule == "title_only"
    assert score_pair(rec("a", long_title, None, authors=()), b).rule == "below_threshold"
    assert score_pair(rec("a", "Introduction", authors=()), rec("b", "Introduction")).rule == "below_threshold"


# -- blocking ----------------------------------------------------------------------------------


def distinct_records(n: int) -> list[MatchRecord]:
    """n different papers: each title shares common words with all others and has its own rare ones."""
    return [rec(f"r{i}", f"Deep learning models of protein folding kinase{i} binding{i} assay{i}", authors=(f"A. Author{i}",))
            for i in range(n)]


def test_blocking_finds_the_twin_and_stays_near_linear() -> None:
    records = distinct_records(400)
    records.append(rec("twin", "Deep learning models of protein folding kinase7 binding7 assay7: extended", authors=("A. Author7",)))
    pairs = candidate_pairs(records)
    assert (7, 400) in pairs
    # common words form blocks larger than the cap and are skipped: only the twin is compared
    assert len(pairs) <= len(records)
    assert len(candidate_pairs(distinct_records(800))) <= 800


def test_a_block_over_the_cap_is_skipped() -> None:
    same = [rec(f"s{i}", "Kinase binding assay", authors=(f"B. Other{i}",)) for i in range(MAX_BLOCK_SIZE + 1)]
    assert candidate_pairs(same) == set()
    assert len(candidate_pairs(same[:3])) == 3


# -- grouping ------------------------------------------------------------------------------------


def test_grouping_refuses_to_chain_two_journal_versions_through_a_preprint() -> None:
    preprint = rec("pre", "Sparse attention for long protein sequences", 2019, preprint=True)
    journal_a = rec("a", "Sparse attention for long protein sequences", 2020, ids=(("doi", "10.1000/a"),))
    journal_b = rec("b", "Sparse attention for long protein sequences", 2020, ids=(("doi", "10.1000/b"),))
    records = [preprint, journal_a, journal_b]
    matches = [(0, 1, score_pair(preprint, journal_a)), (0, 2, score_pair(preprint, journal_b))]
    assert all(m.matched for _, _, m in matches)
    groups, refused = group_matches(records, matches)
    assert sorted(map(sorted, groups)) == [[0, 1], [2]]
    assert len(refused) == 1 and refused[0].schemes == ("doi",)


def test_match_works_end_to_end() -> None:
    records = [*distinct_records(50), PREPRINT, PUBLISHED]
    result = match_works(records)
    together = [g for g in result.groups if len(g) > 1]
    assert together == [[50, 51]]
    assert [m.rule for m in result.matches] == ["title_authors"]
    assert result.compared_pairs >= 1 and result.rules["title_authors"] == 1
