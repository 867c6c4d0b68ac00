"""API routes: the OpenAlex-compatible entity lists and entities, and our extensions beside them.

Lists (works, authors, institutions, sources, topics) share one handler driven by the field
registry (``serve.api.openalex.registry``). Unknown parameters are rejected with HTTP 400 so a
typo never silently returns unfiltered data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from peerscope.errors import InputError, NotFound
from peerscope.config import Settings
from peerscope.serve.api import lists
from peerscope.serve.api.openalex.registry import ENTITIES
from peerscope.serve.api.schemas import (
    AuthorOut,
    AutocompleteOut,
    DocumentOut,
    EntityListOut,
    ErrorOut,
    FlagList,
    InstitutionOut,
    Meta,
    SourceOut,
    TopicEntityOut,
    TrustOut,
    WhyOut,
    WorkList,
    WorkOut,
    author_out,
    document_out,
    flag_out,
    trust_out,
    work_out,
)
from peerscope.serve.deps import SettingsDep, StoreDep, TitleIndexDep
from peerscope.serve.ids import lookup, public_id
from peerscope.store import queries
from peerscope.store import documents as store_documents
from peerscope.store import resolution as store_resolution
from peerscope.store import trust as store_trust

router = APIRouter(tags=["entities"], responses={400: {"model": ErrorOut}, 404: {"model": ErrorOut}})

_check_params = lists.check_params


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _paging(request: Request, settings: Settings) -> Paging:
    per_page = lists.per_page_of(request, settings)
    return Paging(lists.page_of(request, per_page, settings), per_page)


def _meta(started: float, total: int, paging: Paging) -> Meta:
    return Meta(count=total, db_response_time_ms=int((time.perf_counter() - started) * 1000), page=paging.page, per_page=paging.per_page)


def _moved(request: Request, kind: str, number: int) -> RedirectResponse:
    base = "/api/works/" if kind == "work" else "/api/authors/"
    return RedirectResponse(base + public_id(kind, number) + (f"?{request.url.query}" if request.url.query else ""), status_code=301)


LIST_DOC = (
    "OpenAlex's list parameters: filter (`,` AND, `|` OR, `!` NOT, `<`/`>` and `a-b` ranges, "
    "from_/to_ dates, .search fields), search, sort (field[:desc]), per_page/per-page (1-200), page "
    "(page x per_page <= 10,000), cursor (`*` to start; follow meta.next_cursor), group_by/group-by, "
    "select (top-level fields), sample with seed. The fields each entity supports are listed in "
    "docs/api-openalex.md and served at /api/fields/{entity}."
)


def _list_route(name: str, summary: str) -> None:
    def handler(request: Request, store: StoreDep, settings: SettingsDep, titles: TitleIndexDep) -> Response:
        # serialised here with orjson: a page of 200 works is too big for the generic encoder
        return Response(orjson.dumps(lists.list_entities(name, request, store, settings, titles)), media_type="application/json")

    handler.__name__ = f"list_{name}"
    router.add_api_route(f"/{name}", handler, methods=["GET"], summary=summary, description=LIST_DOC, response_model=None,
                         responses={200: {"model": EntityListOut}})


for _name, _summary in (("works", "List works"), ("authors", "List authors"), ("institutions", "List institutions"), ("sources", "List sources (venues)"), ("topics", "List topics")):
    _list_route(_name, _summary)


@router.get("/autocomplete/{entity}", response_model=AutocompleteOut, summary="Complete a name typed so far (works, authors, institutions, sources, topics)")
def autocomplete(entity: str, request: Request, store: StoreDep, titles: TitleIndexDep) -> dict:
    return lists.autocomplete(entity, request, store, titles)


@router.get("/fields/{entity}", summary="The fields an entity list supports, with what each can do (filter, sort, group_by, search)")
def fields(entity: str, request: Request) -> dict:
    _check_params(request, {"mailto", "api_key"})
    if entity not in ENTITIES:
        raise NotFound(f"no entity list '{entity}'; lists: {', '.join(ENTITIES)}")
    return {"entity": entity, "fields": [
        {"name": f.name, "type": f.type, "actions": sorted(f.actions), "aliases": list(f.aliases), "extension": f.extension, "description": f.description}
        for f in ENTITIES[entity].fields
    ]}


def _get_entity(kind: str, ident: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    _check_params(request, {"mailto", "api_key", "select"})
    found = lookup(store, kind, ident)
    segment = {"institution": "institutions", "source": "sources", "topic": "topics"}[kind]
    if found.moved:
        return RedirectResponse(f"/api/{segment}/{public_id(kind, found.number)}", status_code=301)
    rows = lists.hydrate(ENTITIES[segment], store, [found.number])
    if not rows:
        raise NotFound(f"no {kind} with id {ident}")
    return rows[0]


@router.get("/institutions/{institution_id:path}", response_model=InstitutionOut, summary="One institution by our id, ROR or OpenAlex id")
def get_institution(institution_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    return _get_entity("institution", institution_id, request, store)


@router.get("/sources/{source_id:path}", response_model=SourceOut, summary="One source (venue) by our id or OpenAlex id")
def get_source(source_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    return _get_entity("source", source_id, request, store)


@router.get("/topics/{topic_id:path}", response_model=TopicEntityOut, summary="One topic by our id or OpenAlex id")
def get_topic(topic_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    return _get_entity("topic", topic_id, request, store)


def _flags(kind: str, ident: str, request: Request, store: StoreDep, path: str):  # type: ignore[no-untyped-def]
    _check_params(request, {"mailto", "api_key"})
    found = lookup(store, kind, ident)
    if found.moved:
        return RedirectResponse(f"/api/{path}/{public_id(kind, found.number)}/flags", status_code=301)
    return FlagList(entity=public_id(kind, found.number), results=[flag_out(f) for f in store_documents.flags_for(store, kind, found.number)])


@router.get("/works/{work_id}/flags", response_model=FlagList, summary="Integrity flags about a work, most severe first")
def work_flags(work_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    return _flags("work", work_id, request, store, "works")


@router.get("/documents/{document_id}", response_model=DocumentOut, summary="A stored document's parsed structure and flags")
def get_document(document_id: str, request: Request, store: StoreDep) -> DocumentOut:
    _check_params(request, {"mailto", "api_key"})
    text = document_id.strip().upper()
    if not (text.startswith("PD") and text[2:].isdigit()):
        raise InputError(f"'{document_id}' is not a document id (like PD1)")
    view = store_documents.get_document(store, int(text[2:]))
    if view is None:
        raise NotFound(f"no document with id {document_id}")
    return document_out(view, store_documents.document_flags(store, view.id))


@router.get("/works/{work_id:path}", response_model=WorkOut, summary="One work by our id or any known id (DOI, OpenAlex, PMID, arXiv …)")
def get_work(work_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    _check_params(request, {"mailto", "api_key"})
    found = lookup(store, "work", work_id)
    if found.moved:
        return _moved(request, "work", found.number)
    detail = queries.get_work(store, found.number)
    if detail is None:  # deleted between the lookup and now
        raise NotFound(f"no work with id {work_id}")
    return work_out(detail.summary, detail)


@router.get("/authors/{author_id}/works", response_model=WorkList, summary="An author's works, newest first")
def author_works(author_id: str, request: Request, store: StoreDep, settings: SettingsDep):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    _check_params(request, {"page", "per_page", "per-page", "mailto", "api_key"})
    found = lookup(store, "author", author_id)
    if found.moved:
        return RedirectResponse(f"/api/authors/{public_id('author', found.number)}/works", status_code=301)
    paging = _paging(request, settings)
    page = queries.author_works(store, found.number, paging.offset, paging.per_page)
    return WorkList(
        meta=_meta(started, page.total, paging),
        results=[work_out(w) for w in page.items],
    )


@router.get("/authors/{author_id}/works/{work_id}/why", response_model=WhyOut, response_model_by_alias=True, summary="Why a work is on an author's profile")
def author_work_why(author_id: str, work_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    """The rule, score and evidence of the resolution run that put each of the author's bylines
    on the work on this profile (ORCID iD, a claim or correction, or pairwise evidence)."""
    _check_params(request, {"mailto", "api_key"})
    author, work = lookup(store, "author", author_id), lookup(store, "work", work_id)
    if author.moved or work.moved:
        return RedirectResponse(f"/api/authors/{public_id('author', author.number)}/works/{public_id('work', work.number)}/why", status_code=301)
    bylines = store_resolution.why(store, author.number, work.number)
    if not bylines:
        raise NotFound(f"work {work_id} is not on the profile of author {author_id}")
    return WhyOut(author=public_id("author", author.number), work=public_id("work", work.number), bylines=bylines)


@router.get("/authors/{author_id}/flags", response_model=FlagList, summary="Integrity flags about an author, most severe first")
def author_flags(author_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    return _flags("author", author_id, request, store, "authors")


@router.get("/authors/{author_id}/trust", response_model=TrustOut, summary="An author's trust snapshot: score, band, level, components with their inputs, history")
def author_trust(author_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    """The latest snapshot of the trust model (docs/trust.md): each component's points, maximum
    and inputs with their sources, dates and evidence; and every earlier snapshot with what
    changed. 404 until `peerscope trust derive` has scored the author."""
    _check_params(request, {"mailto", "api_key"})
    found = lookup(store, "author", author_id)
    if found.moved:
        return RedirectResponse(f"/api/authors/{public_id('author', found.number)}/trust", status_code=301)
    current = store_trust.current_snapshot(store, found.number)
    if current is None:
        raise NotFound(f"author {author_id} has no trust snapshot yet (run `peerscope trust derive`)")
    return trust_out(found.number, current, store_trust.history(store, found.number))


@router.get("/authors/{author_id:path}", response_model=AuthorOut, summary="One author by our id, ORCID iD or OpenAlex id")
def get_author(author_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    _check_params(request, {"mailto", "api_key"})
    found = lookup(store, "author", author_id)
    if found.moved:
        return _moved(request, "author", found.number)
    profile = queries.get_author(store, found.number)
    if profile is None:
        raise NotFound(f"no author with id {author_id}")
    return author_out(profile, str(request.base_url), store_trust.badges(store, [profile.id]).get(profile.id))
