"""Exit codes and the one error type the CLI turns into a one-line message."""

from __future__ import annotations

import enum


class Exit(enum.IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    NOT_FOUND = 3
    NOT_ALLOWED = 4
    DENIED = 5
    """The server refused the token (401) or its role may not do that (403)."""


class CliError(Exception):
    """A user-facing failure: printed as one line on stderr, exit with `code`."""

    def __init__(self, message: str, code: Exit = Exit.FAILURE) -> None:
        super().__init__(message)
        self.code = code
