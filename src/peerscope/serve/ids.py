"""Public ids of our entities, and looking entities up by any id a person may type.

Our ids are ``P`` + a kind letter + a number (``PW12`` a work, ``PA7`` an author), distinct from
OpenAlex's ``W…``/``A…`` so both can be used in the same URL space.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from peerscope.errors import InputError, NotFound
from peerscope.normalize.ids import parse_any_id
from peerscope.store import queries
from peerscope.store.db import Store

LETTER = {"work": "W", "author": "A", "institution": "I", "source": "S", "topic": "T"}
KIND = {v: k for k, v in LETTER.items()}
_PUBLIC = re.compile(r"^P([WAIST])(\d{1,15})$", re.IGNORECASE)


def public_id(kind: str, number: int) -> str:
    return f"P{LETTER[kind]}{number}"


def parse_public_id(text: str) -> tuple[str, int] | None:
    m = _PUBLIC.match(text.strip())
    if not m:
        return None
    return KIND[m.group(1).upper()], int(m.group(2))


@dataclass(frozen=True, slots=True)
class Lookup:
    """The outcome of looking up an id: the entity's number, and whether it moved (a redirect)."""

    number: int
    moved: bool


def lookup(store: Store, kind: str, text: str) -> Lookup:
    """Find an entity by our id or any known external id (bare, prefixed or as a URL).

    Raises InputError when the text is no id we understand, NotFound when nothing has it.
    """
    raw = unquote(text).strip()
    own = parse_public_id(raw)
    if own is not None:
        found_kind, number = own
        if found_kind != kind:
            raise InputError(f"'{raw}' is a {found_kind} id, not a {kind} id")
        if queries.exists(store, kind, number):
            return Lookup(number, moved=False)
        target = queries.redirect_target(store, kind, number)
        if target is not None:
            return Lookup(target, moved=True)
        raise NotFound(f"no {kind} with id {raw}")
    ext = parse_any_id(raw)
    if ext is None:
        raise InputError(f"'{raw}' is not a recognised {kind} id (ours like {public_id(kind, 1)}, or a DOI, ORCID, OpenAlex or other known id)")
    number = queries.find_by_external_id(store, kind, ext.scheme, ext.value)
    if number is None:
        raise NotFound(f"no {kind} with {ext.scheme} {ext.value}")
    return Lookup(number, moved=False)
