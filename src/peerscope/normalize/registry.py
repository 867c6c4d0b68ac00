"""Which normaliser turns one stored payload of a source back into a canonical record.

Each source's normaliser module exposes ``SOURCE`` (the provenance name), ``decode(raw: bytes)``
(one record's stored bytes to the parsed form its ``normalize`` takes) and
``normalize(data, retrieved_at, where) -> SourceItem``. The registry is what lets the store
rebuild canonical rows from raw payloads of any source.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import import_module
from typing import Any

from peerscope.errors import InputError
from peerscope.normalize.records import SourceItem

MODULES = {
    "openalex": "peerscope.normalize.openalex",
    "arxiv": "peerscope.normalize.arxiv",
    "crossref": "peerscope.normalize.crossref",
    "s2": "peerscope.normalize.semanticscholar",
    "orcid": "peerscope.normalize.orcid",
    "hf": "peerscope.normalize.hf",
    "jsonl": "peerscope.normalize.canonical",
}


def module_for(source: str) -> Any:
    try:
        return import_module(MODULES[source])
    except KeyError:
        raise InputError(f"unknown source {source!r}; known: {', '.join(sorted(MODULES))}") from None


def normalizer(source: str) -> Callable[[Any, datetime, str], SourceItem]:
    return module_for(source).normalize


def renormalize(source: str, raw: bytes, retrieved_at: datetime, where: str) -> SourceItem:
    """The canonical record a stored payload stands for, built again from its bytes."""
    mod = module_for(source)
    return mod.normalize(mod.decode(raw), retrieved_at, where)
