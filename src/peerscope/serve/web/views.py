"""The template environment and the small page models routes hand to templates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from peerscope.errors import InputError, NotFound
from peerscope.serve.web.filters import FILTERS, GLOBALS, join_names, plural
from peerscope.store.views import AuthorProfile

TEMPLATES = Path(__file__).parent / "templates"

PER_PAGE = 20
MAX_QUERY = 200

ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(FILTERS)
ENV.globals.update(GLOBALS)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("q", "")
    context.setdefault("section", "")
    html = ENV.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a list: which page, how many in all, and the links to its neighbours."""

    page: int
    total: int
    path: str
    params: tuple[tuple[str, str], ...] = ()
    per_page: int = PER_PAGE
    anchor: str = ""  # the list's id on the page, so paging keeps the reader at the list

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_shown(self) -> int:
        return min(self.total, self.offset + 1)

    @property
    def last_shown(self) -> int:
        return min(self.total, self.offset + self.per_page)

    def url(self, page: int) -> str:
        params = list(self.params) + ([("page", str(page))] if page > 1 else [])
        return self.path + ("?" + urlencode(params) if params else "") + (f"#{self.anchor}" if self.anchor else "")

    @property
    def prev_url(self) -> str | None:
        return self.url(self.page - 1) if self.page > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.page + 1) if self.page < self.pages else None

    def check(self) -> None:
        """A page past the end is a missing page, not an empty one."""
        if self.page > self.pages:
            raise NotFound(f"page {self.page} does not exist; the last page is {self.pages}")


def describe_author(profile: AuthorProfile, works_total: int) -> str:
    """The one-line description: the record's own, else a plain line built only from its data."""
    if profile.description:
        return profile.description
    topics = [t.display_name for t in profile.topics[:3]]
    if topics:
        return f"Researcher working on {join_names(topics)}."
    if works_total:
        return f"Researcher with {plural(works_total, 'work')} in this graph."
    return "Researcher record without works in this graph yet."


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: str) -> date:
    """``YYYY-MM-DD`` only (no week dates or compact forms), and a real calendar day."""
    if _DAY.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise InputError(f"'{text[:60]}' is not a date in the form YYYY-MM-DD")


def check_query(q: str) -> str:
    if len(q) > MAX_QUERY:
        raise InputError(f"the search text is {len(q)} characters long; at most {MAX_QUERY} are allowed")
    return q.strip()
