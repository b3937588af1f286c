"""The grade table of DESIGN.md as code: what each grade allows, and which is stricter."""

from __future__ import annotations

from ..models import Grade

#: Strictest first; a lower index is stricter.
ORDER: tuple[str, ...] = tuple(g.value for g in Grade)

#: Delivery modes each grade allows: download, record API (masked for general-3), aggregate queries.
DELIVERY: dict[str, frozenset[str]] = {
    Grade.CORE.value: frozenset(),
    Grade.IMPORTANT.value: frozenset({"aggregate"}),
    Grade.GENERAL_4.value: frozenset({"aggregate"}),
    Grade.GENERAL_3.value: frozenset({"records", "aggregate"}),
    Grade.GENERAL_2.value: frozenset({"download", "records", "aggregate"}),
    Grade.GENERAL_1.value: frozenset({"download", "records", "aggregate"}),
}


def stricter(a: str, b: str) -> str:
    """The stricter of two grades."""
    return a if ORDER.index(a) <= ORDER.index(b) else b


def at_least_as_strict(grade: str, floor: str) -> bool:
    """True when ``grade`` is ``floor`` or stricter."""
    return ORDER.index(grade) <= ORDER.index(floor)


def effective_floor(personal_info: str) -> str:
    """The least strict grade personal information allows: sensitive data is treated as general-4."""
    return Grade.GENERAL_4.value if personal_info == "sensitive" else Grade.GENERAL_1.value


def listable(grade: str) -> bool:
    """Core metadata is registered for the operator only and never published."""
    return grade != Grade.CORE.value


def needs_review(grade: str, personal_info: str) -> bool:
    """Listings the operator reviews before they go public: important, general-4/3, or personal data."""
    return (
        grade in {Grade.IMPORTANT.value, Grade.GENERAL_4.value, Grade.GENERAL_3.value}
        or personal_info != "none"
    )


def publishes_samples(grade: str) -> bool:
    """Important data is listed without samples."""
    return grade != Grade.IMPORTANT.value
