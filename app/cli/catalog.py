"""Datasets from the shell: create from JSON, import RDF, upload files, move through review."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from pydantic import ValidationError
from sqlmodel import col, select

from ..db import get_session, unit_of_work
from ..errors import Problem
from ..models import Dataset
from ..schemas.catalog import DatasetCreate
from ..services import dataset_import, dataset_status, datasets
from ..services.actors import Actor
from ..services.storage import Storage
from .common import fail, org_by_name_or_id


@click.group("dataset")
def dataset_group() -> None:
    """Datasets of the catalog."""


@dataset_group.command("create")
@click.option("--org", "org_ref", required=True, help="the publishing organisation, by id or name")
@click.argument("payload", type=click.File("rb"))
@with_appcontext
def dataset_create(org_ref: str, payload: click.File) -> None:
    """Create a draft from a JSON file shaped like the API's dataset body."""
    try:
        data = DatasetCreate.model_validate_json(payload.read())  # type: ignore[attr-defined]
        with unit_of_work() as session:
            org = org_by_name_or_id(session, org_ref)
            dataset = datasets.create_dataset(
                session, Actor.node(), org.id, data, current_app.config["BASE_URL"]
            )
    except (ValidationError, Problem) as exc:
        fail(exc)
    click.echo(json.dumps({"id": dataset.id, "status": dataset.status}))


@dataset_group.command("import")
@click.option("--org", "org_ref", required=True, help="the publishing organisation, by id or name")
@click.option(
    "--grade",
    default="general-1",
    show_default=True,
    type=click.Choice(["core", "important", "general-4", "general-3", "general-2", "general-1"]),
)
@click.option("--submit", is_flag=True, help="submit every imported dataset at once")
@click.argument("document", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def dataset_import_command(org_ref: str, grade: str, submit: bool, document: Path) -> None:
    """Import the datasets of a DCAT(-AP) document (Turtle, JSON-LD, RDF/XML, N-Triples): all or nothing."""
    base = current_app.config["BASE_URL"]
    try:
        with unit_of_work() as session:
            org = org_by_name_or_id(session, org_ref)
            created = dataset_import.import_rdf(
                session, Actor.node(), org.id, document.read_bytes(), document.suffix.lstrip("."), grade, base
            )
            if submit:
                for dataset in created:
                    dataset_status.transition(session, Actor.node(), dataset.id, "submit", None, base)
    except Problem as exc:
        fail(exc)
    for dataset in created:
        click.echo(
            json.dumps(
                {"id": dataset.id, "status": dataset.status, "title": dataset.title}, ensure_ascii=False
            )
        )


@dataset_group.command("list")
@click.option("--org", "org_ref", help="only this organisation's datasets")
@click.option("--status", type=click.Choice(["draft", "in_review", "published", "withdrawn"]))
@with_appcontext
def dataset_list(org_ref: str | None, status: str | None) -> None:
    """List datasets with their status and grade."""
    session = get_session()
    query = select(Dataset).order_by(col(Dataset.created_at))
    if org_ref:
        query = query.where(Dataset.org_id == org_by_name_or_id(session, org_ref).id)
    if status:
        query = query.where(Dataset.status == status)
    for dataset in session.exec(query):
        title = dataset.title.get("en") or next(iter(dataset.title.values()), "")
        click.echo(f"{dataset.id}  {dataset.status:<9} {dataset.grade:<9} {title}")


@dataset_group.command("transition")
@click.argument("action", type=click.Choice(list(dataset_status.ACTIONS)))
@click.argument("dataset_id")
@click.option("--reason", help="why (required to reject)")
@with_appcontext
def dataset_transition(action: str, dataset_id: str, reason: str | None) -> None:
    """Submit, approve, reject, withdraw or republish a dataset, as the node's operator."""
    try:
        with unit_of_work() as session:
            dataset = dataset_status.transition(
                session, Actor.node(), dataset_id, action, reason, current_app.config["BASE_URL"]
            )
    except Problem as exc:
        fail(exc)
    click.echo(json.dumps({"id": dataset.id, "status": dataset.status}))


@dataset_group.command("upload")
@click.argument("distribution_id")
@click.argument("file", type=click.File("rb"))
@click.option("--media-type", help="the file's media type, e.g. text/csv")
@with_appcontext
def dataset_upload(distribution_id: str, file: click.File, media_type: str | None) -> None:
    """Store a file as the bytes of a distribution."""
    storage = Storage(Path(current_app.config["STORAGE_PATH"]))
    try:
        with unit_of_work() as session:
            dist = datasets.store_distribution_file(
                session,
                Actor.node(),
                distribution_id,
                file,  # type: ignore[arg-type]
                media_type,
                storage,
                int(current_app.config["UPLOAD_MAX_BYTES"]),
                current_app.config["BASE_URL"],
            )
    except Problem as exc:
        fail(exc)
    click.echo(
        json.dumps({"id": dist.id, "byte_size": dist.byte_size, "checksum_sha256": dist.checksum_sha256})
    )
