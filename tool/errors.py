"""The errors a user can cause. The CLI prints them as one line and exits 1."""


class ToolError(Exception):
    """Base class for every error caused by input, options or workflow rules."""


class InputError(ToolError):
    """A file or text that cannot be read or parsed."""


class UnknownLanguageError(ToolError):
    """A language code babel does not know."""


class NotFoundError(ToolError):
    """An article, segment, unit or user that does not exist."""


class ConflictError(ToolError):
    """An operation that would overwrite or duplicate existing data."""


class PermissionDenied(ToolError):
    """A user acting outside their role, languages or lease."""


class QAError(ConflictError):
    """A translation with error-severity QA findings, submitted or approved with no reason."""


class ServerError(ToolError):
    """A served desk that failed, refused the token, or answered something unexpected.

    The message names the server; errors the desk's library raised there arrive as the
    ToolError subclass they were (see :mod:`tool.client`).
    """


class ConnectionLost(ServerError):
    """A served desk that could not be reached, or that stopped answering.

    ``maybe_applied`` is True when the request may have reached the desk before the
    connection dropped (a change that may or may not have been made).
    """

    def __init__(self, message: str, *, maybe_applied: bool = False) -> None:
        super().__init__(message)
        self.maybe_applied = maybe_applied
