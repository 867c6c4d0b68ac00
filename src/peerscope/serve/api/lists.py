"""One generic list handler for every entity, driven by the field registry: ``filter``,
``search``, ``sort``, ``page``/``per_page``, ``cursor``, ``group_by``, ``select``, ``sample``/``seed``.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import Request

from peerscope.config import Settings
from peerscope.errors import InputError
from peerscope.index.titles import TitleIndex
from peerscope.serve.api.openalex import paging
from peerscope.serve.api.openalex.filters import id_kind, parse_filter, parse_group_by, parse_select, parse_sort
from peerscope.serve.api.openalex.registry import ENTITIES, Entity
from peerscope.serve.api.schemas import (
    AuthorListItem,
    GroupOut,
    InstitutionOut,
    SourceOut,
    TopicEntityOut,
    WorkOut,
    author_summary_out,
    entity_row_out,
    ids_dict,
    work_out,
)
from peerscope.serve.ids import public_id
from peerscope.store import entity_lists, oa_query, queries
from peerscope.store import trust as store_trust
from peerscope.store.db import Store
from peerscope.store.oa_query import ListQuery

LIST_PARAMS = {"filter", "search", "sort", "page", "per_page", "per-page", "cursor", "group_by", "group-by", "select", "sample", "seed", "mailto", "api_key"}
DEFAULT_PER_PAGE = 25
SEARCH_CAP = 10_000  # search= and .search filters match within the best this-many hits
MAX_SAMPLE = 10_000
MAX_GROUPS = 200
_WORDS = re.compile(r"\w+", re.UNICODE)

ITEM_MODELS = {"works": WorkOut, "authors": AuthorListItem, "institutions": InstitutionOut, "sources": SourceOut, "topics": TopicEntityOut}


def check_params(request: Request, allowed: set[str]) -> None:
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise InputError(f"{', '.join(unknown)} is not a valid parameter. Valid parameters are: {', '.join(sorted(allowed))}")


def int_param(request: Request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise InputError(f"{name} must be an integer, got '{raw[:40]}'") from None


def _one(request: Request, *names: str) -> str | None:
    found = [n for n in names if n in request.query_params]
    if len(found) > 1:
        raise InputError(f"give one of {' or '.join(names)}, not both")
    if found and len(request.query_params.getlist(found[0])) > 1:
        raise InputError(f"{found[0]} is given more than once")
    return request.query_params.get(found[0]) if found else None


def per_page_of(request: Request, settings: Settings) -> int:
    name = "per-page" if "per-page" in request.query_params else "per_page"
    _one(request, "per_page", "per-page")
    value = int_param(request, name, DEFAULT_PER_PAGE)
    assert value is not None
    if not 1 <= value <= settings.api_max_per_page:
        raise InputError(f"{name} must be between 1 and {settings.api_max_per_page}, got {value}")
    return value


def page_of(request: Request, per_page: int, settings: Settings) -> int:
    value = int_param(request, "page", 1)
    assert value is not None
    if value < 1:
        raise InputError(f"page must be 1 or more, got {value}")
    if value * per_page > settings.api_max_paged_results:
        raise InputError(f"page x per_page may not exceed {settings.api_max_paged_results} with basic paging (asked for result {value * per_page}); use cursor paging (cursor=*) to go further")
    return value


def _search_ids(entity: Entity, store: Store, titles: TitleIndex, texts: Sequence[str]) -> list[int] | None:
    """Ids matching every search text, in the first text's relevance order (None: no search)."""
    if not texts:
        return None
    ranked: list[int] | None = None
    for text in texts:
        if entity.default_search == "titles":
            ids, _ = titles.search(text, SEARCH_CAP, 0)
        else:
            words = _WORDS.findall(text)
            ids = entity_lists.name_contains_ids(store, entity.kind, words, SEARCH_CAP) if words else []
        if ranked is None:
            ranked = list(ids)
        else:
            keep = set(ids)
            ranked = [i for i in ranked if i in keep]
    return ranked


def hydrate(entity: Entity, store: Store, ids: Sequence[int]) -> list[Any]:
    if entity.name == "works":
        ext = entity_lists.external_ids(store, "work", ids)
        out = []
        for w in queries.work_summaries(store, ids):
            item = work_out(w)
            item.ids = ids_dict("work", w.id, ext.get(w.id, ()))
            item.doi = item.ids.get("doi")
            out.append(item)
        return out
    if entity.name == "authors":
        badges = store_trust.badges(store, list(ids))
        return [author_summary_out(a, badges.get(a.id)) for a in entity_lists.author_summaries(store, ids)]
    return [entity_row_out(entity.kind, r) for r in entity_lists.entity_rows(store, entity.kind, ids)]


def _meta(started: float, count: int, page: int | None, per_page: int, **extra: Any) -> dict:
    return {"count": count, "db_response_time_ms": int((time.perf_counter() - started) * 1000), "page": page, "per_page": per_page, **extra}


def _group_key(value: Any, kind: str | None) -> str:
    if kind is not None:
        return public_id(kind, int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _groups(entity: Entity, store: Store, q: ListQuery, raw: str) -> tuple[list[GroupOut], int]:
    """The groups and the number of matching entities (counted apart only when grouping could not)."""
    f = parse_group_by(entity, raw)
    found = oa_query.group_counts(store, q, f.key, MAX_GROUPS)
    rows = found.rows
    kind = id_kind(f, entity.kind) if f.type == "openalex_id" else None
    labels = oa_query.names(store, kind, [int(v) for v, _ in rows]) if kind else {}
    out = []
    for value, n in rows:
        if f.key in oa_query.PREDICATES or f.type == "boolean":
            value = bool(value)
        key = _group_key(value, kind)
        out.append(GroupOut(key=key, key_display_name=labels.get(int(value), key) if kind else key, count=n))
    return out, found.total if found.total is not None else oa_query.count(store, q)


def list_entities(entity_name: str, request: Request, store: Store, settings: Settings, titles: TitleIndex) -> dict:
    started = time.perf_counter()
    entity = ENTITIES[entity_name]
    check_params(request, LIST_PARAMS)
    for name in ("filter", "search", "sort", "cursor", "select", "sample", "seed", "page"):
        _one(request, name)
    per_page = per_page_of(request, settings)
    clauses, searches = parse_filter(entity, request.query_params.get("filter"))
    search = (request.query_params.get("search") or "").strip()
    if "search" in request.query_params and not search:
        raise InputError("search: the value is empty")
    orders = parse_sort(entity, request.query_params.get("sort"))
    select_fields = parse_select(set(ITEM_MODELS[entity_name].model_fields), request.query_params.get("select"))
    group_raw = _one(request, "group_by", "group-by")
    cursor = request.query_params.get("cursor")
    sample_n = int_param(request, "sample", None)
    seed = int_param(request, "seed", None)
    if cursor is not None and "page" in request.query_params:
        raise InputError("cursor and page cannot be combined: cursor paging replaces page")
    if sample_n is not None and cursor is not None:
        raise InputError("sample cannot be combined with cursor; page through a sample with page")
    if seed is not None and sample_n is None:
        raise InputError("seed needs sample: give sample=N too")
    if sample_n is not None and not 1 <= sample_n <= MAX_SAMPLE:
        raise InputError(f"sample must be between 1 and {MAX_SAMPLE}, got {sample_n}")

    texts = [s.text for s in searches] + ([search] if search else [])
    within = _search_ids(entity, store, titles, texts)
    q = ListQuery(entity_name, clauses, tuple(within) if within is not None else None)

    if group_raw is not None:
        groups, total = _groups(entity, store, q, group_raw)
        return {"meta": _meta(started, total, 1, per_page, groups_count=len(groups)), "results": [], "group_by": [g.model_dump() for g in groups]}

    next_cursor: str | None = None
    page: int | None
    if sample_n is not None:
        ids_all = oa_query.sample(store, q, sample_n, seed if seed is not None else random.randrange(1 << 30))
        page = page_of(request, per_page, settings)
        ids, total = ids_all[(page - 1) * per_page : page * per_page], len(ids_all)
    elif cursor is not None:
        page = None
        spec = request.query_params.get("sort") or ""
        secret = settings.secret_key.get_secret_value().encode()
        after = paging.decode(secret, spec, cursor)
        rows = oa_query.page(store, q, orders, per_page + 1, after=after)
        more = len(rows) > per_page
        rows = rows[:per_page]
        ids = [r[0] for r in rows]
        if more and rows:
            last = rows[-1]
            next_cursor = paging.encode(secret, spec, (*last[1:], last[0]))
        total = oa_query.count(store, q)
    else:
        page = page_of(request, per_page, settings)
        offset = (page - 1) * per_page
        if within is not None and not orders:
            if clauses:
                keep = {r[0] for r in oa_query.page(store, q, (), SEARCH_CAP)}
                within = [i for i in within if i in keep]
            ids, total = within[offset : offset + per_page], len(within)
        else:
            ids = [r[0] for r in oa_query.page(store, q, orders, per_page, offset)]
            total = oa_query.count(store, q)
    items = hydrate(entity, store, ids)
    results = [_selected(i.model_dump(), select_fields) for i in items]
    return {"meta": _meta(started, total, page, per_page, next_cursor=next_cursor), "results": results, "group_by": []}


def _selected(item: dict, fields: tuple[str, ...] | None) -> dict:
    return item if fields is None else {k: item[k] for k in fields}


def autocomplete(entity_name: str, request: Request, store: Store, titles: TitleIndex) -> dict:
    started = time.perf_counter()
    if entity_name not in ENTITIES:
        raise InputError(f"autocomplete: '{entity_name}' is not an entity; use one of {', '.join(ENTITIES)}")
    entity = ENTITIES[entity_name]
    check_params(request, {"q", "mailto", "api_key"})
    text = (request.query_params.get("q") or "").strip()
    if not text:
        raise InputError("q: give the start of a name to complete, e.g. q=gra")
    if len(text) > 200:
        raise InputError(f"q: at most 200 characters, got {len(text)}")
    if entity.name == "works":
        ids, _ = titles.search(text, 10, 0)
        found: list[tuple[int, str]] = [(w.id, w.title) for w in queries.work_summaries(store, ids)]
    else:
        found = entity_lists.name_prefix(store, entity.kind, text, 10)
    items = hydrate(entity, store, [i for i, _ in found])
    results = [_autocomplete_item(entity, i) for i in items]
    return {"meta": _meta(started, len(results), 1, 10), "results": results}


def _autocomplete_item(entity: Entity, item: Any) -> dict:
    hint: Callable[[Any], str | None] = {
        "works": lambda w: ", ".join(a.author.display_name for a in w.authorships[:3]) or None,
        "authors": lambda a: a.last_known_institutions[0].display_name if a.last_known_institutions else None,
        "institutions": lambda i: i.country_code,
        "sources": lambda s: s.host_organization_name,
        "topics": lambda t: t.subfield.display_name if t.subfield else None,
    }[entity.name]
    ext = item.ids.get("openalex") if hasattr(item, "ids") else None
    return {
        "id": item.id,
        "display_name": item.display_name,
        "hint": hint(item),
        "works_count": getattr(item, "works_count", None),
        "cited_by_count": getattr(item, "cited_by_count", None),
        "entity_type": entity.kind,
        "external_id": ext,
    }
