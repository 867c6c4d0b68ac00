"""The JSON API through the real app and a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from peerscope.store import queries
from peerscope.store.db import Store
from peerscope.store.writer import record_redirect

ADA_ORCID = "0000-0002-1825-0097"


def ada_public_id(store: Store) -> str:
    return f"PA{queries.find_by_external_id(store, 'author', 'orcid', ADA_ORCID)}"


def test_work_by_our_id_and_by_external_ids(client: TestClient, seeded_store: Store) -> None:
    wid = queries.find_by_external_id(seeded_store, "work", "openalex", "W1001")
    r = client.get(f"/api/works/PW{wid}")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == f"PW{wid}"
    assert body["title"] == "Resolving scholarly identities at scale"
    assert body["doi"] == "https://doi.org/10.1234/jog.2025.1"
    assert body["ids"]["openalex"] == "https://openalex.org/W1001"
    assert [a["raw_author_name"] for a in body["authorships"]] == ["Ada Lovelace", "Bob Müller", "Cai Wen"]
    assert [a["author_position"] for a in body["authorships"]] == ["first", "middle", "last"]
    assert body["authorships"][0]["institutions"][0]["ror"] == "https://ror.org/01abcde23"
    assert body["abstract"].startswith("We present a method")
    assert body["abstract_inverted_index"]["We"] == [0]
    assert body["primary_location"]["source"]["display_name"] == "Journal of Open Graphs"
    assert body["provenance"]["source"] == "openalex" and body["provenance"]["source_id"] == "W1001"
    for ref in ["W1001", "https://openalex.org/W1001", "doi:10.1234/jog.2025.1", "https://doi.org/10.1234/JOG.2025.1", "10.1234/jog.2025.1"]:
        again = client.get(f"/api/works/{ref}")
        assert again.status_code == 200, ref
        assert again.json()["id"] == f"PW{wid}"


def test_preprint_found_by_arxiv_id(client: TestClient) -> None:
    r = client.get("/api/works/arxiv:2506.01234")
    assert r.status_code == 200
    assert r.json()["type"] == "preprint"
    assert r.json()["ids"]["arxiv"] == "https://arxiv.org/abs/2506.01234"


def test_author_by_our_id_orcid_and_openalex_ids(client: TestClient, seeded_store: Store) -> None:
    pid = ada_public_id(seeded_store)
    body = client.get(f"/api/authors/{pid}").json()
    assert body["display_name"] == "Ada Lovelace"
    assert body["orcid"] == f"https://orcid.org/{ADA_ORCID}"
    assert body["works_count"] == 4
    assert body["summary_stats"]["close_collaborators_count"] == 2
    assert {c["author"]["display_name"] for c in body["close_collaborators"]} == {"Bob Müller", "Cai Wen"}
    assert body["trust"] is None
    assert "A. Lovelace" in body["display_name_alternatives"]
    for ref in [f"orcid:{ADA_ORCID}", f"https://orcid.org/{ADA_ORCID}", "A100", "https://openalex.org/A199"]:
        assert client.get(f"/api/authors/{ref}").json()["id"] == pid, ref
    works = client.get(f"/api/authors/{pid}/works").json()
    assert works["meta"]["count"] == 4
    dates = [w["publication_date"] for w in works["results"]]
    assert dates == sorted(dates, reverse=True)


def test_lists_paging_and_meta(client: TestClient) -> None:
    body = client.get("/api/works", params={"per_page": 2, "page": 2}).json()
    assert body["meta"] == {**body["meta"], "count": 6, "page": 2, "per_page": 2}
    assert len(body["results"]) == 2
    all_ids = [w["id"] for w in client.get("/api/works?per-page=200").json()["results"]]
    assert len(all_ids) == len(set(all_ids)) == 6
    assert body["results"][0]["id"] == all_ids[2]
    cited = client.get("/api/works?sort=cited_by_count:desc").json()["results"]
    assert cited[0]["title"] == "Resolving scholarly identities at scale"
    authors = client.get("/api/authors?sort=works_count:desc&per_page=1").json()
    assert authors["meta"]["count"] == 4
    assert authors["results"][0]["display_name"] == "Ada Lovelace"
    found = client.get("/api/works?search=trust").json()
    assert found["meta"]["count"] == 1 and found["results"][0]["title"] == "Trust signals for researcher records"


@pytest.mark.parametrize(
    "url,fault",
    [
        ("/api/works?per_page=0", "per_page must be between 1 and 200"),
        ("/api/works?per_page=201", "per_page must be between 1 and 200"),
        ("/api/works?per-page=x", "per-page must be an integer"),
        ("/api/works?page=0", "page must be 1 or more"),
        ("/api/works?page=101&per_page=100", "may not exceed 10000"),
        ("/api/works?sort=title", "sort 'title' is not supported"),
        ("/api/works?filtr=x", "filtr is not a valid parameter"),
        ("/api/authors?serch=x", "serch is not a valid parameter"),
        ("/api/works/not-an-id", "'not-an-id' is not a recognised work id"),
        ("/api/authors/PW1", "is a work id, not a author id"),
    ],
)
def test_bad_parameters_get_400_with_error_and_message(client: TestClient, url: str, fault: str) -> None:
    r = client.get(url)
    assert r.status_code == 400
    body = r.json()
    assert set(body) == {"error", "message"}
    assert fault in body["message"]


@pytest.mark.parametrize("url", ["/api/works/PW999999", "/api/works/doi:10.9999/none", "/api/authors/PA999999", "/api/authors/orcid:0000-0001-5109-3700", "/api/nothing"])
def test_unknown_ids_get_404(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert set(r.json()) == {"error", "message"}


def test_merged_id_answers_301_to_survivor(client: TestClient, seeded_store: Store) -> None:
    pid = ada_public_id(seeded_store)
    survivor = int(pid[2:])
    record_redirect(seeded_store, "author", 424242, survivor, "merged: same ORCID")
    r = client.get("/api/authors/PA424242")
    assert r.status_code == 301
    assert r.headers["location"] == f"/api/authors/{pid}"
    r = client.get("/api/authors/PA424242/works?per_page=1")
    assert r.status_code == 301 and r.headers["location"].startswith(f"/api/authors/{pid}/works")


def test_openapi_document_lists_routes(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    for path in ["/api/works", "/api/works/{work_id}", "/api/authors", "/api/authors/{author_id}", "/api/authors/{author_id}/works"]:
        assert path in doc["paths"], path
    assert "ErrorOut" in doc["components"]["schemas"]


def test_security_headers(client: TestClient) -> None:
    r = client.get("/api/works")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_no_page_loads_scripts_from_elsewhere(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 404  # its scripts would come from a CDN
    assert client.get("/api/openapi.json").status_code == 200
