"""`kepatuhan import`: a published list (CSV, XLSX or a text PDF; Indonesian or English headers) → a NEW raw file.

Every row is matched to a code and checked before anything is written: by default one bad row
means no output at all; with skip_invalid the good rows are written and the bad ones reported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import grading, unit_import
from .dataset import atomic_write_bytes
from .errors import DataError, Problem
from .guards import Limits, check_input, read_csv_cells, read_xlsx_cells
from .io import COLUMNS, LABEL_COLUMNS, check_file, read_text
from .names import NameIndex, NameNotFound
from .parsing import (
    URL_PATTERN,
    parse_category,
    parse_flag,
    parse_number,
    parse_opini,
    parse_service_quality,
    parse_zone,
)
from .paths import display_path

HEADER_WORDS = {
    "name": ("nama instansi", "instansi", "nama entitas", "entitas", "nama pemda", "pemda",
             "nama", "entity", "entity name", "name", "nama_entitas", "entity_name"),
    "province": ("provinsi", "province", "prov"),
    "year": ("tahun", "year"),
    "score": ("nilai", "skor", "nilai akhir", "score", "nilai kepatuhan"),
    "zone": ("zona", "zonasi", "zone"),
    "category": ("kategori", "category"),
    "opinion": ("opini", "opinion", "opini ombudsman"),
    "flag": ("maladministrasi_flag", "maladministrasi", "flag"),
    "service_quality": ("kualitas_pelayanan", "kualitas pelayanan", "service quality", "service_quality"),
    "source_url": ("source_url", "sumber", "source"),
    "number": ("no", "no.", "nomor", "#"),
    "type": ("entity_type", "jenis", "jenis instansi", "type"),
}
OUTPUT_COLUMNS = ("source_row", *COLUMNS["entity"], *LABEL_COLUMNS["entity"])


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)  # kept rows whose label misfits an inferred band
    matched_fuzzy: list[str] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)  # service units named in the list (unit_import)


def read_published(path: Path, limits: Limits | None = None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line, cells) of a CSV (',' or ';'), an XLSX's first sheet or a text PDF's table, within caps."""
    label = display_path(path)
    limits = limits or Limits()
    check_file(path, "a CSV or XLSX file")
    check_input(path, label, limits)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        table, lines = read_xlsx_cells(path, label, limits)
    elif path.suffix.lower() == ".pdf":
        from .pdf_tables import read_pdf_cells

        table, lines = read_pdf_cells(path, label, limits)
    else:
        table, lines = read_csv_cells(read_text(path, "a CSV or XLSX file"), label, limits)
    rows = [(line, [c.strip() for c in cells]) for line, cells in zip(lines, table, strict=True)
            if any(c.strip() for c in cells)]
    if not rows:
        raise DataError([Problem(label, None, "", "file is empty (expected a header row)")])
    return rows[0][1], rows[1:]


def map_header(header: list[str], label: str) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        cleaned = " ".join(title.casefold().replace("_", " ").split())
        for field_name, words in HEADER_WORDS.items():
            if cleaned in {w.replace("_", " ") for w in words} and field_name in positions and field_name != "number":
                raise DataError([Problem(label, 1, "header", f"columns {positions[field_name] + 1} and {index + 1} "
                                         f"both hold the {field_name} ({header[positions[field_name]]!r}, {title!r})")])
            if cleaned in {w.replace("_", " ") for w in words}:
                positions[field_name] = index
    missing = [f for f in ("name", "score") if f not in positions]
    if missing:
        raise DataError([Problem(label, 1, "header", "no column for the entity name (Nama Instansi, "
                                 "Entitas, Pemda, Name)" if "name" in missing else
                                 "no column for the score (Nilai, Skor, Score)")])
    return positions


def import_rows(
    path: Path, names: NameIndex, year: int | None = None, province: str | None = None,
    source_url: str | None = None, limits: Limits | None = None,
) -> ImportResult:
    """Match and check every row; nothing is written here."""
    label = display_path(path)
    header, rows = read_published(path, limits)
    positions = map_header(header, label)
    if "year" not in positions and year is None:
        raise DataError([Problem(label, 1, "header", "no Tahun/Year column: give --year")])
    if "source_url" not in positions and not source_url:
        raise DataError([Problem(label, 1, "header", "no source_url column: give --source-url")])
    if source_url and not re.match(URL_PATTERN, source_url):
        raise DataError([Problem(label, None, "--source-url", f"{source_url!r} is not an http(s) address")])
    if year is not None:
        try:
            grading.scheme_for(year)
        except ValueError as exc:
            raise DataError([Problem(label, None, "--year", str(exc))]) from None
    result = ImportResult()
    for line, cells in rows:
        row, problems, fuzzy = _import_row(
            _Row(label, line, cells, positions, len(header)), names, year, province, source_url
        )
        result.problems += [p for p in problems if not p.warning]
        result.warnings += [p for p in problems if p.warning]
        if row:
            (result.units if "unit_code" in row else result.rows).append(row)
        if fuzzy:
            result.matched_fuzzy.append(fuzzy)
    return result


@dataclass
class _Row:
    label: str
    line: int
    cells: list[str]
    positions: dict[str, int]
    width: int

    def get(self, field_name: str) -> str:
        index = self.positions.get(field_name)
        return self.cells[index] if index is not None and index < len(self.cells) else ""


def _import_row(row: _Row, names: NameIndex, year, province, source_url):
    """(raw row or None, problems, fuzzy-match note or None) for one line of a published list."""
    problems: list[Problem] = []

    def problem(column: str, message: str) -> None:
        problems.append(Problem(row.label, row.line, column, message))

    if len(row.cells) > row.width:
        problem("", f"row has {len(row.cells)} fields, the header {row.width}")
    row_year = year
    if row.get("year"):
        try:
            row_year = int(row.get("year"))
            grading.scheme_for(row_year)
        except ValueError as exc:
            problem("year", str(exc) if row.get("year").isdigit() else f"{row.get('year')!r} is not a year")
            row_year = None
    elif row_year is None:  # a Tahun column with this cell blank, and no --year: no zone check could run
        problem("year", "blank, and no --year given")
    score = None
    if row.get("score"):
        try:
            score = parse_number(row.get("score"))
            if not 0 <= score <= 100:
                problem("score", f"{row.get('score')!r} must be between 0 and 100")
                score = None
        except ValueError as exc:
            problem("score", str(exc))
    labels = _labels(row, row_year, problem)
    if not row.get("score") and not any(row.get(c) for c in ("zone", "category", "opinion", "service_quality")):
        problem("score", "blank, and no zone, category or opini is published")
    if row_year is not None and not problems:
        for issue in grading.label_problems(score, row_year, **labels):
            problems.append(Problem(row.label, row.line, issue.column, issue.message, issue.warning))
    match = None
    row_province = row.get("province") or province
    if row_province and row_province.casefold() in NATIONAL_WORDS:
        row_province = None  # ministries and agencies: no province
    moved = None
    unit_type = unit_import.unit_type_of(row.get("type"), row.get("name"))
    try:
        if unit_type:
            unit = unit_import.unit_row(unit_type, row.get("name"), row_province, names)
        else:
            match = names.match(row.get("name"), province=row_province or None)
    except NameNotFound as exc:
        match = None if unit_type else _moved_province_match(names, row.get("name"), row_province)
        if match is None:
            problem("name", str(exc))
        else:
            moved = (f"{row.label}:{row.line}: {row.get('name')!r} → {match.entity.label()}, "
                     f"not in {row_province} (province split or renamed since)")
    if unit_type and score is None:
        problem("score", "a unit row needs a score (unit files hold scored units only)")
    row_source = row.get("source_url") or source_url
    if not row_source or not re.match(URL_PATTERN, row_source):
        problem("source_url", f"{row_source!r} is not an http(s) address")
    if any(not p.warning for p in problems):
        return None, problems, None
    if unit_type:
        return {"source_row": row.line, "year": row_year, **unit, "score": f"{score:.2f}",
                "zone": labels["zone"] or "", "category": labels["category"] or "",
                "source_url": row_source}, problems, None
    entity = match.entity
    fuzzy = f"{row.label}:{row.line}: {row.get('name')!r} → {entity.label()}" if match.method == "fuzzy" else moved
    return {
        "source_row": row.line,
        "year": row_year,
        "entity_code": entity.code,
        "entity_type": entity.type,
        "entity_name": row.get("name"),
        "province_code": entity.province_code,
        "score": f"{score:.2f}" if score is not None else "",
        "zone": labels["zone"] or "",
        "category": labels["category"] or "",
        "source_url": row_source,
        "opinion": labels["opinion"] or "",
        "maladministrasi": labels["flag"] or "",
        "service_quality": labels["service_quality"] or "",
    }, problems, fuzzy


#: Province cells that mean "national" (a ministry or an agency).
NATIONAL_WORDS = ("nasional", "national", "pusat", "-")


def _moved_province_match(names: NameIndex, name: str, province: str | None):
    """An exact match outside the printed province (Sorong was in Papua Barat until the 2022 split)."""
    if not province:
        return None
    try:
        match = names.match(name)
    except NameNotFound:
        return None
    return match if match.method in ("exact", "alias") else None


def _labels(row: _Row, year: int | None, problem) -> dict:
    """The published labels of one row, normalised (zone, category, opini level, flag, quality).

    An opini printed in a year with categories A–E (2022–2024) is stored as its category; from 2025
    it is stored as the opini level. "Tanpa Maladministrasi" is taken only from the print (opini
    text or flag column), never from a score; in a flag year a row that does not print it is
    `not_stated`.
    """
    out: dict = {"zone": None, "category": None, "opinion": None, "service_quality": None, "flag": None}
    for column, parse in (("zone", parse_zone), ("category", parse_category),
                          ("service_quality", parse_service_quality), ("flag", parse_flag)):
        try:
            out[column] = parse(row.get(column))
        except ValueError as exc:
            problem(column, str(exc))
    try:
        opini = parse_opini(row.get("opinion"))
    except ValueError as exc:
        problem("opinion", str(exc))
        return out
    band_set = grading.bands_for(year) if year is not None else None
    if opini:
        if opini.service_quality:
            if out["service_quality"] and out["service_quality"] != opini.service_quality:
                problem("opinion", f"opini {row.get('opinion')!r} does not go with kualitas pelayanan "
                                   f"{out['service_quality']!r}")
            out["service_quality"] = opini.service_quality
        if opini.level and band_set is not None and band_set.has("category"):
            category = grading.band_of_label(year, "opinion", opini.level).category
            if out["category"] and out["category"] != category:
                problem("opinion", f"opini {row.get('opinion')!r} does not go with kategori {out['category']}")
            out["category"] = category
        elif opini.level:
            out["opinion"] = opini.level
        if opini.tanpa_maladministrasi:
            if out["flag"] not in (None, "tanpa_maladministrasi"):
                problem("maladministrasi", f"{out['flag']!r} but the opini prints Tanpa Maladministrasi")
            out["flag"] = "tanpa_maladministrasi"
    if band_set is not None and band_set.flag and out["flag"] is None:
        out["flag"] = "not_stated"
    return out


def write_rows(rows: list[dict], out: Path, columns: tuple[str, ...] = OUTPUT_COLUMNS) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_bytes(out, buffer.getvalue().encode("utf-8"))
