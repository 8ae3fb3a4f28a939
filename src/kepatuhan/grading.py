"""The Ombudsman's grading bands, by assessment year, read from data/reference/grading_schemes.csv.

The bands are reference data, not code: a new assessment year is a new block of rows in that table.
Scores are published with two decimals and the bands are closed intervals on two decimals, so every
comparison happens on whole hundredths: 80.99 is kuning in 2021 and 81.00 is hijau.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .errors import GradingError
from .schemes import (
    BASES,
    CATEGORIES,
    FLAGS,
    NO_ASSESSMENT,
    SCHEME_COLUMNS,
    SCHEMES_FILE,
    ZONES,
    Band,
    BandSet,
    Scheme,
    Schemes,
    default_schemes,
    read_schemes,
    scheme_problems,
    schemes_path,
    spans,
    using,
)

__all__ = ["BASES", "CATEGORIES", "FLAGS", "NO_ASSESSMENT", "SCHEMES_FILE", "SCHEME_COLUMNS", "ZONES", "Band",
           "BandSet", "Grade", "LabelIssue", "Scheme", "Schemes", "bands_for", "classify", "default_schemes",
           "read_schemes", "same_scheme", "scheme_for", "scheme_problems", "schemes_path", "using"]


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
                                             f"{spans(schemes.years_with(column))}, not in {year}"))
            published[column] = None
        elif value and band_of_label(year, column, value) is None:
            known = ", ".join(getattr(b, column) for b in band_set.bands if getattr(b, column))
            issues.append(LabelIssue(column, f"{value!r} is not one of the {_SHOWN[column]} labels of "
                                             f"{year} ({known})"))
            published[column] = None
    if flag and not band_set.flag:
        years = tuple(y for s in schemes.schemes for b in s.band_sets if b.flag for y in b.years)
        issues.append(LabelIssue("maladministrasi", f"the Tanpa Maladministrasi flag exists only in "
                                                    f"{spans(years)}, not in {year}"))
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
                     f"({SCHEMES_FILE} covers {spans(schemes.years)})")


def _cents(score: float) -> int:
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise GradingError(f"score must be a number, got {score!r}") from None
    if value != value or not 0.0 <= value <= 100.0:
        raise GradingError(f"score must be between 0 and 100, got {score!r}")
    return round(value * 100)
