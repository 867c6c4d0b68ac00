"""``/api/graph/{id}``: the neighbourhood of any node of the research graph, ranked, with the
reason for each edge.

Parameters: ``depth`` 1 or 2 (default 1); ``kinds`` a comma list of node kinds to include
(work, author, topic, institution, source; default all); ``limit`` 1–100 neighbours per expanded
node (default 25); ``year_from`` / ``year_to`` keep edges whose works fall in those years.
Unknown parameters and bad values answer 400 naming the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from peerscope.derive.graph import NODE_KINDS, reason
from peerscope.errors import InputError, NotFound
from peerscope.serve.api.schemas import ErrorOut
from peerscope.serve.deps import StoreDep
from peerscope.serve.ids import parse_public_id, public_id
from peerscope.store import graph as store_graph
from peerscope.store.db import Store
from peerscope.store.graph import Neighbourhood, NodeView

MAX_LIMIT, DEFAULT_LIMIT, MAX_NODES = 100, 25, 5000
YEARS = (1000, 2999)
PARAMS = {"depth", "kinds", "limit", "year_from", "year_to", "mailto", "api_key"}
PAGE_URL = {"work": "/works/{}", "author": "/authors/{}"}  # other kinds open in the explorer


class GraphNodeOut(BaseModel):
    id: str = Field(description="Our public id: PW (work), PA (author), PT (topic), PI (institution), PS (source)")
    kind: str
    label: str
    url: str = Field(description="The node's page")
    hop: int = Field(description="0 for the centre, 1 or 2 for its neighbours")
    year: int | None = None
    verification_level: str | None = Field(None, description="An author's verification level (L0–L3) from the trust snapshot")
    trust_score: int | None = None
    open_flags: int = Field(0, description="Open integrity flags about the work or author")
    retracted: bool = False
    works_count: int | None = None
    detail: str | None = Field(None, description="A work's type, a topic's level, an institution's country, a venue's type")


class GraphEdgeOut(BaseModel):
    source: str
    target: str
    kind: str
    weight: float
    reason: str = Field(description='The evidence read from the source node: "7 joint works, 2019–2024"')
    evidence: dict
    year_min: int | None = None
    year_max: int | None = None


class GraphOut(BaseModel):
    centre: str
    depth: int
    limit: int
    kinds: list[str]
    truncated: bool = Field(description=f"The second hop stopped at {MAX_NODES} nodes")
    nodes: list[GraphNodeOut]
    edges: list[GraphEdgeOut]


@dataclass(frozen=True, slots=True)
class GraphQuery:
    depth: int = 1
    kinds: tuple[str, ...] = NODE_KINDS
    limit: int = DEFAULT_LIMIT
    year_from: int | None = None
    year_to: int | None = None

    @property
    def years(self) -> tuple[int, int]:
        return (self.year_from or 0, self.year_to or 9999)


def _int(params: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        raise InputError(f"{name} must be an integer, got '{raw}'") from None
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low} and {high}, got {value}")
    return value


def parse_graph_query(params: Mapping[str, str]) -> GraphQuery:
    """The graph query's parameters checked; InputError names the parameter and the fault."""
    unknown = sorted(set(params) - PARAMS)
    if unknown:
        raise InputError(f"{', '.join(unknown)} is not a valid parameter. Valid parameters are: {', '.join(sorted(PARAMS - {'mailto', 'api_key'}))}")
    depth = _int(params, "depth", 1, 2) or 1
    limit = _int(params, "limit", 1, MAX_LIMIT) or DEFAULT_LIMIT
    kinds: tuple[str, ...] = NODE_KINDS
    raw = params.get("kinds")
    if raw is not None:
        asked = [k.strip().lower() for k in raw.split(",") if k.strip()]
        bad = [k for k in asked if k not in NODE_KINDS]
        if bad or not asked:
            raise InputError(f"kinds must be a comma list of {', '.join(NODE_KINDS)}, got '{raw}'")
        kinds = tuple(dict.fromkeys(asked))
    year_from, year_to = _int(params, "year_from", *YEARS), _int(params, "year_to", *YEARS)
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InputError(f"year_from ({year_from}) must not be after year_to ({year_to})")
    return GraphQuery(depth, kinds, limit, year_from, year_to)


def parse_node_id(text: str) -> tuple[str, int]:
    found = parse_public_id(text)
    if found is None:
        raise InputError(f"'{text}' is not a graph node id: use our ids, like PA12 (author), PW3 (work), PT5 (topic), PI2 (institution) or PS4 (source)")
    return found


def node_url(kind: str, number: int) -> str:
    pid = public_id(kind, number)
    return PAGE_URL[kind].format(pid) if kind in PAGE_URL else f"/graph/{pid}"


def graph_for(store: Store, ident: str, query: GraphQuery) -> Neighbourhood:
    node = parse_node_id(ident)
    found = store_graph.neighbourhood(store, node, depth=query.depth, kinds=query.kinds, limit=query.limit, years=query.years, max_nodes=MAX_NODES)
    if found is None:
        raise NotFound(f"no {node[0]} with id {ident}")
    return found


def node_out(n: NodeView, hop: int) -> dict:
    return {
        "id": public_id(n.kind, n.id), "kind": n.kind, "label": n.label, "url": node_url(n.kind, n.id), "hop": hop, "year": n.year,
        "verification_level": n.verification_level, "trust_score": n.trust_score, "open_flags": n.open_flags, "retracted": n.retracted,
        "works_count": n.works_count, "detail": n.detail,
    }


def graph_out(found: Neighbourhood, query: GraphQuery) -> dict:
    """The answer as plain data in the shape of ``GraphOut`` (built directly: validating a few
    thousand nodes through the models would cost more than the store queries)."""
    return {
        "centre": public_id(*found.centre), "depth": query.depth, "limit": query.limit, "kinds": list(query.kinds), "truncated": found.truncated,
        "nodes": [node_out(n, found.hops[(n.kind, n.id)]) for n in found.nodes],
        "edges": [
            {
                "source": public_id(*e.src), "target": public_id(*e.dst), "kind": e.kind, "weight": round(e.weight, 4),
                "reason": reason(e.kind, e.src[0], e.dst[0], e.evidence, e.year_min, e.year_max), "evidence": dict(e.evidence),
                "year_min": e.year_min, "year_max": e.year_max,
            }
            for e in found.edges
        ],
    }


router = APIRouter(tags=["graph"], responses={400: {"model": ErrorOut}, 404: {"model": ErrorOut}})


@router.get("/graph/{node_id}", response_model=GraphOut, summary="The neighbourhood of a work, author, topic, institution or source, with a reason for each edge")
def get_graph(node_id: str, request: Request, store: StoreDep) -> Response:
    """The strongest ``limit`` neighbours of the node (at ``depth`` 2, also of each of those),
    of the ``kinds`` asked for, each edge with its kind, weight, evidence and reason. Built by
    `peerscope derive graph`; empty edges until it has run."""
    query = parse_graph_query(dict(request.query_params))
    return Response(orjson.dumps(graph_out(graph_for(store, node_id, query), query)), media_type="application/json")
