"""Errors a user can cause, with messages written for people. Front ends catch these and show them."""


class AssistantError(Exception):
    """Base class: `str(error)` is a message fit to show a reader or an operator as it is.
    `input_error` marks what the caller fixes by changing their input (CLI exit code 2)."""

    input_error = False


class InvalidQuestion(AssistantError):
    """The question cannot be answered as asked (empty, too long, not text)."""

    input_error = True


class InvalidHistory(AssistantError):
    """The chat history given with a question is malformed."""

    input_error = True


class ConfigError(AssistantError):
    """A setting is missing or has a value that cannot work."""


class CorpusError(AssistantError):
    """The corpus cannot be used at all (no readable documents)."""
