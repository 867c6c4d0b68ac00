"""Web page routes: home, researcher profiles and list, works, daily papers, error page (search:
``search.py``).

Pages link with our public ids (``PA12``, ``PW3``); any other id a person types (ORCID, OpenAlex,
DOI, a merged record's old id) answers 301 to the canonical URL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from peerscope.errors import NotFound
from peerscope.serve.deps import StoreDep
from peerscope.serve.ids import lookup, public_id
from peerscope.serve.web import search
from peerscope.serve.web.filters import day_url
from peerscope.serve.similar import similar_list
from peerscope.serve.web.graph import profile_panel
from peerscope.serve.web.views import (
    PER_PAGE,
    Pager,
    describe_author,
    parse_day,
    render,
    status_phrase,
)
from peerscope.store import queries
from peerscope.store import documents as store_documents
from peerscope.store import resolution as store_resolution
from peerscope.store import topics as store_topics
from peerscope.store import trust as store_trust
from peerscope.derive.trust.history import chart_points
from peerscope.store.db import Store

router = APIRouter(include_in_schema=False)

PageParam = Annotated[int, Query(ge=1, le=10_000, description="Page number, from 1")]
TOP_AUTHORS = 10


def render_error_page(request: Request, status: int, message: str) -> Response:
    """The HTML error page: the status in the title and heading, the message as text."""
    return render(request, "error.html", status_code=status, status=status, phrase=status_phrase(status), message=message)


def _canonical_redirect(request: Request, kind: str, given: str, number: int) -> Response | None:
    """301 to our public id when the URL used another id, a merged record's id or another case."""
    canonical = public_id(kind, number)
    if given == canonical:
        return None
    path = f"/{kind}s/{canonical}"
    if request.url.query:
        path += "?" + request.url.query
    return RedirectResponse(path, status_code=301)


@router.get("/")
def home(request: Request, store: StoreDep) -> Response:
    """Home page: search box, graph counts, the latest daily page, researchers with most works."""
    counts = queries.counts(store)
    latest = _latest_day(store)
    top = queries.list_authors(store, 0, TOP_AUTHORS, sort="works_count")
    return render(request, "home.html", section="home", counts=counts, latest=latest, top_authors=top.items)


def _latest_day(store: Store) -> date | None:
    return queries.day_neighbours(store, date.min)[2]


@router.get("/authors")
def authors_list(request: Request, store: StoreDep, page: PageParam = 1) -> Response:
    """Researchers, those with the most works first, 20 a page."""
    listed = queries.list_authors(store, (page - 1) * PER_PAGE, PER_PAGE, sort="works_count")
    pager = Pager(page, listed.total, "/authors")
    pager.check()
    trust = store_trust.badges(store, [a.id for a in listed.items])
    return render(request, "authors.html", section="authors", authors=listed.items, pager=pager, trust=trust)


@router.get("/authors/{ident}/works/{work}/why")
def author_work_why_page(request: Request, ident: str, work: str, store: StoreDep) -> Response:
    """Why a work is on a researcher's profile: the rule, score and evidence for each byline."""
    author_found, work_found = lookup(store, "author", ident), lookup(store, "work", work)
    if author_found.moved or work_found.moved:
        return RedirectResponse(f"/authors/{public_id('author', author_found.number)}/works/{public_id('work', work_found.number)}/why", status_code=301)
    profile = queries.get_author(store, author_found.number)
    detail = queries.get_work(store, work_found.number)
    bylines = store_resolution.why(store, author_found.number, work_found.number)
    if profile is None or detail is None or not bylines:
        raise NotFound(f"work {work} is not on the profile of author {ident}")
    return render(request, "why.html", section="authors", author=profile, w=detail.summary, bylines=bylines)


@router.get("/authors/{ident:path}")
def author_page(request: Request, ident: str, store: StoreDep, page: PageParam = 1) -> Response:
    """Researcher profile by our id (any other author id answers 301): trust snapshot, counts, works."""
    found = lookup(store, "author", ident)
    moved = _canonical_redirect(request, "author", ident, found.number)
    if moved is not None:
        return moved
    profile = queries.get_author(store, found.number)
    if profile is None:
        raise NotFound(f"no author with id {ident}")
    works = queries.author_works(store, profile.id, (page - 1) * PER_PAGE, PER_PAGE)
    pager = Pager(page, works.total, f"/authors/{public_id('author', profile.id)}", anchor="works")
    pager.check()
    close = [c for c in profile.collaborators if c.is_close]
    others = [c for c in profile.collaborators if not c.is_close]
    return render(
        request,
        "author.html",
        section="authors",
        author=profile,
        description=describe_author(profile, works.total),
        works=works.items,
        works_total=works.total,
        pager=pager,
        close_collaborators=close,
        other_coauthors=others,
        external_ids=[i for i in profile.ids if i.scheme != "orcid"],
        flags=store_documents.flags_for(store, "author", profile.id),
        nearby=profile_panel(store, profile.id),
        **_trust_context(store, profile.id),
    )


def _trust_context(store: Store, author_id: int) -> dict:
    """The profile's trust snapshot, its history and the history chart's points."""
    snapshot = store_trust.current_snapshot(store, author_id)
    history = store_trust.history(store, author_id) if snapshot else []
    points = chart_points([(h.score, h.computed_at.date().isoformat()) for h in history])
    return {"trust": snapshot, "trust_history": history, "trust_chart": points}


@router.get("/works/{ident:path}")
def work_page(request: Request, ident: str, store: StoreDep) -> Response:
    """Work page by our id (DOI, OpenAlex and other ids answer 301): byline, abstract, versions, topics, references, similar works."""
    found = lookup(store, "work", ident)
    moved = _canonical_redirect(request, "work", ident, found.number)
    if moved is not None:
        return moved
    work = queries.get_work(store, found.number)
    if work is None:
        raise NotFound(f"no work with id {ident}")
    trust = store_trust.badges(store, [b.author.id for b in work.summary.byline if b.author])
    return render(request, "work.html", work=work, w=work.summary, flags=store_documents.flags_for(store, "work", found.number), trust=trust,
                  derived_topics=store_topics.derived_topics_of(store, found.number), similar=similar_list(store, found.number))


TRUST_DOC = Path(__file__).resolve().parents[4] / "docs" / "trust.md"


@router.get("/docs/trust")
def trust_formula(request: Request) -> Response:
    """The trust model's documented formula (docs/trust.md), as text."""
    if not TRUST_DOC.exists():
        raise NotFound("the trust formula is documented in docs/trust.md of the source distribution")
    return PlainTextResponse(TRUST_DOC.read_text(encoding="utf-8"), media_type="text/markdown; charset=utf-8")


@router.get("/daily")
def daily_latest(request: Request, store: StoreDep) -> Response:
    """302 to the daily page of the latest day with papers."""
    latest = _latest_day(store)
    if latest is None:
        return render(request, "daily.html", section="daily", day=None, works=[], prev_day=None, next_day=None, latest=None)
    return RedirectResponse(day_url(latest), status_code=302)


@router.get("/daily/{day_text}")
def daily_page(request: Request, day_text: str, store: StoreDep) -> Response:
    """Papers published on one day (YYYY-MM-DD), with links to the nearest days with papers."""
    day = parse_day(day_text)
    works = queries.works_on_day(store, day, limit=100)
    prev_day, next_day, latest = queries.day_neighbours(store, day)
    return render(
        request, "daily.html", section="daily", day=day, works=works, prev_day=prev_day, next_day=next_day, latest=latest
    )


router.add_api_route("/search", search.search_page, methods=["GET"], include_in_schema=False)
router.add_api_route("/search/suggest", search.suggest, methods=["GET"], include_in_schema=False)
