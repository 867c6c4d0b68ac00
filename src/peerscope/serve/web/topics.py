"""Topic pages: a node of the hierarchy with its ancestors, sub-topics, works by year, the most
cited works and the researchers with the most works in it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from peerscope.derive.topics.taxonomy import code_of
from peerscope.errors import NotFound
from peerscope.serve.deps import StoreDep
from peerscope.serve.ids import lookup, public_id
from peerscope.serve.web.views import render
from peerscope.store import queries
from peerscope.store import topics as store_topics

router = APIRouter(include_in_schema=False)


@router.get("/topics/{ident}")
def topic_page(request: Request, ident: str, store: StoreDep) -> Response:
    """A topic by our id (``PT12``); an arXiv category code (``cs.LG``) answers 301 to it."""
    code = code_of(ident)
    if code is not None:
        number = store_topics.arxiv_topic_ids(store).get(code)
        if number is None:
            raise NotFound(f"the arXiv category {code} is not in this graph's topics yet (run `peerscope derive topics`)")
        return RedirectResponse(f"/topics/{public_id('topic', number)}", status_code=301)
    found = lookup(store, "topic", ident)
    if ident != public_id("topic", found.number):
        return RedirectResponse(f"/topics/{public_id('topic', found.number)}", status_code=301)
    topic = store_topics.topic_page(store, found.number)
    if topic is None:
        raise NotFound(f"no topic with id {ident}")
    works = queries.work_summaries(store, topic.top_work_ids)
    peak = max((n for _y, n in topic.by_year), default=0)
    return render(request, "topic.html", topic=topic, works=works, peak=peak)
