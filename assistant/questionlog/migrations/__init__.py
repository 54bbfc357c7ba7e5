"""Alembic migrations of the question log's tables, run in code by `assistant.questionlog.schema`
(no alembic.ini). A new revision: copy the newest file in versions/, give it the next number as
`revision` and the previous one as `down_revision`, and move `schema.HEAD` to it."""
