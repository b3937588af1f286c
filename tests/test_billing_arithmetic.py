"""The settlement arithmetic alone: prices, largest-remainder splits, Shapley values, lineage shares."""

from __future__ import annotations

import itertools
from datetime import date
from fractions import Fraction
from itertools import permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from settlement import (
    Contributor,
    MonthUsage,
    Plan,
    Tier,
    TooManyInputs,
    declared_game,
    distribute,
    largest_remainder,
    month_charges,
    shapley_values,
    split_basis_points,
)
from settlement.contribution import Input, reverse

MAY = date(2026, 5, 1)

amounts = st.integers(min_value=0, max_value=10**12)
weight_lists = st.lists(
    st.one_of(st.integers(0, 10**6), st.fractions(min_value=0, max_value=10**6)), min_size=1, max_size=30
)


@given(amounts, weight_lists)
def test_a_split_always_adds_up_and_is_never_negative(total: int, weights: list[Fraction]) -> None:
    parts = largest_remainder(total, weights)
    assert sum(parts) == total
    assert all(part >= 0 for part in parts)
    whole = sum(Fraction(w) for w in weights)
    if whole:  # each part is within one unit of its exact quota
        exact = [total * Fraction(w) / whole for w in weights]
        assert all(abs(part - quota) < 1 for part, quota in zip(parts, exact, strict=True))


def test_leftover_units_go_to_the_largest_remainders_then_the_earlier_part() -> None:
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert largest_remainder(10, [Fraction(1, 3), Fraction(2, 3)]) == [3, 7]
    assert largest_remainder(7, [0, 0]) == [4, 3]  # no weights: equal parts, nothing unassigned
    assert split_basis_points(10_001, 250) == (250, 9751)


def test_a_negative_weight_or_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="weights"):
        largest_remainder(10, [1, -1])
    with pytest.raises(ValueError, match="total"):
        largest_remainder(-1, [1])


def charges(plan: Plan, **usage: int) -> list[tuple[str, int]]:
    return [(c.kind, c.amount_minor) for c in month_charges(plan, MonthUsage(**usage), MAY)]


def test_unit_prices_after_the_free_allowance_and_under_the_cap() -> None:
    per_call = Plan("per_call", "CNY", price_minor=50, free_allowance=10)
    assert charges(per_call, calls=4) == [("allowance", 0)]
    assert charges(per_call, calls=30) == [("allowance", 0), ("usage", 1000)]
    capped = Plan("per_record", "CNY", price_minor=3, monthly_cap_minor=2500)
    assert charges(capped, records=1000) == [("usage", 3000), ("cap", -500)]
    assert charges(Plan("free", "CNY"), calls=100) == []


def test_gigabytes_are_exact_fractions_rounded_once() -> None:
    per_gb = Plan("per_gb", "EUR", price_minor=200)
    (line,) = month_charges(per_gb, MonthUsage(bytes=1_500_000_000), MAY)
    assert (line.quantity, line.amount_minor) == (Fraction(3, 2), 300)
    (line,) = month_charges(per_gb, MonthUsage(bytes=2_500_000), MAY)
    assert line.amount_minor == 1  # 0.5 minor units, half up


def test_tiers_are_graduated_over_the_month_and_the_allowance_covers_the_first_units() -> None:
    tiered = Plan(
        "tiered", "CNY", unit="call", tiers=(Tier(100, 10), Tier(1000, 5), Tier(None, 1)), free_allowance=50
    )
    lines = month_charges(tiered, MonthUsage(calls=1500), MAY)
    assert [(c.kind, c.quantity, c.unit_price_minor, c.amount_minor) for c in lines] == [
        ("allowance", 50, 0, 0),
        ("usage", 50, 10, 500),  # calls 51..100
        ("usage", 900, 5, 4500),  # calls 101..1000
        ("usage", 500, 1, 500),  # calls 1001..1500
    ]
    assert [c.amount_minor for c in month_charges(tiered, MonthUsage(calls=80), MAY)] == [0, 300]


def test_a_subscription_charges_each_period_that_starts_in_the_month_within_the_term() -> None:
    monthly = Plan("subscription", "CNY", price_minor=90_000, period="P1M")
    assert [c.amount_minor for c in month_charges(monthly, MonthUsage(), MAY, date(2026, 3, 17))] == [90_000]
    quarterly = Plan("subscription", "CNY", price_minor=250_000, period="P3M")
    assert month_charges(quarterly, MonthUsage(), MAY, date(2026, 3, 17)) == []
    assert len(month_charges(quarterly, MonthUsage(), date(2026, 6, 1), date(2026, 3, 17))) == 1
    weekly = Plan("subscription", "CNY", price_minor=100, period="P1W")
    (line,) = month_charges(weekly, MonthUsage(), MAY, date(2026, 4, 30))
    assert (line.quantity, line.amount_minor) == (4, 400)  # weeks from April 30th: May 7, 14, 21, 28
    ended = month_charges(monthly, MonthUsage(), MAY, date(2026, 1, 20), date(2026, 5, 10))
    assert ended == []  # the term ended before May 20th


def test_shapley_values_of_a_declared_game() -> None:
    players = ["a", "b", "c"]
    # a alone is worth 60, b alone 30, together 120 (synergy); c adds nothing anywhere
    game = declared_game(players, [(["a"], 60), (["b"], 30), (["a", "b"], 120)], {})
    assert game[0b111] == 120  # the best declared set inside {a, b, c}
    assert shapley_values(3, game) == [75, 45, 0]


def brute_force_shapley(players: list[str], game: list[Fraction]) -> list[Fraction]:
    """Average marginal contribution over every order of joining, for a check by definition."""
    totals = [Fraction(0)] * len(players)
    orders = list(permutations(range(len(players))))
    for order in orders:
        mask = 0
        for i in order:
            totals[i] += game[mask | 1 << i] - game[mask]
            mask |= 1 << i
    return [t / len(orders) for t in totals]


coalitions = st.lists(
    st.tuples(st.sets(st.sampled_from("abcde"), min_size=1), st.integers(0, 1000)), max_size=8
)


@settings(max_examples=60)
@given(coalitions)
def test_shapley_matches_its_definition_sums_to_the_whole_and_is_never_negative(declared) -> None:
    players = list("abcde")
    game = declared_game(players, [(sorted(s), v) for s, v in declared], dict.fromkeys(players, 1))
    values = shapley_values(5, game)
    assert values == brute_force_shapley(players, game)
    assert sum(values) == game[-1]
    assert all(v >= 0 for v in values)


def test_twelve_inputs_are_exact_and_thirteen_are_refused() -> None:
    players = [f"d{i}" for i in range(12)]
    game = declared_game(players, [], {p: i + 1 for i, p in enumerate(players)})
    assert shapley_values(12, game) == list(range(1, 13))  # additive game: each its own weight
    with pytest.raises(TooManyInputs):
        declared_game([*players, "d12"], [], {})


def leaf(name: str) -> Contributor:
    return Contributor(name, f"org-{name}")


def product(method: str, **inputs: dict[str, int]) -> Contributor:
    return Contributor(
        "product",
        "org-product",
        method=method,
        upstream_basis_points=6000,
        inputs=tuple(Input(leaf(name), **spec) for name, spec in inputs.items()),
        coalitions=((("a",), 50), (("b",), 50), (("a", "b"), 100), (("a", "b", "c"), 200)),
    )


def by_org(parts) -> dict[str | None, int]:
    out: dict[str | None, int] = {}
    for part in parts:
        out[part.org_id] = out.get(part.org_id, 0) + part.amount_minor
    return out


def test_each_rule_splits_the_upstream_part() -> None:
    specs = {"a": {"fixed_share": 5, "metered": 10}, "b": {"fixed_share": 3, "metered": 30}}
    specs["c"] = {"fixed_share": 2, "metered": 60}
    fixed = by_org(distribute(100_000, 250, product("fixed", **specs)))
    assert fixed == {None: 2500, "org-product": 39_000, "org-a": 29_250, "org-b": 17_550, "org-c": 11_700}
    metered = by_org(distribute(100_000, 250, product("pro_rata", **specs)))
    assert (metered["org-a"], metered["org-b"], metered["org-c"]) == (5850, 17_550, 35_100)
    # Shapley values of the declared game: a = b = 250/3, c = 100/3 (c adds 150 only after a and b)
    shapley = by_org(distribute(100_000, 250, product("shapley", **specs)))
    assert (shapley["org-a"], shapley["org-b"], shapley["org-c"]) == (24_375, 24_375, 9750)


def test_a_derived_input_splits_its_part_down_its_own_lineage() -> None:
    halves = (Input(leaf("x"), fixed_share=1), Input(leaf("y"), fixed_share=1))
    middle = Contributor("middle", "org-middle", "fixed", 5000, halves)
    both = (Input(middle, fixed_share=1), Input(leaf("z"), fixed_share=1))
    top = Contributor("top", "org-top", "fixed", 10_000, both)
    parts = distribute(1001, 0, top)
    # 1001 -> middle 501 (the earlier of two equal remainders), z 500; middle keeps 250 and passes 251 on
    expected = {None: 0, "org-top": 0, "org-middle": 250, "org-x": 126, "org-y": 125, "org-z": 500}
    assert by_org(parts) == expected
    assert [p.path for p in parts if p.org_id == "org-x"] == [("top", "middle", "x")]


def test_a_lineage_cycle_is_refused() -> None:
    loop = Contributor("top", "org-top", "fixed", 5000, (Input(leaf("top"), fixed_share=1),))
    with pytest.raises(ValueError, match="its own input"):
        distribute(100, 0, loop)


names = itertools.count()
trees = st.recursive(
    st.builds(lambda n: leaf(f"leaf{n}"), st.integers(0, 50)),
    lambda children: st.builds(
        lambda kids, method, bp, shares: Contributor(
            f"node{next(names)}",
            "org-node",
            method,
            bp,
            tuple(
                Input(kid, lineage_weight=s + 1, fixed_share=s, metered=s * 3)
                for kid, s in zip(kids, shares, strict=False)
            ),
        ),
        st.lists(children, min_size=1, max_size=4),
        st.sampled_from(["fixed", "pro_rata", "shapley"]),
        st.integers(0, 10_000),
        st.lists(st.integers(0, 9), min_size=4, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=80)
@given(amounts, st.integers(0, 10_000), trees, st.integers(0, 10**12))
def test_the_parts_of_any_payment_add_up_and_a_refund_never_takes_back_more(
    total: int, fee: int, tree: Contributor, refund_seed: int
) -> None:
    parts = distribute(total, fee, tree)
    assert sum(p.amount_minor for p in parts) == total
    assert all(p.amount_minor >= 0 for p in parts)
    refund = refund_seed % (total + 1)
    taken = reverse(parts, refund)
    assert sum(taken) == refund
    assert all(0 <= t <= p.amount_minor for t, p in zip(taken, parts, strict=True))
