"""work_topic_assignments and topic_clusters: topics derived for works that came without any

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('work_topic_assignments',
    sa.Column('work_id', Id, nullable=False),
    sa.Column('topic_id', Id, nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_work_topic_assignments_topic_id_topics')),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_work_topic_assignments_work_id_works')),
    sa.PrimaryKeyConstraint('work_id', 'topic_id', name=op.f('pk_work_topic_assignments')),
    sqlite_with_rowid=False
    )
    op.create_index('ix_work_topic_assignments_topic', 'work_topic_assignments', ['topic_id', 'score'], unique=False)
    op.create_table('topic_clusters',
    sa.Column('topic_id', Id, autoincrement=False, nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('works_count', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_topic_clusters_topic_id_topics')),
    sa.PrimaryKeyConstraint('topic_id', name=op.f('pk_topic_clusters'))
    )


def downgrade() -> None:
    op.drop_table('topic_clusters')
    op.drop_index('ix_work_topic_assignments_topic', table_name='work_topic_assignments')
    op.drop_table('work_topic_assignments')
