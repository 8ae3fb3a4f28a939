"""Boundaries of the provinces and kab/kota: converted once from the upstream SQL, loaded once per process.

`convert()` (the `kepatuhan geometry` command) reads the `wilayah_boundaries` INSERT scripts (points
stored as [lat, lon]) and writes one GeoJSON file per level under data/reference/boundaries/, in
[lon, lat], simplified as a coverage so that a border shared by two regions is simplified once and no
gap or sliver opens between them. It needs shapely (the optional `geo` extra). `load()` reads the
shipped files with json and numpy only, so a report never pays shapely's import.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths
from .errors import DataError, Problem

LEVELS = {"provinsi": ("provinsi",), "kabkota": ("kabupaten", "kota")}
BOUNDARIES_DIR = "boundaries"
LICENCE_FILE = "LICENSE-wilayah_boundaries.txt"
#: Coverage simplification tolerance in degrees (about 220 m at the equator: under a pixel on a
#: province map 7 inches wide), and the rounding of the written coordinates (about 11 m).
TOLERANCE = 0.002
DECIMALS = 4
#: Islets below this area (square degrees, about 0.12 km²) are dropped unless they are a region's only
#: land: at report size they are smaller than a pixel.
MIN_PART_AREA = 0.00001
SOURCE = "cahyadsn/wilayah_boundaries"

_ROW = re.compile(
    r"\(\s*'(?P<code>[0-9.]+)'\s*,\s*'(?P<name>(?:[^'\\]|\\.|'')*)'\s*,\s*(?P<lat>[-+0-9.eE]+)\s*,"
    r"\s*(?P<lng>[-+0-9.eE]+)\s*,\s*'(?P<path>[^']*)'\s*\)"
)
_ROW_START = re.compile(r"^\s*\(\s*'", re.M)


def geometry_file(level: str, data_dir: Path | str | None = None) -> Path:
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    return paths.reference_dir(data_dir) / BOUNDARIES_DIR / f"{level}.geojson"


# -- reading the upstream SQL ------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceRow:
    code: str
    name: str
    polygons: list  # [[outer ring, hole, …], …], each ring a list of (lon, lat)
    file: str
    line: int


def read_sql(files: list[Path]) -> tuple[list[SourceRow], list[Problem]]:
    """Every (kode, nama, lat, lng, path) row of the INSERT scripts, points turned into (lon, lat)."""
    rows: list[SourceRow] = []
    problems: list[Problem] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        label = path.name
        found = 0
        for match in _ROW.finditer(text):
            found += 1
            line = text.count("\n", 0, match.start()) + 1
            name = match["name"].replace("''", "'").replace("\\'", "'")
            try:
                polygons = _polygons(json.loads(match["path"]))
            except (ValueError, TypeError, IndexError) as exc:
                problems.append(Problem(label, line, "path", f"unreadable polygon for {match['code']}: {exc}"))
                continue
            rows.append(SourceRow(match["code"], name, polygons, label, line))
        starts = len(_ROW_START.findall(text))
        if starts != found:
            problems.append(Problem(label, None, "", f"{starts} value rows, {found} of them readable"))
    return rows, problems


def _polygons(nested: list) -> list:
    """[lat, lon] nesting of depth 3 (one polygon: outer ring then holes) or 4 (several) → (lon, lat)."""
    depth, probe = 0, nested
    while isinstance(probe, list):
        depth, probe = depth + 1, probe[0]
    if depth == 3:
        nested = [nested]
    elif depth != 4:
        raise ValueError(f"expected rings nested 3 or 4 deep, found {depth}")
    polygons = []
    for polygon in nested:
        rings = [[(float(lon), float(lat)) for lat, lon in ring] for ring in polygon]
        if len(rings[0]) >= 4:  # rings of under 4 points enclose nothing (the source has a few)
            polygons.append([rings[0], *(ring for ring in rings[1:] if len(ring) >= 4)])
    if not polygons:
        raise ValueError("no ring of 4 or more points")
    return polygons


# -- conversion ----------------------------------------------------------------------------------------

def convert(source_dir: Path | str, data_dir: Path | str | None = None,
            tolerance: float = TOLERANCE) -> dict[str, Path]:
    """Write data/reference/boundaries/{provinsi,kabkota}.geojson and the licence beside them."""
    import shapely  # the optional `geo` extra: only this step needs it

    source = Path(source_dir)
    if not source.is_dir():
        raise DataError([Problem(str(source), None, "", "boundary source folder not found (use --source)")])
    licence = source / "LICENSE"
    if not licence.is_file():
        raise DataError([Problem(str(licence), None, "", "missing: derived files must carry the source's licence")])
    regions = pd.read_csv(paths.reference_dir(data_dir) / paths.REGIONS_FILE, dtype=str, keep_default_na=False)
    out_dir = paths.reference_dir(data_dir) / BOUNDARIES_DIR
    written = {}
    texts = {}
    problems: list[Problem] = []
    for level, folder in (("provinsi", "prov"), ("kabkota", "kab")):
        files = sorted((source / folder).glob("*.sql"))
        if not files:
            problems.append(Problem(str(source / folder), None, "", "no .sql files"))
            continue
        rows, found = read_sql(files)
        found += _code_problems(rows, regions, level)
        problems += found
        if found:
            continue
        geoms = simplified([_shape(row.polygons) for row in rows], tolerance)
        invalid = [row for row, g in zip(rows, geoms, strict=True) if not shapely.is_valid(g) or g.is_empty]
        problems += [Problem(r.file, r.line, "path", f"{r.code}: no valid polygon after conversion") for r in invalid]
        texts[level] = _geojson(rows, geoms, regions, tolerance)
    if problems:
        raise DataError(problems)
    for level, text in texts.items():
        written[level] = out_dir / f"{level}.geojson"
        _write(written[level], text)
    _write(out_dir / LICENCE_FILE, _licence_text(licence.read_text(encoding="utf-8")))
    _load.cache_clear()
    return written


def simplified(geoms: list, tolerance: float) -> list:
    """Repair, simplify as one coverage (shared borders once), drop islets, snap to the written grid."""
    import shapely

    repaired = [_polygonal(shapely.make_valid(g)) if not shapely.is_valid(g) else g for g in geoms]
    simple = shapely.coverage_simplify(repaired, tolerance) if tolerance > 0 else repaired
    out = []
    for geom in simple:
        parts = list(shapely.get_parts(_polygonal(geom)))
        kept = [p for p in parts if p.area >= MIN_PART_AREA] or [max(parts, key=lambda p: p.area)]
        snapped = shapely.set_precision(shapely.MultiPolygon(kept), 10.0 ** -DECIMALS)
        out.append(shapely.orient_polygons(_polygonal(snapped)))
    return out


def _shape(polygons: list):
    import shapely

    return shapely.MultiPolygon([shapely.Polygon(rings[0], rings[1:]) for rings in polygons])


def _polygonal(geom):
    """Only the polygonal parts (a repair may leave lines or points behind), as one MultiPolygon."""
    import shapely

    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(parts)


def _code_problems(rows: list[SourceRow], regions: pd.DataFrame, level: str) -> list[Problem]:
    """Every region of the level has geometry, every geometry a region, no code twice."""
    expected = set(regions.loc[regions["type"].isin(LEVELS[level]), "code"])
    problems, seen = [], {}
    for row in rows:
        if row.code in seen:
            problems.append(Problem(row.file, row.line, "kode", f"{row.code} given twice (first at "
                                                                  f"{seen[row.code].file}:{seen[row.code].line})"))
        elif row.code not in expected:
            problems.append(Problem(row.file, row.line, "kode", f"{row.code} is not a {level} in regions.csv"))
        seen.setdefault(row.code, row)
    problems += [Problem(paths.REGIONS_FILE, None, "code", f"{code} has no {level} geometry")
                 for code in sorted(expected - set(seen))]
    return problems


def _geojson(rows: list[SourceRow], geoms: list, regions: pd.DataFrame, tolerance: float) -> str:
    """One feature per line (readable diffs), sorted by code, coordinates rounded: byte-stable output."""
    import shapely
    import shapely.ops

    province_of = dict(zip(regions["code"], regions["province_code"], strict=True))
    name_of = dict(zip(regions["code"], regions["name"], strict=True))
    features = []
    for row, geom in sorted(zip(rows, geoms, strict=True), key=lambda pair: pair[0].code):
        largest = max(shapely.get_parts(geom), key=lambda p: p.area)
        label = shapely.ops.polylabel(largest, tolerance=0.01)
        coordinates = [[_rounded(part.exterior.coords), *(_rounded(hole.coords) for hole in part.interiors)]
                       for part in shapely.get_parts(geom)]
        feature = {
            "type": "Feature",
            "properties": {"code": row.code, "name": name_of[row.code], "province_code": province_of[row.code],
                           "label": _rounded([label.coords[0]])[0]},
            "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
        }
        features.append(json.dumps(feature, separators=(",", ":"), ensure_ascii=False))
    head = json.dumps({
        "type": "FeatureCollection",
        "source": f"{SOURCE} (MIT, Copyright (c) 2024 Cahya DSN); see {LICENCE_FILE}",
        "simplification": f"coverage simplification, tolerance {tolerance} degrees; coordinates rounded to "
                          f"{DECIMALS} decimals; islets under {MIN_PART_AREA} square degrees dropped",
    }, separators=(",", ":"), ensure_ascii=False)
    return head[:-1] + ',"features":[\n' + ",\n".join(features) + "\n]}\n"


def _rounded(coords) -> list:
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in coords]


def _licence_text(upstream: str) -> str:
    return (f"The boundary files in this folder are derived (converted to GeoJSON, simplified) from\n"
            f"{SOURCE}, whose licence follows.\n\n{upstream.rstrip()}\n")


def _write(path: Path, text: str) -> None:
    from .dataset import atomic_write_bytes

    atomic_write_bytes(path, text.encode("utf-8"))
    path.chmod(0o644)  # a shipped file, readable like the rest of the repository


# -- loading at report time ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    """One region's outline: polygons of (n, 2) lon/lat arrays, outer ring first, then its holes."""

    code: str
    name: str
    province_code: str
    polygons: tuple[tuple[np.ndarray, ...], ...]
    label: tuple[float, float]  # a point well inside the largest part, for the region's name

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        outer = np.concatenate([polygon[0] for polygon in self.polygons])
        (x0, y0), (x1, y1) = outer.min(axis=0), outer.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)


@functools.cache
def _load(path: str) -> dict[str, Shape]:
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    shapes = {}
    for feature in collection["features"]:
        props = feature["properties"]
        if props["code"] in shapes:
            raise DataError([Problem(path, None, "code", f"{props['code']} has two features")])
        polygons = tuple(tuple(np.asarray(ring, dtype=float) for ring in polygon)
                         for polygon in feature["geometry"]["coordinates"])
        shapes[props["code"]] = Shape(props["code"], props["name"], props["province_code"], polygons,
                                      tuple(props["label"]))
    return shapes


def load(level: str, data_dir: Path | str | None = None) -> dict[str, Shape]:
    """Shapes of one level by code, read once per process (every report of a worker shares them)."""
    path = geometry_file(level, data_dir)
    if not path.is_file():
        raise DataError([Problem(str(path), None, "", "boundary file missing; run `kepatuhan geometry`")])
    return _load(str(path))



def check(regions: pd.DataFrame, data_dir: Path | str | None = None) -> list[Problem]:
    """The shipped files against regions.csv: every code has geometry, every geometry a code, closed rings."""
    problems = []
    for level, types in LEVELS.items():
        path = geometry_file(level, data_dir)
        shapes = load(level, data_dir)
        expected = set(regions.loc[regions["type"].isin(types), "code"])
        problems += [Problem(str(path), None, "code", f"{c} has no geometry") for c in sorted(expected - set(shapes))]
        problems += [Problem(str(path), None, "code", f"{c} is not a {level} in regions.csv")
                     for c in sorted(set(shapes) - expected)]
        for shape in shapes.values():
            rings = [ring for polygon in shape.polygons for ring in polygon]
            if not rings or any(len(r) < 4 or not np.array_equal(r[0], r[-1]) for r in rings):
                problems.append(Problem(str(path), None, "geometry", f"{shape.code}: a ring is open or too short"))
    return problems
