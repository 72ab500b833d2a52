"""iseller webhooks: the set-up iSeller signs notices with, the notices received, the catch-up cursor

Revision ID: 0012_iseller_webhooks
Revises: 0011_iseller_connection
Create Date: 2026-12-04 19:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012_iseller_webhooks'
down_revision = '0011_iseller_connection'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('iseller_connection') as batch:
        batch.add_column(sa.Column('webhook_id', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('webhook_key', sa.Text(), nullable=True))
        batch.add_column(sa.Column('webhook_key_made_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('webhook_received_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('orders_cursor', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('products_cursor', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('catch_up_due_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('caught_up_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('catch_up_error', sa.Text(), nullable=True))
        batch.add_column(sa.Column('wording', sa.JSON(), nullable=True))
        batch.create_unique_constraint(batch.f('uq_iseller_connection_webhook_id'), ['webhook_id'])
    op.create_table('iseller_notice',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=32), nullable=False),
    sa.Column('iseller_id', sa.String(length=64), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'success', 'failed', name='status', native_enum=False, length=8), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('next_step', sa.Text(), nullable=True),
    sa.Column('wording', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_iseller_notice_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iseller_notice')),
    sa.UniqueConstraint('store_id', 'dedupe_key', name=op.f('uq_iseller_notice_store_id_dedupe_key'))
    )
    op.create_index('ix_iseller_notice_status_due', 'iseller_notice', ['status', 'due_at'], unique=False)
    op.create_index('ix_iseller_notice_store_time', 'iseller_notice', ['store_id', 'created_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_iseller_notice_store_time', table_name='iseller_notice')
    op.drop_index('ix_iseller_notice_status_due', table_name='iseller_notice')
    op.drop_table('iseller_notice')
    with op.batch_alter_table('iseller_connection') as batch:
        batch.drop_constraint(batch.f('uq_iseller_connection_webhook_id'), type_='unique')
        for column in ('wording', 'catch_up_error', 'caught_up_at', 'catch_up_due_at',
                       'products_cursor', 'orders_cursor', 'webhook_received_at'):
            batch.drop_column(column)
        batch.drop_column('webhook_key_made_at')
        batch.drop_column('webhook_key')
        batch.drop_column('webhook_id')
