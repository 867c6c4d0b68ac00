"""The search page (``/search``): hybrid results with facets, filters, sorting and paging, and
``/search/suggest`` (titles for search-as-you-type, JSON).

With the embedded index built, results are hybrid by default (keyword and semantic fused); with
the database backend, or before ``peerscope index build`` has run, the page searches titles in
the database and says so. ``routes.py`` registers these two routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response

from peerscope.errors import InputError
from peerscope.index.hybrid import SearchRequest
from peerscope.index.query import SearchFilters, parse_query
from peerscope.serve.deps import SearchDep, StoreDep, TitleIndexDep
from peerscope.serve.ids import parse_public_id, public_id
from peerscope.serve.web.filters import type_label
from peerscope.serve.web.views import PER_PAGE, Pager, check_query, render
from peerscope.store import queries
from peerscope.store import search as store_search
from peerscope.store import trust as store_trust

Mode = Literal["hybrid", "keyword", "semantic"]
Sort = Literal["relevance", "year", "citations"]
PageParam = Annotated[int, Query(ge=1, le=500, description="Page number, from 1 (at most 500: 10,000 results)")]
Year = Annotated[int | None, Query(ge=1000, le=2100)]
Many = Annotated[list[str], Query(max_length=20)]
FACET_TITLES = {"year": "Year", "type": "Type", "topic": "Topic", "institution": "Institution", "venue": "Venue", "flag": "Flags"}
FLAG_LABELS = {"any": "Any flag", "none": "No flags"}
ENTITY = {"topic": "topic", "institution": "institution", "venue": "source"}


@dataclass(frozen=True, slots=True)
class FacetValue:
    label: str
    count: int
    url: str
    active: bool


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    title: str
    values: tuple[FacetValue, ...]


def _ids(param: str, values: list[str], kind: str) -> tuple[int, ...]:
    out = []
    for v in values:
        parsed = parse_public_id(v)
        if parsed is not None and parsed[0] == kind:
            out.append(parsed[1])
        elif v.isdigit():
            out.append(int(v))
        else:
            raise InputError(f"{param}: '{v[:40]}' is not a {kind} id such as {public_id(kind, 12)}")
    return tuple(out)


def _params(request: Request, drop: str = "", toggle: tuple[str, str] | None = None, set_: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The page's query parameters without paging, with one filter value toggled or some set."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", drop) and v != "" and k not in (set_ or {})]
    if toggle is not None:
        params = [p for p in params if p != toggle] if toggle in params else [*params, toggle]
    params += list((set_ or {}).items())
    return params


def _url(params: list[tuple[str, str]]) -> str:
    return "/search" + ("?" + urlencode(params) if params else "")


def _facets(request: Request, store: StoreDep, raw: dict[str, list[tuple[str | int, int]]], filters: SearchFilters) -> list[Facet]:
    labels = {kind: store_search.entity_labels(store, kind, [k for k, _ in raw.get(kind, []) if isinstance(k, int)]) for kind in ("topic", "institution", "venue")}
    out = []
    for name, values in raw.items():
        shown = []
        for key, count in values:
            if name == "year":
                active = filters.year_from == key and filters.year_to == key
                params = _params(request, set_={"year_from": str(key), "year_to": str(key)}) if not active else [p for p in _params(request) if p[0] not in ("year_from", "year_to")]
                shown.append(FacetValue(str(key), count, _url(params), active))
                continue
            if name in labels:
                label = labels[name].get(int(key), f"#{key}")
                value = public_id(ENTITY[name], int(key))
                active = int(key) in {"topic": filters.topics, "institution": filters.institutions, "venue": filters.venues}[name]
            elif name == "type":
                label, value, active = type_label(str(key)), str(key), str(key) in filters.types
            else:
                label, value, active = FLAG_LABELS.get(str(key), str(key).replace("_", " ")), str(key), str(key) in filters.flags
            shown.append(FacetValue(label, count, _url(_params(request, toggle=(name, value))), active))
        if name == "year":
            shown.sort(key=lambda v: v.label, reverse=True)
        if shown:
            out.append(Facet(name, FACET_TITLES[name], tuple(shown)))
    return out


def search_page(
    request: Request,
    search: SearchDep,
    titles: TitleIndexDep,
    store: StoreDep,
    q: str = "",
    page: PageParam = 1,
    mode: Mode = "hybrid",
    sort: Sort = "relevance",
    year_from: Year = None,
    year_to: Year = None,
    type: Many = [],  # noqa: B006  (FastAPI reads the default, it is never mutated)
    topic: Many = [],  # noqa: B006
    institution: Many = [],  # noqa: B006
    venue: Many = [],  # noqa: B006
    flag: Many = [],  # noqa: B006
) -> Response:
    """Search results, 20 a page: hybrid by default; facets and filters, sorting, paging."""
    query = check_query(q)
    parsed = parse_query(query)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InputError(f"year_from ({year_from}) is after year_to ({year_to})")
    filters = SearchFilters(year_from, year_to, tuple(type), _ids("topic", topic, "topic"), _ids("institution", institution, "institution"), _ids("venue", venue, "source"), tuple(flag))
    context = {"section": "search", "q": query, "query": query, "mode": mode, "sort": sort, "facets": [], "results": [], "pager": None, "trust": {}, "flags": {}, "engine": "index" if search else "titles", "suggestions": [], "filtered": not filters.is_empty}
    if parsed.is_empty and filters.is_empty:
        return render(request, "search.html", **context)
    offset = (page - 1) * PER_PAGE
    if search is not None:
        found = search.query(SearchRequest(parsed, filters, mode, sort, PER_PAGE, offset))
        ids, total = found.ids, found.total
        context["facets"] = _facets(request, store, found.facets, filters)
        context["suggestions"] = [t for _, t in search.suggest(query, 6)] if query else []
    else:
        ids, total = titles.search(parsed.text, PER_PAGE, offset) if not parsed.is_empty else ([], 0)
    pager = Pager(page, total, "/search", params=tuple(_params(request)))
    if total:
        pager.check()
    results = queries.work_summaries(store, ids)
    context.update(
        results=results,
        pager=pager,
        trust=store_trust.badges(store, [b.author.id for w in results for b in w.byline if b.author]),
        flags=store_search.flag_kinds(store, ids),
        sort_links={s: _url(_params(request, set_={"sort": s})) for s in ("relevance", "year", "citations")},
        mode_links={m: _url(_params(request, set_={"mode": m})) for m in ("hybrid", "keyword", "semantic")},
        clear_url=_url([("q", query)] if query else []),
    )
    return render(request, "search.html", **context)


def suggest(search: SearchDep, titles: TitleIndexDep, store: StoreDep, q: str = "") -> Response:
    """Up to 8 works whose title holds the words typed, the last as a prefix: ``[{id, title}]``."""
    query = check_query(q)
    if search is not None:
        found = search.suggest(query, 8)
    else:
        parsed = parse_query(query)
        ids, _ = titles.search(parsed.text, 8, 0) if not parsed.is_empty else ([], 0)
        found = [(w.id, w.title) for w in queries.work_summaries(store, ids)]
    return JSONResponse([{"id": public_id("work", i), "title": t} for i, t in found])
