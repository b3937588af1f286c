"""Alembic migrations of the node's one metadata (``SQLModel.metadata``)."""
