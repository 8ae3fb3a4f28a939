"""Guards on what a user hands the importer: size caps, damaged or disguised files, unsafe cells, unsafe outputs.

A published list is small (a few hundred rows); anything far larger is a mistake or an attack
(a zip bomb, /dev/zero, a 1 GiB cell), so files, rows and cells are capped with a message that
names the cap and the option that raises it. Cells that would mislead a reader or a spreadsheet
(control characters, non-ASCII digits, formula signs) are refused, never silently changed.
"""

from __future__ import annotations

import csv
import io
import stat
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError, Problem
from .paths import code_fault

MIB = 2**20


@dataclass(frozen=True)
class Limits:
    """Caps on one input file (`kepatuhan import --max-mb/--max-rows/--max-cell` raise them)."""

    max_bytes: int = 16 * MIB  # the file, and an XLSX once unpacked
    max_rows: int = 100_000
    max_cell: int = 128 * 1024  # characters in one cell


#: The caps `validate` applies to a raw file: a reviewed list is far below them (no option raises them).
VALIDATE_LIMITS = Limits()
#: Columns of a published list's sheet: a list has about ten; a used range of thousands is a width bomb.
MAX_COLUMNS = 200

#: Leading characters a spreadsheet reads as a formula (CSV injection).
FORMULA_SIGNS = ("=", "+", "-", "@")


def check_input(path: Path, label: str, limits: Limits) -> None:
    """A regular file within the size cap; an XLSX must be a real, not over-packed, workbook.

    Checked on the file's status alone, so a FIFO or a device is never opened (opening a FIFO blocks)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise DataError([Problem(label, None, "", path_fault(exc))]) from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError([Problem(label, None, "", "is not a regular file (a device, a pipe or a socket?)")])
    if info.st_size > limits.max_bytes:
        raise DataError([Problem(label, None, "", f"is {info.st_size / MIB:.1f} MiB, over the "
                                                  f"{limits.max_bytes / MIB:g} MiB cap (raise it with --max-mb)")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _check_workbook(path, label, limits)


def _check_workbook(path: Path, label: str, limits: Limits) -> None:
    not_xlsx = "not an XLSX workbook"
    if not zipfile.is_zipfile(path):
        raise DataError([Problem(label, None, "", f"{not_xlsx} (not a zip archive); save it as .xlsx or .csv")])
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError([Problem(label, None, "", f"{not_xlsx} ({exc})")]) from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise DataError([Problem(label, None, "", f"{not_xlsx} (no xl/workbook.xml inside)")])
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_bytes:
        raise DataError([Problem(label, None, "", f"unpacks to {unpacked / MIB:.1f} MiB, over the "
                                                  f"{limits.max_bytes / MIB:g} MiB cap (raise it with --max-mb)")])


def read_csv_cells(text: str, label: str, limits: Limits) -> tuple[list[list[str]], list[int]]:
    """Cells and first line of each record of a CSV (',' or ';'); a record spanning lines is an error."""
    check_row_count(text.count("\n"), label, limits)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    previous_limit = csv.field_size_limit(limits.max_cell)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table, lines, problems = [], [], []
    previous = 0
    try:
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                what = (f"a cell longer than {limits.max_cell} characters (raise the cap with --max-cell)"
                        if "field limit" in str(exc) else f"unreadable CSV: {exc}")
                problems.append(Problem(label, reader.line_num, "", what))
                break
            start, previous = previous + 1, reader.line_num
            if previous > start and any("\n" in c or "\r" in c for c in cells):
                problems.append(Problem(label, start, "", f"a quoted cell runs on to line {previous}: an "
                                                          "unterminated quote, or a line break inside a cell"))
                continue
            table.append(cells)
            lines.append(start)
    finally:
        csv.field_size_limit(previous_limit)
    problems += cell_problems(label, table, lines, limits)
    if problems:
        raise DataError(problems)
    return table, lines


def read_xlsx_cells(path: Path, label: str, limits: Limits) -> tuple[list[list[str]], list[int]]:
    """Cells of the first sheet, streamed (read-only mode), with the same caps as a CSV."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise DataError([Problem(label, None, "", f"not an XLSX workbook ({type(exc).__name__}: {exc})")]) from None
    try:
        sheet = workbook.worksheets[0]
        _check_used_range(sheet, label, limits)
        table = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            table.append([_cell_text(v) for v in values])
            check_row_count(len(table) - 1, label, limits)
    finally:
        workbook.close()
    lines = list(range(1, len(table) + 1))
    problems = cell_problems(label, table, lines, limits)
    if problems:
        raise DataError(problems)
    return table, lines


def _check_used_range(sheet, label: str, limits: Limits) -> None:
    """The sheet's used range (its `dimension`, read without reading a row) within the caps: read-only mode
    pads every row to the range's width, so one cell at XFD1048576 would expand to billions of cells.
    A sheet that does not state its range is read with rows cut at MAX_COLUMNS and counted as it goes."""
    columns, rows = sheet.max_column or 0, sheet.max_row or 0
    if columns <= MAX_COLUMNS:
        check_row_count(rows - 1, label, limits)
    else:
        from openpyxl.utils import get_column_letter

        raise DataError([Problem(label, None, "", f"its first sheet spans {columns} columns and {rows} rows "
                                                  f"(A1:{get_column_letter(columns)}{rows}), over the caps of "
                                                  f"{MAX_COLUMNS} columns and {limits.max_rows} rows (raise the "
                                                  "rows with --max-rows; a published list has a few columns)")])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_row_count(rows: int, label: str, limits: Limits) -> None:
    if rows > limits.max_rows:
        raise DataError([Problem(label, None, "", f"has more than {limits.max_rows} rows, the cap for one "
                                                  "published list (raise it with --max-rows)")])


def cell_problems(label: str, table: list[list[str]], lines: list[int], limits: Limits) -> list[Problem]:
    """Over-long cells, control characters and digits that are not 0–9 (`٩٣.٠٧`, `２０２４`)."""
    header = table[0] if table else []
    problems = []
    for line, cells in zip(lines, table, strict=True):
        for index, cell in enumerate(cells):
            column = header[index].strip() if line != lines[0] and index < len(header) else ""
            if len(cell) > limits.max_cell:
                problems.append(Problem(label, line, column, f"cell holds {len(cell)} characters, over the "
                                                             f"{limits.max_cell} cap (raise it with --max-cell)"))
                continue
            odd = next((c for c in cell if unicodedata.category(c) == "Cc" and c != "\t"), None)
            if odd is not None:
                problems.append(Problem(label, line, column, f"control character U+{ord(odd):04X} "
                                                             "(a line break or NUL inside a cell?)"))
            hidden = hidden_character(cell)
            if hidden:
                problems.append(Problem(label, line, column, hidden))
            digit = next((c for c in cell if c.isdecimal() and not c.isascii()), None)
            if digit is not None:
                problems.append(Problem(label, line, column, f"digit {digit!r} (U+{ord(digit):04X}) is not 0-9; "
                                                             "retype the number with ASCII digits"))
    return problems


#: Characters that change how text reads without showing themselves: format characters (bidi overrides
#: and isolates, zero-width space and joiners, soft hyphen) and the line and paragraph separators.
_HIDDEN = {"Cf": "format character", "Zl": "line separator", "Zp": "paragraph separator"}


def hidden_character(text: str) -> str | None:
    """What is wrong with the first hidden character of `text` (a name ending in U+202E reads its finding
    backwards, a zero-width space makes one name look like another), or None."""
    for char in text:
        kind = _HIDDEN.get(unicodedata.category(char))
        if kind:
            return (f"{kind} U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')}) changes how the text reads; "
                    "remove it")
    return None


def path_fault(exc: OSError) -> str:
    """A path that cannot be looked at, said for a user (a loop of symbolic links, a folder not allowed…)."""
    import errno

    if exc.errno == errno.ELOOP:
        return "is a loop of symbolic links"
    return f"cannot be read: {exc.strerror or exc}"


def resolved(path: Path) -> Path:
    """`path.resolve()`, with a loop of symbolic links said in one line (pathlib raises RuntimeError)."""
    try:
        return path.resolve()
    except RuntimeError:
        raise DataError([Problem(str(path), None, "", "is a loop of symbolic links")]) from None


def screen_imported(rows: list[dict], label: str) -> tuple[list[dict], list[Problem]]:
    """Rows safe to write, and the problems of the others: formula-like names, one source printing one
    entity twice (with two results, or the same row repeated: a list pasted twice); two sources are both kept."""
    kept, problems = [], []
    seen: dict[tuple, dict] = {}
    for row in rows:
        name = str(row.get("entity_name", ""))
        if name.startswith(FORMULA_SIGNS):
            problems.append(Problem(label, row["source_row"], "name", f"{name!r} starts with {name[0]!r}, which a "
                                    "spreadsheet runs as a formula; remove the sign"))
            continue
        key = (row.get("year"), row.get("entity_code"), row.get("source_url"))  # a second source is kept
        first = seen.get(key)
        if first is not None and _result(first) == _result(row):
            problems.append(Problem(label, row["source_row"], "name", f"the same row as line {first['source_row']} "
                                                                      "(a list pasted twice?)"))
            continue
        if first is not None:
            problems.append(Problem(label, row["source_row"], "name", f"{row['entity_code']} {row['year']} is "
                                    f"already on line {first['source_row']} with {_result(first)} "
                                    f"(here {_result(row)})"))
            continue
        seen.setdefault(key, row)
        kept.append(row)
    return kept, problems


def _result(row: dict) -> str:
    """What a row says about its entity: the score and the published labels."""
    values = [row.get(c) for c in ("score", "zone", "category", "opinion", "maladministrasi", "service_quality")]
    return " ".join(str(v) for v in values if v) or "no result"


def output_problems(out: Path, inputs: Iterable[Path], raw_folders: Iterable[Path]) -> list[Problem]:
    """Import output never goes over an input, under any raw/ folder at any depth, or onto a folder."""
    target = resolved(out)
    problems = []
    if out.is_dir():
        problems.append(Problem(str(out), None, "", "is a directory; give a file name such as new_list.csv"))
    if any(target == resolved(p) for p in inputs):
        problems.append(Problem(str(out), None, "", "is the input file; write the import to a new file"))
    under = {*out.absolute().parent.parts, *target.parent.parts}
    if "raw" in under or any(target.is_relative_to(resolved(f)) for f in raw_folders):
        problems.append(Problem(str(out), None, "", "is inside a raw/ folder, which code never writes; write it "
                                                    "elsewhere, review it, then move it in by hand"))
    return problems


def reference_problems(regions_path: Path, aliases_path: Path) -> list[Problem]:
    """regions.csv and aliases.csv as the name index needs them: UTF-8, the columns, unique codes."""
    from .io import read_text

    needed = {regions_path: ("code", "name", "type", "province_code"), aliases_path: ("alias", "code")}
    problems: list[Problem] = []
    codes: set[str] = set()
    for path, columns in needed.items():
        label = str(path)
        if path == aliases_path and not codes:
            continue  # regions.csv is unreadable: every alias would look unknown
        try:
            text = read_text(path, "a CSV file")
        except DataError as exc:
            problems += exc.problems
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [h.strip() for h in next(reader, [])]
        missing = [c for c in columns if c not in header]
        if missing:
            problems.append(Problem(label, 1, "header", f"missing column {', '.join(map(repr, missing))}"))
            continue
        where = {c: header.index(c) for c in columns}
        first_line: dict[str, int] = {}
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                code = cells[where["code"]].strip() if where["code"] < len(cells) else ""
                if path == regions_path and code_fault(code):
                    problems.append(Problem(label, reader.line_num, "code", code_fault(code)))
                elif path == regions_path:
                    if code in first_line:
                        problems.append(Problem(label, reader.line_num, "code", f"{code!r} is already on line "
                                                                                f"{first_line[code]}"))
                    first_line.setdefault(code, reader.line_num)
                    codes.add(code)
                elif code not in codes:
                    problems.append(Problem(label, reader.line_num, "code", f"{code!r} is not a code in "
                                                                            f"{regions_path.name}"))
        except csv.Error as exc:
            problems.append(Problem(label, reader.line_num, "", f"unreadable CSV: {exc}"))
    return problems
