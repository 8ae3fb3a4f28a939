"""The Ombudsman's grading bands, by assessment year, read from data/reference/grading_schemes.csv.

The bands are reference data, not code: a new assessment year is a new block of rows in that table.
Scores are published with two decimals and the bands are closed intervals on two decimals, so every
comparison happens on whole hundredths: 80.99 is kuning in 2021 and 81.00 is hijau.
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
from typing import NamedTuple

from . import paths
from .errors import DataError, GradingError, Problem
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


@dataclass(frozen=True)
class Grade:
    score: float
    year: int
    zone: str
    category: str | None
    opinion: str | None
    inferred: bool
    scheme: str
    service_quality: str | None = None

    def __str__(self) -> str:
        parts = [f"{self.score:.2f} ({self.year}): zona {self.zone}"]
        if self.category:
            parts.append(f"kategori {self.category}")
        if self.opinion:
            parts.append(self.opinion)
        text = ", ".join(parts)
        return f"{text} [inferred]" if self.inferred else text


class LabelIssue(NamedTuple):
    column: str
    message: str
    warning: bool = False  # a published label against an inferred band: reported, not refused


# -- the reference table ---------------------------------------------------------------------------

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


def __getattr__(name: str):
    # Module constants of earlier versions, now read from the reference table on first use.
    if name == "ASSESSED_YEARS":
        return default_schemes().years
    if name == "INFERRED_YEARS":
        return default_schemes().inferred_years
    if name == "SCHEMES":
        return default_schemes().schemes
    if name == "ZONE_OF_CATEGORY":
        return {b.category: b.zone for s in default_schemes().schemes for bs in s.band_sets for b in bs.bands
                if b.category}
    if name == "OPINIONS":
        return {b.category: b.opinion for s in default_schemes().schemes for bs in s.band_sets for b in bs.bands
                if b.category and b.opinion}
    raise AttributeError(name)


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


def _spans(years: tuple[int, ...]) -> str:
    """2015, 2016, 2017, 2019 → '2015–2017, 2019'."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(_span(tuple(run)) for run in runs)


# -- grading ---------------------------------------------------------------------------------------

def scheme_for(year: int, schemes: Schemes | None = None) -> Scheme:
    """The scheme of an assessment year; a GradingError (a ValueError) for a year without an assessment or bands."""
    year, schemes = _check_year(year, schemes)
    return next(s for s in schemes.schemes if year in s.years)


def bands_for(year: int, schemes: Schemes | None = None) -> BandSet:
    """The bands that grade `year` (and whether they were published or inferred)."""
    year, schemes = _check_year(year, schemes)
    return next(b for s in schemes.schemes for b in s.band_sets if year in b.years)


def same_scheme(year_a: int, year_b: int) -> bool:
    return scheme_for(year_a) is scheme_for(year_b)


def is_inferred(year: int) -> bool:
    return bands_for(year).inferred


def classify(score: float, year: int, schemes: Schemes | None = None) -> Grade:
    """Grade a published score with the bands of its assessment year."""
    scheme = scheme_for(year, schemes)
    band_set = bands_for(year, schemes)
    cents = _cents(score)
    band = next(b for b in band_set.bands if _cents(b.lower) <= cents <= _cents(b.upper))
    return Grade(score=float(score), year=int(year), zone=band.zone, category=band.category,
                 opinion=band.opinion, inferred=band_set.inferred, scheme=scheme.name,
                 service_quality=band.service_quality)


def band_of_label(year: int, column: str, value: str) -> Band | None:
    """The band of `year` whose category / opinion / service-quality label is `value`, if any."""
    return next((b for b in bands_for(year).bands if getattr(b, column) == value), None)


def label_band(year: int, category: str | None = None, opinion: str | None = None,
               service_quality: str | None = None) -> Band | None:
    """The band a published category, opini level or service-quality word names in `year` (first found)."""
    for column, value in (("category", category), ("opinion", opinion), ("service_quality", service_quality)):
        band = band_of_label(year, column, value) if value else None
        if band:
            return band
    return None


def label_zone(year: int, category: str | None = None, opinion: str | None = None,
               service_quality: str | None = None) -> str | None:
    """The zone a published category, opini level or service-quality word stands for in `year`."""
    band = label_band(year, category, opinion, service_quality)
    return band.zone if band else None


LABEL_COLUMNS = ("zone", "category", "opinion", "service_quality")
_SHOWN = {"zone": "zone", "category": "category", "opinion": "opini", "service_quality": "kualitas pelayanan"}


def label_disagreement(score: float, year: int, zone: str | None, category: str | None,
                       opinion: str | None = None, service_quality: str | None = None) -> str | None:
    """Say how published labels contradict the band of their score, or None when they fit."""
    grade = classify(score, year)
    published = {"zone": zone, "category": category, "opinion": opinion, "service_quality": service_quality}
    problems = [f"{_SHOWN[c]} {v!r}" for c, v in published.items() if v and v != getattr(grade, c)]
    if not problems:
        return None
    expected = f"zona {grade.zone}" + (f", kategori {grade.category}" if grade.category else "")
    if grade.opinion and not grade.category:
        expected += f", {grade.opinion}"
    return f"published {' and '.join(problems)} contradicts {score:.2f} in {year} ({expected})"


def label_problems(score: float | None, year: int, zone: str | None, category: str | None,
                   opinion: str | None = None, service_quality: str | None = None,
                   flag: str | None = None) -> list[LabelIssue]:
    """Every way published labels break the rules of their year's scheme.

    A label must exist in the scheme of its year (categories A–E only where the scheme has them);
    labels must agree with each other; and they must fit the band of the score. Against an
    inferred band (2015–2019, 2025) a misfit is a warning: the published label is kept.
    """
    schemes = default_schemes()
    band_set = bands_for(year)
    issues: list[LabelIssue] = []
    published = {"category": category, "opinion": opinion, "service_quality": service_quality}
    for column, value in published.items():
        if value and not band_set.has(column):
            issues.append(LabelIssue(column, f"{_NAMES[column]} exist only in "
                                             f"{_spans(schemes.years_with(column))}, not in {year}"))
            published[column] = None
        elif value and band_of_label(year, column, value) is None:
            known = ", ".join(getattr(b, column) for b in band_set.bands if getattr(b, column))
            issues.append(LabelIssue(column, f"{value!r} is not one of the {_SHOWN[column]} labels of "
                                             f"{year} ({known})"))
            published[column] = None
    if flag and not band_set.flag:
        years = tuple(y for s in schemes.schemes for b in s.band_sets if b.flag for y in b.years)
        issues.append(LabelIssue("maladministrasi", f"the Tanpa Maladministrasi flag exists only in "
                                                    f"{_spans(years)}, not in {year}"))
    if issues:
        return issues
    # Labels against each other: each names a band; all must name the same band (zone: its zone).
    named = [(c, v, band_of_label(year, c, v)) for c, v in published.items() if v]
    for (c1, v1, b1), (c2, v2, b2) in zip(named, named[1:], strict=False):
        if b1 != b2:
            return [LabelIssue(c2, f"{_SHOWN[c2]} {v2!r} does not go with {_SHOWN[c1]} {v1!r}")]
    if zone and named and named[0][2].zone != zone:
        c, v, _ = named[0]
        return [LabelIssue("zone", f"zone {zone!r} does not go with {_SHOWN[c]} {v!r}")]
    if score is None:
        return []
    disagreement = label_disagreement(score, year, zone, *published.values())
    if not disagreement:
        return []
    column = next(c for c in ("category", "opinion", "service_quality", "zone")
                  if f"{_SHOWN[c]} " in disagreement.split(" contradicts ")[0])
    if band_set.inferred:
        return [LabelIssue(column, f"{disagreement}: the {year} bands are inferred, the published "
                                   "label is kept", warning=True)]
    return [LabelIssue(column, disagreement)]


_NAMES = {"category": "categories A–E", "opinion": "opini labels", "service_quality": "kualitas pelayanan labels"}


def _check_year(year: int, schemes: Schemes | None) -> tuple[int, Schemes]:
    try:
        whole = int(year)
    except (TypeError, ValueError):
        raise GradingError(f"year must be a whole number, got {year!r}") from None
    if isinstance(year, (bool, str)) or whole != year:
        raise GradingError(f"year must be a whole number, got {year!r}")
    schemes = schemes if schemes is not None else default_schemes()
    if whole in schemes.years:
        return whole, schemes
    if whole in NO_ASSESSMENT:
        raise GradingError(NO_ASSESSMENT[whole])
    raise GradingError(f"{whole} is not an assessment year with a grading scheme "
                     f"({SCHEMES_FILE} covers {_spans(schemes.years)})")


def _cents(score: float) -> int:
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise GradingError(f"score must be a number, got {score!r}") from None
    if value != value or not 0.0 <= value <= 100.0:
        raise GradingError(f"score must be between 0 and 100, got {score!r}")
    return round(value * 100)
