"""Labelled evaluation records -> mentions: the PubMed file format and the Qian signature format.

Pure: the caller reads the files and passes the decoded objects; a record that lacks a required
field or has one of the wrong type raises ``InputError`` naming the field, and the caller adds
where the record was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peerscope.errors import InputError
from peerscope.resolve.authors.blocking import PersonName, name_tokens
from peerscope.resolve.authors.mentions import AuthorMention, make_mention

PUBMED_REQUIRED = ("block", "pmid", "last_name", "initials", "author_id")
_PUBMED_TEXT = ("title", "affiliation", "abstract", "journal", "date", "language")
_PUBMED_LISTS = ("coauthors", "mesh")


@dataclass(frozen=True, slots=True)
class LabelledMention:
    """A mention, the block the file put it in, its gold author, and the id the file gave it."""

    mention: AuthorMention
    block: str
    author: str  # the gold author, unique across the file
    record_id: str  # the pmid, or the signature id


def _text(record: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = record.get(name)
    if value is None:
        if required:
            raise InputError(f"missing required field '{name}'")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InputError(f"field '{name}' must be a string, not {type(value).__name__}")
    text = str(value)
    if required and not text.strip() and name != "initials":
        raise InputError(f"field '{name}' is empty")
    return text


def _strings(record: Mapping[str, Any], name: str) -> list[str]:
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"field '{name}' must be a list of strings")
    return value


def pubmed_mention(record: object, mention_id: str) -> LabelledMention:
    """One line of the PubMed file (``block``, ``pmid``, ``last_name``, ``initials``, ``author_id``
    required; ``title``, ``affiliation``, ``coauthors``, ``abstract``, ``mesh``, ``journal``,
    ``date``, ``language`` optional)."""
    if not isinstance(record, dict):
        raise InputError(f"a record must be a JSON object, not {type(record).__name__}")
    for name in PUBMED_REQUIRED:
        if name not in record:
            raise InputError(f"missing required field '{name}'")
    block, pmid, last, initials, author = (_text(record, n, required=True) for n in PUBMED_REQUIRED)
    assert block is not None and pmid is not None and last is not None and initials is not None and author is not None
    text = {n: _text(record, n) for n in _PUBMED_TEXT}
    letters = "".join(name_tokens(initials))  # "JM", "J.M." -> "jm"
    name = PersonName(" ".join(name_tokens(last)), " ".join(letters), letters)
    mention = make_mention(
        mention_id, name, block=block, coauthors=_strings(record, "coauthors"), affiliation=text["affiliation"],
        title=text["title"], abstract=text["abstract"], keywords=_strings(record, "mesh"), venue=text["journal"],
        date=text["date"], language=text["language"],
    )
    return LabelledMention(mention, block, f"{block}/{author}", pmid)  # author ids are unique within a block


def qian_mention(signature_id: str, signature: object, author: str) -> LabelledMention:
    """One signature of the Qian format: ``author_info`` with ``block``, ``first``, ``middle``,
    ``last`` and ``affiliations``; names and affiliations are all it carries."""
    if not isinstance(signature, dict) or not isinstance(signature.get("author_info"), dict):
        raise InputError("a signature must be an object with an 'author_info' object")
    info = signature["author_info"]
    block = _text(info, "block", required=True)
    last = _text(info, "last", required=True)
    assert block is not None and last is not None
    given = " ".join(p for p in (_text(info, "first"), _text(info, "middle")) if p)
    tokens = name_tokens(given)
    name = PersonName(" ".join(name_tokens(last)), " ".join(tokens), "".join(t[0] for t in tokens))
    affiliations = _strings(info, "affiliations")
    mention = make_mention(signature_id, name, block=block, affiliation="; ".join(affiliations))
    return LabelledMention(mention, block, author, signature_id)
