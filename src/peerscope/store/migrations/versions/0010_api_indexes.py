"""indexes for the OpenAlex-compatible lists: filter + group_by + sort on works

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-02 00:30:00
"""
from alembic import op


revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None

# (name, columns): a year, a type or open access narrows the list, the second column groups or sorts it
INDEXES = [
    ('ix_works_year_type', ['publication_year', 'type']),
    ('ix_works_type_year', ['type', 'publication_year']),
    ('ix_works_year_cited', ['publication_year', 'cited_by_count']),
    ('ix_works_cited', ['cited_by_count']),
    ('ix_works_oa_year', ['is_oa', 'publication_year']),
]


def upgrade() -> None:
    for name, cols in INDEXES:
        op.create_index(name, 'works', cols)


def downgrade() -> None:
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name='works')
