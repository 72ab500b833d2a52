"""store.webhook_token_digest: find a webhook's store by an index, not by decrypting tokens

Existing stores get their digest the first time a notice arrives (their tokens are
encrypted with the app's keys, which a migration does not have).

Revision ID: 0006_webhook_token_digest
Revises: 0005_reason_wording
Create Date: 2026-11-25 10:05:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0006_webhook_token_digest'
down_revision = '0005_reason_wording'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.add_column(sa.Column('webhook_token_digest', sa.String(length=64),
                                      nullable=True))
        batch_op.create_unique_constraint('uq_store_webhook_token_digest',
                                          ['webhook_token_digest'])


def downgrade():
    with op.batch_alter_table('store', schema=None) as batch_op:
        batch_op.drop_constraint('uq_store_webhook_token_digest', type_='unique')
        batch_op.drop_column('webhook_token_digest')
