"""federation

Revision ID: f3a8d6e20b71
Revises: b7e4c2a91d30
Create Date: 2026-12-05 02:30:00.000000
"""

from collections.abc import Sequence

revision: str = 'f3a8d6e20b71'
down_revision: str | None = 'b7e4c2a91d30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
