"""A canonical content hash of one dataset's description, to skip what did not change on re-harvest.

The description is the dataset's own triples and those of the resources whose data the record holds
(distributions, publisher, contact points, access services) plus every blank node reachable from
them. Each triple is written as canonical N-Triples, blank nodes relabelled by a hash of their own
content (recursively, so a blank node is named by what it says, not by the parser's random id),
and the sorted, de-duplicated lines are hashed with SHA-256. The same description gives the same
hash whatever the syntax, triple order or blank node ids of the page it came in. (Blank nodes that
form a cycle, which DCAT descriptions do not need, are labelled in the order they are met.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

from catalog.graph_index import GraphIndex, Subject, Value
from catalog.vocab import DCAT, DCT

#: Links from a dataset (or a distribution) to resources whose description belongs to the record.
OWNED_LINKS = (DCAT.distribution, DCT.publisher, DCAT.contactPoint, DCAT.accessService)
#: Statements about shared resources that depend on which other datasets share the page.
PAGE_DEPENDENT = frozenset({DCAT.servesDataset, DCAT.dataset})


class _Canonicaliser:
    def __init__(self, index: GraphIndex) -> None:
        self.index = index
        self.labels: dict[ox.BlankNode, str] = {}

    def term(self, value: Value, visiting: frozenset[ox.BlankNode] = frozenset()) -> str:
        if isinstance(value, ox.BlankNode):
            return self.blank_label(value, visiting)
        return str(value)

    def blank_label(self, node: ox.BlankNode, visiting: frozenset[ox.BlankNode]) -> str:
        known = self.labels.get(node)
        if known is not None:
            return known
        if node in visiting:
            return "_:cycle"
        inner = visiting | {node}
        lines = sorted(
            f"<{p}> {self.term(o, inner)}"
            for p, objects in self.index.props.get(node, {}).items()
            for o in objects
        )
        label = "_:c" + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32]
        self.labels[node] = label
        return label


def description_subjects(index: GraphIndex, root: Subject) -> list[Subject]:
    """The root, the resources it owns (two levels deep) and all blank nodes reachable from them."""
    seen: dict[Subject, None] = {root: None}
    frontier = [root]
    for _ in range(2):
        nxt = []
        for subject in frontier:
            props = index.props.get(subject, {})
            for link in OWNED_LINKS:
                for value in props.get(link, ()):
                    if isinstance(value, ox.NamedNode | ox.BlankNode) and value not in seen:
                        seen[value] = None
                        nxt.append(value)
        frontier = nxt
    stack = list(seen)
    while stack:
        for objects in index.props.get(stack.pop(), {}).values():
            for value in objects:
                if isinstance(value, ox.BlankNode) and value not in seen:
                    seen[value] = None
                    stack.append(value)
    return list(seen)


def canonical_ntriples(index: GraphIndex, subjects: Iterable[Subject]) -> list[str]:
    """Sorted canonical N-Triples of the subjects' triples (the first is the root; of the others, the
    statements that depend on the rest of the page, such as ``dcat:servesDataset``, are left out)."""
    canon = _Canonicaliser(index)
    subjects = list(subjects)
    root = subjects[0] if subjects else None
    lines = {
        f"{canon.term(s)} <{p}> {canon.term(o)} ."
        for s in subjects
        for p, objects in index.props.get(s, {}).items()
        if s == root or p not in PAGE_DEPENDENT
        for o in objects
    }
    return sorted(lines)


def content_hash(index: GraphIndex, root: Subject) -> str:
    """The SHA-256 (hex) of the canonical N-Triples of ``root``'s description."""
    lines = canonical_ntriples(index, description_subjects(index, root))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
