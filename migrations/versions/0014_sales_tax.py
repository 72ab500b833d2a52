"""sales tax, order charges, payouts and sales channels: the store's tax mode and Accurate
tax, each order's tax-inclusive prices, service charge, rounding, tip and channel, the
accounts they go to, iSeller Pay's payouts, and the channels a store books

Revision ID: 0014_sales_tax
Revises: 0013_payment_methods
Create Date: 2026-12-06 21:10:00

Every store starts with its tax unset, which books as before (the till's tax folded into the
prices) until the owner chooses.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_sales_tax'
down_revision = '0013_payment_methods'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=18, scale=2)
CHARGES = ('service_charge', 'service_charge_tax', 'rounding', 'tip')
ACCOUNTS = ('service_charge_account_no', 'rounding_account_no', 'tips_account_no',
            'payout_account_no')


def upgrade():
    with op.batch_alter_table('store') as batch:
        batch.add_column(sa.Column('tax_mode', sa.Enum('unset', 'none', 'ppn', 'pb1',
                                                       name='taxmode', native_enum=False,
                                                       length=8),
                                   nullable=False, server_default='unset'))
        batch.add_column(sa.Column('tax_name', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('tax_rate', sa.Numeric(precision=7, scale=4), nullable=True))
        batch.add_column(sa.Column('tax_account_no', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('sales_channels', sa.JSON(), nullable=False,
                                   server_default='{}'))
    with op.batch_alter_table('sales_order') as batch:
        batch.add_column(sa.Column('tax_inclusive', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('channel', sa.String(length=40), nullable=False,
                                   server_default='pos'))
        for name in CHARGES:
            batch.add_column(sa.Column(name, MONEY, nullable=False, server_default='0'))
    with op.batch_alter_table('outlet_mapping') as batch:
        for name in ACCOUNTS:
            batch.add_column(sa.Column(name, sa.String(length=40), nullable=True))
    op.create_table('payout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('outlet_id', sa.Integer(), nullable=False),
    sa.Column('iseller_id', sa.String(length=64), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('amount', MONEY, nullable=False),
    sa.Column('fees', MONEY, nullable=False),
    sa.Column('paid_out_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outlet_id'], ['outlet.id'], name=op.f('fk_payout_outlet_id_outlet')),
    sa.ForeignKeyConstraint(['store_id'], ['store.id'], name=op.f('fk_payout_store_id_store')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout')),
    sa.UniqueConstraint('store_id', 'iseller_id', name=op.f('uq_payout_store_id_iseller_id'))
    )
    with op.batch_alter_table('payout') as batch:
        batch.create_index(batch.f('ix_payout_outlet_id'), ['outlet_id'], unique=False)


def downgrade():
    op.drop_table('payout')
    with op.batch_alter_table('outlet_mapping') as batch:
        for name in ACCOUNTS:
            batch.drop_column(name)
    with op.batch_alter_table('sales_order') as batch:
        for name in (*CHARGES, 'tax_inclusive', 'channel'):
            batch.drop_column(name)
    with op.batch_alter_table('store') as batch:
        for name in ('sales_channels', 'tax_account_no', 'tax_rate', 'tax_name', 'tax_mode'):
            batch.drop_column(name)
