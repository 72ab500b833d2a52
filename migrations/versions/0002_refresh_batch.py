"""sync_activity.refreshed_at: which rows a person refreshed together

Revision ID: 0002_refresh_batch
Revises: dd57a4ad615b
Create Date: 2026-11-25 06:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0002_refresh_batch'
down_revision = 'dd57a4ad615b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_activity_store_refreshed', ['store_id', 'refreshed_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('sync_activity', schema=None) as batch_op:
        batch_op.drop_index('ix_activity_store_refreshed')
        batch_op.drop_column('refreshed_at')
