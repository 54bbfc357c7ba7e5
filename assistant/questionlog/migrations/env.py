"""Alembic's entry point: migrate on the connection `assistant.questionlog.schema` passes in."""

from alembic import context

from assistant.questionlog.database import metadata

context.configure(connection=context.config.attributes["connection"], target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
