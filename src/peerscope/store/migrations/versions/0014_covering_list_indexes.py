"""the list indexes led by year and by open access also hold the other single-valued filter
columns (type, open access, citations), so a filter over a year range, open access and a citation
bound is counted from the index alone, without reading a row of every matching work

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 00:00:00
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# (name, columns before, columns now): the leading columns stay, so every query the narrower
# index served is served the same way
WIDENED = [
    ('ix_works_year_type', ['publication_year', 'type'], ['publication_year', 'type', 'is_oa', 'cited_by_count']),
    ('ix_works_oa_year', ['is_oa', 'publication_year'], ['is_oa', 'publication_year', 'cited_by_count', 'type']),
]


def upgrade() -> None:
    for name, _, cols in WIDENED:
        op.drop_index(name, table_name='works')
        op.create_index(name, 'works', cols)


def downgrade() -> None:
    for name, cols, _ in reversed(WIDENED):
        op.drop_index(name, table_name='works')
        op.create_index(name, 'works', cols)
