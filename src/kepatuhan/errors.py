"""Problems found in input files, reported one line each as `file:row: column: what is wrong`."""

from __future__ import annotations

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


class DataError(Exception):
    """Raised with every problem found, so a user fixes them all in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.row or 0, p.column, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))
