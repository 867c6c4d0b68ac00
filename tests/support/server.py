"""Run an ASGI app with uvicorn in a background thread, for tests."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import uvicorn

from .net import free_port, wait_for_port

HOST = "127.0.0.1"


@contextlib.contextmanager
def run_uvicorn(
    app: Any,
    port: int | None = None,
    *,
    startup_timeout: float = 20.0,
    shutdown_timeout: float = 10.0,
    **config_kwargs: Any,
) -> Iterator[str]:
    """Serve ``app`` on ``127.0.0.1:port`` in a daemon thread.

    ``app`` is an ASGI application object or an import string such as
    ``"peerscope.serve.app:create_app"`` (add ``factory=True`` for factories).
    ``port`` defaults to a free port. Extra keyword arguments go to
    :class:`uvicorn.Config`.

    Yields the base URL (``"http://127.0.0.1:PORT"``) once the server accepts
    connections; on exit asks the server to stop and waits for the thread.
    """
    if port is None:
        port = free_port(HOST)
    config_kwargs.setdefault("log_level", "warning")
    config_kwargs.setdefault("access_log", False)
    config_kwargs.setdefault("lifespan", "auto")
    config = uvicorn.Config(app, host=HOST, port=port, **config_kwargs)
    server = uvicorn.Server(config)

    errors: list[BaseException] = []

    def target() -> None:
        try:
            server.run()
        except BaseException as exc:  # SystemExit on startup failure included
            errors.append(exc)

    thread = threading.Thread(target=target, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if not thread.is_alive():
                detail = f": {errors[0]!r}" if errors else ""
                raise RuntimeError(f"uvicorn failed to start on {HOST}:{port}{detail}")
            if time.monotonic() >= deadline:
                raise RuntimeError(
                    f"uvicorn did not start on {HOST}:{port} within {startup_timeout}s"
                )
            time.sleep(0.02)
        if not wait_for_port(HOST, port, timeout=startup_timeout):
            raise RuntimeError(f"uvicorn on {HOST}:{port} does not accept connections")
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(shutdown_timeout)
        if thread.is_alive():
            # Open keep-alive connections (e.g. from a browser) can hold the
            # graceful shutdown; force it.
            server.force_exit = True
            thread.join(shutdown_timeout)
        if thread.is_alive():
            raise RuntimeError(f"uvicorn on {HOST}:{port} did not stop")
