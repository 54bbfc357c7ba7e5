"""Errors a user can cause, with messages written for people. Front ends catch these and show them."""

# Exit codes of every `assistant` command: done; failed (an error, or gates not met); the caller's
# input or usage was wrong (fix it and run again).
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
