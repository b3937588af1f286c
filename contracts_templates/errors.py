"""What can go wrong when choosing a template or filling it with terms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TermProblem:
    """One bad term: `path` names it (`provider.name`, `distributions[0].format`), `reason` says why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class UnknownTemplate(LookupError):
    """No template with that id, or no such version of it."""


class TermsError(ValueError):
    """Terms a contract cannot be rendered from; `problems` names every bad term."""

    def __init__(self, problems: list[TermProblem] | tuple[TermProblem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(map(str, self.problems)))
