"""Structure extraction on the hand-written fixtures and a generated 200-page thesis."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from peerscope.documents.parse import parse_document

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "documents"


def load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("documents_generate", FIXTURES / "generate.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["documents_generate"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def parse(name: str):  # type: ignore[no-untyped-def]
    return parse_document((FIXTURES / name).read_bytes(), name)


def test_clean_paper_field_by_field() -> None:
    doc = parse("clean_paper.txt")
    assert doc.media_type == "text/plain"
    assert doc.title == "Measuring Citation Context in Open Graphs"
    assert [a.name for a in doc.authors] == ["Maria Rossi", "Kenji Tanaka"]
    assert doc.authors[0].affiliations == ("Department of Physics, University of Bologna, Italy",)
    assert doc.authors[1].affiliations == ("Graduate School of Informatics, Kyoto University, Japan",)
    assert doc.authors[0].emails == ("maria.rossi@unibo.it",)
    assert doc.authors[1].emails == ("tanaka@kyoto-u.ac.jp",)
    assert doc.abstract and doc.abstract.startswith("Citation context tells why") and doc.abstract.endswith("between readers.")
    assert [(s.number, s.title) for s in doc.sections] == [
        ("1", "Introduction"), ("2", "Data and Methods"), ("2.1", "Corpus"), ("2.2", "Annotation"), ("3", "Results"), ("4", "Conclusion")
    ]
    r1, r2, r3 = doc.references
    assert r1.label == "1" and r1.authors == ("M. Rossi", "K. Tanaka") and r1.year == 2018
    assert r1.title == "Reading citation intent" and r1.venue == "Journal of Informetrics" and r1.ids == {"doi": "10.5555/rossi.2018"}
    assert r2.authors == ("A. Novak", "B. Garcia", "C. Okafor") and r2.title == "Counting citations at scale" and r2.year == 2015
    assert r2.venue == "Proc. Conference on Digital Libraries"
    assert r3.ids == {"arxiv": "2001.01234"} and r3.title == "Citation functions revisited" and r3.venue == "Scientometrics"


def test_markdown_author_year_bibliography_and_grouped_emails() -> None:
    doc = parse("author_year.md")
    assert doc.media_type == "text/markdown"
    assert doc.title == "Open Peer Review at Scale"
    assert [a.name for a in doc.authors] == ["Lena Schmidt", "Omar Haddad"]
    assert doc.authors[0].affiliations == ("Institute of Sociology, University of Hamburg",)
    assert doc.authors[1].affiliations == ("School of Computing, University of Leeds",)
    assert doc.authors[0].emails == ("l.schmidt@example.org",) and doc.authors[1].emails == ("o.haddad@example.org",)
    assert [(s.number, s.title) for s in doc.sections] == [("1", "Introduction"), ("2", "Methods")]
    assert len(doc.references) == 3
    b, r, w = doc.references
    assert b.authors == ("Bornmann, L.", "Mutz, R.", "Daniel, H.") and b.year == 2019 and b.ids["doi"] == "10.5555/born.2019"
    assert b.title == "Reliability of reviewers' ratings" and b.venue == "PLoS ONE"
    assert r.authors == ("Ross-Hellauer, T.",) and r.title == "What is open peer review? A systematic review" and r.venue == "F1000Research"
    assert w.authors == ("Wolfram, D.", "Wang, P.", "Hembree, A.", "Park, H.") and w.year == 2020


def test_html_scripts_are_dropped_and_superscripts_attach_affiliations() -> None:
    doc = parse("tortured.html")
    assert doc.media_type == "text/html"
    assert "alert" not in doc.text and "injected" not in doc.text and "color:red" not in doc.text
    assert doc.title == "Profound Learning for Bosom Malignant Growth Detection"
    assert [a.name for a in doc.authors] == ["Ravi Kaur", "Ama Mensah"]
    assert doc.authors[0].affiliations == ("Department of Computer Science, University of Ghana",)
    assert doc.authors[1].emails == ("amensah@unilag.edu.ng",)
    assert [(s.number, s.title) for s in doc.sections] == [("1", "Introduction")]


def test_long_thesis_text() -> None:
    gen = load_generator()
    thesis = gen.thesis()
    doc = parse_document(thesis.text.encode(), "thesis.txt")
    assert doc.pages == len(thesis.pages) >= 195
    assert doc.title == "Trust Signals in Scholarly Graphs"
    assert [(a.name, a.affiliations, a.emails) for a in doc.authors] == [("Jane Doe", ("Department of Informatics, Utrecht University",), ("jane.doe@uu.nl",))]
    assert [(s.heading, s.language) for s in doc.summaries] == [("Abstract", "en"), ("Samenvatting", "nl")]
    based = [s for s in doc.statements if s.kind == "based_on"]
    assert len(based) == 1 and [r.authors for r in based[0].items] == [("D. Miller", "E. Brown", "F. Green"), ("D. Miller", "H. White")]
    assert {s.kind for s in doc.statements} >= {"based_on", "declaration", "acknowledgements"}
    numbers = [s.number for s in doc.sections]
    assert numbers[:6] == ["1", "1.1", "1.2", "1.3", "1.4", "2"] and numbers[-4:] == ["6.4", "A", "A.1", "B"]
    assert len(doc.sections) == 6 * 5 + 3  # contents lines are not sections
    assert len(doc.references) == 300
    correct = sum(
        1 for r, t in zip(doc.references, thesis.references)
        if r.title == t.title and r.year == t.year and list(r.authors) == t.authors and r.venue == t.venue and r.ids.get("doi") == t.doi
    )
    assert correct == 300


def test_bylines_written_with_initials() -> None:
    from peerscope.documents.byline import parse_author_line

    # "A." is an initial: it once read as the article "a" and the whole byline was dropped
    assert parse_author_line("A. Lovelace") == [("A. Lovelace", [])]
    assert parse_author_line("J. A. Smith, A. Lovelace and I. Ng") == [("J. A. Smith", []), ("A. Lovelace", []), ("I. Ng", [])]
    assert parse_author_line("A Survey of Graphs") is None and parse_author_line("A. Study") is None
