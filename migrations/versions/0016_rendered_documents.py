"""each order's pull document, rendered once when the order changes

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'work_order_documents',
        sa.Column('work_order_id', sa.String(length=36), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id'], ),
        sa.PrimaryKeyConstraint('work_order_id'),
    )
    # The backfill renders with the application's own code (the document is defined there
    # and nowhere else); an order it misses is still rendered at pull time.
    from server.services.order_documents import backfill

    backfill(op.get_bind())


def downgrade():
    op.drop_table('work_order_documents')
