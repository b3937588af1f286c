"""Two dxnodes on one machine form a federation: each serves its catalog on loopback and harvests the other.

Node A runs on a database of its own (an embedded SQLite file), node B on the suite's database; both
are real node processes (`tests.support.serve`) on free loopback ports, with their base URL set to the
address they serve, so their feeds' IRIs and paging links are the ones a harvester follows. The
harvests run through each node's own `dxnode harvest` commands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from sqlmodel import select

from app import create_app
from app.db import unit_of_work
from app.models import Organization, OrgStatus
from app.schemas.catalog import DatasetCreate
from app.services import dataset_status, datasets
from app.services.actors import Actor
from tests.conftest import _migrate
from tests.support import node_process
from tests.support.catalog_data import dataset_payload
from tests.support.node_process import NodeProcess

pytestmark = pytest.mark.slow  # two node processes in fresh interpreters



@dataclass
class Node:
    """A node process and an app on the same database, for its command line and for preparing data."""

    url: str
    app: Flask
    served: NodeProcess

    def publish(self, title: str, provider: str) -> str:
        """A provider of this node lists a general-1 dataset and it is published; its id."""
        base = str(self.app.config["BASE_URL"])
        with self.app.app_context(), unit_of_work() as session:
            org = session.exec(select(Organization).where(Organization.name == provider)).first()
            if org is None:
                org = Organization(
                    name=provider, kind="provider", jurisdiction="CN", status=OrgStatus.ACTIVE.value
                )
                session.add(org)
                session.flush()
            payload = DatasetCreate.model_validate(dataset_payload(title={"en": title, "zh": title}))
            dataset = datasets.create_dataset(session, Actor.node(), org.id, payload, base)
            dataset_status.transition(session, Actor.node(), dataset.id, "submit", None, base)
            return dataset.id

    def withdraw(self, dataset_id: str) -> None:
        """The publisher withdraws a dataset."""
        with self.app.app_context(), unit_of_work() as session:
            dataset_status.transition(
                session, Actor.node(), dataset_id, "withdraw", "superseded", str(self.app.config["BASE_URL"])
            )

    def dxnode(self, *args: str) -> str:
        """Run a `dxnode` command on this node; its standard output."""
        result = self.app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return str(result.stdout)

    def harvest(self, source: str) -> dict[str, Any]:
        """Harvest a source now; the run's summary."""
        return dict(json.loads(self.dxnode("harvest", "run", source).splitlines()[0]))

    def search(self, q: str) -> list[dict[str, Any]]:
        """Search the node's catalog over HTTP."""
        answer = requests.get(f"{self.url}/api/v1/datasets", params={"q": q}, timeout=30)
        assert answer.status_code == 200
        return list(answer.json()["items"])


@pytest.fixture
def start_node(settings: dict[str, Any], tmp_path: Path) -> Iterator[Any]:
    """Start a node process on a free loopback port, on the given database."""
    started: list[Node] = []

    def start(name: str, database_url: str) -> Node:
        port = node_process.free_port()
        url = f"http://127.0.0.1:{port}"
        storage = tmp_path / name / "storage"
        storage.mkdir(parents=True)
        overrides = {**settings, "DATABASE_URL": database_url, "BASE_URL": url, "STORAGE_PATH": str(storage)}
        app = create_app(overrides)
        app.instance_path = str(tmp_path / name / "instance")
        served = node_process.start(
            database_url=database_url,
            storage=storage,
            journal=tmp_path / name / "journal",
            secret=str(settings["SECRET_KEY"]),
            base_url=url,
            port=port,
            log=tmp_path / f"{name}.log",
        )
        if served.url != url:
            served.stop()
            pytest.fail(f"node {name} listens at {served.url}, not {url}")
        node = Node(url, app, served)
        started.append(node)
        return node

    yield start
    for node in started:
        node.served.stop()
        from app.db import EXTENSION

        node.app.extensions[EXTENSION].kw["bind"].dispose()


def test_two_nodes_harvest_each_other(start_node: Any, database_url: str, tmp_path: Path) -> None:
    a_database = f"sqlite:///{tmp_path / 'node-a.sqlite'}"
    _migrate(a_database)
    a = start_node("a", a_database)
    b = start_node("b", database_url)
    kept = a.publish("Shenzhen bus punctuality", "Shenzhen Transport Bureau")
    gone = a.publish("Shenzhen ferry timetables", "Shenzhen Transport Bureau")
    b.publish("Qianhai parking occupancy", "Qianhai Mobility")

    b.dxnode(
        "harvest",
        "add",
        "Node A",
        f"{a.url}/catalog",
        "--allow-private",
        "--modified-since-param",
        "modified_since",
    )
    a.dxnode("harvest", "add", "Node B", f"{b.url}/catalog", "--allow-private")
    first = b.harvest("Node A")
    back = a.harvest("Node B")

    assert (first["status"], first["new"], first["failed"]) == ("succeeded", 2, 0)
    assert (back["status"], back["new"]) == ("succeeded", 1)
    (bus,) = b.search("punctuality")
    assert bus["harvested"]["source"] == "Node A"
    assert bus["harvested"]["remote_iri"] == f"{a.url}/dataset/{kept}"
    home = requests.get(bus["harvested"]["request_access_at"], headers={"Accept": "text/html"}, timeout=30)
    assert home.status_code == 200
    assert "Shenzhen bus punctuality" in home.text
    (parking,) = a.search("parking")
    assert parking["harvested"]["source"] == "Node B"
    assert {d["title"]["en"] for d in a.search("shenzhen")} == {
        "Shenzhen bus punctuality",
        "Shenzhen ferry timetables",
    }

    a.withdraw(gone)
    second = b.harvest("Node A")

    assert second["incremental"] is True
    assert (second["withdrawn"], second["new"], second["failed"]) == (1, 0, 0)
    assert [d["title"]["en"] for d in b.search("shenzhen")] == ["Shenzhen bus punctuality"]
    assert b.search("parking")[0]["harvested"] is None  # B's own dataset
