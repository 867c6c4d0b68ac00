"""FastAPI dependency aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from peerscope.config import Settings
from peerscope.index.titles import TitleIndex
from peerscope.store.db import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_title_index(request: Request) -> TitleIndex:
    return request.app.state.title_index


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
TitleIndexDep = Annotated[TitleIndex, Depends(get_title_index)]
