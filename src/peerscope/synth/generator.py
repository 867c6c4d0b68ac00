"""Writing a synthetic corpus to disk: OpenAlex-shaped works plus the ground truth behind them.

Layout of ``out_dir``::

    works/part-00000.jsonl.gz       one OpenAlex work record per line, ``shard_size`` per file
    truth/authorships.jsonl.gz      {"work", "persons"}: the true person behind each authorship
    truth/preprint_pairs.jsonl      {"preprint", "published"}
    truth/integrity.jsonl           {"kind", "works", "persons", "note"}: planted integrity cases
    truth/author_id_errors.jsonl    {"kind": "split"|"merge", "author_ids", "persons"}
    truth/markup.jsonl              {"work", "kind"}: titles/abstracts carrying markup to show as text
    manifest.json                   version, parameters, counts, files with line counts

The same (works, seed, end_date, shard_size) always gives byte-identical files.
"""

from __future__ import annotations

import gc
import gzip
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import orjson

from .plan import plan_corpus
from .render import Renderer

GENERATOR_VERSION = "1.0.0"
GZIP_LEVEL = 2
BLOCK = 1000


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


class _Counted:
    """A deterministic gzip writer that counts lines."""

    def __init__(self, path: Path):
        self.path = path
        self.raw = open(path, "wb")
        self.gz = gzip.GzipFile(filename="", mode="wb", compresslevel=GZIP_LEVEL, fileobj=self.raw, mtime=0)
        self.lines = 0

    def write(self, data: bytes, lines: int) -> None:
        self.gz.write(data)
        self.lines += lines

    def close(self) -> None:
        self.gz.close()
        self.raw.close()


def _validate(out_dir: Path, works: int, seed: int, end_date: date, shard_size: int) -> None:
    if isinstance(works, bool) or not isinstance(works, int):
        raise ValueError(f"works must be an integer, got {works!r}")
    if works < 1:
        raise ValueError(f"works must be at least 1, got {works}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(shard_size, bool) or not isinstance(shard_size, int) or shard_size < 1:
        raise ValueError(f"shard_size must be a positive integer, got {shard_size!r}")
    if not isinstance(end_date, date) or end_date.year < 1920 or end_date.year > 9000:
        raise ValueError(f"end_date must be a date between 1920 and 9000, got {end_date!r}")
    if out_dir.exists():
        if not out_dir.is_dir():
            raise ValueError(f"output path {out_dir} exists and is not a directory")
        if any(out_dir.iterdir()):
            raise ValueError(f"output directory {out_dir} is not empty; choose a new or empty directory")


def _jsonl(path: Path, rows: list[dict]) -> int:
    with open(path, "wb") as fh:
        for row in rows:
            fh.write(orjson.dumps(row))
            fh.write(b"\n")
    return len(rows)


def generate_corpus(
    out_dir: Path,
    works: int,
    seed: int = 0,
    end_date: date = date(2026, 6, 30),
    progress: Callable[[int], None] | None = None,
    shard_size: int = 100_000,
) -> GenerateSummary:
    """Generate ``works`` synthetic works with ground truth into ``out_dir`` (new or empty).

    ``progress(n)`` is called with the number of works written since its previous call.
    Files are written to a temporary folder beside ``out_dir`` and moved into place at the end,
    so a failure never leaves a half-written corpus.
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    if isinstance(end_date, datetime):
        end_date = end_date.date()
    _validate(out_dir, works, seed, end_date, shard_size)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".partial", dir=out_dir.parent))
    try:
        manifest_files, summary_counts = _write_all(tmp, works, seed, end_date, progress, shard_size)
        if out_dir.exists():
            if any(out_dir.iterdir()):
                raise ValueError(f"output directory {out_dir} is not empty; choose a new or empty directory")
            out_dir.rmdir()
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    files = [out_dir / f for f in manifest_files] + [out_dir / "manifest.json"]
    return GenerateSummary(out_dir=out_dir, works=works, files=files, seconds=time.perf_counter() - t0,
                           **summary_counts)


def _write_all(tmp: Path, n: int, seed: int, end_date: date, progress, shard_size: int):
    plan, world = plan_corpus(n, seed, end_date)
    renderer = Renderer(plan, world, seed)
    (tmp / "works").mkdir()
    (tmp / "truth").mkdir()
    file_rows: list[dict] = []

    truth = _Counted(tmp / "truth" / "authorships.jsonl.gz")
    dumps = orjson.dumps
    pid = [f"P{p:06d}" for p in range(len(plan.names))]
    n_shards = (n + shard_size - 1) // shard_size
    shards: list[tuple[str, _Counted]] = []
    # Compression runs on a writer thread (zlib releases the GIL) while this thread renders;
    # a single worker keeps the writes in submission order.
    pending: deque[Future] = deque()

    def submit(fn, *args) -> None:
        pending.append(pool.submit(fn, *args))
        while len(pending) > 8:
            pending.popleft().result()

    gc_was_enabled = gc.isenabled()
    gc.disable()  # records hold no reference cycles; skipping the collector saves a lot of time
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            out = None
            shard_end = 0
            # works are rendered in fixed blocks (each with its own random stream) so that the
            # records do not depend on shard_size; shard files are cut from the blocks
            for start in range(0, n, BLOCK):
                stop = min(n, start + BLOCK)
                lines = []
                tlines = []
                for record, persons in renderer.render_block(start, stop):
                    lines.append(dumps(record))
                    tlines.append(dumps({"work": record["id"], "persons": [pid[p] for p in persons]}))
                pos = start
                while pos < stop:
                    if pos == shard_end:
                        if out is not None:
                            submit(out.close)
                        rel = f"works/part-{len(shards):05d}.jsonl.gz"
                        out = _Counted(tmp / rel)
                        shards.append((rel, out))
                        shard_end = min(n, pos + shard_size)
                    cut = min(stop, shard_end)
                    part = lines[pos - start:cut - start]
                    part.append(b"")
                    submit(out.write, b"\n".join(part), cut - pos)
                    pos = cut
                tlines.append(b"")
                submit(truth.write, b"\n".join(tlines), stop - start)
                if progress is not None:
                    progress(stop - start)
            submit(out.close)
            submit(truth.close)
            while pending:
                pending.popleft().result()
    finally:
        if gc_was_enabled:
            gc.enable()
    assert len(shards) == n_shards
    for rel, out in shards:
        file_rows.append({"path": rel, "lines": out.lines})
    file_rows.append({"path": "truth/authorships.jsonl.gz", "lines": truth.lines})

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
    manifest = {
        "generator": "peerscope.synth",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "works": n,
        "shard_size": shard_size,
        "start_date": plan.start.isoformat(),
        "end_date": end_date.isoformat(),
        "counts": {
            "works": n, **counts,
            "author_id_errors": len(plan.id_errors),
            "markup_works": len(markup),
            "references": int(plan.ref_ptr[-1]) + sum(
                len(v) - int(plan.ref_ptr[k + 1] - plan.ref_ptr[k]) for k, v in plan.ref_override.items()),
            "institutions": len(world.institutions),
            "sources": len(world.venues),
            "topics": len(world.topics),
        },
        "files": file_rows,
    }
    (tmp / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2) + b"\n")
    return [row["path"] for row in file_rows], counts
