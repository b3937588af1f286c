"""billing

Revision ID: b7e4c2a91d30
Revises: 5731a5c7ade1
Create Date: 2026-12-05 02:30:00.000000
"""

from collections.abc import Sequence

revision: str = 'b7e4c2a91d30'
down_revision: str | None = '5731a5c7ade1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
