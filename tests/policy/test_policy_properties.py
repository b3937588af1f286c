"""Properties that hold for every input hypothesis can think of."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from policy_builders import constraint, offer

from policy import Quantity, Request, evaluate, parse_policy, to_jsonld
from policy.values import format_datetime

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


@given(
    limit=st.integers(min_value=0, max_value=10_000), prior_uses=st.integers(min_value=0, max_value=10_010)
)
def test_count_lteq_n_allows_exactly_n_uses(limit: int, prior_uses: int) -> None:
    policy = parse_policy(offer(constraint("count", "lteq", limit)))
    decision = evaluate(
        policy, Request(action="use", time=datetime(2024, 1, 1, tzinfo=UTC), prior_uses=prior_uses)
    )
    assert decision.allowed is (prior_uses < limit)


@given(limit=st.integers(min_value=0, max_value=40))
def test_using_until_refused_takes_exactly_n_uses(limit: int) -> None:
    policy = parse_policy(offer(constraint("count", "lteq", limit)))
    uses = 0
    while evaluate(
        policy, Request(action="use", time=datetime(2024, 1, 1, tzinfo=UTC), prior_uses=uses)
    ).allowed:
        uses += 1
    assert uses == limit


@given(
    start=moments,
    length=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=3650)),
    now=moments,
)
def test_a_datetime_window_admits_exactly_its_moments(
    start: datetime, length: timedelta, now: datetime
) -> None:
    end = start + length
    window = {
        "and": [
            constraint("dateTime", "gteq", format_datetime(start)),
            constraint("dateTime", "lt", format_datetime(end)),
        ]
    }
    decision = evaluate(parse_policy(offer(window)), Request(action="use", time=now))
    assert decision.allowed is (start <= now < end)


@given(now=moments, edge=moments)
def test_just_before_and_just_after_an_edge(now: datetime, edge: datetime) -> None:
    for operator, admits in (
        ("lt", now < edge),
        ("lteq", now <= edge),
        ("gt", now > edge),
        ("gteq", now >= edge),
        ("eq", now == edge),
        ("neq", now != edge),
    ):
        policy = parse_policy(offer(constraint("dateTime", operator, format_datetime(edge))))
        assert evaluate(policy, Request(action="use", time=now)).allowed is admits


@given(
    required=st.decimals(min_value=0, max_value=10**9, places=2),
    offered=st.decimals(min_value=0, max_value=10**9, places=2),
)
def test_a_minimum_payment_is_compared_exactly(required: Decimal, offered: Decimal) -> None:
    policy = parse_policy(offer(constraint("payAmount", "gteq", str(required), unit="EUR")))
    request = Request(
        action="use", time=datetime(2024, 1, 1, tzinfo=UTC), pay_amount=Quantity(offered, "EUR")
    )
    assert evaluate(policy, request).allowed is (offered >= required)


names = st.sampled_from(["research", "audit", "marketing", "urn:purpose:x"])
constraints = st.one_of(
    st.builds(
        lambda op, v: constraint("count", op, v),
        st.sampled_from(["lt", "lteq", "eq", "gteq"]),
        st.integers(0, 10**6),
    ),
    st.builds(
        lambda op, v: constraint("dateTime", op, format_datetime(v)),
        st.sampled_from(["lt", "gt", "eq"]),
        moments,
    ),
    st.builds(lambda op, v: constraint("purpose", op, v), st.sampled_from(["eq", "neq"]), names),
    st.builds(
        lambda op, v: constraint("spatial", op, v),
        st.sampled_from(["isAnyOf", "isNoneOf"]),
        st.lists(st.sampled_from(["DE", "CN", "US"]), min_size=1),
    ),
    st.builds(lambda v: constraint("payAmount", "gteq", str(v), unit="EUR"), st.decimals(0, 10**6, places=2)),
    st.builds(lambda d: constraint("elapsedTime", "lteq", f"P{d}D"), st.integers(0, 3650)),
)
logical = st.builds(
    lambda op, parts: {op: parts},
    st.sampled_from(["and", "or", "xone", "andSequence"]),
    st.lists(constraints, min_size=2, max_size=4),
)


@given(
    parts=st.lists(st.one_of(constraints, logical), max_size=5),
    action=st.sampled_from(["use", "read", "distribute"]),
)
def test_policies_round_trip_through_jsonld(parts: list[dict], action: str) -> None:
    document = offer(*parts, action=action)
    if parts:
        document["prohibition"] = [{"action": "sell", "constraint": parts}]
    policy = parse_policy(document)
    assert parse_policy(to_jsonld(policy)) == policy


@given(
    parts=st.lists(st.one_of(constraints, logical), max_size=4),
    purpose=names,
    prior_uses=st.integers(0, 10**6),
    now=moments,
)
def test_adding_a_prohibition_never_allows_more(
    parts: list[dict], purpose: str, prior_uses: int, now: datetime
) -> None:
    permissive = parse_policy(offer(*parts))
    restricted = parse_policy(
        {
            **offer(*parts),
            "prohibition": [{"action": "read", "constraint": [constraint("purpose", "eq", "marketing")]}],
        }
    )
    request = Request(action="read", time=now, purpose=purpose, prior_uses=prior_uses, spatial="DE")
    if evaluate(restricted, request).allowed:
        assert evaluate(permissive, request).allowed
    assert evaluate(permissive, request).explanation
