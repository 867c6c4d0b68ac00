"""Checks of the test infrastructure itself (fixtures and helpers in tests/support)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from support.net import free_port
from support.postgres import PostgresServer, TempCluster
from support.server import run_uvicorn

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>infra check</title></head>
<body>
  <h1 id="greeting">Hello from the test server</h1>
  <p id="dynamic">not rendered</p>
  <script>document.getElementById("dynamic").textContent = "rendered by script";</script>
</body>
</html>
"""


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        return PAGE

    @app.get("/ping", response_class=PlainTextResponse)
    def ping() -> str:
        return "pong"

    return app


def _port_accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def test_free_port_can_be_bound() -> None:
    port = free_port()
    assert 0 < port < 65536
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", port))


def test_run_uvicorn_serves_then_stops() -> None:
    port = free_port()
    with run_uvicorn(make_app(), port) as base_url:
        assert base_url == f"http://127.0.0.1:{port}"
        response = httpx.get(f"{base_url}/ping", timeout=5)
        assert response.status_code == 200
        assert response.text == "pong"
    assert not _port_accepts(port)


def test_run_uvicorn_reports_startup_failure() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(RuntimeError, match="failed to start"):
            with run_uvicorn(make_app(), port):
                pass  # pragma: no cover


# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------


@pytest.mark.postgres
def test_fresh_database_answers_select_1(postgres_url: str) -> None:
    url = make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar_one() == 1
            assert conn.execute(text("select current_database()")).scalar_one() == url.database
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_fresh_databases_are_isolated(postgres_server: PostgresServer) -> None:
    name_a = postgres_server.unique_name()
    name_b = postgres_server.unique_name()
    assert name_a != name_b
    url_a = postgres_server.create_database(name_a)
    url_b = postgres_server.create_database(name_b)
    assert url_a == postgres_server.url(name_a)
    engine_a = create_engine(url_a)
    engine_b = create_engine(url_b)
    try:
        with engine_a.begin() as conn:
            conn.execute(text("create table marker (id integer primary key)"))
            conn.execute(text("insert into marker values (1)"))
        with engine_a.connect() as conn:
            assert conn.execute(text("select count(*) from marker")).scalar_one() == 1
        assert inspect(engine_b).get_table_names() == []
    finally:
        engine_a.dispose()
        # engine_b still holds a pooled connection: dropping must cope with it.
        postgres_server.drop_database(name_a)
        postgres_server.drop_database(name_b)
        engine_b.dispose()
    with postgres_server.connect_admin() as admin:
        rows = admin.execute(
            "select datname from pg_database where datname = any(%s)", ([name_a, name_b],)
        ).fetchall()
    assert rows == []


@pytest.mark.postgres
def test_private_cluster_listens_on_loopback_only(postgres_server: PostgresServer) -> None:
    with postgres_server.connect_admin() as admin:
        is_super = admin.execute(
            "select rolsuper from pg_roles where rolname = current_user"
        ).fetchone()
        listen = admin.execute("show listen_addresses").fetchone()
    assert is_super == (True,)
    if isinstance(postgres_server, TempCluster):
        assert listen == ("127.0.0.1",)
        assert postgres_server.url("x") == f"postgresql+psycopg://postgres@127.0.0.1:{postgres_server.port}/x"


# ---------------------------------------------------------------------------
# Browser
# ---------------------------------------------------------------------------


@pytest.mark.browser
def test_browser_reads_page_served_by_uvicorn(page, artifacts_dir: Path) -> None:
    with run_uvicorn(make_app(), free_port()) as base_url:
        response = page.goto(f"{base_url}/")
        assert response is not None and response.ok
        assert page.title() == "infra check"
        assert page.inner_text("#greeting") == "Hello from the test server"
        assert page.inner_text("#dynamic") == "rendered by script"
        shot = artifacts_dir / "infra-browser.png"
        page.screenshot(path=str(shot))
        # close the page so the server is not held by keep-alive connections
        page.close()
    assert shot.stat().st_size > 0
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_browser_contexts_are_separate(browser) -> None:
    first = browser.new_context()
    second = browser.new_context()
    try:
        first.add_cookies([{"name": "k", "value": "v", "url": "http://127.0.0.1/"}])
        assert [c["name"] for c in first.cookies()] == ["k"]
        assert second.cookies() == []
    finally:
        first.close()
        second.close()


def test_asyncio_usable_after_browser_tests() -> None:
    """The session-wide Playwright loop must not leak into other tests."""

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(answer()) == 42
