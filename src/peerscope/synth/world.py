"""The fixed tables a corpus is drawn from: topics, institutions, publishers and venues.

Everything here is built once per corpus from a seeded generator, and the JSON fragments that
repeat across works (a topic's lineage, an institution, a venue) are prebuilt dicts shared by
reference, so rendering a work only assembles them.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

from . import names, vocab
from .ids import issn_from_int, ror_from_int

OA = "https://openalex.org/"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", names.fold_ascii(text).lower()).strip("-")


def lower_label(label: str) -> str:
    """A topic label as it reads inside a sentence: common words lower-cased, acronyms kept."""
    keep = {"Bayesian", "Alzheimer's", "Parkinson's", "Markov", "Kitaev", "Rydberg", "Higgs", "STEM"}
    out = []
    for word in label.split(" "):
        parts = []
        for part in word.split("-"):
            if part in keep or any(c.isupper() for c in part[1:]) or any(c.isdigit() for c in part):
                parts.append(part)
            else:
                parts.append(part[:1].lower() + part[1:])
        out.append("-".join(parts))
    return " ".join(out)


@dataclass
class Topic:
    index: int
    label: str
    lower: str
    cap: str
    field_index: int
    subfield_index: int
    concepts: list[str]
    base: dict  # id/display_name/subfield/field/domain, without score


@dataclass
class Subfield:
    index: int
    code: int
    name: str
    field_index: int
    topics: list[int]
    concepts: list[str]


@dataclass
class Field:
    index: int
    code: int
    name: str
    domain: int
    weight: float
    team: float
    vocab: dict
    subfields: list[int]
    topics: list[int]
    journals: list[int] = field(default_factory=list)
    journal_weights: list[float] = field(default_factory=list)
    review_journals: list[int] = field(default_factory=list)
    conferences: list[int] = field(default_factory=list)
    book_series: list[int] = field(default_factory=list)


@dataclass
class Institution:
    index: int
    display_name: str
    english_name: str
    country: int
    city: str
    type: str
    weight: float
    postcode: str
    dict: dict
    raw_cache: dict = field(default_factory=dict)


@dataclass
class Venue:
    index: int
    kind: str  # journal | conference | repository | book series
    display_name: str
    code: str
    doi_prefix: str
    host: str
    weight: float
    is_oa: bool
    founded: int
    dict: dict
    field_index: int = -1


PUBLISHERS = [
    ("Elsevier BV", 4310320990, "10.1016", "www.sciencedirect.com"),
    ("Springer Science+Business Media", 4310319965, "10.1007", "link.springer.com"),
    ("Wiley", 4310320595, "10.1002", "onlinelibrary.wiley.com"),
    ("Institute of Electrical and Electronics Engineers", 4310319808, "10.1109", "ieeexplore.ieee.org"),
    ("Association for Computing Machinery", 4310319798, "10.1145", "dl.acm.org"),
    ("American Physical Society", 4310320261, "10.1103", "journals.aps.org"),
    ("Public Library of Science", 4310315706, "10.1371", "journals.plos.org"),
    ("Nature Portfolio", 4310319908, "10.1038", "www.nature.com"),
    ("Multidisciplinary Digital Publishing Institute", 4310310987, "10.3390", "www.mdpi.com"),
    ("Frontiers Media", 4310320527, "10.3389", "www.frontiersin.org"),
    ("Oxford University Press", 4310311648, "10.1093", "academic.oup.com"),
    ("Taylor & Francis", 4310320547, "10.1080", "www.tandfonline.com"),
    ("SAGE Publishing", 4310320017, "10.1177", "journals.sagepub.com"),
    ("American Chemical Society", 4310320006, "10.1021", "pubs.acs.org"),
    ("IOP Publishing", 4310320083, "10.1088", "iopscience.iop.org"),
    ("Cambridge University Press", 4310311721, "10.1017", "www.cambridge.org"),
    ("BioMed Central", 4310320256, "10.1186", "link.springer.com"),
]
OA_PUBLISHERS = {"Public Library of Science", "Multidisciplinary Digital Publishing Institute", "Frontiers Media",
                 "BioMed Central"}

JOURNAL_TEMPLATES = [
    ("Journal of {sub}", 1.0), ("International Journal of {sub}", 0.7), ("Annals of {sub}", 0.6),
    ("Frontiers in {sub}", 0.5), ("{field} Letters", 1.2), ("Advances in {field}", 0.9),
    ("European Journal of {field}", 0.6), ("Open {field} Journal", 0.4), ("Applied {field}", 0.8),
    ("Chinese Journal of {field}", 0.4), ("Computational {sub}", 0.5), ("{sub} Research", 0.7),
]
CONFERENCE_TEMPLATES = [
    "Proceedings of the International Conference on {sub}", "International Symposium on {sub}",
    "Proceedings of the Annual Workshop on {sub}", "{field} Conference Proceedings",
]

ARXIV_SOURCE = {
    "id": OA + "S4306400194", "display_name": "arXiv (Cornell University)", "issn_l": None, "issn": None,
    "is_oa": True, "is_in_doaj": False, "is_indexed_in_scopus": False, "is_core": False,
    "host_organization": OA + "I205783295", "host_organization_name": "Cornell University",
    "host_organization_lineage": [OA + "I205783295"], "host_organization_lineage_names": ["Cornell University"],
    "type": "repository",
}
PMC_SOURCE = {
    "id": OA + "S4306400806", "display_name": "Europe PMC (PubMed Central)", "issn_l": None, "issn": None,
    "is_oa": True, "is_in_doaj": False, "is_indexed_in_scopus": False, "is_core": False,
    "host_organization": OA + "I1303153112", "host_organization_name": "European Bioinformatics Institute",
    "host_organization_lineage": [OA + "I1303153112"],
    "host_organization_lineage_names": ["European Bioinformatics Institute"], "type": "repository",
}
ZENODO_SOURCE = {
    "id": OA + "S4306400562", "display_name": "Zenodo (CERN European Organization for Nuclear Research)",
    "issn_l": None, "issn": None, "is_oa": True, "is_in_doaj": False, "is_indexed_in_scopus": False,
    "is_core": False, "host_organization": OA + "I67311998",
    "host_organization_name": "European Organization for Nuclear Research",
    "host_organization_lineage": [OA + "I67311998"],
    "host_organization_lineage_names": ["European Organization for Nuclear Research"], "type": "repository",
}


class World:
    """Topics, institutions and venues for one corpus."""

    def __init__(self, rng: random.Random, n_works: int):
        self.fields: list[Field] = []
        self.subfields: list[Subfield] = []
        self.topics: list[Topic] = []
        self._build_topics()
        self.institutions: list[Institution] = []
        self.country_insts: list[list[int]] = [[] for _ in names.COUNTRIES]
        self._build_institutions(rng, n_works)
        self.venues: list[Venue] = []
        self._build_venues(rng)
        self.arxiv = self._add_venue("repository", ARXIV_SOURCE["display_name"], "arxiv", "10.48550", "arxiv.org",
                                     1.0, True, 1991, ARXIV_SOURCE)
        self.keyword_cache: dict[str, dict] = {}

    # -- topics -----------------------------------------------------------------------------
    def _build_topics(self) -> None:
        tid = 10011
        for fdef in vocab.FIELDS:
            f = Field(len(self.fields), fdef["code"], fdef["name"], fdef["domain"], fdef["weight"], fdef["team"],
                      fdef, [], [])
            self.fields.append(f)
            field_ref = {"id": f"{OA}fields/{f.code}", "display_name": f.name}
            domain_ref = {"id": f"{OA}domains/{f.domain}", "display_name": vocab.DOMAINS[f.domain]}
            for code, sname, concepts, labels in fdef["subfields"]:
                s = Subfield(len(self.subfields), code, sname, f.index, [], list(concepts))
                self.subfields.append(s)
                f.subfields.append(s.index)
                sub_ref = {"id": f"{OA}subfields/{code}", "display_name": sname}
                for label in labels:
                    tid += 7 + (len(label) * 13) % 17
                    base = {"id": f"{OA}T{tid}", "display_name": label, "score": 0.0, "subfield": sub_ref,
                            "field": field_ref, "domain": domain_ref}
                    lower = lower_label(label)
                    t = Topic(len(self.topics), label, lower, lower[:1].upper() + lower[1:], f.index, s.index, list(concepts) + [lower], base)
                    self.topics.append(t)
                    s.topics.append(t.index)
                    f.topics.append(t.index)

    def keyword(self, phrase: str, score: float) -> dict:
        base = self.keyword_cache.get(phrase)
        if base is None:
            display = phrase[:1].upper() + phrase[1:]
            base = {"id": f"{OA}keywords/{slug(phrase)}", "display_name": display}
            self.keyword_cache[phrase] = base
        return {"id": base["id"], "display_name": base["display_name"], "score": score}

    # -- institutions -----------------------------------------------------------------------
    def _build_institutions(self, rng: random.Random, n_works: int) -> None:
        target = int(40 + 25 * math.sqrt(max(n_works, 1) / 1000))
        candidates: list[list[tuple[str, str, str, str]]] = []
        for ci, country in enumerate(names.COUNTRIES):
            templates = names.INSTITUTION_TEMPLATES.get(country["lang"], names.INSTITUTION_TEMPLATES["en"])
            cand = []
            for city in country["cities"]:
                for local, itype, english in templates:
                    name = local.format(city=city)
                    eng = english.format(city=city) if english else name
                    cand.append((name, eng, itype, city))
            for company in names.COMPANIES:
                if (len(company) + ci) % 9 == 0:
                    cand.append((f"{company} ({country['names'][-1]})", company, "company", country["cities"][0]))
            # universities tend to come first so that small corpora are mostly academic
            keyed = [(rng.random() * (1.0 if c[2] == "education" else 2.5 if c[2] != "company" else 6.0), c)
                     for c in cand]
            keyed.sort(key=lambda kc: kc[0])
            candidates.append([c for _, c in keyed])
        weights = [c["weight"] for c in names.COUNTRIES]
        taken = [0] * len(candidates)
        used_ids: set[int] = set()
        total = sum(len(c) for c in candidates)
        target = min(target, total)
        # every country gets at least one institution once the corpus is large enough
        order: list[int] = list(range(len(candidates))) if target >= 2 * len(candidates) else []
        while len(order) < target:
            order.append(rng.choices(range(len(candidates)), weights)[0])
        for ci in order:
            while taken[ci] >= len(candidates[ci]):
                ci = rng.choices(range(len(candidates)), weights)[0]
            name, eng, itype, city = candidates[ci][taken[ci]]
            taken[ci] += 1
            num = rng.randrange(10**7, 4_300_000_000)
            while num in used_ids:
                num = rng.randrange(10**7, 4_300_000_000)
            used_ids.add(num)
            iid = f"{OA}I{num}"
            ror = "https://ror.org/" + ror_from_int(rng.getrandbits(30))
            country = names.COUNTRIES[ci]
            d = {"id": iid, "display_name": name, "ror": ror, "country_code": country["code"], "type": itype,
                 "lineage": [iid]}
            size = rng.lognormvariate(0, 1.0) * (1.0 if itype == "education" else 0.45)
            postcode = str(rng.randrange(10000, 99999))
            inst = Institution(len(self.institutions), name, eng, ci, city, itype, size, postcode, d)
            self.institutions.append(inst)
            self.country_insts[ci].append(inst.index)

    def affiliation_strings(self, inst_index: int, field_index: int) -> list[str]:
        """Raw affiliation strings as bylines print them for a department of this institution."""
        key = field_index
        inst = self.institutions[inst_index]
        cached = inst.raw_cache.get(key)
        if cached is not None:
            return cached
        country = names.COUNTRIES[inst.country]
        depts = self.fields[field_index].vocab["depts"]
        dept = depts[(inst.index + field_index) % len(depts)]
        cname = country["names"][0]
        alt = country["names"][(inst.index % (len(country["names"]) - 1)) + 1] if len(country["names"]) > 1 else cname
        name = inst.display_name
        short = name
        for full, ab in names.ABBREVIATIONS:
            short = short.replace(full, ab)
        dshort = dept
        for full, ab in names.ABBREVIATIONS:
            dshort = dshort.replace(full, ab)
        if inst.type == "company":
            dept, dshort = "Research Division", "R&D"
        variants = [
            f"{dept}, {name}, {inst.city}, {cname}",
            f"{dshort}, {short}, {inst.city}, {alt}",
            f"{name}, {inst.city}, {cname}",
            f"{dept}, {inst.english_name}, {inst.postcode} {inst.city}, {alt}",
            name,
            names.fold_ascii(f"{dept}, {name}, {inst.city}, {cname}"),
            f"{inst.english_name}, {dept}, {inst.city}",
        ]
        inst.raw_cache[key] = variants
        return variants

    # -- venues -----------------------------------------------------------------------------
    def _add_venue(self, kind: str, name: str, code: str, prefix: str, host: str, weight: float, is_oa: bool,
                   founded: int, d: dict, field_index: int = -1) -> int:
        v = Venue(len(self.venues), kind, name, code, prefix, host, weight, is_oa, founded, d, field_index)
        self.venues.append(v)
        return v.index

    def _venue_dict(self, rng: random.Random, name: str, kind: str, publisher: tuple, is_oa: bool) -> dict:
        pname, pnum, _, _ = publisher
        issn = None
        issn_l = None
        if kind in ("journal", "book series"):
            p = issn_from_int(rng.randrange(10**7))
            issn = [p] if rng.random() < 0.4 else [p, issn_from_int(rng.randrange(10**7))]
            issn_l = p
        return {
            "id": f"{OA}S{rng.randrange(10**8, 4_400_000_000)}", "display_name": name, "issn_l": issn_l,
            "issn": issn, "is_oa": is_oa, "is_in_doaj": is_oa and kind == "journal",
            "is_indexed_in_scopus": kind != "repository" and rng.random() < 0.85, "is_core": rng.random() < 0.7,
            "host_organization": f"{OA}P{pnum}", "host_organization_name": pname,
            "host_organization_lineage": [f"{OA}P{pnum}"], "host_organization_lineage_names": [pname],
            "type": kind,
        }

    def _build_venues(self, rng: random.Random) -> None:
        seen: set[str] = set()
        for f in self.fields:
            short_field = f.name.split(",")[0]
            cs_like = f.code in (17, 22)
            subs = [self.subfields[s] for s in f.subfields]
            specs: list[tuple[str, float, bool]] = []
            for tmpl, w in JOURNAL_TEMPLATES:
                if "{sub}" in tmpl:
                    for s in subs:
                        if rng.random() < 0.45:
                            specs.append((tmpl.format(sub=s.name), w * rng.lognormvariate(0, 0.8), False))
                elif rng.random() < 0.6:
                    specs.append((tmpl.format(field=short_field), w * rng.lognormvariate(0, 0.8), False))
            specs.append((f"{short_field} Reviews", 0.5, True))
            specs.append((f"Annual Review of {short_field}", 0.3, True))
            for name, w, review in specs:
                if name in seen:
                    continue
                seen.add(name)
                pub = PUBLISHERS[rng.randrange(len(PUBLISHERS))]
                if cs_like and rng.random() < 0.5:
                    pub = PUBLISHERS[3] if rng.random() < 0.6 else PUBLISHERS[4]
                is_oa = pub[0] in OA_PUBLISHERS or name.startswith(("Open ", "Frontiers")) or rng.random() < 0.12
                d = self._venue_dict(rng, name, "journal", pub, is_oa)
                code = "".join(word[0] for word in re.findall(r"[A-Za-z]+", name) if word not in ("of", "in"))
                vi = self._add_venue("journal", name, code.lower(), pub[2], pub[3], w, is_oa,
                                     rng.randrange(1950, 2010), d, f.index)
                f.journals.append(vi)
                f.journal_weights.append(w)
                if review:
                    f.review_journals.append(vi)
            if cs_like:
                for tmpl in CONFERENCE_TEMPLATES:
                    for s in subs:
                        name = tmpl.format(sub=s.name, field=short_field)
                        if name in seen or rng.random() < 0.4:
                            continue
                        seen.add(name)
                        pub = PUBLISHERS[3] if rng.random() < 0.5 else PUBLISHERS[4]
                        d = self._venue_dict(rng, name, "conference", pub, False)
                        code = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()).lower()
                        f.conferences.append(self._add_venue("conference", name, code, pub[2], pub[3], 1.0, False,
                                                             rng.randrange(1985, 2012), d, f.index))
                if not f.conferences:
                    name = f"Proceedings of the International Conference on {short_field}"
                    d = self._venue_dict(rng, name, "conference", PUBLISHERS[3], False)
                    f.conferences.append(self._add_venue("conference", name, "icp", PUBLISHERS[3][2],
                                                         PUBLISHERS[3][3], 1.0, False, 1990, d, f.index))
            name = f"Lecture Notes in {short_field}"
            d = self._venue_dict(rng, name, "book series", PUBLISHERS[1], False)
            f.book_series.append(self._add_venue("book series", name, "ln" + slug(short_field)[:6], "10.1007",
                                                 PUBLISHERS[1][3], 1.0, False, 1973, d, f.index))
