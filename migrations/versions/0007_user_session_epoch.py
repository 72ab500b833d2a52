"""user_account.session_epoch: a deactivation ends sessions for good, even once undone

Revision ID: 0007_user_session_epoch
Revises: 0006_webhook_token_digest
Create Date: 2026-11-25 11:20:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0007_user_session_epoch'
down_revision = '0006_webhook_token_digest'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
