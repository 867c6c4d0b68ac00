"""Cursor paging: an opaque, signed token carrying the last row's sort values and the sort it
was made for. A token that was altered, or is reused with another sort, is refused (HTTP 400)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import date, datetime
from typing import Any

import orjson

from peerscope.errors import InputError

START = "*"


def _sign(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()[:24]


def _plain(v: Any) -> Any:
    if isinstance(v, datetime):
        return {"dt": v.isoformat()}
    if isinstance(v, date):
        return {"d": v.isoformat()}
    return v


def _typed(v: Any) -> Any:
    if isinstance(v, dict) and len(v) == 1:
        (k, text), = v.items()
        if k == "dt":
            return datetime.fromisoformat(text)
        if k == "d":
            return date.fromisoformat(text)
    return v


def encode(secret: bytes, sort_spec: str, last_row: tuple) -> str:
    body = orjson.dumps([sort_spec, [_plain(v) for v in last_row]])
    return base64.urlsafe_b64encode(body).decode().rstrip("=") + "." + _sign(secret, body)


def decode(secret: bytes, sort_spec: str, token: str) -> tuple | None:
    """The last row of the previous page, or None for ``cursor=*`` (the first page)."""
    if token == START:
        return None
    fault = f"cursor '{token[:60]}' is not a cursor this server issued for this query (start with cursor=*)"
    data, _, sig = token.partition(".")
    try:
        body = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (ValueError, UnicodeEncodeError):
        raise InputError(fault) from None
    if not sig or not hmac.compare_digest(sig.encode("utf-8", "replace"), _sign(secret, body).encode()):
        raise InputError(fault)
    try:
        spec, row = orjson.loads(body)
        values = tuple(_typed(v) for v in row)
    except (ValueError, TypeError):
        raise InputError(fault) from None
    if spec != sort_spec:
        raise InputError(f"cursor: it was made for sort '{spec or 'default'}', not '{sort_spec or 'default'}'; start again with cursor=*")
    return values
