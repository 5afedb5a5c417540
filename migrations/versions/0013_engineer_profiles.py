"""engineer profiles (skills, languages, home, service point, latest known position), an
order's required skills, customers' favourite and blocked engineers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skills', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('home_lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('home_lon', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('service_point_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('last_lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('last_lon', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('last_position_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('pos_lat', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('pos_lon', sa.Float(), nullable=True))
        batch_op.create_index('ix_users_position', ['pos_lat', 'pos_lon'], unique=False)

    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('required_skills', sa.JSON(), nullable=True))

    op.create_table(
        'customer_engineer_preferences',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('engineer_id', sa.String(length=36), nullable=False),
        sa.Column('preference', sa.String(length=10), nullable=False),
        sa.Column('work_order_id', sa.String(length=36), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id']),
        sa.ForeignKeyConstraint(['engineer_id'], ['users.id']),
        sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('customer_id', 'engineer_id',
                            name='uq_customer_engineer_preference'),
    )
    op.create_index('ix_preferences_engineer', 'customer_engineer_preferences',
                    ['engineer_id', 'preference'])


def downgrade():
    op.drop_index('ix_preferences_engineer', table_name='customer_engineer_preferences')
    op.drop_table('customer_engineer_preferences')

    with op.batch_alter_table('work_orders', schema=None) as batch_op:
        batch_op.drop_column('required_skills')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_position')
        for column in ('pos_lon', 'pos_lat', 'last_position_at', 'last_lon', 'last_lat',
                       'service_point_id', 'home_lon', 'home_lat', 'languages', 'skills'):
            batch_op.drop_column(column)
