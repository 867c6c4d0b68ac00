"""The ``peerscope`` command line: one module per command group."""

from __future__ import annotations

import click

from peerscope import __version__
from peerscope.cli.bench import bench
from peerscope.cli import bench_resolve  # noqa: F401  (adds `bench resolve`)
from peerscope.cli import bench_documents  # noqa: F401  (adds `bench documents`)
from peerscope.cli import bench_api  # noqa: F401  (adds `bench api`)
from peerscope.cli import bench_search  # noqa: F401  (adds `bench search`)
from peerscope.cli import bench_similar  # noqa: F401  (adds `bench similar`)
from peerscope.cli.db import db
from peerscope.cli.derive import derive
from peerscope.cli.documents import check_document_cmd  # also adds `ingest document`
from peerscope.cli.eval import eval_group
from peerscope.cli.export import export, rebuild  # also adds `ingest jsonl`
from peerscope.cli.index import index
from peerscope.cli import integrity  # noqa: F401  (adds `derive integrity`)
from peerscope.cli import graph  # noqa: F401  (adds `derive graph` and `bench graph`)
from peerscope.cli.ingest import ingest
from peerscope.cli.resolve import resolve
from peerscope.cli.serve import demo, serve
from peerscope.cli.settings import settings_cmd
from peerscope.cli.trust import trust


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="peerscope")
def cli() -> None:
    """Peerscope: an open research discovery and trust graph.

    Harvest scholarly records, resolve them into one graph of works and people, and serve
    researcher profiles, daily papers, search and an OpenAlex-shaped API.
    """


for command in (db, ingest, resolve, derive, export, rebuild, serve, demo, bench, settings_cmd, eval_group, check_document_cmd, trust, index):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="peerscope")
