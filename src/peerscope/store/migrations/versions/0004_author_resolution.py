"""resolution: author runs, changes, retired authors, links with evidence, constraints; work matches

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('resolution_runs',
    sa.Column('id', Id, nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('resolver_version', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('undoes_run', Id, nullable=True),
    sa.Column('undone_by_run', Id, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_runs'))
    )
    op.create_table('resolution_changes',
    sa.Column('run_id', Id, nullable=False),
    sa.Column('work_id', Id, autoincrement=False, nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('from_author_id', Id, nullable=True),
    sa.Column('to_author_id', Id, nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['resolution_runs.id'], name=op.f('fk_resolution_changes_run_id_resolution_runs')),
    sa.PrimaryKeyConstraint('run_id', 'work_id', 'position', name=op.f('pk_resolution_changes')),
    sqlite_with_rowid=False
    )
    op.create_table('retired_authors',
    sa.Column('run_id', Id, nullable=False),
    sa.Column('author_id', Id, autoincrement=False, nullable=False),
    sa.Column('survivor_id', Id, nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['resolution_runs.id'], name=op.f('fk_retired_authors_run_id_resolution_runs')),
    sa.PrimaryKeyConstraint('run_id', 'author_id', name=op.f('pk_retired_authors')),
    sqlite_with_rowid=False
    )
    op.create_table('author_links',
    sa.Column('work_id', Id, autoincrement=False, nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('author_id', Id, nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('run_id', Id, nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['resolution_runs.id'], name=op.f('fk_author_links_run_id_resolution_runs')),
    sa.PrimaryKeyConstraint('work_id', 'position', name=op.f('pk_author_links')),
    sqlite_with_rowid=False
    )
    op.create_index('ix_author_links_author', 'author_links', ['author_id'], unique=False)
    op.create_table('resolution_constraints',
    sa.Column('id', Id, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('work_a', Id, nullable=False),
    sa.Column('position_a', sa.Integer(), nullable=False),
    sa.Column('work_b', Id, nullable=False),
    sa.Column('position_b', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution_constraints'))
    )


    op.create_table('work_matches',
    sa.Column('survivor_id', Id, autoincrement=False, nullable=False),
    sa.Column('folded_id', Id, autoincrement=False, nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('matcher_version', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('survivor_id', 'folded_id', name=op.f('pk_work_matches')),
    sqlite_with_rowid=False
    )


def downgrade() -> None:
    op.drop_table('work_matches')
    op.drop_table('resolution_constraints')
    op.drop_index('ix_author_links_author', table_name='author_links')
    op.drop_table('author_links')
    op.drop_table('retired_authors')
    op.drop_table('resolution_changes')
    op.drop_table('resolution_runs')
