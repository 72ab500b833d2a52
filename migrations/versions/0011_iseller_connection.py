"""iseller_connection: a store's iSeller OAuth tokens (encrypted) and its API host

Revision ID: 0011_iseller_connection
Revises: 0010_inbound_event_digest
Create Date: 2026-12-03 15:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011_iseller_connection'
down_revision = '0010_inbound_event_digest'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('iseller_connection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('connected', 'needs_reconnect', name='connectionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('access_token', sa.Text(), nullable=False),
    sa.Column('refresh_token', sa.Text(), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('api_host', sa.String(length=255), nullable=False),
    sa.Column('store_name', sa.String(length=120), nullable=True),
    sa.Column('connected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_iseller_connection_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iseller_connection')),
    sa.UniqueConstraint('store_id', name=op.f('uq_iseller_connection_store_id'))
    )


def downgrade():
    op.drop_table('iseller_connection')
