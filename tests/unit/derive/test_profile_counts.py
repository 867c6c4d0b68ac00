from __future__ import annotations

from peerscope.derive.profile_counts import CollaborationRule, compute_author, inputs_hash
from peerscope.store.derived import WorkFact


def fact(work: int, year: int, authors: tuple[int, ...], topics=((1, 0.9),), insts=(), size: int | None = None) -> WorkFact:
    return WorkFact(work, year, authors, size or len(authors), tuple(topics), tuple(insts))


def test_close_collaborators_need_two_joint_small_works() -> None:
    facts = [
        fact(1, 2020, (1, 2, 3)),
        fact(2, 2021, (1, 2)),
        fact(3, 2022, (1, 3), size=300),  # consortium paper: does not make 3 close
        fact(4, 2023, (1, 4)),
    ]
    d = compute_author(1, facts, CollaborationRule(min_joint_works=2, max_authors=25))
    close = {c[0] for c in d.collaborators if c[4]}
    assert close == {2}
    assert d.close_collaborators_count == 1
    joint = {c[0]: c[1] for c in d.collaborators}
    assert joint == {2: 2, 3: 2, 4: 1}
    assert {c[0]: (c[2], c[3]) for c in d.collaborators}[3] == (2020, 2022)


def test_counts_topics_years_and_latest_institution() -> None:
    facts = [
        fact(1, 2019, (1,), topics=((10, 0.9), (11, 0.3)), insts=(100,)),
        fact(2, 2024, (1,), topics=((10, 0.6), (12, 0.8)), insts=(200,)),
        fact(3, 2022, (1,), topics=()),
    ]
    d = compute_author(1, facts, CollaborationRule())
    assert d.works_count == 3
    assert d.topics_count == 2  # topic 11 is below the score threshold
    assert (d.first_year, d.last_year) == (2019, 2024)
    assert d.last_institution_id == 200
    assert dict((t, n) for t, n, _ in d.topics) == {10: 2, 12: 1}


def test_inputs_hash_changes_with_inputs_and_rule() -> None:
    keys = [(1, 10, ""), (2, 11, "")]
    base = inputs_hash(keys, CollaborationRule())
    assert base == inputs_hash(list(keys), CollaborationRule())
    assert base != inputs_hash([(1, 10, ""), (2, 12, "")], CollaborationRule())  # a work rebuilt from a new payload
    assert base != inputs_hash([(1, 10, ""), (2, 11, "7=0.8")], CollaborationRule())  # a work placed in a derived topic
    assert base != inputs_hash([(1, 10, "")], CollaborationRule())
    assert base != inputs_hash(keys, CollaborationRule(min_joint_works=3))
