"""The one registry of what each entity list supports: every field, its type, what it can do
(filter, sort, group_by, search), the names OpenAlex also accepts for it, and the store key it
reads. Parsers, error messages, the docs and the conformance test against OpenAlex's published
property list all read this table; our extensions sit beside OpenAlex's fields, marked.
"""

from __future__ import annotations

from dataclasses import dataclass

F, S, G = "filter", "sort", "group_by"

# the operators OpenAlex lists for each type (its property snapshot's ``operators``)
OPERATORS = {
    "number": frozenset({"eq", "not", "null", "or", "range"}),
    "string": frozenset({"eq", "not", "null", "or"}),
    "openalex_id": frozenset({"eq", "not", "null", "or"}),
    "boolean": frozenset({"eq", "null"}),
    "date": frozenset({"date_range", "eq", "null"}),
    "datetime": frozenset({"date_range", "eq", "null"}),
    "search": frozenset({"search"}),
}


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: str  # number, string, openalex_id, boolean, date, datetime, search
    actions: frozenset[str]
    key: str  # the store key (peerscope.store.oa_query.FIELDS), or the search target
    aliases: tuple[str, ...] = ()
    bound: str | None = None  # "from" / "to" for from_…/to_… date filters
    case: str | None = None  # "lower" / "upper": values are compared in that case
    extension: bool = False  # ours, not OpenAlex's
    choices: tuple[str, ...] = ()  # the allowed values, when the set is closed
    description: str = ""

    @property
    def operators(self) -> frozenset[str]:
        return OPERATORS[self.type]


def _f(name: str, type_: str, actions: str, key: str, *aliases: str, **kw) -> Field:  # type: ignore[no-untyped-def]
    acts = frozenset({"f": F, "s": S, "g": G, "q": "search"}[c] for c in actions)
    return Field(name, type_, acts, key, tuple(aliases), **kw)


def _dates(entity: str, name: str, key: str, type_: str = "date") -> list[Field]:
    return [
        _f(f"from_{name}", type_, "f", key, bound="from", description=f"{name} on or after"),
        _f(f"to_{name}", type_, "f", key, bound="to", description=f"{name} on or before"),
    ]


@dataclass(frozen=True, slots=True)
class Entity:
    name: str  # the URL segment: works, authors, ...
    kind: str  # our entity kind: work, author, ...
    fields: tuple[Field, ...]
    default_search: str  # how search= reads: "titles" (the title index) or "names"

    def field(self, name: str) -> Field | None:
        return _INDEX[self.name].get(name)

    def names_for(self, action: str) -> list[str]:
        return sorted(f.name for f in self.fields if action in f.actions)


ENTITIES: dict[str, Entity] = {
    "works": Entity("works", "work", (
        _f("publication_year", "number", "fsg", "works.publication_year"),
        _f("publication_date", "date", "fs", "works.publication_date"),
        *_dates("works", "publication_date", "works.publication_date"),
        _f("created_date", "date", "f", "works.created_date"),
        *_dates("works", "created_date", "works.created_date"),
        *_dates("works", "updated_date", "works.updated_date", "datetime"),
        _f("type", "string", "fsg", "works.type", case="lower"),
        _f("language", "string", "fsg", "works.language", case="lower"),
        _f("open_access.is_oa", "boolean", "fsg", "works.is_oa", "is_oa"),
        _f("open_access.oa_status", "string", "fsg", "works.oa_status", "oa_status", case="lower"),
        _f("is_retracted", "boolean", "fsg", "works.is_retracted"),
        _f("cited_by_count", "number", "fsg", "works.cited_by_count"),
        _f("display_name", "string", "s", "works.title"),
        _f("has_abstract", "boolean", "fg", "works.has_abstract"),
        _f("has_doi", "boolean", "fg", "works.has_doi"),
        _f("doi", "string", "f", "works.doi"),
        _f("ids.openalex", "openalex_id", "f", "works.id", "openalex", "openalex_id"),
        _f("authorships.author.id", "openalex_id", "fg", "works.author_id", "author.id"),
        _f("authorships.institutions.id", "openalex_id", "fg", "works.institution_id", "institutions.id", "institution.id"),
        _f("authorships.institutions.country_code", "string", "fg", "works.institution_country", "institutions.country_code", case="upper"),
        _f("authorships.institutions.type", "string", "fg", "works.institution_type", "institutions.type", case="lower"),
        _f("primary_location.source.id", "openalex_id", "fg", "works.source_id", "journal"),
        _f("primary_location.source.type", "string", "fg", "works.source_type", case="lower"),
        _f("topics.id", "openalex_id", "fg", "works.topic_id"),
        _f("referenced_works", "openalex_id", "f", "works.cites", "cites"),
        _f("cited_by", "openalex_id", "f", "works.cited_by"),
        _f("display_name.search", "search", "q", "titles", "title.search"),
        _f("has_flags", "boolean", "fg", "works.has_flags", extension=True, description="Works with integrity flags (a signal, not a verdict)."),
    ), "titles"),
    "authors": Entity("authors", "author", (
        _f("display_name", "string", "s", "authors.display_name"),
        _f("display_name.search", "search", "q", "names"),
        _f("orcid", "string", "fsg", "authors.orcid"),
        _f("has_orcid", "boolean", "fg", "authors.has_orcid"),
        _f("works_count", "number", "fsg", "authors.works_count"),
        _f("ids.openalex", "openalex_id", "f", "authors.id", "openalex", "openalex_id", "id"),
        _f("last_known_institutions.id", "openalex_id", "fg", "authors.institution_id"),
        _f("last_known_institutions.country_code", "string", "fg", "authors.institution_country", case="upper"),
        _f("last_known_institutions.type", "string", "fg", "authors.institution_type", case="lower"),
        *_dates("authors", "created_date", "authors.created_date"),
        *_dates("authors", "updated_date", "authors.updated_date", "datetime"),
        _f("trust_band", "string", "fsg", "authors.trust_band", extension=True, choices=("New", "Emerging", "Established", "Trusted", "Highly trusted"), description="Band of the latest trust snapshot."),
        _f("trust_score", "number", "fs", "authors.trust_score", extension=True, description="Score (0–100) of the latest trust snapshot."),
        _f("verification_level", "string", "fsg", "authors.verification_level", extension=True, choices=("L0", "L1", "L2", "L3"), description="L0 Unverified … L3 Verified."),
        _f("claimed", "boolean", "fg", "authors.claimed", extension=True, description="The profile is claimed by its person."),
    ), "names"),
    "institutions": Entity("institutions", "institution", (
        _f("display_name", "string", "s", "institutions.display_name"),
        _f("display_name.search", "search", "q", "names"),
        _f("country_code", "string", "fsg", "institutions.country_code", case="upper"),
        _f("type", "string", "fsg", "institutions.type", case="lower"),
        _f("ror", "string", "f", "institutions.ror"),
        _f("has_ror", "boolean", "fg", "institutions.has_ror"),
        _f("ids.openalex", "openalex_id", "f", "institutions.id", "openalex", "openalex_id", "id"),
    ), "names"),
    "sources": Entity("sources", "source", (
        _f("display_name", "string", "s", "sources.display_name"),
        _f("display_name.search", "search", "q", "names"),
        _f("type", "string", "fsg", "sources.type", case="lower"),
        _f("issn_l", "string", "fsg", "sources.issn_l", case="upper"),
        _f("has_issn", "boolean", "fg", "sources.has_issn"),
        _f("ids.openalex", "openalex_id", "f", "sources.id", "openalex", "openalex_id"),
    ), "names"),
    "topics": Entity("topics", "topic", (
        _f("display_name", "string", "s", "topics.display_name"),
        _f("display_name.search", "search", "q", "names"),
        _f("ids.openalex", "openalex_id", "f", "topics.id", "openalex", "id"),
    ), "names"),
}

_INDEX: dict[str, dict[str, Field]] = {}
for _e in ENTITIES.values():
    names: dict[str, Field] = {}
    for _fld in _e.fields:
        for _n in (_fld.name, *_fld.aliases):
            assert _n not in names, f"{_e.name}: {_n} declared twice"
            names[_n] = _fld
    _INDEX[_e.name] = names


def entity(name: str) -> Entity:
    return ENTITIES[name]
