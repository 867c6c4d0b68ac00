"""Author resolution on a real store (SQLite and PostgreSQL): merges with redirects, ORCID as a
hard link, namesakes kept apart, constraints honoured, explanations, undo, stable ids, and the
same clusters from every engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from peerscope.errors import InputError
from peerscope.pipeline import ingest_openalex
from peerscope.resolution import resolve_authors as resolve_with_defaults
from peerscope.resolve.authors.scorer import HAND_WEIGHTED
from peerscope.serve.ids import lookup, public_id
from peerscope.store import resolution as store_resolution
from peerscope.store.db import Store
from peerscope.store.models import Authorship, ExternalIdRow, Redirect

OA = "https://openalex.org/"
JOIN_PROFILES = HAND_WEIGHTED.with_threshold(0.99)  # join a source's profiles on evidence too


def resolve_authors(store: Store, **options):  # type: ignore[no-untyped-def]
    """Resolution as run with ``--join-profiles-at 0.99``."""
    return resolve_with_defaults(store, group_scorer=JOIN_PROFILES, **options)


def work(n: int, title: str, year: int, authors: list[tuple[str | None, str, str | None, str | None]], topic: str = "Graph Neural Networks") -> dict:
    """An OpenAlex work; authors are (OpenAlex author id, name, affiliation, ORCID)."""
    return {
        "id": f"{OA}W90000{n:04d}",
        "doi": f"https://doi.org/10.5555/res.{n}",
        "title": title,
        "display_name": title,
        "publication_year": year,
        "publication_date": f"{year}-03-01",
        "type": "article",
        "language": "en",
        "ids": {"openalex": f"{OA}W90000{n:04d}", "doi": f"https://doi.org/10.5555/res.{n}"},
        "primary_location": {"is_oa": False, "landing_page_url": None, "source": {"id": f"{OA}S900001", "display_name": "Journal of Graph Learning", "type": "journal"}},
        "authorships": [
            {
                "author_position": "first" if i == 0 else "middle",
                "author": {"id": f"{OA}{aid}" if aid else None, "display_name": name, "orcid": f"https://orcid.org/{orcid}" if orcid else None},
                "raw_author_name": name,
                "institutions": [],
                "raw_affiliation_strings": [aff] if aff else [],
            }
            for i, (aid, name, aff, orcid) in enumerate(authors)
        ],
        "topics": [{"id": f"{OA}T9001", "display_name": topic, "score": 0.9}],
        "cited_by_count": 0,
        "referenced_works": [],
        "is_retracted": False,
        "updated_date": "2025-01-01T00:00:00.000000",
    }


LAGOS = "Department of Computer Science, University of Lagos, Lagos, Nigeria"
OSLO = "Department of Marine Biology, University of Oslo, Oslo, Norway"
CORPUS = [
    # Mira Okafor under two OpenAlex ids (the source split her): same co-authors, address, topic
    work(1, "Attention pooling for sparse graphs", 2020, [("A9100001", "Mira Okafor", LAGOS, None), ("A9100010", "Jonas Lindqvist", None, None), ("A9100011", "Tariq Haddad", LAGOS, None)]),
    work(2, "Sparse graph attention at scale", 2021, [("A9100001", "Mira Okafor", LAGOS, None), ("A9100010", "Jonas Lindqvist", None, None), ("A9100011", "Tariq Haddad", LAGOS, None)]),
    work(3, "Pooling operators for sparse graph attention", 2022, [("A9100002", "M. Okafor", LAGOS, None), ("A9100010", "Jonas Lindqvist", None, None), ("A9100011", "Tariq Haddad", LAGOS, None)]),
    # a namesake: another M. Okafor, marine biology in Oslo, other co-authors
    work(4, "Cod migration under warming seas", 2019, [("A9100003", "Maria Okafor", OSLO, None), ("A9100020", "Ingrid Berg", OSLO, None)], topic="Fish Ecology"),
    work(5, "Warming and cod spawning grounds", 2021, [("A9100003", "Maria Okafor", OSLO, None), ("A9100020", "Ingrid Berg", OSLO, None)], topic="Fish Ecology"),
    # one ORCID iD on two source ids with unlike names: a hard link whatever else says
    work(6, "Kernel methods for proteins", 2018, [("A9100004", "Chen Wei", None, "0000-0002-1825-0097")], topic="Protein Structure"),
    work(7, "Tiling the plane with polyominoes", 2023, [("A9100005", "Wei Chen", None, "0000-0002-1825-0097")], topic="Combinatorics"),
    # bylines without any author id (as from a source that has none): attached on evidence
    work(8, "Cod larvae and ocean heat", 2022, [(None, "Ingrid Berg", OSLO, None), (None, "Maria Okafor", OSLO, None)], topic="Fish Ecology"),
]


@pytest.fixture
def corpus_store(store: Store, tmp_path: Path) -> Store:
    path = tmp_path / "resolution.jsonl"
    path.write_text("\n".join(json.dumps(w) for w in CORPUS) + "\n")
    ingest_openalex(store, [path])
    return store


def author_of(store: Store, source_author: str) -> int:
    return lookup(store, "author", f"{OA}{source_author}").number


def author_at(store: Store, work_n: int, position: int) -> int:
    work_id = lookup(store, "work", f"{OA}W90000{work_n:04d}").number
    a = Authorship.__table__
    with store.connect() as conn:
        return conn.execute(select(a.c.author_id).where(a.c.work_id == work_id, a.c.position == position)).scalar_one()


def bylines(store: Store) -> dict[tuple[int, int], int]:
    a = Authorship.__table__
    with store.connect() as conn:
        return {(w, p): aid for w, p, aid in conn.execute(select(a.c.work_id, a.c.position, a.c.author_id))}


def test_split_person_is_merged_namesake_kept_apart_orcid_joins(corpus_store: Store) -> None:
    store = corpus_store
    mira_a, mira_b, maria = author_of(store, "A9100001"), author_of(store, "A9100002"), author_of(store, "A9100003")
    chen_a, chen_b = author_of(store, "A9100004"), author_of(store, "A9100005")
    report = resolve_authors(store)
    assert report.bylines == 17
    # Mira's two ids are one author now, under the older id; the other redirects to it
    survivor = min(mira_a, mira_b)
    assert author_at(store, 1, 0) == author_at(store, 3, 0) == survivor
    assert lookup(store, "author", public_id("author", max(mira_a, mira_b))).moved
    assert lookup(store, "author", public_id("author", max(mira_a, mira_b))).number == survivor
    # the source's id of the merged record now finds the survivor, so later ingests join it
    assert author_of(store, "A9100002") == survivor
    # Maria in Oslo stays herself
    assert author_at(store, 4, 0) == author_at(store, 5, 0) == maria != survivor
    # the lone bylines of work 8 join Ingrid's and Maria's profiles
    assert author_at(store, 8, 1) == maria and author_at(store, 8, 0) == author_at(store, 4, 1)
    assert report.merged == 3  # Mira's second id, and the two lone bylines' one-byline authors
    # one ORCID iD: one author, explained by the iD
    assert author_at(store, 6, 0) == author_at(store, 7, 0) == min(chen_a, chen_b)
    why = store_resolution.why(store, min(chen_a, chen_b), lookup(store, "work", f"{OA}W900000007").number)
    assert why[0]["rule"] == "orcid" and "0000-0002-1825-0097" in why[0]["evidence"][0]["detail"]
    # the merged byline says why it is on Mira's profile: evidence with the most alike byline
    why3 = store_resolution.why(store, survivor, lookup(store, "work", f"{OA}W900000003").number)
    assert why3[0]["rule"] == "evidence" and why3[0]["score"] > 0.5
    kinds = {e["kind"] for e in why3[0]["evidence"]}
    assert "most_alike" in kinds and "coauthors_shared" in kinds


def test_rerun_keeps_every_id(corpus_store: Store) -> None:
    first = resolve_authors(corpus_store)
    before = bylines(corpus_store)
    second = resolve_authors(corpus_store)
    assert first.merged == 3
    assert second.moved == 0 and second.merged == 0 and second.created == 0
    assert bylines(corpus_store) == before


def test_undo_brings_back_merged_authors_with_their_ids(corpus_store: Store) -> None:
    store = corpus_store
    mira_b = author_of(store, "A9100002")
    run = resolve_authors(store)
    assert lookup(store, "author", public_id("author", mira_b)).moved
    store_resolution.undo_run(store, run.run_id)
    assert author_of(store, "A9100002") == mira_b
    assert author_at(store, 3, 0) == mira_b
    assert not lookup(store, "author", public_id("author", mira_b)).moved
    rd = Redirect.__table__
    with store.connect() as conn:
        assert conn.execute(select(rd.c.old_id).where(rd.c.entity_kind == "author", rd.c.old_id == mira_b)).first() is None
    with pytest.raises(InputError, match="already undone"):
        store_resolution.undo_run(store, run.run_id)


def test_undo_refuses_a_run_a_later_run_builds_on(corpus_store: Store) -> None:
    first = resolve_authors(corpus_store)
    second = resolve_authors(corpus_store)
    with pytest.raises(InputError, match=f"undo run {second.run_id} first"):
        store_resolution.undo_run(corpus_store, first.run_id)
    with pytest.raises(InputError, match="no resolution run 999"):
        store_resolution.undo_run(corpus_store, 999)


def test_a_correction_splits_a_byline_off_and_stays(corpus_store: Store) -> None:
    store = corpus_store
    resolve_authors(store)
    w1 = lookup(store, "work", f"{OA}W900000001").number
    w3 = lookup(store, "work", f"{OA}W900000003").number
    assert author_at(store, 1, 0) == author_at(store, 3, 0)
    store_resolution.add_constraint(store, "cannot", (w1, 0), (w3, 0), "moderator: M. Okafor on W3 is another person")
    report = resolve_authors(store)
    assert author_at(store, 1, 0) != author_at(store, 3, 0)
    assert report.created == 1
    again = resolve_authors(store)
    assert again.moved == 0 and author_at(store, 1, 0) != author_at(store, 3, 0)
    # and a claim joins them back
    store_resolution.add_constraint(store, "must", (w1, 0), (w3, 0), "claim: both are me")
    with pytest.raises(Exception, match="constraint"):
        resolve_authors(store)  # a must-link against a cannot-link is refused, nothing written


def test_bad_constraints_are_refused(corpus_store: Store) -> None:
    w1 = lookup(corpus_store, "work", f"{OA}W900000001").number
    with pytest.raises(InputError, match="no byline at position 9"):
        store_resolution.add_constraint(corpus_store, "must", (w1, 0), (w1, 9), "x")
    with pytest.raises(InputError, match="two different bylines"):
        store_resolution.add_constraint(corpus_store, "must", (w1, 0), (w1, 0), "x")
    with pytest.raises(InputError, match="'must' or 'cannot'"):
        store_resolution.add_constraint(corpus_store, "maybe", (w1, 0), (w1, 1), "x")


def test_external_ids_follow_the_survivor(corpus_store: Store) -> None:
    resolve_authors(corpus_store)
    x = ExternalIdRow.__table__
    with corpus_store.connect() as conn:
        owners = {v: e for v, e in conn.execute(select(x.c.value, x.c.entity_id).where(x.c.entity_kind == "author", x.c.scheme == "openalex"))}
    assert owners["A9100001"] == owners["A9100002"]
    assert owners["A9100003"] != owners["A9100001"]


def test_why_in_the_api_and_on_the_pages(corpus_store: Store, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from peerscope.config import Settings
    from peerscope.serve.app import create_app

    store = corpus_store
    mira_b = author_of(store, "A9100002")
    resolve_authors(store)
    survivor = author_of(store, "A9100001")
    work3 = public_id("work", lookup(store, "work", f"{OA}W900000003").number)
    settings = Settings(data_dir=tmp_path, database_url=store.describe())
    with TestClient(create_app(settings, store=store), follow_redirects=False) as client:
        answer = client.get(f"/api/authors/{public_id('author', survivor)}/works/{work3}/why")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["bylines"][0]["rule"] == "evidence" and body["bylines"][0]["run"]["id"] >= 1
        assert any(e["kind"] == "coauthors_shared" and e["with"] for e in body["bylines"][0]["evidence"])
        # the merged author's old id answers 301, in the API and on the pages
        moved = client.get(f"/api/authors/{public_id('author', mira_b)}")
        assert moved.status_code == 301 and moved.headers["location"].endswith(public_id("author", survivor))
        page = client.get(f"/authors/{public_id('author', mira_b)}")
        assert page.status_code == 301
        profile = client.get(f"/authors/{public_id('author', survivor)}")
        assert f"/authors/{public_id('author', survivor)}/works/{work3}/why" in profile.text
        why_page = client.get(f"/authors/{public_id('author', survivor)}/works/{work3}/why")
        assert why_page.status_code == 200 and "Linked on evidence" in why_page.text
        maria = public_id("author", author_of(store, "A9100003"))
        assert client.get(f"/api/authors/{maria}/works/{work3}/why").status_code == 404
        assert client.get(f"/authors/{maria}/works/{work3}/why").status_code == 404


def test_incremental_attaches_new_bylines_and_reclusters_nothing(store: Store, tmp_path: Path) -> None:
    first, later = tmp_path / "first.jsonl", tmp_path / "later.jsonl"
    first.write_text("\n".join(json.dumps(w) for w in CORPUS[:-1]) + "\n")
    later.write_text(json.dumps(CORPUS[-1]) + "\n")
    ingest_openalex(store, [first])
    mira_a, mira_b = author_of(store, "A9100001"), author_of(store, "A9100002")
    ingest_openalex(store, [later])
    before = bylines(store)
    report = resolve_authors(store, incremental=True)
    after = bylines(store)
    # Mira's two source profiles are left apart (no reclustering) ...
    assert author_at(store, 1, 0) == mira_a and author_at(store, 3, 0) == mira_b
    # ... while the new lone bylines joined the profiles they belong to
    assert author_at(store, 8, 0) == author_at(store, 4, 1) and author_at(store, 8, 1) == author_at(store, 4, 0)
    changed = {k for k in before if before[k] != after[k]}
    assert {k[0] for k in changed} == {lookup(store, "work", f"{OA}W900000008").number}
    assert report.moved == 2 and report.merged == 2


def test_by_default_a_sources_profiles_join_only_by_orcid_or_constraint(corpus_store: Store) -> None:
    store = corpus_store
    mira_a, mira_b, maria = author_of(store, "A9100001"), author_of(store, "A9100002"), author_of(store, "A9100003")
    chen = author_of(store, "A9100004")
    report = resolve_with_defaults(store)
    # Mira's two source profiles stay two: evidence alone does not join a source's profiles
    assert author_at(store, 1, 0) == mira_a and author_at(store, 3, 0) == mira_b
    # the ORCID iD still joins, and lone bylines still attach on evidence
    assert author_at(store, 6, 0) == author_at(store, 7, 0) == chen
    assert author_at(store, 8, 1) == maria
    assert report.merged == 2
    # a claim joins Mira's profiles, and says so
    w1, w3 = lookup(store, "work", f"{OA}W900000001").number, lookup(store, "work", f"{OA}W900000003").number
    store_resolution.add_constraint(store, "must", (w1, 0), (w3, 0), "claim: both are me", created_by="mira")
    resolve_with_defaults(store)
    assert author_at(store, 1, 0) == author_at(store, 3, 0) == mira_a
    why = store_resolution.why(store, mira_a, w3)
    assert why[0]["rule"] == "constraint"
