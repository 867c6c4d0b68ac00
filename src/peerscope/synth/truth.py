"""Reading a generated corpus's truth files back: the person behind every authorship and the
planted integrity cases, keyed by the source's work ids (``W…``)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import orjson

from peerscope.errors import InputError


@dataclass(frozen=True, slots=True)
class PlantedCase:
    kind: str
    works: tuple[str, ...]  # source work ids (W…)
    persons: tuple[str, ...]
    note: str


def _short(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def _truth_file(corpus: Path, name: str) -> Path:
    path = corpus / "truth" / name
    if not path.is_file():
        raise InputError(f"{corpus}: not a generated corpus (no truth/{name}); pass the folder `peerscope bench generate --out` wrote")
    return path


def authorship_persons(corpus: Path) -> dict[str, list[str]]:
    """Source work id -> the true person at each byline position."""
    out: dict[str, list[str]] = {}
    path = _truth_file(corpus, "authorships.jsonl.gz")
    try:
        with gzip.open(path) as fh:
            for n, line in enumerate(fh, 1):
                row = orjson.loads(line)
                out[_short(row["work"])] = list(row["persons"])
    except (OSError, EOFError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: unreadable truth file ({exc})") from exc
    return out


def planted_cases(corpus: Path) -> list[PlantedCase]:
    path = _truth_file(corpus, "integrity.jsonl")
    cases = []
    for n, line in enumerate(path.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = orjson.loads(line)
            cases.append(PlantedCase(str(row["kind"]), tuple(_short(w) for w in row["works"]), tuple(row["persons"]), str(row.get("note", ""))))
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}, line {n}: not a planted case ({exc})") from exc
    return cases
