"""The demo's pages as a person sees them, in headless Chromium (Debian's package, via Playwright)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from support.phone import phone_page

from peerscope.store import queries
from peerscope.store import trust as store_trust
from peerscope.store.db import Store

pytestmark = pytest.mark.browser


def test_profile_page_shows_what_a_reader_needs(demo_site: tuple[str, Store], page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, store = demo_site
    author_id = queries.busiest_author(store)
    profile = queries.get_author(store, author_id)
    assert profile is not None and profile.stats is not None
    page.goto(f"{base}/authors/PA{author_id}")
    assert page.locator("h1").inner_text().strip() == profile.display_name
    body = page.locator("body").inner_text()
    # identity, the trust snapshot the demo build computed (score, band, level, claim state, why), counts, actions, graph panel, works
    trust = store_trust.current_snapshot(store, author_id)
    assert trust is not None and "Trust snapshot" in body and "Trust score: not available yet" not in body
    assert f"Trust {trust.score} - {trust.band}" in body and f"Verification {trust.verification_level}" in body and "Unclaimed author" in body
    assert "Why this score" in body and all(f"{c['name'].capitalize()}: {c['points']} of {c['max_points']} points" in body for c in trust.components)
    assert re.search(rf"\b{profile.stats.works_count}\s*works\b", body), "works count shown"
    assert re.search(rf"\b{profile.stats.topics_count}\s*topics\b", body), "topics count shown"
    assert re.search(rf"\b{profile.stats.close_collaborators_count}\s*close\s+collaborators\b", body)
    assert "Research graph" in body and "Published work" in body
    if profile.affiliation:
        assert profile.affiliation.display_name in body
    else:
        assert "Affiliation not imported" in body
    first_work = queries.author_works(store, author_id, 0, 1).items[0]
    assert first_work.title in body
    page.screenshot(path=str(artifacts_dir / "profile.png"), full_page=True)
    # follow the first work's title to its page
    page.get_by_role("link", name=first_work.title, exact=True).first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip() == first_work.title
    assert profile.display_name in page.locator("body").inner_text()
    page.screenshot(path=str(artifacts_dir / "work.png"), full_page=True)


def test_profile_is_readable_on_a_phone(demo_site: tuple[str, Store], browser, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, store = demo_site
    with phone_page(browser) as phone:
        phone.goto(f"{base}/authors/PA{queries.busiest_author(store)}")
        scroll_width = phone.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 375, "no horizontal scrolling on a phone"
        phone.screenshot(path=str(artifacts_dir / "profile-phone.png"), full_page=False)


def test_daily_page_and_search(demo_site: tuple[str, Store], page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, store = demo_site
    page.goto(f"{base}/daily")
    assert re.search(r"/daily/\d{4}-\d{2}-\d{2}$", page.url)
    day = date.fromisoformat(page.url.rsplit("/", 1)[1])
    expected = queries.works_on_day(store, day)
    assert expected, "the latest day has papers"
    body = page.locator("body").inner_text()
    assert expected[0].title in body
    page.screenshot(path=str(artifacts_dir / "daily.png"), full_page=True)
    word = expected[0].title.split()[0]
    page.get_by_role("searchbox").first.fill(word)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search" in page.url
    assert page.locator("main a").count() > 0
    page.screenshot(path=str(artifacts_dir / "search.png"), full_page=True)


def test_no_script_runs_from_harvested_text(demo_site: tuple[str, Store], page) -> None:  # type: ignore[no-untyped-def]
    base, store = demo_site
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    works = queries.list_works(store, 0, 600).items
    marked = [w for w in works if "<" in w.title or "\\" in w.title or "<" in (w.abstract or "")]
    assert marked, "the generated corpus plants titles and abstracts with markup"
    for w in marked[:5]:
        page.goto(f"{base}/works/PW{w.id}")
        assert w.title.strip() in page.locator("h1").inner_text()
    assert dialogs == []


def test_work_page_lists_similar_works_with_reasons(demo_site: tuple[str, Store], page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from peerscope.serve.similar import similar_list
    from peerscope.store import similar as store_similar

    base, store = demo_site
    work_id = store_similar.listed_work_ids(store, 1)[0]  # the demo build derived the lists
    expected = similar_list(store, work_id).items
    assert expected and all(item.reasons for item in expected)
    page.goto(f"{base}/works/PW{work_id}")
    entries = page.locator("#similar ol.similar-list > li")
    assert entries.count() == len(expected)
    for i, item in enumerate(expected):
        text = entries.nth(i).inner_text()
        assert item.title.strip() in text and f"score {item.score:.2f}" in text
        assert all(reason in text for reason in item.reasons)
    page.locator("#similar").screenshot(path=str(artifacts_dir / "work-similar.png"))
    entries.first.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/works/PW{expected[0].work_id}")
    assert page.locator("h1").inner_text().strip() == expected[0].title.strip()
