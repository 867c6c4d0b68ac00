"""The pair scorer fitted on the labelled PubMed file (1870 mentions, 38 blocks).

Regenerate with ``.venv/bin/python scripts/fit_author_weights.py PUBMED_FILE``: weights fitted
on every block, penalty and threshold chosen by cross-validation across blocks.
"""

from __future__ import annotations

from peerscope.resolve.authors.scorer import PairScorer

PUBMED_SCORER = PairScorer.from_mapping(
    {
        'first_name_match': 0.0,
        'first_name_variant': 0.0,
        'first_name_conflict': 0.0,
        'first_initial_conflict': 0.0,
        'middle_match': 2.525075,
        'middle_conflict': 0.0,
        'middle_one_missing': 0.0,
        'coauthors_shared': 1.476441,
        'coauthors_jaccard': 3.487772,
        'affiliation_jaccard': 9.026165,
        'affiliation_missing': 1.553829,
        'email_match': 4.531637,
        'email_conflict': -0.521586,
        'keywords_shared': 2.21819,
        'keywords_jaccard': 1.05514,
        'title_jaccard': 3.90605,
        'abstract_jaccard': 1.814769,
        'venue_same': 0.719746,
        'year_gap': 0.208587,
        'year_missing': -0.977932,
        'language_same_non_english': 0.0,
    },
    intercept=-3.131076,
    threshold=0.25,
    featurizer_version=1,
)
