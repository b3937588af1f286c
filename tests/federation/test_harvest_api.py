"""The federation API and pages of the operator; harvested datasets in search, on pages and in feeds."""

from __future__ import annotations

from typing import Any

import pytest
import rdflib
from flask import Flask
from sqlmodel import select

from app import jobs
from app.db import get_session
from app.models import HarvestRun, HarvestSource
from app.services import harvest_jobs
from tests.support.actions import bearer
from tests.support.catalog_server import CatalogServer
from tests.support.contract_data import offer_payload
from tests.support.factories import PASSWORD
from tests.support.harvesting import add_source, background_idle, harvest
from tests.support.remote_catalogs import REMOTE, catalog_page

API = "/api/v1/harvest"


@pytest.fixture
def op(flow: Any, operator: Any) -> dict[str, str]:
    """The operator's bearer header."""
    return bearer(flow.token(operator, "org:read org:write operator"))


@pytest.fixture
def remote(catalog_server: CatalogServer) -> str:
    """A remote catalog of two datasets and a record without a title; its URL."""
    page = catalog_page([(1, "Air quality sensors"), (2, "Harbour traffic")], catalog_server.url("/catalog"))
    page += f'<{REMOTE}/untitled> a dcat:Dataset ; dct:description "No title."@en .\n'
    return catalog_server.serve("/catalog", page)


def test_the_operator_registers_runs_and_reads_a_source(
    flow: Any, app: Flask, op: dict[str, str], remote: str
) -> None:
    created = flow.http.post(
        f"{API}/sources", headers=op, json={"name": "Harbour node", "url": remote, "allow_private": True}
    )
    assert created.status_code == 201, created.get_json()
    source = created.get_json()
    assert (source["name"], source["format"], source["datasets"], source["republish"]) == (
        "Harbour node",
        "auto",
        0,
        False,
    )

    started = flow.http.post(f"{API}/sources/{source['id']}/runs", headers=op)
    assert started.status_code == 202
    run = started.get_json()
    assert run["status"] == "queued"
    assert started.headers["Location"] == f"{API}/runs/{run['id']}"
    background_idle(app)

    done = flow.http.get(f"{API}/runs/{run['id']}", headers=op).get_json()
    assert done["status"] == "succeeded"
    assert (done["new"], done["updated"], done["unchanged"], done["withdrawn"], done["failed"]) == (
        2,
        0,
        0,
        0,
        1,
    )
    assert done["errors"] == [{"iri": f"{REMOTE}/untitled", "reason": "dct:title is missing", "page": remote}]
    assert done["complete"] is True
    listed = flow.http.get(f"{API}/sources/{source['id']}/runs", headers=op).get_json()
    assert (listed["total"], listed["items"][0]["id"]) == (1, run["id"])
    assert flow.http.get(f"{API}/sources", headers=op).get_json()[0]["datasets"] == 2

    changed = flow.http.patch(
        f"{API}/sources/Harbour node", headers=op, json={"schedule_minutes": 60, "republish": True}
    )
    assert changed.status_code == 200
    assert changed.get_json()["schedule_minutes"] == 60
    assert changed.get_json()["next_run_at"] is not None

    assert flow.http.delete(f"{API}/sources/{source['id']}", headers=op).status_code == 204
    assert flow.http.get("/api/v1/datasets?q=harbour").get_json()["total"] == 0
    assert flow.http.get(f"{API}/runs/{run['id']}", headers=op).status_code == 404


def test_bad_input_names_the_field(flow: Any, op: dict[str, str], remote: str) -> None:
    bad = flow.http.post(
        f"{API}/sources", headers=op, json={"name": "X", "url": "ftp://remote.example/", "format": "csv"}
    )
    assert bad.status_code == 422
    assert bad.headers["Content-Type"] == "application/problem+json"
    assert {e["field"] for e in bad.get_json()["errors"]} == {"url", "format"}
    first = flow.http.post(f"{API}/sources", headers=op, json={"name": "Twice", "url": remote})
    assert first.status_code == 201
    again = flow.http.post(f"{API}/sources", headers=op, json={"name": "Twice", "url": remote})
    assert again.status_code == 409
    assert again.get_json()["errors"][0]["field"] == "name"
    too_often = flow.http.patch(f"{API}/sources/Twice", headers=op, json={"schedule_minutes": 1})
    assert too_often.status_code == 422
    assert too_often.get_json()["errors"][0]["field"] == "schedule_minutes"


def test_only_the_operator_manages_federation(flow: Any, provider: Any) -> None:
    token = flow.token(provider, "org:read catalog:write")
    assert flow.http.get(f"{API}/sources", headers=bearer(token)).status_code == 403
    assert flow.http.get(f"{API}/sources").status_code == 401


def test_harvested_datasets_are_found_beside_local_ones_and_show_their_source(
    flow: Any, app: Flask, remote: str
) -> None:
    source = add_source(app, remote, name="Harbour node")
    harvest(app, source)

    found = flow.http.get("/api/v1/datasets?q=harbour").get_json()
    assert found["total"] == 1
    (item,) = found["items"]
    assert item["publisher"] == "Harbour node"
    assert item["harvested"] == {
        "source_id": source,
        "source": "Harbour node",
        "remote_iri": f"{REMOTE}/2",
        "request_access_at": f"{REMOTE}/2",
    }
    assert [f["label"] for f in found["facets"]["publisher"]] == ["Harbour node"]

    page = flow.http.get(f"/dataset/{item['id']}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Harvested from" in page
    assert f'href="{REMOTE}/2">Request access at its home node' in page
    assert "New offer" not in page


def feed_datasets(flow: Any) -> dict[str, set[str]]:
    """Datasets of this node's feed and the originals each was derived from."""
    graph = rdflib.Graph().parse(data=flow.http.get("/catalog.nt").get_data(as_text=True), format="nt")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    derived = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    return {
        str(d): {str(o) for o in graph.objects(d, derived)}
        for d in graph.subjects(rdflib.RDF.type, dcat.Dataset)
    }


@pytest.mark.parametrize("republish", [False, True])
def test_only_a_source_that_allows_it_is_republished_with_provenance(
    flow: Any, app: Flask, remote: str, republish: bool
) -> None:
    harvest(app, add_source(app, remote, republish=republish))

    in_feed = feed_datasets(flow)

    if republish:
        assert sorted(next(iter(o)) for o in in_feed.values()) == [f"{REMOTE}/1", f"{REMOTE}/2"]
    else:
        assert in_feed == {}


def test_a_schedule_queues_runs_through_the_job_queue(
    app: Flask, remote: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert jobs._PERIODIC["harvest"] is harvest_jobs.queue_due_harvests
    monkeypatch.setattr(jobs, "_PERIODIC", {"harvest": harvest_jobs.queue_due_harvests})
    source = add_source(app, remote, schedule_minutes=30)

    with app.app_context():
        assert jobs.tick() == ["harvest"]
        assert jobs.tick() == ["harvest"]  # not due again for 30 minutes: nothing more is queued
    background_idle(app)

    with app.app_context():
        session = get_session()
        runs = session.exec(select(HarvestRun)).all()
        assert [(r.trigger, r.status, r.new) for r in runs] == [("schedule", "succeeded", 2)]
        stored = session.get(HarvestSource, source)
        assert stored is not None
        assert stored.next_run_at is not None
        assert runs[0].created_at is not None
        assert (stored.next_run_at - runs[0].created_at).total_seconds() == pytest.approx(1800, abs=5)


def test_the_operator_page_lists_sources_and_runs(flow: Any, app: Flask, operator: Any, remote: str) -> None:
    source = add_source(app, remote, name="Harbour node", schedule_minutes=60)
    run = harvest(app, source)
    flow.login(operator.user.email, PASSWORD)

    page = flow.http.get("/harvest").get_data(as_text=True)
    assert "Harbour node" in page
    assert "every 60 min" in page
    assert f"/harvest/runs/{run.id}" in page
    detail = flow.http.get(f"/harvest/runs/{run.id}").get_data(as_text=True)
    assert "dct:title is missing" in detail
    assert f"{REMOTE}/untitled" in detail


def test_the_federation_page_is_for_the_operator_only(flow: Any, provider: Any) -> None:
    flow.login(provider.user.email, PASSWORD)
    assert flow.http.get("/harvest", headers={"Accept": "text/html"}).status_code == 403


def test_a_harvested_dataset_is_not_edited_moved_or_offered_here(
    flow: Any, app: Flask, operator: Any, remote: str
) -> None:
    harvest(app, add_source(app, remote, name="Harbour node"))
    (item,) = flow.http.get("/api/v1/datasets?q=harbour").get_json()["items"]
    headers = bearer(flow.token(operator, "org:read catalog:write operator"))

    answers = [
        flow.http.patch(f"/api/v1/datasets/{item['id']}", headers=headers, json={"version": "2"}),
        flow.http.post(f"/api/v1/datasets/{item['id']}/withdraw", headers=headers, json={"reason": "no"}),
        flow.http.post(f"/api/v1/datasets/{item['id']}/offers", headers=headers, json=offer_payload()),
    ]

    assert [a.status_code for a in answers] == [409, 409, 409]
    assert [a.get_json()["type"].rsplit("/", 1)[-1] for a in answers] == ["harvested-dataset"] * 3
    assert f"at its home node ({REMOTE}/2)" in answers[2].get_json()["detail"]
