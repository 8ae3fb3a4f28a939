"""The Ombudsman's grading bands, by assessment year.

Scores are published with two decimals and the bands are closed intervals on two decimals, so every
comparison happens on whole hundredths: 80.99 is kuning in 2021 and 81.00 is hijau.
"""

from __future__ import annotations

from dataclasses import dataclass

ZONES = ("hijau", "kuning", "merah")
CATEGORIES = ("A", "B", "C", "D", "E")
OPINIONS = {
    "A": "Kualitas Tertinggi",
    "B": "Kualitas Tinggi",
    "C": "Kualitas Sedang",
    "D": "Kualitas Rendah",
    "E": "Kualitas Terendah",
}
ZONE_OF_CATEGORY = {"A": "hijau", "B": "hijau", "C": "kuning", "D": "merah", "E": "merah"}

#: Years in which the Ombudsman ran the compliance assessment (2020 was skipped for the pandemic).
ASSESSED_YEARS = (2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023, 2024)
#: Years whose zone bands were never published: computed zones there are only an inference.
INFERRED_YEARS = (2015, 2016, 2017, 2018, 2019)


@dataclass(frozen=True)
class Band:
    lower: float  # inclusive, two decimals
    upper: float  # inclusive, two decimals
    zone: str
    category: str | None


@dataclass(frozen=True)
class Scheme:
    """One grading scheme: a trend may only be fitted within one scheme."""

    name: str
    years: tuple[int, ...]
    bands: tuple[Band, ...]  # from the highest band down


THREE_ZONES = Scheme(
    name="zona (2015–2021)",
    years=(2015, 2016, 2017, 2018, 2019, 2021),
    bands=(
        Band(81.00, 100.00, "hijau", None),
        Band(51.00, 80.99, "kuning", None),
        Band(0.00, 50.99, "merah", None),
    ),
)
FIVE_CATEGORIES = Scheme(
    name="kategori A–E (2022–2024)",
    years=(2022, 2023, 2024),
    bands=(
        Band(88.00, 100.00, "hijau", "A"),
        Band(78.00, 87.99, "hijau", "B"),
        Band(54.00, 77.99, "kuning", "C"),
        Band(32.00, 53.99, "merah", "D"),
        Band(0.00, 31.99, "merah", "E"),
    ),
)
SCHEMES = (THREE_ZONES, FIVE_CATEGORIES)


@dataclass(frozen=True)
class Grade:
    score: float
    year: int
    zone: str
    category: str | None
    opinion: str | None
    inferred: bool
    scheme: str

    def __str__(self) -> str:
        parts = [f"{self.score:.2f} ({self.year}): zona {self.zone}"]
        if self.category:
            parts.append(f"kategori {self.category}")
        if self.opinion:
            parts.append(self.opinion)
        text = ", ".join(parts)
        return f"{text} [inferred]" if self.inferred else text


def scheme_for(year: int) -> Scheme:
    """The scheme of an assessment year; a ValueError for a year without an assessment or bands."""
    year = _check_year(year)
    for scheme in SCHEMES:
        if year in scheme.years:
            return scheme
    raise AssertionError(f"no scheme for {year}")  # unreachable: ASSESSED_YEARS covers SCHEMES


def same_scheme(year_a: int, year_b: int) -> bool:
    return scheme_for(year_a) is scheme_for(year_b)


def classify(score: float, year: int) -> Grade:
    """Grade a published score with the bands of its assessment year."""
    scheme = scheme_for(year)
    cents = _cents(score)
    for band in scheme.bands:
        if _cents(band.lower) <= cents <= _cents(band.upper):
            return Grade(
                score=float(score),
                year=int(year),
                zone=band.zone,
                category=band.category,
                opinion=OPINIONS.get(band.category) if band.category else None,
                inferred=int(year) in INFERRED_YEARS,
                scheme=scheme.name,
            )
    raise AssertionError(f"bands of {scheme.name} leave {score} uncovered")  # unreachable


def label_disagreement(score: float, year: int, zone: str | None, category: str | None) -> str | None:
    """Say how a published zone/category contradicts the band of its score, or None when it fits."""
    grade = classify(score, year)
    problems = []
    if zone and zone != grade.zone:
        problems.append(f"zone {zone!r}")
    if category and category != grade.category:
        problems.append(f"category {category!r}")
    if not problems:
        return None
    expected = f"zona {grade.zone}" + (f", kategori {grade.category}" if grade.category else "")
    return f"published {' and '.join(problems)} contradicts {score:.2f} in {year} ({expected})"


def label_problems(score: float, year: int, zone: str | None, category: str | None) -> list[tuple[str, str]]:
    """(column, message) for every way published labels break the rules of their year.

    Categories exist only from 2022; a zone must go with its category; and, in years with known
    bands, the labels must fit the band of the score. Labels of 2015–2019 are not checked against
    bands, which were never published for those years.
    """
    problems = []
    if category and year < 2022:
        problems.append(("category", f"categories A–E exist only from 2022, not in {year}"))
        category = None
    if category and zone and ZONE_OF_CATEGORY[category] != zone:
        problems.append(("zone", f"zone {zone!r} does not go with category {category!r}"))
        return problems
    if year in INFERRED_YEARS:
        return problems
    disagreement = label_disagreement(score, year, zone, category)
    if disagreement:
        problems.append(("category" if category and "category" in disagreement else "zone", disagreement))
    return problems


def _check_year(year: int) -> int:
    try:
        whole = int(year)
    except (TypeError, ValueError):
        raise ValueError(f"year must be a whole number, got {year!r}") from None
    if isinstance(year, (bool, str)) or whole != year:
        raise ValueError(f"year must be a whole number, got {year!r}")
    year = whole
    if year == 2020:
        raise ValueError("2020 had no assessment (postponed for the pandemic)")
    if year >= 2025:
        raise ValueError(
            f"{year} uses the new Opini Ombudsman instrument whose bands are not published; "
            "only 2015–2019 and 2021–2024 can be graded"
        )
    if year not in ASSESSED_YEARS:
        raise ValueError(
            f"{year} is not an assessment year with known bands (2015–2019, 2021–2024)"
        )
    return year


def _cents(score: float) -> int:
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise ValueError(f"score must be a number, got {score!r}") from None
    if value != value or not 0.0 <= value <= 100.0:
        raise ValueError(f"score must be between 0 and 100, got {score!r}")
    return round(value * 100)
