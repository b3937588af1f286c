"""Harvesting real publishers' catalogs (CKAN, ckanext-dcatde, piveau) served over HTTP, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from catalog.parse import parse_catalog
from tests.conftest import SHARED
from tests.support.catalog_server import CatalogServer
from tests.support.harvesting import add_source, harvest, live_titles, record_count

FIXTURES = SHARED / "fixtures" / "dcat"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in {".ttl", ".rdf", ".jsonld", ".trig"})
READABLE = [p for p in FILES if not p.name.startswith("NEGATIVE_")]
NEGATIVE = [p for p in FILES if p.name.startswith("NEGATIVE_")]
# Servers rarely send the right type: each file is served with a wrong or useless one.
WRONG_TYPES = ["application/octet-stream", "text/plain", None, "application/json", "text/html"]


@pytest.mark.parametrize("path", READABLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_world_catalog_is_harvested(app: Flask, catalog_server: CatalogServer, path: Path) -> None:
    content_type = WRONG_TYPES[READABLE.index(path) % len(WRONG_TYPES)]
    url = catalog_server.serve(f"/{path.name}", path.read_bytes(), content_type)
    expected = parse_catalog(path.read_bytes(), None, url)

    run = harvest(app, add_source(app, url))

    assert run.status == "succeeded", run.error
    assert run.complete
    assert run.pages == 1
    assert run.new == len(expected.datasets) > 0
    assert run.failed == len(expected.errors)
    assert set(live_titles(app, run.source_id)) == {d.record.iri for d in expected.datasets}


@pytest.mark.parametrize("path", NEGATIVE, ids=lambda p: p.name)
def test_broken_catalogs_fail_with_a_located_error(
    app: Flask, catalog_server: CatalogServer, path: Path
) -> None:
    url = catalog_server.serve(f"/{path.name}", path.read_bytes(), "text/turtle")

    run = harvest(app, add_source(app, url))

    assert run.status == "failed"
    assert f"page {url} is not a readable catalog" in (run.error or "")
    assert "line " in (run.error or "")
    assert run.new == 0
    assert record_count(app, run.source_id) == 0


def test_the_command_line_adds_runs_and_lists(app: Flask, runner, catalog_server: CatalogServer) -> None:  # type: ignore[no-untyped-def]
    path = FIXTURES / "ckanext-dcat" / "dataset_health.ttl"
    url = catalog_server.serve("/health.ttl", path.read_bytes(), "text/turtle")

    added = runner.invoke(args=["harvest", "add", "Health portal", url, "--allow-private", "--every", "60"])
    assert added.exit_code == 0, added.output
    ran = runner.invoke(args=["harvest", "run", "Health portal"])
    assert ran.exit_code == 0, ran.output
    summary = json.loads(ran.stdout.splitlines()[0])
    assert (summary["status"], summary["new"], summary["pages"]) == ("succeeded", 1, 1)
    again = json.loads(runner.invoke(args=["harvest", "run", "Health portal"]).stdout.splitlines()[0])
    assert (again["new"], again["unchanged"]) == (0, 1)

    listed = runner.invoke(args=["harvest", "list"])
    assert "Health portal" in listed.output
    assert "every 60 min" in listed.output
    assert "1 datasets" in listed.output
    runs = runner.invoke(args=["harvest", "runs", "Health portal"]).output.splitlines()
    assert [json.loads(line)["new"] for line in runs] == [0, 1]


def test_the_command_line_names_bad_input(runner) -> None:  # type: ignore[no-untyped-def]
    bad = runner.invoke(args=["harvest", "add", "X", "ftp://example.org/catalog"])
    assert bad.exit_code == 2
    assert "url" in bad.output
    missing = runner.invoke(args=["harvest", "run", "nowhere"])
    assert missing.exit_code == 2
    assert "does not exist" in missing.output


def test_a_loopback_source_that_is_not_allowlisted_is_refused(
    app: Flask, catalog_server: CatalogServer
) -> None:
    path = FIXTURES / "ckanext-dcat" / "dataset_health.ttl"
    url = catalog_server.serve("/health.ttl", path.read_bytes())

    run = harvest(app, add_source(app, url, allow_private=False))

    assert run.status == "failed"
    assert "127.0.0.1 is a loopback address" in (run.error or "")
    assert catalog_server.requests == []
