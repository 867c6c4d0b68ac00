"""``peerscope derive integrity`` on both databases: a citation ring among co-authors, a
self-citation burst, a retracted work and a clean work built in the store, their flags and
evidence, a rerun that changes nothing, and the flags on pages and in the API."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from click.testing import CliRunner
from fastapi.testclient import TestClient

from peerscope.cli import cli
from peerscope.config import Settings
from peerscope.pipeline import ingest_openalex
from peerscope.serve.app import create_app
from peerscope.store import documents as store_documents
from peerscope.store.db import Store
from peerscope.store.writer import Writer


def _work(n: int, year: int, authors: list[tuple[str, str]], refs: list[int] = (), retracted: bool = False, abstract: str | None = None) -> dict:  # type: ignore[assignment]
    words = {w: [i] for i, w in enumerate(abstract.split(" "))} if abstract else None
    return {
        "abstract_inverted_index": words,
        "id": f"https://openalex.org/W99{n:04d}",
        "title": f"Study number {n} of citation structure in scholarly graphs",
        "display_name": f"Study number {n} of citation structure in scholarly graphs",
        "publication_year": year,
        "publication_date": f"{year}-06-01",
        "type": "article",
        "is_retracted": retracted,
        "authorships": [
            {"author_position": "first" if i == 0 else "middle", "author": {"id": f"https://openalex.org/{aid}", "display_name": name, "orcid": None},
             "institutions": [], "raw_author_name": name, "raw_affiliation_strings": []}
            for i, (aid, name) in enumerate(authors)
        ],
        "referenced_works": [f"https://openalex.org/W99{r:04d}" for r in refs],
    }


RING = [("A9901", "Rhea Ring"), ("A9902", "Roland Ring"), ("A9903", "Rosa Ring")]
SELF = ("A9911", "Selma Self")
CLEAN = ("A9921", "Clara Clean")
RETRACTED = ("A9931", "Reto Retract")
TORTURED = ("A9951", "Tora Tortured")
TORTURED_ABSTRACT = ("We train a profound neural organization with counterfeit consciousness methods and compare it "
                     "with an irregular woodland on large information.")


def corpus() -> list[dict]:
    works = [
        _work(1, 2018, RING),  # the ring's joint paper
        _work(2, 2019, [RING[0]]),  # the ring's target
        *[_work(10 + i, 2021, [RING[0]], refs=[2]) for i in range(4)],  # its author cites it
        *[_work(20 + i, 2021, [RING[1 + i % 2]], refs=[2]) for i in range(8)],  # and so do her co-authors
        _work(30, 2020, [("A9940", "Otto Outside")], refs=[2]),
        _work(40, 2020, [SELF]),
        *[_work(41 + i, 2022, [SELF], refs=[40]) for i in range(11)],  # a self-citation burst
        _work(60, 2015, [CLEAN]),
        *[_work(61 + i, 2016 + i // 2, [(f"A995{i:02d}", f"Independent Reader{chr(65 + i)}")], refs=[60]) for i in range(12)],
        _work(80, 2017, [RETRACTED], retracted=True),
        _work(85, 2023, [TORTURED], abstract=TORTURED_ABSTRACT),
        _work(86, 2023, [CLEAN], abstract="We train a deep neural network and compare it with a random forest on big data."),
    ]
    return works


def run(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def ids(store: Store, kind: str, prefix: str) -> dict[str, int]:
    with store.connect() as conn:
        rows = conn.exec_driver_sql(f"select value, entity_id from external_ids where entity_kind = '{kind}' and scheme = 'openalex'").all()
    return {v: int(i) for v, i in rows if v.startswith(prefix)}


def built(store: Store, tmp_path: Path, works: list[dict]) -> None:
    path = tmp_path / "works.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(w) for w in works) + b"\n")
    ingest_openalex(store, [path])
    Writer(store).link_citations()  # what `peerscope derive` does first; it would run the checks too


def test_citation_anomalies_and_notices_are_flagged_with_evidence(store: Store, tmp_path: Path) -> None:
    built(store, tmp_path, corpus())
    report = run("derive", "integrity", "--database-url", store.describe(), "--json")
    assert report["flags"] == {"citation_anomaly": 4, "retracted": 1, "tortured_phrases": 1} and report["unchanged"] == 0 and report["removed"] == 0
    works, authors = ids(store, "work", "W99"), ids(store, "author", "A99")

    target = store_documents.flags_for(store, "work", works["W990002"])
    # a burst and a co-author cluster are both about how others cite: low
    assert [f.kind for f in target] == ["citation_anomaly"] and target[0].severity == "low" and target[0].role == "subject"
    evidence = {e["kind"]: e for e in target[0].evidence}
    assert evidence["burst"]["year"] == 2021 and evidence["burst"]["citations"] == 12 and evidence["burst"]["by_year"] == {"2020": 1, "2021": 12}
    assert evidence["coauthor_cluster"]["self_citations"] == 4 and evidence["coauthor_cluster"]["cluster_citations"] == 8
    assert evidence["coauthor_cluster"]["citations"] == 13 and evidence["coauthor_cluster"]["score"] == round(12 / 13, 3)
    assert set(evidence["coauthor_cluster"]["citing_works"]) == {works[f"W9900{20 + i}"] for i in range(8)}
    assert "self_citation_share" not in evidence  # 4 of 13 is not most

    rhea = store_documents.flags_for(store, "author", authors["A9901"])
    assert {(f.kind, f.role) for f in rhea} == {("citation_anomaly", "subject"), ("citation_anomaly", "byline")}
    own = next(f for f in rhea if f.role == "subject")
    assert [e["kind"] for e in own.evidence] == ["coauthor_cluster"] and own.evidence[0]["cluster"] == ["Roland Ring", "Rosa Ring"]
    assert own.severity == "low"  # co-authors citing the author's works: shown, low
    assert own.evidence[0]["cluster_citations"] == 8 and own.evidence[0]["citations"] == 13

    burst = store_documents.flags_for(store, "work", works["W990040"])
    kinds = {e["kind"]: e for e in burst[0].evidence}
    assert kinds["self_citation_share"]["score"] == 1.0 and kinds["self_citation_share"]["self_citations"] == 11 and kinds["burst"]["year"] == 2022
    selma = [f for f in store_documents.flags_for(store, "author", authors["A9911"]) if f.role == "subject"]
    assert selma[0].evidence[0]["kind"] == "self_citation_share" and selma[0].evidence[0]["self_citations"] == 11
    assert selma[0].severity == "medium" and burst[0].severity == "medium"  # a self-citation share stays medium

    retracted = store_documents.flags_for(store, "work", works["W990080"])
    assert [(f.kind, f.severity) for f in retracted] == [("retracted", "high")]
    assert retracted[0].evidence == [{"kind": "source_notice", "notice": "retraction", "source": "openalex", "work_id": works["W990080"], "detail": "openalex marks this work retracted"}]
    assert [(f.kind, f.role) for f in store_documents.flags_for(store, "author", authors["A9931"])] == [("retracted", "byline")]

    # tortured phrases in a stored abstract: quoted with their field and the usual term
    tortured = store_documents.flags_for(store, "work", works["W990085"])
    assert [(f.kind, f.severity) for f in tortured] == [("tortured_phrases", "medium")]
    quotes = {e["quote"]: e for e in tortured[0].evidence}
    assert set(quotes) == {"profound neural organization", "counterfeit consciousness", "irregular woodland"}
    assert quotes["irregular woodland"]["field"] == "abstract" and quotes["irregular woodland"]["expected"] == "random forest"
    with store.connect() as conn:
        stored = conn.exec_driver_sql(f"select abstract from works where id = {works['W990085']}").scalar_one()
    assert stored[quotes["irregular woodland"]["start"]:quotes["irregular woodland"]["end"]] == "irregular woodland", stored
    assert [(f.kind, f.role) for f in store_documents.flags_for(store, "author", authors["A9951"])] == [("tortured_phrases", "byline")]
    assert store_documents.flags_for(store, "work", works["W990086"]) == []  # the plain terms are not flagged

    # the clean case: a work cited steadily by people unrelated to its author
    assert store_documents.flags_for(store, "work", works["W990060"]) == []
    assert store_documents.flags_for(store, "author", authors["A9921"]) == []
    assert store_documents.flags_for(store, "author", authors["A9940"]) == []

    settings = Settings(data_dir=tmp_path, database_url=store.describe())
    with TestClient(create_app(settings, store=store)) as client:
        page = client.get(f"/works/PW{works['W990002']}").text
        assert "citation anomaly" in page and "12 citations in 2021" in page and "a signal with evidence, not a verdict" in page
        profile = client.get(f"/authors/PA{authors['A9901']}").text
        assert "8 of 13 works citing this author&#39;s works are by their co-authors" in profile
        api = client.get(f"/api/authors/PA{authors['A9911']}/flags").json()
        assert "citation_anomaly" in {f["kind"] for f in api["results"]}


def test_a_rerun_changes_nothing_and_a_new_input_rewrites_only_what_it_touches(store: Store, tmp_path: Path) -> None:
    works = corpus()
    built(store, tmp_path, works)
    first = run("derive", "integrity", "--database-url", store.describe(), "--json")
    assert first["rewritten"] == first["works"] + first["authors"]
    with store.connect() as conn:
        before = conn.exec_driver_sql("select id, kind, evidence, created_at from integrity_flags order by id").all()
    again = run("derive", "integrity", "--database-url", store.describe(), "--json")
    assert again["rewritten"] == 0 and again["unchanged"] == first["rewritten"] and again["flags"] == first["flags"]
    with store.connect() as conn:
        assert conn.exec_driver_sql("select id, kind, evidence, created_at from integrity_flags order by id").all() == before

    # one more reader of the clean work: only that work, and its new reader, change
    more = tmp_path / "more"
    more.mkdir()
    built(store, more, [_work(90, 2022, [("A9990", "Nina Newcomer")], refs=[60])])
    third = run("derive", "integrity", "--database-url", store.describe(), "--json")
    assert third["rewritten"] == 4 and third["flags"] == first["flags"]  # the clean work and its author, the new work and its author
