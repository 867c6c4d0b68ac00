"""Pairwise evidence between mentions."""

from __future__ import annotations

import numpy as np

from peerscope.resolve.authors.blocking import parse_name
from peerscope.resolve.authors.features import FEATURES, INDEX, GivenNameVariants, PairEvidence, cross_features
from peerscope.resolve.authors.mentions import make_mention


def feature(a, b, name: str, variants: GivenNameVariants | None = None) -> float:  # type: ignore[no-untyped-def]
    row = cross_features([a], [b], variants) if variants else cross_features([a], [b])
    return float(row[0, 0, INDEX[name]])


def test_mention_fields_are_folded_and_tokenised() -> None:
    m = make_mention(
        "m1", "Müller, Hans P.", coauthors=["Dvořák M", "Lee, J."], affiliation="Dept. of Botany, Charles University, Praha. h.muller@cuni.cz.",
        title="Nitrogen in the soils", keywords=["Soil/chemistry*", "Humans"], venue="Plant and Soil.", date="2010 May", language="EN",
    )
    assert (m.block, m.family, m.given, m.initials) == ("muller_h", "muller", "hans p", "hp")
    assert m.coauthors == {"dvorak_m", "lee_j"}
    assert m.emails == {"h.muller@cuni.cz"}
    assert "charles" in m.affiliation_words and "university" not in m.affiliation_words and "cuni" not in m.affiliation_words
    assert m.keywords == {"soil"}  # the check tag "Humans" says nothing
    assert m.title_words == {"nitrogen", "soils"}
    assert (m.venue, m.year, m.language) == ("plant and soil", 2010, "en")


def test_given_names_match_vary_or_conflict() -> None:
    robert, bob, rachel, r = (make_mention(str(i), n) for i, n in enumerate(["Robert Smith", "Bob Smith", "Rachel Smith", "R. Smith"]))
    assert feature(robert, robert, "first_name_match") == 1.0
    assert feature(robert, bob, "first_name_variant") == 1.0  # a built-in variant
    assert feature(robert, rachel, "first_name_conflict") == 1.0
    assert all(feature(robert, r, f) == 0.0 for f in ("first_name_match", "first_name_variant", "first_name_conflict"))
    alex, alexander = make_mention("a", "Alex Smith"), make_mention("b", "Alexander Smith")
    assert feature(alex, alexander, "first_name_variant") == 1.0
    wei, way = make_mention("w", "Wei Chen"), make_mention("x", "Way Chen")
    assert feature(wei, way, "first_name_conflict") == 1.0
    assert feature(wei, way, "first_name_variant", GivenNameVariants.from_pairs([("wei", "way")])) == 1.0


def test_middle_initials() -> None:
    jm, jk, j = make_mention("1", "Lee JM"), make_mention("2", "Lee JK"), make_mention("3", "Lee J")
    assert feature(jm, jm, "middle_match") == 1.0
    assert feature(jm, jk, "middle_conflict") == 1.0
    assert feature(jm, j, "middle_one_missing") == 1.0 and feature(jm, j, "middle_conflict") == 0.0


def test_context_evidence() -> None:
    a = make_mention("a", "Novak P", coauthors=["Horak J", "Dvorak M"], affiliation="Institute of Botany, Prague. p@cuni.cz", keywords=["Soil"], venue="Plant and soil", date="2010")
    b = make_mention("b", "Novak P", coauthors=["Horak J"], affiliation="Institute of Botany, Prague. p@cuni.cz", keywords=["Soil", "Nitrogen"], venue="Plant and soil", date="2014")
    c = make_mention("c", "Novak P", coauthors=["Kral T"], affiliation="Cardiology, Brno. q@fnbrno.cz", venue="Europace", date=None)
    assert feature(a, b, "coauthors_shared") == np.float32(np.log1p(1))
    assert feature(a, b, "coauthors_jaccard") == 0.5
    assert feature(a, b, "affiliation_jaccard") == 1.0 and feature(a, c, "affiliation_jaccard") == 0.0
    assert feature(a, b, "email_match") == 1.0 and feature(a, c, "email_conflict") == 1.0
    assert feature(a, b, "keywords_jaccard") == 0.5
    assert feature(a, b, "venue_same") == 1.0 and feature(a, c, "venue_same") == 0.0
    assert feature(a, b, "year_gap") == np.float32(0.4)
    assert feature(a, c, "year_missing") == 1.0
    assert feature(a, make_mention("d", "Novak P"), "affiliation_missing") == 1.0


def test_block_matrix_is_symmetric_and_matches_pairwise_calls() -> None:
    ms = [make_mention(str(i), n, coauthors=co, affiliation=aff) for i, (n, co, aff) in enumerate(
        [("Lee J", ["Kim S"], "Seoul National University"), ("Lee JM", ["Kim S", "Park H"], "Seoul"), ("J Lee", [], None)]
    )]
    block = cross_features(ms, ms)
    assert block.shape == (3, 3, len(FEATURES))
    assert np.array_equal(block, block.transpose(1, 0, 2))
    assert np.allclose(block[0, 1], cross_features([ms[0]], [ms[1]])[0, 0])


def test_evidence_keeps_the_features_that_are_not_zero() -> None:
    row = np.zeros(len(FEATURES), dtype=np.float32)
    row[INDEX["email_match"]] = 1.0
    assert PairEvidence.from_row(row).as_dict() == {"email_match": 1.0}
