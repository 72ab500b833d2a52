"""wording: reasons kept as message ids and values, shown in each reader's language

Revision ID: 0005_reason_wording
Revises: 0004_user_locale
Create Date: 2026-11-25 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0005_reason_wording'
down_revision = '0004_user_locale'
branch_labels = None
depends_on = None

TABLES = ('sync_activity', 'webhook_log', 'accurate_connection')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('wording', sa.JSON(), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('wording')
