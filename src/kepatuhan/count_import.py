"""Published counts ("19 provinsi zona hijau", "25 kementerian dinilai") → a new aggregate raw file.

A count list has a measure and a count column instead of entity names. Each row is checked the
way `validate` checks data/raw/national_aggregates.csv (year with known bands, a province given by
name or code or blank for national, a known entity type and measure), so what the importer writes
is a valid raw file; a row it cannot take is reported with the reason, never left out silently.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import grading
from .errors import DataError, Problem
from .io import COLUMNS
from .names import NameIndex, NameNotFound
from .parsing import URL_PATTERN, parse_category, parse_number, parse_zone
from .paths import display_path
from .validation import AGGREGATE_TYPES, MEASURES

HEADER_WORDS = {
    "year": ("tahun", "year"),
    "scope": ("scope_code", "provinsi", "province", "wilayah", "scope"),
    "type": ("entity_type", "jenis", "jenis instansi", "type"),
    "measure": ("measure", "ukuran", "predikat"),
    "count": ("count", "jumlah", "banyaknya"),
    "percent": ("percent", "persen", "persentase", "%"),
    "source_url": ("source_url", "sumber", "source"),
}
#: How counts name the measures that are not a zone or a category.
MEASURE_WORDS = {"assessed": "assessed", "dinilai": "assessed", "sampled": "sampled", "sampel": "sampled",
                 "mean_score": "mean_score", "rata-rata": "mean_score", "mean score": "mean_score"}
OUTPUT_COLUMNS = ("source_row", *COLUMNS["aggregate"])


def is_count_list(header: list[str]) -> bool:
    """A header with a measure and a count column (and no entity name) is a list of published counts."""
    found = _positions(header)
    return "measure" in found and "count" in found


def import_counts(
    header: list[str], rows: list[tuple[int, list[str]]], path: Path, names: NameIndex,
    source_url: str | None = None,
) -> tuple[list[dict], list[Problem]]:
    """Raw aggregate rows and the problems of the rows that could not be taken.

    Parameters
    ----------
    header, rows
        The table as `importer.read_published` returns it (cells stripped, line numbers of the file).
    path
        The input, for messages.
    names
        The name index: a province may be given by name, abbreviation or code.
    source_url
        The address of every row when the list has no source column.

    Returns
    -------
    tuple of (list of dict, list of Problem)
        Rows in the columns of data/raw/national_aggregates.csv plus `source_row`, and one problem per
        refused cell (file, line, column, why).
    """
    label = display_path(path)
    where = _positions(header)
    for needed in ("year", "type"):
        if needed not in where:
            raise DataError([Problem(label, 1, "header", f"a count list needs a {needed} column "
                                     f"({', '.join(HEADER_WORDS[needed][:3])})")])
    if "source_url" not in where and not source_url:
        raise DataError([Problem(label, 1, "header", "no source_url column: give --source-url")])
    out, problems = [], []
    for line, cells in rows:
        def cell(name: str, cells=cells) -> str:
            index = where.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        found: list[Problem] = []
        row = _count_row(cell, names, source_url, lambda column, what, line=line, found=found:
                         found.append(Problem(label, line, column, what)))
        problems += found
        if not found:
            out.append({"source_row": line, **row})
    return out, problems


def _count_row(cell, names: NameIndex, source_url: str | None, problem) -> dict:
    year = cell("year")
    try:
        grading.scheme_for(int(year))
    except ValueError as exc:
        problem("year", str(exc) if year.isdigit() else f"{year!r} is not a year")
    scope = cell("scope")
    if scope and scope.casefold() not in ("nasional", "national", "-"):
        try:
            scope = names.province_code(scope)
        except NameNotFound as exc:
            problem("scope_code", str(exc))
    else:
        scope = ""
    entity_type = cell("type").casefold()
    if entity_type not in AGGREGATE_TYPES:
        problem("entity_type", f"{cell('type')!r} is not one of {', '.join(AGGREGATE_TYPES)}")
    measure = _measure(cell("measure"), problem)
    count = cell("count")
    if count and not re.fullmatch(r"\d{1,6}", count):
        problem("count", f"{count!r} is not a whole number")
    elif not count:
        problem("count", "blank: a count list row needs the number of entities it counts"
                + (" (for mean_score: the number of loci the mean is over)" if measure == "mean_score" else ""))
    percent = cell("percent")
    if percent:
        try:
            value = parse_number(percent)
            percent = f"{value:.2f}"
            if value > 100:
                problem("percent", f"{cell('percent')!r} must be between 0 and 100")
        except ValueError as exc:
            problem("percent", str(exc))
    source = cell("source_url") or source_url or ""
    if not re.match(URL_PATTERN, source):
        problem("source_url", f"{source!r} is not an http(s) address")
    return {"year": year, "scope_code": scope, "entity_type": entity_type, "measure": measure,
            "count": count, "percent": percent, "source_url": source}


def _measure(text: str, problem) -> str:
    """assessed, sampled, mean_score, a zone or a category; anything else is refused with what is stored."""
    cleaned = " ".join(text.casefold().split())
    if cleaned in MEASURE_WORDS:
        return MEASURE_WORDS[cleaned]
    try:
        zone = parse_zone(text)
    except ValueError:
        zone = None
    if zone:
        return zone
    if re.fullmatch(r"(?:kategori |category )?[a-e]", cleaned):  # an opini word is not taken as a category
        return parse_category(text)
    problem("measure", f"{text!r} is not a measure the aggregate table stores ({', '.join(MEASURES)}); "
                       "counts of opini levels or service-quality words have no column yet")
    return text


def _positions(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        cleaned = " ".join(title.casefold().replace("_", " ").split())
        for name, words in HEADER_WORDS.items():
            if cleaned in {w.replace("_", " ") for w in words}:
                found.setdefault(name, index)
    return found
