"""Reading the SolidLab ODRL test suite: each case's policy, request, state of the world and expected report.

A case file (`test_cases/*.ttl`) names its policy, request and state of the world by IRI and holds the
expected compliance report; `index.ttl` says which files of `policies/`, `requests/` and `sotw/` hold
them. The state of the world gives the current time (`temp:currentTime dct:issued`), memberships
(`X odrl:partOf Y`) and the states of duties (a `report:DutyReport` on the duty, with a deontic state).
"""

import functools
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from policy import DutyState, Request
from policy.values import parse_datetime

SUITE = Path(__file__).resolve().parents[3] / "shared" / "standards" / "odrl" / "solidlab-odrl-test-suite"
CASE_FILES = sorted((SUITE / "test_cases").glob("*.ttl"))

EX = Namespace("http://example.org/")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
REPORT = Namespace("https://w3id.org/force/compliance-report#")
CURRENT_TIME = URIRef("http://example.com/request/currentTime")
DEONTIC_STATES = {REPORT.Fulfilled: DutyState.FULFILLED, REPORT.Violated: DutyState.VIOLATED}


@dataclass(frozen=True)
class ExpectedPremise:
    """A premise report of the expected report; `constraint` and the operands only for constraints."""

    kind: str
    satisfied: bool
    constraint: str | None = None
    left_value: Literal | None = None
    operator: str | None = None
    right_operand: Literal | None = None


@dataclass(frozen=True)
class ExpectedRule:
    """A rule report of the expected report."""

    rule: str
    kind: str
    activation: str
    premises: tuple[ExpectedPremise, ...]
    dangling_premises: int


@dataclass(frozen=True)
class Case:
    """One test case, ready to evaluate."""

    name: str
    title: str
    policy_file: Path
    request: Request
    rules: tuple[ExpectedRule, ...]
    constraints: dict[str, ExpectedPremise] = field(default_factory=dict)


@functools.cache
def graph_of(path: Path) -> Graph:
    """A suite file as an rdflib graph, parsed once per test session."""
    return Graph().parse(path, format="turtle")


def load_case(case_file: Path) -> Case:
    """A case file with everything it refers to."""
    graph = graph_of(case_file)
    case = next(iter(graph.subjects(RDF.type, EX.TestCase)))
    sources = {
        kind: _local_file(graph_of(SUITE / "index.ttl").value(case, EX[f"{kind}Source"]))
        for kind in ("policy", "request", "sotw")
    }
    report = graph.value(case, EX.expectedReport)
    rules = tuple(_expected_rule(graph, node) for node in sorted(graph.objects(report, REPORT.ruleReport)))
    constraints = {
        str(graph.value(node, REPORT.constraint)): _expected_premise(graph, node)
        for node in graph.subjects(RDF.type, REPORT.ConstraintReport)
    }
    return Case(
        name=case_file.stem,
        title=str(graph.value(case, DCTERMS.title)),
        policy_file=sources["policy"],
        request=_request(graph_of(sources["request"]), graph_of(sources["sotw"])),
        rules=rules,
        constraints=constraints,
    )


def _local_file(source: object) -> Path:
    """`.../data/policies/policy-1.ttl` in the index as the file of this copy of the suite."""
    folder, name = str(source).split("/")[-2:]
    return SUITE / folder / name


def _request(request: Graph, world: Graph) -> Request:
    policy_request = next(iter(request.subjects(RDF.type, ODRL.Request)))
    rule = request.value(policy_request, ODRL.permission)
    part_of: dict[str, set[str]] = {}
    for member, collection in world.subject_objects(ODRL.partOf):
        part_of.setdefault(str(member), set()).add(str(collection))
    duty_states = {
        str(world.value(node, REPORT.rule)): DEONTIC_STATES[state]
        for node in world.subjects(RDF.type, REPORT.DutyReport)
        if (state := world.value(node, REPORT.deonticState)) in DEONTIC_STATES
    }
    return Request(
        action=str(request.value(rule, ODRL.action)),
        assignee=str(request.value(rule, ODRL.assignee)),
        target=str(request.value(rule, ODRL.target)),
        time=parse_datetime(str(world.value(CURRENT_TIME, DCTERMS.issued))),
        part_of=part_of,
        duty_states=duty_states,
    )


def _expected_rule(graph: Graph, node: object) -> ExpectedRule:
    linked = list(graph.objects(node, REPORT.premiseReport))
    described = [premise for premise in linked if (premise, RDF.type, None) in graph]
    return ExpectedRule(
        rule=str(graph.value(node, REPORT.rule)),
        kind=_name(graph.value(node, RDF.type)).removesuffix("Report"),
        activation=_name(graph.value(node, REPORT.activationState)),
        premises=tuple(_expected_premise(graph, premise) for premise in described),
        dangling_premises=len(linked) - len(described),
    )


def _expected_premise(graph: Graph, node: object) -> ExpectedPremise:
    constraint = graph.value(node, REPORT.constraint)
    operator = graph.value(node, REPORT.constraintOperator) or graph.value(
        node, REPORT.constraintLogicalOperand
    )
    return ExpectedPremise(
        kind=_name(graph.value(node, RDF.type)).removesuffix("Report"),
        satisfied=graph.value(node, REPORT.satisfactionState) == REPORT.Satisfied,
        constraint=None if constraint is None else str(constraint),
        left_value=graph.value(node, REPORT.constraintLeftOperand),
        operator=None if operator is None else _name(operator),
        right_operand=graph.value(node, REPORT.constraintRightOperand),
    )


def _name(iri: object) -> str:
    text = str(iri)
    return text[max(text.rfind("#"), text.rfind("/")) + 1 :]
