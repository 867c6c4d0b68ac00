"""Test infrastructure: PostgreSQL, headless Chromium, artifacts, run checks.

Application fixtures live in the conftest.py files of the sub-folders.

Environment variables:
  PEERSCOPE_TEST_POSTGRES_URL   use this existing server (superuser URL, e.g.
                                postgresql://postgres:pw@127.0.0.1:5432/postgres)
                                instead of starting a private cluster
  PEERSCOPE_PG_BINDIR           directory with initdb/pg_ctl/postgres
  PEERSCOPE_REQUIRE_POSTGRES=1  fail (instead of skip) when no PostgreSQL
  PEERSCOPE_CHROMIUM            Chromium executable (default /usr/bin/chromium)
  PEERSCOPE_REQUIRE_BROWSER=1   fail (instead of skip) when no Chromium
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from hypothesis import settings as hypothesis_settings  # noqa: E402

# Property tests: no per-example deadline (shared machines stall), and a fixed example stream in
# CI so a run is reproducible; locally each run explores new examples.
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent

# Make ``import support...`` work whatever the import mode or working directory.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from support.postgres import (  # noqa: E402
    ExistingServer,
    PostgresServer,
    PostgresUnavailable,
    start_temp_cluster,
)

CHROMIUM_CANDIDATES = ("/usr/bin/chromium",)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # the explorer draws with WebGL: without a GPU, Chromium's software renderer (SwiftShader)
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

POSTGRES_HELP = (
    "Install the PostgreSQL server (Debian/Ubuntu: `sudo apt-get install postgresql`, "
    "or run `sudo scripts/install-system-deps.sh`), or set PEERSCOPE_TEST_POSTGRES_URL "
    "to a server URL with a superuser, e.g. "
    "postgresql://postgres:secret@127.0.0.1:5432/postgres"
)
BROWSER_HELP = (
    "Install Debian's Chromium (`sudo apt-get install chromium`, or run "
    "`sudo scripts/install-system-deps.sh`), or set PEERSCOPE_CHROMIUM to a Chromium "
    "executable. Browsers are never downloaded by the tests."
)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _unavailable(require_var: str, message: str) -> NoReturn:
    """Skip, or fail when ``require_var`` says the resource is mandatory."""
    if _env_flag(require_var):
        pytest.fail(f"{message} ({require_var} is set, so this is an error)", pytrace=False)
    pytest.skip(message)


# ---------------------------------------------------------------------------
# markers and run checks
# ---------------------------------------------------------------------------

def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; repeated so this file works on its own.
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server")
    config.addinivalue_line("markers", "browser: needs headless Chromium")


_POSTGRES_FIXTURES = {"postgres_server", "postgres_url"}
_BROWSER_FIXTURES = {"chromium_executable", "browser", "page"}


@pytest.hookimpl(tryfirst=True)  # before -m deselection looks at the markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests using the PostgreSQL/browser fixtures get the matching marker,
    so ``-m "not postgres"`` / ``-m "not browser"`` deselect them."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & _POSTGRES_FIXTURES and item.get_closest_marker("postgres") is None:
            item.add_marker(pytest.mark.postgres)
        if names & _BROWSER_FIXTURES and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)


_no_tests_collected = False


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no tests is a failure (exit code 5), never a pass."""
    global _no_tests_collected
    if session.config.option.collectonly:
        return
    if session.testscollected == 0 and exitstatus in (
        pytest.ExitCode.OK,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    ):
        _no_tests_collected = True
        session.exitstatus = pytest.ExitCode.NO_TESTS_COLLECTED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if _no_tests_collected:
        terminalreporter.write_line(
            "ERROR: no tests were collected; this run counts as a failure.",
            red=True,
            bold=True,
        )


# Playwright's sync API keeps its event loop marked as "running" in the main
# thread for as long as it is started, which breaks asyncio.run() and friends.
# The browser is session-wide, so hide that loop while tests that do not use the
# browser run, and put it back afterwards.
_playwright_loop: asyncio.AbstractEventLoop | None = None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    hidden = None
    uses_browser = bool(set(getattr(item, "fixturenames", ())) & {"browser", "page"})
    if not uses_browser and _playwright_loop is not None:
        if asyncio._get_running_loop() is _playwright_loop:
            hidden = _playwright_loop
            asyncio._set_running_loop(None)
    try:
        return (yield)
    finally:
        if hidden is not None and _playwright_loop is hidden:
            asyncio._set_running_loop(hidden)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item (``item.rep_call`` ...), so fixtures
    can react to failures (the ``page`` fixture saves a screenshot)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# ---------------------------------------------------------------------------
# artifacts
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``test-artifacts/`` under the repository root (created): screenshots etc."""
    path = REPO_ROOT / "test-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session.

    ``PEERSCOPE_TEST_POSTGRES_URL`` if set; otherwise a private cluster started
    from the local server binaries (removed at session end); otherwise skip
    (or fail under ``PEERSCOPE_REQUIRE_POSTGRES=1``).
    """
    external = os.environ.get("PEERSCOPE_TEST_POSTGRES_URL", "").strip()
    if external:
        server: PostgresServer = ExistingServer(external)
        try:
            server.check()
        except Exception as exc:
            pytest.fail(
                f"PEERSCOPE_TEST_POSTGRES_URL is set but the server is not reachable: {exc}",
                pytrace=False,
            )
        yield server
        return

    try:
        cluster = start_temp_cluster()
    except PostgresUnavailable as exc:
        _unavailable("PEERSCOPE_REQUIRE_POSTGRES", f"No PostgreSQL available: {exc}. {POSTGRES_HELP}")
    except Exception as exc:
        pytest.fail(f"Could not start a private PostgreSQL cluster: {exc}", pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty database; dropped after the test."""
    name = postgres_server.unique_name()
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


# ---------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of a system Chromium (``PEERSCOPE_CHROMIUM`` or /usr/bin/chromium)."""
    configured = os.environ.get("PEERSCOPE_CHROMIUM", "").strip()
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        pytest.fail(f"PEERSCOPE_CHROMIUM={configured!r} is not an executable file", pytrace=False)
    for candidate in (*CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    _unavailable("PEERSCOPE_REQUIRE_BROWSER", f"Chromium not found. {BROWSER_HELP}")


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    """A headless Playwright Chromium browser shared by the session."""
    global _playwright_loop
    from playwright.sync_api import sync_playwright

    if asyncio._get_running_loop() is not None:
        pytest.fail("the browser fixture cannot be used while an asyncio loop runs "
                    "(Playwright's sync API); keep async code out of browser tests",
                    pytrace=False)
    pw = sync_playwright().start()
    loop = asyncio._get_running_loop()
    try:
        browser = pw.chromium.launch(
            executable_path=chromium_executable,
            headless=True,
            args=CHROMIUM_ARGS,
        )
    except BaseException:
        pw.stop()
        raise
    _playwright_loop = loop
    try:
        yield browser
    finally:
        # Teardown may run inside a test that had the loop hidden.
        if loop is not None and asyncio._get_running_loop() is None:
            asyncio._set_running_loop(loop)
        _playwright_loop = None
        try:
            browser.close()
        finally:
            pw.stop()


def _artifact_name(nodeid: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in nodeid)
    return safe.strip("_")[-150:]


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest, artifacts_dir: Path) -> Iterator[Any]:
    """A fresh browser context and page per test; a screenshot of the page is
    saved to ``test-artifacts/failed-<test>.png`` when the test fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            try:
                page.screenshot(
                    path=str(artifacts_dir / f"failed-{_artifact_name(request.node.nodeid)}.png"),
                    full_page=True,
                )
            except Exception:
                pass
    finally:
        context.close()
