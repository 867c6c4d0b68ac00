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
