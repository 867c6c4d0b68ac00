"""``peerscope eval``: measure resolution quality on labelled files.

``eval disambiguation`` clusters the author mentions of a labelled file block by block and
scores the clustering against the gold authors. The scorer is cross-validated across blocks:
each block is clustered by a scorer (weights, penalty and threshold) chosen on the other blocks
only, so the figures are out-of-fold. Only the clustering is timed (features, scores, linkage,
the cluster-level pass and explanations), not reading the file or fitting.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Hashable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click
import orjson

from peerscope.cli.common import emit, handle_errors, json_option, progress
from peerscope.errors import InputError
from peerscope.resolve.authors.cluster import cluster_block
from peerscope.resolve.authors.features import COMMON_VARIANTS, FEATURIZER_VERSION, GivenNameVariants
from peerscope.resolve.authors.labelled import LabelledMention, pubmed_mention, qian_mention
from peerscope.resolve.authors.metrics import b_cubed, pairwise
from peerscope.resolve.authors.training import LabelledBlock, cross_validate


@click.group("eval")
def eval_group() -> None:
    """Measure resolution quality on labelled files."""


def _read_pubmed(path: Path) -> list[LabelledMention]:
    out = []
    with _open(path) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise InputError(f"{path}, line {number}: malformed JSON ({exc})") from None
            try:
                out.append(pubmed_mention(record, f"line{number}"))
            except InputError as exc:
                raise InputError(f"{path}, line {number}: {exc.message}") from None
    if not out:
        raise InputError(f"{path}: no mentions in the file")
    return out


def _open(path: Path) -> Any:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None


def _load_json(path: Path) -> Any:
    with _open(path) as handle:
        try:
            return orjson.loads(handle.read())
        except orjson.JSONDecodeError as exc:
            raise InputError(f"{path}, line {exc.lineno}: malformed JSON ({exc.msg})") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None


def _read_qian(signatures_path: Path, clusters_path: Path | None) -> list[LabelledMention]:
    if clusters_path is None:
        raise InputError("--format qian needs --clusters FILE (the gold clusters of the signatures)")
    signatures, clusters = _load_json(signatures_path), _load_json(clusters_path)
    if not isinstance(signatures, dict) or not isinstance(clusters, dict):
        raise InputError(f"{signatures_path if not isinstance(signatures, dict) else clusters_path}: must be a JSON object of id -> record")
    author_of: dict[str, str] = {}
    for cluster_id, cluster in clusters.items():
        members = cluster.get("signature_ids") if isinstance(cluster, dict) else None
        if not isinstance(members, list):
            raise InputError(f"{clusters_path}: cluster '{cluster_id}' has no list 'signature_ids'")
        for member in members:
            if str(member) not in signatures:
                raise InputError(f"{clusters_path}: cluster '{cluster_id}' names signature '{member}', not in {signatures_path}")
            author_of[str(member)] = str(cluster_id)
    out = []
    for signature_id, signature in signatures.items():
        if signature_id not in author_of:
            raise InputError(f"{signatures_path}: signature '{signature_id}' is in no cluster of {clusters_path}")
        try:
            out.append(qian_mention(signature_id, signature, author_of[signature_id]))
        except InputError as exc:
            raise InputError(f"{signatures_path}, signature '{signature_id}': {exc.message}") from None
    return out


def _read_variants(path: Path | None) -> GivenNameVariants:
    """Given-name variant pairs, one ``name,variant`` a line."""
    if path is None:
        return COMMON_VARIANTS
    pairs = []
    with _open(path) as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            parts = [p.strip().lower() for p in line.split(",")]
            if len(parts) != 2 or not all(parts):
                raise InputError(f"{path}, line {number}: expected 'name,variant'")
            pairs.append((parts[0], parts[1]))
    return GivenNameVariants.from_pairs(pairs)


def _baseline(gold: dict[Hashable, Hashable], predicted: dict[Hashable, Hashable]) -> dict[str, dict[str, float]]:
    return {"b3": b_cubed(gold, predicted).as_dict(), "pairwise": pairwise(gold, predicted).as_dict()}


def _write_atomically(path: Path, lines: Iterator[bytes]) -> None:
    """Write to a temporary file beside ``path`` and rename it, so no half-written file is left."""
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{path}: folder {directory} does not exist")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            for line in lines:
                out.write(line + b"\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def evaluate(mentions: Sequence[LabelledMention], variants: GivenNameVariants, folds: int) -> dict[str, Any]:
    """Cross-validate, cluster every block with its out-of-fold scorer (timed) and score it."""
    grouped: dict[str, list[LabelledMention]] = defaultdict(list)
    for item in mentions:
        grouped[item.block].append(item)
    keys = list(grouped)
    blocks = [LabelledBlock.build(k, [i.mention for i in grouped[k]], [i.author for i in grouped[k]], variants) for k in keys]
    if len(blocks) < 3:  # each outer fold must leave two blocks for the inner fold
        raise InputError(f"cross-validation across blocks needs at least three blocks; the file has {len(blocks)}")
    with progress("fitting and choosing scorers, fold by fold", min(folds, len(blocks))) as advance:
        try:
            validation = cross_validate(blocks, folds=folds, on_fold=advance)
        except ValueError as exc:  # e.g. the blocks a fold learns from have no pair of mentions
            raise InputError(f"cannot cross-validate on this file: {exc}") from None
    clusters: dict[str, str] = {}
    started = time.perf_counter()
    for b, block in enumerate(blocks):
        for link in cluster_block(block.mentions, validation.scorer_for(b), variants=variants):
            clusters[link.mention_id] = link.cluster_id
    seconds = time.perf_counter() - started
    gold = {i.mention.mention_id: i.author for i in mentions}
    predicted = {i.mention.mention_id: clusters[i.mention.mention_id] for i in mentions}
    per_fold = []
    for f, scorer in enumerate(validation.scorers):
        held = [b for b in range(len(blocks)) if validation.fold_of_block[b] == f]
        ids = [m.mention_id for b in held for m in blocks[b].mentions]
        per_fold.append({
            "blocks": len(held), "mentions": len(ids), "threshold": scorer.threshold,
            "merge_threshold": scorer.merger.threshold if scorer.merger is not None else None,
            "b3_f1": b_cubed({i: gold[i] for i in ids}, {i: predicted[i] for i in ids}).f1,
        })
    return {
        "b3": b_cubed(gold, predicted).as_dict(),
        "pairwise": pairwise(gold, predicted).as_dict(),
        "mentions": len(mentions),
        "blocks": len(blocks),
        "authors": len(set(gold.values())),
        "clusters": len(set(predicted.values())),
        "clustering_seconds": round(seconds, 4),
        "mentions_per_s": round(len(mentions) / seconds, 1) if seconds > 0 else None,
        "baselines": {
            "one_cluster_per_block": _baseline(gold, {i.mention.mention_id: i.block for i in mentions}),
            "every_mention_alone": _baseline(gold, {i.mention.mention_id: i.mention.mention_id for i in mentions}),
        },
        "protocol": {"scores": "out-of-fold", "folds": len(validation.scorers), "grouped_by": "block", "inner_folds": 3, "featurizer_version": FEATURIZER_VERSION},
        "folds": per_fold,
        "_clusters": clusters,
    }


def _table(result: dict[str, Any]) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Author disambiguation: {result['mentions']} mentions in {result['blocks']} blocks ({result['protocol']['scores']})")
    for column in ("", "B³ precision", "B³ recall", "B³ F1", "pairwise precision", "pairwise recall", "pairwise F1"):
        table.add_column(column, justify="left" if not column else "right")
    rows = [("clustering", result), *((name.replace("_", " "), v) for name, v in result["baselines"].items())]
    for label, scores in rows:
        table.add_row(label, *(f"{scores[kind][m]:.4f}" for kind in ("b3", "pairwise") for m in ("precision", "recall", "f1")))
    console = Console(width=120, file=io.StringIO())
    console.print(table)
    console.print(f"{result['mentions_per_s']} mentions/s clustering ({result['clustering_seconds']} s); {result['clusters']} clusters for {result['authors']} authors")
    return console.file.getvalue().rstrip("\n")


@eval_group.command("disambiguation")
@click.option("--data", "data", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Labelled mentions: PubMed JSON Lines, or Qian signatures JSON.")
@click.option("--format", "data_format", type=click.Choice(["pubmed", "qian"]), default="pubmed", show_default=True, help="Format of --data.")
@click.option("--clusters", "clusters_path", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Qian format: the gold clusters file.")
@click.option("--name-variants", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Given-name variant pairs, one 'name,variant' a line.")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds across blocks.")
@click.option("--predictions", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write one JSON line per mention: block, id and predicted cluster.")
@json_option
@handle_errors
def disambiguation(data: Path, data_format: str, clusters_path: Path | None, name_variants: Path | None, folds: int, predictions: Path | None, as_json: bool) -> None:
    """B-cubed and pairwise precision/recall/F1 of author clustering on a labelled file, out-of-fold,
    beside two baselines (one cluster per block, every mention alone)."""
    variants = _read_variants(name_variants)
    mentions = _read_pubmed(data) if data_format == "pubmed" else _read_qian(data, clusters_path)
    result = evaluate(mentions, variants, folds)
    clusters = result.pop("_clusters")
    result = {"data": str(data), "format": data_format, **result}
    if predictions is not None:
        id_field = "pmid" if data_format == "pubmed" else "signature_id"
        _write_atomically(predictions, (orjson.dumps({"block": m.block, id_field: m.record_id, "cluster": clusters[m.mention.mention_id]}) for m in mentions))
        result["predictions"] = str(predictions)
    emit(result, as_json, _table)


from peerscope.cli.eval_works import works  # noqa: E402  (eval works lives in a module of its own)
eval_group.add_command(works)
