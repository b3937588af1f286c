"""What a provider allows consumers to ask of one table."""

from __future__ import annotations

from dataclasses import dataclass, field

from aggregates.query import FUNCTIONS


@dataclass(frozen=True)
class QueryPolicy:
    """Allowed columns (empty: every column of the file), allowed functions, the smallest group that may be
    released (`min_group_size`, often called k) and the most groups one result may release."""

    columns: frozenset[str] = frozenset()
    functions: frozenset[str] = field(default=FUNCTIONS)
    min_group_size: int = 10
    max_groups: int = 1000

    def __post_init__(self) -> None:
        unknown = self.functions - FUNCTIONS
        if unknown:
            raise ValueError(f"unknown functions in the policy: {', '.join(sorted(unknown))}")
        if self.min_group_size < 1:
            raise ValueError("min_group_size must be at least 1")
        if self.max_groups < 1:
            raise ValueError("max_groups must be at least 1")

    def allows_column(self, column: str) -> bool:
        """Whether queries may name this column at all."""
        return not self.columns or column in self.columns
