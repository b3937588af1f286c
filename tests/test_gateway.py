"""The data plane: downloads with Range, masked record pages, quotas, idempotency, refusals that say why."""

from __future__ import annotations

import copy
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from app.db import get_session
from app.models import AccessRefusal, Agreement, UsageEvent
from app.models.base import utcnow

from .support.actions import bearer
from .support.contract_data import agreement_in_force, data_token, sample_csv


@pytest.fixture
def settings(settings):
    return {**settings, "REVOCATION_POLL": 0.0}  # every worker sees database changes at once


@pytest.fixture
def agreement(flow, provider, consumer):
    return agreement_in_force(flow, provider, consumer, masked_fields=["name"], max_uses=5)


@pytest.fixture
def token(flow, consumer, agreement):
    return data_token(flow, consumer, agreement["id"])


def _url(agreement, what):
    return f"/data/v1/agreements/{agreement['id']}/distributions/{agreement['distribution_id']}/{what}"


def _events(app):
    with app.app_context():
        rows = get_session().exec(select(UsageEvent).order_by(col(UsageEvent.at)))
        return [row.model_dump() for row in rows]


def _refusals(app):
    with app.app_context():
        return [r.reason for r in get_session().exec(select(AccessRefusal).order_by(col(AccessRefusal.at)))]


def test_the_agreement_lists_what_it_delivers(flow, agreement, token):
    body = flow.http.get(f"/data/v1/agreements/{agreement['id']}", headers=bearer(token)).get_json()
    assert "uses" in body, body
    assert body["uses"] == {"used": 0, "limit": 5}
    (distribution,) = body["distributions"]
    assert distribution["records"].endswith(f"/distributions/{agreement['distribution_id']}/records")


def test_download_streams_the_file_and_meters_its_bytes(app, flow, agreement, token):
    response = flow.http.get(_url(agreement, "file"), headers=bearer(token))
    assert response.status_code == 200
    assert response.get_data() == sample_csv()
    assert "attachment" in response.headers["Content-Disposition"]
    (event,) = _events(app)
    assert (event["mode"], event["bytes"], event["units"]) == ("download", len(sample_csv()), 1)
    assert event["purpose"] == "academic research"


def test_range_requests_are_served_and_metered_by_their_length(app, flow, agreement, token):
    response = flow.http.get(_url(agreement, "file"), headers={**bearer(token), "Range": "bytes=10-29"})
    assert response.status_code == 206
    assert response.get_data() == sample_csv()[10:30]
    assert response.headers["Content-Range"] == f"bytes 10-29/{len(sample_csv())}"
    assert _events(app)[0]["bytes"] == 20
    unsatisfiable = flow.http.get(_url(agreement, "file"), headers={**bearer(token), "Range": "bytes=99999-"})
    assert unsatisfiable.status_code == 416
    assert len(_events(app)) == 1  # nothing delivered, nothing counted


def test_record_pages_mask_the_offered_fields(app, flow, agreement, token):
    page = flow.http.get(_url(agreement, "records") + "?page=2&per_page=10", headers=bearer(token))
    assert page.status_code == 200
    body = page.get_json()
    assert (body["total"], body["page"], body["masked"]) == (60, 2, ["name"])
    first = body["records"][0]
    assert first == {"id": 11, "name": "***", "district": "Bao'an", "amount": 177}
    as_csv = flow.http.get(_url(agreement, "records") + "?per_page=3&format=csv", headers=bearer(token))
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert rows[0] == ["id", "name", "district", "amount"]
    assert rows[1] == ["1", "***", "Luohu", "107"]
    events = _events(app)
    assert [(e["mode"], e["records"]) for e in events] == [("records", 10), ("records", 3)]
    assert events[1]["bytes"] == len(as_csv.get_data())


def test_bad_paging_is_a_clear_400(flow, agreement, token):
    response = flow.http.get(_url(agreement, "records") + "?per_page=5000", headers=bearer(token))
    assert response.status_code == 400
    assert "per_page" in response.get_json()["detail"]


def test_the_count_limit_is_enforced_and_the_refusal_recorded(app, flow, agreement, token):
    statuses = [
        flow.http.get(_url(agreement, "records"), headers=bearer(token)).status_code for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    refused = flow.http.get(_url(agreement, "records"), headers=bearer(token)).get_json()
    assert refused["type"].endswith("/quota-exhausted")
    assert "5" in refused["detail"]
    assert len(_events(app)) == 5
    assert _refusals(app) == ["quota-exhausted", "quota-exhausted"]


def test_an_idempotency_key_counts_a_retried_request_once(app, flow, agreement, token):
    headers = {**bearer(token), "Idempotency-Key": "order-7781"}
    first = flow.http.get(_url(agreement, "records") + "?per_page=5", headers=headers)
    again = flow.http.get(_url(agreement, "records") + "?per_page=5", headers=headers)
    assert first.get_data() == again.get_data()
    assert (first.headers["Idempotent-Replayed"], again.headers["Idempotent-Replayed"]) == ("false", "true")
    assert len(_events(app)) == 1
    other = flow.http.get(_url(agreement, "records") + "?per_page=6", headers=headers)
    assert other.status_code == 422
    assert other.get_json()["type"].endswith("/idempotency-key-reused")


def test_a_purpose_outside_the_agreement_is_refused(app, flow, agreement, token):
    response = flow.http.get(_url(agreement, "records"), headers={**bearer(token), "X-Purpose": "marketing"})
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("/purpose-not-allowed")
    assert _refusals(app) == ["purpose-not-allowed"]
    assert _events(app) == []


def test_an_expired_agreement_is_refused(app, flow, agreement, token):
    with app.app_context():
        session = get_session()
        row = session.get(Agreement, agreement["id"])
        row.valid_until = utcnow() - timedelta(seconds=1)
        row.updated_at = utcnow()
        session.commit()
    response = flow.http.get(_url(agreement, "records"), headers=bearer(token))
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("/agreement-expired")


def test_outside_the_permitted_time_is_refused(app, flow, agreement, token):
    with app.app_context():
        session = get_session()
        row = session.get(Agreement, agreement["id"])
        policy = copy.deepcopy(dict(row.policy))
        for constraint in policy["permission"][0]["constraint"]:
            if constraint["leftOperand"] == "dateTime" and constraint["operator"] == "gteq":
                constraint["rightOperand"]["@value"] = (utcnow() + timedelta(days=1)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                )
        row.policy = policy
        row.updated_at = utcnow()
        session.commit()
    response = flow.http.get(_url(agreement, "records"), headers=bearer(token))
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("/outside-permitted-time")


def test_a_mode_the_agreement_does_not_allow_is_refused(flow, provider, consumer):
    downloads_only = agreement_in_force(flow, provider, consumer, delivery_modes=["download"])
    token = data_token(flow, consumer, downloads_only["id"])
    response = flow.http.get(_url(downloads_only, "records"), headers=bearer(token))
    assert response.status_code == 403
    assert response.get_json()["type"].endswith("/mode-not-allowed")


def test_suspension_refuses_at_once_and_resumption_restores(flow, provider, consumer, agreement, token):
    ptoken = flow.token(provider, "contracts:write")
    flow.http.post(
        f"/api/v1/agreements/{agreement['id']}/suspend", headers=bearer(ptoken), json={"reason": "audit"}
    )
    assert (
        flow.http.get(_url(agreement, "records"), headers=bearer(token)).status_code == 401
    )  # token revoked
    flow.http.post(f"/api/v1/agreements/{agreement['id']}/resume", headers=bearer(ptoken), json={})
    fresh = data_token(flow, consumer, agreement["id"])
    assert flow.http.get(_url(agreement, "records"), headers=bearer(fresh)).status_code == 200


def test_tokens_for_another_agreement_or_without_the_scope_are_refused(flow, consumer, agreement, token):
    other = f"/data/v1/agreements/not-this-one/distributions/{agreement['distribution_id']}/records"
    assert flow.http.get(other, headers=bearer(token)).status_code == 403
    api_token = flow.token(consumer, "org:read")
    assert (
        flow.http.get(_url(agreement, "records"), headers=bearer(api_token)).status_code == 401
    )  # wrong audience
    assert flow.http.get(_url(agreement, "records")).status_code == 401


def test_timestamps_with_offsets_are_served_in_utc(flow, provider, consumer):
    table = b"station,measured_at,pm25\nA,2026-01-01T08:00:00+08:00,35\nB,2026-01-01T09:00:00+08:00,41\n"
    timed = agreement_in_force(flow, provider, consumer, data=table)
    token = data_token(flow, consumer, timed["id"])
    page = flow.http.get(_url(timed, "records"), headers=bearer(token))
    assert page.status_code == 200, page.get_json()
    first = page.get_json()["records"][0]
    assert datetime.fromisoformat(first["measured_at"]) == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
