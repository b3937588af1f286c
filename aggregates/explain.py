"""Plain sentences saying what a result withheld, and why."""

from __future__ import annotations

from aggregates.plan import Plan
from aggregates.suppression import Decision


def explain(plan: Plan, decision: Decision, withheld_values: int) -> tuple[str, ...]:
    """One sentence per rule that withheld something, or one saying nothing was withheld."""
    k = plan.min_group_size
    if decision.whole_result_withheld:
        rows = "The filters keep" if plan.filters else "The table has"
        return (
            f"{rows} fewer than {k} rows, so the whole result is withheld; it counts as one withheld "
            "group, whatever number of groups those rows would make.",
        )
    sentences = []
    if decision.small:
        sentences.append(
            f"{_groups(len(decision.small))} with fewer than {k} rows {_were(decision.small)} withheld."
        )
    if decision.differencing:
        sentences.append(
            f"{_groups(len(decision.differencing))} {_were(decision.differencing)} withheld because the "
            f"filters exclude between 1 and {k - 1} rows of the group or of a coarser group containing it: "
            "comparing with the same query without filters would describe those rows."
        )
    if decision.complementary:
        sentences.append(
            f"{_groups(len(decision.complementary), 'more ')}, the smallest released in their part of the "
            f"table, {_were(decision.complementary)} withheld so that the withheld rows number at least {k} "
            "in at least two groups: subtracting the released groups from a total cannot describe a withheld "
            "group."
        )
    if withheld_values:
        values = (
            "1 aggregate value was" if withheld_values == 1 else f"{withheld_values} aggregate values were"
        )
        sentences.append(
            f"{values} withheld (null) because only 1 to {k - 1} rows of the group had a value in that "
            "column."
        )
    if not sentences:
        subject = "Every group" if plan.group_by else "The overall group"
        sentences.append(f"{subject} has at least {k} rows; nothing was withheld.")
    return tuple(sentences)


def _groups(count: int, more: str = "") -> str:
    return f"1 {more}group" if count == 1 else f"{count} {more}groups"


def _were(items: frozenset[int]) -> str:
    return "was" if len(items) == 1 else "were"
