"""derive_pending: works and authors whose derived artefacts wait to be recomputed

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 17:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('derive_pending',
    sa.Column('entity_kind', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('entity_kind', 'entity_id', name=op.f('pk_derive_pending')),
    sqlite_with_rowid=False
    )


def downgrade() -> None:
    op.drop_table('derive_pending')
