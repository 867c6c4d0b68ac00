"""The packaged arXiv taxonomy agrees with arXiv's own category list (../shared/data/arxiv)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerscope.derive.topics.taxonomy import ARCHIVE_PLACE, SKIPPED_ARCHIVES, categories, hierarchy

LIST = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "arxiv" / "arxiv_categories.json"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not LIST.is_file(), reason=f"recorded data not found at {LIST} (the shared/ folder beside the checkout)"),
]


def test_packaged_categories_match_the_recorded_list() -> None:
    recorded = {(f"{c['archive']}.{c['subject_class']}" if c["subject_class"] else c["archive"]): (c["category_name"], bool(c["active"]))
                for c in json.loads(LIST.read_text(encoding="utf-8"))}
    ours = {c.code: (c.name, c.active) for c in categories()}
    assert ours == recorded


def test_every_recorded_archive_has_a_place_and_every_category_a_node() -> None:
    archives = {c["archive"] for c in json.loads(LIST.read_text(encoding="utf-8"))}
    assert archives - SKIPPED_ARCHIVES <= set(ARCHIVE_PLACE)
    codes = {n.arxiv_code for n in hierarchy()}
    for c in json.loads(LIST.read_text(encoding="utf-8")):
        if c["archive"] in SKIPPED_ARCHIVES:
            continue
        code = f"{c['archive']}.{c['subject_class']}" if c["subject_class"] else c["archive"]
        if code == c["archive"] and c["category_name"] == ARCHIVE_PLACE[code][1]:
            continue  # an archive that is its field (Computer Science) is that field's node
        assert code in codes, code
