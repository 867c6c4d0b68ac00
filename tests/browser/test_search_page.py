"""The search page as a person uses it, in headless Chromium: a search, a facet, paging, the
researchers' trust badges with their verification level, and a phone's width."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from support.phone import phone_page
from support.server import run_uvicorn

from peerscope.config import Settings
from peerscope.demo import build_demo
from peerscope.derive.trust.run import derive_trust
from peerscope.index.query import words_of
from peerscope.serve.app import create_app
from peerscope.store import queries
from peerscope.store.db import Store

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Store]]:
    data_dir = tmp_path_factory.mktemp("search-demo")
    settings = Settings(data_dir=data_dir, search_embedder="hashed")
    build_demo(settings, works=600, seed=5, end_date=date(2026, 6, 30))
    store = Store(settings.resolved_database_url)
    derive_trust(store)
    with run_uvicorn(create_app(settings, store=store)) as base:
        yield base, store
    store.dispose()


def _common_word(store: Store) -> str:
    counts = Counter(w for item in queries.list_works(store, 0, 600).items for w in set(words_of(item.title)) if len(w) > 4)
    return counts.most_common(1)[0][0]


def _total(page) -> int:  # type: ignore[no-untyped-def]
    heading = page.locator("#results-heading").inner_text()
    return int(re.match(r"([\d,]+) results?", heading).group(1).replace(",", ""))


def test_search_facets_paging_and_badges(search_site: tuple[str, Store], page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, store = search_site
    word = _common_word(store)
    page.goto(f"{base}/search")
    page.get_by_label("Words from the title, abstract, authors or venue").fill(word)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    total = _total(page)
    assert total > 20, "enough results for two pages"
    assert page.locator("ol.work-list > li").count() == 20
    # researchers' trust badges carry the verification level
    badges = page.locator(".trust-badge")
    assert badges.count() > 0
    assert re.search(r"Trust \d+ · \w+ · L[0-3]", badges.first.inner_text())
    page.screenshot(path=str(artifacts_dir / "search-results.png"), full_page=True)
    # a facet narrows the results to exactly its count, and says it is on
    facet = page.locator("#facet-type + ul li").first
    label = facet.locator("a").inner_text().strip()
    count = int(facet.locator(".chip__count").inner_text().replace(",", ""))
    with page.expect_navigation():
        facet.locator("a").click()
    assert "type=" in page.url and _total(page) == count
    assert page.locator("#facet-type + ul a[aria-current='true']").inner_text().strip().endswith(label)
    with page.expect_navigation():
        page.get_by_role("link", name="Clear all filters").click()
    assert _total(page) == total
    # paging
    with page.expect_navigation():
        page.get_by_role("link", name="Next page").click()
    assert "page=2" in page.url
    assert "showing 21–40" in page.locator("#results-heading").inner_text()
    # sorting by citations keeps the results and orders them
    with page.expect_navigation():
        page.get_by_role("link", name="Most cited").click()
    assert _total(page) == total and "sort=citations" in page.url
    cited = [int(re.sub(r"\D", "", t)) for t in page.locator(".search-hit .work-card__meta .meta-text").all_inner_texts() if "citation" in t]
    assert cited == sorted(cited, reverse=True)


def test_search_page_on_a_phone(search_site: tuple[str, Store], browser, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, store = search_site
    with phone_page(browser) as phone:
        phone.goto(f"{base}/search?q={_common_word(store)}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        phone.screenshot(path=str(artifacts_dir / "search-phone.png"), full_page=False)
