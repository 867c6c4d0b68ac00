"""Topics derived for works that came without any: arXiv categories placed in the hierarchy,
clusters of the remaining works' text with readable labels, the topic page, and the work page."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from click.testing import CliRunner
from sqlalchemy import text
from fastapi.testclient import TestClient

from peerscope.cli import cli
from peerscope.config import Settings
from peerscope.pipeline import ingest_openalex
from peerscope.serve.app import create_app
from peerscope.store import topics as store_topics
from peerscope.store.db import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TITLES = {
    "reef": ["Coral reef resilience under ocean warming", "Ocean warming and coral bleaching of reef systems",
             "Reef fish diversity after coral bleaching", "Coral reef fish under ocean warming"],
    "protein": ["Protein folding with deep learning", "Deep learning predicts protein structure",
                "Deep learning for protein design", "Protein language models with deep learning"],
    "graphs": ["Graph neural networks for molecule property prediction", "Message passing graph neural networks on molecules",
               "Molecule generation with graph neural networks", "Graph neural networks for traffic forecasting"],
}


def run(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def untopiced(n: int, title: str) -> dict:
    return {"id": f"https://openalex.org/W77{n:04d}", "title": title, "display_name": title, "publication_year": 2020 + n % 4,
            "type": "article", "authorships": [{"author_position": "first", "author": {"id": f"https://openalex.org/A77{n % 5:03d}", "display_name": f"Topic Person{chr(65 + n % 5)}"},
                                                "institutions": [], "raw_author_name": f"Topic Person{chr(65 + n % 5)}"}]}


def build(store: Store, tmp_path: Path) -> dict:
    url = store.describe()
    run("ingest", "arxiv", "--from-file", str(FIXTURES / "arxiv" / "atom_feed.json"), "--database-url", url, "--json")
    works = [untopiced(i * 10 + j, t) for i, group in enumerate(TITLES.values()) for j, t in enumerate(group)]
    works.append(untopiced(99, "Zymurgy of lambic fermentation vessels"))  # shares no term with the others
    path = tmp_path / "untopiced.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(w) for w in works))
    ingest_openalex(store, [path])
    return run("derive", "topics", "--database-url", url, "--json")


def work_id(store: Store, scheme: str, value: str) -> int:
    with store.connect() as conn:
        return int(conn.exec_driver_sql(f"select entity_id from external_ids where entity_kind='work' and scheme='{scheme}' and value='{value}'").scalar_one())


def assignments(store: Store) -> dict[int, list[tuple[str, str, float, str]]]:
    with store.connect() as conn:
        rows = conn.exec_driver_sql(
            "select a.work_id, t.display_name, t.level, a.score, a.method from work_topic_assignments a join topics t on t.id = a.topic_id order by a.work_id, a.score desc, t.display_name"
        ).all()
    out: dict[int, list[tuple[str, str, float, str]]] = {}
    for wid, name, level, score, method in rows:
        out.setdefault(int(wid), []).append((name, level, float(score), method))
    return out


def test_arxiv_categories_and_clusters_become_scored_topics(store: Store, tmp_path: Path) -> None:
    report = build(store, tmp_path)
    assert report["works_without_source_topics"] == 2 + 13 and report["by_arxiv_category"] == 2
    assert report["clusters"] == 3 and report["clustered"] == 12 and report["unplaced"] == 1
    got = assignments(store)
    arxiv_works = [w for w, a in got.items() if a[0][3] == "arxiv_category"]
    assert len(arxiv_works) == 2
    labels = sorted(tuple(n for n, _l, _s, _m in got[w]) for w in arxiv_works)
    assert any(names[0] == "Machine Learning (cs.LG)" or names[0] == "Learning (cs.LG)" for names in labels), labels
    for w in arxiv_works:  # the primary category scores 1.0, the others 0.5
        assert [s for _n, _l, s, _m in got[w]] == [1.0] + [0.5] * (len(got[w]) - 1)
    # each cluster holds exactly one group of titles, and its label names what they share
    clusters: dict[str, set[int]] = {}
    for w, a in got.items():
        for name, level, _score, method in a:
            if method == "cluster":
                assert level == "cluster"
                clusters.setdefault(name, set()).add(w)
    groups = {k: {work_id(store, "openalex", f"W77{i * 10 + j:04d}") for j in range(4)} for i, k in enumerate(TITLES)}
    assert sorted(map(sorted, clusters.values())) == sorted(map(sorted, groups.values()))
    by_group = {k: next(label for label, ws in clusters.items() if ws == v) for k, v in groups.items()}
    assert "Coral" in by_group["reef"] and "Protein" in by_group["protein"] and "Graph neural" in by_group["graphs"]
    assert work_id(store, "openalex", "W770099") not in got  # a text sharing nothing stays without a topic

    # a second run keeps the cluster topics (same labels, same ids) and changes nothing
    before = {n: i for i, n in ((t, n) for t, n, *_ in _cluster_ids(store))}
    again = run("derive", "topics", "--database-url", store.describe(), "--json")
    assert again == report | {"clusters_removed": 0, "authors_queued": 0, "authors_recomputed": 0} and assignments(store) == got
    assert {n: i for i, n in ((t, n) for t, n, *_ in _cluster_ids(store))} == before


def _cluster_ids(store: Store) -> list[tuple[int, str]]:
    with store.connect() as conn:
        return [(int(i), n) for i, n in conn.exec_driver_sql("select id, display_name from topics where level = 'cluster' order by id").all()]


def test_topic_pages_and_work_pages(store: Store, tmp_path: Path) -> None:
    build(store, tmp_path)
    settings = Settings(data_dir=tmp_path, database_url=store.describe())
    with TestClient(create_app(settings, store=store)) as client:
        moved = client.get("/topics/cs.LG", follow_redirects=False)
        assert moved.status_code == 301 and moved.headers["location"].startswith("/topics/PT")
        page = client.get(moved.headers["location"])
        assert page.status_code == 200
        assert "Computer Science" in page.text and "arXiv category <code>cs.LG</code>" in page.text and "placed here by Peerscope" in page.text
        field = store_topics.topic_page(store, int(moved.headers["location"].removeprefix("/topics/PT")))
        assert field is not None and [r.name for r in field.lineage] == ["Physical Sciences", "Computer Science"]
        (cid, label), *_ = _cluster_ids(store)
        cluster = client.get(f"/topics/PT{cid}").text
        assert "Topic from clustered text" in cluster and "most distinctive terms" in cluster
        assert sum(1 for line in cluster.splitlines() if 'href="/works/PW' in line) == 4
        member = store_topics.topic_page(store, cid)
        assert member is not None and member.works_count == member.derived_works_count == 4
        work = client.get(f"/works/PW{member.top_work_ids[0]}").text
        assert f'href="/topics/PT{cid}"' in work and "by clustering its text" in work
        assert client.get("/topics/PT999999").status_code == 404
        assert client.get("/topics/PW1").status_code == 400  # a work id is not a topic id
        assert client.get("/topics/astro-ph.XX").status_code in (400, 404)


def test_derived_topics_enter_author_profiles_the_graph_and_the_queue(store: Store, tmp_path: Path) -> None:
    from peerscope.derive.graph import build_graph
    from peerscope.derive.profile_counts import CollaborationRule, compute_author
    from peerscope.store import derived as store_derived
    from peerscope.store.queries import get_author

    report = build(store, tmp_path)
    # every author of a work given derived topics is queued and recomputed
    with store.connect() as conn:
        placed_authors = conn.exec_driver_sql(
            "select count(distinct a.author_id) from authorships a join work_topic_assignments d on d.work_id = a.work_id"
        ).scalar_one()
    assert placed_authors > 5 and report["authors_queued"] == report["authors_recomputed"] == placed_authors
    assert store_derived.pending(store)["author"] == []
    cluster_ids = {i for i, _ in _cluster_ids(store)}
    with store.connect() as conn:
        people = [int(a) for (a,) in conn.execute(text("select id from authors where display_name like 'Topic Person%' order by id"))]
        profiles = {
            (int(a), int(t)): (int(n), round(float(sc), 4))
            for a, t, n, sc in conn.exec_driver_sql("select author_id, topic_id, works_count, score from author_topics").all()
        }
    assert len(people) == 5
    shown = {aid: {t.id for t in get_author(store, aid).topics} & cluster_ids for aid in people}  # type: ignore[union-attr]
    # four of them wrote clustered works and show those topics; the fifth wrote only the text
    # that shares nothing with the others, and shows none
    assert sorted(len(t) > 0 for t in shown.values()) == [False, True, True, True, True]
    # the store's set-based counts agree with the plain rules with derived topics in play
    for aid, facts in store_derived.author_work_facts(store, people):
        want = {(aid, t): (n, round(sc, 4)) for t, n, sc in compute_author(aid, facts, CollaborationRule()).topics}
        assert {k: v for k, v in profiles.items() if k[0] == aid} == want
    # the research graph links the cluster topics to their works
    build_graph(store)
    with store.connect() as conn:
        linked = conn.exec_driver_sql("select count(*) from graph_edges where src_kind = 'topic' and dst_kind = 'work' and src_id in (%s)" % ",".join(map(str, cluster_ids))).scalar_one()
    assert linked == 12

    # the same derivation again changes no assignment: nobody is queued
    again = run("derive", "topics", "--database-url", store.describe(), "--json")
    assert again["authors_queued"] == 0 and again["authors_recomputed"] == 0

    # a clustered work that gains source topics is counted with those alone
    member = next(w for w in assignments(store) if work_id(store, "openalex", "W770000") == w)
    with store.begin() as conn:
        source_topic = int(conn.exec_driver_sql("select id from topics where level = 'topic' and id not in (%s) order by id limit 1" % ",".join(map(str, cluster_ids))).scalar_one())
        raw = int(conn.exec_driver_sql(f"select raw_record_id from works where id = {member}").scalar_one())
        conn.exec_driver_sql(f"insert into work_topics (work_id, topic_id, score, raw_record_id) values ({member}, {source_topic}, 0.9, {raw})")
    owner = next(aid for aid, facts in store_derived.author_work_facts(store, people) if any(f.work_id == member for f in facts))
    facts = dict(store_derived.author_work_facts(store, [owner]))[owner]
    assert next(f.topics for f in facts if f.work_id == member) == ((source_topic, 0.9),)
