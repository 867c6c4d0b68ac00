"""similar_works and similar_builds: each work's ranked similar works with their evidence, and
the record of the last build

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 00:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('similar_works',
    sa.Column('work_id', Id, autoincrement=False, nullable=False),
    sa.Column('rank', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('similar_work_id', Id, nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('work_id', 'rank', name=op.f('pk_similar_works')),
    sqlite_with_rowid=False
    )
    op.create_table('similar_builds',
    sa.Column('id', Id, nullable=False),
    sa.Column('code_version', sa.String(length=32), nullable=False),
    sa.Column('inputs_hash', sa.String(length=64), nullable=False),
    sa.Column('works', sa.Integer(), nullable=False),
    sa.Column('listed', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_similar_builds'))
    )


def downgrade() -> None:
    op.drop_table('similar_builds')
    op.drop_table('similar_works')
