"""Fit the author-pair scorer and the cluster-level model on a labelled PubMed file and write
them to the package.

    .venv/bin/python scripts/fit_author_weights.py /path/to/pubmed_and_dev.jsonl

The pair weights are fitted on every block of the file; the penalty, the linkage threshold and
the cluster-level merge threshold are chosen by k-fold cross-validation across its blocks
(``fit_scorer``), never by scoring the file with the weights fitted on it; the cluster model is
fitted on the clusters that the inner folds' scorers made. Writes
``src/peerscope/resolve/authors/weights.py``.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import orjson

from peerscope.resolve.authors.features import FEATURIZER_VERSION
from peerscope.resolve.authors.labelled import LabelledMention, pubmed_mention
from peerscope.resolve.authors.training import LabelledBlock, fit_scorer

TARGET = Path(__file__).resolve().parents[1] / "src" / "peerscope" / "resolve" / "authors" / "weights.py"


def main(path: Path) -> None:
    grouped: dict[str, list[LabelledMention]] = defaultdict(list)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            item = pubmed_mention(orjson.loads(line), f"line{number}")
            grouped[item.block].append(item)
    blocks = [LabelledBlock.build(k, [i.mention for i in v], [i.author for i in v]) for k, v in grouped.items()]
    scorer = fit_scorer(blocks)
    weights = "\n".join(f"        {name!r}: {value!r}," for name, value in scorer.as_mapping().items())
    merger = scorer.merger
    if merger is None:
        merger_text = "None"
    else:
        cluster_weights = "\n".join(f"        {name!r}: {value!r}," for name, value in merger.as_mapping().items())
        merger_text = f"""ClusterScorer.from_mapping(
    {{
{cluster_weights}
    }},
    intercept={merger.intercept!r},
    threshold={merger.threshold!r},
    featurizer_version={FEATURIZER_VERSION},
)"""
    TARGET.write_text(
        f'''"""The pair scorer fitted on the labelled PubMed file ({sum(len(b.mentions) for b in blocks)} mentions, {len(blocks)} blocks).

Regenerate with ``.venv/bin/python scripts/fit_author_weights.py PUBMED_FILE``: weights fitted
on every block, penalty and thresholds chosen by cross-validation across blocks. ``CLUSTER_MERGER``
is the cluster-level pass run after the linkage (``cluster_merge``).
"""

from __future__ import annotations

from peerscope.resolve.authors.cluster_merge import ClusterScorer
from peerscope.resolve.authors.scorer import PairScorer

CLUSTER_MERGER = {merger_text}

PUBMED_SCORER = PairScorer.from_mapping(
    {{
{weights}
    }},
    intercept={scorer.intercept!r},
    threshold={scorer.threshold!r},
    featurizer_version={FEATURIZER_VERSION},
    merger=CLUSTER_MERGER,
)
''',
        encoding="utf-8",
    )
    print(f"wrote {TARGET} (threshold {scorer.threshold}, merge threshold {merger.threshold if merger else None})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
