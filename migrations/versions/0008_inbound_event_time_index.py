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
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.create_index('ix_inbound_event_store_time', ['store_id', 'received_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_event_store_time')
