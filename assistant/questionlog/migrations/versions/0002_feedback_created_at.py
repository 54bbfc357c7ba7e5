"""Index feedback by time: the retention purge looks up feedback older than its cutoff, and
without the index it reads the whole table on every open and every day."""

from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_feedback_created_at", table_name="feedback")
