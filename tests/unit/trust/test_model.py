"""The trust model's rules, on inputs built by hand."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.derive.trust.inputs import CitingWork, ClaimInputs, FlagInput, TrustInputs, WorkInput
from peerscope.derive.trust.model import HIGH_SIGNAL_CAP, band_of, inputs_hash, score, verification_level
from peerscope.derive.trust.history import chart_points, explain_changes


def work(i: int, kind: str = "peer_reviewed", year: int = 2015, month: str | None = None, **kw) -> WorkInput:  # type: ignore[no-untyped-def]
    base = dict(work_id=i, year=year, month=month or f"{year}-{(i % 12) + 1:02d}", kind=kind, thin=False, retracted=False, concern=False,
                sources=("openalex",), conflicts=0, link_rule="orcid", link_score=1.0, orcid_asserted_by=None, retrieved="2026-01-01", field_baseline=1.0)
    base.update(kw)
    return WorkInput(**base)


works_st = st.lists(
    st.builds(lambda i, k, y, thin, c: work(i, k, y, thin=thin, citing=tuple(CitingWork(1000 + j, "independent", 1) for j in range(c))),
              st.integers(1, 500), st.sampled_from(["peer_reviewed", "preprint", "other"]), st.integers(1990, 2026), st.booleans(), st.integers(0, 30)),
    max_size=30, unique_by=lambda w: w.work_id,
)
flags_st = st.lists(st.builds(FlagInput, st.integers(1, 99), st.sampled_from(["retracted", "citation_anomaly"]), st.sampled_from(["high", "medium", "low"]), st.just("2026-01-01"),
                              st.sampled_from(["subject", "byline"]), st.booleans()), max_size=4)


@given(works_st, flags_st)
@settings(max_examples=150, deadline=None)
def test_score_stays_within_0_and_100_with_its_band(works, flags) -> None:  # type: ignore[no-untyped-def]
    s = score(TrustInputs(1, tuple(works), flags=tuple(flags)))
    assert 0 <= s.score <= 100
    assert s.band == band_of(s.score)
    assert {c.name for c in s.components} == {"identity", "record consistency", "scholarly footprint", "network", "integrity"}


@given(works_st, flags_st, st.sampled_from(["high", "medium", "low"]))
@settings(max_examples=150, deadline=None)
def test_an_open_flag_never_raises_the_score(works, flags, severity) -> None:  # type: ignore[no-untyped-def]
    before = TrustInputs(1, tuple(works), flags=tuple(flags))
    after = dataclasses.replace(before, flags=(*flags, FlagInput(500, "text_reuse", severity, "2026-02-01")))
    assert score(after).score <= score(before).score


@given(works_st, st.integers(1990, 2026))
@settings(max_examples=150, deadline=None)
def test_a_new_peer_reviewed_work_never_lowers_the_score(works, year) -> None:  # type: ignore[no-untyped-def]
    before = TrustInputs(1, tuple(works))
    after = dataclasses.replace(before, works=(*works, work(999, "peer_reviewed", year, month=None)))
    assert score(after).score >= score(before).score


@given(works_st)
@settings(max_examples=100, deadline=None)
def test_an_independent_citation_never_lowers_the_score(works) -> None:  # type: ignore[no-untyped-def]
    if not works:
        return
    first = works[0]
    cited = dataclasses.replace(first, citing=(*first.citing, CitingWork(9999, "independent", 1)))
    assert score(TrustInputs(1, (cited, *works[1:]))).score >= score(TrustInputs(1, tuple(works))).score


def test_levels_follow_the_definitions() -> None:
    plain = TrustInputs(1, (work(1),))
    assert verification_level(plain) == "L0"
    assert verification_level(TrustInputs(1, (work(1, orcid_asserted_by="crossref"),))) == "L1"
    assert verification_level(TrustInputs(1, (work(1, orcid_asserted_by="orcid"),))) == "L0"  # the person's own record
    assert verification_level(TrustInputs(1, (work(1, sources=("crossref", "openalex")),))) == "L1"
    assert verification_level(TrustInputs(1, (work(1, sources=("openalex", "orcid")),))) == "L0"
    assert verification_level(dataclasses.replace(plain, claim=ClaimInputs(claimed=True))) == "L0"  # a claim without proof
    assert verification_level(dataclasses.replace(plain, claim=ClaimInputs(claimed=True, orcid_login_proof=True))) == "L2"
    both = ClaimInputs(claimed=True, orcid_login_proof=True, institutional_email_proof=True, institution_current=True)
    assert verification_level(dataclasses.replace(plain, claim=both)) == "L3"
    assert verification_level(dataclasses.replace(plain, claim=dataclasses.replace(both, open_dispute=True))) == "L2"


def test_bands_at_their_edges() -> None:
    assert [band_of(s) for s in (0, 19, 20, 39, 40, 59, 60, 79, 80, 100)] == [
        "New", "New", "Emerging", "Emerging", "Established", "Established", "Trusted", "Trusted", "Highly trusted", "Highly trusted"]


def test_a_high_signal_caps_the_score_and_says_so() -> None:
    strong = TrustInputs(1, tuple(work(i, year=2000 + i % 20, orcid_asserted_by="crossref", citing=tuple(CitingWork(1000 + i * 50 + j, "independent", 1) for j in range(20))) for i in range(40)),
                         verified_coauthors=(2, 3, 4, 5, 6))
    assert score(strong).score >= 60
    flagged = score(dataclasses.replace(strong, works=(*strong.works[:-1], dataclasses.replace(strong.works[-1], retracted=True))))
    assert flagged.score <= HIGH_SIGNAL_CAP
    names = [i.name for c in flagged.components for i in c.inputs]
    assert "retracted works" in names and any("at most 39" in n for n in names)


def test_inputs_hash_changes_with_inputs_only() -> None:
    a = TrustInputs(1, (work(1),))
    assert inputs_hash(a) == inputs_hash(TrustInputs(1, (work(1),)))
    assert inputs_hash(a) != inputs_hash(TrustInputs(1, (work(1, year=2016),)))


def test_changes_name_the_components_and_inputs_that_moved() -> None:
    before = [{"name": "network", "points": 2.0, "inputs": [{"name": "co-authors", "value": 1}]}]
    after = [{"name": "network", "points": 4.0, "inputs": [{"name": "co-authors", "value": 2}]}]
    assert explain_changes(None, after) == [{"component": "all", "before": None, "after": None, "why": ["first snapshot"]}]
    assert explain_changes(before, after) == [{"component": "network", "before": 2.0, "after": 4.0, "why": ["co-authors: 1 → 2"]}]
    assert explain_changes(after, after) == []


def test_chart_points_put_100_at_the_top_and_0_at_the_bottom() -> None:
    pts = chart_points([(0, "a"), (100, "b")], width=100, height=50, pad=0)
    assert (pts[0].x, pts[0].y, pts[1].x, pts[1].y) == (0, 50, 100, 0)
    assert chart_points([(50, "a")], width=100, height=50, pad=0)[0].x == 50


def test_how_others_cite_a_work_is_shown_but_not_held_against_its_authors() -> None:
    works = tuple(work(i, year=2010 + i) for i in range(8))
    clean = score(TrustInputs(1, works))
    cited = score(TrustInputs(1, works, flags=(FlagInput(7, "citation_anomaly", "medium", "2026-01-01", "byline", False),)))
    own = score(TrustInputs(1, works, flags=(FlagInput(8, "citation_anomaly", "medium", "2026-01-01", "subject", False),)))
    in_paper = score(TrustInputs(1, works, flags=(FlagInput(9, "citation_anomaly", "medium", "2026-01-01", "byline", True),)))
    assert cited.score == clean.score
    shown = [i for c in cited.components if c.name == "integrity" for i in c.inputs if i.flags == (7,)]
    assert shown and "not counted" in shown[0].name
    # the record's own citing (the author-level check) and a reference list they wrote do count
    assert own.score == in_paper.score == clean.score - 10


def test_a_document_citing_a_retracted_work_does_not_hide_an_unflagged_retraction() -> None:
    works = (*(work(i, year=2010 + i) for i in range(6)), work(50, year=2019, retracted=True))
    cites_retracted = FlagInput(3, "retracted", "medium", "2026-01-01", "byline", True)
    s = score(TrustInputs(1, works, flags=(cites_retracted,)))
    names = [i.name for c in s.components if c.name == "integrity" for i in c.inputs]
    assert "retracted works" in names and s.score <= HIGH_SIGNAL_CAP


def test_citations_from_co_authors_are_shown_while_a_self_citation_share_counts() -> None:
    works = tuple(work(i, year=2010 + i) for i in range(8))
    clean = score(TrustInputs(1, works))
    cluster = score(TrustInputs(1, works, flags=(FlagInput(5, "citation_anomaly", "low", "2026-01-01", "subject", False),)))
    selfish = score(TrustInputs(1, works, flags=(FlagInput(6, "citation_anomaly", "medium", "2026-01-01", "subject", False),)))
    other_low = score(TrustInputs(1, works, flags=(FlagInput(4, "expression_of_concern", "low", "2026-01-01", "subject", False),)))
    assert cluster.score == clean.score  # the footprint already discounts co-author citations
    shown = [i for c in cluster.components if c.name == "integrity" for i in c.inputs if i.flags == (5,)]
    assert shown and "not counted" in shown[0].name
    assert selfish.score == clean.score - 10
    assert other_low.score == clean.score - 3  # only the citation anomaly is exempt, not every low flag
