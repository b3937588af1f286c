"""A hostile source: XML entities, endless paging, oversized and slow pages, redirects to private addresses.

Each attack ends the run as failed with an error that says what was refused, and the node asks the
server for nothing it should not: no external entity, no redirect target on loopback.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask

from app.services.harvest_fetch import address_problem
from tests.support.catalog_server import CatalogServer
from tests.support.harvesting import add_source, harvest, live_titles

TTL = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
<{base}/dataset/{n}> a dcat:Dataset ; dct:title "Dataset {n}"@en ; dct:description "Number {n}."@en .
<{page}> a hydra:PartialCollectionView {links} .
"""


def page(server: CatalogServer, n: int, next_path: str | None) -> str:
    """A page holding one dataset, linking to ``next_path``."""
    links = f"; hydra:next <{server.url(next_path)}>" if next_path else ""
    return TTL.format(base="https://remote.example", n=n, page=server.url(f"/p{n}"), links=links)


def test_an_external_entity_is_never_resolved(app: Flask, catalog_server: CatalogServer) -> None:
    secret = catalog_server.serve("/secret", "top secret")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY leak SYSTEM "{secret}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
    xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://remote.example/dataset/1">
    <dct:title>&leak;</dct:title><dct:description>d</dct:description>
  </dcat:Dataset>
</rdf:RDF>"""
    url = catalog_server.serve("/catalog.rdf", xxe, "application/rdf+xml")

    run = harvest(app, add_source(app, url))

    assert run.status == "failed"
    assert "is external" in (run.error or "")
    assert "XML entities are never resolved" in (run.error or "")
    assert catalog_server.asked("/secret") == 0
    assert run.new == 0


def test_entity_expansion_is_refused(app: Flask, catalog_server: CatalogServer) -> None:
    lol = "lol" * 20
    refs = "&lol;" * 200_000
    bomb = f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY lol "{lol}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"
    xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://remote.example/dataset/1">
    <dct:title>{refs}</dct:title><dct:description>d</dct:description>
  </dcat:Dataset>
</rdf:RDF>"""
    url = catalog_server.serve("/bomb.rdf", bomb, "application/xml")

    run = harvest(app, add_source(app, url))

    assert run.status == "failed"
    assert "would expand to more than" in (run.error or "")


def test_a_paging_loop_is_detected(app: Flask, catalog_server: CatalogServer) -> None:
    catalog_server.serve("/p1", page(catalog_server, 1, "/p2"))
    catalog_server.serve("/p2", page(catalog_server, 2, "/p3"))
    catalog_server.serve("/p3", page(catalog_server, 3, "/p1"))

    run = harvest(app, add_source(app, catalog_server.url("/p1")))

    assert run.status == "failed"
    assert run.error == f"paging loop: the next page {catalog_server.url('/p1')} was already read in this run"
    assert run.pages == 3
    assert catalog_server.asked("/p1") == 1
    assert run.new == 3  # what was read is kept; nothing is withdrawn by a run that did not finish
    assert not run.complete


def test_endless_paging_stops_at_the_page_cap(app: Flask, catalog_server: CatalogServer) -> None:
    for n in range(1, 8):
        catalog_server.serve(f"/p{n}", page(catalog_server, n, f"/p{n + 1}"))

    run = harvest(app, add_source(app, catalog_server.url("/p1"), max_pages=5))

    assert run.status == "failed"
    assert run.error == f"more than 5 pages: stopped at {catalog_server.url('/p6')} (the source's page cap)"
    assert catalog_server.asked("/p6") == 0
    assert len(live_titles(app, run.source_id)) == 5


@pytest.fixture
def small_pages(settings: dict[str, object]) -> dict[str, object]:
    """Pages of at most 4 KiB, fetched within one second."""
    settings.update({"HARVEST_MAX_PAGE_BYTES": 4096, "HARVEST_PAGE_TIMEOUT": 1.0})
    return settings


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
def test_an_oversized_page_is_refused(
    small_pages: dict[str, object], app: Flask, catalog_server: CatalogServer, declared: bool
) -> None:
    padding = "# " + "x" * 10_000 + "\n"
    url = catalog_server.serve("/big.ttl", padding + page(catalog_server, 1, None), declare_length=declared)

    run = harvest(app, add_source(app, url))

    assert run.status == "failed"
    expected = "bytes, more than 4096" if declared else "larger than 4096 bytes"
    assert expected in (run.error or "")


def test_a_page_dripped_slowly_is_given_up(
    small_pages: dict[str, object], app: Flask, catalog_server: CatalogServer
) -> None:
    url = catalog_server.serve("/slow.ttl", "#" * 3000 + "\n", drip_seconds=0.6)

    run = harvest(app, add_source(app, url))

    assert run.status == "failed"
    assert "took longer than 1 s" in (run.error or "")


def test_a_redirect_to_loopback_is_refused_even_for_an_allowlisted_source(
    app: Flask, catalog_server: CatalogServer
) -> None:
    internal = catalog_server.serve("/internal", page(catalog_server, 1, None))
    catalog_server.redirect("/catalog", internal)

    run = harvest(app, add_source(app, catalog_server.url("/catalog", host="localhost")))

    assert run.status == "failed"
    assert "refused, 127.0.0.1 resolves to 127.0.0.1 is a loopback address" in (run.error or "")
    assert catalog_server.asked("/catalog") == 1
    assert catalog_server.asked("/internal") == 0


def test_a_redirect_to_another_scheme_is_refused(app: Flask, catalog_server: CatalogServer) -> None:
    url = catalog_server.redirect("/catalog", "file:///etc/passwd")

    run = harvest(app, add_source(app, url))

    assert run.status == "failed"
    assert run.error == "file:///etc/passwd: only http and https URLs are fetched"


def test_a_remote_json_ld_context_is_not_fetched(app: Flask, catalog_server: CatalogServer) -> None:
    context = catalog_server.serve("/context.jsonld", '{"@context": {}}', "application/ld+json")
    doc = json.dumps({"@context": context, "@id": "https://remote.example/dataset/1", "@type": "Dataset"})
    url = catalog_server.serve("/catalog.jsonld", doc, "application/ld+json")

    run = harvest(app, add_source(app, url))

    assert run.status == "failed"
    assert catalog_server.asked("/context.jsonld") == 0


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("::1", "::1 is a loopback address"),
        ("10.1.2.3", "10.1.2.3 is a private address"),
        ("192.168.0.10", "192.168.0.10 is a private address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("fe80::1", "fe80::1 is a link-local address"),
        ("::ffff:127.0.0.1", "127.0.0.1 is a loopback address"),
        ("224.0.0.1", "224.0.0.1 is a multicast address"),
        ("0.0.0.0", "0.0.0.0 is an unspecified address"),  # noqa: S104 - an address checked, not bound
        ("100.64.0.1", "100.64.0.1 is not a public address"),
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_addresses_that_are_not_public_are_refused(address: str, problem: str | None) -> None:
    assert address_problem(address, allow_private=False) == problem
    assert address_problem(address, allow_private=True) is None
