"""Parsers of OpenAlex's list parameters into the store's query nodes.

``filter=a:1,b:x|y,c:!z,d:>5,e:2000-2010,from_publication_date:2024-01-01,title.search:graph``
``,`` joins clauses with AND; in a value ``|`` is OR, ``+`` is AND, ``!`` is NOT, ``<``/``>`` are
strict bounds and ``a-b`` an inclusive range for numbers; ``null`` / ``!null`` test presence.
Any input yields a result or an ``InputError`` whose message names the parameter and the fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from peerscope.errors import InputError
from peerscope.normalize.ids import parse_any_id
from peerscope.serve.api.openalex.registry import Entity, Field
from peerscope.serve.ids import parse_public_id
from peerscope.store.oa_query import FIELDS, Clause, IdRef, Order, Term

MAX_CLAUSES = 50
MAX_TERMS = 100
_NUMBER = re.compile(r"^-?\d{1,15}$")
_RANGE = re.compile(r"^(-?\d{1,15})?-(-?\d{1,15})?$")


@dataclass(frozen=True, slots=True)
class Search:
    """A ``.search`` filter: text matched by the entity's search (titles or names)."""

    field: Field
    text: str


def _canonical(name: str) -> str:
    # OpenAlex accepts hyphenated versions of every field name
    return name.strip().replace("-", "_")


def lookup_field(entity: Entity, raw: str, action: str, param: str) -> Field:
    name = _canonical(raw)
    found = entity.field(name)
    if found is None or action not in found.actions:
        what = "a valid field" if found is None else f"a field that supports {action}"
        raise InputError(f"{param}: '{raw}' is not {what} for {entity.name}. Valid fields: {', '.join(entity.names_for(action))}")
    return found


def _number(f: Field, text: str) -> int:
    if not _NUMBER.match(text):
        raise InputError(f"filter: {f.name} takes a number, got '{text}'")
    return int(text)


def _date(f: Field, text: str) -> date | datetime:
    try:
        if f.type == "datetime" and "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"filter: {f.name} takes a date (YYYY-MM-DD), got '{text}'") from None


def _boolean(f: Field, text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise InputError(f"filter: {f.name} takes true or false, got '{text}'")
    return lowered == "true"


def _id(f: Field, entity_kind: str, text: str) -> IdRef:
    kind = id_kind(f, entity_kind)
    own = parse_public_id(text)
    if own is not None:
        if own[0] != kind:
            raise InputError(f"filter: {f.name} takes {kind} ids, got the {own[0]} id '{text}'")
        return IdRef(kind, number=own[1])
    ext = parse_any_id(text)
    if ext is None:
        raise InputError(f"filter: {f.name} takes {kind} ids (ours, OpenAlex's or another known id), got '{text}'")
    return IdRef(kind, scheme=ext.scheme, value=ext.value)


def id_kind(f: Field, entity_kind: str) -> str:
    """The kind of entity an id-valued field names (``authorships.author.id`` names authors)."""
    return FIELDS[f.key].id_kind or entity_kind


def _string(f: Field, text: str) -> str:
    if f.choices:
        allowed = {c.lower(): c for c in f.choices}
        if text.lower() not in allowed:
            raise InputError(f"filter: {f.name} must be one of {', '.join(f.choices)}, got '{text}'")
        return allowed[text.lower()]
    if f.key.endswith(".doi"):
        ext = parse_any_id(text)
        return ext.value if ext is not None and ext.scheme == "doi" else text.lower()
    if f.key.endswith(".ror"):
        ext = parse_any_id(text)
        return ext.value if ext is not None and ext.scheme == "ror" else text
    if f.key.endswith(".orcid"):
        ext = parse_any_id(text)
        return ext.value if ext is not None and ext.scheme == "orcid" else text
    return text.lower() if f.case == "lower" else text.upper() if f.case == "upper" else text


def _term(f: Field, entity_kind: str, raw: str) -> Term:
    text = raw.strip()
    negate = text.startswith("!")
    if negate:
        text = text[1:].strip()
    if not text:
        raise InputError(f"filter: {f.name} has an empty value")
    if text.lower() == "null":
        return Term("notnull" if negate else "null")
    if f.bound is not None:
        if negate:
            raise InputError(f"filter: {f.name} cannot be negated with '!'")
        return Term("ge" if f.bound == "from" else "le", _date(f, text))
    if f.type in ("number",):
        if text[0] in "<>":
            if negate:
                raise InputError(f"filter: {f.name} cannot combine '!' with '{text[0]}'")
            return Term("lt" if text[0] == "<" else "gt", _number(f, text[1:].strip()))
        m = _RANGE.match(text)
        if m and not _NUMBER.match(text):
            if negate:
                raise InputError(f"filter: {f.name} cannot negate a range")
            low, high = m.group(1), m.group(2)
            if low is None and high is None:
                raise InputError(f"filter: {f.name} has an empty range '{text}'")
            if low is None:
                return Term("le", int(high))
            if high is None:
                return Term("ge", int(low))
            return Term("range", int(low), int(high))
        return Term("ne" if negate else "eq", _number(f, text))
    if f.type in ("date", "datetime"):
        return Term("ne" if negate else "eq", _date(f, text))
    if f.type == "boolean":
        return Term("eq", _boolean(f, text) != negate)
    if f.type == "openalex_id":
        return Term("ne" if negate else "eq", _id(f, entity_kind, text))
    return Term("ne" if negate else "eq", _string(f, text))


def parse_filter(entity: Entity, raw: str | None) -> tuple[tuple[Clause, ...], tuple[Search, ...]]:
    """``filter=`` into AND-ed clauses, and the ``.search`` filters among them."""
    if raw is None:
        return (), ()
    if not raw.strip():
        raise InputError("filter: the value is empty; use filter=field:value[,field:value]")
    parts = raw.split(",")
    if len(parts) > MAX_CLAUSES:
        raise InputError(f"filter: at most {MAX_CLAUSES} clauses, got {len(parts)}")
    clauses: list[Clause] = []
    searches: list[Search] = []
    for part in parts:
        name, sep, value = part.partition(":")
        if not sep:
            raise InputError(f"filter: '{part}' has no ':' between the field and the value")
        f = lookup_field(entity, name, "filter" if not _canonical(name).endswith(".search") else "search", "filter")
        if f.type == "search":
            if not value.strip():
                raise InputError(f"filter: {f.name} has an empty value")
            searches.append(Search(f, value.strip()))
            continue
        join = "or" if "|" in value else "and"
        pieces = value.split("|") if join == "or" else value.split("+")
        if len(pieces) > MAX_TERMS:
            raise InputError(f"filter: {f.name} takes at most {MAX_TERMS} values, got {len(pieces)}")
        if join == "or" and any(p.strip().startswith("!") for p in pieces) and len(pieces) > 1:
            raise InputError(f"filter: {f.name} cannot mix '!' into an OR list ('|'); use separate clauses")
        terms = tuple(_term(f, entity.kind, p) for p in pieces)
        clauses.append(Clause(f.key, terms, join))
    return tuple(clauses), tuple(searches)


def parse_sort(entity: Entity, raw: str | None) -> tuple[Order, ...]:
    if raw is None:
        return ()
    orders = []
    for part in raw.split(","):
        name, _, direction = part.partition(":")
        if direction not in ("", "asc", "desc"):
            raise InputError(f"sort: direction '{direction}' of '{part}' must be asc or desc")
        found = entity.field(_canonical(name))
        if found is None or "sort" not in found.actions:
            raise InputError(f"sort '{part}' is not supported for {entity.name}; sortable fields: {', '.join(entity.names_for('sort'))} (optionally :desc)")
        orders.append(Order(found.key, direction == "desc"))
    if len({o.key for o in orders}) != len(orders):
        raise InputError(f"sort: '{raw}' names a field twice")
    return tuple(orders)


def parse_group_by(entity: Entity, raw: str) -> Field:
    name = raw.split(":", 1)[0]  # ":include_unknown" is accepted; unknown values are left out
    if not name.strip():
        raise InputError("group_by: the value is empty; name a field")
    return lookup_field(entity, name, "group_by", "group_by")


def parse_select(allowed: set[str], raw: str | None) -> tuple[str, ...] | None:
    if raw is None:
        return None
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    if not names:
        raise InputError("select: the value is empty; name top-level fields separated by commas")
    bad = [n for n in names if n not in allowed]
    if bad:
        raise InputError(f"select: {', '.join(bad)} is not a field you can select. Valid fields: {', '.join(sorted(allowed))}")
    return names
