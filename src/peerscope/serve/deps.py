"""FastAPI dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from peerscope.config import Settings
from peerscope.index.service import SearchService
from peerscope.index.titles import TitleIndex
from peerscope.store.db import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_search(request: Request) -> SearchService | None:
    """The embedded search index when it is the backend and has been built, else None."""
    service = request.app.state.search
    return service if service is not None and service.is_built else None


def get_title_index(request: Request) -> TitleIndex:
    """The built search index; the in-database title index otherwise (the database backend, or
    before ``peerscope index build`` has run)."""
    return get_search(request) or request.app.state.title_index


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SearchDep = Annotated[SearchService | None, Depends(get_search)]
TitleIndexDep = Annotated[TitleIndex, Depends(get_title_index)]
