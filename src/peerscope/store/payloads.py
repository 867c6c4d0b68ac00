"""Raw payloads at rest: kept exactly as received, compressed with Zstandard when that pays.

A row's ``payload_codec`` says how its ``payload`` column holds the bytes: NULL for the bytes as
received, ``zstd`` for a Zstandard frame of them. The content hash (``payload_hash``) is always
that of the bytes as received, so compression changes nothing a reader or an export sees.
Generated OpenAlex records (about 9 KB of JSON) take about a quarter of their size.
"""

from __future__ import annotations

import threading

import zstandard

from peerscope.errors import InputError

ZSTD = "zstd"
LEVEL = 3
SMALLEST = 512  # bytes below which a payload is kept as it is (a frame would barely save anything)

_local = threading.local()  # (de)compressor objects are not safe to share between threads


def _compressor() -> zstandard.ZstdCompressor:
    c = getattr(_local, "compressor", None)
    if c is None:
        c = _local.compressor = zstandard.ZstdCompressor(level=LEVEL)
    return c


def _decompressor() -> zstandard.ZstdDecompressor:
    d = getattr(_local, "decompressor", None)
    if d is None:
        d = _local.decompressor = zstandard.ZstdDecompressor()
    return d


def pack(payload: bytes) -> tuple[bytes, str | None]:
    """The ``payload`` and ``payload_codec`` column values for bytes as received."""
    if len(payload) < SMALLEST:
        return payload, None
    packed = _compressor().compress(payload)
    return (packed, ZSTD) if len(packed) < len(payload) else (payload, None)


def payload_columns(payload: bytes) -> dict[str, object]:
    packed, codec = pack(payload)
    return {"payload": packed, "payload_codec": codec}


def unpack(stored: bytes | memoryview, codec: str | None, where: str = "raw record") -> bytes:
    """The bytes as received, from a row's ``payload`` and ``payload_codec``."""
    data = bytes(stored)
    if codec is None:
        return data
    if codec != ZSTD:
        raise InputError(f"{where}: unknown payload codec {codec!r} (this version reads none or {ZSTD!r})")
    try:
        return _decompressor().decompress(data)
    except zstandard.ZstdError as exc:
        raise InputError(f"{where}: the stored payload is not a readable {ZSTD} frame ({exc})") from None
