"""Mentions and links as JSON text, the form in which engines carry them between processes
(Spark's Python workers, DuckDB's functions). The round trip is exact."""

from __future__ import annotations

from dataclasses import fields

import orjson

from peerscope.resolve.authors.cluster import Constraints, Link
from peerscope.resolve.authors.features import PairEvidence
from peerscope.resolve.authors.mentions import AuthorMention

_SETS = {f.name for f in fields(AuthorMention) if f.type in ("frozenset[str]",)}


def mention_to_json(m: AuthorMention) -> str:
    data = {f.name: getattr(m, f.name) for f in fields(AuthorMention)}
    for name in _SETS:
        data[name] = sorted(data[name])
    return orjson.dumps(data).decode()


def mention_from_json(text: str) -> AuthorMention:
    data = orjson.loads(text)
    for name in _SETS:
        data[name] = frozenset(data[name])
    return AuthorMention(**data)


def link_to_json(link: Link) -> str:
    data = {f.name: getattr(link, f.name) for f in fields(Link)}
    data["evidence"] = [list(p) for p in link.evidence.values] if link.evidence is not None else None
    data["contributions"] = [list(p) for p in link.contributions]
    return orjson.dumps(data).decode()


def link_from_json(text: str) -> Link:
    data = orjson.loads(text)
    data["evidence"] = PairEvidence(tuple((k, v) for k, v in data["evidence"])) if data["evidence"] is not None else None
    data["contributions"] = tuple((k, v) for k, v in data["contributions"])
    return Link(**data)


def constraints_to_json(c: Constraints | None) -> str:
    if c is None:
        return "null"
    return orjson.dumps({"must": sorted(sorted(p) for p in c.must_link), "cannot": sorted(sorted(p) for p in c.cannot_link)}).decode()


def constraints_from_json(text: str) -> Constraints | None:
    data = orjson.loads(text)
    if data is None:
        return None
    return Constraints.of([tuple(p) for p in data["must"]], [tuple(p) for p in data["cannot"]])
