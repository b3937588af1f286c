"""What the evaluator knows about identifiers: which collections they belong to and what they are."""

from collections import deque
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from policy.terms import local_name

# Member states of the European Union since 2020-02-01, by ISO 3166-1 alpha-2 and alpha-3 code; Greece
# also by "EL", the code the EU institutions use for it.
EU_MEMBER_STATES = (
    ("AT", "AUT"), ("BE", "BEL"), ("BG", "BGR"), ("CY", "CYP"), ("CZ", "CZE"), ("DE", "DEU"), ("DK", "DNK"),
    ("EE", "EST"), ("EL", "GR", "GRC"), ("ES", "ESP"), ("FI", "FIN"), ("FR", "FRA"), ("HR", "HRV"),
    ("HU", "HUN"), ("IE", "IRL"), ("IT", "ITA"), ("LT", "LTU"), ("LU", "LUX"), ("LV", "LVA"), ("MT", "MLT"),
    ("NL", "NLD"), ("PL", "POL"), ("PT", "PRT"), ("RO", "ROU"), ("SE", "SWE"), ("SI", "SVN"), ("SK", "SVK"),
)  # fmt: skip
REGIONS: Mapping[str, frozenset[str]] = {
    "EU": frozenset(code for state in EU_MEMBER_STATES for code in state)
}


def region_code(value: object) -> str:
    """A jurisdiction as an upper-case code: `de` -> `DE`, `.../country/DEU` -> `DEU`, `_:EU` -> `EU`."""
    return local_name(str(value)).upper()


@dataclass(frozen=True)
class Relations:
    """How values of one left operand are compared: a normal form, and their memberships and classes."""

    normal: Callable[[object], str]
    part_of: Mapping[str, frozenset[str]]
    is_a: Mapping[str, frozenset[str]]

    def same(self, left: object, right: object) -> bool:
        """Whether two values name the same thing."""
        return self.normal(left) == self.normal(right)

    def containers(self, value: object) -> frozenset[str]:
        """Every collection `value` belongs to, directly or through other collections."""
        return _closure(self.normal(value), self.part_of)

    def classes(self, value: object) -> frozenset[str]:
        """Every class `value` is an instance of, directly or through superclasses."""
        return _closure(self.normal(value), self.is_a)


def relations_for(
    left_operand: str, part_of: Mapping[str, Collection[str]], is_a: Mapping[str, Collection[str]]
) -> Relations:
    """The relations to compare `left_operand` values with, given the request's facts."""
    if left_operand == "spatial":
        memberships: dict[str, set[str]] = {}
        for region, members in REGIONS.items():
            for member in members:
                memberships.setdefault(member, set()).add(region)
        for member, regions in part_of.items():
            memberships.setdefault(region_code(member), set()).update(region_code(r) for r in regions)
        return Relations(region_code, _frozen(memberships), _frozen(is_a, region_code))
    return Relations(str, _frozen(part_of), _frozen(is_a))


def _frozen(
    mapping: Mapping[str, Collection[str]], normal: Callable[[object], str] = str
) -> Mapping[str, frozenset[str]]:
    return {normal(key): frozenset(normal(value) for value in values) for key, values in mapping.items()}


def _closure(start: str, links: Mapping[str, frozenset[str]]) -> frozenset[str]:
    found: set[str] = set()
    queue = deque([start])
    while queue:
        for parent in links.get(queue.popleft(), ()):
            if parent not in found:
                found.add(parent)
                queue.append(parent)
    found.discard(start)
    return frozenset(found)
