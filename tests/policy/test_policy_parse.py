"""Reading policies from compact JSON-LD and RDF, and writing them back."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from policy_builders import constraint, offer

from policy import (
    Constraint,
    Iri,
    LogicalConstraint,
    Policy,
    PolicyError,
    Rule,
    parse_policy,
    policy_from_turtle,
    to_jsonld,
)
from policy.values import Duration

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_the_dataspace_protocol_example_is_read() -> None:
    policy = parse_policy(
        {
            "@type": "Offer",
            "permission": [
                {"action": "use", "constraint": [constraint("purpose", "eq", "research")]},
            ],
        }
    )
    assert policy == Policy(
        type="Offer",
        permissions=(Rule(action="use", constraints=(Constraint("purpose", "eq", "research"),)),),
    )


def test_prefixed_and_full_iris_mean_the_same_as_bare_names() -> None:
    bare = parse_policy(offer(constraint("dateTime", "lt", "2025-01-01T00:00:00Z")))
    prefixed = parse_policy(
        {
            "@context": {"o": "http://www.w3.org/ns/odrl/2/"},
            "@type": "odrl:Offer",
            "@id": "urn:offer:1",
            "o:permission": [
                {
                    "http://www.w3.org/ns/odrl/2/action": {"@id": "odrl:use"},
                    "odrl:constraint": [
                        {
                            "odrl:leftOperand": {"@id": "https://provider.example/base/dateTime"},
                            "odrl:operator": {"@id": "http://www.w3.org/ns/odrl/2/lt"},
                            "odrl:rightOperand": {"@value": "2025-01-01T00:00:00Z", "@type": "xsd:dateTime"},
                        }
                    ],
                }
            ],
        }
    )
    assert prefixed == bare


def test_right_operands_are_typed_by_their_left_operand() -> None:
    policy = parse_policy(
        offer(
            constraint("dateTime", "gteq", "2024-01-01"),
            constraint("elapsedTime", "lteq", "P30D"),
            constraint("count", "lteq", "100"),
            constraint("payAmount", "gteq", "10.50", unit="EUR"),
            constraint("payAmount", "gteq", 10, unit="http://example.org/currency/EUR"),
            constraint("percentage", "lt", 12.5),
            constraint(
                "spatial",
                "isAnyOf",
                ["CN", {"@id": "http://publications.europa.eu/resource/authority/country/DEU"}],
            ),
            constraint("https://example.org/partner", "eq", "gold"),
        )
    )
    values = [(c.right_operand, c.data_type) for c in policy.permissions[0].constraints]
    assert values == [
        (date(2024, 1, 1), XSD + "date"),
        (Duration(0, Decimal(30 * 86400)), XSD + "duration"),
        (100, XSD + "integer"),
        (Decimal("10.50"), XSD + "decimal"),
        (Decimal(10), XSD + "decimal"),
        (Decimal("12.5"), XSD + "decimal"),
        (("CN", Iri("http://publications.europa.eu/resource/authority/country/DEU")), None),
        ("gold", None),
    ]
    assert policy.permissions[0].constraints[-1].left_operand == "https://example.org/partner"


def test_typed_literals_keep_their_datatype() -> None:
    policy = parse_policy(
        offer(
            constraint("https://example.org/flag", "eq", {"@value": "true", "@type": "xsd:boolean"}),
            constraint("https://example.org/flag", "eq", False),
            constraint("purpose", "eq", {"@value": "urn:purpose:x", "@type": "xsd:anyURI"}),
            constraint("purpose", "eq", {"@value": "research", "@type": XSD + "string"}),
            constraint(
                "https://example.org/grade", "eq", {"@value": "A+", "@type": "https://example.org/Grade"}
            ),
            constraint("count", "lteq", {"@value": "7", "@type": "xsd:nonNegativeInteger"}),
            constraint("purpose", "eq", "research", dataType="xsd:string"),
        )
    )
    values = [(c.right_operand, c.data_type) for c in policy.permissions[0].constraints]
    assert values == [
        (True, XSD + "boolean"),
        (False, XSD + "boolean"),
        (Iri("urn:purpose:x"), None),
        ("research", None),
        ("A+", "https://example.org/Grade"),
        (7, XSD + "nonNegativeInteger"),
        ("research", None),
    ]
    assert parse_policy(to_jsonld(policy)) == policy


def test_json_text_is_read_with_exact_decimals() -> None:
    text = json.dumps(offer(constraint("percentage", "lt", "0.1"))).replace('"0.1"', "0.1")
    assert parse_policy(text).permissions[0].constraints[0].right_operand == Decimal("0.1")


def test_logical_constraints_nest() -> None:
    policy = parse_policy(
        offer(
            {
                "or": [
                    {"and": [constraint("purpose", "eq", "research"), constraint("spatial", "eq", "DE")]},
                    {
                        "andSequence": {
                            "@list": [constraint("count", "lt", 5), constraint("purpose", "eq", "audit")]
                        }
                    },
                ]
            }
        )
    )
    (outer,) = policy.permissions[0].constraints
    assert isinstance(outer, LogicalConstraint)
    assert [part.operator for part in outer.constraints] == ["and", "andSequence"]


def test_refined_actions_duties_remedies_and_party_roles_are_read() -> None:
    policy = parse_policy(
        {
            "@type": "Agreement",
            "uid": "urn:agreement:1",
            "assigner": "urn:provider",
            "assignee": {"@id": "urn:consumer", "@type": "Party"},
            "target": "urn:dataset:1",
            "conflict": "perm",
            "permission": [
                {
                    "action": [
                        {
                            "rdf:value": {"@id": "odrl:print"},
                            "refinement": [constraint("resolution", "lteq", 1200)],
                        }
                    ],
                    "duty": [
                        {
                            "action": "compensate",
                            "compensatedParty": "urn:provider",
                            "constraint": [constraint("payAmount", "eq", "5.00", unit="EUR")],
                            "consequence": [{"action": "inform"}],
                        }
                    ],
                }
            ],
            "prohibition": [{"action": "distribute", "remedy": [{"action": "delete"}]}],
            "obligation": [{"action": "attribute"}],
        }
    )
    permission = policy.permissions[0]
    assert (policy.assignee, policy.conflict) == ("urn:consumer", "perm")
    assert permission.action == "print"
    assert permission.refinements == (Constraint("resolution", "lteq", 1200, data_type=XSD + "integer"),)
    assert permission.duties[0].party_functions == (("compensatedParty", "urn:provider"),)
    assert to_jsonld(policy)["permission"][0]["duty"][0]["compensatedParty"] == "urn:provider"
    assert parse_policy(to_jsonld(policy)) == policy
    assert permission.duties[0].consequences == (Rule(action="inform"),)
    assert policy.prohibitions[0].remedies == (Rule(action="delete"),)
    assert policy.obligations == (Rule(action="attribute"),)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{", "not JSON"),
        ([], "a policy is a JSON object"),
        ({"permission": [{"action": "use"}]}, "@type: missing; expected Set, Offer or Agreement"),
        ({"@type": "Ticket", "permission": [{"action": "use"}]}, "@type: unsupported policy type 'Ticket'"),
        ({"@type": "Offer"}, "a policy needs at least one permission, prohibition or obligation"),
        ({"@type": "Offer", "permision": []}, "permision: unknown property; did you mean permission?"),
        (
            offer(constraint("purpose", "approx", "research")),
            "permission[0].constraint[0].operator: unknown operator 'approx'",
        ),
        (
            offer(constraint("purpose", "eq", "research"), constraint("count", "approx", 3)),
            "permission[0].constraint[1].operator: unknown operator 'approx'",
        ),
        (offer(action="frobnicate"), "permission[0].action: unknown action 'frobnicate'"),
        (offer(action=["use", "read"]), "permission[0].action: a rule has exactly one action"),
        (
            offer(constraint("count", "lteq", -1)),
            "permission[0].constraint[0].rightOperand: expected a non-negative integer",
        ),
        (
            offer(constraint("count", "lteq", "many")),
            "rightOperand: expected a non-negative integer: not an integer: 'many'",
        ),
        (
            offer(constraint("dateTime", "lt", "2025-01-01T00:00:00")),
            "rightOperand: expected an xsd:dateTime with timezone",
        ),
        (
            offer(constraint("elapsedTime", "lt", "30 days")),
            "rightOperand: expected an xsd:duration such as P30D",
        ),
        (
            offer(constraint("payAmount", "gteq", "10.00")),
            "permission[0].constraint[0].unit: payAmount needs a unit",
        ),
        (
            offer(constraint("payAmount", "gteq", "10", unit="Euro")),
            "unit: payAmount unit must name an ISO 4217 currency",
        ),
        (offer(constraint("payAmount", "gteq", 10.5, unit="EUR")), "write amounts as decimal strings"),
        (
            offer(constraint("purpose", "lt", "research")),
            "operator lt compares numbers, dates, times or durations",
        ),
        (offer(constraint("count", "isPartOf", 3)), "operator isPartOf relates names or IRIs"),
        (
            offer(constraint("spatial", "eq", ["DE", "FR"])),
            "operator eq takes one value; use isAnyOf for a list",
        ),
        (offer(constraint("spatial", "isAnyOf", [])), "operator isAnyOf needs at least one value"),
        (
            offer({"leftOperand": "purpose", "operator": "eq"}),
            "permission[0].constraint[0].rightOperand: missing",
        ),
        (
            offer({"and": [constraint("purpose", "eq", "x")]}),
            "constraint[0].and: and needs at least two constraints",
        ),
        (offer(constraints=[]), "permission[0].constraints: unknown property; did you mean constraint?"),
        (
            {"@type": "Set", "inheritFrom": "urn:p", "permission": [{"action": "use"}]},
            "inheritFrom is not supported here",
        ),
        (
            offer({"leftOperand": "purpose", "operator": "eq", "rightOperandReference": "urn:x"}),
            "rightOperandReference is not supported",
        ),
        (
            {"@type": "Set", "prohibition": [{"action": "use", "duty": [{"action": "pay"}]}]},
            "prohibition[0].duty: duty is not allowed here",
        ),
        (
            {"@type": "Set", "action": "use", "permission": [{"action": "use"}]},
            "action: a policy-level action is not supported",
        ),
        (
            {"@type": "Set", "permission": [{"action": "use", "@type": "Prohibition"}]},
            "permission[0].@type: expected Permission",
        ),
        (
            {"@type": "Set", "permission": [{"action": "use", "target": ["urn:a", "urn:b"]}]},
            "permission[0].target: a rule has at most one target",
        ),
        (
            {"@type": "Set", "conflict": "whatever", "permission": [{"action": "use"}]},
            "conflict: expected one of perm, prohibit, invalid",
        ),
        ({"@type": "Set", "odrl:permision": []}, "odrl:permision: not an ODRL 2.2 property"),
        (
            {"@type": "Set", "permission": [{"action": "use"}], "odrl:permission": []},
            "permission is given twice",
        ),
        (
            {"@type": "Set", "@graph": [], "permission": [{"action": "use"}]},
            "@graph: JSON-LD keyword @graph is not",
        ),
        ({"@type": 5, "permission": [{"action": "use"}]}, "@type: expected Set, Offer or Agreement"),
        ({"@type": "Set", "permission": ["use"]}, "permission[0]: a permission is a JSON object"),
        (
            offer(action={"rdf:value": {"@id": "odrl:use"}, "note": "x"}),
            "permission[0].action.note: unsupported in an action",
        ),
        (offer(action=""), "permission[0].action: expected an action name or IRI"),
        (offer("purpose"), "permission[0].constraint[0]: a constraint is a JSON object"),
        (offer({"and": [], "or": []}), "a logical constraint has exactly one of or, xone, and, andSequence"),
        (offer(constraint(5, "eq", "x")), "permission[0].constraint[0].leftOperand: expected a name or IRI"),
        (
            offer(assignee={"@id": "urn:c", "refinement": []}),
            "refined party and asset collections are not supported",
        ),
        (offer(target={"@type": "Asset"}), "permission[0].target: expected an IRI, or an object with @id"),
        ({**offer(), "profile": 3}, "profile: expected text or an IRI"),
        (offer(constraint("purpose", "eq", None)), "rightOperand: expected a name or IRI, got NoneType"),
        (
            offer(constraint("purpose", "eq", {"@type": "xsd:string"})),
            'expected a value, {"@value": ..., "@type": ...}',
        ),
        (
            offer(constraint("count", "eq", {"@value": "x", "@type": "xsd:integer"})),
            "rightOperand: not an integer: 'x'",
        ),
        (
            offer(constraint("count", "eq", {"@value": "2.5", "@type": "xsd:decimal"})),
            "expected a non-negative integer",
        ),
        (
            offer(constraint("https://ex.org/f", "eq", {"@value": "yes", "@type": "xsd:boolean"})),
            "not an xsd:boolean",
        ),
    ],
)
def test_parse_errors_name_the_bad_element(document, message) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(document)
    assert message in str(raised.value)


def test_parse_errors_carry_path_and_reason_apart() -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(offer(constraint("purpose", "eq", "research"), constraint("count", "approx", 3)))
    assert raised.value.path == "permission[0].constraint[1].operator"
    assert raised.value.reason == "unknown operator 'approx'"
    assert isinstance(raised.value, ValueError)


def test_foreign_vocabularies_are_ignored() -> None:
    policy = parse_policy({**offer(), "dct:title": "Research use", "timestamp": "2024-01-01T00:00:00Z"})
    assert policy == parse_policy(offer())


def test_to_jsonld_writes_compact_json_that_reads_back() -> None:
    document = offer(
        constraint("dateTime", "lt", "2025-01-01T00:00:00Z"),
        constraint("payAmount", "gteq", "10.00", unit="EUR"),
        constraint("spatial", "isNoneOf", ["US", {"@id": "urn:region:x"}]),
        {"xone": [constraint("purpose", "eq", "a"), constraint("count", "lt", 3)]},
        action={
            "rdf:value": {"@id": "odrl:print"},
            "refinement": [constraint("https://example.org/dpi", "lt", 300)],
        },
        duty=[{"action": "compensate", "constraint": [constraint("payAmount", "eq", "1.00", unit="EUR")]}],
    )
    policy = parse_policy(document)
    written = to_jsonld(policy)
    assert json.loads(json.dumps(written)) == written
    assert written["permission"][0]["constraint"][0]["rightOperand"] == {
        "@value": "2025-01-01T00:00:00Z",
        "@type": "xsd:dateTime",
    }
    assert written["permission"][0]["constraint"][2]["rightOperand"] == ["US", {"@id": "urn:region:x"}]
    assert parse_policy(written) == policy


TURTLE = """
@prefix odrl: <http://www.w3.org/ns/odrl/2/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:policy a odrl:Agreement ;
    odrl:assigner ex:provider ;
    odrl:assignee ex:consumer ;
    odrl:permission [
        odrl:target ex:dataset ;
        odrl:action [ rdf:value odrl:print ; odrl:refinement [
            odrl:leftOperand odrl:resolution ; odrl:operator odrl:lteq ; odrl:rightOperand 1200 ] ] ;
        odrl:constraint [
            odrl:andSequence (
                [ odrl:leftOperand odrl:dateTime ; odrl:operator odrl:gt ;
                  odrl:rightOperand "2024-01-01T00:00:00Z"^^xsd:dateTime ]
                [ odrl:leftOperand odrl:spatial ; odrl:operator odrl:isAnyOf ;
                  odrl:rightOperand ( "DE" "FR" ) ]
            ) ]
    ] .
"""


def test_turtle_is_read_with_lists_and_refined_actions() -> None:
    policy = policy_from_turtle("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> ." + TURTLE)
    assert (policy.type, policy.uid, policy.assignee) == (
        "Agreement",
        "http://example.org/policy",
        "http://example.org/consumer",
    )
    (permission,) = policy.permissions
    assert permission.action == "print"
    assert permission.refinements[0] == Constraint("resolution", "lteq", 1200, data_type=XSD + "integer")
    (sequence,) = permission.constraints
    assert isinstance(sequence, LogicalConstraint)
    assert sequence.operator == "andSequence"
    assert sequence.constraints == (
        Constraint("dateTime", "gt", datetime(2024, 1, 1, tzinfo=UTC), data_type=XSD + "dateTime"),
        Constraint("spatial", "isAnyOf", ("DE", "FR")),
    )
    assert parse_policy(to_jsonld(policy)) == policy


def test_a_graph_with_several_policies_needs_the_one_named() -> None:
    two = TURTLE + "ex:other a odrl:Set ; odrl:permission [ odrl:action odrl:read ] ."
    prefixes = "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> ."
    with pytest.raises(PolicyError, match="the graph holds 2 policies; name the one to read"):
        policy_from_turtle(prefixes + two)
    other = policy_from_turtle(prefixes + two, uid="http://example.org/other")
    assert other == Policy(type="Set", uid="http://example.org/other", permissions=(Rule(action="read"),))
    with pytest.raises(PolicyError, match="the graph has no policy urn:missing"):
        policy_from_turtle(prefixes + two, uid="urn:missing")


def test_rdf_errors_are_policy_errors() -> None:
    with pytest.raises(PolicyError, match="not Turtle"):
        policy_from_turtle("this is not turtle")
    with pytest.raises(PolicyError, match="the graph holds 0 policies"):
        policy_from_turtle("<urn:a> <urn:b> <urn:c> .")
    bad = TURTLE.replace("odrl:operator odrl:lteq", "odrl:operator odrl:approx")
    with pytest.raises(
        PolicyError, match=r"permission\[0\]\.action\.refinement\[0\]\.operator: unknown operator"
    ):
        policy_from_turtle("@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> ." + bad)
    blank_party = "[] a <http://www.w3.org/ns/odrl/2/Set> ; <http://www.w3.org/ns/odrl/2/assignee> [] ."
    with pytest.raises(PolicyError, match="odrl:assignee refers to a blank node; an IRI is expected"):
        policy_from_turtle(blank_party)
    cycle = (
        "<urn:p> a <http://www.w3.org/ns/odrl/2/Set> ; <http://www.w3.org/ns/odrl/2/permission> <urn:r> .\n"
    )
    cycle += "<urn:r> <http://www.w3.org/ns/odrl/2/duty> <urn:r> ."
    with pytest.raises(PolicyError, match="nests deeper than any real policy"):
        policy_from_turtle(cycle)
