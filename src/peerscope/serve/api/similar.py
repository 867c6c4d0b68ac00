"""``/api/works/{id}/similar``: a work's similar works, best first, each with its score and the
reasons behind it (works citing both, shared references, shared topics, closeness of text).

Parameters: ``limit`` 1–10 (default 10). The work may be named by any id it is known by (ours,
DOI, OpenAlex, arXiv …); a merged work's old id answers 301. Unknown parameters and bad values
answer 400 naming the parameter; an unknown work answers 404.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from peerscope.derive.similar.scoring import KEEP
from peerscope.errors import InputError, NotFound
from peerscope.serve.api.schemas import ErrorOut
from peerscope.serve.deps import StoreDep
from peerscope.serve.ids import lookup, public_id
from peerscope.serve.similar import similar_list
from peerscope.store import similar as store_similar

PARAMS = {"limit", "mailto", "api_key"}


class SimilarEvidenceOut(BaseModel):
    cocited: int = Field(description="Works in the graph citing both")
    shared_references: int = Field(description="References both works cite")
    cocitation_strength: float = Field(description="Co-citation strength, 0–1")
    coupling_strength: float = Field(description="Bibliographic coupling strength, 0–1")
    topics: list[str] = Field(description="Shared topics (our ids), the strongest first, at most 3")
    topics_shared: int = Field(description="How many topics both works have")
    topic_similarity: float = Field(description="Cosine of the two works' topic vectors, 0–1")
    text_similarity: float = Field(description="Cosine of the two works' TF-IDF vectors of title and abstract (0 below 0.1)")
    terms: list[str] = Field(description="The terms that bring the texts closest (those the reason names)")
    meaning_similarity: float = Field(0.0, description="Cosine of the two works' embedding vectors (the search index's), 0 below 0.5 or without vectors")


class SimilarWorkOut(BaseModel):
    id: str = Field(description="Our public id of the similar work (PW…)")
    title: str
    url: str = Field(description="The similar work's page")
    publication_year: int | None = None
    type: str | None = None
    score: float = Field(description="0–1: the weighted sum of the five signals (docs/similar.md)")
    reasons: list[str] = Field(description='The evidence as short phrases, weightiest first: "cited together by 4 works", "shares 12 references"')
    evidence: SimilarEvidenceOut


class SimilarOut(BaseModel):
    work: str = Field(description="Our public id of the work asked about")
    title: str
    code_version: str | None = Field(None, description="Version of the rules that built the lists; null before `peerscope derive similar` ran")
    computed_at: str | None = Field(None, description="When the lists were last built (UTC, ISO 8601)")
    results: list[SimilarWorkOut]


def parse_limit(params: Mapping[str, str]) -> int:
    unknown = sorted(set(params) - PARAMS)
    if unknown:
        raise InputError(f"{', '.join(unknown)} is not a valid parameter. Valid parameters are: limit")
    raw = params.get("limit")
    if raw is None or raw == "":
        return KEEP
    try:
        value = int(raw.strip())
    except ValueError:
        raise InputError(f"limit must be an integer, got '{raw}'") from None
    if not 1 <= value <= KEEP:
        raise InputError(f"limit must be between 1 and {KEEP}, got {value}")
    return value


router = APIRouter(tags=["similar"], responses={400: {"model": ErrorOut}, 404: {"model": ErrorOut}})


@router.get("/works/{work_id:path}/similar", response_model=SimilarOut, summary="A work's similar works, best first, each with its score and reasons")
def get_similar(work_id: str, request: Request, store: StoreDep):  # type: ignore[no-untyped-def]
    """Up to ``limit`` works most like this one by co-citation, bibliographic coupling, shared
    topics, closeness of title and abstract and closeness in meaning (embeddings), each with its score, the reasons as phrases and
    the evidence as numbers. Built by `peerscope derive similar` (and `peerscope derive`);
    empty results until it has run."""
    limit = parse_limit(dict(request.query_params))
    found = lookup(store, "work", work_id)
    if found.moved:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/api/works/{public_id('work', found.number)}/similar{query}", status_code=301)
    title = store_similar.work_title(store, found.number)
    if title is None:  # deleted between the lookup and now
        raise NotFound(f"no work with id {work_id}")
    listed = similar_list(store, found.number, limit)
    body = {
        "work": public_id("work", found.number), "title": title, "code_version": listed.code_version,
        "computed_at": listed.computed_at.isoformat() if listed.computed_at else None,
        "results": [
            {"id": public_id("work", i.work_id), "title": i.title, "url": f"/works/{public_id('work', i.work_id)}", "publication_year": i.publication_year,
             "type": i.type, "score": i.score, "reasons": list(i.reasons),
             "evidence": {**i.evidence.as_dict(), "topics": [public_id("topic", t) for t in i.evidence.topics], "terms": list(i.evidence.named_terms)}}
            for i in listed.items
        ],
    }
    # serialised directly in the shape of SimilarOut: validating the answer through the models
    # would cost more than the store queries behind it
    return Response(orjson.dumps(body), media_type="application/json")
