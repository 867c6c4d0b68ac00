"""Keyword search: an embedded Tantivy index (BM25) over title, abstract, authors and venue, with
the facet fields (year, type, topics, institutions, venue, flags) as fast fields, so one
aggregation counts the facets of every match.

The index is a folder of files derived from the store; ``KeywordIndex.create`` starts it afresh,
``add``/``delete``/``commit`` keep it current, and ``SCHEMA_VERSION`` changes when the fields do
(an index of another version is refused: rebuild it).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson
import tantivy

from peerscope.errors import StoreError
from peerscope.index.query import ParsedQuery, SearchFilters
from peerscope.store.views import SearchDocument

SCHEMA_VERSION = "1"
META = "peerscope-index.json"
TEXT_FIELDS = ("title", "abstract", "authors", "venue")
BOOSTS = {"title": 3.0, "authors": 2.0, "venue": 1.0, "abstract": 1.0}
FACET_FIELDS = {"year": "year", "type": "type", "topic": "topic", "institution": "institution", "venue": "venue_id", "flag": "flag"}
SORT_FIELDS = {"year": "year", "citations": "cited"}


class IndexNotBuilt(StoreError):
    code = "search_index_missing"


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    b.add_text_field("title", stored=True, tokenizer_name="en_stem")
    b.add_text_field("abstract", tokenizer_name="en_stem")
    b.add_text_field("authors", tokenizer_name="default")
    b.add_text_field("venue", tokenizer_name="default")
    b.add_integer_field("year", indexed=True, fast=True)
    b.add_integer_field("cited", fast=True)
    b.add_text_field("type", tokenizer_name="raw", fast=True)
    b.add_unsigned_field("topic", indexed=True, fast=True)
    b.add_unsigned_field("institution", indexed=True, fast=True)
    b.add_unsigned_field("venue_id", indexed=True, fast=True)
    b.add_text_field("flag", tokenizer_name="raw", fast=True)
    return b.build()


@dataclass(frozen=True, slots=True)
class Hits:
    ids: list[int]
    total: int


def _document(d: SearchDocument) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_unsigned("id", d.id)
    doc.add_text("title", d.title)
    doc.add_text("abstract", d.abstract)
    for name in d.authors:
        doc.add_text("authors", name)
    doc.add_text("venue", d.venue)
    if d.year is not None:
        doc.add_integer("year", d.year)
    doc.add_integer("cited", d.cited_by_count)
    doc.add_text("type", d.type)
    for t in d.topic_ids:
        doc.add_unsigned("topic", t)
    for i in d.institution_ids:
        doc.add_unsigned("institution", i)
    if d.venue_id is not None:
        doc.add_unsigned("venue_id", d.venue_id)
    for f in d.flags:
        doc.add_text("flag", f)
    doc.add_text("flag", "any" if d.flags else "none")
    return doc


class KeywordIndex:
    """One Tantivy index folder: written by the index commands, read by the app."""

    def __init__(self, path: Path, index: tantivy.Index) -> None:
        self.path = path
        self.index = index
        self.schema = index.schema
        self._writer: tantivy.IndexWriter | None = None

    # --- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> KeywordIndex:
        meta = path / META
        if not meta.exists():
            raise IndexNotBuilt(f"no search index at {path}; build it with `peerscope index build`")
        version = orjson.loads(meta.read_bytes()).get("schema_version")
        if version != SCHEMA_VERSION:
            raise IndexNotBuilt(f"the search index at {path} has schema version {version}, this code reads {SCHEMA_VERSION}; rebuild it with `peerscope index build`")
        index = tantivy.Index.open(str(path))
        index.config_reader("commit")
        return cls(path, index)

    @classmethod
    def create(cls, path: Path) -> KeywordIndex:
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        index = tantivy.Index(_schema(), path=str(path))
        (path / META).write_bytes(orjson.dumps({"schema_version": SCHEMA_VERSION}))
        return cls(path, index)

    # --- writing -------------------------------------------------------------------------------

    def _w(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=128_000_000, num_threads=1)
        return self._writer

    def delete(self, ids: Iterable[int]) -> None:
        # by query: a delete by term does not reach unsigned fields in these bindings
        ids = sorted(set(ids))
        w = self._w()
        for start in range(0, len(ids), 10_000):
            w.delete_documents_by_query(tantivy.Query.term_set_query(self.schema, "id", ids[start : start + 10_000]))

    def add(self, docs: Sequence[SearchDocument], *, replace: bool = False) -> int:
        """Add documents; with ``replace`` each one's previous version is deleted first (a delete
        reaches only documents added before it)."""
        if replace:
            self.delete(d.id for d in docs)
        w = self._w()
        for d in docs:
            w.add_document(_document(d))
        return len(docs)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self.index.reload()

    # --- reading -------------------------------------------------------------------------------

    @property
    def num_docs(self) -> int:
        return self.index.searcher().num_docs

    def text_query(self, parsed: ParsedQuery, fields: Sequence[str] = TEXT_FIELDS) -> tantivy.Query:
        """Every word and phrase must match in some field; title and author matches weigh more.
        A prefix word matches the start of a word (words are letters and digits only, so it is
        safe inside a pattern)."""
        text = parsed.tantivy()
        parts = []
        if text:
            parts.append((tantivy.Occur.Must, self.index.parse_query(text, list(fields), field_boosts={f: BOOSTS[f] for f in fields})))
        word = parsed.prefix_word
        if word is not None:
            each = [(tantivy.Occur.Should, tantivy.Query.regex_query(self.schema, f, f"{word}.*")) for f in fields]
            parts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(each)))
        return parts[0][1] if len(parts) == 1 else tantivy.Query.boolean_query(parts)

    def filter_clauses(self, filters: SearchFilters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        must = tantivy.Occur.Must
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if filters.year_from is not None or filters.year_to is not None:
            lo = filters.year_from if filters.year_from is not None else -(2**31)
            hi = filters.year_to if filters.year_to is not None else 2**31
            clauses.append((must, tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, lo, hi)))
        for name, values in (("type", filters.types), ("topic", filters.topics), ("institution", filters.institutions), ("venue_id", filters.venues), ("flag", filters.flags)):
            if values:
                clauses.append((must, tantivy.Query.term_set_query(self.schema, name, list(values))))
        return clauses

    def query(self, parsed: ParsedQuery | None, filters: SearchFilters, extra_ids: Sequence[int] = ()) -> tantivy.Query:
        """The filtered match set: works matching the words, or (with ``extra_ids``) also those
        works; without words, every work."""
        must = tantivy.Occur.Must
        clauses = self.filter_clauses(filters)
        if parsed is not None and not parsed.is_empty:
            text = self.text_query(parsed)
            if extra_ids:
                ids = tantivy.Query.term_set_query(self.schema, "id", list(extra_ids))
                text = tantivy.Query.boolean_query([(tantivy.Occur.Should, text), (tantivy.Occur.Should, tantivy.Query.const_score_query(ids, 0.0))])
            clauses.append((must, text))
        if not clauses:
            return tantivy.Query.all_query()
        if len(clauses) == 1:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)

    def ids_only(self, ids: Sequence[int], filters: SearchFilters) -> tantivy.Query:
        clauses = [(tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "id", list(ids))), *self.filter_clauses(filters)]
        return tantivy.Query.boolean_query(clauses)

    def top(self, query: tantivy.Query, limit: int, offset: int = 0, sort: str = "relevance") -> Hits:
        searcher = self.index.searcher()
        if limit <= 0:
            return Hits([], searcher.search(query, 1, count=True).count or 0)  # a limit of 0 is refused
        if sort == "relevance":
            res = searcher.search(query, limit, count=True, offset=offset)
        else:
            res = searcher.search(query, limit, count=True, order_by_field=SORT_FIELDS[sort], offset=offset, order=tantivy.Order.Desc)
        addresses = [addr for _, addr in res.hits]
        ids = [int(v) for v in searcher.fast_field_values("id", addresses)] if addresses else []
        return Hits(ids, res.count or 0)

    def search(self, parsed: ParsedQuery, filters: SearchFilters, limit: int, offset: int = 0, sort: str = "relevance") -> Hits:
        if parsed.is_empty and sort == "relevance" and filters.is_empty:
            return Hits([], 0)
        return self.top(self.query(parsed, filters), limit, offset, sort)

    def facets(self, query: tantivy.Query, size: int = 10) -> dict[str, list[tuple[str | int, int]]]:
        """Counts of the facet values over every document the query matches, largest first."""
        agg = {name: {"terms": {"field": field, "size": 40 if name == "year" else size}} for name, field in FACET_FIELDS.items()}
        found = self.index.searcher().aggregate(query, agg)
        out: dict[str, list[tuple[str | int, int]]] = {}
        for name in FACET_FIELDS:
            buckets = found.get(name, {}).get("buckets", [])
            out[name] = [(_key(b["key"]), int(b["doc_count"])) for b in buckets if b.get("doc_count")]
        return out

    def suggest(self, parsed: ParsedQuery, limit: int = 8) -> list[tuple[int, str]]:
        """Titles for search-as-you-type: works whose title holds the words, the last as a prefix."""
        if parsed.is_empty:
            return []
        q = self.text_query(parsed, ("title",))
        searcher = self.index.searcher()
        out = []
        for _, addr in searcher.search(q, limit, count=False).hits:
            doc = searcher.doc(addr)
            out.append((int(doc.get_first("id")), str(doc.get_first("title"))))
        return out

    def all_ids(self) -> list[int]:
        searcher = self.index.searcher()
        n = searcher.num_docs
        if not n:
            return []
        res = searcher.search(tantivy.Query.all_query(), n, count=False)
        return [int(v) for v in searcher.fast_field_values("id", [a for _, a in res.hits])]


def _key(k: object) -> str | int:
    if isinstance(k, float) and k.is_integer():
        return int(k)
    return k if isinstance(k, (str, int)) else str(k)
