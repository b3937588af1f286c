"""Reading a policy from RDF (an rdflib graph or Turtle text).

The policy's ODRL triples are turned into the compact JSON-LD shape `parse_policy` reads, so both forms
share one set of checks and error paths. RDF gives multi-valued properties in no order; they are sorted
by node so that paths such as `permission[0]` stay the same from run to run.
"""

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF as RDF_NS

from policy.errors import PolicyError
from policy.model import Policy
from policy.terms import ODRL, POLICY_TYPES

NESTED = frozenset(
    {"permission", "prohibition", "obligation", "duty", "remedy", "consequence", "constraint", "refinement"}
    | {"or", "xone", "and", "andSequence"}
)
MAX_DEPTH = 32


def policy_from_turtle(text: str, uid: str | None = None) -> Policy:
    """The policy in a Turtle document (the one named `uid` if the document holds several)."""
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as error:  # rdflib raises a variety of parser errors
        raise PolicyError("", f"not Turtle: {error}") from None
    return policy_from_graph(graph, uid)


def policy_from_graph(graph: Graph, uid: str | None = None) -> Policy:
    """The policy in an rdflib graph (the one named `uid` if the graph holds several)."""
    from policy.parse import parse_policy  # parse re-exports this module's functions

    return parse_policy(_GraphReader(graph).document(_policy_node(graph, uid)))


def _policy_node(graph: Graph, uid: str | None) -> URIRef | BNode:
    if uid is not None:
        node = URIRef(uid)
        if (node, None, None) not in graph:
            raise PolicyError("", f"the graph has no policy {uid}")
        return node
    types = [URIRef(ODRL + name) for name in (*POLICY_TYPES, "Policy")]
    nodes = sorted({node for kind in types for node in graph.subjects(RDF_NS.type, kind)}, key=str)
    if len(nodes) != 1:
        raise PolicyError("", f"the graph holds {len(nodes)} policies; name the one to read")
    found = nodes[0]
    if not isinstance(found, URIRef | BNode):  # pragma: no cover - literals cannot be subjects
        raise PolicyError("", "a policy is an IRI or a blank node")
    return found


class _GraphReader:
    """Turns the ODRL triples about a node into the JSON-LD shape `parse_policy` reads."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def document(self, node: URIRef | BNode, depth: int = 0) -> dict[str, Any]:
        """A node's ODRL properties as a JSON-LD object; other vocabularies' properties are left out."""
        if depth > MAX_DEPTH:
            raise PolicyError("", "the policy nests deeper than any real policy does (a cycle?)")
        out: dict[str, Any] = {}
        uids = list(self.graph.objects(node, URIRef(ODRL + "uid")))
        if isinstance(node, URIRef) and not uids:
            out["@id"] = str(node)
        types = sorted(
            str(kind) for kind in self.graph.objects(node, RDF_NS.type) if str(kind).startswith(ODRL)
        )
        if types:
            out["@type"] = _specific(types)
        values: dict[str, list[Any]] = {}
        for predicate, obj in self.graph.predicate_objects(node):
            name = str(predicate)
            if not name.startswith(ODRL):
                continue
            key = name[len(ODRL) :]
            values.setdefault(key, []).append(self.value(key, obj, depth))
        for key, items in values.items():
            items.sort(key=_sort_key)
            if len(items) == 1 and (key not in NESTED or _is_list(items[0])):
                out[key] = items[0]["@list"] if key in NESTED else items[0]
            else:
                out[key] = items
        return out

    def value(self, key: str, obj: Any, depth: int) -> Any:
        if isinstance(obj, Literal):
            if obj.datatype is None:
                return str(obj)
            return {"@value": str(obj), "@type": str(obj.datatype)}
        if self.is_list(obj):
            return {"@list": [self.value(key, item, depth + 1) for item in Collection(self.graph, obj)]}
        if key in NESTED:
            return self.document(obj, depth + 1)
        if key == "action" and (obj, RDF_NS.value, None) in self.graph:
            action = self.document(obj, depth + 1)
            action["rdf:value"] = {"@id": str(self.graph.value(obj, RDF_NS.value))}
            action.pop("@id", None)
            action.pop("@type", None)
            return action
        if isinstance(obj, BNode):
            raise PolicyError("", f"odrl:{key} refers to a blank node; an IRI is expected")
        return {"@id": str(obj)}

    def is_list(self, obj: Any) -> bool:
        return obj == RDF_NS.nil or (obj, RDF_NS.first, None) in self.graph


def _specific(types: list[str]) -> str:
    """The most specific ODRL class among a node's types (Offer rather than Policy)."""
    generic = {ODRL + "Policy", ODRL + "Rule"}
    return next((kind for kind in types if kind not in generic), types[0])


def _is_list(item: Any) -> bool:
    return isinstance(item, dict) and "@list" in item


def _sort_key(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("@id", item.get("uid", item.get("@value", sorted(item.items(), key=str)))))
    return str(item)
