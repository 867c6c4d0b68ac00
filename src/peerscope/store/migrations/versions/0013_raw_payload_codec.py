"""raw_records.payload_codec: how the payload column holds the bytes as received (NULL: as they
are; 'zstd': a Zstandard frame of them)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 00:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('raw_records') as batch:
        batch.add_column(sa.Column('payload_codec', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('raw_records') as batch:
        batch.drop_column('payload_codec')
