"""Similar works through the command, the store, the API and the work page, on SQLite and
PostgreSQL: a small corpus whose works are linked by citations, topics and text; the derivation,
an unchanged re-run, a change, the endpoint's answers and errors, and the page's section."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from peerscope.cli import cli
from peerscope.config import Settings
from peerscope.derive.similar.scoring import SIMILAR_VERSION
from peerscope.pipeline import ingest_openalex
from peerscope.serve.app import create_app
from peerscope.store.db import Store

GNN = {"id": "https://openalex.org/T9101", "display_name": "Graph Neural Networks", "score": 0.9}
REEF = {"id": "https://openalex.org/T9102", "display_name": "Coral Reef Ecology", "score": 0.95}
WORKS = {  # OpenAlex number: (title, abstract, topics, references)
    1: ("Graph neural networks for molecule property prediction", "Message passing over molecular graphs predicts properties.", [GNN], [4, 5]),
    2: ("Message passing graph neural networks on molecules", "We study message passing on molecular graphs.", [GNN], [4, 5]),
    3: ("Molecule generation with graph neural networks", "Generating molecular graphs with message passing.", [GNN], [5]),
    4: ("Coral reef resilience under ocean warming", "Reef corals bleach as the ocean warms.", [REEF], []),
    5: ("Ocean warming and coral bleaching of reef systems", "Bleaching of reef corals under warming.", [REEF], []),
    6: ("A survey of learned simulators", None, [], [1, 2]),
    7: ("Benchmarks for physics engines", None, [], [1, 2]),
    8: ("Zymurgy of lambic fermentation vessels", None, [], []),
}


def oa(n: int) -> str:
    return f"https://openalex.org/W99{n:04d}"


def record(n: int, title: str, abstract: str | None, topics: list[dict], refs: list[int]) -> dict:
    rec = {"id": oa(n), "title": title, "display_name": title, "publication_year": 2020 + n % 5, "type": "article",
           "topics": topics, "referenced_works": [oa(r) for r in refs],
           "authorships": [{"author_position": "first", "author": {"id": f"https://openalex.org/A99{n:03d}", "display_name": f"Similar Person{chr(65 + n)}"},
                            "institutions": [], "raw_author_name": f"Similar Person{chr(65 + n)}"}]}
    if abstract:
        rec["abstract_inverted_index"] = {w: [i] for i, w in enumerate(abstract.split())}
    return rec


def run(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ingest(store: Store, tmp_path: Path, works: dict, name: str) -> None:
    path = tmp_path / f"{name}.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(record(n, *w)) for n, w in works.items()))
    ingest_openalex(store, [path])


def ours(store: Store, n: int) -> int:
    with store.connect() as conn:
        return int(conn.exec_driver_sql(
            f"select entity_id from external_ids where entity_kind='work' and scheme='openalex' and value='W99{n:04d}'").scalar_one())


def table(store: Store) -> list[tuple]:
    with store.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql("select work_id, rank, similar_work_id, score, evidence from similar_works order by work_id, rank")]


@pytest.fixture
def built(store: Store, tmp_path: Path) -> Store:
    ingest(store, tmp_path, WORKS, "works")
    return store


def test_derive_rerun_and_change(built: Store, tmp_path: Path) -> None:
    url = built.describe()
    first = run("derive", "similar", "--database-url", url, "--json")
    assert first["skipped"] is False and first["works"] == 8 and first["listed"] == 7 and first["rewritten"] == 7 and first["removed"] == 0
    rows = table(built)
    assert len(rows) == first["entries"] and {r[0] for r in rows} == {ours(built, n) for n in range(1, 8)}
    assert all(r[0] != r[2] for r in rows)

    # nothing changed: skipped, and the lists stay byte for byte
    again = run("derive", "similar", "--database-url", url, "--json")
    assert again["skipped"] is True and again["inputs_hash"] == first["inputs_hash"] and table(built) == rows
    forced = run("derive", "similar", "--force", "--database-url", url, "--json")
    assert forced["skipped"] is False and forced["rewritten"] == 0 and forced["removed"] == 0 and table(built) == rows

    # a third work citing both reef papers: they are now cited together by three
    ingest(built, tmp_path, {9: ("Fish of tropical lagoons", None, [], [4, 5])}, "more")
    changed = run("derive", "similar", "--database-url", url, "--json")
    assert changed["skipped"] is False and changed["works"] == 9 and changed["rewritten"] >= 2
    with TestClient(create_app(Settings(data_dir=tmp_path, database_url=url), store=built)) as client:
        reef = client.get(f"/api/works/PW{ours(built, 4)}/similar").json()["results"]
    top = reef[0]
    assert top["id"] == f"PW{ours(built, 5)}" and "cited together by 3 works" in top["reasons"] and top["evidence"]["cocited"] == 3


@pytest.fixture
def client(built: Store, tmp_path: Path) -> Iterator[TestClient]:
    run("derive", "similar", "--database-url", built.describe(), "--json")
    with TestClient(create_app(Settings(data_dir=tmp_path, database_url=built.describe()), store=built), follow_redirects=False) as c:
        yield c


def test_api_lists_similar_works_with_reasons(client: TestClient, built: Store) -> None:
    w1, w2, w3 = (ours(built, n) for n in (1, 2, 3))
    got = client.get(f"/api/works/PW{w1}/similar")
    assert got.status_code == 200
    body = got.json()
    assert body["work"] == f"PW{w1}" and body["title"] == WORKS[1][0] and body["code_version"] == SIMILAR_VERSION and body["computed_at"]
    results = body["results"]
    assert [r["id"] for r in results[:2]] == [f"PW{w2}", f"PW{w3}"]  # citations, topic and text before topic and text
    first = results[0]
    assert first["title"] == WORKS[2][0] and first["url"] == f"/works/PW{w2}" and 0 < first["score"] <= 1
    assert {"cited together by 2 works", "shares 2 references", "shares topic: Graph Neural Networks"} <= set(first["reasons"])
    assert any(r.startswith("close in text: ") and "graph neural" in r for r in first["reasons"])
    ev = first["evidence"]
    assert ev["cocited"] == 2 and ev["shared_references"] == 2 and ev["topics_shared"] == 1 and ev["topics"][0].startswith("PT")
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert f"PW{w1}" not in [r["id"] for r in results]
    # the surveys share their references and nothing else
    survey = client.get(f"/api/works/PW{ours(built, 6)}/similar").json()["results"]
    assert [(r["id"], r["reasons"]) for r in survey] == [(f"PW{ours(built, 7)}", ["shares 2 references"])]
    # limit, and the work named by its OpenAlex id
    assert len(client.get(f"/api/works/PW{w1}/similar?limit=1").json()["results"]) == 1
    by_openalex = client.get("/api/works/W990001/similar")
    assert by_openalex.status_code == 200 and by_openalex.json()["work"] == f"PW{w1}"
    # a work that shares nothing: an empty list, not an error
    lonely = client.get(f"/api/works/PW{ours(built, 8)}/similar")
    assert lonely.status_code == 200 and lonely.json()["results"] == []
    assert "/api/works/{work_id}/similar" in client.get("/api/openapi.json").json()["paths"]


def test_api_unknown_work_is_404(client: TestClient) -> None:
    got = client.get("/api/works/PW999999/similar")
    assert got.status_code == 404
    assert got.json() == {"error": "Not found.", "message": "no work with id PW999999"}


@pytest.mark.parametrize("query,named", [
    ("limit=0", "limit must be between 1 and 10, got 0"), ("limit=11", "limit must be between 1 and 10, got 11"),
    ("limit=ten", "limit must be an integer, got 'ten'"), ("per_page=5", "per_page is not a valid parameter"),
])
def test_api_bad_parameters_are_400(client: TestClient, built: Store, query: str, named: str) -> None:
    got = client.get(f"/api/works/PW{ours(built, 1)}/similar?{query}")
    assert got.status_code == 400 and got.json()["error"] == "Invalid query parameters error." and named in got.json()["message"]


def test_api_bad_ids_are_400(client: TestClient) -> None:
    assert client.get("/api/works/PA1/similar").json()["message"] == "'PA1' is a author id, not a work id"
    nonsense = client.get("/api/works/nonsense/similar")
    assert nonsense.status_code == 400 and "is not a recognised work id" in nonsense.json()["message"]


def test_work_page_shows_the_list(client: TestClient, built: Store) -> None:
    w1, w2 = ours(built, 1), ours(built, 2)
    page = client.get(f"/works/PW{w1}")
    assert page.status_code == 200
    section = page.text[page.text.index('id="similar-heading"'):page.text.index('id="prov-heading"')]
    assert f'href="/works/PW{w2}"' in section and WORKS[2][0] in section
    assert "cited together by 2 works" in section and "shares topic: Graph Neural Networks" in section
    assert section.index(f"/works/PW{w2}") < section.index(f"/works/PW{ours(built, 3)}")
    assert f'href="/api/works/PW{w1}/similar"' in section
    lonely = client.get(f"/works/PW{ours(built, 8)}").text
    assert "No similar works in this graph" in lonely


def test_work_page_before_any_derivation(built: Store, tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path, database_url=built.describe()), store=built)) as c:
        page = c.get(f"/works/PW{ours(built, 1)}").text
        assert "Similar works have not been derived yet" in page
        body = c.get(f"/api/works/PW{ours(built, 1)}/similar").json()
        assert body["results"] == [] and body["code_version"] is None


def test_full_derive_includes_similar_works(built: Store) -> None:
    out = run("derive", "--database-url", built.describe(), "--json")
    assert out["similar"]["listed"] == 7 and out["similar"]["skipped"] is False
    assert run("derive", "--database-url", built.describe(), "--json")["similar"]["skipped"] is True


def test_a_built_search_index_adds_closeness_in_meaning(built: Store, tmp_path: Path) -> None:
    where = ["--data-dir", str(tmp_path), "--database-url", built.describe()]
    plain = run("derive", "similar", *where, "--json")
    run("index", "build", "--embedder", "hashed", *where, "--json")
    meaning = run("derive", "similar", *where, "--json")  # the vectors are new inputs: rebuilt
    assert meaning["skipped"] is False and meaning["inputs_hash"] != plain["inputs_hash"]
    assert run("derive", "similar", *where, "--json")["skipped"] is True
    with TestClient(create_app(Settings(data_dir=tmp_path, database_url=built.describe()), store=built)) as client:
        results = client.get(f"/api/works/PW{ours(built, 4)}/similar").json()["results"]
        zymurgy = client.get(f"/api/works/PW{ours(built, 8)}/similar").json()["results"]
    reef = next(r for r in results if r["id"] == f"PW{ours(built, 5)}")
    cosine = reef["evidence"]["meaning_similarity"]
    assert cosine >= 0.5 and f"close in meaning (embedding cosine {cosine:.2f})" in reef["reasons"]
    assert zymurgy == []  # a text close to no other in words is close to none in meaning either
