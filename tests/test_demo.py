"""The demo marketplace: parties, catalog, offers and access requests, loaded once, into a demo node only."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from sqlmodel import func, select

from app.db import get_session
from app.demo.offers import OFFERS
from app.models import (
    Agreement,
    AgreementSignature,
    Dataset,
    DatasetKeyword,
    DatasetLineage,
    Distribution,
    Negotiation,
    Offer,
    Organization,
)
from app.services import agreement_checks, grading
from catalog.validate import validate

DATA = Path(__file__).resolve().parents[1] / "app" / "demo" / "data"
DCAT_DATASET = ox.NamedNode("http://www.w3.org/ns/dcat#Dataset")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PROVIDERS = {"Shenzhen Municipal Open Data Bureau", "Northwind Logistics", "Qianhai Mobility Data Co."}
CONSUMERS = {"Lumen Analytics", "Atlas Mutual Insurance"}


@pytest.fixture
def settings(settings: dict[str, object], tmp_path: Path) -> dict[str, object]:
    """Stored distribution files go to the test's own folder."""
    return {**settings, "STORAGE_PATH": str(tmp_path / "storage")}


@pytest.fixture
def load(runner):  # type: ignore[no-untyped-def]
    """Run ``dxnode demo load``, asserting it succeeded; its output."""

    def load_() -> str:
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        return str(result.output)

    return load_


def _all(model: Any) -> list[Any]:
    return list(get_session().exec(select(model)))


def _orgs() -> dict[str, str]:
    return {org.id: org.name for org in _all(Organization)}


def test_the_catalog_spans_every_grade_with_stored_files_and_a_derived_product(load, app):
    load()
    with app.app_context():
        orgs = _orgs()
        datasets = {d.id: d for d in _all(Dataset)}
        keywords = _all(DatasetKeyword)
        stored = [d for d in _all(Distribution) if d.storage_key]
        links = _all(DatasetLineage)
    assert len(datasets) >= 12
    assert {d.grade for d in datasets.values()} == set(grading.ORDER)
    assert {orgs[d.org_id] for d in datasets.values()} == PROVIDERS
    for dataset in datasets.values():
        assert dataset.status == ("draft" if dataset.grade == "core" else "published"), dataset.title
        assert set(dataset.title) == set(dataset.description) == {"en", "zh"}
        described = ("licence", "access_rights", "frequency", "spatial", "contact_point", "temporal_start")
        assert all(getattr(dataset, name) for name in described), dataset.title
    assert all(d.published_at is None for d in datasets.values() if d.grade == "core")
    assert {(k.dataset_id, k.lang) for k in keywords} == {
        (i, lang) for i in datasets for lang in ("en", "zh")
    }

    storage = Path(app.config["STORAGE_PATH"])
    assert len(stored) >= 12
    for dist in stored:
        content = (storage / dist.storage_key).read_bytes()
        assert dist.checksum_sha256 == hashlib.sha256(content).hexdigest()
        assert dist.byte_size == len(content)
    shipped = {hashlib.sha256(path.read_bytes()).hexdigest() for path in DATA.glob("*.csv")}
    assert {d.checksum_sha256 for d in stored} == shipped

    (product_id,) = {link.dataset_id for link in links}
    product, inputs = datasets[product_id], [datasets[link.source_id] for link in links]
    assert product.title["en"] == "Urban mobility and air-quality index"
    assert len(inputs) == 3
    assert len({d.org_id for d in inputs}) == 3
    assert all(link.weight > 0 for link in links)
    assert all(grading.at_least_as_strict(product.grade, d.grade) for d in inputs)


def test_the_catalog_feed_lists_the_published_datasets_and_never_the_core_one(load, app, client):
    load()
    with app.app_context():
        datasets = _all(Dataset)
    response = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = ox.Store()
    graph.load(response.data, format=ox.RdfFormat.TURTLE)
    quads = graph.quads_for_pattern(None, RDF_TYPE, DCAT_DATASET)
    listed = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    published = {f"http://localhost/dataset/{d.id}" for d in datasets if d.status == "published"}
    core = {f"http://localhost/dataset/{d.id}" for d in datasets if d.grade == "core"}
    assert published <= listed
    assert not core & listed
    report = validate(response.data, "ttl")
    assert report.conforms, report.violations[:3]


def test_offers_cover_every_pricing_model_and_the_grade_rules(load, app):
    load()
    with app.app_context():
        offers = _all(Offer)
        datasets = _all(Dataset)
    grades = {d.id: d.grade for d in datasets}
    grade = {o.id: grades[o.dataset_id] for o in offers}
    assert {o.dataset_id for o in offers} == {d.id for d in datasets if d.status == "published"}
    assert {o.pricing["model"] for o in offers} == {
        "free",
        "subscription",
        "per_call",
        "per_record",
        "per_gb",
        "tiered",
    }
    assert any("free_allowance" in o.pricing for o in offers)
    assert any("monthly_cap_minor" in o.pricing for o in offers)
    assert {"open-data-licence", "standard-data-licence", "aggregate-query-only"} <= {
        o.template_id for o in offers
    }
    for offer in offers:
        if offer.template_id == "open-data-licence":
            assert offer.pricing["model"] == "free"
            assert grade[offer.id] == "general-1"
        if grade[offer.id] in ("important", "general-4"):
            assert offer.template_id == "aggregate-query-only"
            assert offer.delivery_modes == ["aggregate"]
    assert {grade[o.id] for o in offers if o.approval == "automatic"} == {"general-1", "general-2"}
    assert any(o.approval == "manual" for o in offers)
    operands = {
        c["leftOperand"]
        for o in offers
        for rule in o.policy["permission"]
        for c in rule.get("constraint", [])
    }
    assert {"purpose", "count", "dateTime", "spatial"} <= operands


def test_offers_use_every_contract_template():
    assert {spec.terms["template"] for spec in OFFERS} == {
        "open-data-licence",
        "standard-data-licence",
        "api-subscription",
        "aggregate-query-only",
    }


def test_access_requests_stand_in_every_state(load, app):
    load()
    with app.app_context():
        orgs = _orgs()
        requests = _all(Negotiation)
        agreement_of = {a.negotiation_id: a for a in _all(Agreement)}
        grade = {d.id: d.grade for d in _all(Dataset)}
        derived = {link.dataset_id for link in _all(DatasetLineage)}
        signed_by = Counter((s.agreement_id, s.party) for s in _all(AgreementSignature))
    states = Counter(n.state for n in requests)
    assert states["FINALIZED"] >= 5
    assert {"REQUESTED", "OFFERED", "AGREED", "TERMINATED"} <= set(states)

    waiting = [n for n in requests if n.state == "REQUESTED"]
    assert any(n.needs_provider and n.provider_approved_at is None for n in waiting)
    assert any(
        n.needs_operator and n.provider_approved_at is not None and n.operator_approved_at is None
        for n in waiting
    )
    (offered,) = [n for n in requests if n.state == "OFFERED"]
    assert offered.validity_days < 365
    (agreed,) = [n for n in requests if n.state == "AGREED"]
    pending = agreement_of[agreed.id]
    assert pending.status == "pending"
    assert signed_by[(pending.id, "provider")] == 1
    assert signed_by[(pending.id, "consumer")] == 0
    (declined,) = [n for n in requests if n.state == "TERMINATED"]
    assert declined.reason.startswith("declined by the provider: ")

    in_force = [agreement_of[n.id] for n in requests if n.state == "FINALIZED"]
    active = [a for a in in_force if a.status == "active"]
    assert {orgs[a.consumer_org_id] for a in active} == CONSUMERS
    assert {orgs[a.provider_org_id] for a in active} == PROVIDERS
    assert any(a.dataset_id in derived for a in active)
    important = [n for n in requests if n.state == "FINALIZED" and grade[n.dataset_id] == "important"]
    assert important
    assert all(n.provider_approved_at and n.operator_approved_at for n in important)
    assert all(agreement_of[n.id].delivery_modes == ["aggregate"] for n in important)
    assert [a.status for a in in_force if a.status != "active"] == ["suspended"]

    jwks = app.extensions["dxnode.keyring"].jwks()
    for agreement in in_force:
        checks = agreement_checks.verify(agreement, jwks)
        assert len(checks) == 5
        assert all(problem is None for _, problem in checks), checks


def _snapshot() -> dict[str, Any]:
    session = get_session()
    counts = {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (Organization, Dataset, Distribution, Offer, Negotiation, Agreement, AgreementSignature)
    }
    return {
        "counts": counts,
        "datasets": sorted((d.id, d.status, str(d.updated_at)) for d in session.exec(select(Dataset))),
        "agreements": sorted((a.id, a.status, a.node_jws) for a in session.exec(select(Agreement))),
    }


def test_demo_load_writes_credentials_and_a_second_load_changes_nothing(load, runner, app, flow):
    assert "loaded" in load()
    path = Path(app.instance_path) / "demo-credentials.json"
    written = path.read_text()
    with app.app_context():
        before = _snapshot()
    assert "already present" in load()
    with app.app_context():
        assert _snapshot() == before
    assert path.read_text() == written

    credentials = json.loads(written)
    kinds = [org["kind"] for org in credentials["organizations"]]
    assert kinds.count("operator") == 1
    assert kinds.count("provider") == 3
    assert kinds.count("consumer") == 2
    consumer = next(org for org in credentials["organizations"] if org["kind"] == "consumer")
    client = consumer["clients"][0]
    response = flow.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )
    assert response.status_code == 200
    user = consumer["users"][0]
    assert flow.login(user["email"], user["password"]).status_code == 302

    shown = runner.invoke(args=["demo", "credentials"])
    assert "DEMO CREDENTIALS ONLY" in shown.output
    assert client["client_secret"] in shown.output


def test_a_lost_credentials_file_starts_the_demo_afresh(load, app):
    load()
    with app.app_context():
        before = _snapshot()
        old_files = {d.storage_key for d in _all(Distribution) if d.storage_key}
    (Path(app.instance_path) / "demo-credentials.json").unlink()
    assert "loaded" in load()
    with app.app_context():
        after = _snapshot()
        new_files = {d.storage_key for d in _all(Distribution) if d.storage_key}
    assert after["counts"] == before["counts"]
    assert not {d[0] for d in after["datasets"]} & {d[0] for d in before["datasets"]}
    storage = Path(app.config["STORAGE_PATH"])
    assert {path.name for path in storage.iterdir()} == new_files
    assert not old_files & new_files


def test_demo_refuses_a_database_with_other_data(runner, make_org, app):
    make_org("provider", name="A Real Customer")
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "not demo data" in result.output
    with app.app_context():
        assert [org.name for org in _all(Organization)] == ["A Real Customer"]
        assert _all(Dataset) == []
    assert not (Path(app.instance_path) / "demo-credentials.json").exists()
