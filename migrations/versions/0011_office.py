"""office: price versions, failed visits, visit windows, account deactivation

Revision ID: 0011
Revises: 0006
Create Date: 2026-12-04 16:00:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalog_prices',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('catalog_item_id', sa.String(length=36), nullable=False),
    sa.Column('unit_price', server.models.types.ScaledDecimal(), nullable=False),
    sa.Column('tax_rate', server.models.types.ScaledDecimal(), nullable=False),
    sa.Column('effective_from', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('effective_to', server.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['catalog_item_id'], ['catalog_items.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('catalog_prices', schema=None) as batch_op:
        batch_op.create_index('ix_catalog_prices_item_from', ['catalog_item_id', 'effective_from'], unique=False)

    with op.batch_alter_table('charge_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priced_at', server.models.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', server.models.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('window_start', server.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('window_end', server.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_at', server.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failure_reason', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_column('failure_reason')
        batch_op.drop_column('failed_at')
        batch_op.drop_column('window_end')
        batch_op.drop_column('window_start')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')

    with op.batch_alter_table('charge_lines', schema=None) as batch_op:
        batch_op.drop_column('priced_at')

    with op.batch_alter_table('catalog_prices', schema=None) as batch_op:
        batch_op.drop_index('ix_catalog_prices_item_from')

    op.drop_table('catalog_prices')
