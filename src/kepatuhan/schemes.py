"""The grading scheme table (data/reference/grading_schemes.csv): its rows read and checked, and the
schemes in force. Bands, labels and their basis are reference data, not code: a new assessment year
is a new block of rows in that table; `grading` grades scores with what is read here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import paths
from .errors import DataError, Problem
from .parsing import URL_PATTERN

ZONES = ("hijau", "kuning", "merah")
CATEGORIES = ("A", "B", "C", "D", "E")
BASES = ("published", "inferred")
#: Values of the separate "Tanpa Maladministrasi" flag as raw files store it (never derived).
FLAGS = ("tanpa_maladministrasi", "without_qualifier", "not_stated", "uncertain")
SCHEMES_FILE = "grading_schemes.csv"
SCHEME_COLUMNS = ("scheme", "years", "lower", "upper", "zone", "category", "opinion", "service_quality",
                  "flag", "basis", "source_url")
#: The one year without an assessment, said plainly rather than as "no scheme".
NO_ASSESSMENT = {2020: "2020 had no assessment (postponed for the pandemic)"}


@dataclass(frozen=True)
class Band:
    lower: float  # inclusive, two decimals
    upper: float  # inclusive, two decimals
    zone: str
    category: str | None
    opinion: str | None = None
    service_quality: str | None = None


@dataclass(frozen=True)
class BandSet:
    """The bands of some years of one scheme, with how they are known (published or inferred)."""

    years: tuple[int, ...]
    bands: tuple[Band, ...]  # from the highest band down
    basis: str
    flag: str | None  # the separate published flag of this instrument ("Tanpa Maladministrasi")

    @property
    def inferred(self) -> bool:
        return self.basis == "inferred"

    def has(self, label: str) -> bool:
        """Whether this instrument publishes `label` (category, opinion, service_quality)."""
        return any(getattr(band, label) for band in self.bands)


@dataclass(frozen=True)
class Scheme:
    """One grading scheme: a trend or a change may only be read within one scheme."""

    name: str
    band_sets: tuple[BandSet, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(y for s in self.band_sets for y in s.years))

    @property
    def bands(self) -> tuple[Band, ...]:
        """The bands of the scheme's latest years."""
        return max(self.band_sets, key=lambda s: max(s.years)).bands


@dataclass(frozen=True)
class Schemes:
    """Every scheme of the reference table, oldest first."""

    schemes: tuple[Scheme, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(y for s in self.schemes for y in s.years))

    @property
    def inferred_years(self) -> tuple[int, ...]:
        return self._years(lambda band_set: band_set.inferred)

    def years_with(self, label: str) -> tuple[int, ...]:
        return self._years(lambda band_set: band_set.has(label))

    def _years(self, chosen) -> tuple[int, ...]:
        return tuple(sorted(y for s in self.schemes for b in s.band_sets if chosen(b) for y in b.years))


def schemes_path(data_dir: Path | str | None = None) -> Path:
    return paths.reference_dir(data_dir) / SCHEMES_FILE


def read_schemes(path: Path | str | None = None) -> Schemes:
    """The schemes of a reference table; DataError with one line per fault of the table."""
    path = Path(path) if path is not None else schemes_path()
    label = paths.display_path(path)
    if not path.is_file():
        raise DataError([Problem(label, None, "", "reference file missing")])
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    schemes, problems = _parse_schemes(rows, label)
    if problems:
        raise DataError(problems)
    return schemes


def scheme_problems(path: Path | str) -> list[Problem]:
    """Every fault of a scheme table, one Problem each (empty when the table is sound)."""
    try:
        read_schemes(path)
    except DataError as exc:
        return exc.problems
    return []


@cache
def _project_schemes() -> Schemes:
    return read_schemes(schemes_path())


_ACTIVE: list[Schemes] = []  # set by `using` while another data folder's table is in force


def default_schemes() -> Schemes:
    """The schemes in force: a data folder's table inside `using`, else the project's."""
    return _ACTIVE[-1] if _ACTIVE else _project_schemes()


@contextmanager
def using(schemes: Schemes) -> Iterator[Schemes]:
    """Grade with `schemes` inside the block (a data folder given with --data carries its own table)."""
    _ACTIVE.append(schemes)
    try:
        yield schemes
    finally:
        _ACTIVE.pop()


def _parse_schemes(rows: list[list[str]], label: str) -> tuple[Schemes, list[Problem]]:
    problems: list[Problem] = []

    def problem(line, column, message):
        problems.append(Problem(label, line, column, message))

    if not rows:
        problem(None, "", "file is empty (expected a header row)")
        return Schemes(()), problems
    header = [h.strip() for h in rows[0]]
    missing = [c for c in SCHEME_COLUMNS if c not in header]
    if missing:
        problem(1, "header", f"missing column {', '.join(map(repr, missing))}")
        return Schemes(()), problems
    groups: dict[tuple[str, tuple[int, ...]], list[tuple[int, dict]]] = {}
    for line, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problem(line, "", f"row has {len(cells)} fields, expected {len(header)}")
            continue
        row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        years = _years(row["years"])
        if years is None:
            problem(line, "years", f"{row['years']!r} is not a year or a range of years (2022-2024)")
        bounds = []
        for column in ("lower", "upper"):
            try:
                value = float(row[column])
                if not 0 <= value <= 100:
                    raise ValueError
                bounds.append(value)
            except ValueError:
                problem(line, column, f"{row[column]!r} is not a score between 0 and 100")
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            problem(line, "lower", f"{bounds[0]:.2f} is above upper {bounds[1]:.2f}")
        if row["zone"] not in ZONES:
            problem(line, "zone", f"{row['zone']!r} is not a zone (hijau, kuning, merah)")
        if row["category"] and row["category"] not in CATEGORIES:
            problem(line, "category", f"{row['category']!r} must be one of A–E or blank")
        if row["basis"] not in BASES:
            problem(line, "basis", f"{row['basis']!r} must be published or inferred")
        if not re.match(URL_PATTERN, row["source_url"]):
            problem(line, "source_url", f"{row['source_url']!r} must be an http(s) address")
        if not row["scheme"]:
            problem(line, "scheme", "must not be blank")
        if years is not None:
            sound = len(bounds) == 2 and bounds[0] <= bounds[1]
            groups.setdefault((row["scheme"], years), []).append((line, row | {"bounds": bounds if sound else None}))
    owner: dict[int, tuple[int, str]] = {}
    schemes: dict[str, list[BandSet]] = {}
    for (name, years), members in groups.items():
        first_line = members[0][0]
        for year in years:
            if year in owner and owner[year][1] != (name, years):
                problem(first_line, "years", f"{year} is already graded by line {owner[year][0]}")
            owner.setdefault(year, (first_line, (name, years)))
        if any(r["bounds"] is None for _, r in members):
            continue  # a broken band is reported above; its coverage cannot be judged
        ordered = sorted(members, key=lambda m: m[1]["bounds"][0])
        cents = [(round(r["bounds"][0] * 100), round(r["bounds"][1] * 100), line) for line, r in ordered]
        if cents[0][0] != 0:
            problem(cents[0][2], "lower",
                    f"bands of {name} {_span(years)} leave 0.00–{cents[0][0] / 100 - 0.01:.2f} uncovered")
        if cents[-1][1] != 10000:
            problem(cents[-1][2], "upper",
                    f"bands of {name} {_span(years)} leave {cents[-1][1] / 100 + 0.01:.2f}–100.00 uncovered")
        for (_, upper, _), (lower, _, line) in zip(cents, cents[1:], strict=False):
            if lower <= upper:
                problem(line, "lower", f"{lower / 100:.2f} overlaps the band ending at {upper / 100:.2f}")
            elif lower > upper + 1:
                problem(line, "lower", f"gap between {upper / 100:.2f} and {lower / 100:.2f}")
        bands = tuple(
            Band(r["bounds"][0], r["bounds"][1], r["zone"], r["category"] or None, r["opinion"] or None,
                 r["service_quality"] or None)
            for _, r in reversed(ordered)
        )
        basis = "inferred" if any(r["basis"] == "inferred" for _, r in members) else "published"
        flag = next((r["flag"] for _, r in members if r["flag"]), None)
        schemes.setdefault(name, []).append(BandSet(years, bands, basis, flag))
    result = Schemes(tuple(
        Scheme(name, tuple(sorted(sets, key=lambda s: s.years)))
        for name, sets in sorted(schemes.items(), key=lambda item: min(min(s.years) for s in item[1]))
    ))
    return result, problems


def _years(text: str) -> tuple[int, ...] | None:
    found = re.fullmatch(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?", text)
    if not found:
        return None
    first, last = int(found[1]), int(found[2] or found[1])
    return tuple(range(first, last + 1)) if first <= last else None


def _span(years: tuple[int, ...]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def spans(years: tuple[int, ...]) -> str:
    """2015, 2016, 2017, 2019 → '2015–2017, 2019'."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(_span(tuple(run)) for run in runs)
