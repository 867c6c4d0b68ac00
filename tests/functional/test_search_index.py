"""The search index on SQLite and PostgreSQL: build, search every field, facets and filters,
incremental updates, the search page and its bad input, and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import text

from peerscope.cli import cli
from peerscope.config import Settings
from peerscope.index.embed import HashedEmbedder
from peerscope.index.hybrid import SearchRequest
from peerscope.index.keyword import IndexNotBuilt
from peerscope.index.query import SearchFilters, parse_query
from peerscope.index.service import SearchService
from peerscope.serve.app import create_app
from peerscope.store import search as store_search
from peerscope.store.db import Store


def _titles(store: Store) -> dict[str, int]:
    return {d.title.split(" <")[0]: d.id for batch in store_search.search_documents(store) for d in batch}


@pytest.fixture
def service(seeded_store: Store, tmp_path: Path) -> SearchService:
    s = SearchService(seeded_store, tmp_path / "search", embedder="hashed", embedder_obj=HashedEmbedder())
    s.build()
    return s


def test_build_indexes_every_work_and_searches_every_field(service: SearchService, seeded_store: Store) -> None:
    ids = _titles(seeded_store)
    assert service.keyword.num_docs == len(ids) == service.vectors.count
    trust = ids["Trust signals for researcher records"]
    assert service.search("trust signals", 10) == ([trust], 1)  # title
    assert service.search("transparent evidence", 10) == ([trust], 1)  # abstract
    assert service.search("nemo nobody", 10) == ([ids["A retracted study of everything"]], 1)  # author
    assert service.search("cornell", 10) == ([ids["Preprint on citation rings"]], 1)  # venue
    # every word must match; stems match; titles outrank abstracts
    assert service.search("trust zzzqqq", 10) == ([], 0)
    assert service.search("resolve", 10)[0][0] == ids["Resolving scholarly identities at scale"]
    assert service.search("Müller", 10)[1] == 4
    # syntax characters typed by people are words or nothing, never an error
    assert service.search('title:(trust) AND ~signals^2 "records', 10) == ([], 0)
    assert service.search('"trust signals" -graph', 10) == ([trust], 1)
    assert service.search(":::", 10) == ([], 0)


def test_facets_filters_sorting_and_paging(service: SearchService, seeded_store: Store) -> None:
    everything = service.query(SearchRequest(parse_query("scholarly OR graph OR names OR trust OR citation OR retracted"), mode="keyword"))
    assert everything.total == 0  # OR is a word here, and no work holds it
    found = service.query(SearchRequest(parse_query(""), SearchFilters(year_from=2000), mode="keyword"))
    assert found.total == 6
    assert dict(found.facets["year"]) == {2025: 4, 2024: 1, 2023: 1}
    assert dict(found.facets["type"]) == {"article": 5, "preprint": 1}
    assert dict(found.facets["flag"])["retracted"] == 1
    assert sum(n for _, n in found.facets["venue"]) == 6
    assert found.facets["topic"] and found.facets["institution"] is not None
    only_2025 = service.query(SearchRequest(parse_query(""), SearchFilters(year_from=2025, year_to=2025, types=("article",))))
    assert only_2025.total == 3
    newest = service.query(SearchRequest(parse_query("ada lovelace"), sort="year", mode="keyword"))
    years = {d.id: d.year for batch in store_search.search_documents(seeded_store, newest.ids) for d in batch}
    assert [years[i] for i in newest.ids] == sorted(years.values(), reverse=True)
    page2 = service.query(SearchRequest(parse_query("ada lovelace"), mode="keyword", limit=2, offset=2))
    page1 = service.query(SearchRequest(parse_query("ada lovelace"), mode="keyword", limit=2))
    assert page1.total == page2.total == 4 and not set(page1.ids) & set(page2.ids)
    topic = found.facets["topic"][0]
    by_topic = service.query(SearchRequest(parse_query(""), SearchFilters(topics=(int(topic[0]),))))
    assert by_topic.total == topic[1]


def test_hybrid_adds_semantic_neighbours_and_counts_them(service: SearchService) -> None:
    words = service.query(SearchRequest(parse_query("identities"), mode="keyword"))
    hybrid = service.query(SearchRequest(parse_query("identities"), mode="hybrid"))
    assert words.total == 1 and hybrid.semantic
    assert hybrid.ids[0] == words.ids[0]  # in both lists: first
    assert hybrid.total == len(hybrid.ids) > 1  # the neighbours count in the total and the facets
    assert sum(n for _, n in hybrid.facets["type"]) == hybrid.total
    filtered = service.query(SearchRequest(parse_query("identities"), SearchFilters(types=("preprint",)), mode="hybrid"))
    assert filtered.total == 1  # neighbours obey the filters too
    semantic = service.query(SearchRequest(parse_query("identities"), mode="semantic"))
    assert semantic.ids and semantic.total == len(semantic.ids)


def test_update_reindexes_changed_works_and_drops_missing_ones(service: SearchService, seeded_store: Store) -> None:
    trust = _titles(seeded_store)["Trust signals for researcher records"]
    assert service.update().works == 0  # nothing written since the build
    later = datetime.now() + timedelta(days=1)
    with seeded_store.begin() as conn:
        conn.execute(text("UPDATE works SET title = 'Reputation signals for researcher records', updated_at = :t WHERE id = :id"), {"t": later, "id": trust})
    report = service.update()
    assert (report.works, report.embedded, report.reused) == (1, 1, 0)
    assert service.search("reputation", 10) == ([trust], 1)
    assert service.search('"trust signals"', 10) == ([], 0)
    assert service.keyword.num_docs == 6
    gone = service.update([999_999])
    assert gone.deleted == 1 and service.keyword.num_docs == 6
    rebuilt = service.build()
    assert rebuilt.reused == 6 and rebuilt.embedded == 0  # unchanged texts are not embedded again


def test_suggestions_complete_the_last_word(service: SearchService) -> None:
    assert [t for _, t in service.suggest("trust sig")] == ["Trust signals for researcher records"]
    assert service.suggest("") == [] and service.suggest("-(") == []


def test_a_missing_index_is_a_clear_error(seeded_store: Store, tmp_path: Path) -> None:
    s = SearchService(seeded_store, tmp_path / "nothing", embedder="hashed")
    with pytest.raises(IndexNotBuilt, match="peerscope index build"):
        s.search("trust", 10)
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "state.json").write_bytes(orjson.dumps({}))
    with pytest.raises(IndexNotBuilt, match="no search index"):
        s.search("trust", 10)


# --- through the app ---------------------------------------------------------------------------


@pytest.fixture
def indexed_client(seeded_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=seeded_store.describe(), search_embedder="hashed")
    runner = CliRunner()
    result = runner.invoke(cli, ["index", "build", "--data-dir", str(tmp_path), "--database-url", seeded_store.describe(), "--embedder", "hashed", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 6 and report["vectors"] == 6 and report["mode"] == "build"
    with TestClient(create_app(settings, store=seeded_store), follow_redirects=False) as c:
        yield c


def test_search_page_shows_facets_results_and_paging(indexed_client: TestClient) -> None:
    r = indexed_client.get("/search", params={"q": "ada lovelace", "mode": "keyword"})
    assert r.status_code == 200
    html = r.text
    assert "4 results for “ada lovelace”" in " ".join(html.split())
    assert 'id="facets-heading"' in html and "Journal of Open Graphs" in html and 'href="/search?q=ada+lovelace&amp;mode=keyword&amp;type=article"' in html
    filtered = indexed_client.get("/search", params={"q": "ada lovelace", "mode": "keyword", "type": "preprint"}).text
    assert "1 result for" in " ".join(filtered.split()) and "Preprint on citation rings" in filtered and "Clear all filters" in filtered
    flagged = indexed_client.get("/search", params={"flag": "retracted"}).text
    assert "A retracted study of everything" in flagged and "integrity flag" not in flagged.split("results-heading")[0]
    sorted_ = indexed_client.get("/search", params={"q": "ada", "sort": "citations"}).text
    assert "<strong aria-current=\"true\">Most cited</strong>" in sorted_
    assert indexed_client.get("/search", params={"q": "ada", "page": 2}).status_code == 404  # past the last page
    assert indexed_client.get("/api/works", params={"search": "transparent evidence"}).json()["meta"]["count"] == 1


@pytest.mark.parametrize(
    ("params", "fault"),
    [
        ({"q": "x", "page": 501}, "page"),
        ({"q": "x", "page": 0}, "page"),
        ({"q": "x", "mode": "fuzzy"}, "mode"),
        ({"q": "x", "sort": "random"}, "sort"),
        ({"q": "x", "topic": "PA1"}, "topic"),
        ({"q": "x", "venue": "journal"}, "venue"),
        ({"q": "x", "year_from": 2025, "year_to": 2020}, "year_from"),
        ({"q": "x", "year_from": "soon"}, "year_from"),
        ({"q": "x" * 201}, "200"),
    ],
)
def test_search_page_bad_input_is_a_400_naming_it(indexed_client: TestClient, params: dict, fault: str) -> None:
    r = indexed_client.get("/search", params=params)
    assert r.status_code == 400 and fault in r.text


def test_search_page_takes_syntax_and_empty_queries(indexed_client: TestClient) -> None:
    for q in ("", "   ", ':"()*^~', "-"):
        r = indexed_client.get("/search", params={"q": q})
        assert r.status_code == 200, q
        assert "results-heading" not in r.text, q
    for q in ('title:(trust) "signals', "AND OR NOT", "ünïcödé 数据"):
        r = indexed_client.get("/search", params={"q": q})
        assert r.status_code == 200 and "results-heading" in r.text, q


def test_suggest_endpoint(indexed_client: TestClient, client: TestClient) -> None:
    r = indexed_client.get("/search/suggest", params={"q": "trust sig"})
    assert r.json() == [{"id": r.json()[0]["id"], "title": "Trust signals for researcher records"}]
    assert indexed_client.get("/search/suggest", params={"q": ""}).json() == []
    # without a built index the database's title search answers
    assert [s["title"] for s in client.get("/search/suggest", params={"q": "trust"}).json()] == ["Trust signals for researcher records"]
    assert client.get("/search/suggest", params={"q": "x" * 201}).status_code == 400


def test_cli_update_and_its_bad_input(seeded_store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(tmp_path), "--database-url", seeded_store.describe(), "--embedder", "hashed", "--json"]
    first = runner.invoke(cli, ["index", "update", *base])  # no index yet: builds one
    assert first.exit_code == 0 and json.loads(first.stdout)["mode"] == "build"
    again = runner.invoke(cli, ["index", "update", "--work", "1", *base])
    assert again.exit_code == 0 and json.loads(again.stdout)["works"] == 1
    bad = runner.invoke(cli, ["index", "update", "--work", "zero", *base])
    assert bad.exit_code == 2 and "--work" in bad.output
    wrong = runner.invoke(cli, ["index", "build", "--embedder", "huge", "--data-dir", str(tmp_path)])
    assert wrong.exit_code == 2 and "huge" in wrong.output


def test_the_database_backend_searches_titles_in_the_store(seeded_store: Store, tmp_path: Path, service: SearchService) -> None:
    settings = Settings(data_dir=tmp_path, database_url=seeded_store.describe(), search_backend="database", search_index_dir=service.folder)
    with TestClient(create_app(settings, store=seeded_store)) as c:
        html = c.get("/search", params={"q": "trust"}).text
        assert "Title search in the database" in html and 'id="facets-heading"' not in html
        assert "1 result for" in " ".join(html.split())
        assert c.get("/api/works", params={"search": "transparent evidence"}).json()["meta"]["count"] == 0  # titles only
    with TestClient(create_app(Settings(data_dir=tmp_path, database_url=seeded_store.describe(), search_index_dir=service.folder), store=seeded_store)) as c:
        assert 'id="facets-heading"' in c.get("/search", params={"q": "trust"}).text


def _new_work_file(folder: Path, work_id: str, title: str) -> Path:
    """A copy of the sample's first work under a new id and title (no DOI, so it is a new work)."""
    first = orjson.loads((Path(__file__).parents[1] / "fixtures" / "openalex" / "sample_works.jsonl").read_bytes().splitlines()[0])
    first.update({"id": f"https://openalex.org/{work_id}", "doi": None, "title": title, "display_name": title, "ids": {"openalex": f"https://openalex.org/{work_id}"}})
    path = folder / f"{work_id}.jsonl"
    path.write_bytes(orjson.dumps(first) + b"\n")
    return path


def test_ingest_brings_new_works_into_a_built_index(seeded_store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--data-dir", str(tmp_path), "--database-url", seeded_store.describe()]
    built = runner.invoke(cli, ["index", "build", "--embedder", "hashed", *where, "--json"])
    assert built.exit_code == 0, built.output
    service = SearchService(seeded_store, tmp_path / "search", embedder="hashed", embedder_obj=HashedEmbedder())
    assert service.search("quokka", 10) == ([], 0)

    # the ingest updates the index with the model it was built with, whatever the embedder setting
    first = runner.invoke(cli, ["ingest", "openalex", str(_new_work_file(tmp_path, "W8801", "Quokka migration across alpine meadows")), *where, "--json"], env={"PEERSCOPE_SEARCH_EMBEDDER": "auto"})
    assert first.exit_code == 0, first.output
    searched = json.loads(first.stdout)["search_index"]
    assert searched["mode"] == "update" and searched["works"] == 1 and searched["embedded"] == 1
    assert searched["embedder"] == HashedEmbedder().name and searched["documents"] == searched["vectors"] == 7
    hits, total = service.search("quokka", 10)
    assert total == 1 and service.query(SearchRequest(parse_query("quokka migration"), mode="semantic")).ids[0] == hits[0]

    # --no-index leaves it alone; `index update` catches up later
    second = runner.invoke(cli, ["ingest", "openalex", str(_new_work_file(tmp_path, "W8802", "Wombat burrows under drought")), "--no-index", *where, "--json"])
    assert second.exit_code == 0 and json.loads(second.stdout)["search_index"] is None
    assert service.search("wombat", 10) == ([], 0)
    assert runner.invoke(cli, ["index", "update", "--embedder", "hashed", *where]).exit_code == 0
    assert service.search("wombat", 10)[1] == 1

    # the human summary says what reached the index
    third = runner.invoke(cli, ["ingest", "openalex", str(_new_work_file(tmp_path, "W8803", "Echidna foraging at dusk")), *where])
    assert third.exit_code == 0 and "search index: 1 works indexed, 0 removed, 1 embedded" in third.stdout


def test_an_index_built_from_another_store_is_left_alone(seeded_store: Store, tmp_path: Path) -> None:
    SearchService(seeded_store, tmp_path / "search", embedder="hashed", embedder_obj=HashedEmbedder()).build()
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    other.upgrade()
    stamp = (tmp_path / "search" / "state.json").read_bytes()
    assert SearchService(other, tmp_path / "search", embedder="hashed", embedder_obj=HashedEmbedder()).follow() is None
    assert (tmp_path / "search" / "state.json").read_bytes() == stamp
    assert SearchService(seeded_store, tmp_path / "search", embedder="hashed", embedder_obj=HashedEmbedder()).follow().works == 0
    other.dispose()


def test_the_vector_graph_follows_builds_and_updates(seeded_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from peerscope.index import vectors as V

    monkeypatch.setattr(V, "GRAPH_FROM", 3)
    service = SearchService(seeded_store, tmp_path / "search", embedder="hashed", embedder_obj=HashedEmbedder())
    service.build()
    meta = json.loads((tmp_path / "search" / "vectors" / V.META).read_text())
    assert meta["graph"]["count"] == 6 and meta["graph"]["how"] == "built" and service.vectors.uses_graph
    semantic = service.query(SearchRequest(parse_query("identities"), mode="semantic"))
    stored = V.load(tmp_path / "search" / "vectors")[0]
    rows, _ = V.exact_top(stored.vectors, service.query_embedder().embed(["identities"])[0], 6)
    assert semantic.total == 6 and semantic.ids == [int(stored.ids[r]) for r in rows]  # the graph ranks as exact search does
    trust = _titles(seeded_store)["Trust signals for researcher records"]
    with seeded_store.begin() as conn:
        conn.execute(text("UPDATE works SET title = 'Reputation signals for researcher records', updated_at = :t WHERE id = :id"),
                     {"t": datetime.now() + timedelta(days=1), "id": trust})
    assert service.update().embedded == 1
    meta = json.loads((tmp_path / "search" / "vectors" / V.META).read_text())
    assert meta["graph"]["how"] == "patched" and meta["graph"]["count"] == 6
    reputation = service.query(SearchRequest(parse_query("reputation signals"), mode="semantic"))
    assert reputation.ids[0] == trust
