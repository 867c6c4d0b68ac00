"""Error types shared by every stage; the CLI and the API turn them into one message shape."""

from __future__ import annotations


class PeerscopeError(Exception):
    """Base of every error Peerscope raises on purpose.

    ``code`` is a short machine-readable name; the message names the input and the fault.
    """

    code = "error"
    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(PeerscopeError):
    code = "config_error"
    exit_code = 2


class InputError(PeerscopeError):
    """An input file, record or parameter is malformed."""

    code = "invalid_input"
    exit_code = 3


class NotFound(PeerscopeError):
    code = "not_found"
    exit_code = 4


class StoreError(PeerscopeError):
    code = "store_error"
    exit_code = 5


class SourceError(PeerscopeError):
    """A source answered with something other than what its API promises (an error status, an
    HTML page where JSON was expected, an OAI-PMH error), or could not be reached."""

    code = "source_error"
    exit_code = 6

    def __init__(self, message: str, *, status: int | None = None, retriable: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retriable = retriable
