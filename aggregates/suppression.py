"""Which groups a result may release, decided on group counts alone (no aggregate value is needed).

With k the policy's `min_group_size`, and "cell" meaning either the overall total or one cell of a
coarser grouping (the group-by columns less some, e.g. `district` for a query by district and age band):

1. Small: a group with fewer than k kept rows is withheld.
2. Differencing: a group, or a coarser cell, from which the filters exclude between 1 and k-1 rows has
   all its groups withheld, since its unfiltered result minus its filtered one would describe those rows.
   (For the overall total the query is refused instead; see `run.py`.)
3. Complementary: in every cell, when the withheld groups hold fewer than k rows together, or just one
   group is withheld, the smallest released group of the cell is withheld too, until neither holds or
   nothing is left to withhold. So subtracting the released groups from a cell's total (which a coarser
   query may release) never describes fewer than k rows or a single withheld group.
4. When the filters keep fewer than k rows in all, the whole result is withheld.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class GroupCount:
    """One group's rows kept and excluded by the filters, and its cell in each coarser grouping."""

    kept: int
    excluded: int
    cells: tuple[int, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The groups (by index) released and those withheld, by the rule that withheld them first."""

    released: frozenset[int]
    small: frozenset[int]
    differencing: frozenset[int]
    complementary: frozenset[int]
    whole_result_withheld: bool

    @property
    def withheld(self) -> frozenset[int]:
        """Every withheld group, whatever the reason."""
        return self.small | self.differencing | self.complementary


def decide(groups: Sequence[GroupCount], k: int) -> Decision:
    """Apply the rules above to the groups of one query; groups with no kept rows are not in the result."""
    present = frozenset(i for i, group in enumerate(groups) if group.kept > 0)
    if sum(groups[i].kept for i in present) < k:
        return Decision(frozenset(), present, frozenset(), frozenset(), whole_result_withheld=True)
    cells = _cells(groups)
    small = {i for i in present if groups[i].kept < k}
    differencing: set[int] = set()
    groups_alone = [[i] for i in range(len(groups))]
    for members in cells[1:] + groups_alone:  # cells[0], the overall total, is checked by run.py
        if 0 < sum(groups[i].excluded for i in members) < k:
            differencing.update(i for i in members if i in present)
    differencing -= small
    withheld = small | differencing
    present_cells = [[i for i in members if i in present] for members in cells]
    complementary = _complementary(groups, present_cells, withheld, k)
    released = present - withheld - complementary
    return Decision(released, frozenset(small), frozenset(differencing), frozenset(complementary), False)


def _cells(groups: Sequence[GroupCount]) -> list[list[int]]:
    """The groups of each cell: the overall total first, then the cells of every coarser grouping."""
    by_cell: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, group in enumerate(groups):
        for grouping, cell in enumerate(group.cells):
            by_cell[grouping, cell].append(i)
    return [list(range(len(groups))), *by_cell.values()]


def _complementary(
    groups: Sequence[GroupCount], cells: list[list[int]], withheld: set[int], k: int
) -> set[int]:
    """The released groups that must be withheld as well, smallest first, until every cell is safe.

    Each cell keeps the rows and the number of its withheld groups, and its released groups sorted
    largest first, so the smallest is popped; a cell is checked again whenever one of its groups is added.
    """
    cells_of: dict[int, list[int]] = defaultdict(list)
    for c, members in enumerate(cells):
        for i in members:
            cells_of[i].append(c)
    rows = [sum(groups[i].kept for i in members if i in withheld) for members in cells]
    count = [sum(1 for i in members if i in withheld) for members in cells]
    shown = [
        sorted(((groups[i].kept, i) for i in members if i not in withheld), reverse=True) for members in cells
    ]
    added: set[int] = set()
    pending = deque(range(len(cells)))
    while pending:
        c = pending.popleft()
        if count[c] == 0 or (rows[c] >= k and count[c] > 1):
            continue
        while shown[c] and shown[c][-1][1] in added:
            shown[c].pop()
        if not shown[c]:
            continue
        _, smallest = shown[c].pop()
        added.add(smallest)
        for cell in cells_of[smallest]:
            rows[cell] += groups[smallest].kept
            count[cell] += 1
            pending.append(cell)
    return added
