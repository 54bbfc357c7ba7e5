"""Errors an eval user can cause (a bad case file, thresholds file, baseline or flag): exit code 2."""

from __future__ import annotations

from assistant.errors import AssistantError


class EvalInputError(AssistantError):
    """An input to `assistant eval` / `assistant calibrate` that a person has to fix."""


class CaseFileError(EvalInputError):
    """A case file that cannot be used; the message names the file, the case and the problem."""
