"""Hugging Face daily-papers entries -> WorkRecord: byline, claim hints, signals, the list's day."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.normalize import hf
from peerscope.normalize.names import clean_name
from peerscope.normalize.records import ClaimHint, ExternalId, SignalRecord, WorkRecord
from peerscope.normalize.registry import renormalize
from peerscope.sources import hf as hf_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hf"
WHEN = datetime(2026, 1, 1)


def entries() -> list[dict[str, Any]]:
    return orjson.loads((FIXTURES / "daily_papers_2025-01-15.json").read_bytes())


def test_entry_to_preprint() -> None:
    w = hf.normalize(entries()[0], WHEN, "e#1")
    assert w.ids == (ExternalId("arxiv", "2501.01234"),)
    assert w.provenance.source == "hf" and w.provenance.source_id == "2501.01234"
    assert w.title == "Trust graphs for preprint claims"  # whitespace collapsed
    assert w.abstract == "We study how claims on preprint bylines can be checked."
    assert w.type == "preprint"
    assert (w.publication_date, w.publication_year) == (date(2025, 1, 13), 2025)
    assert w.locations == ()


def test_byline_in_order_with_claim_hints() -> None:
    w = hf.normalize(entries()[0], WHEN, "e#1")
    assert [(a.position, a.raw_author_name) for a in w.authorships] == [
        (0, "Ada Lovelace-Ng"), (1, "Bo Müller"), (2, "Cai Wen"), (3, "Dee Hidden"), (4, "Eve Extracted"),
    ]
    assert all(a.author.ids == () and a.author.display_name == a.raw_author_name for a in w.authorships)
    claims = [a.claim for a in w.authorships]
    assert claims == [
        ClaimHint("hf", "adaln", "claimed_verified", "Ada Lovelace-Ng"),
        None,
        ClaimHint("hf", "caiwen", "admin_assigned", "Cai W."),
        None,  # hidden: the byline stays, the hint goes
        ClaimHint("hf", "evee", "extracted_pending", "Eve E"),
    ]


def test_signals_on_the_lists_day_else_the_listing_date() -> None:
    entry = entries()[0]
    with_day = hf.normalize({**entry, hf.DAY_KEY: "2025-01-14"}, WHEN, "e")
    assert with_day.signals == (
        SignalRecord("hf", "upvotes", 42, date(2025, 1, 14)),
        SignalRecord("hf", "comments", 3, date(2025, 1, 14)),
        SignalRecord("hf", "featured", 1, date(2025, 1, 14), actor="adaln"),
    )
    without = hf.normalize(entry, WHEN, "e")
    assert {s.observed_on for s in without.signals} == {date(2025, 1, 15)}  # the entry's publishedAt


def test_version_dropped_empty_summary_and_zero_counts() -> None:
    w = hf.normalize(entries()[1], WHEN, "e#2")
    assert w.id_of("arxiv") == "2501.05678"
    assert w.abstract is None
    assert [(s.kind, s.value, s.actor) for s in w.signals] == [("upvotes", 0, None), ("comments", 0, None), ("featured", 1, "gusp")]


def test_bare_paper_object() -> None:
    w = hf.normalize(entries()[0]["paper"], WHEN, "p")
    assert w.id_of("arxiv") == "2501.01234" and len(w.authorships) == 5
    assert [s.kind for s in w.signals] == ["upvotes"]
    assert all(s.observed_on is None for s in w.signals)


def test_stored_bytes_alone_give_the_same_record() -> None:
    raw = hf_source.with_day(entries()[0], date(2025, 1, 15))
    assert renormalize("hf", raw, WHEN, "e") == hf.normalize(hf.decode(raw), WHEN, "e")
    assert renormalize("hf", raw, WHEN, "e").signals[0].observed_on == date(2025, 1, 15)


def test_the_day_key_is_shared_with_the_reader() -> None:
    assert hf.DAY_KEY == hf_source.DAY_KEY


@pytest.mark.parametrize(
    "data,field",
    [
        ([], "expected a JSON object"),
        ({"title": "x"}, "'paper'"),
        ({"paper": "x"}, "'paper'"),
        ({"paper": {"title": "x"}}, "'paper.id'"),
        ({"paper": {"id": "not-an-id", "title": "x"}}, "'paper.id'"),
        ({"paper": {"id": "2501.01234", "title": "  "}}, "'paper.title'"),
    ],
)
def test_missing_fields_are_named(data: Any, field: str) -> None:
    with pytest.raises(InputError) as err:
        hf.normalize(data, WHEN, "daily.json#4")
    assert err.value.message.startswith("daily.json#4: ") and field in err.value.message


def test_decode_refuses_bad_json() -> None:
    with pytest.raises(InputError):
        hf.decode(b"[{")


# -- properties ---------------------------------------------------------------------------------

user_st = st.none() | st.fixed_dictionaries(
    {"user": st.text(min_size=0, max_size=8), "fullname": st.text(max_size=8)}
)
author_st = st.fixed_dictionaries(
    {"name": st.text(max_size=12), "hidden": st.booleans()},
    optional={"user": user_st, "status": st.sampled_from(["claimed_verified", "admin_assigned", "extracted_pending"])},
)


@settings(max_examples=200)
@given(st.lists(author_st, max_size=8))
def test_positions_follow_the_byline_and_hints_need_a_visible_account(authors: list[dict[str, Any]]) -> None:
    entry = {"paper": {"id": "2501.00001", "title": "T", "authors": authors}, "publishedAt": "2025-01-02T00:00:00Z"}
    w = hf.normalize(entry, WHEN, "e")
    assert [a.position for a in w.authorships] == list(range(len(w.authorships)))
    assert len(w.authorships) <= len(authors)
    named = [a for a in authors if clean_name(a["name"]) or (isinstance(a.get("user"), dict) and clean_name(a["user"]["fullname"]))]
    assert len(w.authorships) == len(named)
    for record, raw in zip(w.authorships, named):
        user = raw.get("user")
        visible_account = isinstance(user, dict) and user["user"].strip() and not raw["hidden"]
        assert (record.claim is not None) == bool(visible_account)
        if record.claim:
            assert record.claim.account == user["user"].strip() and record.claim.status == raw.get("status")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["paper", "id", "title", "authors", "name", "user", "hidden", "upvotes", "numComments",
                                       "submittedBy", "publishedAt", "summary", "status", "fullname", hf.DAY_KEY]), inner, max_size=6),
    max_leaves=25,
)


@settings(max_examples=300)
@given(json_values)
def test_arbitrary_structures_give_a_record_or_input_error(data: Any) -> None:
    try:
        result = hf.normalize(data, WHEN, "x")
    except InputError:
        return
    assert isinstance(result, WorkRecord) and result.id_of("arxiv")


@settings(max_examples=100)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_any_listed_day_survives_storage(day: date) -> None:
    raw = hf_source.with_day(entries()[1], day)
    w = hf.normalize(hf.decode(raw), WHEN, "e")
    assert {s.observed_on for s in w.signals} == {day}
