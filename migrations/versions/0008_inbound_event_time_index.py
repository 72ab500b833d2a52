"""inbound_event (store_id, received_at): the overview's "last iSeller event" on every poll

Revision ID: 0008_inbound_event_time_index
Revises: 0007_user_session_epoch
Create Date: 2026-11-29 20:30:00

"""
from alembic import op

revision = '0008_inbound_event_time_index'
down_revision = '0007_user_session_epoch'
branch_labels = None
depends_on = None


def upgrade():
    # Built without blocking iSeller's inserts on PostgreSQL (CONCURRENTLY cannot run in a
    # transaction, hence the autocommit block); SQLite ignores the option.
    with op.get_context().autocommit_block():
        op.create_index('ix_inbound_event_store_time', 'inbound_event',
                        ['store_id', 'received_at'], unique=False,
                        postgresql_concurrently=True)


def downgrade():
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_event_store_time')
