"""``peerscope eval works``: precision and recall of work matching without shared identifiers.

Two labelled sets:

- ``--corpus DIR``: a corpus written by ``peerscope bench generate``; its ground truth pairs each
  preprint with its published version (``truth/preprint_pairs.jsonl``, by OpenAlex id);
- ``--recorded DIR``: the recorded real responses (``shared/data``). Records that share an
  identifier (an arXiv id, a DOI) are labelled one work; then the identifiers that made the
  label are hidden and the matcher must find the pairs from titles, years and authors.

Each run measures a baseline beside the matcher: exact normalised title and the same year.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from peerscope.cli.common import emit, handle_errors, json_option, progress
from peerscope.errors import InputError, SourceError
from peerscope.normalize import arxiv as arxiv_normalize
from peerscope.normalize import crossref as crossref_normalize
from peerscope.normalize import semanticscholar as s2_normalize
from peerscope.normalize.ids import normalize_doi, normalize_openalex
from peerscope.normalize.openalex import work_from_openalex
from peerscope.normalize.records import ExternalId, WorkRecord
from peerscope.resolve.works import MatchRecord, main_title, match_record, match_works, normalize_title, surname_key
from peerscope.sources import arxiv, crossref, semanticscholar
from peerscope.sources.base import recording_files
from peerscope.sources.files import iter_payloads

Pair = tuple[str, str]
TRUTH_FILE = Path("truth") / "preprint_pairs.jsonl"


def pair(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def pairs_within(groups: Iterable[Sequence[str]]) -> set[Pair]:
    out: set[Pair] = set()
    for members in groups:
        for x, a in enumerate(members):
            for b in members[x + 1 :]:
                out.add(pair(a, b))
    return out


def scores(predicted: set[Pair], truth: set[Pair]) -> dict[str, float]:
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def baseline_pairs(records: Sequence[MatchRecord]) -> set[Pair]:
    """Records with the same normalised title and the same year are one work."""
    buckets: dict[tuple[str, int | None], list[str]] = {}
    for r in records:
        if r.title:
            buckets.setdefault((r.title, r.year), []).append(r.id)
    return pairs_within(buckets.values())


def measure(records: Sequence[MatchRecord], truth: set[Pair]) -> dict[str, Any]:
    """Match, then score the matched pairs and the baseline's against the truth."""
    t0 = time.perf_counter()
    result = match_works(records)
    seconds = time.perf_counter() - t0
    predicted = pairs_within([[records[i].id for i in g] for g in result.groups if len(g) > 1])
    t0 = time.perf_counter()
    base = baseline_pairs(records)
    base_seconds = time.perf_counter() - t0
    return {
        "pairs": scores(predicted, truth),
        "true_pairs": len(truth),
        "predicted_pairs": len(predicted),
        "compared_pairs": result.compared_pairs,
        "works": len(records),
        "works_per_s": round(len(records) / seconds) if seconds else None,
        "match_seconds": round(seconds, 3),
        "refused_unions": len(result.refused),
        "decisions": dict(sorted(result.rules.items())),
        "baseline": {"rule": "same normalised title and year", "pairs": scores(base, truth), "predicted_pairs": len(base),
                     "seconds": round(base_seconds, 3)},
        "_predicted": predicted,
    }


# -- the generated corpus --------------------------------------------------------------------


def read_truth(corpus: Path) -> set[Pair]:
    path = corpus / TRUTH_FILE
    if not path.is_file():
        raise InputError(f"{path}: no ground truth file (a corpus from `peerscope bench generate` has one)")
    out: set[Pair] = set()
    for p in iter_payloads(path):
        data = p.data
        a = normalize_openalex(data.get("preprint"), "W") if isinstance(data, dict) else None
        b = normalize_openalex(data.get("published"), "W") if isinstance(data, dict) else None
        if not a or not b:
            raise InputError(f"{path.parent / p.where}: expected {{\"preprint\": W id, \"published\": W id}}")
        out.add(pair(a, b))
    return out


def read_corpus(corpus: Path) -> tuple[list[MatchRecord], set[Pair], int]:
    """The corpus's works as match records, the true pairs, and how many shared ids were hidden.

    The generator gives the two versions no identifier in common; should a corpus share one,
    it is hidden from both records so that the fuzzy matcher, not the identifier, is measured."""
    if not corpus.is_dir():
        raise InputError(f"{corpus}: no such corpus folder")
    works_dir = corpus / "works"
    if not works_dir.is_dir():
        raise InputError(f"{works_dir}: no works folder (a corpus from `peerscope bench generate` has one)")
    truth = read_truth(corpus)
    works: list[WorkRecord] = []
    with progress("read works", None) as advance:
        for p in iter_payloads(works_dir):
            works.append(work_from_openalex(p.data, p.retrieved_at, p.where))
            advance(1)
    by_id = {w.id_of("openalex"): w for w in works}
    shared: dict[str, set[tuple[str, str]]] = {}
    for a, b in truth:
        if a not in by_id or b not in by_id:
            raise InputError(f"{corpus / TRUTH_FILE}: pair {a}, {b} names a work the corpus does not hold")
        common = {(i.scheme, i.value) for i in by_id[a].ids} & {(i.scheme, i.value) for i in by_id[b].ids}
        for wid in (a, b):
            shared.setdefault(wid, set()).update(common)
    records = []
    hidden = 0
    for w in works:
        wid = w.id_of("openalex") or w.provenance.source_id
        rec = match_record(w, wid)
        drop = shared.get(wid)
        if drop:
            before = len(rec.ids)
            rec = without_ids(rec, drop)
            hidden += before - len(rec.ids)
        records.append(rec)
    return records, truth, hidden


# -- the recorded real responses -------------------------------------------------------------


def _recorded_works(data: Path) -> list[WorkRecord]:
    """Works in the recorded arXiv, Crossref, Semantic Scholar and OpenAlex responses, through
    the same readers and normalisers as ingestion. Answers that are a source's refusal hold none."""
    out: list[WorkRecord] = []
    readers = [(data / "arxiv" / "atom", arxiv, arxiv_normalize), (data / "arxiv" / "oaipmh", arxiv, arxiv_normalize),
               (data / "crossref", crossref, crossref_normalize), (data / "semanticscholar", semanticscholar, s2_normalize)]
    for folder, source, normalizer in readers:
        if not folder.is_dir():
            raise InputError(f"{folder}: missing from the recorded data")
        for file in recording_files(folder, getattr(source, "SUFFIXES", None) or (".json", ".json.gz", ".xml", ".xml.gz")):
            try:
                payloads = [p for page in source.read(file) for p in page.payloads]
            except SourceError:
                continue
            for p in payloads:
                item = normalizer.normalize(p.data, p.retrieved_at, p.where)
                if isinstance(item, WorkRecord) and item.title:
                    out.append(item)
    for file in sorted((data / "openalex").glob("W*.json")):
        for p in iter_payloads(file):
            out.append(work_from_openalex(p.data, p.retrieved_at, p.where))
    return out


def _first_versions(path: Path) -> list[tuple[MatchRecord, str]]:
    """The first version of every arXiv paper with more than one, from the arXiv database
    metadata, as (record, its current title) — the current version is among the harvested records."""
    if not path.is_file():
        raise InputError(f"{path}: missing from the recorded data")
    versions: dict[str, list[dict]] = {}
    for p in iter_payloads(path):
        row = p.data
        if isinstance(row, dict) and row.get("paper_id"):
            versions.setdefault(str(row["paper_id"]), []).append(row)
    out = []
    for paper, rows in sorted(versions.items()):
        if len(rows) < 2:
            continue
        rows.sort(key=lambda r: r.get("version") or 0)
        first, current = rows[0], next((r for r in rows if r.get("is_current")), rows[-1])
        keys = [surname_key(a.display_name) for a in arxiv_normalize.split_authors(first.get("authors") or "")]
        created = str(first.get("created") or "")[:10]
        year = date.fromisoformat(created).year if len(created) == 10 else None
        dois = [d for d in (normalize_doi(x) for x in str(first.get("doi") or "").split()) if d]
        record = MatchRecord(
            id=f"arxiv-db:{paper}v{first.get('version')}", title=normalize_title(first.get("title")), year=year,
            first_author=keys[0][0] if keys else "", first_initials=keys[0][1] if keys else "",
            authors=frozenset(k for k, _ in keys if k),
            ids=(ExternalId("arxiv", paper), *(ExternalId("doi", d) for d in dois)), is_preprint=True,
            short_title=main_title(first.get("title")),
        )
        out.append((record, normalize_title(current.get("title"))))
    return out


def _clusters_by_ids(records: Sequence[MatchRecord]) -> list[list[int]]:
    """Records linked, directly or through others, by a shared identifier."""
    parent = list(range(len(records)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    seen: dict[tuple[str, str], int] = {}
    for i, r in enumerate(records):
        for ext in r.ids:
            a, b = find(i), find(seen.setdefault((ext.scheme, ext.value), i))
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(records)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def without_ids(record: MatchRecord, drop: set[tuple[str, str]]) -> MatchRecord:
    kept = tuple(i for i in record.ids if (i.scheme, i.value) not in drop)
    return replace(record, ids=kept)


def read_recorded(data: Path) -> tuple[list[MatchRecord], set[Pair], dict[str, set[Pair]], int]:
    """Match records, the true pairs (records linked by shared identifiers), named subsets of
    them, and how many identifiers were hidden: every identifier two records of one labelled
    work share is withheld from the matcher; identifiers only one record carries stay."""
    if not data.is_dir():
        raise InputError(f"{data}: no such folder of recorded data")
    works = _recorded_works(data)
    labelled = [match_record(w, f"{w.provenance.source}:{n}:{w.provenance.source_id}") for n, w in enumerate(works)]
    firsts = _first_versions(data / "arxiv" / "oaipmh_browse_db_metadata.jsonl")
    labelled += [r for r, _ in firsts]
    clusters = _clusters_by_ids(labelled)
    truth = pairs_within([[labelled[i].id for i in c] for c in clusters])
    source = {r.id: r.id.split(":", 1)[0] for r in labelled}
    first_ids = {r.id for r, _ in firsts}
    changed = {r.id for r, current in firsts if r.title != current}
    subsets = {
        "doi_linked_arxiv_to_publisher": {p for p in truth if {source[p[0]], source[p[1]]} - {"arxiv", "arxiv-db"} and
                                          {source[p[0]], source[p[1]]} & {"arxiv", "arxiv-db"}},
        "first_to_current_version": {p for p in truth if (p[0] in first_ids) != (p[1] in first_ids)},
        "first_to_current_version_title_changed": {p for p in truth if (p[0] in changed) != (p[1] in changed) and
                                                   not (p[0] in first_ids and p[1] in first_ids)},
    }
    records = list(labelled)
    hidden = 0
    for members in clusters:
        counts = Counter((i.scheme, i.value) for m in members for i in set(labelled[m].ids))
        linking = {key for key, n in counts.items() if n > 1}
        for m in members:
            records[m] = without_ids(labelled[m], linking)
            hidden += len(labelled[m].ids) - len(records[m].ids)
    return records, truth, subsets, hidden


# -- the command -------------------------------------------------------------------------------


def _human(d: dict[str, Any]) -> str:
    p, b = d["pairs"], d["baseline"]["pairs"]
    return (f"{d['works']} records, {d['true_pairs']} true pairs: precision {p['precision']:.4f}, recall {p['recall']:.4f}, "
            f"F1 {p['f1']:.4f} ({d['predicted_pairs']} predicted, {d['compared_pairs']} compared, {d['works_per_s']} records/s); "
            f"baseline precision {b['precision']:.4f}, recall {b['recall']:.4f}, F1 {b['f1']:.4f}")


@click.command("works")
@click.option("--corpus", type=click.Path(path_type=Path), default=None, help="A corpus from `peerscope bench generate`.")
@click.option("--recorded", type=click.Path(path_type=Path), default=None,
              help="The folder of recorded real responses (shared/data): pairs labelled by their identifiers, which are then hidden.")
@json_option
@handle_errors
def works(corpus: Path | None, recorded: Path | None, as_json: bool) -> None:
    """Precision, recall and F1 of matching works without shared identifiers, beside a baseline
    (the same normalised title and year)."""
    if (corpus is None) == (recorded is None):
        raise InputError("eval works: give exactly one of --corpus DIR or --recorded DIR")
    t0 = time.perf_counter()
    if corpus is not None:
        records, truth, hidden = read_corpus(corpus)
        extra: dict[str, Any] = {"mode": "corpus", "ids_hidden": hidden}
        subsets: dict[str, set[Pair]] = {}
    else:
        records, truth, subsets, hidden = read_recorded(recorded)  # type: ignore[arg-type]
        extra = {"mode": "recorded", "ids_hidden": hidden}
    read_seconds = time.perf_counter() - t0
    data = measure(records, truth)
    predicted = data.pop("_predicted")
    data.update(extra, read_seconds=round(read_seconds, 3))
    if subsets:
        data["subsets"] = {name: {"true_pairs": len(s), "found": len(s & predicted),
                                  "recall": round(len(s & predicted) / len(s), 4) if s else None} for name, s in subsets.items()}
    emit(data, as_json, _human)
