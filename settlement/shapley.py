"""Exact Shapley values over a product's inputs, from coalition values its offer declares.

The game a provider states: for some sets of inputs, what the product would be worth if built from
those inputs alone (any non-negative integers, e.g. the revenue or the quality score it would earn).
A set that is not declared is worth as much as the best declared set it contains (an input can always
be left out), and the empty set nothing; so adding an input never lowers a value and no input's
Shapley value is negative. With no declaration, a set is worth the sum of its inputs' lineage weights,
whose Shapley values are the weights themselves.

Each input's value is the average, over every order in which the inputs could join, of what it adds
when it joins: computed exactly with fractions by enumerating all 2^n coalitions, for up to 12 inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from math import factorial

MAX_PLAYERS = 12


class TooManyInputs(ValueError):
    """More inputs than exact enumeration handles."""


def declared_game(
    players: Sequence[str], declared: Sequence[tuple[Sequence[str], int]], weights: Mapping[str, int]
) -> list[Fraction]:
    """The value of every coalition, indexed by bit mask over `players` (bit i: players[i] is in).

    `declared` lists (inputs, value) pairs; when it is empty, a coalition is worth the sum of `weights`.
    """
    n = len(players)
    if n > MAX_PLAYERS:
        raise TooManyInputs(f"Shapley values are computed exactly for at most {MAX_PLAYERS} inputs, not {n}")
    index = {player: i for i, player in enumerate(players)}
    size = 1 << n
    values = [Fraction(0)] * size
    if not declared:
        for mask in range(1, size):
            low = (mask & -mask).bit_length() - 1
            values[mask] = values[mask & (mask - 1)] + weights.get(players[low], 0)
        return values
    for inputs, value in declared:
        mask = 0
        for name in inputs:
            if name not in index:
                raise ValueError(f"coalitions: {name!r} is not an input of the product")
            mask |= 1 << index[name]
        if value < 0:
            raise ValueError("coalitions: a value is never negative")
        values[mask] = max(values[mask], Fraction(value))
    for mask in range(1, size):  # each set is worth at least the best set one input smaller
        rest = mask
        while rest:
            low = rest & -rest
            values[mask] = max(values[mask], values[mask ^ low])
            rest ^= low
    return values


def shapley_values(n: int, values: Sequence[Fraction]) -> list[Fraction]:
    """Each player's exact Shapley value in the game whose coalition values `values` lists by bit mask."""
    if n > MAX_PLAYERS:
        raise TooManyInputs(f"Shapley values are computed exactly for at most {MAX_PLAYERS} inputs, not {n}")
    if len(values) != 1 << n:
        raise ValueError("values: one value per coalition, 2^n of them")
    weight = [Fraction(factorial(k) * factorial(n - k - 1), factorial(n)) for k in range(n)]
    sizes = [mask.bit_count() for mask in range(1 << n)]
    result = []
    for i in range(n):
        bit = 1 << i
        total = Fraction(0)
        for mask in range(1 << n):
            if not mask & bit:
                total += weight[sizes[mask]] * (values[mask | bit] - values[mask])
        result.append(total)
    return result
