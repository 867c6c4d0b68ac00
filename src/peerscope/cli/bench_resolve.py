"""``peerscope bench resolve``: author and work resolution on a generated corpus, measured
against the generator's truth, beside the baselines of the same run."""

from __future__ import annotations

import tempfile
import time
from dataclasses import replace
from pathlib import Path

import click
import orjson

from peerscope.cli.bench import bench, generated_store
from peerscope.cli.common import emit, handle_errors, json_option
from peerscope.engines import ENGINES, block_runner
from peerscope.resolution import DEFAULT_GROUP_SCORER, DEFAULT_SCORER, byline_inputs, resolve_authors, resolve_works
from peerscope.resolve.author_plan import plan_resolution
from peerscope.resolve.authors.metrics import b_cubed, pairwise
from peerscope.resolve.authors.scorer import HAND_WEIGHTED
from peerscope.store import resolution as store_resolution
from peerscope.store.db import Store
from peerscope.synth.truth import authorship_persons


def _metrics(gold: dict, predicted: dict) -> dict:
    return {"b3": b_cubed(gold, predicted).as_dict(), "pairwise": pairwise(gold, predicted).as_dict()}


def _gold_persons(corpus: Path, store: Store) -> dict[tuple[int, int], str]:
    persons = authorship_persons(corpus)
    gold = {}
    for work_id, ids in store_resolution.source_ids_of_works(store, "openalex").items():
        (oa,) = ids
        for position, person in enumerate(persons.get(oa, ())):
            gold[(work_id, position)] = person
    return gold


@bench.command("resolve")
@click.option("--works", type=click.IntRange(100, 5_000_000), default=20_000, show_default=True, help="Works to generate.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--engine", "engines", type=click.Choice(ENGINES), multiple=True, default=("process", "duckdb"), show_default=True, help="Engines to time (repeat the option); their clusters are checked identical.")
@json_option
@handle_errors
def resolve_bench(works: int, seed: int, engines: tuple[str, ...], as_json: bool) -> None:
    """generate -> ingest -> resolve authors and works, scored against the generator's truth
    beside the source's own author ids, one author per byline, and one author per name block."""
    with tempfile.TemporaryDirectory(prefix="peerscope-bench-") as tmp:
        root = Path(tmp)
        store = generated_store(root, works, seed)
        gold = _gold_persons(root / "corpus", store)
        before = {k: v for k, v in store_resolution.byline_authors(store).items() if k in gold}
        inputs = byline_inputs(store_resolution.byline_contexts(store))
        blocks = {i.byline: i.mention.block for i in inputs}
        timings, reference = {}, None
        for engine in engines:
            t0 = time.perf_counter()
            plan = plan_resolution(inputs, store_resolution.constraints(store), DEFAULT_SCORER, block_runner(engine), DEFAULT_GROUP_SCORER)
            seconds = time.perf_counter() - t0
            timings[engine] = {"seconds": round(seconds, 2), "bylines_per_s": round(len(inputs) / seconds)}
            decided = (plan.assignment, plan.links)
            if reference is None:
                reference = decided
            elif decided != reference:
                raise click.ClickException(f"engine {engine} gave other clusters than {engines[0]}")
        # the same bylines as a source without author ids would give them: every byline alone
        t0 = time.perf_counter()
        anonymous = [replace(i, author_id=-(n + 1), held=False) for n, i in enumerate(inputs)]
        scratch = plan_resolution(anonymous, [], DEFAULT_SCORER, block_runner("process"), DEFAULT_GROUP_SCORER)
        scratch_s = time.perf_counter() - t0
        from_scratch = {k: scratch.assignment[k] for k in gold}
        # joining a source's profiles on evidence too (resolve authors --join-profiles-at 0.99)
        joining = plan_resolution(inputs, [], DEFAULT_SCORER, block_runner("process"), HAND_WEIGHTED.with_threshold(0.99))
        joined_profiles = {k: joining.assignment[k] for k in gold}
        report = resolve_authors(store)
        after = {k: v for k, v in store_resolution.byline_authors(store).items() if k in gold}
        truth_pairs = [orjson.loads(line) for line in (root / "corpus" / "truth" / "preprint_pairs.jsonl").read_bytes().splitlines()]
        works_report = resolve_works(store)
        merged = store_resolution.source_ids_of_works(store, "openalex")
        survivor_of = {oa: w for w, ids in merged.items() for oa in ids}
        true = {frozenset(u.rsplit("/", 1)[-1] for u in (t["preprint"], t["published"])) for t in truth_pairs}
        found = [frozenset(ids) for ids in merged.values() if len(ids) > 1]
        correct = sum(1 for ids in found if ids in true)
        recalled = sum(1 for pair in true if len({survivor_of.get(oa) for oa in pair}) == 1)
        store.dispose()
    data = {
        "works": works,
        "seed": seed,
        "bylines": len(gold),
        "authors": {
            "resolved": _metrics(gold, after),
            "resolved_joining_profiles_at_0_99": {**_metrics(gold, joined_profiles), "profiles_joined": len(joining.merges)},
            "baseline_source_ids": _metrics(gold, before),
            "baseline_every_byline_alone": _metrics(gold, {k: k for k in gold}),
            "baseline_one_per_name_block": _metrics(gold, {k: blocks.get(k, "") for k in gold}),
            "run": report.as_dict(),
            "engines": timings,
            "without_source_ids": {
                "resolved": _metrics(gold, from_scratch),
                "bylines_per_s": round(len(inputs) / scratch_s),
            },
        },
        "works_matching": {
            "true_pairs": len(true),
            "folded_works": len(found),
            "precision": round(correct / len(found), 4) if found else 1.0,
            "recall": round(recalled / len(true), 4) if true else 1.0,
            "baseline_identifiers_only_recall": 0.0,
            "run": works_report.as_dict(),
        },
    }
    emit(data, as_json, lambda d: orjson.dumps(d, option=orjson.OPT_INDENT_2).decode())
