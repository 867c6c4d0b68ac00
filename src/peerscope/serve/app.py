"""``create_app(settings)``: wires the store, the indexes and the routes into one ASGI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from peerscope import __version__
from peerscope.config import Settings
from peerscope.errors import InputError, NotFound, PeerscopeError
from peerscope.index.service import service_for
from peerscope.index.titles import DatabaseTitleIndex
from peerscope.serve.api.graph import router as graph_api_router
from peerscope.serve.api.routes import router as api_router
from peerscope.serve.api.similar import router as similar_api_router
from peerscope.serve.web.graph import router as graph_web_router
from peerscope.serve.web.routes import router as web_router
from peerscope.serve.web.topics import router as topics_router
from peerscope.serve.web.routes import render_error_page
from peerscope.store.db import Store

STATIC = Path(__file__).parent / "web" / "static"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def api_error(status: int, error: str, message: str) -> JSONResponse:
    """The one error shape of the API."""
    return JSONResponse({"error": error, "message": message}, status_code=status)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    store = store or Store(settings.resolved_database_url)
    store.require_current()
    app = FastAPI(
        title="Peerscope API",
        version=__version__,
        description="OpenAlex-shaped JSON API over a Peerscope research graph.",
        # the interactive docs page would load its scripts from a CDN, which the CSP (rightly)
        # forbids; the OpenAPI document itself is served
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.store = store
    app.state.title_index = DatabaseTitleIndex(store)
    app.state.search = service_for(settings, store) if settings.search_backend == "tantivy" else None

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError) -> Response:
        if _is_api(request):
            return api_error(400, "Invalid query parameters error.", exc.message)
        return render_error_page(request, 400, exc.message)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        if _is_api(request):
            return api_error(404, "Not found.", exc.message)
        return render_error_page(request, 404, exc.message)

    @app.exception_handler(PeerscopeError)
    async def _error(request: Request, exc: PeerscopeError) -> Response:
        if _is_api(request):
            return api_error(500, exc.code, exc.message)
        return render_error_page(request, 500, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ())[1:]) or 'request'}: {err.get('msg')}" for err in exc.errors()
        )
        if _is_api(request):
            return api_error(400, "Invalid query parameters error.", problems)
        return render_error_page(request, 400, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return api_error(exc.status_code, "Not found." if exc.status_code == 404 else "Error.", str(exc.detail))
        return render_error_page(request, exc.status_code, str(exc.detail))

    app.include_router(similar_api_router, prefix="/api")  # before /api/works/{id:path}, which would take it
    app.include_router(api_router, prefix="/api")
    app.include_router(graph_api_router, prefix="/api")
    app.include_router(web_router)
    app.include_router(topics_router)
    app.include_router(graph_web_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
