"""Each integrity check on documents written to trigger it, and on a clean one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from peerscope.derive.integrity import CheckContext, check_document
from peerscope.derive.integrity.emails import domain_fits, is_freemail
from peerscope.derive.integrity.reuse import ReuseIndex, StoredText
from peerscope.documents.parse import parse_document

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "documents"


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("documents_generate", FIXTURES / "generate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["documents_generate"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def by_kind(flags):  # type: ignore[no-untyped-def]
    return {f.kind: f for f in flags}


def test_thesis_byline_against_its_own_statements() -> None:
    doc = parse_document(_generator().thesis(n_refs=40, paragraphs_per_section=2).text.encode(), "thesis.txt")
    flag = by_kind(check_document(doc))["authorship_mismatch"]
    assert flag.severity == "high"
    assert flag.names[0] == "D. Miller"
    kinds = [e["kind"] for e in flag.evidence]
    assert kinds.count("based_on") == 2 and "self_citation" in kinds and "acknowledgement" in kinds and "repository" in kinds
    cite = next(e for e in flag.evidence if e["kind"] == "self_citation")
    assert cite["quote"] == "our previous work [1]" and doc.text[cite["start"] : cite["end"]] == cite["quote"] and cite["page"] >= 5
    repo = next(e for e in flag.evidence if e["kind"] == "repository")
    assert repo["owner"] == "dmiller"


def test_clean_paper_has_no_flags() -> None:
    doc = parse_document((FIXTURES / "clean_paper.txt").read_bytes(), "clean_paper.txt")
    assert check_document(doc) == []


def test_tortured_phrases_and_free_mail() -> None:
    doc = parse_document((FIXTURES / "tortured.html").read_bytes(), "tortured.html")
    flags = by_kind(check_document(doc))
    tortured = flags["tortured_phrases"]
    assert tortured.severity == "high"
    expected = {e["expected"] for e in tortured.evidence}
    assert {"artificial intelligence", "deep learning", "breast cancer", "random forest", "support vector machine"} <= expected
    for e in tortured.evidence:
        assert doc.text[e["start"] : e["end"]].lower() == e["quote"].lower()
    mail = flags["affiliation_email_mismatch"]
    assert [(e["author"], e["email"]) for e in mail.evidence] == [("Ravi Kaur", "ravi.kaur@gmail.com")]
    assert mail.severity == "low"


def test_email_domain_rules() -> None:
    assert domain_fits("uu.nl", "Department of Informatics, Utrecht University")
    assert domain_fits("cs.kyoto-u.ac.jp", "Graduate School of Informatics, Kyoto University")
    assert domain_fits("unibo.it", "University of Bologna")
    assert not domain_fits("uva.nl", "Delft University of Technology")
    assert is_freemail("gmail.com") and is_freemail("mail.yahoo.com") and not is_freemail("example.org")


def test_text_reuse_names_the_work_and_spans() -> None:
    abstract = ("Citation context tells why one paper cites another. We annotate contexts in an open graph and "
                "measure agreement between readers across many disciplines and venues over ten years.")
    text = "A Borrowed Paper\n\nAbstract\nIn this paper: " + abstract + "\n\n1 Introduction\nNothing else.\n"
    doc = parse_document(text.encode(), "reuse.txt")
    index = ReuseIndex([StoredText("work", 7, "Measuring Citation Context", abstract), StoredText("work", 8, "Other", "an unrelated abstract " * 10)])
    flag = by_kind(check_document(doc, CheckContext(index, {})))["text_reuse"]
    assert flag.work_ids == (7,)
    top = flag.evidence[0]
    assert top["matched"] == {"kind": "work", "id": 7, "label": "Measuring Citation Context"} and top["score"] == 1.0
    assert top["quote"].startswith("Citation context tells why")
