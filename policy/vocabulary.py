"""The ODRL 2.2 vocabulary, read once from the copy shipped beside this module (see README.md)."""

import functools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from policy.terms import ODRL, RDF

VOCABULARY_FILE = Path(__file__).with_name("ODRL22.ttl")
SKOS_EXACT_MATCH = "http://www.w3.org/2004/02/skos/core#exactMatch"
RDFS_SUB_PROPERTY_OF = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
OWL_OBJECT_PROPERTY = "http://www.w3.org/2002/07/owl#ObjectProperty"


@dataclass(frozen=True)
class Vocabulary:
    """What the evaluator needs from ODRL22.ttl; ODRL terms by local name, others by full IRI."""

    actions: frozenset[str]
    left_operands: frozenset[str]
    properties: frozenset[str]
    party_functions: frozenset[str]
    included_in: Mapping[str, frozenset[str]]
    implies: Mapping[str, frozenset[str]]
    exact_match: Mapping[str, str]


def _term(iri: str) -> str:
    return iri[len(ODRL) :] if iri.startswith(ODRL) else iri


@functools.cache
def vocabulary() -> Vocabulary:
    """The vocabulary, parsed on first use (a few milliseconds) and kept for the process."""
    types: dict[str, set[str]] = defaultdict(set)
    links: dict[str, dict[str, set[str]]] = {
        name: defaultdict(set) for name in ("includedIn", "implies", "exactMatch", "subPropertyOf")
    }
    for triple in ox.parse(path=VOCABULARY_FILE, format=ox.RdfFormat.TURTLE):
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode) or not isinstance(obj, ox.NamedNode):
            continue
        if predicate == RDF + "type":
            types[obj.value].add(_term(subject.value))
        elif predicate == ODRL + "includedIn":
            links["includedIn"][_term(subject.value)].add(_term(obj.value))
        elif predicate == ODRL + "implies":
            links["implies"][_term(subject.value)].add(_term(obj.value))
        elif predicate == SKOS_EXACT_MATCH:
            links["exactMatch"][_term(subject.value)].add(_term(obj.value))
        elif predicate == RDFS_SUB_PROPERTY_OF:
            links["subPropertyOf"][_term(subject.value)].add(_term(obj.value))
    actions = frozenset(types[ODRL + "Action"])
    replacements = {
        action: min(targets) for action, targets in links["exactMatch"].items() if action in actions
    }
    return Vocabulary(
        actions=actions,
        left_operands=frozenset(types[ODRL + "LeftOperand"]),
        properties=frozenset(types[RDF + "Property"] | types[OWL_OBJECT_PROPERTY]),
        party_functions=frozenset(
            prop
            for prop, parents in links["subPropertyOf"].items()
            if "function" in parents and prop not in ("assigner", "assignee")
        ),
        included_in={action: frozenset(broader) for action, broader in links["includedIn"].items()},
        implies={action: frozenset(implied) for action, implied in links["implies"].items()},
        exact_match=replacements,
    )
