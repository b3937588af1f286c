"""The DCAT-AP feeds: every serialisation conformant, Hydra paging, tombstones, changes, ETags, import."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from catalog.validate import validate

from .conftest import SHARED
from .support.actions import bearer
from .support.catalog_data import dataset_payload

HYDRA = "http://www.w3.org/ns/hydra/core#"
DCAT = "http://www.w3.org/ns/dcat#"
FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml", "nt": "nt"}


@pytest.fixture
def publish(flow, provider, operator):
    """Publish datasets through the API (on a node with its operator) and return their ids."""
    token = flow.token(provider, "catalog:write org:read")

    def publish_(count: int = 1, **overrides) -> list[str]:
        ids = []
        for _ in range(count):
            created = flow.http.post(
                f"/api/v1/organizations/{provider.org.id}/datasets",
                headers=bearer(token),
                json=dataset_payload(**overrides),
            )
            assert created.status_code == 201, created.get_json()
            dataset_id = created.get_json()["id"]
            assert (
                flow.http.post(f"/api/v1/datasets/{dataset_id}/submit", headers=bearer(token)).status_code
                == 200
            )
            ids.append(dataset_id)
        return ids

    publish_.token = token  # type: ignore[attr-defined]
    return publish_


def _graph(body: bytes, suffix: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=body, format=FORMATS[suffix])


@pytest.mark.parametrize("suffix", list(FORMATS))
def test_every_serialisation_of_a_multi_dataset_catalog_conforms(client, publish, suffix):
    publish(3)
    publish(1, keywords={"zh": ["交通", "出行"]}, title={"zh": "城市交通流量"})
    response = client.get(f"/catalog.{suffix}")
    assert response.status_code == 200
    report = validate(response.data, suffix)
    assert report.conforms, report.violations[:3]
    assert not report.warnings, report.warnings[:3]
    graph = _graph(response.data, suffix)
    assert len(set(graph.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "Dataset")))) == 4


def test_content_negotiation_and_vary(client, publish):
    publish(1)
    for accept, media in [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("*/*", "text/turtle"),
    ]:
        response = client.get("/catalog", headers={"Accept": accept})
        assert response.data
        assert response.mimetype == media
        assert "Accept" in response.headers["Vary"]
    page = client.get("/catalog", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.mimetype == "text/html"


def test_each_dataset_iri_dereferences(client, publish):
    (dataset_id,) = publish(1)
    for suffix in FORMATS:
        response = client.get(f"/dataset/{dataset_id}.{suffix}")
        assert response.status_code == 200
        graph = _graph(response.data, suffix)
        assert (
            rdflib.URIRef(f"http://localhost/dataset/{dataset_id}"),
            rdflib.RDF.type,
            rdflib.URIRef(DCAT + "Dataset"),
        ) in graph
    negotiated = client.get(f"/dataset/{dataset_id}", headers={"Accept": "application/ld+json"})
    assert negotiated.mimetype == "application/ld+json"


def test_paging_visits_every_dataset_once_while_datasets_are_added(client, publish):
    publish(7)
    seen: list[str] = []
    url = "/catalog.nt?per_page=3"
    pages = 0
    while url:
        response = client.get(url)
        graph = _graph(response.data, "nt")
        seen += [str(s) for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "Dataset"))]
        if pages == 0:
            publish(2)  # published between pages: they append to the end
        following = list(graph.objects(None, rdflib.URIRef(HYDRA + "next")))
        url = str(following[0]).removeprefix("http://localhost") if following else ""
        pages += 1
    assert len(seen) == len(set(seen)) == 9
    assert pages == 3


def test_hydra_view_links_and_total(client, publish):
    publish(5)
    graph = _graph(client.get("/catalog.ttl?per_page=2&page=2").data, "ttl")
    view = rdflib.URIRef("http://localhost/catalog.ttl?per_page=2&page=2")
    assert (view, rdflib.RDF.type, rdflib.URIRef(HYDRA + "PartialCollectionView")) in graph
    links = {p.removeprefix(HYDRA): str(o) for p, o in graph.predicate_objects(view) if p.startswith(HYDRA)}
    assert links["first"].endswith("page=1")
    assert links["previous"].endswith("page=1")
    assert links["next"].endswith("page=3")
    assert links["last"].endswith("page=3")
    totals = [int(o) for o in graph.objects(None, rdflib.URIRef(HYDRA + "totalItems"))]
    assert totals == [5]


def test_withdrawn_datasets_leave_the_feed_as_tombstones(flow, client, publish):
    kept, gone = publish(2)
    flow.http.post(
        f"/api/v1/datasets/{gone}/withdraw", headers=bearer(publish.token), json={"reason": "superseded"}
    )
    graph = _graph(client.get("/catalog.ttl").data, "ttl")
    datasets = {str(s) for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "Dataset"))}
    tombstones = {
        str(s)
        for s in graph.subjects(
            rdflib.RDF.type, rdflib.URIRef("https://www.w3.org/ns/activitystreams#Tombstone")
        )
    }
    assert datasets == {f"http://localhost/dataset/{kept}"}
    assert tombstones == {f"http://localhost/dataset/{gone}"}
    gone_doc = client.get(f"/dataset/{gone}.ttl")
    assert gone_doc.status_code == 410
    assert validate(client.get("/catalog.ttl").data, "ttl").conforms


def test_modified_since_lists_only_changes(client, publish, app):
    from datetime import UTC, datetime, timedelta

    old = publish(2)
    cut = datetime.now(UTC) + timedelta(microseconds=1)
    from app.db import get_session
    from app.models import Dataset

    with app.app_context():
        session = get_session()
        for dataset_id in old:  # these were published and last changed an hour before the cut
            row = session.get(Dataset, dataset_id)
            row.updated_at = row.feed_at = row.published_at = cut - timedelta(hours=1)
            session.add(row)
        session.commit()
    (new,) = publish(1)
    since = cut.isoformat().replace("+00:00", "Z")
    graph = _graph(client.get("/catalog.ttl", query_string={"modified_since": since}).data, "ttl")
    assert {str(s) for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "Dataset"))} == {
        f"http://localhost/dataset/{new}"
    }


def test_bad_feed_parameters_are_problems(client):
    response = client.get("/catalog.ttl?page=0&modified_since=yesterday")
    assert response.status_code == 422
    assert {e["field"] for e in response.get_json()["errors"]} == {"query.page", "query.modified_since"}
    assert client.get("/catalog.csv").status_code == 404


def test_etag_and_if_none_match(client, publish):
    publish(1)
    first = client.get("/catalog.ttl")
    tag = first.headers["ETag"]
    assert client.get("/catalog.ttl", headers={"If-None-Match": tag}).status_code == 304
    publish(1)
    assert client.get("/catalog.ttl", headers={"If-None-Match": tag}).status_code == 200
    assert client.get("/catalog.jsonld", headers={"If-None-Match": tag}).status_code == 200


def test_core_and_unpublished_datasets_never_leave_the_node(flow, client, publish, provider):
    publish(1)
    token = publish.token
    draft = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(token),
        json=dataset_payload(title={"en": "Secret draft"}),
    ).get_json()
    core = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(token),
        json=dataset_payload(grade="core", title={"en": "Core registry"}),
    ).get_json()
    body = client.get("/catalog.nt?per_page=1000").data.decode()
    for hidden in (draft, core):
        assert hidden["id"] not in body
        assert client.get(f"/dataset/{hidden['id']}.ttl").status_code == 404
    assert "Secret draft" not in body
    assert "Core registry" not in body


def test_the_node_catalog_service_is_described(client, publish):
    publish(1)
    graph = _graph(client.get("/catalog.ttl").data, "ttl")
    services = list(graph.subjects(rdflib.RDF.type, rdflib.URIRef(DCAT + "DataService")))
    assert services
    assert (rdflib.URIRef("http://localhost/catalog"), rdflib.URIRef(DCAT + "service"), services[0]) in graph


EXAMPLES = SHARED / "standards" / "dcat-ap-3.0.1" / "examples"


@pytest.mark.parametrize("name", ["example-bee-population.ttl", "example-bee-population-2022-2023.ttl"])
def test_official_examples_import_and_come_out_conformant(flow, client, provider, name):
    token = flow.token(provider, "catalog:write org:read")
    response = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets/import?grade=general-1",
        headers={**bearer(token), "Content-Type": "text/turtle"},
        data=(EXAMPLES / name).read_bytes(),
    )
    assert response.status_code == 201, response.get_json()
    for dataset in response.get_json():
        assert (
            flow.http.post(f"/api/v1/datasets/{dataset['id']}/submit", headers=bearer(token)).status_code
            == 200
        )
        document = client.get(f"/dataset/{dataset['id']}.ttl").data
        assert validate(document, "ttl").conforms


def test_fragments_are_refused_with_what_they_lack(flow, provider):
    token = flow.token(provider, "catalog:write org:read")
    fragment = (EXAMPLES / "example-bee-population-dataset-frequency.ttl").read_bytes()
    response = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets/import",
        headers={**bearer(token), "Content-Type": "text/turtle"},
        data=fragment,
    )
    assert response.status_code == 422
    reasons = " ".join(e["field"] + " " + e["reason"] for e in response.get_json()["errors"])
    assert "title" in reasons or "description" in reasons
    listing = flow.http.get(
        f"/api/v1/organizations/{provider.org.id}/datasets", headers=bearer(token)
    ).get_json()
    assert listing == []


def test_unreadable_rdf_is_a_400(flow, provider):
    token = flow.token(provider, "catalog:write org:read")
    response = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets/import",
        headers={**bearer(token), "Content-Type": "text/turtle"},
        data=b"this is not turtle <",
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "body"


def test_feeds_parse_with_pyoxigraph_too(client, publish):
    publish(2)
    for suffix, fmt in (
        ("ttl", ox.RdfFormat.TURTLE),
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("rdf", ox.RdfFormat.RDF_XML),
    ):
        quads = list(ox.parse(client.get(f"/catalog.{suffix}").data, format=fmt))
        assert quads
    assert Path  # pathlib is used for the examples above


def test_feeds_splice_stored_renderings_and_redescribe_stale_ones(
    flow, client, publish, provider, operator, app
):
    from sqlmodel import select

    from app.db import get_session
    from app.models import DatasetRendering

    (dataset_id,) = publish(1)
    with app.app_context():
        stored = (
            get_session()
            .exec(select(DatasetRendering).where(DatasetRendering.dataset_id == dataset_id))
            .all()
        )
    assert {r.format for r in stored} == {"ttl", "nt", "rdf", "jsonld"}

    # renaming the publisher makes the stored text stale: the feed must show the new name at once
    op = flow.token(operator, "org:read org:write operator")
    renamed = flow.http.patch(
        f"/api/v1/organizations/{provider.org.id}",
        headers=bearer(op),
        json={"name": "Renamed Statistics Office"},
    )
    assert renamed.status_code == 200
    body = client.get("/catalog.nt").data.decode()
    assert "Renamed Statistics Office" in body
    assert provider.org.name not in body


def test_a_republished_dataset_under_review_leaves_the_feed(flow, client, provider, operator):
    token = flow.token(provider, "catalog:write org:read")
    created = flow.http.post(
        f"/api/v1/organizations/{provider.org.id}/datasets",
        headers=bearer(token),
        json=dataset_payload(grade="general-3"),
    ).get_json()
    reviewer = flow.token(operator, "catalog:write operator")
    flow.http.post(f"/api/v1/datasets/{created['id']}/submit", headers=bearer(token))
    flow.http.post(f"/api/v1/datasets/{created['id']}/approve", headers=bearer(reviewer))
    flow.http.post(f"/api/v1/datasets/{created['id']}/withdraw", headers=bearer(token))
    assert created["id"] in client.get("/catalog.nt").data.decode()  # as a tombstone
    republished = flow.http.post(
        f"/api/v1/datasets/{created['id']}/republish", headers=bearer(token)
    ).get_json()
    assert republished["status"] == "in_review"
    assert created["id"] not in client.get("/catalog.nt").data.decode()
