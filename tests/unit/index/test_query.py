"""The search box's parser: anything a person types becomes words, phrases and exclusions that
the keyword index reads literally."""

from __future__ import annotations

import pytest
import tantivy
from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.index.keyword import TEXT_FIELDS, _schema
from peerscope.index.query import MAX_QUERY_CHARS, normalise, parse_query

INDEX = tantivy.Index(_schema())
SYNTAX = st.sampled_from(list(':()[]{}^~*"+-!\\/?&|<>=') + ["AND", "OR", "NOT", "title:", " "])
TYPED = st.lists(st.one_of(st.text(max_size=12), SYNTAX), max_size=20).map("".join).filter(lambda s: len(s) <= MAX_QUERY_CHARS)


@settings(max_examples=300, deadline=None)
@given(TYPED, st.booleans())
def test_any_text_parses_into_a_query_the_index_reads(raw: str, prefix: bool) -> None:
    parsed = parse_query(raw, prefix=prefix)
    for word in (*parsed.words, *parsed.excluded, *(w for p in parsed.phrases for w in p)):
        assert word and all(ch.isalnum() for ch in word), word
        assert word == normalise(word)
    if parsed.tantivy():
        INDEX.parse_query(parsed.tantivy(), list(TEXT_FIELDS))  # never a syntax error


@settings(max_examples=200, deadline=None)
@given(TYPED)
def test_parsing_is_idempotent_on_its_own_text(raw: str) -> None:
    parsed = parse_query(raw)
    again = parse_query(parsed.text)
    assert set(again.words) == set(parsed.words) | {w for p in parsed.phrases for w in p}


def test_words_phrases_and_exclusions() -> None:
    p = parse_query('Graph "neural  networks" -survey title:(x) ^2')
    assert p.words == ("graph", "title", "x", "2")
    assert p.phrases == (("neural", "networks"),)
    assert p.excluded == ("survey",)
    assert not p.prefix


def test_prefix_only_when_the_text_ends_in_a_word() -> None:
    assert parse_query("climate ri", prefix=True).prefix_word == "ri"
    assert parse_query("climate ri ", prefix=True).prefix_word is None
    assert parse_query("climate -ri", prefix=True).prefix_word is None
    assert parse_query('"climate risk"', prefix=True).prefix_word is None


def test_empty_and_punctuation_only_queries_are_empty() -> None:
    for raw in ("", "   ", ":::", '""', "-", "*"):
        assert parse_query(raw).is_empty, raw


def test_a_query_too_long_is_an_error_naming_the_limit() -> None:
    with pytest.raises(InputError, match="201 characters.*at most 200"):
        parse_query("x" * 201)
