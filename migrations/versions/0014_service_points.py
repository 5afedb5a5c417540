"""service points with OpenStreetMap opening hours

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa

import server.models.types


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_points',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('opening_hours', sa.String(length=255), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', server.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.create_index('ix_service_points_lat_lon', ['lat', 'lon'], unique=False)


def downgrade():
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.drop_index('ix_service_points_lat_lon')

    op.drop_table('service_points')
