"""raw → validated → reconciled tables, and the processed/ stage that caches them.

`load()` is what notebooks call. It reads data/processed/ when its manifest still matches the raw
files (by checksum) and the package version; otherwise it validates and reconciles the raw files in
memory. `process()` writes data/processed/ atomically (owid/etl-style: rebuilt only when a checksum
changed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import __version__, grading, paths, schema
from .errors import DataError, Problem
from .files import atomic_write_bytes  # noqa: F401  (re-exported: importer, notebooks, build use it)
from .guards import reference_problems
from .names import Entity, NameIndex

PROCESSED_TABLES = ("entities", "units", "aggregates", "conflicts", "entity_sources", "unit_sources")
#: text columns kept as "" (not missing) when blank; every other blank text is missing (NaN)
_BLANK_AS_EMPTY = ("entity_code", "unit_code", "parent_code", "location_code", "code", "values", "chosen",
                   "rule", "conflict_rule")


@dataclass
class Dataset:
    """The validated data a report draws on. Resolved tables hold one row per (year, entity/unit)."""

    entities: pd.DataFrame
    units: pd.DataFrame
    aggregates: pd.DataFrame
    conflicts: pd.DataFrame
    entity_sources: pd.DataFrame  # every raw entity row, so a report can cite each source
    unit_sources: pd.DataFrame
    regions: pd.DataFrame
    aliases: pd.DataFrame
    version: str  # short hash of the raw and reference files
    warnings: list[Problem] = field(default_factory=list)  # only when built from raw/ in this process
    release: str = ""  # the date-based data release a person cites (data/RELEASE, e.g. 2026.12)

    @property
    def citable_version(self) -> str:
        """"2026.12 (hash 3f2a…)": the release to cite, with the content hash that pins it exactly."""
        return f"{self.release} (hash {self.version})" if self.release else self.version

    @cached_property
    def names(self) -> NameIndex:
        return name_index(self.regions, self.aliases)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in PROCESSED_TABLES}


def read_regions(data_dir: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    ref = paths.reference_dir(data_dir)
    regions_path, aliases_path = ref / paths.REGIONS_FILE, ref / paths.ALIASES_FILE
    for path in (regions_path, aliases_path):
        if not path.is_file():
            raise DataError([Problem(str(path), None, "", "reference file missing")])
    faults = reference_problems(regions_path, aliases_path)
    if faults:
        raise DataError(faults)
    regions = pd.read_csv(regions_path, dtype=str, keep_default_na=False)
    aliases = pd.read_csv(aliases_path, dtype=str, keep_default_na=False)
    return regions, aliases


def name_index(regions: pd.DataFrame, aliases: pd.DataFrame) -> NameIndex:
    entities = [
        Entity(r.code, r.name, r.type, r.province_code) for r in regions.itertuples(index=False)
    ]
    return NameIndex.build(entities, zip(aliases["alias"], aliases["code"], strict=True))


def raw_files(data_dir: Path | str | None = None) -> list[Path]:
    """The three main raw files, then every other reviewed list moved into raw/ (sorted by name)."""
    raw = paths.raw_dir(data_dir)
    main = [raw / name for name in paths.RAW_FILES.values()]
    return main + sorted(p for p in raw.glob("*.csv") if p not in main)


def data_version(data_dir: Path | str | None = None) -> str:
    return _digest(_input_checksums(data_dir))[:12]


RELEASE_FILE = "RELEASE"


def data_release(data_dir: Path | str | None = None) -> str:
    """The release named in the data folder's RELEASE file (first line, e.g. "2026.12"); "" when it has none."""
    path = paths.data_root(data_dir) / RELEASE_FILE
    try:
        return path.read_text(encoding="utf-8").splitlines()[0].strip()
    except (OSError, IndexError):
        return ""


def validate_files(files: list[Path], regions: pd.DataFrame) -> tuple[dict[str, list], list[Problem]]:
    """Typed tables grouped by kind, and every problem found in any of the files."""
    from .io import read_raw_table  # pandera is imported only when raw files are validated
    from .validation import repeated_across_files, validate_table

    tables: dict[str, list] = {"entity": [], "unit": [], "aggregate": []}
    problems: list[Problem] = []
    for path in files:
        if _is_scheme_table(path):
            problems += grading.scheme_problems(path)
            continue
        try:
            raw = read_raw_table(path)
        except DataError as exc:
            problems += exc.problems
            continue
        typed, found = validate_table(raw, regions)
        problems += found
        typed = typed.assign(file=raw.label, line=typed.index)
        tables[raw.kind].append(typed.reset_index(drop=True))
    if tables["entity"]:
        from .validation import order_problems

        problems += order_problems(pd.concat(tables["entity"], ignore_index=True))
    return tables, problems + repeated_across_files(tables)


def _is_scheme_table(path: Path) -> bool:
    if not path.is_file():  # a FIFO would block here, a device never end: the raw-file guards refuse them
        return False
    try:
        with path.open(encoding="utf-8-sig") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return first.strip().split(",")[:2] == ["scheme", "years"]


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.warning]


def build(data_dir: Path | str | None = None, files: list[Path] | None = None) -> Dataset:
    """Validate and reconcile the raw files (or the given ones); DataError lists every problem.

    Grading uses the scheme table of the data folder (data/reference/grading_schemes.csv).
    """
    with grading.using(grading.read_schemes(grading.schemes_path(data_dir))):  # DataError: every fault of the table
        return _build(data_dir, files)


def _build(data_dir: Path | str | None, files: list[Path] | None) -> Dataset:
    from .io import COLUMNS, LABEL_COLUMNS
    from .reconcile import reconcile

    regions, aliases = read_regions(data_dir)
    tables, problems = validate_files(files if files is not None else raw_files(data_dir), regions)
    if errors_only(problems):
        raise DataError(errors_only(problems))
    frames = {
        kind: pd.concat(parts, ignore_index=True) if parts
        else pd.DataFrame(columns=[*COLUMNS[kind], *LABEL_COLUMNS[kind], "file", "line"])
        for kind, parts in tables.items()
    }
    region_of = regions.set_index("code")
    entity_rows = frames["entity"]
    entities, entity_conflicts = reconcile(entity_rows, ["year", "entity_code"], "score")
    entities = _graded(entities, region_of, "entity_code")
    unit_rows = frames["unit"]
    units, unit_conflicts = reconcile(unit_rows, ["year", "unit_code"], "score")
    units = _graded(units, region_of, "location_code")
    aggregates, aggregate_conflicts = reconcile(
        frames["aggregate"], ["year", "scope_code", "entity_type", "measure"], "count",
        use_labels=False,
    )
    conflicts = pd.concat(
        [
            _conflict_frame(entity_conflicts, "entity", "entity_code",
                            entities.drop_duplicates("entity_code").set_index("entity_code")
                            .rename(columns={"entity_name": "name"})),
            _conflict_frame(unit_conflicts, "unit", "unit_code", region_of, unit_rows),
            _conflict_frame(aggregate_conflicts, "aggregate", None, region_of),
        ],
        ignore_index=True,
    )
    made = dict(
        entities=entities,
        units=units,
        aggregates=aggregates[
            ["year", "scope_code", "entity_type", "measure", "count", "percent", "source_url",
             "n_sources", "conflict_rule"]
        ].reset_index(drop=True),
        conflicts=conflicts,
        entity_sources=entity_rows[
            ["year", "entity_code", "entity_name", "score", "zone", "category", "opinion", "maladministrasi",
             "service_quality", "source_url"]
        ].sort_values(["year", "entity_code", "source_url"], kind="stable").reset_index(drop=True),
        unit_sources=unit_rows[["year", "unit_code", "unit_name", "score", "source_url"]]
        .sort_values(["year", "unit_code", "source_url"], kind="stable").reset_index(drop=True),
    )
    return Dataset(
        **{name: schema.conform(frame, name) for name, frame in made.items()},
        regions=regions,
        aliases=aliases,
        version=data_version(data_dir),
        warnings=[p for p in problems if p.warning],
        release=data_release(data_dir),
    )


def _graded(frame: pd.DataFrame, region_of: pd.DataFrame, place_column: str) -> pd.DataFrame:
    """Add the grade of every chosen score; a published label always wins over a computed one.

    Rows without a score (label-only) take their zone from the published zone, category or opini,
    never a number; `label_note` says where a published label contradicts an inferred band.
    """
    out = frame.copy()
    for column in ("opinion", "maladministrasi", "service_quality"):
        if column not in out:
            out[column] = None
    grades = [grading.classify(s, y) if s == s else None for s, y in zip(out["score"], out["year"], strict=True)]
    published = {c: [v if isinstance(v, str) else None for v in out[c]]
                 for c in ("zone", "category", "opinion", "service_quality")}
    bands = [grading.label_band(int(y), published["category"][i], published["opinion"][i],
                         published["service_quality"][i]) for i, y in enumerate(out["year"])]
    out["zone_published"] = published["zone"]
    out["zone"] = [z or (g.zone if g else (b.zone if b else None))
                   for z, g, b in zip(published["zone"], grades, bands, strict=True)]
    out["zone_basis"] = [
        "published" if z else ("inferred" if grading.is_inferred(int(y)) else "computed")
        for z, y in zip(published["zone"], out["year"], strict=True)
    ]
    out["category"] = [c or (g.category if g else (b.category if b else None))
                       for c, g, b in zip(published["category"], grades, bands, strict=True)]
    out["opinion"] = [o or (g.opinion if g else (b.opinion if b else None))
                      for o, g, b in zip(published["opinion"], grades, bands, strict=True)]
    out["service_quality"] = [q or (g.service_quality if g else None)
                              for q, g in zip(published["service_quality"], grades, strict=True)]
    out["scheme"] = [grading.scheme_for(int(y)).name for y in out["year"]]
    out["label_note"] = [
        grading.label_disagreement(s, int(y), *(published[c][i] for c in published)) if g and g.inferred else None
        for i, (s, y, g) in enumerate(zip(out["score"], out["year"], grades, strict=True))
    ]
    if "entity_code" in out:
        out["entity_name"] = [
            f"Provinsi {region_of.loc[c, 'name']}" if t == "provinsi" else region_of.loc[c, "name"]
            for c, t in zip(out["entity_code"], out["entity_type"], strict=True)
        ]
    out["province_name"] = out["province_code"].map(region_of["name"])
    out["place_name"] = out[place_column].map(region_of["name"])
    out = out.drop(columns=["file", "line", "source_row"], errors="ignore")
    return out.sort_values(["year", out.columns[1]], kind="stable").reset_index(drop=True)


def _conflict_frame(conflicts, level, code_column, region_of, rows=None) -> pd.DataFrame:
    if conflicts.empty:
        return pd.DataFrame(columns=["level", "year", "code", "name", "values", "chosen", "rule",
                                     "resolved", "sources"])
    out = conflicts.copy()
    if code_column == "unit_code":
        names = rows.drop_duplicates("unit_code").set_index("unit_code")
        out["code"] = out["unit_code"]
        out["name"] = [
            f"{names.loc[c, 'unit_name']}, {region_of['name'].get(names.loc[c, 'location_code'], '')}"
            for c in out["code"]
        ]
    elif code_column:
        out["code"] = out[code_column]
        out["name"] = out["code"].map(region_of["name"])
    else:
        out["code"] = out["scope_code"].fillna("").replace("", "nasional")
        out["name"] = out["entity_type"] + " " + out["measure"]
    out["level"] = level
    return out[["level", "year", "code", "name", "values", "chosen", "rule", "resolved", "sources"]]


# -- processed/ stage ------------------------------------------------------------------------------

def process(data_dir: Path | str | None = None, force: bool = False) -> tuple[bool, Path]:
    """Write processed/ when the raw data or the package changed; returns (rebuilt?, folder)."""
    out = paths.processed_dir(data_dir)
    manifest = _manifest(data_dir)
    if not force and _read_manifest(out) == manifest:
        return False, out
    dataset = build(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    from .exports import parquet_bytes
    from .schema import datapackage

    for name, frame in dataset.tables().items():
        _atomic_write(out / f"{name}.csv", frame.to_csv(index=False, lineterminator="\n"))
        atomic_write_bytes(out / f"{name}.parquet", parquet_bytes(frame, name))
    package = datapackage({name: f"{name}.csv" for name in PROCESSED_TABLES}, dataset.citable_version)
    _atomic_write(out / "datapackage.json", json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    _atomic_write(out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return True, out


def load(data_dir: Path | str | None = None) -> Dataset:
    """The dataset, from processed/ when it is up to date, else rebuilt in memory from raw/.

    Read once per process and data folder while its inputs and code keep their checksums (a build
    worker runs many reports): each call gets its own copies of the tables, so a report that changes
    one changes only its own.
    """
    out = paths.processed_dir(data_dir)
    manifest = _manifest(data_dir)
    key = str(Path(out).resolve())
    cached = _LOADED.get(key)
    if cached is None or cached[0] != manifest:
        _LOADED[key] = cached = (manifest, _load(data_dir, out, manifest))
    return _shared(cached[1])


#: processed folder → (manifest, dataset) of the last load in this process
_LOADED: dict[str, tuple[dict, Dataset]] = {}


def _load(data_dir, out: Path, manifest: dict) -> Dataset:
    if _read_manifest(out) != manifest:
        return build(data_dir)
    regions, aliases = read_regions(data_dir)
    tables = {name: _read_processed(out / f"{name}.csv") for name in PROCESSED_TABLES}
    return Dataset(**tables, regions=regions, aliases=aliases, version=_digest(manifest["inputs"])[:12],
                   release=data_release(data_dir))


def _shared(data: Dataset) -> Dataset:
    """A new Dataset over copies of `data`'s tables (a few ms; reading them again costs tens), with its name
    index built once."""
    copy = Dataset(**{name: getattr(data, name).copy() for name in (*PROCESSED_TABLES, "regions", "aliases")},
                   version=data.version, warnings=list(data.warnings), release=data.release)
    copy.__dict__["names"] = data.names
    return copy


def _read_processed(path: Path) -> pd.DataFrame:
    """One processed CSV in the dtypes of data/reference/columns.csv (text stays text: "16.10" is not 16.1,
    and a column blank in every row is text, not float)."""
    text = [name for name, column in schema.columns(path.stem).items() if column.type == "string"]
    frame = pd.read_csv(path, dtype=dict.fromkeys(text, str), keep_default_na=False, na_values=[""])
    for column in frame.columns.intersection(_BLANK_AS_EMPTY):
        frame[column] = frame[column].fillna("")
    return schema.conform(frame, path.stem)


def _input_checksums(data_dir) -> dict[str, str]:
    files = [*raw_files(data_dir)]
    ref = paths.reference_dir(data_dir)
    files += [ref / paths.REGIONS_FILE, ref / paths.ALIASES_FILE, ref / grading.SCHEMES_FILE,
              paths.data_root(data_dir) / RELEASE_FILE, paths.reference_dir(paths.package_data_root()) / "columns.csv"]
    return {
        f"{p.parent.name}/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "missing"
        for p in files
    }


def _manifest(data_dir) -> dict:
    return {"inputs": _input_checksums(data_dir), "package_version": __version__,
            "code": code_checksum(PROCESSING_MODULES)}


#: The modules whose code shapes data/processed: a change to one of them rebuilds it.
PROCESSING_MODULES = ("dataset.py", "reconcile.py", "validation.py", "grading.py", "schemes.py", "io.py", "schema.py",
                      "parsing.py")


def code_checksum(modules: Iterable[str] | None = None) -> str:
    """SHA-256 over the named package modules (all of them when None), so code counts as an input."""
    here = Path(__file__).parent
    parts = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(here.glob("*.py")) if modules is None or p.name in modules}
    return _digest(parts)


def _digest(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _read_manifest(folder: Path) -> dict | None:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if not all((folder / f"{name}.csv").is_file() for name in PROCESSED_TABLES):
        return None
    return manifest


def _atomic_write(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
