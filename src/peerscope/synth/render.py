"""Rendering planned works as OpenAlex-shaped records, with generated titles and abstracts."""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import names, vocab
from .plan import ARTICLE, CHAPTER, CONFERENCE, DISSERTATION, PREPRINT, REVIEW, Plan
from .world import OA, PMC_SOURCE, ZENODO_SOURCE, World

TYPE_NAMES = {ARTICLE: "article", CONFERENCE: "article", PREPRINT: "preprint", REVIEW: "review",
              CHAPTER: "book-chapter", DISSERTATION: "dissertation"}
CROSSREF_TYPES = {ARTICLE: "journal-article", CONFERENCE: "proceedings-article", PREPRINT: "posted-content",
                  REVIEW: "journal-article", CHAPTER: "book-chapter", DISSERTATION: "dissertation"}
SMALL_WORDS = {"a", "an", "and", "the", "of", "in", "on", "for", "with", "via", "from", "to", "under", "across",
               "through", "meets", "and", "or", "at", "by"}
TITLE_EDITS = [("Toward ", "Towards "), (" study of ", " analysis of "), ("Understanding ", "On understanding "),
               (" using ", " with "), ("Evidence for ", "New evidence for "), (" approach", " method")]


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def title_case(text: str) -> str:
    words = text.split(" ")
    out = [words[0][:1].upper() + words[0][1:]]
    for w in words[1:]:
        out.append(w if w in SMALL_WORDS or not w[:1].islower() else w[:1].upper() + w[1:])
    return " ".join(out)


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
        # numpy -> lists once: element access on lists is much faster
        self.day = plan.day.tolist()
        self.paper = plan.paper.tolist()
        self.wtype = plan.wtype.tolist()
        self.role = plan.role.tolist()
        self.partner = plan.partner.tolist()
        self.wnum = plan.wnum.tolist()
        self.arxiv = plan.arxiv.tolist()
        self.flags = plan.flags.tolist()
        self.cited_by = plan.cited_by.tolist()
        self.ref_ptr = plan.ref_ptr.tolist()
        self.refs = plan.refs
        self.p_venue = plan.p_venue.tolist()
        self.p_topics = plan.p_topics.tolist()
        self.p_field = plan.p_field.tolist()
        self.pt_ptr = plan.pt_ptr.tolist()
        self.pt_person = plan.pt_person.tolist()
        self.pt_inst = plan.pt_inst.tolist()
        self.pt_inst2 = plan.pt_inst2.tolist()
        self.habit = plan.habit.tolist()
        self.aid1 = plan.aid1.tolist()
        self.aid2 = plan.aid2.tolist()
        self.cut = plan.cut_day.tolist()
        self.display_of = plan.display_of.tolist()
        self.orcid = ["https://orcid.org/" + o if o else None for o in plan.orcid]
        self.variant_kinds = list(range(len(names.VARIANT_WEIGHTS)))
        self.variant_cum = []
        acc = 0
        for w in names.VARIANT_WEIGHTS:
            acc += w
            self.variant_cum.append(acc)

    # -- text -------------------------------------------------------------------------------
    def _slots(self, r: random.Random, topic: int, field_index: int) -> dict:
        tp = self.world.topics[topic]
        fv = self.world.fields[field_index].vocab
        concepts = tp.concepts
        c1 = concepts[r.randrange(len(concepts))]
        c2 = concepts[r.randrange(len(concepts))]
        if c2 == c1:
            c2 = concepts[(concepts.index(c1) + 1) % len(concepts)]
        methods = fv["methods"]
        m1 = methods[r.randrange(len(methods))]
        m2 = methods[r.randrange(len(methods))]
        if m2 == m1:
            m2 = methods[(methods.index(m1) + 1) % len(methods)]
        y1 = self.end.year - r.randrange(1, 12)
        return {
            "concept": c1, "concept2": c2, "method": m1, "method2": m2,
            "object": fv["objects"][r.randrange(len(fv["objects"]))],
            "measure": fv["measures"][r.randrange(len(fv["measures"]))],
            "setting": fv["settings"][r.randrange(len(fv["settings"]))],
            "adj": vocab.ADJECTIVES[r.randrange(len(vocab.ADJECTIVES))],
            "topic": tp.lower, "subfield": self.world.subfields[tp.subfield_index].name.lower(),
            "baseline": vocab.BASELINES[r.randrange(len(vocab.BASELINES))],
            "n": r.choice((3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 100, 120, 250, 500, 1200, 5000)),
            "pct": r.randrange(3, 48), "dd": r.randrange(21, 89), "year0": y1 - r.randrange(2, 9), "year1": y1,
            "k": r.randrange(1, 9),
        }

    @staticmethod
    def _fill(template: str, s: dict) -> str:
        out = template.format(
            Concept=cap(s["concept"]), Method=cap(s["method"]), Adj=cap(s["adj"]), Topic=cap(s["topic"]),
            Object=cap(s["object"]), **s)
        return out

    def paper_text(self, paper: int, thin: bool) -> tuple[str, list[str]]:
        """Base title and abstract sentences of a paper (shared by its preprint and published versions)."""
        r = self.t
        r.seed(self.seed * 1_000_003 + paper * 7 + 1)
        topic = self.p_topics[paper][0]
        s = self._slots(r, topic, self.p_field[paper])
        if thin:
            title = cap(self._fill(vocab.THIN_TITLES[r.randrange(len(vocab.THIN_TITLES))], s))
            sents = [self._fill(x, s) for x in r.sample(vocab.THIN_ABSTRACT, 2)]
            return title, sents
        title = cap(self._fill(vocab.TITLE_TEMPLATES[r.randrange(len(vocab.TITLE_TEMPLATES))], s))
        if r.random() < 0.25:
            title = title_case(title)
        sents = [self._fill(r.choice(vocab.BACKGROUND), s)]
        if r.random() < 0.6:
            sents.append(self._fill(r.choice(vocab.GAP), s))
        sents.append(self._fill(r.choice(vocab.CONTRIBUTION), s))
        for x in r.sample(vocab.METHOD, r.randint(1, 2)):
            sents.append(self._fill(x, s))
        for x in r.sample(vocab.RESULTS, r.randint(1, 3)):
            sents.append(self._fill(x, s))
        if r.random() < 0.7:
            sents.append(self._fill(r.choice(vocab.CONCLUSION), s))
        return title, sents

    # -- records ----------------------------------------------------------------------------
    def author_display(self, p: int, second: bool) -> str:
        key = (p, second)
        d = self.display.get(key)
        if d is None:
            if second:
                nm = self.names[p]
                d = names.name_variant(nm, 1 if nm[0] in ("en", "in", "zh") else 5)
                if d == names.full_name(nm):
                    d = names.name_variant(nm, 1)
            else:
                d = names.full_name(self.names[self.display_of[p]])
            if len(self.display) > 400_000:
                self.display.clear()
            self.display[key] = d
        return d

    def render(self, i: int) -> tuple[dict, list[int]]:
        r = self.r
        r.seed(self.seed * 2_000_003 + i * 13 + 5)
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

        title, sents = self.paper_text(paper, bool(flags & 8))
        if role == 1 and r.random() < 0.45:
            # the preprint's wording differs slightly from the published version
            u = r.random()
            if u < 0.4:
                for a, b in TITLE_EDITS:
                    if a in title:
                        title = title.replace(a, b, 1)
                        break
                else:
                    title = title + ": a preliminary study"
            elif u < 0.7:
                title = title_case(title) if title != title_case(title) else cap(title.lower())
            else:
                title = title.rstrip(".") + " (extended version)" if r.random() < 0.3 else title.replace(":", " -", 1)
            if len(sents) > 3 and r.random() < 0.5:
                sents = sents[:-1]
        if flags & 1 and r.random() < 0.5:
            title = "RETRACTED: " + title
        if flags & 4:
            s = self._slots(r, self.p_topics[paper][0], fi)
            torture = [self._fill(x, s) for x in r.sample(vocab.TORTURED_SENTENCES, 3)]
            sents = sents[:1] + torture + sents[1:]
        mk = self.plan.markup.get(i) if flags & 16 else None
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
        if wtype == PREPRINT:
            yymm = f"{year % 100:02d}{pub.month:02d}"
            num = self.arxiv[i]
            arx = f"{yymm}.{num:05d}" if year >= 2015 else f"{yymm}.{num % 10000:04d}"
            doi = f"https://doi.org/10.48550/arXiv.{arx}"
            landing = f"https://arxiv.org/abs/{arx}"
            pdf = f"https://arxiv.org/pdf/{arx}"
        elif venue is not None and (wtype != CONFERENCE or r.random() < 0.85) and r.random() < 0.97:
            doi = f"https://doi.org/{venue.doi_prefix}/{venue.code}.{year}.{i + 100_000}"
            landing = doi
            pdf = f"https://{venue.host}/{venue.code}/{year}/{i + 100_000}.pdf"
        elif venue is not None:
            landing = f"https://{venue.host}/{venue.code}/{i + 100_000}"
            pdf = None
        else:
            landing = f"https://repository.example.org/handle/{10000 + i}"
            pdf = f"https://repository.example.org/bitstream/{10000 + i}/thesis.pdf"

        if wtype == PREPRINT:
            is_oa, status, lic, version = True, "green", ("cc-by" if r.random() < 0.3 else None), "submittedVersion"
        elif venue is None:
            is_oa, status, lic, version = True, "green", None, "publishedVersion"
        elif venue.is_oa:
            is_oa, status, lic, version = True, "gold", "cc-by", "publishedVersion"
        else:
            u = r.random()
            if u < 0.12:
                is_oa, status, lic, version = True, "hybrid", "cc-by", "publishedVersion"
            elif u < 0.22:
                is_oa, status, lic, version = True, "bronze", None, "publishedVersion"
            else:
                is_oa, status, lic, version = False, "closed", None, "publishedVersion"
        primary = {
            "is_oa": is_oa, "landing_page_url": landing, "pdf_url": pdf if is_oa else None,
            "source": venue.dict if venue is not None else None, "license": lic,
            "license_id": f"{OA}licenses/{lic}" if lic else None, "version": version,
            "is_accepted": wtype != PREPRINT, "is_published": wtype != PREPRINT,
        }
        locations = [primary]
        if wtype != PREPRINT and venue is not None:
            u = r.random()
            repo = None
            if world.fields[fi].domain in (1, 4) and u < 0.3:
                repo = PMC_SOURCE
                url = f"https://europepmc.org/articles/pmc{5_000_000 + i}"
            elif u < 0.06:
                repo = ZENODO_SOURCE
                url = f"https://zenodo.org/records/{7_000_000 + i}"
            if repo is not None:
                locations.append({
                    "is_oa": True, "landing_page_url": url, "pdf_url": url + "/pdf", "source": repo,
                    "license": lic, "license_id": f"{OA}licenses/{lic}" if lic else None,
                    "version": "acceptedVersion", "is_accepted": True, "is_published": False,
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
        corr = -1
        u = r.random()
        if u < 0.55:
            corr = n_auth - 1
        elif u < 0.75:
            corr = 0
        authorships = []
        countries_all = set()
        insts_all = []
        for j in range(n_auth):
            p = persons[j]
            k = a0 + j
            inst = self.pt_inst[k]
            inst2 = self.pt_inst2[k]
            second = self.aid2[p] and day >= self.cut[p]
            aid = self.aid2[p] if second else self.aid1[p]
            orc = self.orcid[p]
            if orc is not None and r.random() < 0.12:
                orc = None
            h = self.habit[p]
            kind = h if r.random() < 0.6 else r.choices(self.variant_kinds, cum_weights=self.variant_cum)[0]
            raw = names.name_variant(self.names[p], kind)
            variants = world.affiliation_strings(inst, fi)
            raw_aff = variants[r.randrange(len(variants))] if r.random() < 0.5 else variants[0]
            idict = self.inst_dicts[inst]
            cc = self.inst_country[inst]
            if inst2 >= 0:
                v2 = world.affiliation_strings(inst2, fi)
                raw2 = v2[r.randrange(len(v2))]
                idict2 = self.inst_dicts[inst2]
                cc2 = self.inst_country[inst2]
                institutions = [idict, idict2]
                countries = [cc] if cc == cc2 else sorted((cc, cc2))
                raws = [raw_aff, raw2]
                affs = [{"raw_affiliation_string": raw_aff, "institution_ids": [idict["id"]]},
                        {"raw_affiliation_string": raw2, "institution_ids": [idict2["id"]]}]
                insts_all.append(inst2)
            else:
                institutions = [idict]
                countries = [cc]
                raws = [raw_aff]
                affs = [{"raw_affiliation_string": raw_aff, "institution_ids": [idict["id"]]}]
            insts_all.append(inst)
            countries_all.update(countries)
            authorships.append({
                "author_position": "first" if j == 0 else ("last" if j == n_auth - 1 else "middle"),
                "author": {"id": f"{OA}A{aid}", "display_name": self.author_display(p, bool(second)), "orcid": orc},
                "institutions": institutions,
                "countries": countries,
                "is_corresponding": j == corr,
                "raw_author_name": raw,
                "raw_affiliation_strings": raws,
                "affiliations": affs,
            })
        corr_ids = [authorships[corr]["author"]["id"]] if corr >= 0 else []
        corr_insts = [d["id"] for d in authorships[corr]["institutions"]] if corr >= 0 else []

        # topics and keywords
        tops = self.p_topics[paper]
        score = 0.9 + r.random() * 0.0999
        topics = []
        for t in tops:
            if t < 0:
                break
            d = dict(self.topic_base[t])
            d["score"] = round(score, 4)
            topics.append(d)
            score *= 0.55 + r.random() * 0.4
        concepts = world.topics[tops[0]].concepts
        keywords = [world.keyword(c, round(0.3 + r.random() * 0.6, 6))
                    for c in r.sample(concepts, min(len(concepts), r.randint(1, 4)))]
        keywords.sort(key=lambda kw: -kw["score"])

        # references and citations
        override = self.plan.ref_override.get(i)
        if override is not None:
            ref_idx = override.tolist()
        else:
            ref_idx = self.refs[self.ref_ptr[i]:self.ref_ptr[i + 1]].tolist()
        wn = self.wnum
        referenced = [f"{OA}W{wn[x]}" for x in ref_idx]
        cby_row = self.plan.cby[i]
        counts = []
        last_year = self.end.year
        for off in range(len(cby_row) - 1, -1, -1):
            y = self.first_year + off
            c = int(cby_row[off])
            if c and y > last_year - 10:
                counts.append({"year": y, "cited_by_count": c})

        # abstract
        inverted = None
        if not flags & 2:
            inverted = {}
            for pos, word in enumerate(" ".join(sents).split(" ")):
                lst = inverted.get(word)
                if lst is None:
                    inverted[word] = [pos]
                else:
                    lst.append(pos)

        ids = {"openalex": wid}
        if doi:
            ids["doi"] = doi
        if wnum < 3_200_000_000:
            ids["mag"] = str(wnum)
        if world.fields[fi].domain in (1, 4) and wtype in (ARTICLE, REVIEW) and r.random() < 0.6:
            ids["pmid"] = f"https://pubmed.ncbi.nlm.nih.gov/{20_000_000 + i}"

        if wtype in (ARTICLE, REVIEW) and venue is not None:
            first_page = r.randrange(1, 2400)
            biblio = {"volume": str(max(1, year - venue.founded + 1)), "issue": str(r.randrange(1, 13)),
                      "first_page": str(first_page), "last_page": str(first_page + r.randrange(4, 30))}
        elif wtype in (CONFERENCE, CHAPTER):
            first_page = r.randrange(1, 900)
            biblio = {"volume": None, "issue": None, "first_page": str(first_page),
                      "last_page": str(first_page + r.randrange(6, 14))}
        else:
            biblio = {"volume": None, "issue": None, "first_page": None, "last_page": None}

        created = self.dates[min(day + r.randrange(0, 21), len(self.dates) - 1)]
        updated = f"{self.end_iso}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}." \
                  f"{r.randrange(1_000_000):06d}"
        if created > self.end:
            created = self.end
        indexed = ["arxiv"] if wtype == PREPRINT else (["crossref"] if doi else [])
        if "pmid" in ids:
            indexed.append("pubmed")
        if venue is not None and venue.dict.get("is_in_doaj"):
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
            "institutions_distinct_count": len(set(insts_all)),
            "corresponding_author_ids": corr_ids,
            "corresponding_institution_ids": corr_insts,
            "cited_by_count": self.cited_by[i],
            "biblio": biblio,
            "is_retracted": bool(flags & 1),
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
            "created_date": created.isoformat(),
        }
        return record, persons
