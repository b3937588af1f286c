"""Paged catalogs in both Hydra forms, a source changing between runs, ETags, incremental runs, tombstones."""

from __future__ import annotations

import pytest
from flask import Flask

from app.services.harvest_run import INCREMENTAL_OVERLAP
from tests.support.catalog_server import CatalogServer
from tests.support.harvesting import add_source, harvest, live_titles, withdrawn_iris
from tests.support.remote_catalogs import PREFIXES, REMOTE, catalog_page, numbered, serve_pages


@pytest.mark.parametrize("form", ["view", "legacy"])
def test_every_page_of_a_paged_catalog_is_harvested(
    app: Flask, catalog_server: CatalogServer, form: str
) -> None:
    url = serve_pages(catalog_server, [numbered(1, 2, 3), numbered(4, 5, 6), numbered(7)], form)

    run = harvest(app, add_source(app, url))

    assert run.status == "succeeded", run.error
    assert (run.pages, run.new, run.complete) == (3, 7, True)
    assert live_titles(app, run.source_id) == {f"{REMOTE}/{n}": f"Dataset {n}" for n in range(1, 8)}


def test_a_changed_source_updates_adds_and_withdraws(app: Flask, catalog_server: CatalogServer) -> None:
    url = serve_pages(catalog_server, [numbered(1, 2, 3), numbered(4, 5, 6)])
    source = add_source(app, url)
    first = harvest(app, source)
    assert (first.new, first.updated, first.unchanged, first.withdrawn) == (6, 0, 0, 0)

    serve_pages(
        catalog_server, [[(1, "Dataset 1"), (2, "Dataset 2, revised"), (3, "Dataset 3")], numbered(4, 6, 7)]
    )
    second = harvest(app, source)

    assert second.status == "succeeded", second.error
    assert (second.new, second.updated, second.unchanged, second.withdrawn, second.failed) == (1, 1, 4, 1, 0)
    titles = live_titles(app, source)
    assert titles[f"{REMOTE}/2"] == "Dataset 2, revised"
    assert f"{REMOTE}/7" in titles
    assert withdrawn_iris(app, source) == {f"{REMOTE}/5"}

    serve_pages(catalog_server, [numbered(1, 2, 3), numbered(4, 5, 6)])
    third = harvest(app, source)
    assert (third.new, third.updated, third.unchanged, third.withdrawn) == (0, 2, 4, 1)
    assert withdrawn_iris(app, source) == {f"{REMOTE}/7"}  # 5 came back; 7 went


def test_an_unchanged_source_is_not_read_again(app: Flask, catalog_server: CatalogServer) -> None:
    url = serve_pages(catalog_server, [numbered(1, 2), numbered(3)])
    catalog_server.answers["/catalog?page=1"].etag = '"v1"'
    source = add_source(app, url)
    harvest(app, source)

    again = harvest(app, source)

    assert again.status == "succeeded"
    assert (again.new, again.updated, again.unchanged, again.withdrawn) == (0, 0, 3, 0)
    conditional = [h.get("If-None-Match") for p, h in catalog_server.requests if p == "/catalog?page=1"]
    assert conditional == [None, '"v1"']  # the second run asked with the ETag and got 304
    assert live_titles(app, source) == {f"{REMOTE}/{n}": f"Dataset {n}" for n in (1, 2, 3)}


def test_an_incremental_run_asks_for_changes_and_learns_deletions_from_tombstones(
    app: Flask, catalog_server: CatalogServer
) -> None:
    url = catalog_server.serve("/feed", catalog_page(numbered(1, 2, 3), catalog_server.url("/feed")))
    source = add_source(app, url, modified_since_param="modified_since")
    first = harvest(app, source)
    assert (first.incremental, first.new) == (False, 3)
    catalog_server.serve_any_query(
        "/feed", catalog_page([(2, "Dataset 2, revised")], catalog_server.url("/feed?changes"), gone=[3])
    )

    second = harvest(app, source)

    assert second.status == "succeeded", second.error
    assert second.incremental
    assert not second.complete
    assert (second.new, second.updated, second.unchanged, second.withdrawn) == (0, 1, 0, 1)
    assert first.started_at is not None
    stamp = (first.started_at - INCREMENTAL_OVERLAP).strftime("%Y-%m-%dT%H%%3A%M%%3A%SZ")
    assert catalog_server.requests[-1][0] == f"/feed?modified_since={stamp}"
    assert live_titles(app, source) == {f"{REMOTE}/1": "Dataset 1", f"{REMOTE}/2": "Dataset 2, revised"}
    assert withdrawn_iris(app, source) == {f"{REMOTE}/3"}

    full = harvest(app, source, full=True)
    assert (full.incremental, full.complete) == (False, True)
    assert catalog_server.requests[-1][0] == "/feed"


def test_one_bad_record_never_aborts_the_run(app: Flask, catalog_server: CatalogServer) -> None:
    page = catalog_page(numbered(1, 2), catalog_server.url("/catalog")) + (
        f'<{REMOTE}/untitled> a dcat:Dataset ; dct:description "No title."@en .\n'
    )
    url = catalog_server.serve("/catalog", page)

    run = harvest(app, add_source(app, url))

    assert run.status == "succeeded"
    assert (run.new, run.failed) == (2, 1)
    assert run.errors == [{"iri": f"{REMOTE}/untitled", "reason": "dct:title is missing", "page": url}]


def test_a_blank_node_dataset_is_kept_by_its_content(app: Flask, catalog_server: CatalogServer) -> None:
    blank = PREFIXES + '[] a dcat:Dataset ; dct:title "Anonymous"@en ; dct:description "Has no IRI."@en .\n'
    url = catalog_server.serve("/blank.ttl", blank)
    source = add_source(app, url)

    first = harvest(app, source)
    catalog_server.serve("/blank.ttl", "# the same, reformatted\n" + blank)
    second = harvest(app, source)

    assert first.new == 1
    assert (second.new, second.unchanged) == (0, 1)
    (iri,) = live_titles(app, source)
    assert iri.startswith("urn:uuid:")
