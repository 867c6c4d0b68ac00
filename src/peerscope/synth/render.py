"""Rendering planned works as OpenAlex-shaped records, with generated titles and abstracts."""

from __future__ import annotations

import random
from array import array
from datetime import timedelta

import numpy as np

from . import names, vocab
from .plan import (ARTICLE, CHAPTER, CONFERENCE, DISSERTATION, MARKUP, NO_ABSTRACT, PREPRINT, RETRACTED, REVIEW,
                   THIN, TORTURED, Plan)
from .world import OA, PMC_SOURCE, ZENODO_SOURCE, World

TYPE_NAMES = {ARTICLE: "article", CONFERENCE: "article", PREPRINT: "preprint", REVIEW: "review",
              CHAPTER: "book-chapter", DISSERTATION: "dissertation"}
CROSSREF_TYPES = {ARTICLE: "journal-article", CONFERENCE: "proceedings-article", PREPRINT: "posted-content",
                  REVIEW: "journal-article", CHAPTER: "book-chapter", DISSERTATION: "dissertation"}
SMALL_WORDS = {"a", "an", "and", "the", "of", "in", "on", "for", "with", "via", "from", "to", "under", "across",
               "through", "meets", "or", "at", "by"}
ADJ = vocab.ADJECTIVES
BASELINES = vocab.BASELINES
COUNTS = (3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 100, 120, 250, 500, 1200, 5000)
TITLES = vocab.TITLE_TEMPLATES
BACKGROUND, GAP, CONTRIBUTION = vocab.BACKGROUND, vocab.GAP, vocab.CONTRIBUTION
METHOD, RESULTS, CONCLUSION = vocab.METHOD, vocab.RESULTS, vocab.CONCLUSION
THIN_TITLES, THIN_ABSTRACT = vocab.THIN_TITLES, vocab.THIN_ABSTRACT
TORTURED_SENTENCES = vocab.TORTURED_SENTENCES
KEEP_CASE = {"Bayesian", "Markov", "Kitaev", "Rydberg", "Higgs", "Alzheimer's", "Parkinson's", "Mendelian",
             "Monte", "Carlo", "Kalman", "Escherichia", "Global", "South", "Holocene", "Pacific"}
TITLE_EDITS = [("Toward ", "Towards "), (" study of ", " analysis of "), ("Understanding ", "On understanding "),
               (" using ", " with "), ("Evidence for ", "New evidence for "), (" approach", " method")]


def article(word: str) -> str:
    """The indefinite article for a word or number: "an" before a vowel sound, else "a"."""
    w = word.lower()
    if w[:1] in "aeio" or (w.startswith("un") and not w.startswith("uni")):
        return "an"
    if w[:1] == "8" or w in ("11", "18") or w.startswith(("11%", "18%")):
        return "an"
    return "a"


ARTICLED = {a: f"{article(a)} {a}" for a in vocab.ADJECTIVES}
CAP_ARTICLED = {a: f"{article(a).capitalize()} {a}" for a in vocab.ADJECTIVES}


def _score_desc(d: dict) -> float:
    return -d["score"]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def title_case(text: str) -> str:
    words = text.split(" ")
    out = [words[0][:1].upper() + words[0][1:]]
    for w in words[1:]:
        out.append(w if w in SMALL_WORDS or not w[:1].islower() else w[:1].upper() + w[1:])
    return " ".join(out)


def sentence_case(text: str) -> str:
    """Lower-case the initials of all words but the first, leaving acronyms and names alone."""
    words = text.split(" ")
    return " ".join([words[0]] + [w[:1].lower() + w[1:] if w[1:].islower() and w not in KEEP_CASE else w
                                  for w in words[1:]])


def _arr(code: str, values) -> array:
    out = array(code)
    out.frombytes(np.ascontiguousarray(values, dtype=np.dtype(code)).tobytes())
    return out


class Renderer:
    def __init__(self, plan: Plan, world: World, seed: int):
        self.plan = plan
        self.world = world
        self.seed = seed
        self.r = random.Random()
        self.t = random.Random()
        self.start = plan.start
        self.end = plan.end
        self.end_iso = plan.end.isoformat()
        self.dates = [(plan.start + timedelta(days=d)) for d in range(plan.span + 1)]
        self.date_iso = [d.isoformat() for d in self.dates]
        self.inst_dicts = [i.dict for i in world.institutions]
        self.inst_country = [names.COUNTRIES[i.country]["code"] for i in world.institutions]
        self.topic_base = [t.base for t in world.topics]
        self.first_year = plan.start.year
        self.names = plan.names
        self.display = {}
        # numpy -> array.array once: element access is much faster, and unlike lists of ints the
        # arrays stay compact (and are not copied by forked worker processes that read them)
        self.day = _arr("i", plan.day)
        self.paper = _arr("i", plan.paper)
        self.wtype = _arr("b", plan.wtype)
        self.role = _arr("b", plan.role)
        self.wnum = _arr("q", plan.wnum)
        self.arxiv = _arr("i", plan.arxiv)
        self.flags = _arr("i", plan.flags)
        self.cited_by = _arr("i", plan.cited_by)
        self.ref_ptr = _arr("q", plan.ref_ptr)
        self.refs = _arr("i", plan.refs)
        self.p_venue = _arr("i", plan.p_venue)
        self.p_topics = _arr("i", plan.p_topics.reshape(-1))
        self.p_field = _arr("i", plan.p_field)
        self.pt_ptr = _arr("q", plan.pt_ptr)
        self.pt_person = _arr("i", plan.pt_person)
        self.pt_inst = _arr("i", plan.pt_inst)
        self.pt_inst2 = _arr("i", plan.pt_inst2)
        self.habit = _arr("b", plan.habit)
        self.aid1 = _arr("q", plan.aid1)
        self.aid2 = _arr("q", plan.aid2)
        self.cut = _arr("q", plan.cut_day)
        self.display_of = _arr("i", plan.display_of)
        self.orcid = ["https://orcid.org/" + o if o else None for o in plan.orcid]
        # 100 slots filled in proportion to the variant weights: one draw picks a variant kind
        total = sum(names.VARIANT_WEIGHTS)
        self.variant_table = []
        for kind, w in enumerate(names.VARIANT_WEIGHTS):
            self.variant_table += [kind] * round(100 * w / total)
        self.variant_table = (self.variant_table + [0] * 100)[:100]
        self.aff_parts: dict[int, list[tuple[list, list]]] = {}
        self.inst_single = [([d], [self.inst_country[k]]) for k, d in enumerate(self.inst_dicts)]
        self.paired = bytearray(len(self.p_field))
        for w in (plan.role == 2).nonzero()[0].tolist():
            self.paired[self.paper[w]] = 1
        self.field_domain = [f.domain for f in world.fields]
        self.subfield_lower = [s.name.lower() for s in world.subfields]
        self.cby = plan.cby
        self.last_day = plan.span
        self.min_count_off = plan.end.year - 9 - self.first_year
        self.names_full: dict[int, str] = {}
        # capitalised phrases, phrases with their article, and prebuilt scored fragments
        self.caps: dict[str, str] = {}
        self.a_method: dict[str, str] = {}
        for f in world.fields:
            for key in ("methods", "objects"):
                for x in f.vocab[key]:
                    self.caps[x] = cap(x)
            for m in f.vocab["methods"]:
                self.a_method[m] = cap(f"{article(m)} {m}")
        for t in world.topics:
            for x in t.concepts:
                self.caps[x] = cap(x)
        for a in ADJ:
            self.caps[a] = cap(a)
        self.a_pct = {k: f"{article(str(k))} {k}" for k in range(0, 100)}
        golden = [(k * 0.6180339887) % 1.0 for k in range(32)]
        self.topic_primary = []
        self.topic_secondary = []
        for base in self.topic_base:
            self.topic_primary.append([dict(base, score=round(0.9 + 0.0999 * g, 4)) for g in golden])
            self.topic_secondary.append([dict(base, score=round(0.45 + 0.44 * g, 4)) for g in golden])
        self.keyword_variants: dict[str, list[dict]] = {}
        for t in world.topics:
            for c in t.concepts:
                if c not in self.keyword_variants:
                    self.keyword_variants[c] = [world.keyword(c, round(0.3 + 0.6 * g, 6)) for g in golden[:16]]

    # -- text -------------------------------------------------------------------------------
    def _slots(self, rnd, topic: int, field_index: int) -> dict:
        tp = self.world.topics[topic]
        fv = self.world.fields[field_index].vocab
        concepts = tp.concepts
        nc = len(concepts)
        i1 = int(rnd() * nc)
        i2 = int(rnd() * (nc - 1))
        if i2 >= i1:
            i2 += 1
        methods = fv["methods"]
        nm = len(methods)
        j1 = int(rnd() * nm)
        j2 = int(rnd() * (nm - 1))
        if j2 >= j1:
            j2 += 1
        objects, measures, settings = fv["objects"], fv["measures"], fv["settings"]
        c1, m1 = concepts[i1], methods[j1]
        obj = objects[int(rnd() * len(objects))]
        adj = ADJ[int(rnd() * len(ADJ))]
        y1 = self.end.year - 1 - int(rnd() * 11)
        caps = self.caps
        s = {
            "concept": c1, "concept2": concepts[i2], "method": m1, "method2": methods[j2],
            "object": obj, "measure": measures[int(rnd() * len(measures))],
            "setting": settings[int(rnd() * len(settings))], "adj": adj,
            "topic": tp.lower, "subfield": self.subfield_lower[tp.subfield_index],
            "baseline": BASELINES[int(rnd() * len(BASELINES))],
            "n": COUNTS[int(rnd() * len(COUNTS))],
            "pct": 3 + int(rnd() * 45), "dd": 21 + int(rnd() * 68), "year0": y1 - 2 - int(rnd() * 7), "year1": y1,
            "k": 1 + int(rnd() * 8),
            "Concept": caps[c1], "Method": caps[m1], "Adj": caps[adj], "Topic": tp.cap, "Object": caps[obj],
            "a_adj": ARTICLED[adj], "A_adj": CAP_ARTICLED[adj], "A_method": self.a_method[m1],
        }
        s["a_pct"] = self.a_pct[s["pct"]]
        return s

    def paper_text(self, paper: int, thin: bool, rnd) -> tuple[str, list[str]]:
        """Title and abstract sentences of a paper.

        ``rnd`` is the work's random stream; a paper with two versions draws its base text from
        a stream of its own, so that the preprint and the published version share it.
        """
        if self.paired[paper]:
            self.t.seed(self.seed * 1_000_003 + paper * 7 + 1)
            rnd = self.t.random
        s = self._slots(rnd, self.p_topics[3 * paper], self.p_field[paper])
        if thin:
            title = cap(THIN_TITLES[int(rnd() * len(THIN_TITLES))].format_map(s))
            i = int(rnd() * len(THIN_ABSTRACT))
            sents = [THIN_ABSTRACT[i].format_map(s), THIN_ABSTRACT[(i + 1) % len(THIN_ABSTRACT)].format_map(s)]
            return title, sents
        title = TITLES[int(rnd() * len(TITLES))].format_map(s)
        if rnd() < 0.25:
            title = title_case(title)
        sents = [BACKGROUND[int(rnd() * len(BACKGROUND))].format_map(s)]
        if rnd() < 0.6:
            sents.append(GAP[int(rnd() * len(GAP))].format_map(s))
        sents.append(CONTRIBUTION[int(rnd() * len(CONTRIBUTION))].format_map(s))
        k = int(rnd() * len(METHOD))
        sents.append(METHOD[k].format_map(s))
        if rnd() < 0.5:
            sents.append(METHOD[(k + 2) % len(METHOD)].format_map(s))
        k = int(rnd() * len(RESULTS))
        for j in range(1 + int(rnd() * 3)):
            sents.append(RESULTS[(k + j) % len(RESULTS)].format_map(s))
        if rnd() < 0.7:
            sents.append(CONCLUSION[int(rnd() * len(CONCLUSION))].format_map(s))
        return title, sents

    # -- records ----------------------------------------------------------------------------
    def _aff_parts(self, inst: int, fi: int) -> list[tuple[list, list]]:
        """Per raw-affiliation variant: the (raw strings, affiliations) lists of one authorship.

        The lists are shared between records; records are serialised at once and never modified.
        """
        iid = self.inst_dicts[inst]["id"]
        parts = [([v], [{"raw_affiliation_string": v, "institution_ids": [iid]}])
                 for v in self.world.affiliation_strings(inst, fi)]
        self.aff_parts[inst * 64 + fi] = parts
        return parts

    def full_name(self, p: int) -> str:
        d = self.names_full.get(p)
        if d is None:
            if len(self.names_full) > 400_000:
                self.names_full.clear()
            d = self.names_full[p] = names.full_name(self.names.name(p))
        return d

    def author_display(self, p: int, second: bool) -> str:
        key = p * 2 + second
        d = self.display.get(key)
        if d is None:
            if second:
                nm = self.names.name(p)
                d = names.name_variant(nm, 1 if nm[0] in ("en", "in", "zh") else 5)
                if d == names.full_name(nm):
                    d = names.name_variant(nm, 1)
            else:
                d = names.full_name(self.names.name(self.display_of[p]))
            if len(self.display) > 400_000:
                self.display.clear()
            self.display[key] = d
        return d

    def render_block(self, start: int, stop: int):
        """Yield (record, true persons) for works start..stop-1.

        Each block of works draws from its own random stream, so any block can be rendered on
        its own (and in any process) with identical results.
        """
        self.r.seed(self.seed * 2_000_003 + start * 13 + 5)
        for i in range(start, stop):
            yield self.render(i)

    def render(self, i: int) -> tuple[dict, list[int]]:
        r = self.r
        rnd = r.random
        paper = self.paper[i]
        day = self.day[i]
        wtype = self.wtype[i]
        role = self.role[i]
        flags = self.flags[i]
        wnum = self.wnum[i]
        wid = f"{OA}W{wnum}"
        pub = self.dates[day]
        year = pub.year
        fi = self.p_field[paper]
        world = self.world
        field_domain = self.field_domain[fi]

        title, sents = self.paper_text(paper, bool(flags & THIN), rnd)
        if role == 1 and rnd() < 0.45:
            # the preprint's wording differs slightly from the published version
            u = rnd()
            if u < 0.4:
                for a, b in TITLE_EDITS:
                    if a in title:
                        title = title.replace(a, b, 1)
                        break
                else:
                    title = title + ": a preliminary study"
            elif u < 0.7:
                title = title_case(title) if title != title_case(title) else sentence_case(title)
            elif u < 0.8:
                title = title + " (extended version)"
            else:
                title = title.replace(":", " -", 1) if ":" in title else title + "."
            if len(sents) > 3 and rnd() < 0.5:
                sents = sents[:-1]
        if flags & RETRACTED and rnd() < 0.5:
            title = "RETRACTED: " + title
        if flags & TORTURED:
            s = self._slots(rnd, self.p_topics[3 * paper], fi)
            k = int(rnd() * len(TORTURED_SENTENCES))
            torture = [TORTURED_SENTENCES[(k + j) % len(TORTURED_SENTENCES)].format_map(s) for j in range(3)]
            sents = sents[:1] + torture + sents[1:]
        mk = self.plan.markup.get(i) if flags & MARKUP else None
        if mk == "script":
            title = title + " <script>alert(1)</script>"
            sents.append("<script>alert(1)</script>")
        elif mk == "latex":
            title = title + " in \\textit{Escherichia coli}"
            sents.insert(1, "We validate the approach \\textit{in vivo} and \\textit{in vitro}.")
        elif mk == "math":
            title = "Bounds on $x^2$ and " + title[:1].lower() + title[1:]
            sents.insert(1, "We show that $x^2 + y^2 \\leq 1$ holds for all admissible $x$.")
        elif mk == "entity":
            title = title + ": theory &amp; practice"
            sents.insert(1, "Both accuracy &amp; efficiency improve.")

        # venue, DOI and locations
        vi = self.p_venue[paper] if wtype != PREPRINT else world.arxiv
        venue = world.venues[vi] if vi >= 0 else None
        doi = None
        serial = i + 100_000
        if wtype == PREPRINT:
            num = self.arxiv[i]
            arx = f"{year % 100:02d}{pub.month:02d}.{num:05d}" if year >= 2015 else \
                f"{year % 100:02d}{pub.month:02d}.{num:04d}"
            doi = f"https://doi.org/10.48550/arXiv.{arx}"
            landing = f"https://arxiv.org/abs/{arx}"
            pdf = f"https://arxiv.org/pdf/{arx}"
        elif venue is not None and (role == 2 or ((wtype != CONFERENCE or rnd() < 0.85) and rnd() < 0.97)):
            doi = f"https://doi.org/{venue.doi_prefix}/{venue.code}.{year}.{serial}"
            landing = doi
            pdf = f"https://{venue.host}/{venue.code}/{year}/{serial}.pdf"
        elif venue is not None:
            landing = f"https://{venue.host}/{venue.code}/{serial}"
            pdf = None
        else:
            # a thesis in its university's repository, behind a Handle
            landing = f"https://hdl.handle.net/{10_000 + self.pt_inst[self.pt_ptr[paper]]}/{serial}"
            pdf = None

        if wtype == PREPRINT:
            is_oa, status, lic, version = True, "green", ("cc-by" if rnd() < 0.3 else None), "submittedVersion"
        elif venue is None:
            is_oa, status, lic, version = True, "green", None, "publishedVersion"
        elif venue.is_oa:
            is_oa, status, lic, version = True, "gold", "cc-by", "publishedVersion"
        else:
            u = rnd()
            if u < 0.12:
                is_oa, status, lic, version = True, "hybrid", "cc-by", "publishedVersion"
            elif u < 0.22:
                is_oa, status, lic, version = True, "bronze", None, "publishedVersion"
            else:
                is_oa, status, lic, version = False, "closed", None, "publishedVersion"
        lic_id = f"{OA}licenses/{lic}" if lic else None
        primary = {
            "is_oa": is_oa, "landing_page_url": landing, "pdf_url": pdf if is_oa else None,
            "source": venue.dict if venue is not None else None, "license": lic, "license_id": lic_id,
            "version": version, "is_accepted": wtype != PREPRINT, "is_published": wtype != PREPRINT,
        }
        locations = [primary]
        if wtype != PREPRINT and venue is not None:
            u = rnd()
            repo = None
            if field_domain in (1, 4) and u < 0.3:
                repo = PMC_SOURCE
                url = f"https://europepmc.org/articles/pmc{5_000_000 + i}"
            elif u < 0.06:
                repo = ZENODO_SOURCE
                url = f"https://zenodo.org/records/{7_000_000 + i}"
            if repo is not None:
                locations.append({
                    "is_oa": True, "landing_page_url": url, "pdf_url": url + "/pdf", "source": repo,
                    "license": lic, "license_id": lic_id, "version": "acceptedVersion", "is_accepted": True,
                    "is_published": False,
                })
                if not is_oa:
                    status = "green"
        best = next((loc for loc in locations if loc["is_oa"]), None)
        oa_url = (best["pdf_url"] or best["landing_page_url"]) if best else None

        # authorships
        a0 = self.pt_ptr[paper]
        a1 = self.pt_ptr[paper + 1]
        n_auth = a1 - a0
        persons = self.pt_person[a0:a1]
        u = rnd()
        corr = n_auth - 1 if u < 0.55 else (0 if u < 0.75 else -1)
        authorships = []
        countries_all = set()
        insts_all = set()
        aff_parts = self.aff_parts
        variant_table = self.variant_table
        pt_inst, pt_inst2 = self.pt_inst, self.pt_inst2
        aid1, aid2, cut, orcids, habit = self.aid1, self.aid2, self.cut, self.orcid, self.habit
        inst_single = self.inst_single
        full_names = self.names_full
        display = self.display
        last = n_auth - 1
        for j in range(n_auth):
            p = persons[j]
            inst = pt_inst[a0 + j]
            inst2 = pt_inst2[a0 + j]
            second = day >= cut[p]
            aid = aid2[p] if second else aid1[p]
            orc = orcids[p]
            if orc is not None and rnd() < 0.12:
                orc = None
            kind = habit[p] if rnd() < 0.6 else variant_table[int(rnd() * 100)]
            if kind == 0:
                raw = full_names.get(p)
                if raw is None:
                    raw = self.full_name(p)
            else:
                raw = names.name_variant(self.names.name(p), kind)
            disp = display.get(p * 2 + second)
            if disp is None:
                disp = self.author_display(p, second)
            parts = aff_parts.get(inst * 64 + fi)
            if parts is None:
                parts = self._aff_parts(inst, fi)
            raws, affs = parts[int(rnd() * len(parts))] if rnd() < 0.5 else parts[0]
            institutions, countries = inst_single[inst]
            insts_all.add(inst)
            if inst2 >= 0:
                parts2 = aff_parts.get(inst2 * 64 + fi)
                if parts2 is None:
                    parts2 = self._aff_parts(inst2, fi)
                raws2, affs2 = parts2[int(rnd() * len(parts2))]
                institutions = institutions + inst_single[inst2][0]
                cc, cc2 = countries[0], inst_single[inst2][1][0]
                countries = countries if cc == cc2 else sorted((cc, cc2))
                raws = raws + raws2
                affs = affs + affs2
                insts_all.add(inst2)
                countries_all.update(countries)
            else:
                countries_all.add(countries[0])
            authorships.append({
                "author_position": "first" if j == 0 else ("last" if j == last else "middle"),
                "author": {"id": f"{OA}A{aid}", "display_name": disp, "orcid": orc},
                "institutions": institutions,
                "countries": countries,
                "is_corresponding": j == corr,
                "raw_author_name": raw,
                "raw_affiliation_strings": raws,
                "affiliations": affs,
            })
        if corr >= 0:
            corr_ids = [authorships[corr]["author"]["id"]]
            corr_insts = [d["id"] for d in authorships[corr]["institutions"]]
        else:
            corr_ids, corr_insts = [], []

        # topics and keywords
        tops = self.p_topics[3 * paper:3 * paper + 3]
        topics = [self.topic_primary[tops[0]][int(rnd() * 32)]]
        if tops[1] >= 0:
            second = [self.topic_secondary[t][int(rnd() * 32)] for t in tops[1:] if t >= 0]
            if len(second) > 1 and second[1]["score"] > second[0]["score"]:
                second.reverse()
            topics += second
        concepts = world.topics[tops[0]].concepts
        nc = len(concepts)
        k0 = int(rnd() * nc)
        kv = self.keyword_variants
        keywords = [kv[concepts[(k0 + j) % nc]][int(rnd() * 16)] for j in range(min(nc, 1 + int(rnd() * 4)))]
        if len(keywords) > 1:
            keywords.sort(key=_score_desc)

        # references and citations
        override = self.plan.ref_override.get(i)
        if override is not None:
            ref_idx = override.tolist()
        else:
            ref_idx = self.refs[self.ref_ptr[i]:self.ref_ptr[i + 1]]
        wn = self.wnum
        referenced = [f"{OA}W{wn[x]}" for x in ref_idx]
        counts = []
        if self.cited_by[i]:
            row = self.cby[i].tolist()
            for off in range(len(row) - 1, -1, -1):
                c = row[off]
                if c and off >= self.min_count_off:
                    counts.append({"year": self.first_year + off, "cited_by_count": c})

        # abstract
        inverted = None
        if not flags & NO_ABSTRACT:
            inverted = {}
            for pos, word in enumerate(" ".join(sents).split(" ")):
                if word in inverted:
                    inverted[word].append(pos)
                else:
                    inverted[word] = [pos]

        ids = {"openalex": wid}
        if doi:
            ids["doi"] = doi
        if wnum < 3_200_000_000:
            ids["mag"] = str(wnum)
        if field_domain in (1, 4) and (wtype == ARTICLE or wtype == REVIEW) and rnd() < 0.6:
            ids["pmid"] = f"https://pubmed.ncbi.nlm.nih.gov/{20_000_000 + i}"

        if (wtype == ARTICLE or wtype == REVIEW) and venue is not None:
            first_page = 1 + int(rnd() * 2400)
            biblio = {"volume": str(max(1, year - venue.founded + 1)), "issue": str(1 + int(rnd() * 12)),
                      "first_page": str(first_page), "last_page": str(first_page + 4 + int(rnd() * 26))}
        elif wtype == CONFERENCE or wtype == CHAPTER:
            first_page = 1 + int(rnd() * 900)
            biblio = {"volume": None, "issue": None, "first_page": str(first_page),
                      "last_page": str(first_page + 6 + int(rnd() * 8))}
        else:
            biblio = {"volume": None, "issue": None, "first_page": None, "last_page": None}

        created = self.date_iso[min(day + int(rnd() * 21), self.last_day)]
        sec = int(rnd() * 86_400_000_000)
        updated = f"{self.end_iso}T{sec // 3_600_000_000:02d}:{sec // 60_000_000 % 60:02d}:" \
                  f"{sec // 1_000_000 % 60:02d}.{sec % 1_000_000:06d}"
        indexed = ["arxiv"] if wtype == PREPRINT else (["crossref"] if doi else [])
        if "pmid" in ids:
            indexed.append("pubmed")
        if venue is not None and venue.dict["is_in_doaj"]:
            indexed.append("doaj")

        record = {
            "id": wid,
            "doi": doi,
            "title": title,
            "display_name": title,
            "publication_year": year,
            "publication_date": self.date_iso[day],
            "ids": ids,
            "language": "en",
            "primary_location": primary,
            "type": TYPE_NAMES[wtype],
            "type_crossref": CROSSREF_TYPES[wtype],
            "indexed_in": indexed,
            "open_access": {"is_oa": is_oa or status == "green", "oa_status": status, "oa_url": oa_url,
                            "any_repository_has_fulltext": len(locations) > 1 or wtype == PREPRINT},
            "authorships": authorships,
            "countries_distinct_count": len(countries_all),
            "institutions_distinct_count": len(insts_all),
            "corresponding_author_ids": corr_ids,
            "corresponding_institution_ids": corr_insts,
            "cited_by_count": self.cited_by[i],
            "biblio": biblio,
            "is_retracted": bool(flags & RETRACTED),
            "is_paratext": False,
            "primary_topic": topics[0],
            "topics": topics,
            "keywords": keywords,
            "locations_count": len(locations),
            "locations": locations,
            "best_oa_location": best,
            "referenced_works_count": len(referenced),
            "referenced_works": referenced,
            "related_works": [],
            "abstract_inverted_index": inverted,
            "cited_by_api_url": f"https://api.openalex.org/works?filter=cites:W{wnum}",
            "counts_by_year": counts,
            "updated_date": updated,
            "created_date": created,
        }
        return record, persons
