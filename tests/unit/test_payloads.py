"""Raw payloads at rest: any bytes come back exactly; what is stored compressed says so."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.store.payloads import SMALLEST, ZSTD, pack, payload_columns, unpack


@given(st.binary(max_size=4096) | st.text(max_size=3000).map(lambda t: (t * 3).encode()))
def test_any_payload_comes_back_exactly(payload: bytes) -> None:
    stored, codec = pack(payload)
    assert unpack(stored, codec) == payload
    assert codec in (None, ZSTD)
    if codec is None:
        assert stored == payload  # kept as received: small, or not smaller compressed
    else:
        assert len(stored) < len(payload)


def test_json_records_rest_compressed_and_small_ones_as_they_are() -> None:
    record = b'{"id": "https://openalex.org/W1", "title": "' + b"graph neural networks " * 200 + b'"}'
    columns = payload_columns(record)
    assert columns["payload_codec"] == ZSTD and len(columns["payload"]) < len(record) / 4  # type: ignore[arg-type]
    assert payload_columns(b'{"id": 1}') == {"payload": b'{"id": 1}', "payload_codec": None}
    assert pack(b"x" * (SMALLEST - 1))[1] is None


def test_an_unknown_codec_or_a_damaged_frame_is_named() -> None:
    with pytest.raises(InputError, match="raw record 7: unknown payload codec 'lz9'"):
        unpack(b"abc", "lz9", "raw record 7")
    stored, codec = pack(b"{}" * 1000)
    with pytest.raises(InputError, match="raw record 8: the stored payload is not a readable zstd frame"):
        unpack(stored[:10], codec, "raw record 8")
