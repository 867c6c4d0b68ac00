from __future__ import annotations

from peerscope.normalize.records import AuthorRef, ExternalId
from peerscope.resolve.identifiers import author_ids, resolve_batch

DOI = lambda v: ExternalId("doi", v)  # noqa: E731
OA = lambda v: ExternalId("openalex", v)  # noqa: E731


def test_new_records_sharing_an_id_form_one_group() -> None:
    matches = resolve_batch("work", [[DOI("10.1/a"), OA("W1")], [OA("W1")], [DOI("10.1/b")]], {})
    assert matches[0].group == matches[1].group != matches[2].group
    assert all(m.entity_id is None for m in matches)


def test_transitive_grouping() -> None:
    matches = resolve_batch("work", [[DOI("10.1/a")], [OA("W2")], [DOI("10.1/a"), OA("W2")]], {})
    assert len({m.group for m in matches}) == 1


def test_stored_entity_found_by_any_id_and_most_trusted_wins() -> None:
    known = {("work", "openalex", "W1"): 7, ("work", "doi", "10.1/a"): 9}
    m = resolve_batch("work", [[OA("W1"), DOI("10.1/a")]], known)[0]
    assert m.entity_id == 9  # the DOI is trusted over the OpenAlex id
    assert m.conflicts == (7,)


def test_other_kind_ids_do_not_match() -> None:
    known = {("author", "openalex", "W1"): 3}
    assert resolve_batch("work", [[OA("W1")]], known)[0].entity_id is None


def test_author_keys_orcid_first_then_source_id_then_byline_slot() -> None:
    ref = AuthorRef(ids=(OA("A1"),), display_name="Ada", orcid="0000-0002-1825-0097")
    assert author_ids(ref, "W9", 0) == [ExternalId("orcid", "0000-0002-1825-0097"), OA("A1")]
    anonymous = AuthorRef(ids=(), display_name="Nemo")
    assert author_ids(anonymous, "W9", 3) == [ExternalId("mention", "W9#3")]


def test_orcid_links_two_source_ids() -> None:
    orcid = ExternalId("orcid", "0000-0002-1825-0097")
    matches = resolve_batch("author", [[orcid, OA("A100")], [OA("A100")], [orcid, OA("A199")]], {})
    assert len({m.group for m in matches}) == 1
