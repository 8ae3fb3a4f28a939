"""The one family of errors a user can cause, and the problems found in input files.

Every error a user can cause (bad data, a name that matches nothing, a report parameter, a locked
folder, a bad command line, an interrupt) is a :class:`KepatuhanError`, so ``cli.main`` catches them
once and prints one line each; anything else is a bug and says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None  # 1-based line in the file; None when the whole file is at fault
    column: str
    message: str
    warning: bool = False  # reported but not refused (a published label against an inferred band)

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row is not None else self.file
        return f"{where}: {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class KepatuhanError(Exception):
    """Base of every error a user can cause: a message for a reader, never a traceback.

    ``exit_status`` is what the command line returns for it; ``lines()`` what it prints.
    """

    exit_status = 2

    def lines(self) -> list[str]:
        return [f"kepatuhan: {self}"]


class DataError(KepatuhanError):
    """Raised with every problem found, so a user fixes them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [*(str(p) for p in self.problems), f"{len(self.problems)} problem(s) found."]


class NameNotFound(KepatuhanError, ValueError):
    """No confident match for a name; carries the suggestions so callers can show them."""

    def __init__(self, message: str, suggestions: Iterable = ()):
        super().__init__(message)
        self.suggestions = list(suggestions)


class ReportError(KepatuhanError, ValueError):
    """A parameter or request a report cannot use; the message is one sentence for the reader."""


class GradingError(KepatuhanError, ValueError):
    """A year without an assessment or a grading scheme, or a score outside 0–100."""


class UsageError(KepatuhanError):
    """A command-line or notebook parameter that cannot be used (unknown, misspelt, wrong type)."""


class BuildLocked(DataError):
    """Another build holds the reports folder, or the lock cannot be taken safely."""


class Interrupted(KepatuhanError):
    """Ctrl-C or SIGTERM stopped the work; what was finished is kept."""

    exit_status = 130
