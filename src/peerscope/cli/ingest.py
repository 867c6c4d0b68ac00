"""``peerscope ingest <source>``: read a source's records into the graph.

Every connector reads the network by default and recorded responses with ``--from-file PATH``
(a file, a gzip file or a folder of them). Each batch is one transaction with its checkpoint;
``--resume`` continues a killed or failed run of the same command from its last checkpoint.
Records that cannot be ingested are quarantined (table ``quarantine``) with the reason and the
payload; the run goes on and ends with exit code 3 to say so (``--strict`` stops at the first).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import click

from peerscope.cli.common import (
    data_options,
    emit,
    follow_search_index,
    handle_errors,
    json_option,
    no_index_option,
    open_store,
    progress,
    search_index_lines,
    settings_from,
)
from peerscope.config import Settings
from peerscope.derive.profile_counts import CollaborationRule
from peerscope.errors import InputError
from peerscope.pipeline import IngestReport, Stream, file_stream, ingest_stream, query_stream
from peerscope.sources import arxiv as arxiv_source
from peerscope.sources import crossref as crossref_source
from peerscope.sources import hf as hf_source
from peerscope.sources import openalex as openalex_source
from peerscope.sources import orcid as orcid_source
from peerscope.sources import semanticscholar as s2_source
from peerscope.sources.base import Page
from peerscope.sources.http import client_for

EXIT_QUARANTINED = InputError.exit_code


@click.group()
def ingest() -> None:
    """Ingest records from a source (the network, or recorded responses with --from-file)."""


def _human(d: dict) -> str:
    if d["resumed_from"] == "finished":
        return "nothing to do: this input was ingested completely before (run without --resume to read it again)"
    line = (
        f"{d['source']}: {d['read']} records read: {d['inserted']} new works, {d['updated']} updated, "
        f"{d['joined']} joined another record's work, {d['unchanged']} unchanged, {d['entities']} other entities, {d['merged']} works folded together, "
        f"{d['deferred']} waiting for their work, {d['quarantined']} quarantined, {d['not_found']} not found at the source; "
        f"{d['authors_recomputed']} profiles recomputed; {d['records_per_second']:.0f} records/s"
    )
    if d["resumed_from"]:
        line += f" (resumed from {d['resumed_from']})"
    lines = [line, *(f"  quarantined: {e}" for e in d["errors"])]
    lines += search_index_lines(d)
    if d["not_found_ids"]:
        lines.append("  not found: " + ", ".join(d["not_found_ids"]))
    return "\n".join(lines)


def ingest_options(func: Callable) -> Callable:
    """Options every connector shares."""
    options = [
        click.option("--from-file", "from_files", multiple=True, type=click.Path(path_type=Path), help="Read recorded responses (a file, gzip file or folder; repeatable) instead of the network."),
        click.option("--resume", is_flag=True, help="Continue the same command's last run from its checkpoint."),
        click.option("--strict", is_flag=True, help="Stop at the first bad record instead of quarantining it."),
        click.option("--batch-size", type=click.IntRange(1, 100_000), default=None, help="Records per transaction [default: setting ingest_batch_size]."),
        no_index_option,
        data_options,
        json_option,
        handle_errors,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run(ctx: dict[str, Any], stream: Stream) -> None:
    settings: Settings = ctx["settings"]
    store = open_store(settings, migrate=True)
    rule = CollaborationRule(settings.close_collaborator_min_joint_works, settings.close_collaborator_max_authors)
    with progress(f"ingest {stream.source}", None) as advance:
        report: IngestReport = ingest_stream(
            store, stream, resume=ctx["resume"], strict=ctx["strict"], batch_size=settings.ingest_batch_size, rule=rule, progress=advance
        )
    searched = None if ctx["no_index"] else follow_search_index(settings, store)
    emit({**report.as_dict(), "search_index": searched}, ctx["as_json"], _human)
    if report.quarantined:
        first = report.errors[0] if report.errors else ""
        click.echo(f"peerscope: {report.quarantined} input record(s) quarantined, the first: {first}", err=True)
        raise SystemExit(EXIT_QUARANTINED)


def _context(kwargs: dict[str, Any]) -> dict[str, Any]:
    settings = settings_from(kwargs.pop("data_dir"), kwargs.pop("database_url"), ingest_batch_size=kwargs.pop("batch_size"))
    return {
        "settings": settings,
        "resume": kwargs.pop("resume"),
        "strict": kwargs.pop("strict"),
        "no_index": kwargs.pop("no_index"),
        "as_json": kwargs.pop("as_json"),
        "from_files": list(kwargs.pop("from_files")),
    }


def _network(source: str, what: dict, settings: Settings, fetch: Callable[[Any, str | None], Iterable[Page]], client_source: str | None = None) -> Stream:
    def open_pages(cursor: str | None) -> Iterable[Page]:
        with client_for(settings, client_source or source) as client:
            yield from fetch(client, cursor)

    return query_stream(source, what, open_pages)


def _one_of(what: dict[str, Any], source: str) -> None:
    given = [k for k, v in what.items() if v not in (None, (), [], False)]
    if not given:
        raise InputError(f"ingest {source}: say what to read: --from-file PATH, or one of " + ", ".join("--" + k.replace("_", "-") for k in what))


def _files_only_with_nothing_else(ctx: dict, what: dict, source: str) -> bool:
    if ctx["from_files"]:
        extra = [k for k, v in what.items() if v not in (None, (), [], False)]
        if extra:
            raise InputError(f"ingest {source}: --from-file reads recorded responses; it cannot be combined with --{extra[0].replace('_', '-')}")
        return True
    _one_of(what, source)
    return False


# --- OpenAlex ------------------------------------------------------------------------------------


@ingest.command("openalex")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--snapshot", type=click.Path(path_type=Path), help="An OpenAlex snapshot folder (holding data/<entity>/manifest).")
@click.option("--entity", "entities", multiple=True, type=click.Choice(["works", "authors", "sources", "institutions", "topics"]), help="Entity to read from the API or snapshot (repeatable for snapshots) [default: works; all for snapshots].")
@click.option("--filter", "filter_", help="OpenAlex filter, e.g. 'type:article,publication_year:2024'.")
@click.option("--search", help="OpenAlex full-text search.")
@click.option("--author", help="Works of one author: an ORCID iD, an OpenAlex author id, or a name.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only records updated on or after this day (API and snapshot).")
@ingest_options
def openalex(paths: tuple[Path, ...], snapshot: Path | None, entities: tuple[str, ...], filter_: str | None, search: str | None, author: str | None, since: Any, **kwargs: Any) -> None:
    """Ingest OpenAlex records: from the API (--filter/--search/--author/--since, cursor
    paging), a bulk snapshot (--snapshot DIR: manifests say which partitions are complete;
    merged_ids files become redirects), or files (PATHS or --from-file: .jsonl/.jsonl.gz, JSON
    documents, API list responses, folders of them).

    Works, authors, venues, institutions and topics enter the graph; other kinds are kept as
    raw payloads.
    """
    ctx = _context(kwargs)
    settings: Settings = ctx["settings"]
    day: date | None = since.date() if since else None
    files = list(paths) + ctx["from_files"]
    if files:
        if snapshot or filter_ or search or author:
            raise InputError("ingest openalex: files cannot be combined with --snapshot or an API query")
        _run(ctx, file_stream("openalex", files))
        return
    if snapshot:
        if filter_ or search or author:
            raise InputError("ingest openalex: --snapshot cannot be combined with an API query")
        root = snapshot
        if not (root / "data").is_dir():
            raise InputError(f"{root}: not an OpenAlex snapshot (no data/ folder)")
        chosen = entities or openalex_source.SNAPSHOT_ENTITIES
        what = {"snapshot": str(root.resolve()), "entities": list(chosen), "since": day}
        stream = query_stream("openalex", what, lambda cursor: openalex_source.read_snapshot(root, entities=chosen, since=day, cursor=cursor))
        _run(ctx, stream)
        return
    if not (filter_ or search or author or day):
        raise InputError("ingest openalex: say what to read: PATHS, --from-file, --snapshot DIR, or an API query (--filter, --search, --author, --since)")
    entity = entities[0] if entities else "works"
    what = {"entity": entity, "filter": filter_, "search": search, "author": author, "since": day}
    key = settings.openalex_api_key.get_secret_value() if settings.openalex_api_key else None

    def fetch(client: Any, cursor: str | None) -> Iterable[Page]:
        return openalex_source.fetch(client, entity=entity, filter=filter_, search=search, author=author, since=day, cursor=cursor, mailto=settings.contact_email, api_key=key)

    _run(ctx, _network("openalex", what, settings, fetch))


# --- arXiv ---------------------------------------------------------------------------------------


@ingest.command("arxiv")
@click.option("--query", help="arXiv search query (its search_query syntax, e.g. 'cat:cs.LG AND ti:transformer').")
@click.option("--id-list", "id_list", help="Comma-separated arXiv ids.")
@click.option("--max-results", type=click.IntRange(1, 300_000), default=1000, show_default=True, help="Most entries to read from a --query.")
@click.option("--oai", is_flag=True, help="Harvest with OAI-PMH (ListRecords) instead of the query API.")
@click.option("--set", "set_", help="OAI-PMH set, e.g. cs, math, physics:hep-th.")
@click.option("--from", "from_", type=click.DateTime(["%Y-%m-%d"]), help="OAI-PMH: records changed on or after this day.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="OAI-PMH: records changed on or before this day.")
@click.option("--format", "metadata_prefix", type=click.Choice(["arXiv", "arXivRaw", "oai_dc"]), default="arXiv", show_default=True, help="OAI-PMH metadata format.")
@ingest_options
def arxiv(query: str | None, id_list: str | None, max_results: int, oai: bool, set_: str | None, from_: Any, until: Any, metadata_prefix: str, **kwargs: Any) -> None:
    """Ingest arXiv preprints: the Atom query API (--query, --id-list), OAI-PMH harvesting
    (--oai with --set/--from/--until/--format; resumption tokens are the checkpoints), or
    recorded Atom and OAI-PMH responses (--from-file)."""
    ctx = _context(kwargs)
    settings: Settings = ctx["settings"]
    first = from_.date() if from_ else None
    last = until.date() if until else None
    what = {"query": query, "id_list": id_list, "oai": oai, "set": set_, "from": first, "until": last}
    if _files_only_with_nothing_else(ctx, what, "arxiv"):
        _run(ctx, file_stream("arxiv", ctx["from_files"], arxiv_source.read))
        return
    if oai:
        if query or id_list:
            raise InputError("ingest arxiv: --oai harvests by --set and dates; --query and --id-list use the query API")
        what["format"] = metadata_prefix

        def harvest(client: Any, cursor: str | None) -> Iterable[Page]:
            return arxiv_source.fetch_oai(client, set=set_, from_=first, until=last, metadata_prefix=metadata_prefix, cursor=cursor)

        _run(ctx, _network("arxiv", what, settings, harvest, client_source="arxiv_oai"))
        return
    if set_ or first or last:
        raise InputError("ingest arxiv: --set, --from and --until are OAI-PMH options: add --oai")
    ids = [i.strip() for i in id_list.split(",") if i.strip()] if id_list else None
    what["max_results"] = max_results

    def search(client: Any, cursor: str | None) -> Iterable[Page]:
        start = int(cursor) if cursor else 0
        return arxiv_source.fetch_atom(client, query=query, id_list=ids, start=start, max_results=max(max_results - start, 0))

    _run(ctx, _network("arxiv", what, settings, search))


# --- Crossref ------------------------------------------------------------------------------------


@ingest.command("crossref")
@click.option("--doi", "dois", multiple=True, help="A DOI to read (repeatable).")
@click.option("--filter", "filter_", help="Crossref filter, e.g. 'from-pub-date:2024-01-01,type:journal-article'.")
@click.option("--query", help="Crossref bibliographic query.")
@click.option("--member", help="Works of one Crossref member (publisher) id.")
@click.option("--rows", type=click.IntRange(1, 1000), default=500, show_default=True, help="Works per request.")
@ingest_options
def crossref(dois: tuple[str, ...], filter_: str | None, query: str | None, member: str | None, rows: int, **kwargs: Any) -> None:
    """Ingest publisher metadata from Crossref: works by DOI (--doi), or a listing by
    --filter/--query/--member with cursor paging; or recorded responses (--from-file)."""
    ctx = _context(kwargs)
    settings: Settings = ctx["settings"]
    what = {"doi": list(dois), "filter": filter_, "query": query, "member": member}
    if _files_only_with_nothing_else(ctx, what, "crossref"):
        _run(ctx, file_stream("crossref", ctx["from_files"], crossref_source.read))
        return
    if dois and (filter_ or query or member):
        raise InputError("ingest crossref: --doi reads single works; it cannot be combined with a listing query")
    if dois:
        _run(ctx, _network("crossref", what, settings, lambda client, cursor: crossref_source.fetch_dois(client, list(dois), cursor=cursor)))
        return
    path = f"members/{member}/works" if member else "works"

    def listing(client: Any, cursor: str | None) -> Iterable[Page]:
        return crossref_source.fetch_works(client, filter=filter_, query=query, rows=rows, cursor=cursor, mailto=settings.contact_email, path=path)

    _run(ctx, _network("crossref", what, settings, listing))


# --- Semantic Scholar ----------------------------------------------------------------------------


@ingest.command("s2")
@click.option("--paper", "papers", multiple=True, help="A paper id (S2 id, DOI:…, ARXIV:…, PMID:…, CorpusId:…); repeatable; read in batches.")
@click.option("--references-of", help="The references of one paper.")
@click.option("--author", help="A Semantic Scholar author id: the author and their papers.")
@click.option("--search", help="Bulk search query (token paging).")
@ingest_options
def s2(papers: tuple[str, ...], references_of: str | None, author: str | None, search: str | None, **kwargs: Any) -> None:
    """Ingest from the Semantic Scholar Graph API: papers in batches (ids it does not have are
    reported), a paper's references, an author with their papers, or a bulk search; or
    recorded responses (--from-file)."""
    ctx = _context(kwargs)
    settings: Settings = ctx["settings"]
    what = {"paper": list(papers), "references_of": references_of, "author": author, "search": search}
    if _files_only_with_nothing_else(ctx, what, "s2"):
        _run(ctx, file_stream("s2", ctx["from_files"], s2_source.read))
        return
    if sum(bool(v) for v in what.values()) > 1:
        raise InputError("ingest s2: give one of --paper, --references-of, --author, --search per run")
    if papers:
        fetch = functools.partial(_s2_papers, list(papers))
    elif references_of:
        fetch = functools.partial(_s2_references, references_of)
    elif author:
        fetch = functools.partial(_s2_author, author)
    else:
        fetch = functools.partial(_s2_search, search)
    _run(ctx, _network("s2", what, settings, fetch))


def _s2_papers(ids: list[str], client: Any, cursor: str | None) -> Iterable[Page]:
    return s2_source.fetch_papers(client, ids, cursor=cursor)


def _s2_references(paper: str, client: Any, cursor: str | None) -> Iterable[Page]:
    return s2_source.fetch_paper_references(client, paper, cursor=cursor)


def _s2_author(author: str, client: Any, cursor: str | None) -> Iterable[Page]:
    if cursor is None:
        yield from s2_source.fetch_author(client, author)
    yield from s2_source.fetch_author_papers(client, author, cursor=cursor)


def _s2_search(query: str, client: Any, cursor: str | None) -> Iterable[Page]:
    return s2_source.fetch_search_bulk(client, query, cursor=cursor)


# --- ORCID ---------------------------------------------------------------------------------------


@ingest.command("orcid")
@click.option("--orcid", "orcids", multiple=True, help="An ORCID iD whose public record (with works) to read; repeatable.")
@ingest_options
def orcid(orcids: tuple[str, ...], **kwargs: Any) -> None:
    """Ingest public ORCID records: the person, their employments and the works they list
    (kept as claim evidence, not as bylines); or recorded responses (--from-file)."""
    ctx = _context(kwargs)
    settings: Settings = ctx["settings"]
    what = {"orcid": list(orcids)}
    if _files_only_with_nothing_else(ctx, what, "orcid"):
        _run(ctx, file_stream("orcid", ctx["from_files"], orcid_source.read))
        return

    def records(client: Any, cursor: str | None) -> Iterable[Page]:
        done = set(cursor.split(",")) if cursor else set()
        for i, iD in enumerate(orcids):
            if iD in done:
                continue
            for page in orcid_source.fetch_record(client, iD):
                yield Page(page.payloads, ",".join(orcids[: i + 1]), page.not_found)

    _run(ctx, _network("orcid", what, settings, records))


# --- Hugging Face daily papers -------------------------------------------------------------------


@ingest.command("hf-daily")
@click.option("--day", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day whose list to read.")
@click.option("--from", "from_", type=click.DateTime(["%Y-%m-%d"]), help="First day of a range.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day of a range [default: --from].")
@ingest_options
def hf_daily(day: Any, from_: Any, until: Any, **kwargs: Any) -> None:
    """Ingest Hugging Face daily papers lists: each paper with its upvotes, comments and
    submitter (community signals) and the authors who claimed their byline there (claim
    hints); or recorded responses (--from-file)."""
    ctx = _context(kwargs)
    settings: Settings = ctx["settings"]
    what = {"day": day.date() if day else None, "from": from_.date() if from_ else None, "until": until.date() if until else None}
    if _files_only_with_nothing_else(ctx, what, "hf"):
        _run(ctx, file_stream("hf", ctx["from_files"], hf_source.read))
        return
    if day and (from_ or until):
        raise InputError("ingest hf-daily: give --day, or a range with --from/--until")
    first = (day or from_ or until).date()
    last = until.date() if until else first
    if last < first:
        raise InputError(f"ingest hf-daily: --until {last} is before --from {first}")
    _run(ctx, _network("hf", what, settings, lambda client, cursor: hf_source.fetch_days(client, first, last, cursor=cursor)))
