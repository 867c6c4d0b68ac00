"""The one direction of flow, checked on the source: a stage imports only stages to its left."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "peerscope"
STAGES = ["sources", "normalize", "resolve", "store", "derive", "index", "serve"]
NO_IO = {"os", "io", "pathlib", "socket", "gzip", "sqlite3", "httpx", "sqlalchemy", "shutil", "tempfile", "subprocess"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        top = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        out.append((top, path))
    return out


@pytest.mark.parametrize("top,path", modules(), ids=lambda v: str(v.relative_to(SRC)) if isinstance(v, Path) else v)
def test_imports_flow_leftwards(top: str, path: Path) -> None:
    imported = imports_of(path)
    if top in STAGES:
        rank = STAGES.index(top)
        for name in imported:
            parts = name.split(".")
            if parts[0] == "peerscope" and len(parts) > 1 and parts[1] in STAGES:
                assert STAGES.index(parts[1]) <= rank, f"{path.relative_to(SRC)} imports {name}, a stage to its right"
    if top != "store":
        assert not any(n.split(".")[0] in {"sqlalchemy", "alembic"} for n in imported), f"{path.relative_to(SRC)} imports SQLAlchemy outside the store"
    if top in {"normalize", "resolve"}:
        assert not imported & NO_IO, f"{path.relative_to(SRC)} does I/O: {imported & NO_IO}"
    if top == "synth":
        assert not any(n.startswith(("peerscope.store", "peerscope.serve", "peerscope.pipeline")) for n in imported)


def test_every_stage_exists() -> None:
    for stage in STAGES:
        assert (SRC / stage / "__init__.py").is_file(), stage
