"""federation: harvest sources, runs, harvested records and pages; datasets marked with their source

Revision ID: f3a8d6e20b71
Revises: b7e4c2a91d30
Create Date: 2026-12-05 02:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "f3a8d6e20b71"
down_revision: str | None = "b7e4c2a91d30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "harvest_source",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("org_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("grade", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("schedule_minutes", sa.Integer(), nullable=True),
        sa.Column("next_run_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("allow_private", sa.Boolean(), nullable=False),
        sa.Column("republish", sa.Boolean(), nullable=False),
        sa.Column("modified_since_param", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("max_pages", sa.Integer(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organization.id"],
            name=op.f("fk_harvest_source_org_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_source")),
        sa.UniqueConstraint("name", name=op.f("uq_harvest_source_name")),
    )
    with op.batch_alter_table("harvest_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harvest_source_next_run_at"), ["next_run_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_harvest_source_org_id"), ["org_id"], unique=False)

    op.create_table(
        "harvest_page",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("source_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("next_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("fetched_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["harvest_source.id"],
            name=op.f("fk_harvest_page_source_id_harvest_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_page")),
        sa.UniqueConstraint("source_id", "url", name=op.f("uq_harvest_page_source_id")),
    )
    op.create_table(
        "harvest_run",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("source_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("incremental", sa.Boolean(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["harvest_source.id"],
            name=op.f("fk_harvest_run_source_id_harvest_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvest_run")),
    )
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harvest_run_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_harvest_run_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_harvest_run_status"), ["status"], unique=False)

    op.create_table(
        "harvested_record",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("source_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("remote_key", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("dataset_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=False),
        sa.Column("page_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("last_seen_run_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name=op.f("fk_harvested_record_dataset_id_dataset"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["harvest_source.id"],
            name=op.f("fk_harvested_record_source_id_harvest_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_harvested_record")),
        sa.UniqueConstraint("dataset_id", name=op.f("uq_harvested_record_dataset_id")),
        sa.UniqueConstraint("source_id", "remote_key", name=op.f("uq_harvested_record_source_id")),
    )
    with op.batch_alter_table("harvested_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_harvested_record_last_seen_run_id"), ["last_seen_run_id"], unique=False
        )

    with op.batch_alter_table("dataset", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("harvest_source_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True)
        )
        batch_op.add_column(
            sa.Column("remote_iri", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_dataset_harvest_source_id"), ["harvest_source_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_dataset_harvest_source_id"), table_name="dataset")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's own DROP COLUMN (3.35+): a batch rebuild would drop the dataset table, and with it,
        # foreign keys being on, every distribution, keyword and offer of every dataset.
        op.execute("ALTER TABLE dataset DROP COLUMN remote_iri")
        op.execute("ALTER TABLE dataset DROP COLUMN harvest_source_id")
    else:
        op.drop_column("dataset", "remote_iri")
        op.drop_column("dataset", "harvest_source_id")

    with op.batch_alter_table("harvested_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvested_record_last_seen_run_id"))

    op.drop_table("harvested_record")
    with op.batch_alter_table("harvest_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_run_status"))
        batch_op.drop_index(batch_op.f("ix_harvest_run_source_id"))
        batch_op.drop_index(batch_op.f("ix_harvest_run_created_at"))

    op.drop_table("harvest_run")
    op.drop_table("harvest_page")
    with op.batch_alter_table("harvest_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_source_org_id"))
        batch_op.drop_index(batch_op.f("ix_harvest_source_next_run_at"))

    op.drop_table("harvest_source")
