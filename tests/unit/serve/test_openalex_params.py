"""The OpenAlex parameter parsers and the cursor codec: round trips, and any input string gives
a result or an InputError naming the parameter and the fault (never another exception)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.errors import InputError
from peerscope.serve.api.openalex import paging
from peerscope.serve.api.openalex.filters import parse_filter, parse_group_by, parse_select, parse_sort
from peerscope.serve.api.openalex.registry import ENTITIES
from peerscope.store.oa_query import Clause, IdRef, Order, Term

WORKS = ENTITIES["works"]
SECRET = b"test-secret"
# text that looks like parameters: field names, operators and separators mixed with anything
PIECES = st.sampled_from(["publication_year", "type", "is_oa", "authorships.author.id", "from_publication_date", "title.search", "doi", ":", ",", "|", "+", "!", "<", ">", "-", "null", "true", "2020", "W1", "PA3", "2024-01-31", "x"])
PARAMISH = st.one_of(st.text(max_size=60), st.lists(PIECES, max_size=12).map("".join))


@given(PARAMISH, st.sampled_from(list(ENTITIES)))
def test_any_filter_string_parses_or_names_the_fault(raw: str, entity: str) -> None:
    try:
        clauses, searches = parse_filter(ENTITIES[entity], raw)
    except InputError as exc:
        assert exc.message.startswith("filter")
    else:
        assert all(isinstance(c, Clause) and c.terms for c in clauses)
        assert all(s.text for s in searches)


@given(PARAMISH)
def test_any_sort_group_by_select_string_parses_or_names_the_fault(raw: str) -> None:
    for parse, name in ((lambda r: parse_sort(WORKS, r), "sort"), (lambda r: parse_group_by(WORKS, r), "group_by"), (lambda r: parse_select({"id", "title"}, r), "select")):
        try:
            parse(raw)
        except InputError as exc:
            assert exc.message.startswith(name), exc.message


NUMBER_TERMS = st.one_of(
    st.integers(-10**6, 10**6).map(lambda n: (str(n), Term("eq", n))),
    st.integers(0, 10**6).map(lambda n: (f">{n}", Term("gt", n))),
    st.integers(0, 10**6).map(lambda n: (f"<{n}", Term("lt", n))),
    st.integers(0, 10**6).map(lambda n: (f"!{n}", Term("ne", n))),
    st.tuples(st.integers(0, 5000), st.integers(0, 5000)).map(lambda p: (f"{p[0]}-{p[1]}", Term("range", p[0], p[1]))),
    st.just(("null", Term("null"))),
    st.just(("!null", Term("notnull"))),
)
TYPES = st.sampled_from(["article", "preprint", "book-chapter", "dataset"])


@given(st.lists(NUMBER_TERMS, min_size=1, max_size=4), st.lists(TYPES, min_size=1, max_size=3), st.booleans(), st.dates())
def test_filter_round_trip(years, types, is_oa, since) -> None:  # type: ignore[no-untyped-def]
    year_join = "+" if any(t.op in ("ne",) for _, t in years) or len(years) == 1 else "|"
    if year_join == "|" and any(text.startswith("!") for text, _ in years):
        year_join = "+"
    raw = ",".join([
        "publication_year:" + year_join.join(text for text, _ in years),
        "type:" + "|".join(t.upper() for t in types),
        f"is_oa:{str(is_oa).lower()}",
        f"from_publication_date:{since.isoformat()}",
    ])
    clauses, searches = parse_filter(WORKS, raw)
    assert searches == ()
    assert clauses == (
        Clause("works.publication_year", tuple(t for _, t in years), "or" if year_join == "|" else "and"),
        Clause("works.type", tuple(Term("eq", t) for t in types), "or" if len(types) > 1 else "and"),
        Clause("works.is_oa", (Term("eq", is_oa),), "and"),
        Clause("works.publication_date", (Term("ge", since),), "and"),
    )


def test_ids_in_filters_are_ours_or_external() -> None:
    (clause,), _ = parse_filter(WORKS, "authorships.author.id:PA7|A5023888391|https://openalex.org/A12")
    assert clause.terms == (Term("eq", IdRef("author", number=7)), Term("eq", IdRef("author", scheme="openalex", value="A5023888391")), Term("eq", IdRef("author", scheme="openalex", value="A12")))
    with pytest.raises(InputError, match="takes author ids, got the work id 'PW7'"):
        parse_filter(WORKS, "author.id:PW7")


@pytest.mark.parametrize("raw,fault", [
    ("publication_year", "has no ':'"),
    ("nope:1", "'nope' is not a valid field for works"),
    ("publication_year:abc", "publication_year takes a number, got 'abc'"),
    ("publication_date:2024-13-01", "takes a date (YYYY-MM-DD)"),
    ("is_oa:maybe", "takes true or false"),
    ("publication_year:!1|2", "cannot mix '!' into an OR list"),
    ("publication_year:", "has an empty value"),
    ("title.search:", "has an empty value"),
    ("cited_by_count:!>3", "cannot combine '!' with '>'"),
])
def test_bad_filters_name_the_fault(raw: str, fault: str) -> None:
    with pytest.raises(InputError, match="^filter") as exc:
        parse_filter(WORKS, raw)
    assert fault in exc.value.message


def test_sort_and_group_by() -> None:
    assert parse_sort(WORKS, "cited_by_count:desc,publication-date") == (Order("works.cited_by_count", True), Order("works.publication_date", False))
    assert parse_group_by(WORKS, "open_access.is_oa").key == "works.is_oa"
    with pytest.raises(InputError, match="group_by: 'publication_date' is not a field that supports group_by"):
        parse_group_by(WORKS, "publication_date")


ROWS = st.tuples(st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.dates(), st.text(max_size=20)), st.integers(0, 2**40))


@given(ROWS, st.sampled_from(["", "cited_by_count:desc", "publication_date"]))
def test_cursor_round_trip(row: tuple, spec: str) -> None:
    token = paging.encode(SECRET, spec, row)
    assert paging.decode(SECRET, spec, token) == row
    assert paging.decode(SECRET, spec, paging.START) is None


@given(st.text(max_size=80))
def test_any_cursor_string_is_refused_cleanly(token: str) -> None:
    try:
        paging.decode(SECRET, "", token)
    except InputError as exc:
        assert exc.message.startswith("cursor")


def test_altered_or_moved_cursor_is_refused() -> None:
    token = paging.encode(SECRET, "", (date(2024, 1, 1), 5))
    body, _, sig = token.partition(".")
    with pytest.raises(InputError, match="not a cursor this server issued"):
        paging.decode(SECRET, "", body + "." + sig[::-1])
    with pytest.raises(InputError, match="not a cursor this server issued"):
        paging.decode(b"another-secret", "", token)
    with pytest.raises(InputError, match="made for sort 'default'"):
        paging.decode(SECRET, "cited_by_count:desc", token)


def test_every_registry_field_is_documented() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "api-openalex.md").read_text()
    for e in ENTITIES.values():
        assert f"### {e.name}" in doc, e.name
        section = doc.split(f"### {e.name}", 1)[1].split("###", 1)[0]
        for f in e.fields:
            assert f"`{f.name}`" in section, (e.name, f.name)
