"""timeline events found by action and time

The failed-visit report reads one action's events over a period. Without an index it read every
event of the history (844 ms at 10 million events in bench/simulate.py, 8.5 times its cost at
one million); with (action, at) it reads only the period's rows of that action.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 21:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_timeline_action_at', 'timeline_events', ['action', 'at'])


def downgrade():
    op.drop_index('ix_timeline_action_at', table_name='timeline_events')
