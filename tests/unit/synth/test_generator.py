"""Behaviour of the synthetic corpus generator: shape, truth, planted cases, determinism."""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest

from peerscope.synth import GENERATOR_VERSION, GenerateSummary, generate_corpus, generator
from peerscope.synth.ids import orcid_is_valid, ror_checksum

END = date(2026, 6, 30)

WORK_KEYS = {
    "id": str, "doi": (str, type(None)), "title": str, "display_name": str, "publication_year": int,
    "publication_date": str, "ids": dict, "language": str, "primary_location": dict, "type": str,
    "open_access": dict, "authorships": list, "cited_by_count": int, "is_retracted": bool,
    "primary_topic": dict, "topics": list, "keywords": list, "locations": list, "locations_count": int,
    "best_oa_location": (dict, type(None)), "referenced_works": list, "referenced_works_count": int,
    "related_works": list, "abstract_inverted_index": (dict, type(None)), "counts_by_year": list,
    "updated_date": str, "created_date": str,
}


def read_jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class Corpus:
    def __init__(self, summary: GenerateSummary):
        self.summary = summary
        out = summary.out_dir
        self.dir = out
        self.works = [w for p in sorted((out / "works").glob("part-*.jsonl.gz")) for w in read_jsonl(p)]
        self.by_id = {w["id"]: w for w in self.works}
        self.truth = read_jsonl(out / "truth" / "authorships.jsonl.gz")
        self.persons_of = {t["work"]: t["persons"] for t in self.truth}
        self.pairs = read_jsonl(out / "truth" / "preprint_pairs.jsonl")
        self.integrity = read_jsonl(out / "truth" / "integrity.jsonl")
        self.id_errors = read_jsonl(out / "truth" / "author_id_errors.jsonl")
        self.markup = read_jsonl(out / "truth" / "markup.jsonl")
        self.manifest = json.loads((out / "manifest.json").read_text())

    def authorship_rows(self):
        """(work, authorship, true person) for every authorship."""
        for w in self.works:
            for a, p in zip(w["authorships"], self.persons_of[w["id"]]):
                yield w, a, p


def abstract_text(inv: dict) -> str:
    pos = {}
    for word, positions in inv.items():
        for p in positions:
            assert p not in pos
            pos[p] = word
    assert sorted(pos) == list(range(len(pos)))
    return " ".join(pos[i] for i in range(len(pos)))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    out = tmp_path_factory.mktemp("synth") / "corpus"
    calls: list[int] = []
    summary = generate_corpus(out, 1500, seed=11, end_date=END, progress=calls.append, shard_size=600)
    assert sum(calls) == 1500 and all(c > 0 for c in calls)
    return Corpus(summary)


def test_summary_and_layout(corpus: Corpus):
    s = corpus.summary
    assert s.works == 1500 == len(corpus.works)
    assert [p.name for p in sorted((corpus.dir / "works").iterdir())] == [
        "part-00000.jsonl.gz", "part-00001.jsonl.gz", "part-00002.jsonl.gz"]
    assert all(p.exists() for p in s.files)
    assert corpus.dir / "manifest.json" in s.files
    assert s.persons == len({p for t in corpus.truth for p in t["persons"]})
    assert s.authorships == sum(len(t["persons"]) for t in corpus.truth)
    assert s.author_ids == len({a["author"]["id"] for _, a, _ in corpus.authorship_rows()})
    assert s.preprint_pairs == len(corpus.pairs)
    assert s.integrity_cases == len(corpus.integrity)
    assert s.seconds > 0
    # no temporary folders are left beside the output
    assert [p.name for p in corpus.dir.parent.iterdir()] == ["corpus"]


def test_manifest(corpus: Corpus):
    m = corpus.manifest
    assert m["generator_version"] == GENERATOR_VERSION
    assert m["seed"] == 11 and m["works"] == 1500 and m["end_date"] == "2026-06-30"
    assert m["counts"]["persons"] == corpus.summary.persons
    files = {f["path"]: f for f in m["files"]}
    assert {"works/part-00000.jsonl.gz", "truth/authorships.jsonl.gz", "truth/preprint_pairs.jsonl",
            "truth/integrity.jsonl", "truth/author_id_errors.jsonl"} <= set(files)
    for path, f in files.items():
        assert len(read_jsonl(corpus.dir / path)) == f["lines"]
        assert (corpus.dir / path).stat().st_size == f["bytes"]
    assert [files[f"works/part-0000{i}.jsonl.gz"]["lines"] for i in range(3)] == [600, 600, 300]


def test_records_have_openalex_shape(corpus: Corpus):
    ids = set()
    dois = set()
    for w in corpus.works:
        for key, typ in WORK_KEYS.items():
            assert key in w, key
            assert isinstance(w[key], typ), (key, w[key])
        assert w["id"].startswith("https://openalex.org/W") and w["id"][22:].isdigit()
        assert w["id"] not in ids
        ids.add(w["id"])
        assert w["ids"]["openalex"] == w["id"]
        if w["doi"]:
            assert w["doi"].startswith("https://doi.org/10.")
            assert w["ids"]["doi"] == w["doi"]
            assert w["doi"] not in dois
            dois.add(w["doi"])
        assert w["title"] == w["display_name"] and w["title"]
        d = date.fromisoformat(w["publication_date"])
        assert d.year == w["publication_year"]
        assert END - timedelta(days=15 * 366) <= d <= END
        assert w["type"] in {"article", "preprint", "review", "book-chapter", "dissertation"}
        loc = w["primary_location"]
        assert {"is_oa", "landing_page_url", "pdf_url", "source", "license", "version", "is_accepted",
                "is_published"} <= set(loc)
        assert loc in w["locations"] and w["locations_count"] == len(w["locations"])
        if loc["source"] is not None:
            assert loc["source"]["id"].startswith("https://openalex.org/S")
            assert loc["source"]["type"] in {"journal", "repository", "conference", "book series"}
        assert {"is_oa", "oa_status", "oa_url"} <= set(w["open_access"])
        assert w["authorships"]
        positions = [a["author_position"] for a in w["authorships"]]
        assert positions[0] == "first"
        if len(positions) > 1:
            assert positions[-1] == "last" and set(positions[1:-1]) <= {"middle"}
        for a in w["authorships"]:
            assert a["author"]["id"].startswith("https://openalex.org/A5")
            assert a["author"]["display_name"] and a["raw_author_name"]
            assert a["institutions"] and a["raw_affiliation_strings"]
            for inst in a["institutions"]:
                assert inst["id"].startswith("https://openalex.org/I")
                assert inst["ror"].startswith("https://ror.org/0")
                assert ror_checksum(inst["ror"][-9:-2]) == inst["ror"][-2:]
                assert len(inst["country_code"]) == 2 and inst["lineage"][0] == inst["id"]
            assert a["countries"] == sorted(set(i["country_code"] for i in a["institutions"]))
            assert [x["raw_affiliation_string"] for x in a["affiliations"]] == a["raw_affiliation_strings"]
        assert 1 <= len(w["topics"]) <= 3 and w["primary_topic"] == w["topics"][0]
        scores = [t["score"] for t in w["topics"]]
        assert scores == sorted(scores, reverse=True)
        for t in w["topics"]:
            assert t["id"].startswith("https://openalex.org/T")
            assert t["subfield"]["id"].startswith("https://openalex.org/subfields/")
            assert t["field"]["id"].startswith("https://openalex.org/fields/")
            assert t["domain"]["id"].startswith("https://openalex.org/domains/")
        assert w["referenced_works_count"] == len(w["referenced_works"])
        assert sum(c["cited_by_count"] for c in w["counts_by_year"]) <= w["cited_by_count"]


def test_topic_hierarchy_is_consistent(corpus: Corpus):
    parent: dict[str, tuple] = {}
    for w in corpus.works:
        for t in w["topics"]:
            lineage = (t["subfield"]["id"], t["field"]["id"], t["domain"]["id"])
            assert parent.setdefault(t["id"], lineage) == lineage
    assert len(parent) >= 50


def test_abstracts_reconstruct(corpus: Corpus):
    missing = 0
    for w in corpus.works:
        inv = w["abstract_inverted_index"]
        if inv is None:
            missing += 1
            continue
        text = abstract_text(inv)
        assert len(text.split(" ")) >= 8
    assert 0.04 < missing / len(corpus.works) < 0.2


def test_truth_matches_works(corpus: Corpus):
    assert [t["work"] for t in corpus.truth] == [w["id"] for w in corpus.works]
    for w in corpus.works:
        persons = corpus.persons_of[w["id"]]
        assert len(persons) == len(w["authorships"])
        assert len(set(persons)) == len(persons)
        assert all(p.startswith("P") and p[1:].isdigit() for p in persons)


def test_preprint_pairs(corpus: Corpus):
    assert 0.06 < 2 * len(corpus.pairs) / len(corpus.works) < 0.25
    seen = set()
    for pair in corpus.pairs:
        pre, pub = corpus.by_id[pair["preprint"]], corpus.by_id[pair["published"]]
        assert pre["id"] not in seen and pub["id"] not in seen
        seen |= {pre["id"], pub["id"]}
        assert pre["type"] == "preprint" and pub["type"] == "article"
        assert pre["publication_date"] < pub["publication_date"]
        assert pre["doi"].startswith("https://doi.org/10.48550/arXiv.")
        assert pre["primary_location"]["source"]["type"] == "repository"
        assert "arXiv" in pre["primary_location"]["source"]["display_name"]
        assert pub["primary_location"]["source"]["type"] == "journal"
        assert pub["doi"] and not pub["doi"].startswith("https://doi.org/10.48550/")
        assert corpus.persons_of[pre["id"]] == corpus.persons_of[pub["id"]]
        assert pre["primary_topic"]["id"] == pub["primary_topic"]["id"]
    same_title = sum(corpus.by_id[p["preprint"]]["title"] == corpus.by_id[p["published"]]["title"]
                     for p in corpus.pairs)
    assert 0 < same_title < len(corpus.pairs)


def test_references_point_to_older_existing_works(corpus: Corpus):
    cited = Counter()
    self_cites = 0
    for w in corpus.works:
        assert len(set(w["referenced_works"])) == len(w["referenced_works"])
        assert w["id"] not in w["referenced_works"]
        for ref in w["referenced_works"]:
            target = corpus.by_id[ref]
            assert target["publication_date"] < w["publication_date"]
            cited[ref] += 1
            if set(corpus.persons_of[ref]) & set(corpus.persons_of[w["id"]]):
                self_cites += 1
    total = sum(cited.values())
    assert total > 4 * len(corpus.works)
    assert 0.03 < self_cites / total < 0.8
    for w in corpus.works:
        assert w["cited_by_count"] == cited[w["id"]]
    # preferential attachment: the most cited works collect far more than the median
    counts = sorted(cited.values(), reverse=True)
    assert counts[0] > 5 * counts[len(counts) // 2]


def test_name_collisions_between_distinct_persons(corpus: Corpus):
    names_of: dict[str, set] = defaultdict(set)
    for _, a, p in corpus.authorship_rows():
        names_of[a["raw_author_name"]].add(p)
    shared = [n for n, ps in names_of.items() if len(ps) >= 2]
    assert len(shared) >= 3
    # raw names vary for the same person
    variants: dict[str, set] = defaultdict(set)
    for _, a, p in corpus.authorship_rows():
        variants[p].add(a["raw_author_name"])
    assert sum(len(v) > 1 for v in variants.values()) > 0.1 * len(variants)


def test_author_ids_and_planted_errors(corpus: Corpus):
    persons_of_aid: dict[str, set] = defaultdict(set)
    aids_of_person: dict[str, set] = defaultdict(set)
    for _, a, p in corpus.authorship_rows():
        persons_of_aid[a["author"]["id"]].add(p)
        aids_of_person[p].add(a["author"]["id"])
    splits = [e for e in corpus.id_errors if e["kind"] == "split"]
    merges = [e for e in corpus.id_errors if e["kind"] == "merge"]
    assert splits and merges
    split_persons = set()
    for e in splits:
        (p,) = e["persons"]
        split_persons.add(p)
        assert len(e["author_ids"]) == 2
        assert aids_of_person[p] == set(e["author_ids"])
        for aid in e["author_ids"]:
            assert persons_of_aid[aid] == {p}
    merged_aids = set()
    for e in merges:
        (aid,) = e["author_ids"]
        merged_aids.add(aid)
        assert persons_of_aid[aid] == set(e["persons"]) and len(e["persons"]) == 2
    # everything else is a clean one-to-one mapping
    for aid, ps in persons_of_aid.items():
        if aid not in merged_aids:
            assert len(ps) == 1
    for p, aids in aids_of_person.items():
        if p not in split_persons:
            assert len(aids) == 1
    # author.display_name is a property of the author id
    display: dict[str, set] = defaultdict(set)
    for _, a, _ in corpus.authorship_rows():
        display[a["author"]["id"]].add(a["author"]["display_name"])
    assert all(len(v) == 1 for v in display.values())


def test_orcids(corpus: Corpus):
    orcid_of: dict[str, set] = defaultdict(set)
    with_orcid = Counter()
    total = Counter()
    for _, a, p in corpus.authorship_rows():
        total[p] += 1
        o = a["author"]["orcid"]
        if o:
            assert o.startswith("https://orcid.org/") and orcid_is_valid(o)
            orcid_of[p].add(o)
            with_orcid[p] += 1
    assert all(len(v) == 1 for v in orcid_of.values())
    owners = Counter(next(iter(v)) for v in orcid_of.values())
    assert max(owners.values()) == 1
    share = len(orcid_of) / len(total)
    assert 0.2 < share < 0.5
    # present on most but not all authorships of a person with an ORCID
    ratio = sum(with_orcid.values()) / sum(total[p] for p in orcid_of)
    assert 0.75 < ratio < 0.97


def test_orcid_checksum_function():
    assert orcid_is_valid("0000-0002-1825-0097")
    assert orcid_is_valid("https://orcid.org/0000-0001-6187-6610")
    assert not orcid_is_valid("0000-0002-1825-0098")


def test_productivity_is_skewed(corpus: Corpus):
    per_person = Counter(p for t in corpus.truth for p in t["persons"])
    counts = sorted(per_person.values(), reverse=True)
    top = counts[: max(1, len(counts) // 100)]
    assert sum(top) / sum(counts) > 0.08
    assert counts[0] >= 40
    assert sum(c <= 3 for c in counts) / len(counts) > 0.5


def test_coauthors_mostly_recur(corpus: Corpus):
    # group structure: a person's coauthors are largely a recurring set
    pairs = Counter()
    for t in corpus.truth:
        ps = t["persons"]
        for i in range(len(ps)):
            for j in range(i + 1, min(len(ps), 12)):
                pairs[tuple(sorted((ps[i], ps[j])))] += 1
    repeated = sum(c for c in pairs.values() if c > 1)
    assert repeated / sum(pairs.values()) > 0.3


def test_institutions_and_affiliation_variants(corpus: Corpus):
    raws: dict[str, set] = defaultdict(set)
    countries = set()
    for _, a, _ in corpus.authorship_rows():
        for inst, raw in zip(a["institutions"], a["raw_affiliation_strings"]):
            raws[inst["id"]].add(raw)
            countries.add(inst["country_code"])
    assert len(raws) >= 30 and len(countries) >= 10
    assert sum(len(v) >= 3 for v in raws.values()) > len(raws) // 3


def test_integrity_cases(corpus: Corpus):
    kinds = Counter(c["kind"] for c in corpus.integrity)
    assert {"citation_ring", "preprint_burst", "retracted", "tortured_phrases"} <= set(kinds)
    for case in corpus.integrity:
        assert case["works"] and case["persons"] and case["note"]
        for wid in case["works"]:
            assert wid in corpus.by_id
        works = [corpus.by_id[w] for w in case["works"]]
        if case["kind"] == "retracted":
            assert all(w["is_retracted"] for w in works)
        if case["kind"] == "tortured_phrases":
            text = abstract_text(works[0]["abstract_inverted_index"]).lower()
            assert "counterfeit consciousness" in text or "profound learning" in text
        if case["kind"] == "preprint_burst":
            (person,) = case["persons"]
            assert len(works) >= 10
            assert all(w["type"] == "preprint" for w in works)
            assert all(person in corpus.persons_of[w["id"]] for w in works)
            days = sorted(date.fromisoformat(w["publication_date"]) for w in works)
            assert (days[-1] - days[0]).days <= 20
        if case["kind"] == "citation_ring":
            ring = set(case["persons"])
            assert 8 <= len(ring) <= 10
            ring_works = {w["id"] for w in works}
            inside = sum(1 for w in works for r in w["referenced_works"] if r in ring_works)
            assert inside >= 5 * len(ring)
    retracted = {w["id"] for w in corpus.works if w["is_retracted"]}
    assert retracted == {w for c in corpus.integrity if c["kind"] == "retracted" for w in c["works"]}


def test_markup_is_planted_verbatim(corpus: Corpus):
    kinds = {m["kind"]: corpus.by_id[m["work"]] for m in corpus.markup}
    assert set(kinds) == {"script", "latex", "math", "entity"}
    assert "<script>alert(1)</script>" in kinds["script"]["title"]
    assert "\\textit{" in kinds["latex"]["title"]
    assert "$x^2$" in kinds["math"]["title"]
    assert "&amp;" in kinds["entity"]["title"]
    assert "<script>alert(1)</script>" in abstract_text(kinds["script"]["abstract_inverted_index"])


def test_recent_days_have_preprints(corpus: Corpus):
    per_day = Counter(w["publication_date"] for w in corpus.works if w["type"] == "preprint")
    for k in range(30):
        assert per_day[(END - timedelta(days=k)).isoformat()] >= 1


def test_output_grows_over_time(corpus: Corpus):
    years = Counter(w["publication_year"] for w in corpus.works)
    assert years[END.year - 1] > 1.5 * years[END.year - 14]


def test_same_input_same_bytes_other_seed_differs(tmp_path: Path):
    a = generate_corpus(tmp_path / "a", 300, seed=5, end_date=END)
    b = generate_corpus(tmp_path / "b", 300, seed=5, end_date=END)
    c = generate_corpus(tmp_path / "c", 300, seed=6, end_date=END)
    rel = sorted(p.relative_to(a.out_dir) for p in a.files)
    assert rel == sorted(p.relative_to(b.out_dir) for p in b.files)
    for r in rel:
        assert (a.out_dir / r).read_bytes() == (b.out_dir / r).read_bytes(), r
    assert (a.out_dir / "works/part-00000.jsonl.gz").read_bytes() != \
        (c.out_dir / "works/part-00000.jsonl.gz").read_bytes()


def test_worker_processes_do_not_change_output(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(generator, "SEGMENT", 1000)
    a = generate_corpus(tmp_path / "a", 2500, seed=4, end_date=END, workers=1, shard_size=1200)
    b = generate_corpus(tmp_path / "b", 2500, seed=4, end_date=END, workers=2, shard_size=1200)
    for p in a.files:
        assert p.read_bytes() == (b.out_dir / p.relative_to(a.out_dir)).read_bytes(), p
    assert [len(read_jsonl(p)) for p in sorted((a.out_dir / "works").iterdir())] == [1200, 1200, 100]


def test_shard_size_does_not_change_records(tmp_path: Path):
    a = generate_corpus(tmp_path / "a", 400, seed=3, end_date=END)
    b = generate_corpus(tmp_path / "b", 400, seed=3, end_date=END, shard_size=150)
    wa = read_jsonl(a.out_dir / "works/part-00000.jsonl.gz")
    wb = [w for p in sorted((b.out_dir / "works").iterdir()) for w in read_jsonl(p)]
    assert wa == wb


@pytest.mark.parametrize("n", [1, 7, 60])
def test_tiny_corpora(tmp_path: Path, n: int):
    s = generate_corpus(tmp_path / "tiny", n, seed=1, end_date=date(2020, 2, 29))
    works = read_jsonl(s.out_dir / "works/part-00000.jsonl.gz")
    assert len(works) == n
    truth = read_jsonl(s.out_dir / "truth/authorships.jsonl.gz")
    assert [len(t["persons"]) for t in truth] == [len(w["authorships"]) for w in works]


def test_bad_works_raise_and_write_nothing(tmp_path: Path):
    for bad in (0, -5):
        with pytest.raises(ValueError, match="works"):
            generate_corpus(tmp_path / "out", bad)
    with pytest.raises(ValueError):
        generate_corpus(tmp_path / "out", 10, seed=-1)
    with pytest.raises(ValueError):
        generate_corpus(tmp_path / "out", 10, shard_size=0)
    with pytest.raises(ValueError):
        generate_corpus(tmp_path / "out", 10, workers=0)
    assert list(tmp_path.iterdir()) == []


def test_non_empty_output_dir_is_refused(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        generate_corpus(out, 10)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ValueError):
        generate_corpus(target, 10)


def test_empty_existing_dir_is_used(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    s = generate_corpus(out, 20, seed=2)
    assert (out / "manifest.json").exists() and s.out_dir == out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_leaves_nothing_behind(tmp_path: Path):
    def boom(n: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError):
        generate_corpus(tmp_path / "out", 50, progress=boom)
    assert list(tmp_path.iterdir()) == []
