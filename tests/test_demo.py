"""The demo marketplace: parties, catalog, offers, access requests, ten days of use and a month billed,
paid and shared, loaded once, into a demo node only."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyoxigraph as ox
import pytest
from sqlmodel import func, select

from app.db import get_session
from app.demo import partner
from app.demo.billing import previous_month
from app.demo.offers import OFFERS
from app.models import (
    AccessRefusal,
    Agreement,
    AgreementSignature,
    Dataset,
    DatasetKeyword,
    DatasetLineage,
    Distribution,
    HarvestSource,
    Invoice,
    Negotiation,
    Offer,
    Organization,
    Payment,
    QuotaCounter,
    RevenueShare,
    UsageEvent,
)
from app.services import agreement_checks, grading, ledger, statements
from app.services.actors import Actor
from app.services.billing_periods import parse_period
from catalog.validate import validate

from .support.actions import bearer

DATA = Path(__file__).resolve().parents[1] / "app" / "demo" / "data"
DCAT_DATASET = ox.NamedNode("http://www.w3.org/ns/dcat#Dataset")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PROVIDERS = {"Shenzhen Municipal Open Data Bureau", "Northwind Logistics", "Qianhai Mobility Data Co."}
CONSUMERS = {"Lumen Analytics", "Atlas Mutual Insurance"}
PARQUET = "application/vnd.apache.parquet"
PARQUET_FORMAT = "http://publications.europa.eu/resource/authority/file-type/PARQUET"
INDEX = "mobility-air-index/licence"


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
    partners = {dist.file for listing in partner.LISTINGS for dist in listing.distributions}
    shipped = {
        hashlib.sha256(path.read_bytes()).hexdigest()
        for path in [*DATA.glob("*.csv"), *DATA.glob("*.parquet")]
        if path.name not in partners  # the partner exchange's files
    }
    assert {d.checksum_sha256 for d in stored} == shipped

    (product_id,) = {link.dataset_id for link in links}
    product, inputs = datasets[product_id], [datasets[link.source_id] for link in links]
    assert product.title["en"] == "Urban mobility and air-quality index"
    assert len(inputs) == 3
    assert len({d.org_id for d in inputs}) == 3
    assert all(link.weight > 0 for link in links)
    assert all(grading.at_least_as_strict(product.grade, d.grade) for d in inputs)


def test_parquet_copies_are_stored_beside_their_csv_files_and_can_be_read(load, app):
    load()
    with app.app_context():
        grade = {d.id: d.grade for d in _all(Dataset)}
        distributions = _all(Distribution)
    storage = Path(app.config["STORAGE_PATH"])
    parquet = [d for d in distributions if d.media_type == PARQUET]
    assert len(parquet) >= 3
    assert any(grade[d.dataset_id] in ("important", "general-4") for d in parquet)
    shipped = {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in DATA.glob("*.parquet")}
    for dist in parquet:
        assert dist.format == PARQUET_FORMAT
        path = storage / dist.storage_key
        assert dist.checksum_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert dist.byte_size == path.stat().st_size
        (original,) = [
            d for d in distributions if d.dataset_id == dist.dataset_id and d.media_type == "text/csv"
        ]
        source = shipped[dist.checksum_sha256].with_suffix(".csv")
        assert original.checksum_sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
        with duckdb.connect() as connection:
            counts = connection.execute(
                "SELECT (SELECT count(*) FROM read_parquet(?)), (SELECT count(*) FROM read_csv(?))",
                [str(path), str(source)],
            ).fetchall()[0]
            missing = connection.execute(
                "SELECT count(*) FROM (SELECT * FROM read_csv(?) EXCEPT ALL SELECT * FROM read_parquet(?))",
                [str(source), str(path)],
            ).fetchall()[0][0]
        assert counts[0] > 0
        assert (counts[0], missing) == (counts[1], 0), f"{source.name} and its Parquet copy differ"


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


def _offer_keys(app: Any) -> dict[str, str]:
    """The demo key of each offer by its id (offers are made in the order of OFFERS)."""
    with app.app_context():
        made = sorted(_all(Offer), key=lambda offer: (offer.created_at, offer.id))
        titles = {spec.terms["title"]: spec.key for spec in OFFERS}
        return {offer.id: titles[offer.title] for offer in made if offer.title in titles}


def _credentials(app: Any) -> dict[str, Any]:
    return dict(json.loads((Path(app.instance_path) / "demo-credentials.json").read_text()))


def _client_of(credentials: dict[str, Any], org_id: str) -> dict[str, Any]:
    """The demo client of an organisation, with its secret."""
    (org,) = [org for org in credentials["organizations"] if org["id"] == org_id]
    return dict(org["clients"][0])


def _token(flow: Any, client: dict[str, Any], scope: str, **extra: str) -> str:
    response = flow.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
            "scope": scope,
            **extra,
        },
    )
    assert response.status_code == 200, response.get_json()
    return str(response.get_json()["access_token"])


def test_agreements_in_force_were_used_over_ten_days_within_their_terms_and_limits(load, app):
    load()
    now = datetime.now(UTC)
    with app.app_context():
        agreements = {a.id: a for a in _all(Agreement)}
        events = _all(UsageEvent)
        counters = {c.agreement_id: c for c in _all(QuotaCounter)}
        refusals = _all(AccessRefusal)
    clients = {org["id"]: org["clients"][0]["client_id"] for org in _credentials(app)["organizations"]}
    offer_keys = _offer_keys(app)
    in_force = {a.id for a in agreements.values() if a.status in ("active", "suspended")}
    days: dict[str, set[Any]] = defaultdict(set)
    units: Counter[str] = Counter()
    for event in events:
        agreement = agreements[event.agreement_id]
        last = agreement.updated_at if agreement.status == "suspended" else now
        assert agreement.valid_from <= event.at < last, "used outside its term, or while suspended"
        if now - event.at >= timedelta(days=11):  # only the index's reports go back to last month
            assert offer_keys[agreement.offer_id] == INDEX
            assert event.at.strftime("%Y-%m") == previous_month(now)
        assert event.day == event.at.date()
        assert event.mode in agreement.delivery_modes
        assert event.purpose == agreement.purpose
        assert event.client_id == clients[agreement.consumer_org_id]
        parties = (agreement.dataset_id, agreement.consumer_org_id, agreement.provider_org_id)
        assert (event.dataset_id, event.consumer_org_id, event.provider_org_id) == parties
        method = "POST" if event.mode == "aggregate" else "GET"
        path = f"/data/v1/agreements/{agreement.id}/distributions/{event.distribution_id}/"
        assert event.request.startswith(f"{method} {path}")
        assert event.bytes > 0
        assert (event.records > 0) == (event.mode != "download")
        days[agreement.id].add(event.day)
        units[agreement.id] += event.units
    assert {e.mode for e in events} == {"download", "records", "aggregate"}
    assert len({e.idempotency_key for e in events} - {None}) == len(events)
    assert set(days) == in_force
    assert sum(len(d) >= 5 for d in days.values()) >= 5
    for agreement_id in in_force:
        counter = counters[agreement_id]
        assert counter.used == units[agreement_id]
        assert counter.max_uses is None or counter.used <= counter.max_uses
    assert any(c.used == c.max_uses for c in counters.values()), "no agreement has used up its limit"

    reasons = Counter(r.reason for r in refusals)
    refused = {
        "quota-exhausted",
        "purpose-not-allowed",
        "agreement-suspended",
        "query-refused",
        "mode-not-allowed",
    }
    assert set(reasons) == refused
    assert {r.agreement_id for r in refusals} <= in_force
    (exhausted,) = [r for r in refusals if r.reason == "quota-exhausted"]
    assert counters[exhausted.agreement_id].used == counters[exhausted.agreement_id].max_uses
    assert exhausted.at > max(e.at for e in events if e.agreement_id == exhausted.agreement_id)


def test_the_contracts_in_force_were_made_before_their_use(load, app):
    load()
    with app.app_context():
        offers = {o.id: o for o in _all(Offer)}
        requests = {n.id: n for n in _all(Negotiation)}
        signed = {s.agreement_id: s.signed_at for s in _all(AgreementSignature) if s.party == "consumer"}
        first_use: dict[str, datetime] = {}
        for event in _all(UsageEvent):
            first_use[event.agreement_id] = min(event.at, first_use.get(event.agreement_id, event.at))
        in_force = [a for a in _all(Agreement) if a.status in ("active", "suspended")]
    for agreement in in_force:
        request = requests[agreement.negotiation_id]
        made, used = offers[agreement.offer_id].created_at, first_use[agreement.id]
        assert made < request.created_at < signed[agreement.id] < used
        assert agreement.valid_from < used
    assert min(first_use.values()) < datetime.now(UTC) - timedelta(days=9)


def test_the_usage_reports_show_the_days_of_use_to_each_consumer(load, app, flow):
    load()
    with app.app_context():
        agreements = [a for a in _all(Agreement) if a.status in ("active", "suspended")]
        used = {c.agreement_id: c.used for c in _all(QuotaCounter)}
        refused = Counter(r.agreement_id for r in _all(AccessRefusal))
    credentials = _credentials(app)
    first = f"{previous_month(datetime.now(UTC))}-01"  # the index's use goes back to last month
    busy = 0
    for agreement in agreements:
        token = _token(flow, _client_of(credentials, agreement.consumer_org_id), "usage:read")
        response = flow.http.get(
            f"/api/v1/agreements/{agreement.id}/usage?from={first}", headers=bearer(token)
        )
        assert response.status_code == 200, response.get_json()
        report = response.get_json()
        assert report["totals"]["units"] == report["quota"]["used"] == used[agreement.id]
        assert report["totals"]["refusals"] == refused[agreement.id]
        assert sum(day["events"] for day in report["days"]) == report["totals"]["events"] > 0
        busy += len(report["days"]) >= 5
    assert busy >= 5


def test_the_aggregate_only_agreement_releases_groups_from_its_parquet_file(load, app, flow):
    load()
    with app.app_context():
        grade = {d.id: d.grade for d in _all(Dataset)}
        (agreement,) = [
            a
            for a in _all(Agreement)
            if a.status == "active" and grade[a.dataset_id] in ("important", "general-4")
        ]
        offer = get_session().get(Offer, agreement.offer_id)
        (parquet,) = [
            d for d in _all(Distribution) if d.dataset_id == agreement.dataset_id and d.media_type == PARQUET
        ]
        used = get_session().get(QuotaCounter, agreement.id).used
    assert agreement.delivery_modes == ["aggregate"]
    column = offer.template_terms["columns"][0]
    smallest = offer.template_terms["aggregation"]["min_group_size"]
    client = _client_of(_credentials(app), agreement.consumer_org_id)
    token = _token(flow, client, "data:read", agreement=agreement.id)

    url = f"/data/v1/agreements/{agreement.id}/distributions/{parquet.id}/aggregate"
    response = flow.http.post(
        url, headers=bearer(token), json={"group_by": [column], "aggregates": [{"fn": "count"}]}
    )
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["groups"]
    assert all(group["count"] >= smallest == result["min_group_size"] for group in result["groups"])
    with app.app_context():
        assert get_session().get(QuotaCounter, agreement.id).used == used + 1
        latest = max(_all(UsageEvent), key=lambda e: e.at)
    assert (latest.agreement_id, latest.distribution_id, latest.client_id) == (
        agreement.id,
        parquet.id,
        client["client_id"],
    )


def test_last_month_is_closed_paid_and_shared_down_the_index_lineage(load, app):
    load()
    now = datetime.now(UTC)
    month = previous_month(now)
    offer_keys = _offer_keys(app)
    orgs = _orgs_by_id(app)
    with app.app_context():
        invoices = [i for i in _all(Invoice) if i.period == month]
        agreements = {a.id: a for a in _all(Agreement)}
        shares = [s for s in _all(RevenueShare) if s.period == month]
        payments = _all(Payment)
        assert ledger.check(get_session()).ok
    assert invoices, "last month issued no invoice"
    assert all(i.status in ("paid", "nothing_due") for i in invoices)
    assert {p.invoice_id for p in payments} == {i.id for i in invoices if i.total_minor > 0}
    for invoice in invoices:
        parts = [s.amount_minor for s in shares if s.invoice_id == invoice.id]
        assert sum(parts) == invoice.paid_minor == invoice.total_minor
        assert all(part >= 0 for part in parts)

    (index,) = [i for i in invoices if offer_keys[agreements[i.agreement_id].offer_id] == INDEX]
    index_shares = [s for s in shares if s.invoice_id == index.id]
    upstream = {orgs[s.org_id] for s in index_shares if s.org_id and len(s.path) > 1}
    assert upstream == PROVIDERS  # air quality, freight volumes and charging: three providers' inputs
    assert any(s.role == "fee" and s.org_id is None for s in index_shares)
    assert {s.rule for s in index_shares if len(s.path) > 1} == {"Shapley value"}

    bureau = next(org_id for org_id, name in orgs.items() if name == "Shenzhen Municipal Open Data Bureau")
    with app.app_context():
        statement = statements.provider_statement(get_session(), Actor.node(), bureau, parse_period(month))
    ours = sum(s.amount_minor for s in shares if s.org_id == bureau)
    assert ours > 0
    assert sum(line["amount_minor"] for line in statement.lines) == ours
    assert all(line["explanation"] for line in statement.lines)


def _orgs_by_id(app: Any) -> dict[str, str]:
    with app.app_context():
        return {org.id: org.name for org in _all(Organization)}


def _snapshot() -> dict[str, Any]:
    session = get_session()
    counts = {
        model.__name__: session.exec(select(func.count()).select_from(model)).one()
        for model in (
            Organization,
            Dataset,
            Distribution,
            Offer,
            Negotiation,
            Agreement,
            AgreementSignature,
            UsageEvent,
            QuotaCounter,
            AccessRefusal,
            Invoice,
            Payment,
            RevenueShare,
        )
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
    assert after["counts"]["UsageEvent"] > 0
    assert not {d[0] for d in after["datasets"]} & {d[0] for d in before["datasets"]}
    storage = Path(app.config["STORAGE_PATH"])
    assert {path.name for path in storage.iterdir()} == new_files
    assert not old_files & new_files


def test_the_partner_exchange_lists_its_own_catalog_and_harvests_the_main_demo_node(runner, app):
    main_catalog = "http://127.0.0.1:5000/catalog"
    result = runner.invoke(args=["demo", "load", "--partner-of", main_catalog])
    assert result.exit_code == 0, result.output
    with app.app_context():
        orgs = {org.name: org.kind for org in _all(Organization)}
        own = [d for d in _all(Dataset) if d.harvest_source_id is None]
        (source,) = _all(HarvestSource)
    assert orgs == {
        "Pearl River Data Exchange": "operator",
        "Guangzhou Metro Group": "provider",
        "Harbour Data Exchange": "provider",  # the publisher of what the source brings
    }
    assert len(own) == 3
    assert {d.status for d in own} == {"published"}
    with app.app_context():
        stored = {d.checksum_sha256 for d in _all(Distribution) if d.storage_key}
    files = [DATA / dist.file for listing in partner.LISTINGS for dist in listing.distributions if dist.file]
    assert stored == {hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    assert (source.url, source.allow_private, source.schedule_minutes) == (main_catalog, True, 15)
    assert source.modified_since_param == "modified_since"

    again = runner.invoke(args=["demo", "load", "--partner-of", main_catalog])
    assert "already present" in again.output
    refused = runner.invoke(args=["demo", "load"])  # the main demo does not mix into the partner's node
    assert refused.exit_code != 0
    assert "not demo data" in refused.output


def test_demo_refuses_a_database_with_other_data(runner, make_org, app):
    make_org("provider", name="A Real Customer")
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "not demo data" in result.output
    with app.app_context():
        assert [org.name for org in _all(Organization)] == ["A Real Customer"]
        assert _all(Dataset) == []
    assert not (Path(app.instance_path) / "demo-credentials.json").exists()
