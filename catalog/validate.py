"""SHACL validation against the official DCAT-AP 3.0.1 shapes shipped in ``catalog/shapes``.

The shapes are parsed once per process and pyshacl's compiled view of them is reused between calls
(building it costs about as much as validating a dataset). Validation runs without inference, on a
graph read by our own safe parser, and is meant for small graphs: one dataset, one feed page.

:func:`validate_dataset` is what the app calls before publishing: it writes the record as we would
publish it and returns the violations with the property path from the dataset to each failing value
(``dcat:distribution/dcat:accessURL``), so a form can point at the field.
"""

from __future__ import annotations

import threading
import warnings
from collections import deque
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import pyoxigraph as ox
import rdflib
from pyshacl import Validator
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from rdflib.namespace import SH

from catalog.rdf_input import read_quads
from catalog.records import DatasetRecord
from catalog.serialize import Format, serialize_dataset
from catalog.writers import qname

SHAPES_DIR: Final = Path(__file__).resolve().parent / "shapes"
#: Mandatory, recommended (severity Warning) and range shapes: what "conformant" means here.
DEFAULT_SHAPES: Final = ("shapes.ttl", "shapes_recommended.ttl", "range.ttl")
#: Adds the checks that concepts come from the EU vocabularies (many real catalogs fail them).
WITH_VOCABULARIES: Final = (*DEFAULT_SHAPES, "mdr-vocabularies.shape.ttl")
_SEVERITY_ORDER: Final = {"Violation": 0, "Warning": 1, "Info": 2}
_SHAPES_LOCK: Final = threading.Lock()


@dataclass(frozen=True, slots=True)
class Violation:
    """One SHACL result: where, which property, how bad, what the shape says and which constraint."""

    focus_node: str
    path: str | None
    severity: str
    message: str
    constraint: str
    value: str | None = None
    property_path: str | None = None


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """All results of a validation; ``conforms`` ignores warnings (recommendations) and infos."""

    results: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        """True when no result has severity Violation."""
        return not self.violations

    @property
    def violations(self) -> tuple[Violation, ...]:
        """Results of severity Violation."""
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """Results of severity Warning (unmet recommendations)."""
        return tuple(r for r in self.results if r.severity == "Warning")

    def failing_paths(self) -> list[str]:
        """The distinct property paths of the violations, from the dataset where known."""
        return sorted({r.property_path or r.path or r.focus_node for r in self.violations})


@cache
def shapes_graph(files: tuple[str, ...] = DEFAULT_SHAPES) -> rdflib.Graph:
    """The shapes graph of ``files`` in ``catalog/shapes``, parsed once per process."""
    graph = rdflib.Graph()
    for name in files:
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


@cache
def _compiled_shapes(files: tuple[str, ...]) -> ShapesGraph:
    compiled = ShapesGraph(shapes_graph(files))
    compiled.shapes  # noqa: B018 - collecting the shapes now is the point of caching
    return compiled


def validate(
    data: bytes | rdflib.Graph,
    fmt: str | None = None,
    *,
    shapes: tuple[str, ...] = DEFAULT_SHAPES,
    root: str | None = None,
) -> ValidationReport:
    """Validate an RDF document (bytes in any syntax, ``fmt`` a hint) or an rdflib graph.

    With ``root`` (a dataset IRI), each result also gets the property path from the root to it.
    Bytes that are not RDF raise :class:`catalog.rdf_input.RdfInputError` (a ValueError).
    """
    graph = data if isinstance(data, rdflib.Graph) else _to_rdflib(read_quads(data, fmt)[1])
    validator = Validator(
        DataGraph.from_rdflib(graph),
        shacl_graph=shapes_graph(shapes),
        options={"inference": "none", "allow_warnings": True, "allow_infos": True},
    )
    # pyshacl's validate() compiles the shapes again on every call; reuse the compiled ones instead
    validator.shacl_graph = _compiled_shapes(shapes)
    with _SHAPES_LOCK:  # the compiled shapes are shared; pyshacl does not promise they are thread-safe
        _, report, _ = validator.run()
    paths = _paths_from(graph, rdflib.URIRef(root)) if root else {}
    results = [
        _violation(report, result, paths) for result in report.subjects(rdflib.RDF.type, SH.ValidationResult)
    ]
    results.sort(
        key=lambda r: (_SEVERITY_ORDER.get(r.severity, 3), r.property_path or "", r.focus_node, r.message)
    )
    return ValidationReport(tuple(results))


def validate_dataset(record: DatasetRecord) -> ValidationReport:
    """Validate a dataset exactly as the node would publish it (``/dataset/<id>``)."""
    return validate(serialize_dataset(record, Format.NTRIPLES), "ntriples", root=record.iri)


def _to_rdflib(quads: list[ox.Quad]) -> rdflib.Graph:
    graph = rdflib.Graph()
    with warnings.catch_warnings():  # rdflib warns about ill-typed literals; SHACL reports them itself
        warnings.simplefilter("ignore")
        for quad in quads:
            subject, obj = quad.subject, quad.object
            if not isinstance(subject, ox.Triple) and not isinstance(obj, ox.Triple):  # no RDF-star
                graph.add((_term(subject), rdflib.URIRef(quad.predicate.value), _term(obj)))
    return graph


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == str(rdflib.XSD.string) else datatype)


def _show(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return qname(str(node)) or str(node)
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    return str(node)


def _show_path(report: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    if isinstance(path, rdflib.BNode):
        inverse = report.value(path, SH.inversePath)
        if inverse is not None:
            return "^" + (_show(inverse) or "?")
        return "(complex path)"
    return _show(path)


def _violation(
    report: rdflib.Graph, result: rdflib.term.Node, paths: dict[rdflib.term.Node, str]
) -> Violation:
    focus = report.value(result, SH.focusNode)
    path = _show_path(report, report.value(result, SH.resultPath))
    severity = str(report.value(result, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1]
    component = str(report.value(result, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1]
    prefix = paths.get(focus) if focus is not None else None
    if prefix is None:
        full_path = None
    elif path:
        full_path = f"{prefix}/{path}" if prefix else path
    else:
        full_path = prefix or None
    return Violation(
        focus_node=_show(focus) or "?",
        path=path,
        severity=severity,
        message=str(report.value(result, SH.resultMessage) or component),
        constraint=component,
        value=_show(report.value(result, SH.value)),
        property_path=full_path,
    )


def _paths_from(graph: rdflib.Graph, root: rdflib.term.Node) -> dict[rdflib.term.Node, str]:
    """Shortest property path (as ``dcat:distribution/dct:license``) from ``root`` to each node."""
    paths: dict[rdflib.term.Node, str] = {root: ""}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        for predicate, obj in sorted(graph.predicate_objects(node)):
            if isinstance(obj, rdflib.Literal) or obj in paths or predicate == rdflib.RDF.type:
                continue
            step = qname(str(predicate)) or f"<{predicate}>"
            paths[obj] = f"{paths[node]}/{step}" if paths[node] else step
            queue.append(obj)
    return paths
