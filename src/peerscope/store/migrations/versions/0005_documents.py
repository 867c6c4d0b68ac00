"""documents: full-text documents with their parsed structure; integrity flags and their subjects

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', Id, nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('media_type', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=500), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('structure', sa.Text(), nullable=False),
    sa.Column('work_id', Id, nullable=True),
    sa.Column('checks_version', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['work_id'], ['works.id'], name=op.f('fk_documents_work_id_works')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_documents_content_hash'))
    )
    op.create_index(op.f('ix_documents_work_id'), 'documents', ['work_id'], unique=False)
    op.create_table('integrity_flags',
    sa.Column('id', Id, nullable=False),
    sa.Column('document_id', Id, nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('checks_version', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_integrity_flags_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_flags'))
    )
    op.create_index(op.f('ix_integrity_flags_document_id'), 'integrity_flags', ['document_id'], unique=False)
    op.create_table('flag_subjects',
    sa.Column('flag_id', Id, nullable=False),
    sa.Column('entity_kind', sa.String(length=16), nullable=False),
    sa.Column('entity_id', Id, autoincrement=False, nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['flag_id'], ['integrity_flags.id'], name=op.f('fk_flag_subjects_flag_id_integrity_flags')),
    sa.PrimaryKeyConstraint('flag_id', 'entity_kind', 'entity_id', name=op.f('pk_flag_subjects')),
    sqlite_with_rowid=False
    )
    op.create_index('ix_flag_subjects_entity', 'flag_subjects', ['entity_kind', 'entity_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_flag_subjects_entity', table_name='flag_subjects')
    op.drop_table('flag_subjects')
    op.drop_index(op.f('ix_integrity_flags_document_id'), table_name='integrity_flags')
    op.drop_table('integrity_flags')
    op.drop_index(op.f('ix_documents_work_id'), table_name='documents')
    op.drop_table('documents')
