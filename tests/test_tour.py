"""The README's Tour runs as written against a freshly loaded demo node, each answer the one it states.

The demo is loaded as `make run` loads it (`dxnode demo load`, credentials written to the instance
folder), and the node serves it from a process of its own on a free loopback port. Each role's commands
run in one bash process with the README's node address and credentials file replaced by the test's
(`support/tour.py`); each curl call is checked against the status and media type its comment states,
and a few facts of the answers are checked here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from .support import node_process, tour

pytestmark = pytest.mark.slow  # the demo is loaded and a node started in a fresh interpreter

ROLES = ("consumer", "provider", "operator", "harvester")


@pytest.fixture
def port() -> int:
    """A free loopback port for the node, chosen before the demo is loaded so its IRIs name it."""
    return node_process.free_port()


@pytest.fixture
def settings(settings: dict[str, object], port: int) -> dict[str, object]:
    """The node's base URL is the address the tour calls."""
    return {**settings, "BASE_URL": f"http://127.0.0.1:{port}"}


@pytest.fixture
def node(
    app: Flask, runner: Any, database_url: str, settings: dict[str, Any], port: int, tmp_path: Path
) -> Iterator[str]:
    """The demo loaded by `dxnode demo load`, served from a child process; the node's URL."""
    loaded = runner.invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    node = node_process.start(
        database_url=database_url,
        storage=app.config["STORAGE_PATH"],
        journal=app.config["USAGE_JOURNAL_PATH"],
        secret=str(settings["SECRET_KEY"]),
        base_url=app.config["BASE_URL"],
        port=port,
        log=tmp_path / "node.log",
    )
    try:
        yield node.url
    finally:
        node.stop()


def test_the_tour_has_a_subsection_per_role_and_every_curl_states_its_answer():
    sections = tour.sections()
    assert tuple(sections) == ROLES
    for role, steps in sections.items():
        assert steps, f"the {role} tour has no commands"
        for step in steps:
            if "curl " in step.commands:
                assert step.status, f"'# {step.comment}' does not say what its curl call answers"


def test_every_command_of_the_tour_answers_as_the_readme_says(node: str, app: Flask, tmp_path: Path):
    credentials = Path(app.instance_path) / "demo-credentials.json"
    sections = tour.sections()
    failures = []
    runs: dict[str, tour.Run] = {}
    for role in ROLES:
        try:
            runs[role] = tour.run(sections[role], node, credentials, tmp_path / role)
            tour.check_answers(runs[role])
            CHECKS[role](runs[role])
        except (AssertionError, LookupError, ValueError) as failure:
            failures.append(f"--- {role} ---\n{failure}")
    assert not failures, "\n\n".join(failures)


def _consumer(run: tour.Run) -> None:
    tokens = tour.answers(run, r"/oauth/token$")
    assert tokens
    assert all(c.json()["access_token"] and c.json()["token_type"] == "Bearer" for c in tokens)
    pages = [c.json() for c in tour.answers(run, r"/records\?", 200) if "json" in c.media_type]
    masked = [page for page in pages if page["masked"]]
    assert masked, "no records page of the tour has masked fields"
    for page in masked:
        assert all(record[name] == "***" for record in page["records"] for name in page["masked"])
    released = [c.json() for c in tour.answers(run, r"/aggregate$", 200)]
    assert released
    assert all(answer["groups"] for answer in released)
    refused = [c.json() for c in tour.answers(run, r"/aggregate$", 422)]
    assert refused
    assert all(p["type"].endswith("/query-refused") and p["errors"] for p in refused)
    _usage_counts_the_tours_calls(run)


def _usage_counts_the_tours_calls(run: tour.Run) -> None:
    """An agreement's usage report counts the deliveries the tour made since it read the agreement's uses."""
    reports = tour.answers(run, r"/api/v1/agreements/[^/]+/usage$", 200)
    assert reports
    for report in reports:
        agreement = report.json()["agreement_id"]
        calls = [c for n in sorted(run.calls) for c in run.calls[n]]
        summaries = [i for i, c in enumerate(calls) if c.url.endswith(f"/data/v1/agreements/{agreement}")]
        assert summaries, "the tour reads the agreement's uses before its report"
        start = summaries[-1]
        end = calls.index(report)
        delivered = [
            c
            for c in calls[start:end]
            if f"/data/v1/agreements/{agreement}/distributions/" in c.url and c.status in (200, 206)
        ]
        assert delivered
        used_before = calls[start].json()["uses"]["used"]
        assert report.json()["quota"]["used"] == used_before + len(delivered)
        assert report.json()["days"][-1]["refusals"] >= 1  # the leak attempt, today


def _provider(run: tour.Run) -> None:
    (received,) = tour.answers(run, r"/negotiations\?role=provider$", 200)
    assert {"FINALIZED", "TERMINATED"} <= {n["state"] for n in received.json()}
    (csv,) = tour.answers(run, r"/usage\.csv\?from=", 200)
    assert csv.body.decode().splitlines()[0] == "day,units,records,bytes,events,refusals"
    assert len(csv.body.decode().splitlines()) == 1 + 7  # a week of days
    assert tour.printed(run, r"/api/v1/agreements/[^/]+$").split()[-1] == "True"  # the contract's hash


def _operator(run: tour.Run) -> None:
    organizations = tour.answers(run, r"/api/v1/organizations$", 200)[0]
    assert {o["kind"] for o in organizations.json()["items"]} == {"operator", "provider", "consumer"}
    assert "urban planning" in tour.printed(run, r"role=operator&state=REQUESTED")  # waits for the exchange
    metrics = tour.printed(run, r"/metrics$")
    assert 'dxnode_usage_events_total{mode="aggregate"}' in metrics
    assert 'dxnode_agreements{status="active"}' in metrics
    (closed,) = tour.answers(run, r"/billing/periods/\d{4}-\d{2}/close$", 200)
    period = closed.json()["period"]
    assert (closed.json()["issued"], closed.json()["existing"] > 0) == ([], True)  # the demo closed it
    (invoices,) = tour.answers(run, rf"/invoices\?role=operator&period={period}$", 200)
    assert {i["period"] for i in invoices.json()} == {period}
    assert {i["status"] for i in invoices.json()} <= {"paid", "nothing_due"}
    (statement,) = tour.answers(run, rf"/statements/{period}\?org_id=", 200)
    assert statement.json()["org_name"] == "Shenzhen Municipal Open Data Bureau"
    assert any("Shapley" in line["explanation"] for line in statement.json()["lines"])


def _harvester(run: tour.Run) -> None:
    assert tour.printed(run, r"/catalog\?per_page=5$").strip() == "5 datasets"
    assert "hydra:next" in tour.printed(run, r"/catalog\?per_page=5&page=2$")
    (etag,) = tour.answers(run, r"/catalog\.ttl$", 200)
    (unchanged,) = tour.answers(run, r"/catalog\.ttl$", 304)
    assert b"ETag" in etag.body  # the headers, printed by -D -
    assert unchanged.media_type == ""
    (catalog,) = tour.answers(run, r"/dsp/2025-1/catalog/request", 200)
    assert catalog.json()["@type"] == "Catalog"
    assert len(catalog.json()["dataset"]) == 3


CHECKS = {"consumer": _consumer, "provider": _provider, "operator": _operator, "harvester": _harvester}
