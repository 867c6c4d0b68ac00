"""integrity_derived: version and input hash of the graph-level integrity checks per work and author

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('integrity_derived',
    sa.Column('entity_kind', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('code_version', sa.String(length=32), nullable=False),
    sa.Column('inputs_hash', sa.String(length=64), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('entity_kind', 'entity_id', name=op.f('pk_integrity_derived')),
    sqlite_with_rowid=False
    )


def downgrade() -> None:
    op.drop_table('integrity_derived')
