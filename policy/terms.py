"""Names of the ODRL 2.2 terms and how to recognise them however a document spells them."""

from collections.abc import Collection

ODRL = "http://www.w3.org/ns/odrl/2/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

POLICY_TYPES = ("Set", "Offer", "Agreement")
COMPARISON_OPERATORS = ("eq", "neq", "lt", "lteq", "gt", "gteq")
ORDERING_OPERATORS = ("lt", "lteq", "gt", "gteq")
SET_OPERATORS = ("isA", "hasPart", "isPartOf", "isAllOf", "isAnyOf", "isNoneOf")
LIST_OPERATORS = ("isAllOf", "isAnyOf", "isNoneOf")
OPERATORS = COMPARISON_OPERATORS + SET_OPERATORS
LOGICAL_OPERATORS = ("or", "xone", "and", "andSequence")
CONFLICT_STRATEGIES = ("perm", "prohibit", "invalid")


def local_name(iri: str) -> str:
    """The part of an IRI or prefixed name after its last `/`, `#` or `:`."""
    cut = max(iri.rfind("/"), iri.rfind("#"), iri.rfind(":"))
    return iri[cut + 1 :]


def is_iri_like(value: str) -> bool:
    """Whether a string is an IRI or a prefixed name rather than a bare word."""
    return ":" in value


def odrl_term(value: str, known: Collection[str]) -> str | None:
    """The ODRL term `value` names, or None.

    Accepts the bare name (`use`), the prefixed name (`odrl:use`), the full IRI, and any other IRI whose
    local name is a known term: the Dataspace Protocol context defines few ODRL terms, so a bare name
    often reaches us expanded against a document's base (`https://provider.example/dateTime`).
    """
    if value.startswith(ODRL):
        name = value[len(ODRL) :]
    elif value.startswith("odrl:"):
        name = value[len("odrl:") :]
    elif is_iri_like(value):
        name = local_name(value)
    else:
        name = value
    return name if name in known else None


def expand_xsd(datatype: str) -> str:
    """A datatype written `xsd:dateTime` or in full, as a full IRI."""
    if datatype.startswith("xsd:"):
        return XSD + datatype[len("xsd:") :]
    return datatype
