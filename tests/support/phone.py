"""A browser page the size of a phone, for the pages' narrow-screen checks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def phone_page(browser: Any, width: int = 375, height: int = 800) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2)
    try:
        yield context.new_page()
    finally:
        context.close()
