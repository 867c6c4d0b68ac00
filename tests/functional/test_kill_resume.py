"""Ingestion killed with SIGKILL at random moments, then resumed, loses and duplicates nothing.

A generated OpenAlex corpus is ingested once, cleanly, into a reference store. Then, in fresh
stores, ``peerscope ingest openalex CORPUS --resume`` is started as a child process and killed
after a random delay (while the interpreter starts, while the schema is migrated, while batches
are written, during the derive and index steps after the last checkpoint), again and again until
a run ends by itself or its stream is complete; a last run then goes to completion, and the store
is compared with the reference: integrity, row counts, the content by external ids, no payload
stored twice, the checkpoint, and the derived profile counts. Then the next fresh store, until the
kill count is reached (at least 100 on SQLite, 10 on PostgreSQL).

Delays come from a seeded generator; each kill is classified by what it left committed (see
``support.kill.phase_of_kill``), and a JSON summary goes to ``test-artifacts/``.
"""

from __future__ import annotations

import random
import shutil
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from support.kill import (
    Progress,
    child_env,
    ingest_command,
    phase_of_kill,
    probe_engine,
    run,
    stream_progress,
)

from peerscope.sources.files import iter_payloads
from peerscope.synth.generator import generate_corpus

CORPUS_WORKS = 4000
SHARD_SIZE = 500  # eight files
CORPUS_SEED = 20250611
BATCH_SIZE = 200
SQLITE_KILLS = 100
POSTGRES_KILLS = 10
DELAY_SEED = {"sqlite": 7_100, "postgresql": 7_200}
# how the kill delays are drawn: a share while the child starts (imports, migration), a share
# anywhere in the work it has left, the rest in its first few batches
EARLY_SHARE = 0.25
ANYWHERE_SHARE = 0.15
FIRST_BATCHES = 3
GIVE_UP_AFTER = 30 * 60  # seconds: a machine this slow cannot run the campaign meaningfully

COUNTED_TABLES = [
    "raw_records", "works", "authors", "authorships", "authorship_affiliations", "external_ids", "locations",
    "work_topics", "citations", "work_records", "sources", "institutions", "topics", "author_names",
]
DERIVED_TABLES = ["author_stats", "author_topics", "collaborators"]


# --- reading a store by external ids ---------------------------------------------------------------


def _rows(conn, sql: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(sql))]


def snapshot(engine: Engine) -> dict[str, object]:
    """What a store holds, independent of its surrogate ids: row counts, and multisets of the
    facts keyed by external ids (works by OpenAlex id, authors by their ids or, for authors
    known only by a byline, by that byline's work and position)."""
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in COUNTED_TABLES + DERIVED_TABLES}
        work = dict(_rows(conn, "SELECT entity_id, value FROM external_ids WHERE entity_kind = 'work' AND scheme = 'openalex'"))
        author_ids: dict[int, list[str]] = {}
        for aid, scheme, value in _rows(conn, "SELECT entity_id, scheme, value FROM external_ids WHERE entity_kind = 'author'"):
            if scheme == "mention":  # "w<work id>#<position>": the work's id is this store's own
                wid, _, pos = value.partition("#")
                value = f"{work.get(int(wid[1:]), wid)}#{pos}"
            author_ids.setdefault(aid, []).append(f"{scheme}:{value}")
        author = {aid: "|".join(sorted(v)) for aid, v in author_ids.items()}
        for aid, orcid in _rows(conn, "SELECT id, orcid FROM authors"):
            author.setdefault(aid, f"orcid-only:{orcid}" if orcid else f"no-ids:{aid}")
        institution = {
            eid: v for eid, v in _rows(conn, "SELECT entity_id, min(scheme || ':' || value) FROM external_ids WHERE entity_kind = 'institution' GROUP BY entity_id")
        }
        entity_of = {"work": work, "author": author, "institution": institution}
        content = {
            "works": Counter(
                (work.get(i), title, year, cited, wtype, is_oa)
                for i, title, year, cited, wtype, is_oa in _rows(conn, "SELECT id, title, publication_year, cited_by_count, type, is_oa FROM works")
            ),
            "authorships": Counter(
                (work.get(w), pos, name, author.get(a), bool(corr))
                for w, pos, name, a, corr in _rows(conn, "SELECT work_id, position, raw_author_name, author_id, is_corresponding FROM authorships")
            ),
            "affiliations": Counter(
                (work.get(w), pos, raw, institution.get(inst))
                for w, pos, raw, inst in _rows(
                    conn,
                    "SELECT s.work_id, s.position, f.raw_affiliation, f.institution_id FROM authorship_affiliations f JOIN authorships s ON s.id = f.authorship_id",
                )
            ),
            "citations": Counter(
                (work.get(c), scheme, value, work.get(cited) if cited is not None else None)
                for c, scheme, value, cited in _rows(conn, "SELECT citing_work_id, cited_scheme, cited_value, cited_work_id FROM citations")
            ),
            "external_ids": Counter(
                (kind, scheme, value if scheme != "mention" else "", entity_of[kind].get(eid) if kind in entity_of else None)
                for kind, scheme, value, eid in _rows(conn, "SELECT entity_kind, scheme, value, entity_id FROM external_ids")
            ),
            "locations": Counter(
                (work.get(w), url, pdf, bool(primary))
                for w, url, pdf, primary in _rows(conn, "SELECT work_id, landing_page_url, pdf_url, is_primary FROM locations")
            ),
            "work_topics": Counter(
                (work.get(w), t, round(s, 6))
                for w, t, s in _rows(
                    conn,
                    "SELECT wt.work_id, x.value, wt.score FROM work_topics wt JOIN external_ids x ON x.entity_kind = 'topic' AND x.entity_id = wt.topic_id",
                )
            ),
            "payloads": Counter(_rows(conn, "SELECT source, source_id, payload_hash FROM raw_records")),
        }
        derived = {
            "author_stats": Counter(
                (author.get(a), works, topics, close, first, last, institution.get(inst))
                for a, works, topics, close, first, last, inst in _rows(
                    conn,
                    "SELECT author_id, works_count, topics_count, close_collaborators_count, first_year, last_year, last_institution_id FROM author_stats",
                )
            ),
            "collaborators": Counter(
                (author.get(a), author.get(b), joint, bool(close))
                for a, b, joint, close in _rows(conn, "SELECT author_id, coauthor_id, joint_works, is_close FROM collaborators")
            ),
        }
        if engine.dialect.name == "sqlite":
            indexed = conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'works_fts'")).scalar_one()
            derived["title_index"] = Counter(r[0] for r in _rows(conn, "SELECT title FROM works_fts")) if indexed else Counter()
    return {"counts": counts, "content": content, "derived": derived}


def _diff(name: str, got: Counter, want: Counter, limit: int = 3) -> list[str]:
    if got == want:
        return []
    missing, extra = want - got, got - want
    out = f"{name}: {sum(missing.values())} missing, {sum(extra.values())} extra"
    if missing:
        out += f"; missing e.g. {list(missing)[:limit]}"
    if extra:
        out += f"; extra e.g. {list(extra)[:limit]}"
    return [out]


def store_checks(engine: Engine) -> list[str]:
    """Integrity of the store itself, whatever the reference holds."""
    problems: list[str] = []
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            integrity = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            if integrity != ["ok"]:
                problems.append(f"PRAGMA integrity_check: {integrity[:5]}")
            broken = _rows(conn, "PRAGMA foreign_key_check")
            if broken:
                problems.append(f"PRAGMA foreign_key_check: {len(broken)} rows, e.g. {broken[:5]}")
        twice = _rows(conn, "SELECT source, source_id, payload_hash, count(*) FROM raw_records GROUP BY source, source_id, payload_hash HAVING count(*) > 1")
        if twice:
            problems.append(f"payloads stored more than once: {twice[:5]}")
        checkpoints = _rows(conn, "SELECT records, finished, cursor FROM ingest_checkpoints")
        if len(checkpoints) != 1 or checkpoints[0][0] != CORPUS_WORKS or not checkpoints[0][1]:
            problems.append(f"checkpoint: {checkpoints} (want one, finished, at {CORPUS_WORKS} records)")
        quarantined = conn.execute(text("SELECT count(*) FROM quarantine")).scalar_one()
        if quarantined:
            problems.append(f"{quarantined} records quarantined from a clean corpus")
        waiting = conn.execute(text("SELECT count(*) FROM deferred_records")).scalar_one()
        if waiting:
            problems.append(f"{waiting} records left waiting for their work")
        queued = _rows(conn, "SELECT entity_kind, count(*) FROM derive_pending GROUP BY entity_kind")
        if queued:
            problems.append(f"derive queue not drained: {queued}")
    return problems


def compare(got: dict, want: dict) -> tuple[list[str], list[str]]:
    """(differences in the graph, differences in the derived tables)."""
    core = [f"{t}: {got['counts'][t]} rows, reference {want['counts'][t]}" for t in COUNTED_TABLES if got["counts"][t] != want["counts"][t]]
    for name in want["content"]:
        core += _diff(name, got["content"][name], want["content"][name])
    derived = [f"{t}: {got['counts'][t]} rows, reference {want['counts'][t]}" for t in DERIVED_TABLES if got["counts"][t] != want["counts"][t]]
    for name in want["derived"]:
        derived += _diff(name, got["derived"][name], want["derived"][name])
    return core, derived


# --- the campaign ------------------------------------------------------------------------------------


@dataclass
class Kill:
    round: int
    delay: float
    phase: str
    records_before: int | None
    records_after: int | None


@dataclass
class Round:
    number: int
    kills: int = 0
    ended_by_itself: int = 0  # runs that finished before their kill
    seconds: float = 0.0
    core: list[str] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)


@dataclass
class Campaign:
    dialect: str
    full_run_seconds: float
    startup_seconds: float
    kills: list[Kill] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    seconds: float = 0.0

    def phases(self) -> dict[str, int]:
        return dict(Counter(k.phase for k in self.kills))

    def summary(self) -> dict:
        return {
            "dialect": self.dialect,
            "corpus_works": CORPUS_WORKS,
            "batch_size": BATCH_SIZE,
            "kills": len(self.kills),
            "kills_by_phase": self.phases(),
            "rounds": len(self.rounds),
            "runs_ended_before_their_kill": sum(r.ended_by_itself for r in self.rounds),
            "full_run_seconds": round(self.full_run_seconds, 2),
            "startup_seconds": round(self.startup_seconds, 2),  # at the beginning
            "campaign_seconds": round(self.seconds, 1),
            "delays": {"min": round(min(k.delay for k in self.kills), 2), "max": round(max(k.delay for k in self.kills), 2)} if self.kills else None,
            "rounds_detail": [
                {"round": r.number, "kills": r.kills, "seconds": round(r.seconds, 1), "graph_differences": r.core, "derived_differences": r.derived}
                for r in self.rounds
            ],
        }


def _json_report(out: str) -> dict:
    start = out.find("{")
    assert start >= 0, f"no JSON summary in the output:\n{out}"
    return orjson.loads(out[start : out.rindex("}") + 1])


def run_campaign(
    dialect: str,
    corpus: Path,
    work_dir: Path,
    new_database: Callable[[str], str],
    drop_database: Callable[[str], None],
    kills_wanted: int,
) -> Campaign:
    env = child_env(work_dir)
    log = work_dir / "child.log"

    # the reference: one clean run, timed; then resumed runs of the finished stream, timed: the
    # start-up every run pays (interpreter, imports, the migration check, the checkpoint read)
    ref_url = new_database("reference")
    cmd = ingest_command([corpus], ref_url, batch_size=BATCH_SIZE)
    full = run(cmd, env=env, log=log)
    assert full.returncode == 0, full.output
    report = _json_report(full.output)
    assert (report["read"], report["inserted"], report["quarantined"]) == (CORPUS_WORKS, CORPUS_WORKS, 0), report
    startups: list[float] = []
    for _ in range(3):
        again = run(cmd, env=env, log=log)
        assert again.returncode == 0, again.output
        assert _json_report(again.output)["resumed_from"] == "finished"
        startups.append(again.seconds)
    ref_engine = probe_engine(ref_url)
    try:
        problems = store_checks(ref_engine)
        assert problems == [], f"the reference store itself: {problems}"
        reference = snapshot(ref_engine)
    finally:
        ref_engine.dispose()
    drop_database("reference")
    assert reference["counts"]["works"] == CORPUS_WORKS

    # a resumed run reads the records before its checkpoint again (without writing them)
    t0 = time.perf_counter()
    assert sum(1 for _ in iter_payloads(corpus, tolerant=True)) == CORPUS_WORKS
    reread_per_record = (time.perf_counter() - t0) / CORPUS_WORKS

    campaign = Campaign(dialect, full.seconds, statistics.median(startups))
    rng = random.Random(DELAY_SEED[dialect])
    work_seconds = max(full.seconds - campaign.startup_seconds, 1.0)
    batch_seconds = work_seconds * BATCH_SIZE / CORPUS_WORKS
    started = time.perf_counter()

    def delay_for(progress: Progress) -> float:
        """A moment in the coming run: while it starts (interpreter, imports, migration); in its
        first batches; or anywhere in the work left to do, the derive and index steps included.
        Mostly the first batches, so that a store takes many kills before its stream is done.
        Start-up is the median of the runs of finished streams so far (the machine's load
        changes)."""
        startup = statistics.median(startups[-9:])
        done = progress.records or 0
        left = work_seconds * (CORPUS_WORKS - done) / CORPUS_WORKS
        draw = rng.random()
        if draw < EARLY_SHARE:
            return rng.uniform(0.2, startup)
        begin = startup + reread_per_record * done
        if draw < EARLY_SHARE + ANYWHERE_SHARE:
            return begin + rng.uniform(0.0, left + 0.5)
        return begin + rng.uniform(0.0, min(left, FIRST_BATCHES * batch_seconds) + 0.5)

    number = 0
    while len(campaign.kills) < kills_wanted:
        assert time.perf_counter() - started < GIVE_UP_AFTER, f"only {len(campaign.kills)} kills in {GIVE_UP_AFTER} s"
        number += 1
        name = f"round{number:03d}"
        url = new_database(name)
        cmd = ingest_command([corpus], url, batch_size=BATCH_SIZE)
        engine = probe_engine(url)
        rnd = Round(number)
        t0 = time.perf_counter()
        try:
            progress = stream_progress(engine)
            while len(campaign.kills) < kills_wanted and not progress.finished:
                delay = delay_for(progress)
                child = run(cmd, env=env, log=log, delay=delay)
                after = stream_progress(engine)
                if not child.killed:
                    assert child.returncode == 0, f"round {number}: a run ended with {child.returncode}:\n{child.output}"
                    rnd.ended_by_itself += 1
                    progress = after
                    break
                campaign.kills.append(Kill(number, delay, phase_of_kill(progress, after), progress.records, after.records))
                rnd.kills += 1
                if after.records is not None and progress.records is not None:
                    assert after.records >= progress.records, f"round {number}: the checkpoint went back from {progress.records} to {after.records}"
                progress = after
            final = run(cmd, env=env, log=log)  # to completion, without a kill
            assert final.returncode == 0, f"round {number}: the last run ended with {final.returncode}:\n{final.output}"
            if progress.finished:
                startups.append(final.seconds)
            rnd.core = store_checks(engine)
            got = snapshot(engine)
            core, derived = compare(got, reference)
            rnd.core += core
            rnd.derived = derived
        finally:
            engine.dispose()
            drop_database(name)
        rnd.seconds = time.perf_counter() - t0
        campaign.rounds.append(rnd)
    campaign.seconds = time.perf_counter() - started
    return campaign


def _save(artifacts_dir: Path, campaign: Campaign) -> None:
    path = artifacts_dir / f"kill-resume-{campaign.dialect}.json"
    path.write_bytes(orjson.dumps(campaign.summary(), option=orjson.OPT_INDENT_2))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kill-corpus") / "corpus"
    summary = generate_corpus(out, works=CORPUS_WORKS, seed=CORPUS_SEED, shard_size=SHARD_SIZE)
    assert summary.works == CORPUS_WORKS
    works = out / "works"
    assert len(list(works.glob("*.jsonl.gz"))) == CORPUS_WORKS // SHARD_SIZE
    return works


@pytest.fixture(scope="module")
def sqlite_campaign(corpus: Path, tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path) -> Iterator[Campaign]:
    root = tmp_path_factory.mktemp("kill-sqlite")

    def new_database(name: str) -> str:
        return f"sqlite:///{root / name / 'peerscope.db'}"

    def drop_database(name: str) -> None:
        shutil.rmtree(root / name, ignore_errors=True)

    campaign = run_campaign("sqlite", corpus, root, new_database, drop_database, SQLITE_KILLS)
    _save(artifacts_dir, campaign)
    yield campaign


@pytest.fixture(scope="module")
def postgres_campaign(corpus: Path, tmp_path_factory: pytest.TempPathFactory, artifacts_dir: Path, postgres_server) -> Iterator[Campaign]:
    root = tmp_path_factory.mktemp("kill-postgres")
    names: dict[str, str] = {}

    def new_database(name: str) -> str:
        names[name] = postgres_server.unique_name(f"kill_{name}")
        return postgres_server.create_database(names[name])

    def drop_database(name: str) -> None:
        postgres_server.drop_database(names.pop(name))

    try:
        campaign = run_campaign("postgresql", corpus, root, new_database, drop_database, POSTGRES_KILLS)
    finally:
        for name in list(names):
            drop_database(name)
    _save(artifacts_dir, campaign)
    yield campaign


def _assert_campaign(campaign: Campaign, wanted: int) -> None:
    assert len(campaign.kills) >= wanted, campaign.summary()
    # the kills must have hit the work itself, not only start-up: resuming from a checkpoint in
    # the middle of the stream is what is being tested
    assert campaign.phases().get("writing", 0) >= max(1, wanted // 10), campaign.summary()


def _failures(campaign: Campaign, what: str, differences: Callable[[Round], list[str]]) -> str:
    failed = [r for r in campaign.rounds if differences(r)]
    if not failed:
        return ""
    first = failed[0]
    return (
        f"{len(failed)} of {len(campaign.rounds)} stores hold {what} other than the reference after kills and resume "
        f"(kills by phase: {campaign.phases()}).\n"
        + "\n".join(f"  round {r.number} ({r.kills} kills): {differences(r)[0]}" for r in failed)
        + f"\nround {first.number} in full:\n  "
        + "\n  ".join(differences(first))
    )


def _assert_graph(campaign: Campaign) -> None:
    message = _failures(campaign, "a graph", lambda r: r.core)
    assert not message, message


def _assert_derived(campaign: Campaign) -> None:
    message = _failures(campaign, "derived counts or a title index", lambda r: r.derived)
    assert not message, message


def test_sqlite_campaign_kills_ingestion_at_every_stage(sqlite_campaign: Campaign) -> None:
    _assert_campaign(sqlite_campaign, SQLITE_KILLS)


def test_sqlite_resume_after_kills_loses_and_duplicates_nothing(sqlite_campaign: Campaign) -> None:
    _assert_graph(sqlite_campaign)


def test_sqlite_resume_after_kills_leaves_derived_counts_and_title_index_complete(sqlite_campaign: Campaign) -> None:
    _assert_derived(sqlite_campaign)


@pytest.mark.postgres
def test_postgres_campaign_kills_ingestion_at_every_stage(postgres_campaign: Campaign) -> None:
    _assert_campaign(postgres_campaign, POSTGRES_KILLS)


@pytest.mark.postgres
def test_postgres_resume_after_kills_loses_and_duplicates_nothing(postgres_campaign: Campaign) -> None:
    _assert_graph(postgres_campaign)


@pytest.mark.postgres
def test_postgres_resume_after_kills_leaves_derived_counts_complete(postgres_campaign: Campaign) -> None:
    _assert_derived(postgres_campaign)
