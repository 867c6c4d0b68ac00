"""``peerscope bench``: the synthetic corpus generator and benchmarks, each beside a baseline."""

from __future__ import annotations

import resource
import tempfile
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

import click
import orjson

from peerscope.cli.common import emit, handle_errors, json_option, progress
from peerscope.errors import InputError
from peerscope.normalize.openalex import work_from_openalex
from peerscope.pipeline import ingest_openalex
from peerscope.sources.files import iter_payloads
from peerscope.store.db import Store


def generated_store(root: Path, works: int, seed: int, database_url: str | None = None) -> Store:
    """A generated corpus under ``root/corpus``, ingested into a fresh SQLite store there (or
    into ``database_url``, reused as it is when it holds that many works already)."""
    return generated_store_ingested(root, works, seed, database_url)[0]


def generated_store_ingested(root: Path, works: int, seed: int, database_url: str | None = None, *, show_progress: bool = False) -> tuple[Store, float | None]:
    """The same, with a progress bar if asked; also returns the ingest's seconds (they go beside
    a benchmark's figures), or None when the store given already held ``works`` works and was
    used as it is: a corpus of a million works is ingested once and measured by every bench."""
    from peerscope.store import queries
    from peerscope.synth.generator import generate_corpus

    store = Store(database_url or f"sqlite:///{root / 'bench.db'}")
    store.upgrade()
    if database_url and queries.counts(store)["works"] >= works:
        return store, None
    if not show_progress:
        generate_corpus(root / "corpus", works=works, seed=seed, end_date=date(2026, 6, 30))
        return store, ingest_openalex(store, [root / "corpus" / "works"]).seconds
    with progress("generate", works) as advance:
        generate_corpus(root / "corpus", works=works, seed=seed, end_date=date(2026, 6, 30), progress=advance)
    with progress("ingest", works) as advance:
        return store, ingest_openalex(store, [root / "corpus" / "works"], progress=advance).seconds


def ingest_words(seconds: float | None) -> str:
    """How a bench's human summary names the ingest it ran, or that it reused a store."""
    return "store reused, not ingested" if seconds is None else f"ingest {seconds:.1f} s"


@click.group()
def bench() -> None:
    """Generate synthetic corpora and measure the pipeline."""


@bench.command("generate")
@click.option("--works", type=click.IntRange(1, 50_000_000), required=True, help="Number of works to generate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed; the same seed gives the same bytes.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Output folder (must not exist or be empty).")
@click.option("--end-date", type=click.DateTime(formats=["%Y-%m-%d"]), default="2026-06-30", show_default=True, help="Last publication date.")
@json_option
@handle_errors
def generate(works: int, seed: int, out: Path, end_date, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Write an OpenAlex-format synthetic corpus (gzip JSONL) with its ground truth."""
    from peerscope.synth.generator import generate_corpus

    try:
        with progress("generate", works) as advance:
            summary = generate_corpus(out, works=works, seed=seed, end_date=end_date.date(), progress=advance)
    except ValueError as exc:
        raise InputError(f"bench generate: {exc}") from None
    data = {**asdict(summary), "out_dir": str(summary.out_dir), "files": [str(f) for f in summary.files], "works_per_second": summary.works / summary.seconds if summary.seconds else None}
    emit(data, as_json, lambda d: f"{d['works']} works, {d['persons']} persons, {d['authorships']} authorships in {d['seconds']:.1f} s -> {d['out_dir']}")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@bench.command("ingest")
@click.option("--works", type=click.IntRange(1, 50_000_000), default=100_000, show_default=True, help="Works to generate and ingest.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--database-url", default=None, help="Store to ingest into [default: a fresh SQLite file in a temp folder].")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=2000, show_default=True)
@json_option
@handle_errors
def ingest(works: int, seed: int, database_url: str | None, batch_size: int, as_json: bool) -> None:
    """generate -> ingest into SQLite, beside the parse-only rates of the same files (the ceiling)."""
    from peerscope.synth.generator import generate_corpus

    with tempfile.TemporaryDirectory(prefix="peerscope-bench-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        generate_corpus(root / "corpus", works=works, seed=seed, end_date=date(2026, 6, 30))
        gen_s = time.perf_counter() - t0
        works_dir = root / "corpus" / "works"

        t0 = time.perf_counter()
        n_json = sum(1 for p in iter_payloads(works_dir) if p.data)
        json_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        n_norm = sum(1 for p in iter_payloads(works_dir) if work_from_openalex(p.data, p.retrieved_at, p.where))
        norm_s = time.perf_counter() - t0

        store = Store(database_url or f"sqlite:///{root / 'bench.db'}")
        store.upgrade()
        with progress("ingest", works) as advance:
            report = ingest_openalex(store, [works_dir], batch_size=batch_size, progress=advance)
        t0 = time.perf_counter()
        again = ingest_openalex(store, [works_dir], batch_size=batch_size)
        reingest_s = time.perf_counter() - t0
        store.dispose()
    data = {
        "works": works,
        "database": "sqlite" if not database_url else database_url.split(":", 1)[0],
        "generate": {"seconds": round(gen_s, 2), "works_per_s": round(works / gen_s)},
        "parse_only_json": {"seconds": round(json_s, 2), "works_per_s": round(n_json / json_s)},
        "parse_and_normalize": {"seconds": round(norm_s, 2), "works_per_s": round(n_norm / norm_s)},
        "ingest_end_to_end": {"seconds": round(report.seconds, 2), "works_per_s": round(report.works_per_second), "inserted": report.inserted},
        "reingest_unchanged": {"seconds": round(reingest_s, 2), "works_per_s": round(works / reingest_s), "inserted": again.inserted, "unchanged": again.unchanged},
        "ingest_vs_parse_ceiling": round(report.works_per_second / (n_json / json_s), 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }
    emit(data, as_json, lambda d: orjson.dumps(d, option=orjson.OPT_INDENT_2).decode())
