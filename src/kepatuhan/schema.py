"""The published tables' columns, read from data/reference/columns.csv: one schema, many uses.

Every column of every published table (the processed tables, the downloads, a report's CSV) has one row
there: its type (Frictionless names: string, integer, number, boolean), unit, whether it may be blank, its
allowed values, range and format, and a description in English and Indonesian. The raw-file validation
(pandera), the downloads codebook, the Frictionless `datapackage.json` and the typed exports (Parquet,
Stata, XLSX) are all made from it, so a column is described once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from . import paths

COLUMNS_FILE = "columns.csv"
#: Frictionless type → the pandas dtype a table of that column is read into.
PANDAS_DTYPES = {"string": "string", "integer": "Int64", "number": "float64", "boolean": "boolean"}


@dataclass(frozen=True)
class Column:
    table: str
    name: str
    type: str
    unit: str
    required: bool
    allowed: tuple[str, ...]
    minimum: float | None
    maximum: float | None
    format: str
    description_en: str
    description_id: str


@cache
def _all() -> tuple[Column, ...]:
    """The package's own columns.csv (not a KEPATUHAN_DATA folder's): the schema belongs to the code."""
    path = paths.reference_dir(paths.package_data_root()) / COLUMNS_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Column(r["table"], r["column"], r["type"], r["unit"], r["required"] == "yes",
               tuple(v for v in r["allowed"].split("|") if v), float(r["minimum"]) if r["minimum"] else None,
               float(r["maximum"]) if r["maximum"] else None, r["format"], r["description_en"], r["description_id"])
        for r in rows
    )


def tables() -> tuple[str, ...]:
    """The tables columns.csv describes, in its order."""
    return tuple(dict.fromkeys(c.table for c in _all()))


def columns(table: str) -> dict[str, Column]:
    """{column name: Column} of one table, in the table's column order.

    Parameters
    ----------
    table : a name from `tables()` ("entities", "units", "aggregates", "conflicts", …, "report").

    Returns
    -------
    dict of Column; KeyError when the table is not described.
    """
    found = {c.name: c for c in _all() if c.table == table}
    if not found:
        raise KeyError(f"{table!r} is not described in data/reference/{COLUMNS_FILE}")
    return found


def values_text(values: tuple[str, ...], blank: bool) -> str:
    """How a validation message lists allowed values: "hijau, kuning, merah or blank", "one of A–E"."""
    letters = all(len(v) == 1 and v.isupper() for v in values) and len(values) > 2
    if letters and [ord(v) for v in values] == list(range(ord(values[0]), ord(values[0]) + len(values))):
        listed = f"one of {values[0]}–{values[-1]}"
    elif len(values) > 5:
        listed = "one of " + ", ".join(values)
    elif blank:
        listed = ", ".join(values)
    else:
        listed = ", ".join(values[:-1]) + " or " + values[-1]
    return listed + (" or blank" if blank else "")


def pandas_dtypes(table: str) -> dict[str, str]:
    """{column: pandas dtype} to read a published CSV with (codes stay text: "16.10" is not 16.1)."""
    return {name: PANDAS_DTYPES[c.type] for name, c in columns(table).items()}


def frictionless_schema(table: str) -> dict:
    """The Table Schema of one table: fields with type, constraints, unit and both descriptions."""
    from .parsing import URL_PATTERN

    fields = []
    for column in columns(table).values():
        constraints: dict = {}
        if column.required:
            constraints["required"] = True
        if column.allowed:
            constraints["enum"] = list(column.allowed)
        if column.minimum is not None:
            constraints["minimum"] = _number(column.minimum, column.type)
        if column.maximum is not None:
            constraints["maximum"] = _number(column.maximum, column.type)
        if column.format == "uri":
            constraints["pattern"] = URL_PATTERN.removeprefix("^").removesuffix("$")
        field = {"name": column.name, "type": column.type, "description": column.description_en,
                 "description_id": column.description_id}
        if column.unit:
            field["unit"] = column.unit
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def _number(value: float, kind: str) -> int | float:
    return int(value) if kind == "integer" or value.is_integer() else value


def typed(frame, table: str):
    """`frame` with every described column in its declared dtype (blank text as missing), for comparing and
    for writing typed formats."""
    import pandas as pd

    out = frame.copy()
    for name, dtype in pandas_dtypes(table).items():
        if name not in out:
            continue
        series = out[name]
        if dtype == "string":
            series = series.astype("string").replace("", pd.NA)
        elif dtype == "boolean":
            series = series.map(lambda v: v if v is None or isinstance(v, bool) or v != v else str(v) == "True")
        out[name] = series.astype(dtype)
    return out


def conform(frame, table: str):
    """`frame` in the dtypes its table is kept in memory (`dataset.build` and `dataset.load` alike).

    The dtypes pandas reads a CSV into: text as pandas' default text dtype with NaN for blank (`str` in
    pandas 3), integers as int64 (Int64 where one is missing), numbers as float64, booleans as bool
    (boolean where one is missing). Columns columns.csv does not describe are left alone.
    """
    import numpy as np
    import pandas as pd

    out = frame.copy()
    described = columns(table)
    text = pd.Series(["text"]).dtype
    for name in out.columns.intersection(list(described)):
        series, kind = out[name], described[name].type
        missing = series.isna()
        if kind == "string":
            values = series.astype(object).where(~missing, np.nan)
            out[name] = values.astype(text)
        elif kind == "number":
            out[name] = series.astype("float64")
        else:
            out[name] = series.astype(("Int64" if kind == "integer" else "boolean") if missing.any()
                                      else ("int64" if kind == "integer" else "bool"))
    return out


def datapackage(resources: dict[str, str], version: str) -> dict:
    """A Frictionless Data Package descriptor of CSV files described here.

    Parameters
    ----------
    resources : {table name: path of its CSV relative to the datapackage.json}.
    version : the data version to state (release and hash).

    Returns
    -------
    The descriptor as a dict (write it as JSON beside the files).
    """
    return {
        "profile": "tabular-data-package",
        "name": "kepatuhan",
        "title": "Ombudsman RI compliance assessment results (kepatuhan)",
        "description": "Scores and labels of the Ombudsman RI public-service compliance assessment as published, "
                       "with the source address on every row, validated and reconciled by the kepatuhan package.",
        "version": version,
        "licenses": [{"name": "ODbL-1.0", "title": "Region list: idn-area-data by fityannugroho",
                      "path": "https://opendatacommons.org/licenses/odbl/1-0/"}],
        "resources": [
            {"name": table.replace("_", "-"), "path": path, "profile": "tabular-data-resource", "format": "csv",
             "encoding": "utf-8", "mediatype": "text/csv", "schema": frictionless_schema(table)}
            for table, path in resources.items()
        ],
    }
