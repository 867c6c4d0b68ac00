"""``peerscope derive``: rebuild derived artefacts (profile counts, the title index, topics,
similar works, graph-level integrity flags, trust snapshots)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from peerscope.cli.common import LateProgress, data_options, emit, handle_errors, index_embeddings, json_option, open_store, settings_from
from peerscope.derive.profile_counts import CollaborationRule
from peerscope.derive.similar.run import derive_similar
from peerscope.derive.topics.run import derive_topics
from peerscope.pipeline import derive_graph, derive_pending


@click.group(invoke_without_command=True)
@data_options
@json_option
@click.pass_context
@handle_errors
def derive(ctx: click.Context, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Link references to works now in the graph, recompute profile counts (skipping authors
    whose inputs are unchanged), rebuild the title index, run the graph-level integrity checks
    and score the trust snapshots whose inputs changed; derive topics for works that came without
    any, every work's similar works and the research graph. A subcommand runs one derive step
    alone."""
    if ctx.invoked_subcommand is not None:
        return
    settings = settings_from(data_dir, database_url)
    store = open_store(settings)
    rule = CollaborationRule(settings.close_collaborator_min_joint_works, settings.close_collaborator_max_authors)
    with LateProgress("similar works") as similar_bar, LateProgress("trust") as bar:
        report = derive_graph(store, rule, trust_progress=bar.advance, trust_total=bar.start, similar_progress=similar_bar.advance,
                              similar_total=similar_bar.start, embeddings=index_embeddings(settings, store))
    out = {**asdict(report.derived.profiles), "citations_linked": report.citations_linked, "titles_indexed": report.derived.titles_indexed,
           "topics": asdict(report.topics), "similar": asdict(report.similar), "graph": asdict(report.graph), "integrity": asdict(report.integrity),
           "trust": asdict(report.trust)}
    emit(out, as_json, _human)


def _human(d: dict) -> str:
    plain = ", ".join(f"{k}={v}" for k, v in d.items() if not isinstance(v, dict))
    flags = ", ".join(f"{k}={n}" for k, n in d["integrity"]["flags"].items()) or "none"
    t = d["trust"]
    tp = d["topics"]
    return (f"{plain}\ntopics: {tp['by_arxiv_category']} works from arXiv categories, {tp['clustered']} clustered into {tp['clusters']} topics\n"
            f"{_human_similar(d['similar'])}\nintegrity: {d['integrity']['rewritten']} rewritten, flags standing: {flags}\n"
            f"trust: {t['recomputed']} new snapshots, {t['unchanged']} unchanged (model {t['model_version']})")


@derive.command("topics")
@data_options
@json_option
@handle_errors
def topics_cmd(data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Seed arXiv's taxonomy into the topic hierarchy and give every work its sources left
    without topics scored ones: from its arXiv categories, else from clusters of such works'
    titles and abstracts, each labelled by its most distinctive terms. The topic profiles of the
    authors of works whose derived topics changed are recomputed."""
    settings = settings_from(data_dir, database_url)
    store = open_store(settings)
    report = asdict(derive_topics(store))
    rule = CollaborationRule(settings.close_collaborator_min_joint_works, settings.close_collaborator_max_authors)
    report["authors_recomputed"] = derive_pending(store, rule).authors_recomputed  # topic profiles of the queued authors
    emit(report, as_json, lambda d: ", ".join(f"{k}={v}" for k, v in d.items()))


def _human_similar(d: dict) -> str:
    how = "unchanged inputs, kept" if d["skipped"] else f"built in {d['seconds']:.2f} s, {d['rewritten']:,} lists rewritten, {d['removed']:,} removed"
    return f"similar works {d['code_version']} ({how}): {d['listed']:,} of {d['works']:,} works have a list, {d['entries']:,} entries"


@derive.command("similar")
@click.option("--force", is_flag=True, help="Recompute even when nothing the lists read has changed.")
@data_options
@json_option
@handle_errors
def similar_cmd(force: bool, data_dir: Path | None, database_url: str | None, as_json: bool) -> None:
    """Rank every work's similar works (up to 10) by co-citation, bibliographic coupling, shared
    topics, closeness of title and abstract, and closeness in meaning (the search index's
    vectors, when an index is built), each with the evidence behind it. Skipped when
    the texts, citations, topics and the code are unchanged since the last build; only the works
    whose list changed are rewritten."""
    settings = settings_from(data_dir, database_url)
    store = open_store(settings)
    with LateProgress("similar works") as bar:
        report = derive_similar(store, force=force, embeddings=index_embeddings(settings, store), progress=bar.advance, total=bar.start)
    emit(asdict(report), as_json, _human_similar)
