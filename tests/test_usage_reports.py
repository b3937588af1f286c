"""Usage reports for both sides of an agreement, and the node's Prometheus metrics, from real deliveries.

Usage is made through the data plane; a test that needs deliveries on other days moves the stored
events back in time, as if they had been made then.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import col, select

from app import journal
from app.config import load_settings
from app.db import get_session
from app.models import AccessRefusal, UsageEvent

from .support.actions import Flow, bearer
from .support.contract_data import agreement_in_force, data_token, sample_csv

HTML = {"Accept": "text/html"}
FIGURES = ("units", "records", "bytes", "events", "refusals")


@pytest.fixture
def metrics_token():
    """The node's METRICS_TOKEN; a test parametrizes it to protect /metrics."""
    return None


@pytest.fixture
def settings(settings, metrics_token):
    return {**settings, "REVOCATION_POLL": 0.0, "METRICS_TOKEN": metrics_token}


@pytest.fixture
def agreement(flow, provider, consumer):
    return agreement_in_force(flow, provider, consumer, masked_fields=["name"], max_uses=5)


@pytest.fixture
def delivered(flow, consumer, agreement):
    """Two record pages (JSON and CSV), one download and one refused request, through the data plane."""
    token = data_token(flow, consumer, agreement["id"])
    statuses = [
        flow.http.get(_data(agreement, what), headers=bearer(token)).status_code
        for what in ("records?per_page=5", "records?per_page=5&page=2&format=csv", "file")
    ]
    assert statuses == [200, 200, 200]
    refused = flow.http.get(_data(agreement, "records"), headers={**bearer(token), "X-Purpose": "marketing"})
    assert refused.status_code == 403
    return token


@pytest.fixture
def login(app):
    """A browser of its own for a party's user, logged in through the login form."""

    def log_in(party):
        who = Flow(app.test_client())
        assert who.login(party.user.email, party.password).status_code == 302
        return who

    return log_in


def _unlimited(flow, provider, consumer):
    """An API subscription: a monthly fee and no count limit."""
    subscription = {"model": "subscription", "currency": "CNY", "price_minor": 90000, "period": "P1M"}
    return agreement_in_force(
        flow,
        provider,
        consumer,
        template="api-subscription",
        pricing=subscription,
        delivery_modes=["records"],
        max_uses=None,
    )


def _data(agreement, what):
    return f"/data/v1/agreements/{agreement['id']}/distributions/{agreement['distribution_id']}/{what}"


def _usage(flow, party, agreement_id, query="", suffix=""):
    token = flow.token(party, "usage:read")
    return flow.http.get(f"/api/v1/agreements/{agreement_id}/usage{suffix}{query}", headers=bearer(token))


def _report(flow, party, agreement_id, query=""):
    response = _usage(flow, party, agreement_id, query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _expected_days(app, agreement_id):
    """The report's days as summed here from the stored events and refusals."""
    days = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    with app.app_context():
        journal.settle()  # deliveries without a use limit reach the database from the usage journal
        session = get_session()
        for event in session.exec(select(UsageEvent).where(UsageEvent.agreement_id == agreement_id)):
            day = days[event.day.isoformat()]
            day["units"] += event.units
            day["records"] += event.records
            day["bytes"] += event.bytes
            day["events"] += 1
        for refusal in session.exec(select(AccessRefusal).where(AccessRefusal.agreement_id == agreement_id)):
            days[refusal.at.date().isoformat()]["refusals"] += 1
    return [{"day": day, **figures} for day, figures in sorted(days.items())]


def _totals(days):
    return {name: sum(day[name] for day in days) for name in FIGURES}


def _today():
    return datetime.now(UTC).date()


def _move_back(app, model, row_id, when):
    """Move a stored event or refusal to another moment, as if it had happened then."""
    with app.app_context():
        session = get_session()
        row = session.get(model, row_id)
        row.at = when
        if model is UsageEvent:
            row.day = when.date()
        session.commit()


def _ids(app, model, agreement_id):
    with app.app_context():
        journal.settle()
        rows = get_session().exec(
            select(model).where(model.agreement_id == agreement_id).order_by(col(model.at))
        )
        return [row.id for row in rows]


# ---------------------------------------------------------------------------------------------------------
# The agreement's report


def test_the_report_adds_up_the_data_planes_events(app, flow, consumer, agreement, delivered):
    body = _report(flow, consumer, agreement["id"])
    expected = _expected_days(app, agreement["id"])
    assert body["days"] == expected
    assert body["totals"] == _totals(expected)
    totals = body["totals"]
    assert (totals["units"], totals["events"], totals["records"], totals["refusals"]) == (3, 3, 10, 1)
    assert totals["bytes"] > len(sample_csv())  # the whole file and two pages of records
    assert body["quota"] == {"used": 3, "limit": 5, "left": 2}
    today = _today()
    assert (body["agreement_id"], body["to"]) == (agreement["id"], today.isoformat())
    assert body["from"] == (today - timedelta(days=29)).isoformat()


def test_the_csv_export_holds_the_days_of_the_json_report(flow, consumer, agreement, delivered):
    body = _report(flow, consumer, agreement["id"])
    response = _usage(flow, consumer, agreement["id"], suffix=".csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"usage-{agreement['id']}-{body['from']}-{body['to']}.csv" in disposition
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["day", *FIGURES]
    as_json = [
        {"day": day, **{name: int(value) for name, value in zip(FIGURES, rest, strict=True)}}
        for day, *rest in rows[1:]
    ]
    assert as_json == body["days"]
    assert len(as_json) >= 1


def test_the_quota_left_reaches_zero_and_refusals_are_counted(flow, consumer, agreement):
    token = data_token(flow, consumer, agreement["id"])
    statuses = [
        flow.http.get(_data(agreement, "records?per_page=1"), headers=bearer(token)).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    body = _report(flow, consumer, agreement["id"])
    assert body["quota"] == {"used": 5, "limit": 5, "left": 0}
    assert (body["totals"]["events"], body["totals"]["records"], body["totals"]["refusals"]) == (5, 5, 1)


def test_an_agreement_without_a_count_limit_has_no_quota_left(flow, provider, consumer):
    unlimited = _unlimited(flow, provider, consumer)
    token = data_token(flow, consumer, unlimited["id"])
    assert flow.http.get(_data(unlimited, "records"), headers=bearer(token)).status_code == 200
    assert _report(flow, consumer, unlimited["id"])["quota"] == {"used": 1, "limit": None, "left": None}


def test_dates_filter_the_days(app, flow, consumer, agreement, delivered):
    today = _today()
    first, _, download = _ids(app, UsageEvent, agreement["id"])
    (refusal,) = _ids(app, AccessRefusal, agreement["id"])
    three_days_ago, five_days_ago, forty_days_ago = (today - timedelta(days=n) for n in (3, 5, 40))
    _move_back(app, UsageEvent, first, datetime.combine(three_days_ago, time(0, 0, 1), UTC))
    _move_back(app, AccessRefusal, refusal, datetime.combine(five_days_ago, time(23, 59, 59), UTC))
    _move_back(app, UsageEvent, download, datetime.combine(forty_days_ago, time(12), UTC))
    everything = _expected_days(app, agreement["id"])
    assert [d["day"] for d in everything] == [
        forty_days_ago.isoformat(),
        five_days_ago.isoformat(),
        three_days_ago.isoformat(),
        today.isoformat(),
    ]

    assert _report(flow, consumer, agreement["id"])["days"] == everything[1:]  # the last 30 days
    assert _report(flow, consumer, agreement["id"], f"?from={forty_days_ago}")["days"] == everything
    assert _report(flow, consumer, agreement["id"], f"?from={today}")["days"] == everything[3:]
    assert _report(flow, consumer, agreement["id"], f"?to={three_days_ago}")["days"] == everything[1:3]
    one_day = _report(flow, consumer, agreement["id"], f"?from={five_days_ago}&to={five_days_ago}")
    assert one_day["days"] == [{"day": five_days_ago.isoformat(), **dict.fromkeys(FIGURES, 0), "refusals": 1}]
    assert one_day["totals"] == {**dict.fromkeys(FIGURES, 0), "refusals": 1}

    quiet = today - timedelta(days=20)
    nothing = _report(flow, consumer, agreement["id"], f"?from={quiet - timedelta(days=9)}&to={quiet}")
    assert (nothing["days"], nothing["totals"]) == ([], dict.fromkeys(FIGURES, 0))
    assert nothing["quota"] == {"used": 3, "limit": 5, "left": 2}  # the quota is the whole term's

    exported = _usage(flow, consumer, agreement["id"], f"?to={three_days_ago}", ".csv").get_data(as_text=True)
    assert [row[0] for row in csv.reader(io.StringIO(exported))][1:] == [
        five_days_ago.isoformat(),
        three_days_ago.isoformat(),
    ]


def test_both_parties_and_the_operator_read_the_report_and_strangers_do_not(
    flow, make_party, consumer, provider, operator, agreement, delivered
):
    seen = [_report(flow, party, agreement["id"]) for party in (consumer, provider, operator)]
    assert seen[0] == seen[1] == seen[2]
    stranger = make_party("consumer")
    for suffix in ("", ".csv"):
        hidden = _usage(flow, stranger, agreement["id"], suffix=suffix)
        assert hidden.status_code == 404
        assert hidden.get_json()["type"].endswith("/not-found")
    without_scope = flow.token(consumer, "org:read")
    response = flow.http.get(f"/api/v1/agreements/{agreement['id']}/usage", headers=bearer(without_scope))
    assert response.status_code == 403
    assert flow.http.get(f"/api/v1/agreements/{agreement['id']}/usage").status_code == 401


# ---------------------------------------------------------------------------------------------------------
# The organisation's summary


def _summary(flow, party, query):
    return flow.http.get(f"/api/v1/usage{query}", headers=bearer(flow.token(party, "usage:read")))


def test_the_summary_totals_each_agreement_of_the_organisation(
    flow, make_party, consumer, provider, operator, agreement, delivered
):
    other = _unlimited(flow, provider, consumer)
    token = data_token(flow, consumer, other["id"])
    assert flow.http.get(_data(other, "records?per_page=7"), headers=bearer(token)).status_code == 200
    first = _report(flow, consumer, agreement["id"])
    second = _report(flow, consumer, other["id"])

    mine = _summary(flow, consumer, "?role=consumer").get_json()
    by_id = {row["agreement_id"]: row for row in mine["agreements"]}
    assert by_id.keys() == {agreement["id"], other["id"]}
    for report in (first, second):
        row = by_id[report["agreement_id"]]
        assert {name: row[name] for name in FIGURES} == report["totals"]
        assert row["quota"] == report["quota"]
        assert (row["status"], row["consumer_org_id"]) == ("active", consumer.org.id)
    assert mine["totals"] == {name: first["totals"][name] + second["totals"][name] for name in FIGURES}
    assert (mine["role"], mine["from"], mine["to"]) == ("consumer", first["from"], first["to"])

    theirs = _summary(flow, provider, "?role=provider").get_json()
    assert theirs["agreements"] == mine["agreements"]
    assert _summary(flow, provider, "?role=consumer").get_json()["agreements"] == []
    every = _summary(flow, operator, "?role=operator").get_json()
    assert {row["agreement_id"] for row in every["agreements"]} == by_id.keys()
    assert every["totals"] == mine["totals"]

    assert _summary(flow, consumer, "?role=operator").status_code == 403
    stranger = _summary(flow, make_party("consumer"), "?role=consumer").get_json()
    assert (stranger["agreements"], stranger["totals"]) == ([], dict.fromkeys(FIGURES, 0))
    past = _summary(flow, consumer, "?role=consumer&from=2020-01-01&to=2020-01-31").get_json()
    assert {row["events"] for row in past["agreements"]} == {0}


# ---------------------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2026-02-30", "query.from"),
        ("?to=yesterday", "query.to"),
        ("?from=2026-03-02&to=2026-03-01", "query.from"),
        ("?from=2999-01-01", "query.from"),  # after `to`, which is today by default
        ("?to=1969-12-31", "query.to"),
        ("?since=2026-01-01", "query.since"),
    ],
)
def test_bad_dates_are_refused_naming_the_field(flow, consumer, agreement, query, field):
    token = bearer(flow.token(consumer, "usage:read"))
    for path in (
        f"/agreements/{agreement['id']}/usage",
        f"/agreements/{agreement['id']}/usage.csv",
        "/usage",
    ):
        response = flow.http.get(f"/api/v1{path}{query}", headers=token)
        assert response.status_code == 422, (path, response.get_json())
        problem = response.get_json()
        assert [e["field"] for e in problem["errors"]] == [field]
        assert field in problem["detail"]


def test_from_after_to_says_which_day_to_is(flow, consumer, agreement):
    response = _usage(flow, consumer, agreement["id"], "?from=2026-03-02&to=2026-03-01")
    assert response.get_json()["errors"] == [
        {"field": "query.from", "reason": "must be on or before `to` (2026-03-01)"}
    ]


# ---------------------------------------------------------------------------------------------------------
# The page


def _page(who, url, status=200):
    response = who.http.get(url, headers=HTML)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def test_the_page_shows_the_days_the_totals_and_the_quota_left(
    app, flow, login, consumer, provider, agreement, delivered
):
    report = _report(flow, consumer, agreement["id"])
    buyer = login(consumer)
    assert f'href="/agreements/{agreement["id"]}/usage"' in _page(buyer, f"/agreements/{agreement['id']}")
    html = _page(buyer, f"/agreements/{agreement['id']}/usage")
    for name in ("units", "events", "records", "bytes", "refusals"):
        assert f'<dd id="total-{name}">{report["totals"][name]:,}</dd>' in html
    assert '<strong id="quota-left">2 left</strong>' in html
    assert f'<time datetime="{report["days"][0]["day"]}">' in html

    link = re.search(r'href="(/agreements/[^"]+/usage\.csv\?[^"]+)"', html)
    assert link is not None
    download = buyer.http.get(link.group(1).replace("&amp;", "&"))
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    assert download.get_data() == _usage(flow, consumer, agreement["id"], suffix=".csv").get_data()

    assert '<strong id="quota-left">2 left</strong>' in _page(
        login(provider), f"/agreements/{agreement['id']}/usage"
    )


def test_the_page_filters_by_date_and_explains_a_bad_one(login, consumer, agreement, delivered):
    buyer = login(consumer)
    past = _page(buyer, f"/agreements/{agreement['id']}/usage?from=2020-01-01&to=2020-01-31")
    assert "No delivery and no refused request on these days." in past
    assert 'value="2020-01-01"' in past
    wrong = _page(buyer, f"/agreements/{agreement['id']}/usage?from=2020-01-31&to=2020-01-01", status=422)
    assert "Must be on or before `to` (2020-01-01)" in wrong
    assert '<a href="#usage-from">From</a>' in wrong
    assert 'id="usage-from-error"' in wrong
    assert _page(buyer, f"/agreements/{agreement['id']}/usage?from=&to=")  # empty fields: the defaults


def test_the_page_is_for_members_of_either_side(app, make_party, login, client, agreement):
    url = f"/agreements/{agreement['id']}/usage"
    _page(login(make_party("consumer")), url, status=404)
    _page(login(make_party("consumer")), url + ".csv", status=404)
    anonymous = client.get(url, headers=HTML)
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]


# ---------------------------------------------------------------------------------------------------------
# Prometheus


def _scrape(client, headers=None):
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, *sorted(sample.labels.values()))] = sample.value
    return response, samples


def test_metrics_expose_the_nodes_totals_read_from_the_database(app, client, agreement, delivered):
    response, samples = _scrape(client)
    assert response.mimetype == "text/plain"
    with app.app_context():
        events = [e.model_dump() for e in get_session().exec(select(UsageEvent))]
    for mode in ("download", "records", "aggregate"):
        of_mode = [e for e in events if e["mode"] == mode]
        assert samples[("dxnode_usage_events_total", mode)] == len(of_mode)
        for name in ("units", "records", "bytes"):
            assert samples[(f"dxnode_usage_{name}_total", mode)] == sum(e[name] for e in of_mode)
    assert samples[("dxnode_usage_events_total", "records")] == 2
    assert samples[("dxnode_usage_records_total", "records")] == 10
    assert samples[("dxnode_access_refusals_total", "purpose-not-allowed")] == 1
    assert samples[("dxnode_agreements", "active")] == 1
    assert samples[("dxnode_agreements", "terminated")] == 0
    assert samples[("dxnode_negotiations", "FINALIZED")] == 1
    assert samples[("dxnode_negotiations", "REQUESTED")] == 0


def test_metrics_follow_new_usage_at_each_scrape(client, flow, consumer, agreement, delivered):
    _, before = _scrape(client)
    flow.http.get(_data(agreement, "records?per_page=4"), headers=bearer(delivered))
    _, after = _scrape(client)
    assert (
        after[("dxnode_usage_records_total", "records")]
        == before[("dxnode_usage_records_total", "records")] + 4
    )
    assert (
        after[("dxnode_usage_units_total", "records")] == before[("dxnode_usage_units_total", "records")] + 1
    )


@pytest.mark.parametrize("metrics_token", ["scrape-secret-7f3a"])
def test_a_metrics_token_is_required_when_one_is_set(client, metrics_token):
    for headers in ({}, bearer("wrong"), {"Authorization": f"Basic {metrics_token}"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert refused.mimetype == "application/problem+json"
    _, samples = _scrape(client, bearer(metrics_token))
    assert samples[("dxnode_usage_events_total", "download")] == 0


def test_the_metrics_token_is_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DXNODE_METRICS_TOKEN", "from-the-environment")
    assert load_settings(tmp_path, {"SECRET_KEY": "x"})["METRICS_TOKEN"] == "from-the-environment"
    monkeypatch.delenv("DXNODE_METRICS_TOKEN")
    assert load_settings(tmp_path, {"SECRET_KEY": "x"})["METRICS_TOKEN"] is None


# ---------------------------------------------------------------------------------------------------------
# The API description


def test_the_openapi_document_describes_the_reports(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in ("/api/v1/agreements/{agreement_id}/usage", "/api/v1/agreements/{agreement_id}/usage.csv"):
        operation = paths[path]["get"]
        assert operation["security"] == [{"oauth2": ["usage:read"]}]
        assert {p["name"] for p in operation["parameters"]} == {"agreement_id", "from", "to"}
    assert (
        "text/csv"
        in paths["/api/v1/agreements/{agreement_id}/usage.csv"]["get"]["responses"]["200"]["content"]
    )
    summary = paths["/api/v1/usage"]["get"]
    assert {p["name"] for p in summary["parameters"]} == {"from", "to", "role"}
