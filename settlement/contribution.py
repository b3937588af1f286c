"""Revenue by contribution: the node's fee, then the providers' shares down a product's lineage.

A payment for a product is split in steps, each an exact largest-remainder split of whole minor units:

1. the node keeps its fee (the offer's basis points) and the rest is the product's revenue;
2. a product derived from other datasets passes `upstream_basis_points` of its revenue to its inputs
   and its own provider keeps the remainder;
3. the upstream part is split among the inputs by the offer's rule: ``fixed`` (the shares it states),
   ``pro_rata`` (the metered use of each input in the period; lineage weights when none was metered) or
   ``shapley`` (exact Shapley values of the coalition values it declares, see ``shapley``);
4. an input that is itself derived splits its part the same way, by its own rule, down its own lineage.

Every step's parts add up to the amount it split, so the parts of a payment add up to the payment, and
none is negative. Each part says which rule gave it and with which weight, for the statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .money import largest_remainder, split_basis_points
from .shapley import declared_game, shapley_values

METHODS = ("fixed", "pro_rata", "shapley")


@dataclass(frozen=True)
class Input:
    """One input of a derived product: the contributor behind it and what the rules weigh it by."""

    contributor: Contributor
    lineage_weight: int = 1
    fixed_share: int = 0
    metered: int = 0


@dataclass(frozen=True)
class Contributor:
    """A dataset whose revenue is being split: its provider and, if derived, its rule and inputs."""

    dataset_id: str
    org_id: str
    method: str | None = None
    upstream_basis_points: int = 0
    inputs: tuple[Input, ...] = ()
    coalitions: tuple[tuple[tuple[str, ...], int], ...] = field(default=())


@dataclass(frozen=True)
class Part:
    """One share of a payment: who receives it, for which dataset, how much, and why."""

    role: str  # fee (the node's) | provider (a provider's share for one dataset)
    org_id: str | None
    dataset_id: str
    amount_minor: int
    path: tuple[str, ...]
    rule: str
    weight: Fraction = Fraction(1)
    of_minor: int = 0


def distribute(total_minor: int, fee_basis_points: int, product: Contributor) -> list[Part]:
    """The parts of a payment of `total_minor` for `product`: the node's fee first, then the providers'."""
    fee, revenue = split_basis_points(total_minor, fee_basis_points)
    weight = Fraction(fee_basis_points, 10_000)
    parts = [
        Part("fee", None, product.dataset_id, fee, (product.dataset_id,), "node fee", weight, total_minor)
    ]
    parts += _split(product, revenue, (product.dataset_id,), "after the node fee", 1 - weight, total_minor)
    return parts


def reverse(parts: Sequence[Part], refund_minor: int) -> list[int]:
    """How much of each part a refund of `refund_minor` takes back: in proportion, never more than it was."""
    paid = sum(p.amount_minor for p in parts)
    if not 0 <= refund_minor <= paid:
        raise ValueError("refund: between nothing and what was paid")
    return largest_remainder(refund_minor, [p.amount_minor for p in parts])


def weights(contributor: Contributor) -> list[Fraction]:
    """The weight of each input under the contributor's rule (not normalised)."""
    inputs = contributor.inputs
    if contributor.method == "fixed":
        return [Fraction(i.fixed_share) for i in inputs]
    if contributor.method == "pro_rata":
        metered = [Fraction(i.metered) for i in inputs]
        return metered if any(metered) else [Fraction(i.lineage_weight) for i in inputs]
    if contributor.method == "shapley":
        players = [i.contributor.dataset_id for i in inputs]
        lineage = {i.contributor.dataset_id: i.lineage_weight for i in inputs}
        game = declared_game(players, contributor.coalitions, lineage)
        return shapley_values(len(players), game)
    raise ValueError(f"method: {contributor.method!r} is not one of {', '.join(METHODS)}")


def _split(
    node: Contributor, amount: int, path: tuple[str, ...], rule: str, weight: Fraction, of: int
) -> list[Part]:
    if not node.inputs or node.method is None or node.upstream_basis_points == 0:
        return [Part("provider", node.org_id, node.dataset_id, amount, path, rule, weight, of)]
    upstream, kept = split_basis_points(amount, node.upstream_basis_points)
    keep_weight = Fraction(10_000 - node.upstream_basis_points, 10_000)
    kept_rule = "kept by the derived product's provider"
    parts = [Part("provider", node.org_id, node.dataset_id, kept, path, kept_rule, keep_weight, amount)]
    raw = weights(node)
    whole = sum(raw, Fraction(0))
    shares = [w / whole for w in raw] if whole else [Fraction(1, len(raw))] * len(raw)
    label = _rule_label(node, raw)
    for item, share, part in zip(node.inputs, shares, largest_remainder(upstream, shares), strict=True):
        child = item.contributor
        if child.dataset_id in path:
            raise ValueError(f"lineage: {child.dataset_id} is its own input")
        parts += _split(child, part, (*path, child.dataset_id), label, share, upstream)
    return parts


def _rule_label(node: Contributor, raw: list[Fraction]) -> str:
    if node.method == "pro_rata" and not any(i.metered for i in node.inputs):
        return "pro rata by lineage weight (no metered use)"
    return {"fixed": "fixed share", "pro_rata": "pro rata by metered use", "shapley": "Shapley value"}[
        str(node.method)
    ]
