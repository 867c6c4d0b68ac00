"""HTML and Markdown to the plain text the structure parser reads.

HTML is parsed with the standard library's HTML parser (a tokenizer that never runs anything);
script, style and other non-content elements are dropped with everything inside them. Headings
become Markdown headings (``## Methods``) and superscripts a caret (``Smith^1``), so the one
text parser reads all three formats the same way.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "head", "nav", "form", "button", "select"})
_BLOCK = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer", "aside", "blockquote",
     "pre", "hr", "dt", "dd", "dl", "figure", "figcaption", "address", "main", "h1", "h2", "h3", "h4", "h5", "h6", "title"}
)
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "source", "wbr"})
_SUPERSCRIPTS = str.maketrans({"¹": "^1", "²": "^2", "³": "^3", "⁰": "^0", "⁴": "^4", "⁵": "^5", "⁶": "^6", "⁷": "^7", "⁸": "^8", "⁹": "^9"})
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000e-\u001f\u007f\u200b-\u200d\u2028\u2029\ufeff]")


def clean_text(text: str) -> str:
    """Unicode-normalised text with one kind of newline, no control characters, superscript
    digits as ``^n``, ligatures split and runs of spaces collapsed on each line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SUPERSCRIPTS)
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip(" ") for line in text.split("\n"))  # form feeds (pages) stay


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.heading: int | None = None
        self.title: str | None = None
        self._in_title = False
        self._title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag not in _VOID:
            if tag == "head":  # the <title> inside <head> is still wanted
                return
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "title":
            self._in_title = True
            return
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.heading = int(tag[1])
            self.parts.append("#" * self.heading + " ")
        elif tag == "sup":
            self.parts.append("^")
        elif tag == "li":
            self.parts.append("- ")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip_depth and tag in {"br", "hr"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and tag != "head":
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag == "title":
            self._in_title = False
            self.title = " ".join("".join(self._title_parts).split()) or None
            return
        if tag in _BLOCK:
            self.parts.append("\n")
            if tag.startswith("h"):
                self.heading = None

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self._in_title:
            self._title_parts.append(data)
            return
        self.parts.append(data.replace("\n", " ") if self.heading else data)


def html_to_text(source: str) -> tuple[str, str | None]:
    """(text, the <title>) of an HTML document; nothing in it is executed or fetched."""
    builder = _TextBuilder()
    builder.feed(source)
    builder.close()
    text = "".join(builder.parts)
    lines = [line for line in (ln.strip() for ln in clean_text(text).split("\n"))]
    out: list[str] = []
    for line in lines:  # at most one blank line in a row
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n"), builder.title


_MD_LINK = re.compile(r"!?\[([^\]\n]{0,500})\]\(([^)\s]{0,2000})\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)([^\n]{0,500}?\S)\1")
_MD_SUP = re.compile(r"<sup>([^<]{1,20})</sup>|\^([^\s^]{1,20})\^")
_MD_TAG = re.compile(r"</?[a-zA-Z][^>\n]{0,500}>")
_SETEXT = re.compile(r"^(=+|-+)\s*$")


def markdown_to_text(source: str) -> str:
    """Markdown with emphasis, inline HTML and link syntax removed (link targets kept in
    parentheses, so identifiers and repository addresses stay visible); ATX headings kept,
    Setext headings turned into ATX ones."""
    text = _MD_SUP.sub(lambda m: "^" + (m.group(1) or m.group(2)), source.replace("\r\n", "\n"))
    text = _MD_TAG.sub("", text)
    text = _MD_LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = html.unescape(text)
    lines = clean_text(text).split("\n")
    out: list[str] = []
    for line in lines:
        if out and out[-1] and not out[-1].startswith("#") and _SETEXT.match(line) and len(line) >= 3:
            out[-1] = ("# " if line.startswith("=") else "## ") + out[-1]
            out.append("")
            continue
        if line.startswith(">"):
            line = line.lstrip("> ")
        out.append(line)
    return "\n".join(out)
