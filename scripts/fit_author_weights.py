"""Fit the author-pair scorer on a labelled PubMed file and write it to the package.

    .venv/bin/python scripts/fit_author_weights.py /path/to/pubmed_and_dev.jsonl

The weights are fitted on every block of the file; the penalty and the linkage threshold are
chosen by k-fold cross-validation across its blocks (``fit_scorer``), never by scoring the file
with the weights fitted on it. Writes ``src/peerscope/resolve/authors/weights.py``.
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
    TARGET.write_text(
        f'''"""The pair scorer fitted on the labelled PubMed file ({sum(len(b.mentions) for b in blocks)} mentions, {len(blocks)} blocks).

Regenerate with ``.venv/bin/python scripts/fit_author_weights.py PUBMED_FILE``: weights fitted
on every block, penalty and threshold chosen by cross-validation across blocks.
"""

from __future__ import annotations

from peerscope.resolve.authors.scorer import PairScorer

PUBMED_SCORER = PairScorer.from_mapping(
    {{
{weights}
    }},
    intercept={scorer.intercept!r},
    threshold={scorer.threshold!r},
    featurizer_version={FEATURIZER_VERSION},
)
''',
        encoding="utf-8",
    )
    print(f"wrote {TARGET} (threshold {scorer.threshold})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
