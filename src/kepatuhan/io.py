"""Reading raw CSV files into string tables, with every structural fault named by file and line.

Nothing here writes to data/raw: raw files are edited by people (or written new by the importer).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import guards
from .errors import DataError, Problem
from .paths import display_path

#: The columns of each raw table, in the order the files keep them.
COLUMNS: dict[str, tuple[str, ...]] = {
    "entity": (
        "year", "entity_code", "entity_type", "entity_name", "province_code",
        "score", "zone", "category", "source_url",
    ),
    "unit": (
        "year", "unit_code", "unit_name", "unit_type", "parent_code", "location_code",
        "province_code", "score", "zone", "category", "source_url",
    ),
    "aggregate": (
        "year", "scope_code", "entity_type", "measure", "count", "percent", "source_url",
    ),
}
#: Columns a raw table may carry beyond COLUMNS: where the importer took each row from, and the
#: published labels of the Opini instrument (2025–). A missing label column reads as blank cells.
LABEL_COLUMNS = {"entity": ("opinion", "maladministrasi", "service_quality"), "unit": (), "aggregate": ()}
_KEY_COLUMN = {"entity": "entity_code", "unit": "unit_code", "aggregate": "measure"}


@dataclass
class RawTable:
    kind: str
    path: Path
    label: str  # how the file is named in messages
    frame: pd.DataFrame  # every cell a stripped string; index = line number in the file


def read_raw_table(path: Path | str) -> RawTable:
    """Read one raw CSV (UTF-8, optional BOM, LF or CRLF) or raise DataError naming each fault."""
    path = Path(path)
    label = display_path(path)
    limits = guards.VALIDATE_LIMITS  # the importer's guards: no FIFO, no device, no giant file, row or cell
    check_file(path, "a CSV file")
    guards.check_input(path, label, limits)
    text = read_text(path, "a CSV file")
    if not text.strip():
        raise DataError([Problem(label, None, "", "file is empty (expected a header row)")])
    guards.check_row_count(text.count("\n") - 1, label, limits)
    previous_limit = csv.field_size_limit(limits.max_cell)
    try:
        return _read_rows(path, label, text, limits)
    finally:
        csv.field_size_limit(previous_limit)


def _unreadable(exc: csv.Error, limits: guards.Limits) -> str:
    if "field limit" in str(exc):
        return f"a cell longer than {limits.max_cell} characters"
    return f"unreadable CSV: {exc}"


def _read_rows(path: Path, label: str, text: str, limits: guards.Limits) -> RawTable:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise DataError([Problem(label, 1, "header", _unreadable(exc, limits))]) from None
    kind = _kind_of(header, label)
    expected = COLUMNS[kind]
    problems = _header_problems(header, expected, label)
    if problems:
        raise DataError(problems)
    rows, lines = [], []
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields):
                continue  # blank lines carry nothing
            if len(fields) != len(header):
                problems.append(
                    Problem(
                        label, line, "",
                        f"row has {len(fields)} fields, expected {len(header)}"
                        + (" (truncated row?)" if len(fields) < len(header) else ""),
                    )
                )
                continue
            rows.append([f.strip() for f in fields])
            lines.append(line)
    except csv.Error as exc:
        problems.append(Problem(label, reader.line_num, "", _unreadable(exc, limits)))
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=str)
    for column in LABEL_COLUMNS[kind]:
        if column not in frame:
            frame[column] = ""
    return RawTable(kind, path, label, frame[[*expected, *LABEL_COLUMNS[kind]]])


def check_file(path: Path, expected: str) -> None:
    """A missing path or a folder where a file belongs, said in one line."""
    label = display_path(path)
    try:
        path.stat()
    except FileNotFoundError:
        raise DataError([Problem(label, None, "", "no such file or directory")]) from None
    except OSError as exc:  # a loop of symbolic links, a folder not allowed
        raise DataError([Problem(label, None, "", guards.path_fault(exc))]) from None
    if path.is_dir():
        raise DataError([Problem(label, None, "", f"is a directory, expected {expected}")])


def read_text(path: Path, expected: str) -> str:
    """The file's text (UTF-8, an optional BOM), or DataError naming the line with the first bad byte."""
    check_file(path, expected)
    return _decode(path.read_bytes(), display_path(path))


def _decode(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            [Problem(label, line, "", f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")]
        ) from None


def _kind_of(header: list[str], label: str) -> str:
    for kind, key in _KEY_COLUMN.items():
        if key in header:
            return kind
    if len(header) == 1 and any(sep in header[0] for sep in ";\t|"):
        sep = next(s for s in ";\t|" if s in header[0])
        shown = {"\t": "tabs"}.get(sep, repr(sep))
        raise DataError([Problem(label, 1, "header", f"columns are separated by {shown}, expected ','")])
    raise DataError(
        [Problem(label, 1, "header", "not a kepatuhan raw table: none of the columns "
                 "entity_code, unit_code or measure is present")]
    )


def _header_problems(header: list[str], expected: tuple[str, ...], label: str) -> list[Problem]:
    problems = []
    missing = [c for c in expected if c not in header]
    if missing:
        problems.append(Problem(label, 1, "header", f"missing column {', '.join(map(repr, missing))}"))
    allowed = (*expected, "source_row", *LABEL_COLUMNS[_kind_of(header, label)])
    unknown = [c for c in header if c not in allowed]
    if unknown:
        problems.append(Problem(label, 1, "header", f"unknown column {', '.join(map(repr, unknown))}"))
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        problems.append(Problem(label, 1, "header", f"repeated column {', '.join(map(repr, dupes))}"))
    return problems
