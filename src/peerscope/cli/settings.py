"""``peerscope settings``: every setting, its value, default and help."""

from __future__ import annotations

import click

from peerscope.cli.common import emit, handle_errors, json_option
from peerscope.config import Settings, load_settings


def describe_settings(settings: Settings) -> list[dict[str, object]]:
    out = []
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if name == "secret_key":
            value = "(set)" if value.get_secret_value() != field.default.get_secret_value() else "(default: development only)"
        default = field.default
        if name == "secret_key":
            default = "(development secret)"
        out.append({"name": name, "env": f"PEERSCOPE_{name.upper()}", "value": str(value) if value is not None else None, "default": str(default) if default is not None else None, "help": field.description})
    return out


@click.command("settings")
@json_option
@handle_errors
def settings_cmd(as_json: bool) -> None:
    """Show every setting with its current value, default and help."""
    rows = describe_settings(load_settings())
    emit(rows, as_json, lambda rs: "\n".join(f"{r['env']}={r['value']}\n    {r['help']}" for r in rs))
