"""The data around the reports: what each report's CSV holds, the downloads, the digests a rebuild compares.

A report's CSV holds the rows it reads and whether it is rebuilt depends on exactly those rows (with
their sources and conflicts and its year's aggregates): both come from its `selection`, the one
definition its view draws on too, so a change elsewhere in the data leaves it alone.
The landing page around them is `landing`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from . import dataset, paths, selection
from .files import atomic_write_bytes
from .messages import Formatter

DOWNLOADS = "downloads"
#: The columns of a report's CSV, in order: what was shown, and where it was published.
CSV_COLUMNS = ("section", "year", "code", "name", "type", "province", "score", "zone", "category", "opinion",
               "source_url")


# -- what a report shows --------------------------------------------------------------------------

def _frame(rows: pd.DataFrame, section: str, prefix: str = "entity") -> pd.DataFrame:
    """Rows of entities (prefix "entity") or units ("unit") in the columns of a report's CSV."""
    return pd.DataFrame({"section": section, "year": rows["year"], "code": rows[f"{prefix}_code"],
                         "name": rows[f"{prefix}_name"], "type": rows[f"{prefix}_type"],
                         "province": rows["province_name"], "score": rows["score"], "zone": rows["zone"],
                         "category": rows["category"], "opinion": rows["opinion"], "source_url": rows["source_url"]})


def shown_rows(data: dataset.Dataset, kind: str, code: str, year: int) -> pd.DataFrame:
    """The rows a report reads, one section per block of its selection: what its CSV holds."""
    return selection_rows(selection.select(data, kind, code, year))


def selection_rows(chosen: selection.Selection) -> pd.DataFrame:
    prefix = {"entities": "entity", "units": "unit"}
    frame = pd.concat([_frame(p.rows, p.section, prefix[p.table]) for p in chosen.parts], ignore_index=True)
    return frame.reindex(columns=list(CSV_COLUMNS))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.2f").encode("utf-8")


def _csv_lines(frame: pd.DataFrame) -> list[str]:
    """Each row as its own CSV line (newline included), from one `to_csv` of the whole frame (one per row
    cost ~0.4 s a build); a cell holding a line break (quoted over two lines) makes the split unsafe,
    and then each row is written alone."""
    def text(part: pd.DataFrame) -> str:
        return part.to_csv(index=False, header=False, lineterminator="\n")  # every digit: a hash sees any change

    lines = text(frame).splitlines(keepends=True)
    if len(lines) == len(frame) and all(line.endswith("\n") for line in lines):
        return lines
    return [text(frame.iloc[[i]]) for i in range(len(frame))]


def _texts_by_key(frame: pd.DataFrame, key: list[str]) -> dict[tuple, str]:
    """{key: the CSV lines of its rows, in frame order}."""
    texts: dict[tuple, str] = {}
    for group, line in zip(zip(*(frame[k] for k in key), strict=True), _csv_lines(frame), strict=True):
        texts[group] = texts.get(group, "") + line
    return texts


class InputDigests:
    """Hash of the data one report reads, which is its `selection`: its rows, the sources and conflicts
    behind each of them, its aggregates, its previous year and the figures it counts. Row hashes are
    computed once per build, not once per report."""

    def __init__(self, data: dataset.Dataset):
        self.data = data
        self.rows = {**self._row_digests(data.entities, data.entity_sources, "entity_code"),
                     **self._row_digests(data.units, data.unit_sources, "unit_code")}
        self.aggregates: dict[tuple[int, ...] | None, str] = {}
        self.reports: dict[tuple, str] = {}
        self.covered: dict[tuple, set[tuple[str, int]]] = {}  # (kind, code, year) → the row keys hashed

    def _row_digests(self, rows: pd.DataFrame, sources: pd.DataFrame, column: str) -> dict[tuple, str]:
        source_text = _texts_by_key(sources, [column, "year"])
        c = self.data.conflicts
        conflict_text = _texts_by_key(c, ["code", "year"]) if len(c) else {}
        digests = {}
        for key, line in zip(zip(rows[column], rows["year"], strict=True), _csv_lines(rows), strict=True):
            key = (str(key[0]), int(key[1]))
            body = line + source_text.get(key, "") + conflict_text.get(key, "")
            digests[key] = hashlib.sha256(body.encode()).hexdigest()
        return digests

    def __call__(self, kind: str, code: str, year: int) -> str:
        if (kind, code, year) not in self.reports:
            self.reports[(kind, code, year)] = self.of(selection.select(self.data, kind, code, year))
        return self.reports[(kind, code, year)]

    def of(self, chosen: selection.Selection) -> str:
        """One hash over what the selection holds (row order is the view's business: it follows from content)."""
        # the aggregates a selection holds: its year's, and the previous year's where it compares with it
        years = {chosen.year, *map(int, chosen.aggregates["year"])}
        scope = None if chosen.kind == "national" else tuple(sorted(years))
        if scope not in self.aggregates:
            self.aggregates[scope] = hashlib.sha256(csv_bytes(chosen.aggregates)).hexdigest()
        keys = chosen.keys()
        self.covered[(chosen.kind, chosen.code, chosen.year)] = keys
        rows = "".join(sorted(self.rows[k] for k in keys))
        body = json.dumps({"aggregates": self.aggregates[scope], "rows": hashlib.sha256(rows.encode()).hexdigest(),
                           "previous": chosen.previous_year, "counts": chosen.counts}, sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()


def code_digest() -> str:
    """Hash of everything in the package that shapes a page: modules, templates, catalogue."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in here.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(here)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def reference_digest(data_dir: str = "") -> str:
    """Hash of the reference files (regions, aliases, grading schemes, boundary geometry)."""
    root = paths.reference_dir(data_dir or None)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# -- downloads ------------------------------------------------------------------------------------

DATASET_TABLES = ("entities", "units", "aggregates")


def dataset_xlsx(data: dataset.Dataset) -> bytes:
    from .exports import xlsx_bytes

    return xlsx_bytes({name: getattr(data, name) for name in DATASET_TABLES})


def _typed_downloads(data: dataset.Dataset) -> dict[str, bytes]:
    """{file name: content} of the typed formats: a Parquet file per table, a Stata file per table, the XLSX."""
    from .exports import parquet_bytes, stata_bytes

    files = {}
    for name in DATASET_TABLES:
        frame = getattr(data, name)
        files[f"kepatuhan-{name}.parquet"] = parquet_bytes(frame, name)
        files[f"kepatuhan-{name}.dta"] = stata_bytes(frame, name, label=f"kepatuhan {name} {data.citable_version}")
    files["kepatuhan.xlsx"] = dataset_xlsx(data)
    return files


def write_downloads(out: Path, data: dataset.Dataset, state: Path | None = None) -> dict[str, str]:
    """The whole validated dataset as CSV (one file per table) with Parquet and Stata (.dta 118) beside each, one
    XLSX, a Frictionless datapackage.json and a README codebook of columns, version and licences.

    The typed files cost ~1 s to write: with a `state` folder, their key (the tables, the README, the package) is
    kept there and unchanged files that are still on disk are not written again."""
    import json

    from .schema import datapackage

    files, contents = {}, {}
    for name in DATASET_TABLES:
        contents[name] = csv_bytes(getattr(data, name))
        files[name] = f"{DOWNLOADS}/kepatuhan-{name}.csv"
    contents["readme"] = downloads_readme(data).encode("utf-8")
    files["readme"] = f"{DOWNLOADS}/README.txt"
    package = datapackage({name: f"kepatuhan-{name}.csv" for name in DATASET_TABLES}, data.citable_version)
    contents["datapackage"] = (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    files["datapackage"] = f"{DOWNLOADS}/datapackage.json"
    for name, content in contents.items():
        atomic_write_bytes(out / files[name], content)
    typed_names = [f"kepatuhan-{n}.{ext}" for n in DATASET_TABLES for ext in ("parquet", "dta")] + ["kepatuhan.xlsx"]
    files["xlsx"] = f"{DOWNLOADS}/kepatuhan.xlsx"
    for name in DATASET_TABLES:
        files[f"{name}_parquet"] = f"{DOWNLOADS}/kepatuhan-{name}.parquet"
        files[f"{name}_dta"] = f"{DOWNLOADS}/kepatuhan-{name}.dta"
    key = hashlib.sha256(b"".join(hashlib.sha256(c).digest() for c in contents.values())
                         + code_digest().encode()).hexdigest()
    stamp = state / "downloads.sha256" if state is not None else None
    missing = any(not (out / DOWNLOADS / name).is_file() for name in typed_names)
    if stamp is None or missing or not stamp.is_file() or stamp.read_text() != key:
        for name, content in _typed_downloads(data).items():
            atomic_write_bytes(out / DOWNLOADS / name, content)
        if stamp is not None:
            atomic_write_bytes(stamp, key.encode())
    return {name: files[name] for name in (*DATASET_TABLES, "xlsx", "readme", "datapackage",
                                           *(f"{n}_{ext}" for n in DATASET_TABLES for ext in ("parquet", "dta")))}


def downloads_readme(data: dataset.Dataset) -> str:
    """The codebook: every column of every download with type, unit, allowed values and a description in
    English and Indonesian, all from data/reference/columns.csv."""
    from .schema import columns

    f = Formatter("en")
    lines = [f("site.readme.title", version=data.citable_version), "", f("site.readme.intro"), "",
             f("site.readme.formats"), ""]
    for name in DATASET_TABLES:
        described = columns(name)
        lines.append(f"kepatuhan-{name}.csv ({len(getattr(data, name))} rows; also .parquet, .dta and a sheet of "
                     "kepatuhan.xlsx)")
        for column in getattr(data, name).columns:
            c = described[column]
            facts = ", ".join(part for part in (c.type, c.unit, "required" if c.required else "may be blank") if part)
            lines.append(f"  {column}: {c.description_en} ({facts})")
            lines.append(f"    [id] {c.description_id}")
            if c.allowed:
                lines.append(f"    values: {', '.join(c.allowed)}")
        lines.append("")
    lines += [f("site.readme.data_licence"), "", f("site.readme.licences"), ""]
    return "\n".join(lines)
