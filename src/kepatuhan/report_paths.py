"""Where a report's files go below the reports folder: its page per language and its one CSV.

Addresses are stable (entity/17.02/2024, province/17/2024, national/2024; en/… in English) and made of
codes alone; a path that would land outside the reports folder (`..`, a symlink) is refused.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DataError, Problem
from .guards import resolved
from .messages import LANGS, lang_root


def report_path(kind: str, code: str, year: int, lang: str) -> str:
    """The stable slug of a report: entity/17.02/2024, province/17/2024, national/2024 (en/… in English)."""
    tail = f"national/{year}" if kind == "national" else f"{kind}/{code}/{year}"
    return lang_root(lang) + tail


def csv_path(kind: str, code: str, year: int) -> str:
    """Where a report's CSV goes, below the reports folder: once for both languages (entity/17.02/2024.csv),
    since its rows are the same selection in either; the English page links the one file."""
    return report_path(kind, code, year, LANGS[0]) + ".csv"


def inside(out: Path, name: str) -> Path:
    """`out / name`, refused when it would land outside `out` (a `..` or a symlink in a code from the data)."""
    target = out / name
    if not resolved(target).is_relative_to(resolved(out)):
        raise DataError([Problem(str(out), None, "", f"report {name.rsplit('.', 1)[0]!r} would be written "
                                                     "outside the reports folder; refusing")])
    return target


def output_path(out: Path, slug: str) -> Path:
    """Where a report's page goes in the reports folder `out`."""
    return inside(out, f"{slug}.html")


def report_files(out: Path, task) -> tuple[Path, Path]:
    """(page, CSV) of a `build.Task` in the reports folder `out`: what must be on disk for it to count as built."""
    return output_path(out, task.slug), inside(out, csv_path(*task.subject))
