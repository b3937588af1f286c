"""The twelve ODRL operators, typed right operands, and three-valued logical constraints."""

from decimal import Decimal

import pytest
from policy_builders import NOON, at, constraint, decide, offer

from policy import Constraint, Policy, Quantity, Request, Rule, evaluate
from policy.constraints import combine
from policy.values import parse_duration


def holds(left: str, operator: str, right: object, **request: object) -> bool | None:
    """The outcome of a single constraint `left operator right` for a request (at NOON by default)."""
    extra = {key: request.pop(key) for key in ("unit",) if key in request}
    decision = decide(offer(constraint(left, operator, right, **extra)), **request)
    (check,) = decision.constraints
    return check.holds


@pytest.mark.parametrize(
    ("operator", "right", "expected"),
    [
        ("eq", "2024-02-12T12:00:00Z", True),
        ("eq", "2024-02-12T13:00:00+01:00", True),
        ("neq", "2024-02-12T12:00:00Z", False),
        ("lt", "2024-02-12T12:00:00Z", False),
        ("lteq", "2024-02-12T12:00:00Z", True),
        ("gt", "2024-02-12T12:00:00Z", False),
        ("gteq", "2024-02-12T12:00:00Z", True),
        ("lt", "2024-02-12T12:00:00.001Z", True),
        ("gt", "2024-02-12T11:59:59.999Z", True),
    ],
)
def test_datetime_comparisons_at_the_boundary(operator, right, expected) -> None:
    assert holds("dateTime", operator, right) is expected


@pytest.mark.parametrize(
    ("operator", "day", "expected"),
    [
        ("eq", "2024-02-12", True),
        ("neq", "2024-02-12", False),
        ("lt", "2024-02-12", False),
        ("lteq", "2024-02-12", True),
        ("gt", "2024-02-12", False),
        ("gteq", "2024-02-12", True),
        ("lt", "2024-02-13", True),
        ("gt", "2024-02-11", True),
        ("eq", "2024-02-11", False),
    ],
)
def test_a_date_is_a_whole_utc_day(operator, day, expected) -> None:
    assert holds("dateTime", operator, day) is expected


@pytest.mark.parametrize(
    ("operator", "right", "expected"),
    [
        ("eq", "P30D", True),
        ("lt", "P30D", False),
        ("lteq", "P30D", True),
        ("gt", "P29D", True),
        ("gteq", "P31D", False),
    ],
)
def test_elapsed_time_is_measured_from_the_agreement_start(operator, right, expected) -> None:
    assert holds("elapsedTime", operator, right, agreement_start=at("2024-01-13T12:00:00")) is expected


def test_elapsed_time_in_months_follows_the_calendar() -> None:
    start = at("2024-01-31T00:00:00")
    assert holds("elapsedTime", "lteq", "P1M", agreement_start=start, time=at("2024-02-29T00:00:00")) is True
    assert holds("elapsedTime", "lteq", "P1M", agreement_start=start, time=at("2024-02-29T00:00:01")) is False


@pytest.mark.parametrize(
    ("operator", "right", "expected"),
    [
        ("eq", "research", True),
        ("neq", "research", False),
        ("eq", "marketing", False),
        ("neq", "marketing", True),
    ],
)
def test_names_compare_exactly(operator, right, expected) -> None:
    assert holds("purpose", operator, right, purpose="research") is expected


def test_iris_compare_with_plain_text_by_their_value() -> None:
    assert holds("recipient", "eq", {"@id": "urn:party:bank"}, recipient="urn:party:bank") is True
    assert holds("purpose", "eq", "Research", purpose="research") is False


@pytest.mark.parametrize(
    ("operator", "right", "value", "expected"),
    [
        ("lt", "12.5", Decimal("12.49"), True),
        ("lt", "12.5", 12, True),
        ("lteq", 12, Decimal("12.0"), True),
        ("gt", "12.5", Decimal("12.5"), False),
        ("gteq", "12.5", Decimal("12.5"), True),
        ("eq", "12.50", Decimal("12.5"), True),
    ],
)
def test_numbers_compare_exactly(operator, right, value, expected) -> None:
    assert holds("percentage", operator, right, operands={"percentage": value}) is expected


@pytest.mark.parametrize(
    ("operator", "right", "jurisdiction", "expected"),
    [
        ("isPartOf", "EU", "DE", True),
        ("isPartOf", "EU", "deu", True),
        ("isPartOf", "EU", "http://publications.europa.eu/resource/authority/country/FRA", True),
        ("isPartOf", "_:EU", "EL", True),
        ("isPartOf", "EU", "CN", False),
        ("isPartOf", "DE", "DE", True),
        ("hasPart", "DE", "EU", True),
        ("hasPart", "CN", "EU", False),
        ("isAnyOf", ["CN", "DE"], "DE", True),
        ("isAnyOf", ["CN", "DE"], "US", False),
        ("isNoneOf", ["US", "RU"], "DE", True),
        ("isNoneOf", ["US", "RU"], "us", False),
        ("eq", "CN", "cn", True),
        ("eq", "EU", "DE", False),
    ],
)
def test_spatial_codes_and_regions(operator, right, jurisdiction, expected) -> None:
    assert holds("spatial", operator, right, spatial=jurisdiction) is expected


def test_request_facts_extend_the_regions() -> None:
    facts = {"part_of": {"HK": ["CN"]}}
    assert holds("spatial", "isPartOf", "CN", spatial="HK", **facts) is True
    assert holds("spatial", "isPartOf", "CN", spatial="MO", **facts) is False


@pytest.mark.parametrize(
    ("operator", "right", "values", "expected"),
    [
        ("isAllOf", ["csv", "json"], ["csv", "json", "xml"], True),
        ("isAllOf", ["csv", "parquet"], ["csv", "json"], False),
        ("isAnyOf", ["parquet", "json"], ["csv", "json"], True),
        ("isNoneOf", ["parquet", "xml"], ["csv", "json"], True),
        ("isNoneOf", ["csv"], ["csv", "json"], False),
        ("hasPart", "csv", ["csv", "json"], True),
        ("hasPart", "xml", ["csv", "json"], False),
    ],
)
def test_set_operators_on_several_values(operator, right, values, expected) -> None:
    assert holds("fileFormat", operator, right, operands={"fileFormat": values}) is expected


def test_is_a_follows_classes_transitively() -> None:
    classes = {
        "is_a": {
            "urn:purpose:thesis": ["urn:purpose:academic"],
            "urn:purpose:academic": ["urn:purpose:research"],
        }
    }
    assert holds("purpose", "isA", "urn:purpose:research", purpose="urn:purpose:thesis", **classes) is True
    assert holds("purpose", "isA", "urn:purpose:research", purpose="urn:purpose:research", **classes) is False
    assert holds("purpose", "isA", "urn:purpose:marketing", purpose="urn:purpose:thesis", **classes) is False


def test_is_part_of_follows_memberships_transitively() -> None:
    facts = {"part_of": {"urn:bank": ["urn:banks"], "urn:banks": ["urn:finance"]}}
    assert holds("recipient", "isPartOf", "urn:finance", recipient="urn:bank", **facts) is True
    assert holds("recipient", "isPartOf", "urn:health", recipient="urn:bank", **facts) is False


@pytest.mark.parametrize(
    ("offered", "operator", "expected"),
    [
        (Quantity(Decimal("10.00"), "EUR"), "gteq", True),
        (Quantity(Decimal("9.99"), "EUR"), "gteq", False),
        (Quantity(Decimal("10"), "eur"), "eq", True),
        (Quantity(Decimal("10.00"), "USD"), "gteq", None),
    ],
)
def test_payments_compare_in_their_currency(offered, operator, expected) -> None:
    assert holds("payAmount", operator, "10.00", unit="EUR", pay_amount=offered) is expected


def test_a_payment_needs_a_unit_on_both_sides() -> None:
    unitless = Policy(
        type="Set", permissions=(Rule(constraints=(Constraint("payAmount", "gteq", Decimal(5)),)),)
    )
    request = Request(action="use", time=NOON, pay_amount=Quantity(Decimal(10), "EUR"))
    (check,) = evaluate(unitless, request).constraints
    assert check.reason == "payAmount: the request gives 10 EUR, the policy gives no unit"


def test_quantities_in_other_units_need_the_same_unit() -> None:
    size = {"unit": "MB"}
    assert (
        holds("absoluteSize", "lteq", 100, operands={"absoluteSize": Quantity(Decimal(50), "MB")}, **size)
        is True
    )
    assert (
        holds("absoluteSize", "lteq", 100, operands={"absoluteSize": Quantity(Decimal(50), "GB")}, **size)
        is None
    )
    assert holds("absoluteSize", "lteq", 100, operands={"absoluteSize": 50}, **size) is None


def test_values_of_different_kinds_do_not_compare() -> None:
    assert holds("https://example.org/level", "lt", 3, operands={"level": "high"}) is None
    assert holds("meteredTime", "lt", "P1M", operands={"meteredTime": "P20D"}) is None
    assert holds("purpose", "eq", "research", operands={"purpose": ["research", "audit"]}) is None


def test_durations_of_the_same_kind_compare() -> None:
    hour = NOON - at("2024-02-12T11:00:00")
    assert holds("meteredTime", "lt", "PT2H", operands={"meteredTime": hour}) is True
    assert holds("meteredTime", "gt", "P1M", operands={"meteredTime": parse_duration("P2M")}) is True
    assert holds("meteredTime", "lt", "P1M", operands={"meteredTime": parse_duration("P20D")}) is None


def test_booleans_compare_only_with_booleans() -> None:
    assert holds("https://example.org/consented", "eq", True, operands={"consented": True}) is True
    assert holds("https://example.org/consented", "eq", True, operands={"consented": False}) is False
    assert holds("https://example.org/consented", "eq", True, operands={"consented": 1}) is None


def test_a_single_value_in_a_list_compares_as_that_value() -> None:
    assert holds("purpose", "eq", "research", operands={"purpose": ["research"]}) is True
    assert holds("purpose", "eq", ["research"], purpose="research") is True
    assert holds("spatial", "isAnyOf", "DE", spatial="DE") is True


def test_a_list_on_the_right_of_a_comparison_cannot_be_evaluated() -> None:
    policy = Policy(type="Set", permissions=(Rule(constraints=(Constraint("purpose", "eq", ("a", "b")),)),))
    (check,) = evaluate(policy, Request(action="use", time=NOON, purpose="a")).constraints
    assert (check.holds, check.reason) == (None, "purpose: eq compares one value, the policy gives 2")


T, F, U = True, False, None


@pytest.mark.parametrize(
    ("operator", "parts", "expected"),
    [
        ("and", [T, T], T),
        ("and", [T, F], F),
        ("and", [T, U], U),
        ("and", [F, U], F),
        ("andSequence", [T, T, T], T),
        ("andSequence", [U, F], F),
        ("or", [F, F], F),
        ("or", [F, T], T),
        ("or", [U, T], T),
        ("or", [U, F], U),
        ("xone", [T, F], T),
        ("xone", [T, T], F),
        ("xone", [F, F], F),
        ("xone", [T, U], U),
        ("xone", [T, T, U], F),
    ],
)
def test_logical_constraints_use_three_valued_logic(operator, parts, expected) -> None:
    assert combine(operator, parts) is expected


def test_logical_constraints_are_evaluated_in_a_policy() -> None:
    window = {
        "and": [constraint("dateTime", "gteq", "2024-01-01"), constraint("dateTime", "lt", "2025-01-01")]
    }
    either = {"xone": [constraint("purpose", "eq", "research"), constraint("purpose", "eq", "audit")]}
    assert decide(offer(window, either), purpose="research").allowed
    assert not decide(offer(window, either), purpose="marketing").allowed
    assert not decide(offer(window, either), purpose="research", time=at("2025-01-01T00:00:00")).allowed
