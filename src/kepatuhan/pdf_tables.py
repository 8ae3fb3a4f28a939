"""The table of a text PDF (a decree's lampiran, a regional rapor) as the rows a CSV would give.

The Ombudsman's decrees and regional rapor circulate as PDF. pdfplumber reads the ruled tables of
every page; a table split over pages is joined, and a page that repeats the header row starts its
part without it. Text outside the table (titles, footers, page numbers) is not part of any table and
is left out by pdfplumber itself. The joined table then goes through the same header and number rules
as a CSV, with rows numbered as a CSV's lines would be (header = 1). A scanned PDF has no text layer:
it is refused in one line, since reading it would need OCR and a person checking every digit.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DataError, Problem
from .guards import Limits, cell_problems

#: Most pages read from one PDF: a published list is a few pages; far more is a mistake.
MAX_PAGES = 500


def read_pdf_cells(path: Path, label: str, limits: Limits) -> tuple[list[list[str]], list[int]]:
    """Cells of the PDF's table (every page joined, repeated headers dropped) and their row numbers.

    Parameters
    ----------
    path : Path
        A PDF with a text layer.
    label : str
        How the file is named in messages.
    limits : Limits
        The importer's caps (rows, cell length); pages are capped at MAX_PAGES.

    Returns
    -------
    tuple of (list of list of str, list of int)
        The rows, header first, and the number of each row in the joined table (1, 2, …).
    """
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises several kinds for a damaged file
        raise DataError([Problem(label, None, "", f"not a readable PDF ({type(exc).__name__})")]) from None
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise DataError([Problem(label, None, "", f"has {len(pdf.pages)} pages, more than {MAX_PAGES}; "
                                                      "split it or export the table as CSV")])
        parts, has_text = [], False
        for number, page in enumerate(pdf.pages, start=1):
            has_text = has_text or bool(page.chars)
            for table in page.extract_tables():
                rows = [[" ".join((cell or "").split()) for cell in row] for row in table]
                parts.append((number, [r for r in rows if any(r)]))
                if sum(len(p[1]) for p in parts) > limits.max_rows + 1:
                    raise DataError([Problem(label, None, "", f"has more than {limits.max_rows} rows, the cap "
                                                              "for one published list (raise it with --max-rows)")])
    if not has_text:
        raise DataError([Problem(label, None, "", "has no text layer (a scanned PDF?); the importer reads "
                                                  "text PDFs only: type the table into a CSV or XLSX")])
    table = _joined(parts, label)
    lines = list(range(1, len(table) + 1))
    problems = cell_problems(label, table, lines, limits)
    if problems:
        raise DataError(problems)
    return table, lines


def _joined(parts: list[tuple[int, list[list[str]]]], label: str) -> list[list[str]]:
    """One table from the parts of each page: the first part's header, no repeated header rows."""
    parts = [(page, rows) for page, rows in parts if rows]
    if not parts:
        raise DataError([Problem(label, None, "", "no table found (the importer reads ruled tables of a text "
                                                  "PDF); export the list as CSV or XLSX")])
    header = parts[0][1][0]
    joined = [header]
    for page, rows in parts:
        if len(rows[0]) != len(header):
            raise DataError([Problem(label, None, "", f"page {page} holds a table of {len(rows[0])} columns, the "
                                                      f"first table {len(header)}: import one table per file")])
        joined += [row for row in rows if _key(row) != _key(header)]
    return joined


def _key(row: list[str]) -> tuple[str, ...]:
    return tuple(cell.casefold() for cell in row)
