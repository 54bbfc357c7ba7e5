"""Baseline: the question log as release 5715e69 made it with create_all (its store_db.py).

A database from that release has exactly these tables; `schema.upgrade_schema` stamps it at this
revision instead of running it.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("session_id", sa.Text),
        sa.Column("client", sa.String(64)),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("standalone_question", sa.Text),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("abstained", sa.Boolean, nullable=False),
        sa.Column("safety_notice", sa.Text),
        sa.Column("citations", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("fallback_reason", sa.Text),
        sa.Column("latency_ms", sa.Float),
        sa.Column("prompt_tokens", sa.Integer, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False),
        sa.Column("cost_usd", sa.Float, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("record_id", sa.String(32), nullable=False, index=True),
        sa.Column("liked", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("questions")
