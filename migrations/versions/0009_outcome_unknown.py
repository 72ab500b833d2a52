"""sync_activity.outcome_unknown: "look it up first" kept apart from the retry budget

Revision ID: 0009_outcome_unknown
Revises: 0008_inbound_event_time_index
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0009_outcome_unknown'
down_revision = '0008_inbound_event_time_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_unknown', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Until now any attempt made the next one look up first: pending rows already tried
    # keep doing so.
    op.execute("UPDATE sync_activity SET outcome_unknown = true "
               "WHERE status = 'pending' AND attempts > 0")


def downgrade():
    with op.batch_alter_table('sync_activity', schema=None) as batch_op:
        batch_op.drop_column('outcome_unknown')
