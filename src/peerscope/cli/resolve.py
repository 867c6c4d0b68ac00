"""``peerscope resolve``: author resolution runs, their explanations, undo and constraints."""

from __future__ import annotations

from pathlib import Path

import click

from peerscope.cli.common import data_options, emit, handle_errors, json_option, open_store, settings_from
from peerscope.derive.profile_counts import CollaborationRule
from peerscope.engines import ENGINES
from peerscope.errors import InputError
from peerscope.pipeline import derive_pending
from peerscope.resolve.authors.scorer import HAND_WEIGHTED
from peerscope.resolution import resolve_authors, resolve_works
from peerscope.serve.ids import lookup, parse_public_id
from peerscope.store import resolution as store_resolution


@click.group()
def resolve() -> None:
    """Resolve bylines into authors; explain, undo and constrain what resolution decided."""


def _rule(settings) -> CollaborationRule:  # type: ignore[no-untyped-def]
    return CollaborationRule(settings.close_collaborator_min_joint_works, settings.close_collaborator_max_authors)


@resolve.command("authors")
@data_options
@click.option("--engine", type=click.Choice(ENGINES), default="process", show_default=True, help="Where the clustering of the blocks runs.")
@click.option("--incremental", is_flag=True, help="Only attach bylines no author holds yet (new mentions); recluster nothing.")
@click.option(
    "--join-profiles-at", "join_at", type=click.FloatRange(0.5, 1.0), default=None,
    help="Also join two profiles a source built when the evidence reaches this probability [default: only by ORCID iD, claim or correction].",
)
@json_option
@handle_errors
def authors_cmd(data_dir: Path | None, database_url: str | None, engine: str, incremental: bool, join_at: float | None, as_json: bool) -> None:
    """Re-cluster every byline into authors. Ids people know are kept; merged authors redirect
    to the survivor; every byline records why it is on its profile; the run can be undone."""
    settings = settings_from(data_dir, database_url)
    store = open_store(settings)
    group = HAND_WEIGHTED.with_threshold(join_at) if join_at is not None else None
    report = resolve_authors(store, engine=engine, rule=_rule(settings), incremental=incremental, group_scorer=group)
    emit(
        report.as_dict(),
        as_json,
        lambda d: f"run {d['run_id']}: {d['bylines']} bylines in {d['blocks']} blocks -> {d['clusters']} authors; "
        f"{d['moved']} bylines moved, {d['created']} authors created, {d['merged']} merged, {d['split']} split ({d['bylines_per_second']}/s)",
    )


@resolve.command("works")
@data_options
@json_option
@handle_errors
def works_cmd(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Fold stored works that are one paper without sharing an identifier (a preprint and its
    journal version) into one work with every version; the others answer 301 to it."""
    settings = settings_from(data_dir, database_url)
    store = open_store(settings)
    report = resolve_works(store, rule=_rule(settings))
    emit(report.as_dict(), as_json, lambda d: f"{d['works']} works, {d['compared_pairs']} pairs compared: {d['folded']} works folded into another, {d['refused']} matches refused ({d['seconds']} s)")


@resolve.command("runs")
@data_options
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@json_option
@handle_errors
def runs_cmd(data_dir: Path | None, database_url: str | None, limit: int, as_json: bool) -> None:
    """The latest resolution runs and undos, newest first."""
    store = open_store(settings_from(data_dir, database_url))
    found = store_resolution.runs(store, limit)
    emit(found, as_json, lambda rows: "\n".join(f"{r['id']}\t{r['stage']}\t{r['finished_at']}\t{r['summary']}" for r in rows) or "no runs")


@resolve.command("undo")
@click.argument("run_id", type=int)
@data_options
@json_option
@handle_errors
def undo_cmd(run_id: int, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Undo resolution run RUN_ID: merged authors come back under their ids, moved bylines go back."""
    settings = settings_from(data_dir, database_url)
    store = open_store(settings)
    undone = store_resolution.undo_run(store, run_id)
    derive_pending(store, _rule(settings))
    emit({"run_id": undone.run_id, "undoes": run_id, "moved": undone.moved}, as_json, lambda d: f"run {d['run_id']} undid run {d['undoes']}: {d['moved']} bylines moved back")


def _byline(text: str) -> tuple[int, int]:
    """``PW12:3`` (or ``12:3``): the byline at position 3 of work PW12."""
    work, sep, position = text.rpartition(":")
    if not sep or not position.isdigit() or not work:
        raise InputError(f"'{text}' is not a byline: write WORK:POSITION, e.g. PW12:0")
    if work.isdigit():
        return int(work), int(position)
    own = parse_public_id(work)
    if own is None or own[0] != "work":
        raise InputError(f"'{text}' is not a byline: the work must be one of our work ids, like PW12")
    return own[1], int(position)


@resolve.command("constrain")
@click.argument("kind", type=click.Choice(["same", "different"]))
@click.argument("first")
@click.argument("second")
@click.option("--reason", required=True, help="Why (a claim, a moderator's finding); shown with the decision.")
@click.option("--by", "created_by", default=None, help="Who asserts it (an account or moderator).")
@data_options
@json_option
@handle_errors
def constrain_cmd(kind: str, first: str, second: str, reason: str, created_by: str | None, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Record that bylines FIRST and SECOND (WORK:POSITION, like PW12:0) are the SAME person or DIFFERENT
    people. Resolution honours it on every later run."""
    store = open_store(settings_from(data_dir, database_url))
    a, b = _byline(first), _byline(second)
    cid = store_resolution.add_constraint(store, "must" if kind == "same" else "cannot", a, b, reason, created_by)
    emit({"constraint_id": cid, "kind": kind, "first": list(a), "second": list(b)}, as_json, lambda d: f"constraint {d['constraint_id']} recorded: run `peerscope resolve authors` to apply it")


@resolve.command("why")
@click.argument("author")
@click.argument("work")
@data_options
@json_option
@handle_errors
def why_cmd(author: str, work: str, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Why WORK is on AUTHOR's profile: the rule, score and evidence that linked each byline."""
    store = open_store(settings_from(data_dir, database_url))
    author_id, work_id = lookup(store, "author", author).number, lookup(store, "work", work).number
    found = store_resolution.why(store, author_id, work_id)
    if not found:
        raise InputError(f"work {work} is not on the profile of author {author}")
    emit(found, as_json, lambda rows: "\n".join(f"byline {r['position']} ({r['name']}): {r['rule']} score={r['score']} " + "; ".join(e["detail"] for e in r["evidence"][:4]) for r in rows))
