"""Web pages through the real app and a real, seeded store (SQLite, and PostgreSQL when available)."""

from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from peerscope.pipeline import ingest_openalex
from peerscope.serve.ids import lookup, public_id
from peerscope.store import queries
from peerscope.store.db import Store

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "openalex" / "sample_works.jsonl"
ADA_ORCID = "0000-0002-1825-0097"
ADA_TITLES = (
    "Resolving scholarly identities at scale",
    "Trust signals for researcher records",
    "Preprint on citation rings",
    "Name variants in bibliographic data",
)
SCRIPT_TITLE_RAW = "<script>alert(1)</script>"
SCRIPT_TITLE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


class _Text(HTMLParser):
    """The visible text of a page (what a reader sees), whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.titles: list[str] = []
        self.h1 = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self.h1 += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        (self.titles if self._in_title else self.parts).append(data)


def parse(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    p.close()
    return p


def text_of(html: str) -> str:
    return " ".join(" ".join(parse(html).parts).split())


def title_of(html: str) -> str:
    return " ".join(" ".join(parse(html).titles).split())


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def author_id(store: Store, text: str) -> int:
    return lookup(store, "author", text).number


def work_id(store: Store, text: str) -> int:
    return lookup(store, "work", text).number


def get_ok(client: TestClient, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


# --- researcher profile -------------------------------------------------------------------------
def test_profile_by_orcid_redirects_to_our_id(client: TestClient, seeded_store: Store) -> None:
    r = client.get(f"/authors/orcid:{ADA_ORCID}")
    assert r.status_code == 301
    ada = author_id(seeded_store, f"orcid:{ADA_ORCID}")
    assert r.headers["location"] == f"/authors/{public_id('author', ada)}"

    for other in ("openalex:A100", "A199", f"https://orcid.org/{ADA_ORCID}", public_id("author", ada).lower()):
        r = client.get(f"/authors/{other}")
        assert r.status_code == 301, other
        assert r.headers["location"] == f"/authors/{public_id('author', ada)}"

    r = client.get("/authors/A100?page=1")
    assert r.headers["location"] == f"/authors/{public_id('author', ada)}?page=1"


def test_profile_reads_like_the_reference(client: TestClient, seeded_store: Store) -> None:
    r = client.get(f"/authors/orcid:{ADA_ORCID}", follow_redirects=True)
    assert r.status_code == 200
    html, text = r.text, text_of(r.text)
    ada = author_id(seeded_store, ADA_ORCID)

    # The true count, as the store computes it: the ORCID joins A100 and A199 into one record.
    works = queries.author_works(seeded_store, ada, 0, 50)
    profile = queries.get_author(seeded_store, ada)
    assert profile is not None and profile.stats is not None
    assert works.total == profile.stats.works_count == 4
    assert {w.title for w in works.items} == set(ADA_TITLES)

    assert "Ada Lovelace" in title_of(html)
    assert re.search(r"<h1>\s*Ada Lovelace\s*</h1>", html)
    assert "Researcher working on" in text
    assert "University of Northfield" in text
    assert "Affiliation not imported" not in text
    assert "Open to collaborate" not in text  # not set on this record
    assert f'href="https://orcid.org/{ADA_ORCID}"' in html
    assert "A. Lovelace" in text  # a name variant

    trust = text_of(section(html, "trust-heading"))
    assert "Trust snapshot" in trust
    assert "not available yet" in trust
    assert re.search(r"Trust \d", trust) is None  # no made-up score
    assert "4 works" in trust
    assert "followers: not available yet" in trust
    assert f"{profile.stats.topics_count} topics" in trust
    assert f"{profile.stats.close_collaborators_count} close collaborators" in trust
    for anchor in ("works", "topics", "collaborators"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html

    actions = text_of(section(html, "actions-heading"))
    assert "Follow researcher" in actions and "Log in to claim" in actions
    assert "Claim this author record first" in actions
    assert re.search(r"<button[^>]*disabled[^>]*>Follow researcher</button>", html)
    assert "Open full explorer" in text_of(section(html, "graph-heading"))

    assert "4 published item(s)" in text
    for title in ADA_TITLES:
        assert title in text
    for w in works.items:
        assert f'href="/works/{public_id("work", w.id)}"' in html

    collaborators = section(html, "collaborators-heading")
    bob = author_id(seeded_store, "A200")
    assert f'href="/authors/{public_id("author", bob)}"' in collaborators
    assert "at least 2 joint works" in text_of(collaborators)
    assert "at most 25 authors" in text_of(collaborators)
    assert "Author name disambiguation" in text_of(section(html, "topics-heading"))


def test_profile_without_institution_says_affiliation_not_imported(client: TestClient) -> None:
    # Nemo has no OpenAlex id: reach him the way a reader would, from his work's byline.
    r = client.get("/works/openalex:W1006", follow_redirects=True)
    assert r.status_code == 200
    assert "Retracted" in text_of(r.text)
    link = re.search(r'<a href="(/authors/PA\d+)">Nemo Nobody</a>', r.text)
    assert link, "the byline links the author"
    html = get_ok(client, link.group(1))
    text = text_of(html)
    assert "Nemo Nobody" in text
    assert "Affiliation not imported" in text
    assert "1 published item(s)" in text
    assert "A retracted study of everything" in text


def test_unknown_and_malformed_author_ids(client: TestClient) -> None:
    r = client.get("/authors/PA999999")
    assert r.status_code == 404
    assert "404" in title_of(r.text)
    assert "PA999999" in text_of(r.text)
    assert client.get("/works/PW999999").status_code == 404
    assert client.get("/authors/orcid:0000-0001-5109-3700").status_code == 404
    r = client.get("/authors/not-an-id")
    assert r.status_code == 400
    assert "not-an-id" in text_of(r.text)
    assert client.get(f"/authors/{public_id('work', 1)}").status_code == 400  # a work id is no author id


# --- harvested text is shown as text --------------------------------------------------------------
@pytest.mark.parametrize("url", ["/works/openalex:W1003", "/daily/2025-06-10", "/search?q=graph+explorers"])
def test_harvested_markup_is_escaped(client: TestClient, url: str) -> None:
    r = client.get(url, follow_redirects=True)
    assert r.status_code == 200
    assert SCRIPT_TITLE_RAW not in r.text
    assert SCRIPT_TITLE_ESCAPED in r.text
    assert "<b>bold</b>" not in r.text
    if "search" not in url:  # search pages show titles and abstracts; W1003's abstract is on the other two
        assert "\\textit{interactive}" in r.text
        assert "&lt;b&gt;bold&lt;/b&gt;" in r.text


def test_unsafe_harvested_links_are_not_links() -> None:
    from peerscope.serve.web.filters import safe_url

    assert safe_url("https://example.org/a.pdf") == "https://example.org/a.pdf"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JavaScript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert safe_url("//evil.example/x") is None
    assert safe_url(None) is None


# --- work page --------------------------------------------------------------------------------
def test_work_page(client: TestClient, seeded_store: Store) -> None:
    r = client.get("/works/doi:10.1234/jog.2025.2")
    assert r.status_code == 301
    trust_paper = work_id(seeded_store, "W1002")
    assert r.headers["location"] == f"/works/{public_id('work', trust_paper)}"
    html = get_ok(client, r.headers["location"])
    text = text_of(html)

    assert "Trust signals for researcher records" in title_of(html)
    assert "Journal of Open Graphs" in text
    assert 'href="https://doi.org/10.1234/jog.2025.2"' in html
    assert "10 June 2025" in text
    assert "Open access" in text and "Retracted" not in text
    assert "University of Northfield" in text  # byline affiliations
    assert f'href="/authors/{public_id("author", author_id(seeded_store, ADA_ORCID))}"' in html

    refs = section(html, "refs-heading")
    cited = work_id(seeded_store, "W1001")
    assert f'href="/works/{public_id("work", cited)}"' in refs
    assert "Resolving scholarly identities at scale" in text_of(refs)
    assert "1 reference" in text_of(refs)

    provenance = text_of(section(html, "prov-heading"))
    assert "openalex" in provenance and "W1002" in provenance and "retrieved" in provenance

    assert "Information Systems" in text_of(section(html, "topics-heading"))  # topic lineage
    locations = section(html, "locations-heading")
    assert 'href="https://example.org/W1002"' in locations
    assert "Published version" in text_of(locations)


def test_work_page_counts_references_outside_the_graph(client: TestClient) -> None:
    html = client.get("/works/W1003", follow_redirects=True).text
    assert "2 references; 1 of them is in this graph" in text_of(section(html, "refs-heading"))


# --- daily papers -----------------------------------------------------------------------------
def test_daily_redirects_to_the_latest_day(client: TestClient) -> None:
    r = client.get("/daily")
    assert r.status_code == 302
    assert r.headers["location"] == "/daily/2025-06-11"


def test_daily_page_lists_the_day_and_links_its_neighbours(client: TestClient) -> None:
    html = get_ok(client, "/daily/2025-06-10")
    text = text_of(html)
    assert "10 June 2025" in title_of(html)
    assert "Trust signals for researcher records" in text
    assert SCRIPT_TITLE_ESCAPED in html
    assert "2 papers" in text
    assert "Preprint on citation rings" not in text  # another day
    assert 'href="/daily/2025-03-02"' in html
    assert 'href="/daily/2025-06-11"' in html
    assert "Get trending papers in your email inbox!" in text
    assert "Email digests are not available yet" in text
    assert "the research community" in text
    assert "Ada Lovelace" in text and "Journal of Open Graphs" in text


def test_daily_page_for_a_day_without_papers(client: TestClient) -> None:
    html = get_ok(client, "/daily/2025-04-01")
    text = text_of(html)
    assert "No papers" in text
    assert 'href="/daily/2025-03-02"' in html and 'href="/daily/2025-06-10"' in html


@pytest.mark.parametrize("bad", ["2025-13-45", "2025-02-30", "yesterday", "20250610", "2025-6-1"])
def test_daily_page_rejects_malformed_dates(client: TestClient, bad: str) -> None:
    r = client.get(f"/daily/{bad}")
    assert r.status_code == 400
    assert "400" in title_of(r.text)
    assert bad in text_of(r.text)


# --- search and home ----------------------------------------------------------------------------
def test_search(client: TestClient) -> None:
    html = get_ok(client, "/search?q=trust")
    text = text_of(html)
    assert "1 result for “trust”" in text
    assert "Trust signals for researcher records" in text
    assert 'value="trust"' in html

    empty = get_ok(client, "/search?q=")
    assert "results-heading" not in empty  # the box only
    assert 'id="page-search"' in empty

    nothing = text_of(get_ok(client, "/search?q=zzzqqq"))
    assert "0 results" in nothing

    too_long = client.get("/search", params={"q": "x" * 201})
    assert too_long.status_code == 400
    assert "200" in text_of(too_long.text)
    assert client.get("/search", params={"q": "x" * 200}).status_code == 200


def test_home(client: TestClient, seeded_store: Store) -> None:
    html = get_ok(client, "/")
    text = text_of(html)
    counts = queries.counts(seeded_store)
    assert f"{counts['works']} works" in text
    assert f"{counts['authors']} researchers" in text
    assert f"{counts['institutions']} institutions" in text
    assert 'href="/daily/2025-06-11"' in html
    ada = author_id(seeded_store, ADA_ORCID)
    assert f'href="/authors/{public_id("author", ada)}"' in html
    assert 'action="/search"' in html

    listing = text_of(get_ok(client, "/authors"))
    assert "Ada Lovelace" in listing and "Nemo Nobody" in listing


# --- every page: headers, no inline code, one h1, a unique title ----------------------------------
PAGES = [
    "/",
    "/authors",
    "/authors/orcid:0000-0002-1825-0097",
    "/works/W1001",
    "/works/W1003",
    "/works/W1006",
    "/daily/2025-06-10",
    "/daily/2025-04-01",
    "/search?q=",
    "/search?q=trust",
    "/authors/PA999999",
    "/daily/not-a-date",
    "/no/such/page",
]


def test_every_page_is_strict_and_well_formed(client: TestClient) -> None:
    titles: dict[str, str] = {}
    for url in PAGES:
        r = client.get(url, follow_redirects=True)
        html = r.text
        csp = r.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "style-src 'self'" in csp, url
        assert r.headers.get("x-content-type-options") == "nosniff"
        assert re.search(r"<script", html, re.IGNORECASE) is None, url
        assert re.search(r"<style", html, re.IGNORECASE) is None, url
        assert re.search(r"\sstyle\s*=", html, re.IGNORECASE) is None, url
        assert re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE) is None, url  # no inline handlers
        parsed = parse(html)
        assert parsed.h1 == 1, url
        assert 'href="#main"' in html and 'id="main"' in html, url  # skip link
        assert '<html lang="en">' in html
        title = title_of(html)
        assert title and title not in titles.values(), (url, title)
        titles[url] = title


def test_static_files(client: TestClient) -> None:
    css = client.get("/static/peerscope.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "prefers-color-scheme: dark" in css.text and ":focus-visible" in css.text
    assert client.get("/static/favicon.svg").status_code == 200


# --- pagination -----------------------------------------------------------------------------------
PROLIFIC = 25


def _prolific_records() -> list[dict]:
    """25 works by one author, built from the first sample record."""
    template = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
    records = []
    for i in range(PROLIFIC):
        rec = copy.deepcopy(template)
        oa = f"W{9000 + i}"
        rec["id"] = f"https://openalex.org/{oa}"
        rec["doi"] = f"https://doi.org/10.9999/probe.{i}"
        rec["ids"] = {"openalex": rec["id"], "doi": rec["doi"]}
        rec["title"] = rec["display_name"] = f"Pagination probe number {i:02d}"
        rec["publication_date"] = f"2022-{1 + i % 12:02d}-{1 + i:02d}"
        rec["publication_year"] = 2022
        rec["referenced_works"] = []
        rec["authorships"] = [
            {
                "author_position": "first",
                "author": {"id": "https://openalex.org/A777", "display_name": "Pat Prolific", "orcid": None},
                "institutions": [],
                "countries": [],
                "is_corresponding": True,
                "raw_author_name": "Pat Prolific",
                "raw_affiliation_strings": [],
                "affiliations": [],
            }
        ]
        records.append(rec)
    return records


@pytest.fixture
def prolific_client(client: TestClient, seeded_store: Store, tmp_path: Path) -> TestClient:
    path = tmp_path / "prolific.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in _prolific_records()) + "\n", encoding="utf-8")
    ingest_openalex(seeded_store, [path])
    return client


def test_profile_works_paginate(prolific_client: TestClient, seeded_store: Store) -> None:
    pat = public_id("author", author_id(seeded_store, "A777"))
    first = get_ok(prolific_client, f"/authors/{pat}")
    assert f"{PROLIFIC} published item(s)" in text_of(first)
    assert len(re.findall(r'class="work-card__title"', first)) == 20
    assert f'href="/authors/{pat}?page=2#works"' in first

    second = get_ok(prolific_client, f"/authors/{pat}?page=2")
    assert len(re.findall(r'class="work-card__title"', second)) == PROLIFIC - 20
    assert f'href="/authors/{pat}#works"' in second  # back to page 1
    assert title_of(first) != title_of(second)
    shown = set(re.findall(r"Pagination probe number \d\d", first + second))
    assert len(shown) == PROLIFIC

    assert prolific_client.get(f"/authors/{pat}?page=3").status_code == 404
    assert prolific_client.get(f"/authors/{pat}?page=0").status_code == 400
    assert prolific_client.get(f"/authors/{pat}?page=two").status_code == 400


def test_search_results_paginate(prolific_client: TestClient) -> None:
    first = get_ok(prolific_client, "/search?q=pagination+probe")
    assert f"{PROLIFIC} results" in text_of(first)
    assert len(re.findall(r'class="work-card__title"', first)) == 20
    assert 'href="/search?q=pagination+probe&amp;page=2"' in first
    second = get_ok(prolific_client, "/search?q=pagination+probe&page=2")
    assert len(re.findall(r'class="work-card__title"', second)) == PROLIFIC - 20
    assert prolific_client.get("/search?q=pagination+probe&page=3").status_code == 404


def test_researcher_list_paginates(prolific_client: TestClient, seeded_store: Store) -> None:
    html = get_ok(prolific_client, "/authors")
    # Pat has the most works, so is listed first.
    first_link = re.search(r'<a href="(/authors/PA\d+)">', html.split('id="main"', 1)[1])
    assert first_link and first_link.group(1) == f"/authors/{public_id('author', author_id(seeded_store, 'A777'))}"
