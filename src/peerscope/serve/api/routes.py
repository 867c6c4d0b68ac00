"""API routes: works and authors, single and listed, OpenAlex-shaped.

Parameters follow OpenAlex: ``per_page`` (or ``per-page``) 1–200, ``page`` from 1, basic paging
capped at 10,000 results, ``sort=field[:desc]``, ``search=`` over titles. Unknown parameters are
rejected with HTTP 400 so a typo never silently returns unfiltered data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from peerscope.errors import InputError, NotFound
from peerscope.serve.api.schemas import (
    DocumentOut,
    FlagList,
    document_out,
    flag_out,
    AuthorList,
    AuthorOut,
    ErrorOut,
    Meta,
    WorkList,
    WhyOut,
    WorkOut,
    author_out,
    author_summary_out,
    trust_out,
    TrustOut,
    work_out,
)
from peerscope.serve.deps import SettingsDep, StoreDep, TitleIndexDep
from peerscope.serve.ids import lookup, public_id
from peerscope.store import queries
from peerscope.store import documents as store_documents
from peerscope.store import resolution as store_resolution
from peerscope.store import trust as store_trust

router = APIRouter(tags=["entities"], responses={400: {"model": ErrorOut}, 404: {"model": ErrorOut}})

LIST_PARAMS = {"page", "per_page", "per-page", "sort", "search", "mailto", "api_key"}
WORK_SORTS = {"publication_date": "publication_date", "cited_by_count": "cited_by_count", "id": "id"}
AUTHOR_SORTS = {"works_count": "works_count", "id": "id", "trust_score": "trust_score"}
AUTHOR_FILTERS = {"trust_band": ("New", "Emerging", "Established", "Trusted", "Highly trusted"), "verification_level": ("L0", "L1", "L2", "L3")}
DEFAULT_PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"{name} must be an integer, got '{raw}'") from None


def _check_params(request: Request, allowed: set[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise InputError(f"{', '.join(unknown)} is not a valid parameter. Valid parameters are: {', '.join(sorted(allowed))}")


def _paging(request: Request, max_per_page: int, max_results: int) -> Paging:
    per_page_name = "per-page" if "per-page" in request.query_params else "per_page"
    per_page = _int_param(request, per_page_name, DEFAULT_PER_PAGE)
    page = _int_param(request, "page", 1)
    if not 1 <= per_page <= max_per_page:
        raise InputError(f"{per_page_name} must be between 1 and {max_per_page}, got {per_page}")
    if page < 1:
        raise InputError(f"page must be 1 or more, got {page}")
    if page * per_page > max_results:
        raise InputError(f"page x per_page may not exceed {max_results} with basic paging (asked for result {page * per_page})")
    return Paging(page, per_page)


def _meta(started: float, total: int, paging: Paging) -> Meta:
    return Meta(count=total, db_response_time_ms=int((time.perf_counter() - started) * 1000), page=paging.page, per_page=paging.per_page)


def _sort(request: Request, allowed: dict[str, str], default: str) -> str:
    raw = request.query_params.get("sort")
    if raw is None:
        return default
    field, _, direction = raw.partition(":")
    if field not in allowed or direction not in ("", "desc", "asc"):
        raise InputError(f"sort '{raw}' is not supported; sortable fields: {', '.join(sorted(allowed))} (optionally :desc)")
    return allowed[field]


def _moved(request: Request, kind: str, number: int) -> RedirectResponse:
    base = "/api/works/" if kind == "work" else "/api/authors/"
    return RedirectResponse(base + public_id(kind, number) + (f"?{request.url.query}" if request.url.query else ""), status_code=301)


@router.get("/works", response_model=WorkList, summary="List works")
def list_works(request: Request, store: StoreDep, settings: SettingsDep, titles: TitleIndexDep) -> WorkList:
    started = time.perf_counter()
    _check_params(request, LIST_PARAMS)
    paging = _paging(request, settings.api_max_per_page, settings.api_max_paged_results)
    search = (request.query_params.get("search") or "").strip()
    if search:
        if "sort" in request.query_params:
            raise InputError("sort cannot be combined with search yet: results are ordered by relevance")
        ids, total = titles.search(search, paging.per_page, paging.offset)
        items = queries.work_summaries(store, ids)
    else:
        page = queries.list_works(store, paging.offset, paging.per_page, _sort(request, WORK_SORTS, "id"))
        items, total = list(page.items), page.total
    return WorkList(
        meta=_meta(started, total, paging),
        results=[work_out(w) for w in items],
    )


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


@router.get("/authors", response_model=AuthorList, summary="List authors")
def list_authors(request: Request, store: StoreDep, settings: SettingsDep) -> AuthorList:
    started = time.perf_counter()
    _check_params(request, (LIST_PARAMS - {"search"}) | {"filter"})
    paging = _paging(request, settings.api_max_per_page, settings.api_max_paged_results)
    sort = _sort(request, AUTHOR_SORTS, "id")
    filters = _author_filters(request)
    if filters or sort == "trust_score":
        descending = (request.query_params.get("sort") or "").endswith(":desc")
        page = store_trust.list_authors_by_trust(store, paging.offset, paging.per_page, band=filters.get("trust_band"), level=filters.get("verification_level"), sort=sort, descending=descending)
    else:
        page = queries.list_authors(store, paging.offset, paging.per_page, sort)
    badges = store_trust.badges(store, [a.id for a in page.items])
    return AuthorList(
        meta=_meta(started, page.total, paging),
        results=[author_summary_out(a, badges.get(a.id)) for a in page.items],
    )


def _author_filters(request: Request) -> dict[str, str]:
    """``filter=trust_band:Trusted,verification_level:L1``: authors with a trust snapshot that match."""
    raw = request.query_params.get("filter")
    if not raw:
        return {}
    out: dict[str, str] = {}
    for part in raw.split(","):
        name, _, value = part.partition(":")
        if name not in AUTHOR_FILTERS:
            raise InputError(f"filter '{name}' is not supported for authors; filters: {', '.join(sorted(AUTHOR_FILTERS))}")
        allowed = {v.lower(): v for v in AUTHOR_FILTERS[name]}
        if value.lower() not in allowed:
            raise InputError(f"filter {name} must be one of {', '.join(AUTHOR_FILTERS[name])}, got '{value}'")
        out[name] = allowed[value.lower()]
    return out


@router.get("/authors/{author_id}/works", response_model=WorkList, summary="An author's works, newest first")
def author_works(author_id: str, request: Request, store: StoreDep, settings: SettingsDep):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    _check_params(request, {"page", "per_page", "per-page", "mailto", "api_key"})
    found = lookup(store, "author", author_id)
    if found.moved:
        return RedirectResponse(f"/api/authors/{public_id('author', found.number)}/works", status_code=301)
    paging = _paging(request, settings.api_max_per_page, settings.api_max_paged_results)
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
