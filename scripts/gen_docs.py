"""Regenerate the reference parts of docs/ from the code.

Run ``.venv/bin/python scripts/gen_docs.py`` after changing a setting, a command or a route;
``tests/unit/test_docs.py`` fails while the docs are out of step.
Generated parts sit between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def render_settings() -> str:
    from peerscope.config import Settings

    lines = ["| Environment variable | Default | What it does |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if name == "secret_key":
            shown = "a development-only value"
        elif name == "database_url":
            shown = "SQLite file `peerscope.db` in the data dir"
        else:
            shown = f"`{default}`"
        lines.append(f"| `PEERSCOPE_{name.upper()}` | {shown} | {field.description} |")
    return "\n".join(lines)


def _walk(group: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, group)]
    if isinstance(group, click.Group):
        for name in sorted(group.commands):
            out += _walk(group.commands[name], path + [name])
    return out


def render_cli() -> str:
    from peerscope.cli import cli

    parts = []
    for path, command in _walk(cli, ["peerscope"]):
        ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100, help_option_names=["-h", "--help"])
        parts.append(f"### `{' '.join(path)}`\n\n```text\n{command.get_help(ctx)}\n```")
    return "\n\n".join(parts)


def render_routes() -> str:
    from fastapi.routing import APIRoute

    from peerscope.serve.api.graph import router as graph_api_router
    from peerscope.serve.api.routes import router as api_router
    from peerscope.serve.api.similar import router as similar_api_router
    from peerscope.serve.web.graph import router as graph_web_router
    from peerscope.serve.web.routes import router as web_router

    lines = ["| Method | Path | What it answers |", "|---|---|---|"]
    for prefix, router in (("/api", api_router), ("/api", similar_api_router), ("/api", graph_api_router), ("", web_router), ("", graph_web_router)):
        for route in router.routes:
            if isinstance(route, APIRoute):
                doc = route.summary or (route.endpoint.__doc__ or "").strip().split("\n")[0]
                for method in sorted(route.methods):
                    lines.append(f"| {method} | `{prefix}{route.path}` | {doc} |")
    return "\n".join(lines)


def render_merge_policy() -> str:
    from peerscope.resolve.merge import CONFLICT_FIELDS, POLICY

    lines = ["| Field | Sources, most trusted first |", "|---|---|"]
    for field, order in POLICY.items():
        lines.append(f"| `{field}` | {' > '.join(order)} |")
    lines.append("")
    lines.append("Conflicts are recorded for: " + ", ".join(f"`{f}`" for f in CONFLICT_FIELDS) + ".")
    return "\n".join(lines)


TARGETS = {
    "configuration.md": {"settings": render_settings},
    "cli.md": {"cli": render_cli},
    "api.md": {"routes": render_routes},
    "sources.md": {"merge-policy": render_merge_policy},
}


def expected(text: str, renderers: dict) -> str:
    for name, render in renderers.items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- /generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise SystemExit(f"marker generated:{name} missing")
        body = render()
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    return text


def main() -> int:
    changed = 0
    for file, renderers in TARGETS.items():
        path = DOCS / file
        current = path.read_text()
        new = expected(current, renderers)
        if new != current:
            path.write_text(new)
            changed += 1
            print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
