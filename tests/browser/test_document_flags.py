"""A document's integrity flags as a reader sees them on the work page and the author profile,
in headless Chromium: the kind, the summary, the evidence, and that it is a signal, not a verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.server import run_uvicorn

from peerscope.cli import cli
from peerscope.config import Settings
from peerscope.pipeline import ingest_openalex
from peerscope.serve.app import create_app
from peerscope.store.db import Store

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "openalex" / "sample_works.jsonl"
PHRASE = "counterfeit consciousness"


@pytest.fixture(scope="module")
def flagged_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, int, str]]:
    data_dir = tmp_path_factory.mktemp("flags")
    settings = Settings(data_dir=data_dir)
    store = Store(settings.resolved_database_url)
    store.upgrade()
    ingest_openalex(store, [SAMPLE])
    with store.connect() as conn:
        wid, title = conn.exec_driver_sql("select id, title from works order by id").first()
        aid, name = conn.exec_driver_sql(
            "select min(author_id), name from author_names where replace(name, '.', '') = name"
            " group by name having count(distinct author_id) = 1 order by min(author_id)"
        ).first()
    document = data_dir / "flagged.txt"
    document.write_text(
        f"{title}\n\n{name}\nDepartment of Physics, University of Bologna\n\nAbstract\n"
        f"We apply {PHRASE} and profound learning to irregular woodland models.\n\n1 Introduction\nText.\n"
    )
    result = CliRunner().invoke(cli, ["ingest", "document", str(document), "--database-url", store.describe(), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "tortured_phrases" in {f["kind"] for f in json.loads(result.output)["flags"]}
    with run_uvicorn(create_app(settings, store=store)) as base:
        yield base, int(wid), int(aid), name
    store.dispose()


def _check_flag_section(page) -> None:  # type: ignore[no-untyped-def]
    section = page.locator("section#flags")
    assert section.is_visible()
    assert section.locator("h2").inner_text().strip() == "Integrity flags"
    assert "A flag is a signal with evidence, not a verdict." in section.inner_text()
    flag = section.locator("li.flag", has_text="tortured phrases").first
    assert "known paraphrase or generated-text fingerprints: " in flag.inner_text() and flag.locator(".badge").inner_text() in {"low", "medium", "high"}
    evidence = flag.locator("details")
    assert not evidence.locator("ul").is_visible(), "evidence folded until asked for"
    evidence.locator("summary").click()
    assert evidence.locator("ul").is_visible()
    assert PHRASE in evidence.locator("ul").inner_text()


def test_flags_on_the_work_page_and_the_profile(flagged_site: tuple[str, int, int, str], page, artifacts_dir: Path) -> None:  # type: ignore[no-untyped-def]
    base, wid, aid, name = flagged_site
    page.goto(f"{base}/works/PW{wid}")
    _check_flag_section(page)
    page.locator("section#flags").screenshot(path=str(artifacts_dir / "work-flags.png"))
    page.screenshot(path=str(artifacts_dir / "work-with-flags.png"), full_page=True)

    page.goto(f"{base}/authors/PA{aid}")
    assert page.locator("h1").inner_text().strip() == name
    _check_flag_section(page)
    page.screenshot(path=str(artifacts_dir / "profile-with-flags.png"), full_page=True)
