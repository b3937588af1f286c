"""Prometheus metrics at /metrics, read from the database when scraped.

The figures are the node's, not one worker's: a collector sums the usage events, refusals, agreements
and negotiations with a few GROUP BY queries at every scrape, so every gunicorn worker answers the
same numbers without a multiprocess directory. Open on loopback deployments; with ``METRICS_TOKEN``
set, a scraper must send ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, request
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import func
from sqlmodel import Session, col, select

from dsp import NegotiationState

from . import journal
from .db import get_session
from .errors import Problem
from .models import AccessRefusal, Agreement, AgreementStatus, Negotiation, UsageEvent

bp = Blueprint("metrics", __name__)

MODES = ("download", "records", "aggregate")


class NodeCollector:
    """Usage, refusals, agreements and negotiations of the whole node, as the database has them now."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterator[Metric]:
        """One metric family per figure; known modes, statuses and states are present even at zero."""
        usage = dict.fromkeys(MODES, (0, 0, 0, 0))
        rows = self.session.exec(
            select(  # type: ignore[call-overload]
                UsageEvent.mode,
                func.count(),
                func.sum(UsageEvent.units),
                func.sum(UsageEvent.records),
                func.sum(UsageEvent.bytes),
            ).group_by(UsageEvent.mode)
        )
        usage.update({mode: (int(n), int(u), int(r), int(b)) for mode, n, u, r, b in rows})
        for index, (name, doc) in enumerate(
            (
                ("dxnode_usage_events", "Deliveries by the data plane (usage events)"),
                ("dxnode_usage_units", "Uses counted against agreements' quotas"),
                ("dxnode_usage_records", "Records delivered"),
                ("dxnode_usage_bytes", "Bytes delivered"),
            )
        ):
            family = CounterMetricFamily(name, doc, labels=["mode"])
            for mode, figures in sorted(usage.items()):
                family.add_metric([mode], figures[index])
            yield family

        refusals = CounterMetricFamily(
            "dxnode_access_refusals", "Data requests the data plane refused, by reason", labels=["reason"]
        )
        for reason, n in self._count_by(AccessRefusal.reason):
            refusals.add_metric([reason], n)
        yield refusals

        yield self._gauge(
            "dxnode_agreements",
            "Agreements by status",
            "status",
            [s.value for s in AgreementStatus],
            Agreement.status,
        )
        yield self._gauge(
            "dxnode_negotiations",
            "Access requests (negotiations) by Dataspace Protocol state",
            "state",
            [s.value for s in NegotiationState],
            Negotiation.state,
        )

    def _count_by(self, column: Any) -> list[tuple[str, int]]:
        rows = self.session.exec(select(column, func.count()).group_by(column).order_by(col(column)))
        return [(str(value), int(n)) for value, n in rows]

    def _gauge(self, name: str, doc: str, label: str, known: list[str], column: Any) -> GaugeMetricFamily:
        counts = dict.fromkeys(known, 0) | dict(self._count_by(column))
        family = GaugeMetricFamily(name, doc, labels=[label])
        for value, n in sorted(counts.items()):
            family.add_metric([value], n)
        return family


@bp.get("/metrics")
def metrics() -> Response:
    """The node's metrics in the Prometheus text format (or OpenMetrics, if the scraper asks for it)."""
    _check_token(current_app.config.get("METRICS_TOKEN"))
    registry = CollectorRegistry(auto_describe=False)
    journal.settle()
    registry.register(NodeCollector(get_session()))
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    response = Response(encode(registry), headers={"Content-Type": content_type})
    response.headers["Cache-Control"] = "no-store"
    return response


def _check_token(expected: str | None) -> None:
    """Refuse with 401 unless the request carries the configured bearer token (if one is set)."""
    if not expected:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), str(expected).encode()):
        raise Problem(
            401,
            "the metrics need the bearer token the node is configured with (METRICS_TOKEN)",
            slug="unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
