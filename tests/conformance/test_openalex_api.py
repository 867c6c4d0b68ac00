"""The OpenAlex-compatible API: our field registry against OpenAlex's published property list, the
semantics of filter / sort / group_by / cursor, the error contract, and an OpenAlex client
(pyalex) pointed at a live server, over the recorded OpenAlex entities plus the sample works, on
SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from peerscope.config import Settings
from peerscope.pipeline import file_stream, ingest_openalex, ingest_stream
from peerscope.serve.api.openalex.registry import ENTITIES, OPERATORS
from peerscope.serve.app import create_app
from peerscope.store import oa_query
from peerscope.store.db import Store

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "openalex"
SNAPSHOT = DATA / "openalex_properties_snapshot.json"
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "openalex" / "sample_works.jsonl"
RECORDED = ["W2741809807.json", "A5023888391.json", "I27837315.json", "S137773608.json", "T11636.json"]

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(not SNAPSHOT.is_file(), reason=f"recorded data not found at {DATA} (the shared/ folder beside the checkout)"),
]


# --- the registry against the snapshot ----------------------------------------------------------
def _snapshot() -> dict:
    return orjson.loads(SNAPSHOT.read_bytes())["properties"]


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_registry_agrees_with_openalex_on_every_field_we_claim(entity: str) -> None:
    props = _snapshot()[entity]
    problems = []
    for f in ENTITIES[entity].fields:
        if f.extension:
            if f.name in props:
                problems.append(f"{f.name}: marked as our extension but OpenAlex has it")
            continue
        p = props.get(f.name)
        if p is None:
            problems.append(f"{f.name}: not an OpenAlex field")
            continue
        if not f.actions <= set(p["actions"]):
            problems.append(f"{f.name}: we claim {sorted(f.actions)}, OpenAlex supports {p['actions']}")
        if p["type"] != f.type:
            problems.append(f"{f.name}: our type {f.type}, OpenAlex's {p['type']}")
        if not set(f.aliases) <= set(p["alternate_keys"]):
            problems.append(f"{f.name}: aliases {sorted(set(f.aliases) - set(p['alternate_keys']))} are not OpenAlex's")
        if not f.operators <= set(p["operators"]):
            problems.append(f"{f.name}: operators {sorted(f.operators - set(p['operators']))} are not OpenAlex's")
    assert problems == []


def test_every_registry_field_reads_a_store_key() -> None:
    for e in ENTITIES.values():
        for f in e.fields:
            if f.type != "search":
                assert f.key in oa_query.FIELDS, (e.name, f.name)
                assert f.key.startswith(e.name + "."), (e.name, f.name)


def test_operators_are_openalex_vocabulary() -> None:
    used = {op for p in _snapshot()["works"].values() for op in p["operators"]}
    assert set().union(*OPERATORS.values()) <= used


# --- a store with the sample works and the recorded entities -----------------------------------
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'oa.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    s = Store(url)
    s.upgrade()
    ingest_openalex(s, [SAMPLE])
    ingest_stream(s, file_stream("openalex", [DATA / n for n in RECORDED], None))
    yield s
    s.dispose()


@pytest.fixture
def settings(store: Store, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=store.describe())


@pytest.fixture
def client(store: Store, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store=store), follow_redirects=False) as c:
        yield c


def works(client: TestClient, **params: str) -> list[dict]:
    r = client.get("/api/works", params={"per_page": "200", **params})
    assert r.status_code == 200, r.text
    return r.json()["results"]


def test_filters_and_or_not_ranges(client: TestClient) -> None:
    every = works(client)
    assert len(every) == 7

    def where(pred) -> set[str]:  # type: ignore[no-untyped-def]
        return {w["id"] for w in every if pred(w)}

    def ids(flt: str) -> set[str]:
        return {w["id"] for w in works(client, filter=flt)}

    y = lambda w: w["publication_year"] or 0  # noqa: E731
    assert ids("publication_year:2025") == where(lambda w: y(w) == 2025)
    assert ids("publication_year:2018|2024") == where(lambda w: y(w) in (2018, 2024))
    assert ids("publication_year:!2025") == where(lambda w: y(w) != 2025)
    assert ids("publication_year:>2023") == where(lambda w: y(w) > 2023)
    assert ids("publication_year:<2024") == where(lambda w: y(w) < 2024)
    assert ids("publication_year:2018-2024") == where(lambda w: 2018 <= y(w) <= 2024)
    assert ids("publication-year:>2023,type:preprint") == where(lambda w: y(w) > 2023 and w["type"] == "preprint")
    assert ids("type:ARTICLE|preprint") == where(lambda w: w["type"] in ("article", "preprint"))
    assert ids("is_retracted:true") == where(lambda w: w["is_retracted"])
    assert ids("open_access.is_oa:false") == where(lambda w: not w["open_access"]["is_oa"])
    assert ids("cited_by_count:>100") == where(lambda w: w["cited_by_count"] > 100)
    assert ids("from_publication_date:2025-03-01,to_publication_date:2025-12-31") == where(lambda w: "2025-03-01" <= (w["publication_date"] or "") <= "2025-12-31")
    assert ids("doi:10.7717/PEERJ.4375") == ids("ids.openalex:W2741809807") == ids("openalex_id:https://openalex.org/W2741809807")
    assert len(ids("doi:10.7717/PEERJ.4375")) == 1
    assert ids("title.search:trust") == where(lambda w: "trust" in w["title"].lower())
    ada = ids("authorships.author.id:A100")
    assert ada and ada == where(lambda w: any(a["author"]["display_name"] == "Ada Lovelace" for a in w["authorships"]))
    assert ids("author.id:!A100") == where(lambda w: w["id"] not in ada)


def test_sort_and_cursor_paging_visit_every_work_once_in_order(client: TestClient) -> None:
    by_cited = works(client, sort="cited_by_count:desc")
    counts = [w["cited_by_count"] for w in by_cited]
    assert counts == sorted(counts, reverse=True)
    for sort in ("cited_by_count:desc", "publication_date", "publication_year:desc", None):
        params = {"per_page": "2", "cursor": "*"} | ({"sort": sort} if sort else {})
        seen: list[str] = []
        while True:
            body = client.get("/api/works", params=params).json()
            assert body["meta"]["page"] is None and body["meta"]["count"] == 7
            seen += [w["id"] for w in body["results"]]
            if body["meta"]["next_cursor"] is None:
                break
            params["cursor"] = body["meta"]["next_cursor"]
        expected = [w["id"] for w in (works(client, sort=sort) if sort else works(client))]
        assert seen == expected, sort


def test_group_by_counts_match_the_filtered_lists(client: TestClient) -> None:
    for key in ("publication_year", "type", "open_access.is_oa", "authorships.author.id", "topics.id", "primary_location.source.id", "has_doi"):
        body = client.get("/api/works", params={"group_by": key, "filter": "publication_year:>2000"}).json()
        assert body["results"] == [] and body["group_by"], key
        assert body["meta"]["groups_count"] == len(body["group_by"])
        for g in body["group_by"][:3]:
            filter_key = "publication_year" if key == "publication_year" else key
            n = len(works(client, filter=f"publication_year:>2000,{filter_key}:{g['key']}"))
            assert n == g["count"], (key, g)
    authors = client.get("/api/works?group-by=authorships.author.id").json()["group_by"]
    assert authors[0]["key_display_name"] in ("Ada Lovelace", "Bob Müller")


@pytest.mark.parametrize("key", ["publication_year", "type", "primary_location.source.id", "cited_by_count", "has_doi", "topics.id", "authorships.author.id"])
def test_group_by_meta_count_is_the_filtered_lists_count(client: TestClient, store: Store, key: str) -> None:
    """One scan gives a single-valued field's groups and the list's count, whatever the groups
    leave out: works whose value is null, and groups beyond the limit."""
    for flt in ("publication_year:>2000", "type:article", "publication_year:1800"):
        body = client.get("/api/works", params={"group_by": key, "filter": flt}).json()
        assert body["meta"]["count"] == len(works(client, filter=flt)), (key, flt)
    every = len(works(client))
    field = ENTITIES["works"].field(key)
    assert field is not None
    store_key = field.key
    cut = oa_query.group_counts(store, oa_query.ListQuery("works", []), store_key, 1)
    assert len(cut.rows) <= 1
    assert cut.total in (None, every)
    if cut.total is None:
        assert oa_query.FIELDS[store_key].pairs is not None, "only a many-valued field leaves the total to count()"


def test_select_sample_and_other_entities(client: TestClient) -> None:
    body = client.get("/api/works?select=id,display_name&per_page=3").json()
    assert [set(w) for w in body["results"]] == [{"id", "display_name"}] * 3
    first = client.get("/api/works?sample=4&seed=7").json()["results"]
    again = client.get("/api/works?sample=4&seed=7").json()["results"]
    assert len(first) == 4 and first == again
    for segment, ref in (("institutions", "I27837315"), ("sources", "S137773608"), ("topics", "T11636"), ("authors", "A5023888391")):
        one = client.get(f"/api/{segment}/{ref}")
        assert one.status_code == 200, (segment, one.text)
        listed = client.get(f"/api/{segment}", params={"filter": f"ids.openalex:{ref}"}).json()
        assert [r["id"] for r in listed["results"]] == [one.json()["id"]]
    inst = client.get("/api/institutions?filter=country_code:us").json()["results"]
    assert inst and all(i["country_code"] == "US" for i in inst)
    assert client.get("/api/autocomplete/authors?q=ada").json()["results"][0]["display_name"] == "Ada Lovelace"
    assert client.get("/api/authors?search=lovelace").json()["meta"]["count"] == 1


@pytest.mark.parametrize("url,fault", [
    ("/api/works?filter=nope:1", "filter: 'nope' is not a valid field for works"),
    ("/api/works?filter=publication_year:soon", "publication_year takes a number"),
    ("/api/works?sort=abstract", "sort 'abstract' is not supported"),
    ("/api/works?group_by=publication_date", "is not a field that supports group_by"),
    ("/api/works?select=nothing", "select: nothing is not a field you can select"),
    ("/api/works?per-page=500", "per-page must be between 1 and 200"),
    ("/api/works?page=51&per_page=200", "may not exceed 10000"),
    ("/api/works?cursor=abc", "not a cursor this server issued"),
    ("/api/works?cursor=*&page=2", "cursor and page cannot be combined"),
    ("/api/works?seed=3", "seed needs sample"),
    ("/api/works?sample=0", "sample must be between 1 and 10000"),
    ("/api/autocomplete/things?q=a", "'things' is not an entity"),
    ("/api/autocomplete/works", "q: give the start"),
    ("/api/authors?filter=trust_band:famous", "trust_band must be one of"),
])
def test_error_contract(client: TestClient, url: str, fault: str) -> None:
    r = client.get(url)
    assert r.status_code == 400
    assert set(r.json()) == {"error", "message"}
    assert fault in r.json()["message"]


def test_cursor_from_another_sort_is_refused(client: TestClient) -> None:
    token = client.get("/api/works?cursor=*&per_page=1").json()["meta"]["next_cursor"]
    r = client.get(f"/api/works?cursor={token}&sort=cited_by_count:desc")
    assert r.status_code == 400 and "made for sort" in r.json()["message"]


# --- an OpenAlex client against a live server ---------------------------------------------------
def test_pyalex_against_a_live_server(store: Store, settings: Settings) -> None:
    import pyalex
    from requests import HTTPError
    from support.server import run_uvicorn

    with run_uvicorn(create_app(settings, store=store)) as base:
        saved = pyalex.config.openalex_url
        pyalex.config.openalex_url = base + "/api"
        try:
            work = pyalex.Works()["W2741809807"]
            assert work["doi"] == "https://doi.org/10.7717/peerj.4375"
            recent = pyalex.Works().filter(publication_year=2025).get()
            assert len(recent) == 4 and all(w["publication_year"] == 2025 for w in recent)
            assert pyalex.Works().filter(publication_year=2025).count() == 4
            both = pyalex.Works()[["W1001", "W2741809807"]]
            assert len(both) == 2
            by_ada = pyalex.Works().filter(authorships={"author": {"id": "A100"}}).get()
            ada = pyalex.Authors()["A100"]["id"]
            assert by_ada and all(any(a["author"]["id"] == ada for a in w["authorships"]) for w in by_ada)
            assert all(w["doi"] for w in by_ada)
            newer = pyalex.Works().filter_gt(publication_year=2023).filter_not(type="preprint").get()
            assert newer and all(w["publication_year"] > 2023 and w["type"] != "preprint" for w in newer)
            groups = pyalex.Works().group_by("publication_year").get()
            assert sum(g["count"] for g in groups) == 7
            cited = pyalex.Works().sort(cited_by_count="desc").get()
            assert cited[0]["cited_by_count"] == max(w["cited_by_count"] for w in cited)
            pages = list(pyalex.Works().filter_gt(publication_year=2000).paginate(per_page=3, n_max=None))
            assert [len(p) for p in pages] == [3, 3, 1]
            assert pyalex.Works().search_filter(title="trust").get()[0]["title"] == "Trust signals for researcher records"
            assert pyalex.Works().search("trust").count() == 1
            assert pyalex.Authors()["A5023888391"]["display_name"]
            assert pyalex.Institutions()["I27837315"]["display_name"]
            assert pyalex.Sources()["S137773608"]["display_name"]
            assert pyalex.Topics()["T11636"]["display_name"]
            assert pyalex.Authors().autocomplete("ada")[0]["display_name"] == "Ada Lovelace"
            with pytest.raises(HTTPError) as exc:
                pyalex.Works().filter(no_such_field=1).get()
            assert exc.value.response.status_code == 400
            assert "no_such_field" in exc.value.response.json()["message"]
        finally:
            pyalex.config.openalex_url = saved


LIST_PARAM_TEXT = st.lists(st.sampled_from(["publication_year", "type", "is_oa", "author.id", "topics.id", "from_publication_date", "title.search", "doi", ":", ",", "|", "+", "!", "<", ">", "-", "null", "true", "2025", "W1001", "PA1", "2025-03-01", "é", "%", " "]), max_size=10).map("".join)


@hypothesis_settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(LIST_PARAM_TEXT, st.sampled_from(["filter", "sort", "group_by", "select", "cursor", "search", "sample"]), st.sampled_from(list(ENTITIES)))
def test_any_parameter_value_answers_200_or_400_never_500(client: TestClient, value: str, param: str, entity: str) -> None:
    r = client.get(f"/api/{entity}", params={param: value})
    assert r.status_code in (200, 400), (param, value, r.text)
    if r.status_code == 400:
        assert set(r.json()) == {"error", "message"}
