"""trust_snapshots and trust_current: each author's trust score history and latest snapshot

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('trust_snapshots',
    sa.Column('id', Id, nullable=False),
    sa.Column('author_id', Id, nullable=False),
    sa.Column('model_version', sa.String(length=32), nullable=False),
    sa.Column('inputs_hash', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=32), nullable=False),
    sa.Column('verification_level', sa.String(length=2), nullable=False),
    sa.Column('claimed', sa.Boolean(), nullable=False),
    sa.Column('components', sa.Text(), nullable=False),
    sa.Column('changes', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_snapshots'))
    )
    op.create_index('ix_trust_snapshots_author', 'trust_snapshots', ['author_id', 'id'], unique=False)
    op.create_table('trust_current',
    sa.Column('author_id', Id, autoincrement=False, nullable=False),
    sa.Column('snapshot_id', Id, nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=32), nullable=False),
    sa.Column('verification_level', sa.String(length=2), nullable=False),
    sa.Column('claimed', sa.Boolean(), nullable=False),
    sa.Column('model_version', sa.String(length=32), nullable=False),
    sa.Column('inputs_hash', sa.String(length=64), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('author_id', name=op.f('pk_trust_current'))
    )
    op.create_index('ix_trust_current_score', 'trust_current', ['score'], unique=False)
    op.create_index('ix_trust_current_band', 'trust_current', ['band'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_trust_current_band', table_name='trust_current')
    op.drop_index('ix_trust_current_score', table_name='trust_current')
    op.drop_table('trust_current')
    op.drop_index('ix_trust_snapshots_author', table_name='trust_snapshots')
    op.drop_table('trust_snapshots')
