"""Settlement arithmetic: prices, exact splits and contribution rules, in integer minor units.

A pure library: it imports neither Flask nor the database, so every rule the node applies to money can
be tested and benchmarked alone. Amounts are ``int`` minor units (cents, fen); intermediate values are
``fractions.Fraction``; rounding happens once per split, by the largest-remainder method, so the parts
always add up to the whole and none is negative.
"""

from .contribution import Contributor, Part, distribute
from .money import largest_remainder, split_basis_points
from .pricing import Charge, MonthUsage, Plan, Tier, month_charges
from .shapley import MAX_PLAYERS, TooManyInputs, declared_game, shapley_values

__all__ = [
    "MAX_PLAYERS",
    "Charge",
    "Contributor",
    "MonthUsage",
    "Part",
    "Plan",
    "Tier",
    "TooManyInputs",
    "declared_game",
    "distribute",
    "largest_remainder",
    "month_charges",
    "shapley_values",
    "split_basis_points",
]
