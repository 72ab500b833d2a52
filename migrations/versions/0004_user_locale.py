"""user_account.locale: the language a user chose

Revision ID: 0004_user_locale
Revises: 0003_webhooks
Create Date: 2026-11-25 07:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0004_user_locale'
down_revision = '0003_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locale')
