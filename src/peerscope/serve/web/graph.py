"""The research graph on pages: the full explorer (``/graph/{id}``) and the profile's panel.

The explorer page lists the neighbourhood as links grouped by kind (readable without
JavaScript, and the filter form works as a plain GET form); ``/static/explorer.js`` draws it with
Sigma.js over a graphology graph, served from our own static files (``make install`` bundles them
from npm into ``vendor/graph-libs.min.js``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from peerscope.derive.graph import EDGE_KINDS, NODE_KINDS, reason
from peerscope.errors import InputError
from peerscope.serve.api.graph import GraphQuery, graph_for, graph_out, node_url, parse_graph_query
from peerscope.serve.deps import StoreDep
from peerscope.serve.ids import public_id
from peerscope.serve.web.views import render
from peerscope.store import graph as store_graph
from peerscope.store.db import Store
from peerscope.store.graph import Neighbourhood, NodeView

router = APIRouter(include_in_schema=False)

VENDOR_JS = Path(__file__).parent / "static" / "vendor" / "graph-libs.min.js"
KIND_LABELS = {"work": "Papers", "author": "People", "topic": "Topics", "institution": "Institutions", "source": "Venues"}
PANEL_KINDS = ("work", "author", "topic", "institution")
PANEL_EACH = 5
EXPLORER_DEFAULT = {"depth": "2", "limit": "12"}
# the list under the drawing shows the nearest nodes of each kind, and all of them on ?list=all:
# a 2,000-node neighbourhood listed whole is half a megabyte of HTML for the browser to build
# before the drawing can start
LIST_EACH = 40


@dataclass(frozen=True, slots=True)
class NearbyItem:
    node: NodeView
    url: str
    hop: int
    kind_of_edge: str
    reason: str  # of the edge that reached it, from the nearest node's side
    weight: float


def nearby(found: Neighbourhood) -> dict[str, list[NearbyItem]]:
    """The neighbourhood's nodes other than the centre, by kind, nearest first, each with the
    reason of its strongest edge (towards the centre when there is one)."""
    best: dict[tuple[str, int], tuple[int, float, str, str]] = {}
    for e in found.edges:  # every node but the centre is the far end of the edge that reached it
        near = e.dst
        if near == found.centre:
            continue
        rank = (found.hops.get(e.src, 9), -e.weight)
        if near not in best or rank < best[near][:2]:
            best[near] = (*rank, e.kind, reason(e.kind, e.src[0], e.dst[0], e.evidence, e.year_min, e.year_max))
    out: dict[str, list[NearbyItem]] = {k: [] for k in NODE_KINDS}
    for n in found.nodes:
        key = (n.kind, n.id)
        if key == found.centre or key not in best:
            continue
        _, neg_weight, kind, text = best[key]
        out[n.kind].append(NearbyItem(n, node_url(n.kind, n.id), found.hops[key], kind, text, -neg_weight))
    return out


def profile_panel(store: Store, author_id: int) -> dict[str, list[NearbyItem]]:
    """The profile's "Research graph" panel: the nearest papers, people, topics and
    institutions around the researcher, from the same query as the explorer."""
    found = store_graph.neighbourhood(store, ("author", author_id), depth=1, kinds=PANEL_KINDS, limit=PANEL_EACH * len(PANEL_KINDS))
    if found is None:
        return {}
    return {k: v[:PANEL_EACH] for k, v in nearby(found).items() if k in PANEL_KINDS}


@router.get("/graph/{ident}")
def explorer_page(request: Request, ident: str, store: StoreDep) -> Response:
    """The explorer around any node: an interactive drawing, and the same graph as a list of links.

    Parameters as for /api/graph/{id}, defaulting to 2 hops and 12 neighbours per node."""
    params = {**EXPLORER_DEFAULT, **dict(request.query_params)}
    listing = params.pop("list", None)
    if listing not in (None, "all"):
        raise InputError(f"list must be 'all' (every node listed) or left out (the nearest {LIST_EACH} of each kind), got '{listing}'")
    if "kinds" in request.query_params:  # the form's checkboxes send one kinds= each
        params["kinds"] = ",".join(request.query_params.getlist("kinds"))
    query = parse_graph_query(params)
    found = graph_for(store, ident, query)
    centre = next(n for n in found.nodes if (n.kind, n.id) == found.centre)
    return render(
        request, "explorer.html", section="graph", centre=centre, centre_id=public_id(centre.kind, centre.id),
        centre_url=node_url(centre.kind, centre.id), query=query, found=found, nearby=nearby(found), kind_labels=KIND_LABELS,
        edge_kinds=EDGE_KINDS, node_kinds=NODE_KINDS, vendor_ready=VENDOR_JS.is_file(), built=store_graph.last_build(store) is not None,
        query_string=_query_string(query), graph_data=data_block(graph_out(found, query)),
        list_each=None if listing == "all" else LIST_EACH,
    )


# JSON inside a <script type="application/json"> block ends at the first "</script" and must not
# open a comment: the characters that could do either are written as JSON escapes (replaced in
# the UTF-8 bytes, where each is one unambiguous sequence: str.translate took 25 times as long)
_BLOCK_ESCAPES = tuple((ch.encode(), f"\\u{ord(ch):04x}".encode()) for ch in "<>&\u2028\u2029")


def data_block(value: object) -> Markup:
    """``value`` as JSON safe to place inside a data block: the page carries the answer the API
    would give, so the drawing starts without a second request for it. The block is data, never
    run (its type is not a script type, and the CSP allows only our own script files)."""
    raw = orjson.dumps(value)
    for character, escape in _BLOCK_ESCAPES:
        raw = raw.replace(character, escape)
    return Markup(raw.decode())  # noqa: S704 - every markup character is escaped above


def _query_string(query: GraphQuery) -> str:
    parts = [f"depth={query.depth}", f"limit={query.limit}", "kinds=" + ",".join(query.kinds)]
    parts += [f"{name}={value}" for name, value in (("year_from", query.year_from), ("year_to", query.year_to)) if value is not None]
    return "&".join(parts)
