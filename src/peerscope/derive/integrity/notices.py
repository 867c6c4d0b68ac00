"""``retracted`` and ``expression_of_concern``: a work the document cites, or reuses, is marked
so by a source (a work's ``is_retracted`` and ``notices``).

Rule (docs/documents.md): one flag per kind, listing every such reference with its quoted entry
and the work; citing a retracted work is medium severity (it may be cited to discuss the
retraction), a notice of concern low.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from peerscope.derive.integrity.common import span
from peerscope.documents.records import Document, Flag


@dataclass(frozen=True, slots=True)
class WorkStatus:
    id: int
    title: str
    is_retracted: bool
    notices: tuple[str, ...]


def check_notices(doc: Document, linked: Mapping[int, WorkStatus]) -> list[Flag]:
    retracted, concern = [], []
    for ref in doc.references:
        status = linked.get(ref.work_id) if ref.work_id is not None else None
        if status is None:
            continue
        item = span(doc, ref.start, ref.start + len(ref.raw), kind="reference", work_id=status.id, work_title=status.title[:300]) if ref.start >= 0 else {"kind": "reference", "quote": ref.raw, "work_id": status.id}
        if status.is_retracted or "retraction" in status.notices:
            retracted.append(item)
        if "expression_of_concern" in status.notices:
            concern.append(item)
    flags = []
    if retracted:
        flags.append(Flag("retracted", "medium", f"Cites {len(retracted)} retracted work{'s' if len(retracted) > 1 else ''}", tuple(retracted), work_ids=tuple(e["work_id"] for e in retracted)))
    if concern:
        flags.append(Flag("expression_of_concern", "low", f"Cites {len(concern)} work{'s' if len(concern) > 1 else ''} under an expression of concern", tuple(concern), work_ids=tuple(e["work_id"] for e in concern)))
    return flags
