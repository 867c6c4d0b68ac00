"""arXiv's category taxonomy placed in the topic hierarchy (domain > field > subfield > topic).

Each arXiv archive sits under the OpenAlex field that covers it (``ARCHIVE_PLACE``); an archive
with subject classes becomes a subfield (unless it *is* the field, as Computer Science is) and
each category a topic named with its code, e.g. "Machine Learning (cs.LG)"; an archive without
subject classes is itself one category, a topic directly under its field. Withdrawn categories
are kept (old records still carry them) but marked inactive."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

PHYSICAL, LIFE, SOCIAL = "Physical Sciences", "Life Sciences", "Social Sciences"
PHYSICS = "Physics and Astronomy"
# archive -> (domain, field): the OpenAlex field that covers it
ARCHIVE_PLACE: dict[str, tuple[str, str]] = {
    **{a: (PHYSICAL, PHYSICS) for a in (
        "acc-phys", "ao-sci", "astro-ph", "atom-ph", "chem-ph", "comp-gas", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
        "hep-th", "mtrl-th", "nlin", "nucl-ex", "nucl-th", "physics", "plasm-ph", "quant-ph", "supr-con", "adap-org", "chao-dyn",
        "patt-sol", "solv-int")},
    **{a: (PHYSICAL, "Mathematics") for a in ("math", "math-ph", "alg-geom", "dg-ga", "funct-an", "q-alg", "stat", "bayes-an")},
    "cs": (PHYSICAL, "Computer Science"),
    "cmp-lg": (PHYSICAL, "Computer Science"),
    "eess": (PHYSICAL, "Engineering"),
    "q-bio": (LIFE, "Biochemistry, Genetics and Molecular Biology"),
    "q-fin": (SOCIAL, "Economics, Econometrics and Finance"),
    "econ": (SOCIAL, "Economics, Econometrics and Finance"),
}
SKIPPED_ARCHIVES = frozenset({"test"})  # arXiv's own test archive


@dataclass(frozen=True, slots=True)
class Category:
    code: str  # "cs.LG", or the archive alone ("hep-th")
    archive: str
    name: str
    active: bool


@dataclass(frozen=True, slots=True)
class Node:
    """A node to find or create: its level, name and the path of its ancestors' (level, name)."""

    level: str
    name: str
    parents: tuple[tuple[str, str], ...]
    arxiv_code: str | None = None  # the external id it answers to, for arXiv nodes

    @property
    def path(self) -> tuple[tuple[str, str], ...]:
        return (*self.parents, (self.level, self.name))


@lru_cache(maxsize=1)
def categories() -> tuple[Category, ...]:
    """Every category of the packaged table, archives with subject classes included as archives."""
    text = resources.files("peerscope.derive.topics").joinpath("data/arxiv_categories.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        archive, subject, active, name = line.split("\t")
        out.append(Category(f"{archive}.{subject}" if subject else archive, archive, name.strip(), active == "1"))
    return tuple(out)


def hierarchy() -> list[Node]:
    """The nodes arXiv's taxonomy adds, parents before children."""
    cats = [c for c in categories() if c.archive not in SKIPPED_ARCHIVES]
    with_classes = {c.archive for c in cats if c.code != c.archive}
    names = {c.archive: c.name for c in cats if c.code == c.archive}
    nodes: dict[tuple[tuple[str, str], ...], Node] = {}

    def add(node: Node) -> None:
        nodes.setdefault(node.path, node)

    for c in cats:
        if c.archive not in ARCHIVE_PLACE:
            raise ValueError(f"arXiv archive {c.archive!r} has no place in the topic hierarchy (ARCHIVE_PLACE)")
        domain, field = ARCHIVE_PLACE[c.archive]
        add(Node("domain", domain, ()))
        add(Node("field", field, (("domain", domain),)))
        parents: tuple[tuple[str, str], ...] = (("domain", domain), ("field", field))
        if c.archive in with_classes:
            archive_name = names.get(c.archive, c.archive)
            if archive_name != field:
                add(Node("subfield", archive_name, parents, arxiv_code=c.archive))
                parents = (*parents, ("subfield", archive_name))
            if c.code == c.archive:
                continue
        add(Node("topic", f"{c.name} ({c.code})", parents, arxiv_code=c.code))
    return sorted(nodes.values(), key=lambda n: len(n.path))


def code_of(label: str) -> str | None:
    """The arXiv category code a work's subject label names ("cs.LG", "hep-th"), or None."""
    label = label.strip()
    known = {c.code for c in categories()}
    return label if label in known else None
