"""Tables as files other tools read back unchanged: CSV, Parquet, Stata (.dta 118) and XLSX.

Codes such as "16.10" stay text in every format (a spreadsheet or `read_csv` would make 16.1 of them),
the en dash of a scheme name survives Stata (version 118 is UTF-8), and every file is written
atomically (`kepatuhan.files`) and byte-identically from one run to the next: fixed timestamps, no
random metadata. Used by the downloads (`site.write_downloads`), data/processed and `export_table`.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from . import schema
from .files import atomic_write_bytes

FORMATS = ("csv", "xlsx", "parquet", "dta")
#: Every date a file format would stamp with "now" gets this instead.
FIXED_DATE = datetime(2020, 1, 1)
#: Zip entries get this date, so an XLSX is byte-identical from one build to the next.
FIXED_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _typed(frame: pd.DataFrame, table: str | None) -> pd.DataFrame:
    return schema.typed(frame, table) if table else frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8, LF line ends, two decimals for floats (scores are published with two)."""
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.2f").encode("utf-8")


def parquet_bytes(frame: pd.DataFrame, table: str | None = None) -> bytes:
    """Parquet with the columns in their declared types (codes `string`); the same frame gives the same bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(_typed(frame, table), preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer, compression="zstd")
    return buffer.getvalue()


def stata_bytes(frame: pd.DataFrame, table: str | None = None, label: str = "") -> bytes:
    """A Stata 14+ file (format 118, UTF-8). Stata has no missing text: a blank string stays "", while missing
    numbers are Stata's missing value; true/false become 1/0."""
    out = _typed(frame, table).copy()
    for name in out.columns:
        series = out[name]
        if pd.api.types.is_bool_dtype(series):
            out[name] = series.astype("Int8")
        elif not pd.api.types.is_numeric_dtype(series):
            out[name] = series.astype("object").where(series.notna(), "").astype(str)
    buffer = io.BytesIO()
    out.to_stata(buffer, write_index=False, version=118, time_stamp=FIXED_DATE, data_label=label[:80] or None)
    return buffer.getvalue()


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per frame; text cells (codes) are stored as text with the "@" format, so Excel
    neither turns "16.10" into 16.1 nor flags it."""
    from openpyxl.utils import get_column_letter

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for position, column in enumerate(frame.columns, start=1):
                if not pd.api.types.is_numeric_dtype(frame[column]):
                    for cell in sheet[get_column_letter(position)][1:]:
                        cell.number_format = "@"
        book = writer.book
        book.properties.created = book.properties.modified = FIXED_DATE
        book.properties.creator = "kepatuhan"
    return stable_zip(buffer.getvalue())


def stable_zip(raw: bytes) -> bytes:
    """The same zip with fixed entry dates and order: openpyxl stamps the time of writing."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time as "modified"
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-01-01T00:00:00Z", content)
            target.writestr(fixed, content)
    return out.getvalue()


def table_bytes(frame: pd.DataFrame, fmt: str, table: str | None = None, name: str = "data") -> bytes:
    """`frame` in one of FORMATS."""
    if fmt == "csv":
        return csv_bytes(frame)
    if fmt == "parquet":
        return parquet_bytes(frame, table)
    if fmt == "dta":
        return stata_bytes(frame, table, label=name)
    if fmt == "xlsx":
        return xlsx_bytes({name[:31]: frame})
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")


def export_table(frame: pd.DataFrame, stem: str, folder: str | Path | None = None,
                 formats: tuple[str, ...] = ("csv", "xlsx", "parquet")) -> list[Path]:
    """Write `frame` as `stem`.csv, .xlsx and .parquet (or the `formats` asked, "dta" among them) into `folder`.

    Parameters
    ----------
    frame : the table to write (its index is left out).
    stem : the file name without extension.
    folder : where the files go; None or "" means ./exports (created when missing).
    formats : any of "csv", "xlsx", "parquet", "dta".

    Returns
    -------
    The full paths written, in the order of `formats`. Each file is written atomically: a full disk leaves
    the earlier file (or none), never a truncated one.
    """
    target = Path(folder or "exports").expanduser().resolve()
    written = []
    for fmt in formats:
        path = target / f"{stem}.{fmt}"
        atomic_write_bytes(path, table_bytes(frame, fmt, name=stem))
        written.append(path)
    return written
