"""Bounds on what one record may hold. A field beyond them is a fault in the input (a runaway
abstract, a byline that swallowed a document), and the record is refused with the reason rather
than stored: no real record comes near these."""

from __future__ import annotations

from peerscope.errors import InputError
from peerscope.normalize.records import SourceItem, WorkRecord

MAX_TITLE = 2_000
MAX_ABSTRACT = 100_000
MAX_AUTHORS = 10_000  # the largest consortium papers list about 5,000
MAX_AUTHOR_NAME = 500
MAX_REFERENCES = 50_000
MAX_IDS = 500


def check_record(record: SourceItem, where: str) -> SourceItem:
    """The record itself, or InputError naming the field that exceeds its bound."""
    if not isinstance(record, WorkRecord):
        return record
    problems = []
    if len(record.title) > MAX_TITLE:
        problems.append(f"title of {len(record.title):,} characters (at most {MAX_TITLE:,})")
    if record.abstract and len(record.abstract) > MAX_ABSTRACT:
        problems.append(f"abstract of {len(record.abstract):,} characters (at most {MAX_ABSTRACT:,})")
    if len(record.authorships) > MAX_AUTHORS:
        problems.append(f"{len(record.authorships):,} authors (at most {MAX_AUTHORS:,})")
    long_names = [a.position for a in record.authorships if len(a.raw_author_name) > MAX_AUTHOR_NAME]
    if long_names:
        problems.append(f"author name over {MAX_AUTHOR_NAME} characters at position {long_names[0]}")
    if len(record.referenced_works) > MAX_REFERENCES:
        problems.append(f"{len(record.referenced_works):,} references (at most {MAX_REFERENCES:,})")
    if len(record.ids) > MAX_IDS:
        problems.append(f"{len(record.ids):,} identifiers (at most {MAX_IDS})")
    if problems:
        raise InputError(f"{where}: record refused: " + "; ".join(problems))
    return record
