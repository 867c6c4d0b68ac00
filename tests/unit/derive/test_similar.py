"""Similar works: the four signals, the score, the ranked lists and the reasons, on hand-made
corpora and on random ones (symmetry, determinism, no self match, counts that match a naive
count)."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.derive.similar.scoring import (
    KEEP,
    MIN_SCORE,
    WEIGHTS,
    MEANING_MIN,
    Corpus,
    Embeddings,
    Evidence,
    _matrices,
    reasons,
    score_pairs,
    shown_terms,
    similar_lists,
)

GNN, REEF = 100, 200
NAMES = {GNN: "Graph Neural Networks", REEF: "Coral Reefs"}
TEXTS = {
    1: "Graph neural networks for molecule property prediction",
    2: "Message passing graph neural networks on molecules",
    3: "Molecule generation with graph neural networks",
    4: "Coral reef resilience under ocean warming",
    5: "Ocean warming and coral bleaching of reef systems",
    6: "A survey of learned simulators",
    7: "Benchmarks for physics engines",
    8: "Zymurgy of lambic fermentation vessels",
}
CITATIONS = [(6, 1), (6, 2), (7, 1), (7, 2), (1, 4), (2, 4), (1, 5), (2, 5), (3, 5)]
TOPICS = [(1, GNN, 0.9), (2, GNN, 0.8), (3, GNN, 0.7), (4, REEF, 1.0), (5, REEF, 0.9)]


def corpus() -> Corpus:
    return Corpus(list(TEXTS), list(TEXTS.values()), CITATIONS, TOPICS)


def by_id(lists: dict, work: int) -> dict:
    return {n.work_id: n for n in lists.get(work, [])}


def test_each_signal_names_its_evidence() -> None:
    lists = similar_lists(corpus())
    one_two = by_id(lists, 1)[2]
    ev = one_two.evidence
    # 6 and 7 cite both; both cite 4 and 5; both have the GNN topic; their texts share terms
    assert (ev.cocited, ev.shared_references, ev.topics, ev.topics_shared) == (2, 2, (GNN,), 1)
    assert ev.text_similarity > 0 and "graph neural" in ev.named_terms and "graph" not in ev.named_terms and "graph" in ev.terms
    said = reasons(ev, NAMES)
    assert set(said) == {"cited together by 2 works", "shares 2 references", "shares topic: Graph Neural Networks",
                         f"close in text: {', '.join(ev.named_terms)}"}
    # the surveys share two references and nothing else: one reason
    assert reasons(by_id(lists, 6)[7].evidence, NAMES) == ["shares 2 references"]
    # the reef works are cited together by the two GNN works and share their topic
    assert {"cited together by 2 works", "shares topic: Coral Reefs"} <= set(reasons(by_id(lists, 4)[5].evidence, NAMES))
    # a work sharing nothing has no list and is in no list
    assert 8 not in lists and all(8 not in by_id(lists, w) for w in lists)


def test_closest_first_and_scores_are_the_weighted_signals() -> None:
    lists = similar_lists(corpus())
    assert [n.work_id for n in lists[1]][0] == 2  # citations, topic and text beat topic and text alone
    for found in lists.values():
        scores = [n.score for n in found]
        assert scores == sorted(scores, reverse=True)
    ev = by_id(lists, 6)[7].evidence
    # coupling only: two shared of two references each -> sqrt(2 / 2) x 2 / 3
    assert ev.coupling_strength == round(2 / 3, 4)
    assert by_id(lists, 6)[7].score == round(WEIGHTS["coupling"] * 2 / 3, 6)


def test_reasons_read_well() -> None:
    ev = Evidence(cocited=1, shared_references=12, cocitation_strength=0.2, coupling_strength=0.6, topics=(GNN, REEF, 7),
                  topics_shared=5, topic_similarity=0.5, text_similarity=0.6, terms=("graph neural", "molecule"), meaning_similarity=0.7)
    assert reasons(ev, NAMES) == [
        "shares 12 references", "close in text: graph neural, molecule", "shares topics: Graph Neural Networks, Coral Reefs and 3 others",
        "cited together by 1 work", "close in meaning (embedding cosine 0.70)",
    ]
    assert reasons(Evidence(meaning_similarity=0.49), NAMES) == []  # below MEANING_MIN: not close
    assert reasons(Evidence(topics=(9,), topics_shared=1, topic_similarity=0.2), {}) == ["shares 1 topic"]
    assert reasons(Evidence(), NAMES) == []


def test_readable_terms() -> None:
    assert shown_terms(["graph", "graph neural", "networks"], 3) == ("graph neural", "networks")
    assert shown_terms(["graph neural", "graph", "neural networks", "graph networks", "molecule", "x"], 3) == (
        "graph neural", "neural networks", "molecule")


def test_one_shared_word_is_not_closeness() -> None:
    texts = ["Protein folding kinetics", "Protein markets in Europe", "Tidal energy", "Tidal energy storage"]
    lists = similar_lists(Corpus([1, 2, 3, 4], texts, [], []))
    assert 2 not in by_id(lists, 1)  # "protein" alone
    assert by_id(lists, 3)[4].evidence.named_terms == ("tidal energy",)


def test_surveys_and_classics_are_capped() -> None:
    from peerscope.derive.similar import scoring

    n = scoring.COCITATION_CAP + 2
    ids = list(range(1, n + 2))
    survey = n + 1
    lists = similar_lists(Corpus(ids, [f"w{i}" for i in ids], [(survey, w) for w in ids[:-1]], []))
    assert not lists  # one work citing everything says nothing about any two of them


# --- properties ----------------------------------------------------------------------------------
WORDS = ["graph", "neural", "network", "coral", "reef", "ocean", "protein", "folding", "market", "energy", "tidal", "storage"]


@st.composite
def corpora(draw: st.DrawFn) -> Corpus:
    n = draw(st.integers(2, 14))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    texts = [" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))) for _ in ids]
    cites = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=40))
    topics = draw(st.lists(st.tuples(st.sampled_from(ids), st.integers(1, 6), st.floats(0.05, 1.0)), max_size=30))
    seen: set[tuple[int, int]] = set()
    topics = [t for t in topics if (t[0], t[1]) not in seen and not seen.add((t[0], t[1]))]
    embeddings = None
    if draw(st.booleans()):  # vectors for some of the works (and one for a work not in the corpus)
        with_vec = draw(st.lists(st.sampled_from(ids), unique=True, max_size=n)) + [20_000]
        raw = np.asarray([draw(st.lists(st.floats(-1, 1, width=32), min_size=4, max_size=4)) for _ in with_vec], dtype=np.float32) + 0.01
        embeddings = Embeddings(np.asarray(with_vec, np.int64), (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32), "test")
    return Corpus(ids, texts, cites, topics, embeddings)


@settings(max_examples=80, deadline=None)
@given(corpora())
def test_lists_are_well_formed(c: Corpus) -> None:
    lists = similar_lists(c)
    for work, found in lists.items():
        assert work in c.work_ids and 0 < len(found) <= KEEP
        others = [n.work_id for n in found]
        assert work not in others and len(set(others)) == len(others)  # no self match, no repeats
        keys = [(-n.score, n.work_id) for n in found]
        assert keys == sorted(keys)  # best first, ties by the lower id
        for n in found:
            assert MIN_SCORE <= n.score <= 1.0
            assert reasons(n.evidence, {}), "every entry says why"


@settings(max_examples=80, deadline=None)
@given(corpora())
def test_scores_are_symmetric_and_counts_are_naive_counts(c: Corpus) -> None:
    mx = _matrices(c)
    n = len(mx.ids)
    a, b = np.array([i for i in range(n) for j in range(n) if i != j], dtype=np.int64), np.array([j for i in range(n) for j in range(n) if i != j], dtype=np.int64)
    score, signals = score_pairs(mx, a, b)
    pair = {(int(x), int(y)): k for k, (x, y) in enumerate(zip(a, b))}
    edges = {(x, y) for x, y in c.citations if x != y}
    for (x, y), k in pair.items():
        assert score[k] == score[pair[(y, x)]]
        wx, wy = int(mx.ids[x]), int(mx.ids[y])
        assert signals["cocited"][k] == len({s for s, t in edges if t == wx} & {s for s, t in edges if t == wy})
        assert signals["coupled"][k] == len({t for s, t in edges if s == wx} & {t for s, t in edges if s == wy})
    # what a list shows is what the pair scores
    for work, found in similar_lists(c).items():
        row = int(np.searchsorted(mx.ids, work))
        for nb in found:
            assert nb.score == score[pair[(row, int(np.searchsorted(mx.ids, nb.work_id)))]]


@settings(max_examples=60, deadline=None)
@given(corpora(), st.randoms(use_true_random=False))
def test_input_order_does_not_matter(c: Corpus, rnd: random.Random) -> None:
    order = list(range(len(c.work_ids)))
    rnd.shuffle(order)
    cites, topics = list(c.citations), list(c.topics)
    rnd.shuffle(cites)
    rnd.shuffle(topics)
    e = c.embeddings
    if e is not None:
        flip = np.asarray(rnd.sample(range(len(e.ids)), len(e.ids)))
        e = Embeddings(e.ids[flip], e.vectors[flip], e.name)
    shuffled = Corpus([c.work_ids[i] for i in order], [c.texts[i] for i in order], cites, topics, e)
    assert similar_lists(shuffled) == similar_lists(c) == similar_lists(c)


def test_close_meaning_in_other_words() -> None:
    texts = {**TEXTS, 9: "Sea temperature rise harms tropical corals", 10: "Hotter water damages shallow marine polyps"}
    ids = sorted(texts)
    vec = np.zeros((len(ids), 3), np.float32)
    vec[:, 0] = 1.0  # every work along one axis ...
    vec[ids.index(9)] = [0.0, 1.0, 0.0]  # ... but 9 and 10, which point almost the same way
    vec[ids.index(10)] = [0.0, 0.96, 0.28]
    plain = similar_lists(Corpus(ids, [texts[i] for i in ids], CITATIONS, TOPICS))
    assert 10 not in by_id(plain, 9)  # no shared word, citation or topic
    # vectors for works 9 and 10 only: the others have no vector and get no meaning signal
    only = Embeddings(np.asarray([9, 10], np.int64), vec[[ids.index(9), ids.index(10)]], "test")
    lists = similar_lists(Corpus(ids, [texts[i] for i in ids], CITATIONS, TOPICS, only))
    nb = by_id(lists, 9)[10]
    assert nb.evidence.meaning_similarity == 0.96 and reasons(nb.evidence, NAMES) == ["close in meaning (embedding cosine 0.96)"]
    assert nb.score == round(WEIGHTS["meaning"] * (0.96 - MEANING_MIN) / (1 - MEANING_MIN), 6) == by_id(lists, 10)[9].score
    assert all(n.evidence.meaning_similarity == 0 for w, found in lists.items() if w not in (9, 10) for n in found)
    # with every work along one axis, all are "close in meaning" to each other but 9 and 10
    everyone = similar_lists(Corpus(ids, [texts[i] for i in ids], CITATIONS, TOPICS, Embeddings(np.asarray(ids, np.int64), vec, "test")))
    assert by_id(everyone, 1)[8].evidence.meaning_similarity == 1.0 and 9 not in by_id(everyone, 1)
    # the other signals keep their strength beside it: 1 and 2 still rank each other first
    assert [n.work_id for n in everyone[1]][0] == 2
