"""Read the recorded Hugging Face daily papers list in ../shared/data/hf and check the works."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from peerscope.normalize import hf as normalizer
from peerscope.normalize.records import ClaimHint, ExternalId, SignalRecord, WorkRecord
from peerscope.normalize.registry import renormalize
from peerscope.sources import hf

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "hf"
LIST = DATA / "daily_papers_2024-10-25.json"
DAY = date(2024, 10, 25)

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not LIST.is_file(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]


@pytest.fixture(scope="module")
def works() -> dict[str, WorkRecord]:
    out: dict[str, WorkRecord] = {}
    for page in hf.read(DATA):
        for payload in page.payloads:
            work = normalizer.normalize(payload.data, payload.retrieved_at, payload.where)
            assert renormalize("hf", payload.raw, payload.retrieved_at, payload.where) == work
            out[work.provenance.source_id] = work
    return out


def test_twenty_nine_preprints(works: dict[str, WorkRecord]) -> None:
    assert len(works) == 29
    assert all(w.type == "preprint" and w.ids == (ExternalId("arxiv", k),) for k, w in works.items())
    assert all(w.provenance.source == "hf" for w in works.values())
    assert all(w.locations == () and w.abstract for w in works.values())
    assert list(works)[:3] == ["2410.17243", "2410.16251", "2410.18533"]  # the list's order


def test_titles_and_dates(works: dict[str, WorkRecord]) -> None:
    first = works["2410.17243"]
    assert first.title == "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss"  # newline collapsed
    assert first.publication_date == date(2024, 10, 22) and first.publication_year == 2024
    assert first.abstract is not None and first.abstract.startswith("Contrastive loss is a powerful approach for representation learning, where larger")
    assert "\n" not in first.abstract
    assert works["2410.18538"].title == "SMITE: Segment Me In TimE"
    assert works["2410.16251"].title == "Can Knowledge Editing Really Correct Hallucinations?"
    assert works["2410.15580"].publication_date == date(2024, 10, 21)


def test_bylines_in_order(works: dict[str, WorkRecord]) -> None:
    assert [a.raw_author_name for a in works["2410.17243"].authorships] == [
        "Zesen Cheng", "Hang Zhang", "Kehan Li", "Sicong Leng", "Zhiqiang Hu", "Fei Wu", "Deli Zhao", "Xin Li", "Lidong Bing",
    ]
    assert [a.raw_author_name for a in works["2410.18441"].authorships] == ["Fulu Li"]
    assert [a.position for a in works["2410.18572"].authorships] == list(range(11))
    assert sum(len(w.authorships) for w in works.values()) == 191
    assert all(a.author.ids == () for w in works.values() for a in w.authorships)


def test_signals_of_the_day(works: dict[str, WorkRecord]) -> None:
    assert works["2410.17243"].signals == (
        SignalRecord("hf", "upvotes", 64, DAY),
        SignalRecord("hf", "comments", 3, DAY),
        SignalRecord("hf", "featured", 1, DAY, actor="ClownRat"),
    )
    def signal(arxiv: str, kind: str) -> SignalRecord:
        return next(s for s in works[arxiv].signals if s.kind == kind)

    assert (signal("2410.18798", "upvotes").value, signal("2410.18798", "comments").value) == (17, 5)
    assert signal("2410.18234", "featured").actor == "mamaj92"
    # one submitter put two papers on the list
    assert Counter(signal(k, "featured").actor for k in works)["brando"] == 2
    assert all(s.observed_on == DAY for w in works.values() for s in w.signals)


def test_claim_hints(works: dict[str, WorkRecord]) -> None:
    claims = [(k, a.position, a.claim) for k, w in works.items() for a in w.authorships if a.claim]
    assert len(claims) == 49  # 50 claimed slots, one of them hidden
    assert Counter(c.status for _, _, c in claims) == {
        "claimed_verified": 24, "admin_assigned": 20, "extracted_pending": 4, "extracted_confirmed": 1,
    }
    first = works["2410.17243"].authorships
    assert [(a.position, a.claim.account) for a in first if a.claim] == [(0, "ClownRat"), (4, "Zhiqiang007"), (8, "LidongBing")]
    assert first[0].claim == ClaimHint("hf", "ClownRat", "claimed_verified", "Zesen Cheng")
    waffle = works["2410.18362"].authorships
    assert (waffle[0].claim, waffle[1].claim) == (
        ClaimHint("hf", "shanchao", "extracted_pending", "Shanchao Liang"),
        ClaimHint("hf", "jiang719", "extracted_confirmed", "Nan Jiang"),
    )
    # the account's name may differ from the byline's: the hint keeps both apart
    ding = works["2410.18693"].authorships[0]
    assert ding.raw_author_name == "Yuyang Ding" and ding.claim == ClaimHint("hf", "dyyyyyyyy", "claimed_verified", "Ding")
    assert works["2410.16251"].authorships[0].claim == ClaimHint("hf", "BaixHuang", "admin_assigned", "Baixiang Huang")


def test_hidden_slot_keeps_the_byline_without_a_hint(works: dict[str, WorkRecord]) -> None:
    hidden = works["2410.17897"].authorships[0]
    assert hidden.raw_author_name == "Zhanchao Zhou" and hidden.claim is None
    assert len(works["2410.17897"].authorships) == 4
