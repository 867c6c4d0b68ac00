"""The arXiv taxonomy's place in the hierarchy, and text clusters with their labels."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from peerscope.derive.topics.clusters import cluster_texts, cohesion, terms_of, tfidf
from peerscope.derive.topics.taxonomy import ARCHIVE_PLACE, SKIPPED_ARCHIVES, categories, code_of, hierarchy


def test_every_category_has_one_node_under_its_field_with_its_code() -> None:
    nodes = hierarchy()
    by_code = {n.arxiv_code: n for n in nodes if n.arxiv_code}
    for c in categories():
        if c.archive in SKIPPED_ARCHIVES:
            continue
        node = by_code.get(c.code)
        if node is None:  # an archive that is its field (Computer Science): its categories sit under the field
            assert c.code == c.archive and c.name == ARCHIVE_PLACE[c.archive][1]
            continue
        assert node.parents[:2] == (("domain", ARCHIVE_PLACE[c.archive][0]), ("field", ARCHIVE_PLACE[c.archive][1]))
    ml = by_code["cs.LG"]
    assert ml.level == "topic" and ml.parents == (("domain", "Physical Sciences"), ("field", "Computer Science")) and ml.name.endswith("(cs.LG)")
    assert by_code["hep-th"].level == "topic" and by_code["hep-th"].parents[-1] == ("field", "Physics and Astronomy")
    assert by_code["cond-mat.str-el"].parents[-1] == ("subfield", "Condensed Matter")
    # parents always come before their children, and every path is unique
    seen: set = set()
    for n in nodes:
        assert n.parents in seen or not n.parents
        assert n.path not in seen
        seen.add(n.path)


def test_code_of_knows_only_real_categories() -> None:
    assert code_of(" cs.LG ") == "cs.LG" and code_of("hep-th") == "hep-th"
    assert code_of("cs.XX") is None and code_of("Machine Learning") is None and code_of("") is None


GROUPS = {
    "reef": ["Coral reef resilience under ocean warming", "Ocean warming and coral bleaching of reef systems", "Reef fish diversity after coral bleaching"],
    "protein": ["Protein folding with deep learning", "Deep learning predicts protein structure", "Deep learning for protein design"],
}


def test_coherent_groups_become_labelled_clusters_and_strays_stay_out() -> None:
    items = [(i * 10 + j, t) for i, g in enumerate(GROUPS.values()) for j, t in enumerate(g)] + [(99, "Lambic zymurgy")]
    clusters = cluster_texts(items)
    assert sorted(sorted(w for w, _s in c.members) for c in clusters) == [[0, 1, 2], [10, 11, 12]]
    labels = {c.label for c in clusters}
    assert any("Coral" in label or "Reef" in label for label in labels) and any("Protein" in label or "Deep learning" in label for label in labels)
    for c in clusters:
        assert all(0.1 <= s <= 1.0 for _w, s in c.members) and list(c.members) == sorted(c.members, key=lambda m: (-m[1], m[0]))
    assert cluster_texts(items) == clusters  # the same texts give the same clusters


def test_unrelated_texts_form_no_topic() -> None:
    items = [(1, "Volcanic ash dispersion"), (2, "Medieval tax records of Flanders"), (3, "Quantum error correction codes"), (4, "Sourdough starters")]
    assert cluster_texts(items) == []
    assert cluster_texts([]) == []


def test_terms_drop_stop_words_and_numbers_and_add_word_pairs() -> None:
    assert terms_of("The 3 graph neural networks, 2024") == ["graph", "neural", "networks", "graph neural", "neural networks"]


@given(st.lists(st.tuples(st.integers(0, 10_000), st.text(max_size=80)), max_size=30, unique_by=lambda t: t[0]))
@settings(max_examples=80, deadline=None)
def test_any_texts_cluster_without_error(items) -> None:  # type: ignore[no-untyped-def]
    clusters = cluster_texts(items)
    ids = [w for c in clusters for w, _s in c.members]
    assert len(ids) == len(set(ids)) and set(ids) <= {w for w, _t in items}
    assert all(len(c.members) >= 3 and c.label for c in clusters)


def test_cohesion_of_identical_rows_is_one() -> None:
    x, _vocab = tfidf(["coral reef", "coral reef", "coral reef", "sourdough", "sourdough", "volcanic ash"])
    assert abs(cohesion(x[:3]) - 1.0) < 1e-9 and cohesion(x[[0, 3]]) == 0.0
    assert cohesion(x[[5, 5]]) == 0.0  # rows without a kept term add nothing
