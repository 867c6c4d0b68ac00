"""The research graph on a small hand-built store, on SQLite and PostgreSQL: the derivation's
edges, weights and reasons, bounded neighbourhoods, the API (good and bad parameters), the
explorer page and the profile panel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from peerscope.cli import cli
from peerscope.config import Settings
from peerscope.derive.graph import EDGE_KINDS, NODE_KINDS, build_graph, reason
from peerscope.serve.api.graph import GraphOut
from peerscope.serve.app import create_app
from peerscope.store import graph as store_graph
from peerscope.store.db import Store
from peerscope.store.models import (
    Author,
    AuthorTopic,
    Authorship,
    AuthorshipAffiliation,
    Citation,
    Collaborator,
    FlagSubject,
    Institution,
    IntegrityFlag,
    RawRecord,
    Source,
    Topic,
    TrustCurrent,
    Work,
    WorkTopic,
)

NOW = datetime(2026, 6, 1, 12, 0, 0)
ADA, BOB, CY, HUB = 1, 2, 3, 10
FANS = range(100, 400)  # the hub's 300 co-authors: fan n has n - 99 joint works


def _work(wid: int, title: str, year: int, source: int | None = None) -> dict:
    return {"id": wid, "title": title, "publication_year": year, "primary_source_id": source, "raw_record_id": 1, "created_at": NOW, "updated_at": NOW}


def build_small_store(store: Store) -> None:
    """Three people and four papers with every kind of link, and a hub with 300 co-authors."""
    with store.begin(write=True) as conn:
        ins = lambda model, rows: conn.execute(model.__table__.insert(), rows)  # noqa: E731
        ins(RawRecord, [{"id": 1, "source": "openalex", "source_id": "W1", "payload_hash": "0" * 40, "payload": b"{}", "retrieved_at": NOW, "ingested_at": NOW}])
        ins(Source, [{"id": 1, "display_name": "Journal of Graphs"}])
        ins(Institution, [{"id": 1, "display_name": "University of Northfield", "country_code": "GB"}])
        ins(Topic, [{"id": t, "display_name": name, "level": "topic"} for t, name in ((1, "Graph Theory"), (2, "Networks"), (3, "Optics"))])
        ins(Author, [{"id": a, "display_name": name, "created_at": NOW, "updated_at": NOW} for a, name in ((ADA, "Ada Lovelace"), (BOB, "Bob Babbage"), (CY, "Cy Young"), (HUB, "Hub Person"))]
            + [{"id": f, "display_name": f"Fan {f}", "created_at": NOW, "updated_at": NOW} for f in FANS])
        ins(Work, [_work(1, "Counting trees", 2019, 1), _work(2, "Counting forests", 2024, 1), _work(3, "Solo optics", 2021), _work(4, "Review of counting", 2022)])
        bylines = [(1, 1, 0, ADA), (2, 1, 1, BOB), (3, 2, 0, ADA), (4, 2, 1, BOB), (5, 2, 2, CY), (6, 3, 0, CY), (7, 4, 0, BOB)]
        ins(Authorship, [{"id": i, "work_id": w, "position": p, "raw_author_name": "x", "author_id": a, "raw_record_id": 1} for i, w, p, a in bylines])
        ins(AuthorshipAffiliation, [{"id": 1, "authorship_id": 1, "institution_id": 1}])
        ins(WorkTopic, [{"work_id": 1, "topic_id": 1, "score": 0.9, "raw_record_id": 1}, {"work_id": 2, "topic_id": 1, "score": 0.8, "raw_record_id": 1},
                        {"work_id": 2, "topic_id": 2, "score": 0.7, "raw_record_id": 1}, {"work_id": 3, "topic_id": 3, "score": 0.95, "raw_record_id": 1}])
        # works 3 and 4 both cite 1 and 2: coupled by two shared references
        ins(Citation, [{"citing_work_id": c, "cited_scheme": "doi", "cited_value": f"10.1/{t}", "cited_work_id": t, "raw_record_id": 1} for c in (3, 4) for t in (1, 2)])
        ins(AuthorTopic, [{"author_id": a, "topic_id": t, "works_count": n, "score": 1.0} for a, t, n in ((ADA, 1, 2), (ADA, 2, 1), (BOB, 1, 2), (BOB, 2, 1), (CY, 2, 1), (CY, 3, 1))])
        pairs = [(ADA, BOB, 2, 2019, 2024), (ADA, CY, 1, 2024, 2024), (BOB, CY, 1, 2024, 2024)]
        pairs += [(HUB, f, f - 99, 2000, 2020) for f in FANS]
        ins(Collaborator, [{"author_id": x, "coauthor_id": y, "joint_works": n, "first_year": y0, "last_year": y1, "is_close": n >= 2}
                           for a, b, n, y0, y1 in pairs for x, y in ((a, b), (b, a))])
        ins(TrustCurrent, [{"author_id": ADA, "snapshot_id": 1, "score": 61, "band": "Trusted", "verification_level": "L2", "claimed": True,
                            "model_version": "t", "inputs_hash": "h", "computed_at": NOW}])
        ins(IntegrityFlag, [{"id": 1, "kind": "retracted", "severity": "high", "summary": "s", "evidence": "[]", "status": "open", "checks_version": "v", "created_at": NOW}])
        ins(FlagSubject, [{"flag_id": 1, "entity_kind": "work", "entity_id": 2, "role": "subject"}])


@pytest.fixture
def graph_store(store: Store) -> Store:
    build_small_store(store)
    build_graph(store)
    return store


def _edges_from(found: store_graph.Neighbourhood, node: tuple[str, int]) -> dict[tuple[tuple[str, int], str], store_graph.EdgeView]:
    return {(e.dst, e.kind): e for e in found.edges if e.src == node}


def test_every_edge_kind_is_derived_with_its_evidence(graph_store: Store) -> None:
    report = build_graph(graph_store)
    assert report.skipped, "a second build with unchanged inputs is skipped"
    assert set(report.edges) == set(EDGE_KINDS) and all(report.edges[k] > 0 for k in EDGE_KINDS)

    ada = store_graph.neighbourhood(graph_store, ("author", ADA), depth=1, kinds=NODE_KINDS, limit=50)
    assert ada is not None
    edges = _edges_from(ada, ("author", ADA))
    co = edges[(("author", BOB), "coauthor")]
    assert reason(co.kind, "author", "author", co.evidence, co.year_min, co.year_max) == "2 joint works, 2019–2024"
    assert co.weight == pytest.approx(2 / 3)
    shared = edges[(("author", BOB), "shared_topic")]
    assert shared.evidence == {"topics": 2}
    assert (("author", CY), "shared_topic") not in edges, "one shared topic is not enough"
    assert edges[(("work", 1), "authorship")].evidence == {"position": 1, "authors": 2}
    assert edges[(("work", 2), "authorship")].weight == pytest.approx(6 / 8)
    aff = edges[(("institution", 1), "affiliation")]
    assert (aff.evidence, aff.year_min, aff.year_max) == ({"works": 1}, 2019, 2019)
    assert edges[(("topic", 1), "topic")].evidence == {"works": 2}
    assert edges[(("source", 1), "venue")].evidence == {"works": 2}

    w4 = store_graph.neighbourhood(graph_store, ("work", 4), depth=1, kinds=NODE_KINDS, limit=50)
    edges = _edges_from(w4, ("work", 4))
    assert edges[(("work", 1), "citation")].evidence == {"cites": 1}
    assert edges[(("work", 3), "similarity")].evidence == {"shared_references": 2}
    w1 = store_graph.neighbourhood(graph_store, ("work", 1), depth=1, kinds=NODE_KINDS, limit=50)
    assert _edges_from(w1, ("work", 1))[(("work", 4), "citation")].evidence == {"cites": 0}

    labels = {(n.kind, n.id): n for n in ada.nodes}
    assert labels[("author", ADA)].verification_level == "L2" and labels[("author", ADA)].trust_score == 61
    assert labels[("work", 2)].open_flags == 1
    assert labels[("institution", 1)].label == "University of Northfield"


def test_a_changed_input_rebuilds(graph_store: Store) -> None:
    with graph_store.begin(write=True) as conn:
        conn.execute(Citation.__table__.insert(), [{"citing_work_id": 4, "cited_scheme": "doi", "cited_value": "10.1/3", "cited_work_id": 3, "raw_record_id": 1}])
    report = build_graph(graph_store)
    assert not report.skipped
    w4 = store_graph.neighbourhood(graph_store, ("work", 4), depth=1, kinds=("work",), limit=50)
    assert (("work", 3), "citation") in _edges_from(w4, ("work", 4))


def test_filters_by_kind_and_year(graph_store: Store) -> None:
    people = store_graph.neighbourhood(graph_store, ("author", ADA), depth=1, kinds=("author",), limit=50)
    assert {n.kind for n in people.nodes} == {"author"}
    recent = store_graph.neighbourhood(graph_store, ("author", ADA), depth=1, kinds=("work",), limit=50, years=(2020, 9999))
    assert [(n.kind, n.id) for n in recent.nodes] == [("author", ADA), ("work", 2)]


def test_a_hub_returns_its_strongest_neighbours_only(graph_store: Store) -> None:
    found = store_graph.neighbourhood(graph_store, ("author", HUB), depth=1, kinds=("author",), limit=5)
    assert [n.id for n in found.nodes[1:]] == [399, 398, 397, 396, 395]
    assert [e.evidence["joint_works"] for e in found.edges] == [300, 299, 298, 297, 296]
    capped = store_graph.neighbourhood(graph_store, ("author", HUB), depth=2, kinds=NODE_KINDS, limit=50, max_nodes=20)
    assert capped.truncated and len(capped.nodes) == 20


def test_two_hops_reach_the_neighbours_of_neighbours(graph_store: Store) -> None:
    found = store_graph.neighbourhood(graph_store, ("author", CY), depth=2, kinds=NODE_KINDS, limit=10)
    assert found.hops[("work", 3)] == 1
    assert found.hops[("work", 4)] == 2  # coupled with Cy's solo paper, and written by Bob
    assert store_graph.neighbourhood(graph_store, ("author", 9999), depth=1, kinds=NODE_KINDS, limit=5) is None


# --- the API and the pages ----------------------------------------------------------------------
@pytest.fixture
def client(graph_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=graph_store.describe())
    with TestClient(create_app(settings, store=graph_store), follow_redirects=False) as c:
        yield c


def test_api_answers_nodes_and_edges_with_reasons(client: TestClient) -> None:
    r = client.get(f"/api/graph/PA{ADA}?depth=2&limit=10")
    assert r.status_code == 200
    body = GraphOut.model_validate(r.json())  # the documented shape
    assert body.centre == "PA1" and body.depth == 2 and body.nodes[0].id == "PA1" and body.nodes[0].hop == 0
    assert body.nodes[0].verification_level == "L2"
    ids = {n.id for n in body.nodes}
    assert {"PA2", "PA3", "PW1", "PW2", "PT1", "PI1", "PS1"} <= ids
    bob = next(e for e in body.edges if (e.source, e.target, e.kind) == ("PA1", "PA2", "coauthor"))
    assert bob.reason == "2 joint works, 2019–2024" and bob.evidence == {"joint_works": 2}
    assert {n.url for n in body.nodes if n.id in ("PW1", "PT1")} == {"/works/PW1", "/graph/PT1"}
    assert all(e.source in ids and e.target in ids for e in body.edges)

    only = client.get("/api/graph/PW4?kinds=work&year_from=2020").json()
    assert {n["kind"] for n in only["nodes"]} == {"work"}
    assert "PW1" not in {n["id"] for n in only["nodes"]}, "the 2019 paper falls outside the years"
    assert client.get("/api/graph/pt1?limit=2").json()["centre"] == "PT1"


@pytest.mark.parametrize(
    "url,named",
    [
        ("/api/graph/PA1?depth=3", "depth"), ("/api/graph/PA1?limit=0", "limit"), ("/api/graph/PA1?limit=many", "limit"),
        ("/api/graph/PA1?kinds=work,people", "kinds"), ("/api/graph/PA1?year_from=2024&year_to=2020", "year_from"),
        ("/api/graph/PA1?per_page=5", "per_page"), ("/api/graph/W123", "W123"), ("/api/graph/PX1", "PX1"),
    ],
)
def test_api_bad_parameters_answer_400_naming_them(client: TestClient, url: str, named: str) -> None:
    r = client.get(url)
    assert r.status_code == 400
    assert r.json()["error"] == "Invalid query parameters error." and named in r.json()["message"]


def test_api_unknown_node_is_404(client: TestClient) -> None:
    r = client.get("/api/graph/PI77")
    assert r.status_code == 404 and r.json() == {"error": "Not found.", "message": "no institution with id PI77"}


def test_explorer_page_lists_the_neighbourhood(client: TestClient) -> None:
    r = client.get(f"/graph/PA{ADA}")
    assert r.status_code == 200
    html = r.text
    assert 'data-api="/api/graph/PA1?depth=2&amp;limit=12' in html
    assert '<a href="/authors/PA2">Bob Babbage</a>' in html and "2 joint works, 2019–2024" in html
    assert '<a href="/graph/PT1">Graph Theory</a>' in html
    assert 'src="/static/explorer.js"' in html or "drawing library is not installed" in html
    assert "<script>" not in html, "no inline scripts (the CSP forbids them)"
    narrowed = client.get(f"/graph/PA{ADA}?kinds=topic&kinds=institution&depth=1").text
    assert "Graph Theory" in narrowed and "Bob Babbage" not in narrowed.split("Nearby, as a list")[1]
    assert client.get("/graph/PA1?depth=5").status_code == 400
    assert client.get("/graph/PW999").status_code == 404


def test_explorer_list_shows_the_nearest_of_each_kind_and_every_node_on_request(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("peerscope.serve.web.graph.LIST_EACH", 1)
    everything = client.get(f"/graph/PA{ADA}?depth=2&list=all").text.split("Nearby, as a list")[1]
    nearest = client.get(f"/graph/PA{ADA}?depth=2").text.split("Nearby, as a list")[1]
    listed_all, listed = everything.count("<li data-node="), nearest.count("<li data-node=")
    kinds_listed = nearest.count('<ul class="graph-list">')
    assert listed == kinds_listed < listed_all, "one per kind, the rest on request"
    assert "List every node" in nearest and "list=all" in nearest and "List every node" not in everything
    first = nearest.split("<li data-node=")[1][:40]
    assert first in everything.split('<ul class="graph-list">')[1].split("<li data-node=")[1], "the nearest come first"
    r = client.get(f"/graph/PA{ADA}?list=some")
    assert r.status_code == 400 and "list must be" in r.text


def test_explorer_page_carries_the_api_answer_as_its_data(client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    vendor = tmp_path / "graph-libs.min.js"
    vendor.write_text("")
    monkeypatch.setattr("peerscope.serve.web.graph.VENDOR_JS", vendor)
    html = client.get(f"/graph/PA{ADA}?depth=1&limit=5").text
    opening = '<script type="application/json" id="graph-data">'
    assert html.count(opening) == 1
    block = html.split(opening)[1].split("</script>")[0]
    assert orjson.loads(block) == client.get(f"/api/graph/PA{ADA}?depth=1&limit=5").json()  # the drawing needs no second request
    monkeypatch.setattr("peerscope.serve.web.graph.VENDOR_JS", tmp_path / "absent.js")
    assert opening not in client.get(f"/graph/PA{ADA}").text  # no drawing, no data for it


def test_explorer_says_when_the_drawing_library_is_missing(client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("peerscope.serve.web.graph.VENDOR_JS", tmp_path / "absent.js")
    html = client.get("/graph/PA1").text
    assert "drawing library is not installed" in html and "make install" in html
    assert "graph-libs.min.js" not in html


def test_profile_panel_links_the_nearby_nodes(client: TestClient) -> None:
    html = client.get(f"/authors/PA{ADA}").text
    panel = html[html.index('id="graph-heading"') : html.index("</section>", html.index('id="graph-heading"'))]
    for link in ('href="/works/PW2"', 'href="/authors/PA2"', 'href="/graph/PT1"', 'href="/graph/PI1"'):
        assert link in panel
    assert "2 joint works, 2019–2024" in panel
    assert '<a class="button" href="/graph/PA1">Open full explorer</a>' in panel


def test_derive_graph_command(store: Store) -> None:
    build_small_store(store)
    runner = CliRunner()
    first = runner.invoke(cli, ["derive", "graph", "--json", "--database-url", store.describe()])
    assert first.exit_code == 0, first.output
    data = orjson.loads(first.stdout)
    assert data["skipped"] is False and data["edges"]["coauthor"] == 2 * (3 + len(FANS))
    again = orjson.loads(runner.invoke(cli, ["derive", "graph", "--json", "--database-url", store.describe()]).stdout)
    assert again["skipped"] is True and again["edges"] == data["edges"]
