"""The pair scorer fitted on the labelled PubMed file (1870 mentions, 38 blocks).

Regenerate with ``.venv/bin/python scripts/fit_author_weights.py PUBMED_FILE``: weights fitted
on every block, penalty and thresholds chosen by cross-validation across blocks. ``CLUSTER_MERGER``
is the cluster-level pass run after the linkage (``cluster_merge``).
"""

from __future__ import annotations

from peerscope.resolve.authors.cluster_merge import ClusterScorer
from peerscope.resolve.authors.scorer import PairScorer

CLUSTER_MERGER = ClusterScorer.from_mapping(
    {
        'pair_score_average': 0.029488,
        'pair_score_max': 4.737393,
        'cluster_coauthors_shared': 1.039599,
        'cluster_coauthors_overlap': 1.994491,
        'cluster_venues_shared': 1.879842,
        'cluster_venue_cosine': -0.556345,
        'cluster_keyword_cosine': 1.965139,
        'cluster_title_cosine': 2.728057,
        'cluster_abstract_cosine': -1.64088,
        'cluster_affiliation_cosine': 2.233106,
        'cluster_affiliation_missing': 0.246183,
        'cluster_email_shared': 3.341163,
        'cluster_year_gap': 3.6e-05,
        'cluster_year_missing': 0.0,
        'cluster_middle_match': 0.326586,
        'cluster_middle_conflict': 0.0,
        'cluster_name_conflict': 0.0,
        'cluster_size_smaller': -1.743158,
        'cluster_size_larger': 0.305514,
    },
    intercept=-3.523058,
    threshold=0.4,
    featurizer_version=1,
)

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
    threshold=0.6,
    featurizer_version=1,
    merger=CLUSTER_MERGER,
)
