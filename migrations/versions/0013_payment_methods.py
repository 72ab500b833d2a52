"""payment methods as data, register cash: each method's Accurate type and fee account, the
outlet's register cash accounts, and what a register cash movement is for

Revision ID: 0013_payment_methods
Revises: 0012_iseller_webhooks
Create Date: 2026-12-06 21:20:00

iSeller Pay was two columns of the outlet mapping; it becomes a payment method row like the
others (its account and its MDR account as the row's fee account). The transaction account,
which register cash movements were booked against (a revenue account: deposits took money
off revenue), goes: each movement now has an account of its own direction.
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_payment_methods'
down_revision = '0012_iseller_webhooks'
branch_labels = None
depends_on = None

NEW_ACCOUNTS = ('register_cash_account_no', 'cash_drop_account_no', 'cash_top_up_account_no',
                'cash_expense_account_no')


def upgrade():
    with op.batch_alter_table('outlet_payment_account') as batch:
        batch.add_column(sa.Column('accurate_type', sa.String(length=24), nullable=False,
                                   server_default='OTHERS'))
        batch.add_column(sa.Column('fee_account_no', sa.String(length=40), nullable=True))
    with op.batch_alter_table('outlet_mapping') as batch:
        for name in NEW_ACCOUNTS:
            batch.add_column(sa.Column(name, sa.String(length=40), nullable=True))
    with op.batch_alter_table('deposit') as batch:
        batch.add_column(sa.Column('purpose', sa.Enum('bank', 'expense', 'top_up',
                                                      name='depositpurpose', native_enum=False,
                                                      length=8), nullable=True))
    # The types isacc sent before, now kept on the row.
    for method, kind in (('cash', 'CASH_OTHER'), ('card', 'EDC'), ('debit', 'EDC'),
                         ('credit', 'EDC'), ('qris', 'QRIS'), ('transfer', 'BANK_TRANSFER')):
        op.execute(sa.text("UPDATE outlet_payment_account SET accurate_type = :kind "
                           "WHERE payment_method = :method").bindparams(kind=kind, method=method))
    op.execute("INSERT INTO outlet_payment_account "
               "(mapping_id, payment_method, account_no, accurate_type, fee_account_no) "
               "SELECT id, 'isellerpay', isellerpay_account_no, 'OTHERS', mdr_account_no "
               "FROM outlet_mapping WHERE isellerpay_account_no IS NOT NULL")
    # Register cash is where the outlet's cash payments went.
    op.execute("UPDATE outlet_mapping SET register_cash_account_no = (SELECT account_no FROM "
               "outlet_payment_account p WHERE p.mapping_id = outlet_mapping.id "
               "AND p.payment_method = 'cash')")
    op.execute("UPDATE deposit SET purpose = CASE direction WHEN 'in' THEN 'top_up' "
               "ELSE 'bank' END")
    with op.batch_alter_table('deposit') as batch:
        batch.alter_column('purpose', existing_type=sa.String(length=8), nullable=False)
    with op.batch_alter_table('outlet_mapping') as batch:
        batch.drop_column('isellerpay_account_no')
        batch.drop_column('mdr_account_no')
        batch.drop_column('transaction_account_no')


def downgrade():
    with op.batch_alter_table('outlet_mapping') as batch:
        batch.add_column(sa.Column('isellerpay_account_no', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('mdr_account_no', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('transaction_account_no', sa.String(length=40),
                                   nullable=True))
    op.execute("UPDATE outlet_mapping SET isellerpay_account_no = (SELECT account_no FROM "
               "outlet_payment_account p WHERE p.mapping_id = outlet_mapping.id AND "
               "p.payment_method = 'isellerpay'), mdr_account_no = (SELECT fee_account_no FROM "
               "outlet_payment_account p WHERE p.mapping_id = outlet_mapping.id AND "
               "p.payment_method = 'isellerpay')")
    op.execute("DELETE FROM outlet_payment_account WHERE payment_method = 'isellerpay'")
    with op.batch_alter_table('deposit') as batch:
        batch.drop_column('purpose')
    with op.batch_alter_table('outlet_mapping') as batch:
        for name in NEW_ACCOUNTS:
            batch.drop_column(name)
    with op.batch_alter_table('outlet_payment_account') as batch:
        batch.drop_column('fee_account_no')
        batch.drop_column('accurate_type')
