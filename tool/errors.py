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
