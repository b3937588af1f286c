"""Splitting an amount of minor units exactly: the largest-remainder (Hamilton) method."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

Weight = int | Fraction


def largest_remainder(total: int, weights: Sequence[Weight]) -> list[int]:
    """Split `total` minor units in proportion to `weights`: whole parts that add up to `total`.

    Each part first gets the integer part of its exact quota; the units left over go one each to the
    parts with the largest remainders (ties: the earlier part). Weights must be non-negative; when they
    are all zero the total is split equally, so money is never left unassigned.
    """
    if total < 0:
        raise ValueError("total: a split divides a non-negative amount")
    if not weights:
        if total:
            raise ValueError("weights: a non-zero amount needs at least one part")
        return []
    exact = [Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError("weights: a weight is never negative")
    whole = sum(exact, Fraction(0))
    if whole == 0:
        exact, whole = [Fraction(1)] * len(exact), Fraction(len(exact))
    quotas = [total * w / whole for w in exact]
    parts = [q.numerator // q.denominator for q in quotas]
    left = total - sum(parts)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for index in order[:left]:
        parts[index] += 1
    return parts


def split_basis_points(total: int, basis_points: int) -> tuple[int, int]:
    """`total` split into (the part at `basis_points` hundredths of a percent, the rest), exactly."""
    if not 0 <= basis_points <= 10_000:
        raise ValueError("basis_points: between 0 and 10000")
    share, rest = largest_remainder(total, [basis_points, 10_000 - basis_points])
    return share, rest
