"""knowledge base: articles, their use on orders, and each backend's full-text index

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-04 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kb_articles',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('tags', sa.JSON(), nullable=False),
        sa.Column('product_models', sa.JSON(), nullable=False),
        sa.Column('fault_codes', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.String(length=36), nullable=True),
        sa.Column('updated_by', sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['users.id']),
        sa.ForeignKeyConstraint(['updated_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_kb_articles_created', 'kb_articles', ['created_at', 'id'], unique=False)
    op.create_table(
        'kb_usages',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  autoincrement=True, nullable=False),
        sa.Column('work_order_id', sa.String(length=36), nullable=False),
        sa.Column('article_id', sa.String(length=36), nullable=False),
        sa.Column('article_version', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.String(length=36), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['article_id'], ['kb_articles.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['work_order_id'], ['work_orders.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('work_order_id', 'article_id', name='uq_kb_usages_order_article'),
    )
    op.create_index(op.f('ix_kb_usages_article_id'), 'kb_usages', ['article_id'], unique=False)
    # The search index is each backend's own kind of table (see server/services/kb_search.py);
    # it holds the terms of sync/kb_text.py, computed by the application on every write.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("CREATE TABLE kb_search (article_id varchar(36) PRIMARY KEY "
                   "REFERENCES kb_articles (id), language varchar(8) NOT NULL, "
                   "vector tsvector NOT NULL)")
        op.execute("CREATE INDEX kb_search_vector ON kb_search USING gin (vector)")
    else:
        # FTS5 rows are found by rowid; kb_search_rows gives each article a stable one.
        op.execute("CREATE TABLE kb_search_rows (id INTEGER PRIMARY KEY, "
                   "article_id varchar(36) NOT NULL UNIQUE REFERENCES kb_articles (id))")
        op.execute("CREATE VIRTUAL TABLE kb_search USING fts5(language UNINDEXED, "
                   "title, body, keys, tokenize = 'unicode61 remove_diacritics 2')")


def downgrade():
    op.execute("DROP TABLE kb_search")
    op.execute("DROP TABLE IF EXISTS kb_search_rows")
    op.drop_index(op.f('ix_kb_usages_article_id'), table_name='kb_usages')
    op.drop_table('kb_usages')
    op.drop_index('ix_kb_articles_created', table_name='kb_articles')
    op.drop_table('kb_articles')
