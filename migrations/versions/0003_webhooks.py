"""Accurate webhooks: retries and notices on webhook_log, applied_document, incoming stock,
webhook renewal and catch-up state on accurate_connection

Revision ID: 0003_webhooks
Revises: 0002_refresh_batch
Create Date: 2026-11-25 06:24:21

"""
from alembic import op
import sqlalchemy as sa

revision = '0003_webhooks'
down_revision = '0002_refresh_batch'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('applied_document',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=32), nullable=False),
    sa.Column('accurate_id', sa.Integer(), nullable=False),
    sa.Column('accurate_number', sa.String(length=64), nullable=True),
    sa.Column('effect', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_applied_document_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applied_document')),
    sa.UniqueConstraint('store_id', 'event_type', 'accurate_id', name=op.f('uq_applied_document_store_id_event_type_accurate_id'))
    )
    with op.batch_alter_table('accurate_connection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('webhook_renewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('webhook_renew_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('webhook_renew_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('webhook_history_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('webhook_catch_up_due_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('product_stock', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incoming', sa.Numeric(precision=18, scale=4), server_default='0', nullable=False))

    with op.batch_alter_table('webhook_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('notice', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('notice_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('notice_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_webhook_notice_due', ['notice_due_at'], unique=False)
        batch_op.create_index('ix_webhook_status_due', ['status', 'due_at'], unique=False)


def downgrade():
    with op.batch_alter_table('webhook_log', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_status_due')
        batch_op.drop_index('ix_webhook_notice_due')
        batch_op.drop_column('notified_at')
        batch_op.drop_column('notice_attempts')
        batch_op.drop_column('notice_due_at')
        batch_op.drop_column('notice')
        batch_op.drop_column('due_at')
        batch_op.drop_column('event_at')

    with op.batch_alter_table('product_stock', schema=None) as batch_op:
        batch_op.drop_column('incoming')

    with op.batch_alter_table('accurate_connection', schema=None) as batch_op:
        batch_op.drop_column('webhook_catch_up_due_at')
        batch_op.drop_column('webhook_history_until')
        batch_op.drop_column('webhook_renew_due_at')
        batch_op.drop_column('webhook_renew_error')
        batch_op.drop_column('webhook_renewed_at')
        batch_op.drop_column('webhook_expires_at')

    op.drop_table('applied_document')