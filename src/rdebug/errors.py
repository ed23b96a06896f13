"""Errors that reach the user as one clear line and a distinct exit code."""

from __future__ import annotations


class ExitCode:
    """Process exit codes shared by every command."""

    OK = 0
    FAILED = 1  # e.g. no verified patch found
    USAGE = 2  # bad input, bad usage, bad configuration
    MODEL = 3  # model / runtime error
    NO_PROBLEM_FORMAT = 4  # input could not be understood as a failure (unknown trace format, empty stdin)
    COMMAND = 5  # the test command could not run (missing, timed out)
    INTERRUPTED = 130


class RdebugError(Exception):
    """A failure with a message meant for the user (one line) and an exit code."""

    exit_code: int = ExitCode.USAGE

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(RdebugError):
    exit_code = ExitCode.USAGE


class ConfigError(RdebugError):
    exit_code = ExitCode.USAGE


class IntakeError(RdebugError):
    exit_code = ExitCode.NO_PROBLEM_FORMAT


class CommandError(RdebugError):
    exit_code = ExitCode.COMMAND


class ModelError(RdebugError):
    exit_code = ExitCode.MODEL


class PatchError(RdebugError):
    exit_code = ExitCode.FAILED
