"""Writing a synthetic corpus to disk: OpenAlex-shaped works plus the ground truth behind them.

Layout of ``out_dir``::

    works/part-00000.jsonl.gz       one OpenAlex work record per line, ``shard_size`` per file
    truth/authorships.jsonl.gz      {"work", "persons"}: the true person behind each authorship
    truth/preprint_pairs.jsonl      {"preprint", "published"}
    truth/integrity.jsonl           {"kind", "works", "persons", "note"}: planted integrity cases
    truth/author_id_errors.jsonl    {"kind": "split"|"merge", "author_ids", "persons"}
    truth/markup.jsonl              {"work", "kind"}: titles/abstracts carrying markup to show as text
    manifest.json                   version, parameters, counts, files with line counts

Works are in publication-date order.  The ``.gz`` files are gzip streams of several members
(one per segment of works, mtime 0, no file name), which every gzip reader concatenates.

The same (works, seed, end_date, shard_size) always gives byte-identical files (with the same
numpy version), whatever the number of worker processes; the records themselves do not depend
on ``shard_size`` either.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import tempfile
import time
import warnings
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import orjson

from .plan import Plan, plan_corpus
from .render import Renderer

GENERATOR_VERSION = "1.0.0"
GZIP_LEVEL = 2
BLOCK = 1000  # works per random stream
SEGMENT = 5 * BLOCK  # works per unit of parallel work (and per gzip member)


@dataclass(frozen=True)
class GenerateSummary:
    out_dir: Path
    works: int
    persons: int
    author_ids: int
    authorships: int
    preprint_pairs: int
    integrity_cases: int
    files: list[Path]
    seconds: float


def _validate(out_dir: Path, works: int, seed: int, end_date: date, shard_size: int, workers) -> None:
    if isinstance(works, bool) or not isinstance(works, int):
        raise ValueError(f"works must be an integer, got {works!r}")
    if works < 1:
        raise ValueError(f"works must be at least 1, got {works}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(shard_size, bool) or not isinstance(shard_size, int) or shard_size < 1:
        raise ValueError(f"shard_size must be a positive integer, got {shard_size!r}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be a positive integer or None, got {workers!r}")
    if not isinstance(end_date, date) or end_date.year < 1920 or end_date.year > 9000:
        raise ValueError(f"end_date must be a date between 1920 and 9000, got {end_date!r}")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ValueError(f"output path {out_dir} exists and is not a directory")
        if any(out_dir.iterdir()):
            raise ValueError(f"output directory {out_dir} is not empty; choose a new or empty directory")


def default_workers() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def generate_corpus(
    out_dir: Path,
    works: int,
    seed: int = 0,
    end_date: date = date(2026, 6, 30),
    progress: Callable[[int], None] | None = None,
    shard_size: int = 100_000,
    *,
    workers: int | None = None,
) -> GenerateSummary:
    """Generate ``works`` synthetic works with ground truth into ``out_dir`` (new or empty).

    ``progress(n)`` is called with the number of works written since its previous call.
    Files are written to a temporary folder beside ``out_dir`` and moved into place at the end,
    so a failure never leaves a half-written corpus.  ``workers`` is the number of processes
    that render works (default: the CPUs available, at most 8); it does not change the output.
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    if isinstance(end_date, datetime):
        end_date = end_date.date()
    _validate(out_dir, works, seed, end_date, shard_size, workers)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    try:
        rel_files, counts = _write_all(tmp, works, seed, end_date, progress, shard_size,
                                       workers or default_workers())
        if out_dir.exists():
            if any(out_dir.iterdir()):
                raise ValueError(f"output directory {out_dir} is not empty; choose a new or empty directory")
            out_dir.rmdir()
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    files = [out_dir / f for f in rel_files] + [out_dir / "manifest.json"]
    return GenerateSummary(out_dir=out_dir, works=works, files=files, seconds=time.perf_counter() - t0, **counts)


# Renderers of the corpora being written, by key.  Worker processes are forked after an entry
# is set and read it from here, so the plan is shared with them instead of being pickled.
_ACTIVE: dict[int, tuple[Renderer, int]] = {}


def _render_segment_raw(task: tuple[int, int, int]) -> tuple[list[tuple[int, bytes, int]], bytes]:
    """Render works start..stop-1: uncompressed JSON lines per shard piece, and the truth lines."""
    key, start, stop = task
    renderer, shard_size = _ACTIVE[key]
    dumps = orjson.dumps
    lines: list[bytes] = []
    tlines: list[bytes] = []
    for block in range(start, stop, BLOCK):
        for record, persons in renderer.render_block(block, min(stop, block + BLOCK)):
            lines.append(dumps(record))
            tlines.append(b'{"work":"%s","persons":[%s]}' % (
                record["id"].encode(), b",".join([b'"P%06d"' % p for p in persons])))
    pieces = []
    pos = start
    while pos < stop:
        shard = pos // shard_size
        cut = min(stop, (shard + 1) * shard_size)
        part = lines[pos - start:cut - start]
        part.append(b"")
        pieces.append((shard, b"\n".join(part), cut - pos))
        pos = cut
    tlines.append(b"")
    return pieces, b"\n".join(tlines)


def _compress(raw: tuple[list[tuple[int, bytes, int]], bytes]) -> tuple[list[tuple[int, bytes, int]], bytes]:
    """Each piece as a gzip member of its own (mtime 0, no file name)."""
    pieces, truth = raw
    return ([(shard, zlib.compress(data, GZIP_LEVEL, wbits=31), lines) for shard, data, lines in pieces],
            zlib.compress(truth, GZIP_LEVEL, wbits=31))


def _render_segment(task: tuple[int, int, int]) -> tuple[list[tuple[int, bytes, int]], bytes]:
    return _compress(_render_segment_raw(task))


def _in_process(tasks: list[tuple[int, int, int]]):
    """Render here, compressing on a helper thread meanwhile (zlib releases the GIL)."""
    with ThreadPoolExecutor(max_workers=1) as helper:
        pending: deque[Future] = deque()
        for task in tasks:
            pending.append(helper.submit(_compress, _render_segment_raw(task)))
            while len(pending) > 1:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _segments(n: int) -> list[tuple[int, int]]:
    return [(a, min(n, a + SEGMENT)) for a in range(0, n, SEGMENT)]


def _write_all(tmp: Path, n: int, seed: int, end_date: date, progress, shard_size: int, workers: int):
    # Planning and rendering create no reference cycles worth collecting; pausing the cyclic
    # collector saves a lot of time on millions of small objects.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(tmp, n, seed, end_date, progress, shard_size, workers)
    finally:
        if gc_was_enabled:
            gc.enable()


def _generate(tmp: Path, n: int, seed: int, end_date: date, progress, shard_size: int, workers: int):
    plan, world = plan_corpus(n, seed, end_date)
    renderer = Renderer(plan, world, seed)
    (tmp / "works").mkdir()
    (tmp / "truth").mkdir()
    segments = _segments(n)
    n_shards = (n + shard_size - 1) // shard_size
    shard_lines = [0] * n_shards
    shard_files = [open(tmp / f"works/part-{k:05d}.jsonl.gz", "wb") for k in range(n_shards)]
    truth = open(tmp / "truth/authorships.jsonl.gz", "wb")
    key = id(renderer)
    _ACTIVE[key] = (renderer, shard_size)
    tasks = [(key, a, b) for a, b in segments]
    pool = None
    results = None
    try:
        if workers > 1 and len(segments) > 1 and "fork" in multiprocessing.get_all_start_methods():
            with warnings.catch_warnings():
                # forking while other threads run (a progress bar, say) is safe here: the
                # workers only render and compress, and never take locks held by those threads
                warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*fork.*")
                pool = multiprocessing.get_context("fork").Pool(min(workers, len(segments)))
            results = pool.imap(_render_segment, tasks)
        else:
            results = _in_process(tasks)
        for (start, stop), (pieces, truth_member) in zip(segments, results):
            for shard, data, lines in pieces:
                shard_files[shard].write(data)
                shard_lines[shard] += lines
            truth.write(truth_member)
            if progress is not None:
                progress(stop - start)
        if pool is not None:
            pool.close()
            pool.join()
    finally:
        if pool is not None:
            pool.terminate()
        elif results is not None:
            results.close()  # stops the helper thread of the in-process renderer
        del _ACTIVE[key]
        for fh in shard_files:
            fh.close()
        truth.close()
    file_rows = [{"path": f"works/part-{k:05d}.jsonl.gz", "lines": shard_lines[k]} for k in range(n_shards)]
    file_rows.append({"path": "truth/authorships.jsonl.gz", "lines": n})
    return _write_truth(tmp, plan, world, seed, end_date, shard_size, file_rows)


def _jsonl(path: Path, rows: list[dict]) -> int:
    with open(path, "wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row))
            fh.write(b"\n")
    return len(rows)


def _write_truth(tmp: Path, plan: Plan, world, seed: int, end_date: date, shard_size: int, file_rows: list[dict]):
    wid = [f"https://openalex.org/W{x}" for x in plan.wnum.tolist()]
    pre = (plan.role == 1).nonzero()[0].tolist()
    pairs = [{"preprint": wid[p], "published": wid[int(plan.partner[p])]} for p in pre]
    pairs.sort(key=lambda row: row["published"])
    file_rows.append({"path": "truth/preprint_pairs.jsonl",
                      "lines": _jsonl(tmp / "truth" / "preprint_pairs.jsonl", pairs)})
    file_rows.append({"path": "truth/integrity.jsonl",
                      "lines": _jsonl(tmp / "truth" / "integrity.jsonl", plan.integrity)})
    file_rows.append({"path": "truth/author_id_errors.jsonl",
                      "lines": _jsonl(tmp / "truth" / "author_id_errors.jsonl", plan.id_errors)})
    markup = [{"work": wid[w], "kind": k} for w, k in sorted(plan.markup.items())]
    file_rows.append({"path": "truth/markup.jsonl", "lines": _jsonl(tmp / "truth" / "markup.jsonl", markup)})
    for row in file_rows:
        row["bytes"] = (tmp / row["path"]).stat().st_size
    file_rows.sort(key=lambda row: row["path"])

    counts = {
        "persons": plan.persons_used,
        "author_ids": plan.author_ids_used,
        "authorships": plan.authorships,
        "preprint_pairs": len(pairs),
        "integrity_cases": len(plan.integrity),
    }
    n_refs = int(plan.ref_ptr[-1]) + sum(
        len(v) - int(plan.ref_ptr[k + 1] - plan.ref_ptr[k]) for k, v in plan.ref_override.items())
    manifest = {
        "generator": "peerscope.synth",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "works": plan.n,
        "shard_size": shard_size,
        "start_date": plan.start.isoformat(),
        "end_date": end_date.isoformat(),
        "counts": {
            "works": plan.n, **counts,
            "author_id_errors": len(plan.id_errors),
            "markup_works": len(markup),
            "references": n_refs,
            "institutions": len(world.institutions),
            "sources": len(world.venues),
            "topics": len(world.topics),
        },
        "files": file_rows,
    }
    (tmp / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return [row["path"] for row in file_rows], counts
