"""The research graph's reasons (each edge's evidence as a phrase) and the graph query's parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerscope.derive.graph import EDGE_KINDS, NODE_KINDS, WEIGHTS, inputs_hash, reason
from peerscope.errors import InputError
from peerscope.serve.api.graph import DEFAULT_LIMIT, MAX_LIMIT, PARAMS, parse_graph_query, parse_node_id


@pytest.mark.parametrize(
    "kind,src,dst,evidence,years,expected",
    [
        ("coauthor", "author", "author", {"joint_works": 7}, (2019, 2024), "7 joint works, 2019–2024"),
        ("coauthor", "author", "author", {"joint_works": 1}, (2020, 2020), "1 joint work, 2020"),
        ("authorship", "author", "work", {"position": 2, "authors": 5}, (2021, 2021), "author 2 of 5, 2021"),
        ("citation", "work", "work", {"cites": 1}, (2022, 2022), "cites, 2022"),
        ("citation", "work", "work", {"cites": 0}, (None, None), "cited by"),
        ("topic", "work", "topic", {"score": 0.934}, (2020, 2020), "topic score 0.93"),
        ("topic", "author", "topic", {"works": 12}, (None, None), "12 works on this topic"),
        ("affiliation", "author", "institution", {"works": 3}, (2018, 2023), "3 works with this affiliation, 2018–2023"),
        ("affiliation", "work", "institution", {"authors": 2}, (2018, 2018), "2 authors affiliated, 2018"),
        ("venue", "work", "source", {"works": 1}, (2017, 2017), "published here, 2017"),
        ("venue", "author", "source", {"works": 4}, (2010, 2012), "4 works in this venue, 2010–2012"),
        ("shared_topic", "author", "author", {"topics": 3}, (None, None), "3 shared topics"),
        ("similarity", "work", "work", {"shared_references": 2}, (None, None), "2 shared references"),
    ],
)
def test_each_edge_kind_says_why(kind, src, dst, evidence, years, expected) -> None:  # type: ignore[no-untyped-def]
    assert kind in EDGE_KINDS
    assert reason(kind, src, dst, evidence, *years) == expected


def test_inputs_hash_moves_with_the_inputs() -> None:
    stats = {"works": [10, 10, 9], "citations": [4, 4, 20]}
    assert inputs_hash(stats) == inputs_hash(dict(stats))
    assert inputs_hash(stats) != inputs_hash({**stats, "works": [11, 11, 9]})
    assert all(isinstance(v, (int, float)) for v in WEIGHTS.values())


def test_defaults_and_a_full_query() -> None:
    q = parse_graph_query({})
    assert (q.depth, q.kinds, q.limit, q.years) == (1, NODE_KINDS, DEFAULT_LIMIT, (0, 9999))
    q = parse_graph_query({"depth": "2", "kinds": "author, work,author", "limit": "7", "year_from": "2019", "year_to": "2024"})
    assert (q.depth, q.kinds, q.limit, q.years) == (2, ("author", "work"), 7, (2019, 2024))


@pytest.mark.parametrize(
    "params,named",
    [
        ({"depth": "3"}, "depth"), ({"depth": "two"}, "depth"), ({"limit": "0"}, "limit"), ({"limit": str(MAX_LIMIT + 1)}, "limit"),
        ({"kinds": "people"}, "kinds"), ({"kinds": ","}, "kinds"), ({"year_from": "20x"}, "year_from"),
        ({"year_from": "2024", "year_to": "2019"}, "year_from"), ({"hops": "2"}, "hops"),
    ],
)
def test_bad_parameters_are_named(params: dict, named: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_graph_query(params)
    assert named in caught.value.message


@given(st.dictionaries(st.sampled_from(sorted(PARAMS | {"x", "kind"})), st.text(max_size=12), max_size=5))
def test_any_query_parses_or_is_refused_clearly(params: dict) -> None:
    try:
        q = parse_graph_query(params)
    except InputError as exc:
        assert any(name in exc.message for name in params)
    else:
        assert q.depth in (1, 2) and 1 <= q.limit <= MAX_LIMIT and set(q.kinds) <= set(NODE_KINDS) and q.kinds
        assert q.years[0] <= q.years[1]


@given(st.sampled_from(NODE_KINDS), st.integers(min_value=1, max_value=10**12))
def test_node_ids_round_trip(kind: str, number: int) -> None:
    letter = {"work": "W", "author": "A", "topic": "T", "institution": "I", "source": "S"}[kind]
    assert parse_node_id(f"P{letter}{number}") == (kind, number)


@given(st.text(max_size=20).filter(lambda t: not t.strip().upper().startswith("P")))
def test_other_text_is_no_node_id(text: str) -> None:
    with pytest.raises(InputError, match="not a graph node id"):
        parse_node_id(text)
