"""The research graph explorer and the profile's graph panel on the demo, in headless Chromium."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from peerscope.serve.web.graph import VENDOR_JS
from peerscope.store import queries
from peerscope.store.db import Store

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def drawing_library() -> None:
    if not VENDOR_JS.is_file():
        pytest.fail(f"{VENDOR_JS} is missing: run `make install` (it bundles Sigma.js and graphology from npm)", pytrace=False)


GRAPH = "document.getElementById('graph-explorer').graph"


def _pixels_of(png: bytes, colour: str, tolerance: int = 14) -> int:
    """Pixels of a screenshot within ``tolerance`` of a colour (antialiased edges blend)."""
    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    raw = Image.open(io.BytesIO(png)).convert("RGB").tobytes()
    counts = Counter(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))
    return sum(n for rgb, n in counts.items() if all(abs(a - b) <= tolerance for a, b in zip(rgb, want, strict=True)))


def _ready(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_selector("#graph-explorer[data-ready='1']")


def _count(page, kind: str = "") -> int:  # type: ignore[no-untyped-def]
    return page.evaluate(f"{GRAPH}.count({kind!r})")


def _shown(page, kind: str = "") -> int:  # type: ignore[no-untyped-def]
    """Nodes the filters leave in the graph drawn."""
    return page.evaluate(f"{GRAPH}.shown({kind!r})")


def _drawn(page, kind: str) -> int:  # type: ignore[no-untyped-def]
    """Nodes the renderer itself drew at its last refresh (its display data, not our filter state)."""
    return page.evaluate(f"{GRAPH}.drawn({kind!r})")


def test_profile_panel_opens_the_explorer(demo_site: tuple[str, Store], page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, store = demo_site
    author = queries.busiest_author(store)
    page.goto(f"{base}/authors/PA{author}")
    panel = page.locator("section.panel--graph")
    for heading in ("Papers", "People", "Topics"):
        assert panel.get_by_role("heading", name=heading).count() == 1
    assert panel.locator("ul.nearby a").count() >= 6
    assert "joint work" in panel.inner_text()
    panel.screenshot(path=str(artifacts_dir / "profile-graph-panel.png"))
    panel.get_by_role("link", name="Open full explorer").click()
    page.wait_for_url(f"**/graph/PA{author}")
    _ready(page)
    assert _count(page) > 20


def test_explorer_loads_expands_filters_finds_and_navigates(demo_site: tuple[str, Store], page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, store = demo_site
    author = queries.busiest_author(store)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    asked: list[str] = []
    page.on("request", lambda req: asked.append(req.url) if "/api/graph/" in req.url else None)
    page.goto(f"{base}/graph/PA{author}?depth=1&limit=12")
    _ready(page)
    before = _count(page)
    assert before > 5
    assert asked == [], "the first drawing reads the page's own data block, not the API"
    assert page.locator("#graph-fallback").count() == 0, "the no-JS note gives way to the drawing"
    drawing = page.locator("#graph-canvas").screenshot()
    for kind, colour in (("author", "#b3541e"), ("work", "#0b5cad")):
        assert _pixels_of(drawing, colour) > 40, f"no {kind} node reached the screen"
    page.screenshot(path=str(artifacts_dir / "explorer.png"), full_page=True)

    # expand: click a first-ring co-author on the canvas
    box = page.locator("#graph-canvas").bounding_box()
    target = page.evaluate(f"""() => {{ const g = {GRAPH}; const n = g.nodes('author', 1)[0];
        const p = g.screen(n.id); return {{id: n.id, x: p.x, y: p.y}}; }}""")
    page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    page.wait_for_selector("#graph-explorer[data-expanded='1']")
    assert len(asked) == 1 and f"/api/graph/{target['id']}?depth=1" in asked[0]
    assert _count(page) > before, "the clicked node's neighbourhood was added"
    assert page.locator("#graph-details h2").inner_text().strip() == page.evaluate(f"{GRAPH}.label({target['id']!r})")
    page.screenshot(path=str(artifacts_dir / "explorer-expanded.png"), full_page=True)

    # filter: hide people; only the centre stays among them
    authors = _count(page, "author")
    page.get_by_label("People").uncheck()
    assert _shown(page, "author") == 1
    assert page.get_attribute("#graph-explorer", "data-visible-nodes") == str(_shown(page))
    assert _drawn(page, "author") == 1, "the renderer hid them too"
    page.get_by_label("People").check()
    assert _shown(page, "author") == authors > 1
    assert _drawn(page, "author") == authors
    page.fill("#year-from", "2100")
    page.dispatch_event("#year-from", "change")
    assert _shown(page, "work") == 0 and _drawn(page, "work") == 0
    page.fill("#year-from", "")
    page.dispatch_event("#year-from", "change")

    # search a node by part of its label, then the path from it to the centre
    work = page.evaluate(f"{GRAPH}.nodes('work')[0]")
    page.fill("#graph-search-input", work["name"][:25])
    page.locator("#graph-search button").click()
    assert page.locator("#graph-details h2").inner_text().strip() == work["name"]
    page.get_by_role("button", name="Path from here").click()
    page.evaluate(f"{GRAPH}.tap('PA{author}')")
    page.get_by_role("button", name="Path to here").click()
    page.wait_for_selector("#graph-explorer[data-path-length]")
    assert int(page.get_attribute("#graph-explorer", "data-path-length")) >= 2
    assert "→" in page.locator("#graph-path-text").inner_text()
    page.screenshot(path=str(artifacts_dir / "explorer-path.png"), full_page=True)

    # click through to the work's page
    page.fill("#graph-search-input", work["id"])
    page.locator("#graph-search button").click()
    page.locator("#graph-open").click()
    page.wait_for_url(f"**{work['url']}")
    assert page.locator("h1").inner_text().strip() == work["name"]
    assert not errors, errors


def test_explorer_reads_as_a_list_without_javascript(demo_site: tuple[str, Store], browser, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, store = demo_site
    author = queries.busiest_author(store)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{base}/graph/PA{author}")
        assert "needs JavaScript" in page.locator("#graph-fallback").inner_text()
        listed = page.locator("#graph-list li a")
        assert listed.count() > 20
        page.get_by_label("Topics").uncheck()  # the filter form still works, as a plain GET
        page.get_by_role("button", name="Apply").click()
        page.wait_for_load_state()
        assert "kinds=" in page.url and "kinds=topic" not in page.url
        assert "Topics (" not in page.locator("#graph-list").inner_text()
        page.screenshot(path=str(artifacts_dir / "explorer-no-js.png"), full_page=True)
    finally:
        context.close()
