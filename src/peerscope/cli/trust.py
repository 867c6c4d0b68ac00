"""``peerscope trust``: compute trust snapshots (``trust derive``, also ``derive trust``) and
the calibration report (``trust report``)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from peerscope.cli.common import LateProgress, data_options, emit, handle_errors, json_option, open_store, settings_from
from peerscope.cli.derive import derive as derive_group
from peerscope.derive.trust.calibration import planted_report
from peerscope.derive.trust.run import calibration_report, derive_trust
from peerscope.store import resolution as store_resolution
from peerscope.store import trust as store_trust
from peerscope.store.db import Store
from peerscope.synth.truth import authorship_persons, planted_cases


@click.group("trust")
def trust() -> None:
    """Trust snapshots: an explainable trust score and verification level per researcher record."""


def _derived(d: dict) -> str:
    return (f"{d['authors']} authors under model {d['model_version']}: {d['recomputed']} new snapshots, "
            f"{d['unchanged']} unchanged, {d['removed']} no longer in the graph")


@click.command("derive")
@data_options
@json_option
@handle_errors
def trust_derive(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Score every researcher record whose inputs (or the model) changed since its last snapshot
    and append the new snapshot, with what changed, to its history. A re-run changes nothing."""
    store = open_store(settings_from(data_dir, database_url))
    with LateProgress("trust") as bar:
        report = derive_trust(store, progress=bar.advance, total=bar.start)
    emit(asdict(report), as_json, _derived)


def planted_authors(store: Store, corpus: Path) -> list[tuple[str, frozenset[int]]]:
    """Each planted case of a generated corpus with the records now holding its people's bylines
    on its works."""
    persons = authorship_persons(corpus)
    ours: dict[str, list[int]] = {}
    for work_id, source_ids in store_resolution.source_ids_of_works(store, "openalex").items():
        for sid in source_ids:
            ours.setdefault(sid, []).append(work_id)
    bylines = store_resolution.byline_authors(store)
    out = []
    for case in planted_cases(corpus):
        authors = set()
        for sid in case.works:
            for position, person in enumerate(persons.get(sid, ())):
                if person in case.persons:
                    authors.update(bylines[(w, position)] for w in ours.get(sid, ()) if bylines.get((w, position)) is not None)
        out.append((case.kind, frozenset(authors)))
    return out


def _planted(d: dict) -> list[str]:
    p, c = d["planted"], d["corpus"]
    lines = [f"planted cases: {p['cases']}, {p['authors']} records; in the lowest bands ({', '.join(d['lowest_bands'])}): "
             f"{p['share_in_lowest_bands']} (whole corpus: {c['share_in_lowest_bands']}); mean score {p['mean_score']} (corpus {c['mean_score']})"]
    for kind, k in d["by_kind"].items():
        lines.append(f"  {kind}: {k['cases']} cases, {k['authors']} records, {k['share_in_lowest_bands']} in the lowest bands, mean {k['mean_score']}")
    return lines


def _report(d: dict) -> str:
    lines = [f"{d['authors']} authors, model {d['model_version']}; score mean {d['score']['mean']}, median {d['score']['median']}"]
    lines.append("bands: " + ", ".join(f"{k} {v}" for k, v in d["bands"].items()))
    lines.append("levels: " + ", ".join(f"{k} {v}" for k, v in d["levels"].items()))
    for name, c in d["components"].items():
        lines.append(f"{name}: mean {c['mean']} of {c['max_points']} ({c['min']}…{c['max']})")
    if "planted" in d:
        lines += _planted(d["planted"])
    return "\n".join(lines)


@click.command("report")
@data_options
@click.option("--truth", "truth", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="A generated corpus folder (`peerscope bench generate --out`): also report where the records behind its planted integrity cases land.")
@json_option
@handle_errors
def trust_report(data_dir: Path | None, database_url: str | None, truth: Path | None, as_json: bool) -> None:
    """The distribution of trust scores, bands and verification levels over the graph and each
    component's contribution (of the latest snapshots); with --truth, the planted cases beside
    the whole corpus."""
    store = open_store(settings_from(data_dir, database_url))
    report = calibration_report(store)
    if truth is not None:
        report["planted"] = planted_report(planted_authors(store, truth), store_trust.current_scores(store))
    emit(report, as_json, _report)


trust.add_command(trust_derive)
trust.add_command(trust_report)
if isinstance(derive_group, click.Group):  # `peerscope derive trust` runs the same step
    derive_group.add_command(trust_derive, "trust")
