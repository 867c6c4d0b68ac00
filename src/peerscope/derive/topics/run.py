"""``derive_topics``: seed arXiv's taxonomy into the hierarchy, then give every work that came
without topics scored ones — from its arXiv categories (the primary 1.0, the others 0.5), else
from a cluster of the texts of such works — replacing the previous derivation whole."""

from __future__ import annotations

from dataclasses import dataclass

from peerscope.derive.topics.clusters import cluster_texts
from peerscope.derive.topics.taxonomy import code_of, hierarchy
from peerscope.store import topics as store_topics
from peerscope.store.db import Store

PRIMARY_SCORE, OTHER_SCORE = 1.0, 0.5


@dataclass(frozen=True, slots=True)
class TopicsReport:
    taxonomy_nodes: int
    works_without_source_topics: int
    by_arxiv_category: int  # works given topics from their arXiv categories
    clustered: int  # works given a cluster topic
    unplaced: int  # works whose text shares no term with the others
    clusters: int
    clusters_removed: int
    authors_queued: int  # authors whose works' derived topics changed: their topic profiles are recomputed


def derive_topics(store: Store) -> TopicsReport:
    nodes = hierarchy()
    store_topics.ensure_nodes(store, [(n.path, n.arxiv_code) for n in nodes])
    codes = store_topics.arxiv_topic_ids(store)
    rows: list[tuple[int, int, float, str]] = []
    texts: list[tuple[int, str]] = []
    seen = by_category = 0
    for wid, labels, text in store_topics.works_without_topics(store):
        seen += 1
        found = [codes[c] for c in dict.fromkeys(code_of(label) for label in labels) if c is not None and c in codes]
        if found:
            by_category += 1
            rows += [(wid, tid, PRIMARY_SCORE if i == 0 else OTHER_SCORE, "arxiv_category") for i, tid in enumerate(dict.fromkeys(found))]
        else:
            texts.append((wid, text))
    clusters = cluster_texts(texts)
    written = store_topics.replace_assignments(store, rows, [(c.label, c.terms, c.members) for c in clusters])
    clustered = sum(len(c.members) for c in clusters)
    return TopicsReport(len(nodes), seen, by_category, clustered, len(texts) - clustered, len(clusters), written["clusters_removed"], written["authors_queued"])
