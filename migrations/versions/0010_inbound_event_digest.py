"""inbound_event.body_digest and .signature: the same event id with another body is a
conflict, and a signature is used up only by the event it stored

Revision ID: 0010_inbound_event_digest
Revises: 0009_outcome_unknown
Create Date: 2026-12-03 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010_inbound_event_digest'
down_revision = '0009_outcome_unknown'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signature', sa.String(length=80), nullable=True))
    # Built without blocking iSeller's inserts on PostgreSQL (as 0008); SQLite ignores it.
    with op.get_context().autocommit_block():
        op.create_index('ix_inbound_event_signature', 'inbound_event', ['signature'],
                        unique=True, postgresql_concurrently=True)


def downgrade():
    with op.batch_alter_table('inbound_event', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_event_signature')
        batch_op.drop_column('signature')
        batch_op.drop_column('body_digest')
