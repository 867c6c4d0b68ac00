"""The reference parts of docs/ are generated from the code; this fails while they are stale."""

from __future__ import annotations

import difflib
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("file", ["configuration.md", "cli.md", "api.md", "sources.md"])
def test_docs_in_step_with_code(file: str) -> None:
    gen = load_generator()
    current = (ROOT / "docs" / file).read_text()
    wanted = gen.expected(current, gen.TARGETS[file])
    diff = "\n".join(difflib.unified_diff(current.splitlines(), wanted.splitlines(), "docs/" + file, "generated", lineterm=""))
    assert not diff, f"docs/{file} is stale: run .venv/bin/python scripts/gen_docs.py\n{diff}"


def test_readme_starts_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block is not None and text.index("```sh") < 40
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert commands == ["make demo", "make test"]


def test_readme_links_resolve() -> None:
    text = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\((docs/[^)]+)\)", text):
        assert (ROOT / target).is_file(), target
