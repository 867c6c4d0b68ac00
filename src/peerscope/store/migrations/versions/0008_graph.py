"""graph_edges and graph_builds: the derived research graph and the record of its last build

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 00:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('graph_edges',
    sa.Column('src_kind', sa.String(length=12), nullable=False),
    sa.Column('src_id', Id, autoincrement=False, nullable=False),
    sa.Column('dst_kind', sa.String(length=12), nullable=False),
    sa.Column('dst_id', Id, autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('year_min', sa.Integer(), nullable=True),
    sa.Column('year_max', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('src_kind', 'src_id', 'dst_kind', 'dst_id', 'kind', name=op.f('pk_graph_edges')),
    sqlite_with_rowid=False
    )
    op.create_index('ix_graph_edges_rank', 'graph_edges', ['src_kind', 'src_id', 'dst_kind', 'weight'], unique=False)
    op.create_table('graph_builds',
    sa.Column('id', Id, nullable=False),
    sa.Column('code_version', sa.String(length=32), nullable=False),
    sa.Column('inputs_hash', sa.String(length=64), nullable=False),
    sa.Column('edges', sa.Text(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_graph_builds'))
    )


def downgrade() -> None:
    op.drop_table('graph_builds')
    op.drop_index('ix_graph_edges_rank', table_name='graph_edges')
    op.drop_table('graph_edges')
