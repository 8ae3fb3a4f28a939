"""Opening a report: check the parameters, load the data, resolve the names; one sentence on a bad one.

Every failure a user can cause is a `ReportError` (a `KepatuhanError`), never a traceback from deeper down.
"""

from __future__ import annotations

from .. import dataset, grading
from ..errors import NameNotFound, ReportError
from ..messages import LANGS
from .comparison import ComparisonReport
from .entity import EntityReport
from .national import NationalReport
from .province import ProvinceReport


def check_parameters(year: int, lang: str, data_dir: str = "") -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise ReportError(f"year must be a whole number such as 2024, got {year!r}")
    try:
        grading.scheme_for(year)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    if lang not in LANGS:
        raise ReportError(f"lang must be 'id' or 'en', got {lang!r}")
    if not isinstance(data_dir, str):
        raise ReportError(f"data_dir must be a folder path or empty, got {data_dir!r}")


def open_entity(entity: str, year: int, lang: str = "id", data_dir: str = "") -> EntityReport:
    """Check the parameters, load the data, resolve the entity: one sentence on any failure."""
    check_parameters(year, lang, data_dir)
    if not isinstance(entity, str):
        raise ReportError(f"entity must be a code or a name, got {entity!r}")
    data = dataset.load(data_dir)
    try:
        code = data.names.match(entity).entity.code
    except NameNotFound as exc:
        raise ReportError(str(exc)) from None
    rows = data.entities[data.entities["entity_code"] == code]
    if rows.empty:
        raise ReportError(f"{data.names.entities[code].label()} has no published score in the data")
    if year not in set(rows["year"]):
        years = ", ".join(str(y) for y in sorted(rows["year"]))
        raise ReportError(f"{rows['entity_name'].iloc[0]} has no published score for {year}; years with data: {years}")
    return EntityReport(data, code, year, lang, data_dir)


def open_province(province: str, year: int, lang: str = "id", data_dir: str = "") -> ProvinceReport:
    check_parameters(year, lang, data_dir)
    if not isinstance(province, str):
        raise ReportError(f"province must be a name or a code, got {province!r}")
    data = dataset.load(data_dir)
    try:
        code = data.names.province_code(province)
    except NameNotFound as exc:
        raise ReportError(str(exc)) from None
    report = ProvinceReport(data, code, year, lang, data_dir)
    years = sorted(set(data.entities.loc[data.entities["province_code"] == code, "year"]))
    known = bool(years) or (data.units["province_code"] == code).any() or (data.aggregates["scope_code"] == code).any()
    if report.year_rows.empty and not (known and year in set(data.entities["year"])):  # every year of a known province
        raise ReportError(f"{report.name} has no published pemda score for {year}; years with data: "
                          f"{', '.join(map(str, years)) or 'none'}")
    return report


def open_national(year: int, lang: str = "id", data_dir: str = "") -> NationalReport:
    """Check the parameters and load the data; a year without published results is one sentence."""
    check_parameters(year, lang, data_dir)
    data = dataset.load(data_dir)
    years = sorted({int(y) for y in data.entities["year"]})
    if year not in years:
        raise ReportError(f"no published result for {year} in the data; years with data: {', '.join(map(str, years))}")
    return NationalReport(data, lang, year, data_dir)


def open_comparison(entities: list[str], first_year: int, last_year: int, lang: str = "id",
                    data_dir: str = "") -> ComparisonReport:
    """Several entities by code or any spelling over a year range; one sentence on a bad parameter."""
    if lang not in LANGS:
        raise ReportError(f"lang must be 'id' or 'en', got {lang!r}")
    if not isinstance(entities, list) or not entities or not all(isinstance(e, str) for e in entities):
        raise ReportError(f"entities must be a list of codes or names, got {entities!r}")
    for year in (first_year, last_year):
        if isinstance(year, bool) or not isinstance(year, int):
            raise ReportError(f"years must be whole numbers such as 2024, got {year!r}")
    if first_year > last_year:
        raise ReportError(f"first_year {first_year} is after last_year {last_year}")
    data = dataset.load(data_dir)
    codes = []
    for entity in entities:
        try:
            codes.append(data.names.match(entity).entity.code)
        except NameNotFound as exc:
            raise ReportError(str(exc)) from None
    return ComparisonReport(data, tuple(dict.fromkeys(codes)), first_year, last_year, lang)
