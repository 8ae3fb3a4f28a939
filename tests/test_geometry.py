"""Boundary geometry: the conversion on a tiny hand-made SQL fixture, and the shipped files."""

import json
import subprocess
import sys

import pandas as pd
import pytest
import shapely

from kepatuhan import geometry, paths
from kepatuhan.errors import DataError

HEADER = ("/*\nfixture in the upstream layout (made for these tests)\n*/\n"
          "INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES\n")
# A jagged shared border at lon 100.5: wiggles of 0.0001 degrees, well under the tolerance.
BORDER = [(100.5 + (0.0001 if i % 2 else 0.0), 1.0 - i * 0.01) for i in range(101)]  # (lon, lat), north → south


def _ring(points):
    """(lon, lat) points → the upstream's [lat, lon] JSON ring, closed."""
    points = [*points, points[0]]
    return [[lat, lon] for lon, lat in points]


def _row(code, name, polygons, lead="\t"):
    return f"{lead}('{code}','{name}',0.5,100.5,'{json.dumps(polygons)}')"


def _write_source(folder, kab_rows, prov_rows):
    for sub, rows in (("kab", kab_rows), ("prov", prov_rows)):
        (folder / sub).mkdir(parents=True)
        (folder / sub / f"wilayah_boundaries_{sub}_1.sql").write_text(HEADER + ",\n".join(rows) + ";\n")
    (folder / "LICENSE").write_text("MIT License\n\nCopyright (c) 2024 Cahya DSN\n")


def _data(folder, codes=(("17", "Bengkulu", "provinsi"), ("17.01", "Kabupaten Barat", "kabupaten"),
                         ("17.71", "Kota Timur", "kota"))):
    (folder / "reference").mkdir(parents=True)
    pd.DataFrame([{"code": c, "name": n, "type": t, "province_code": "17"} for c, n, t in codes]).to_csv(
        folder / "reference" / paths.REGIONS_FILE, index=False)
    return folder


WEST = [(100.0, 1.0), *BORDER, (100.0, 0.0)]  # clockwise: the conversion orients rings itself
EAST = [(101.0, 1.0), *BORDER, (101.0, 0.0)]
HOLE_DEGENERATE = [[0.5, 100.2], [0.51, 100.21], [0.5, 100.2]]  # 3 points: encloses nothing, dropped


@pytest.fixture
def source(tmp_path):
    west = [_ring(WEST), HOLE_DEGENERATE]  # depth 3: one polygon
    east = [[_ring(EAST)], [_ring([(101.2, 0.2), (101.4, 0.2), (101.4, 0.4), (101.2, 0.4)])]]  # depth 4: two parts
    whole = [_ring([(100.0, 0.0), (101.0, 0.0), (101.0, 1.0), (100.0, 1.0)])]
    _write_source(tmp_path / "src", [_row("17.01", "Kabupaten Barat", west), _row("17.71", "Kota Timur", east, " \t")],
                  [_row("17", "Bengkulu", whole)])
    return tmp_path / "src"


def _features(path):
    return {f["properties"]["code"]: f for f in json.loads(path.read_text())["features"]}


def test_conversion_swaps_to_lon_lat_and_keeps_shared_border_once(source, tmp_path):
    data = _data(tmp_path / "data")
    written = geometry.convert(source, data)
    kab = _features(written["kabkota"])
    assert set(kab) == {"17.01", "17.71"}
    west = shapely.geometry.shape(kab["17.01"]["geometry"])
    east = shapely.geometry.shape(kab["17.71"]["geometry"])
    assert west.bounds == pytest.approx((100.0, 0.0, 100.5, 1.0), abs=2e-4)  # lon first, lat second
    assert len(east.geoms) == 2 and all(p.is_valid for p in (west, east))
    # simplified: the wiggles are gone, and both sides moved the same way (no gap, no overlap)
    assert shapely.get_num_coordinates(west) < len(WEST) / 2
    assert west.intersection(east).area == pytest.approx(0.0, abs=1e-9)
    assert west.union(east).difference(shapely.box(100, 0, 101, 1)).area == pytest.approx(0.04, abs=1e-6)
    assert shapely.box(100, 0, 101, 1).difference(west.union(east)).area == pytest.approx(0.0, abs=1e-9)
    assert kab["17.71"]["properties"] == {"code": "17.71", "name": "Kota Timur", "province_code": "17",
                                          "label": kab["17.71"]["properties"]["label"]}
    assert east.contains(shapely.Point(kab["17.71"]["properties"]["label"]))
    licence = (data / "reference" / geometry.BOUNDARIES_DIR / geometry.LICENCE_FILE).read_text()
    assert "Copyright (c) 2024 Cahya DSN" in licence and "MIT License" in licence


def test_conversion_is_byte_stable(source, tmp_path):
    data = _data(tmp_path / "data")
    first = geometry.convert(source, data)["kabkota"].read_bytes()
    assert geometry.convert(source, data)["kabkota"].read_bytes() == first


def test_missing_duplicated_and_unknown_codes_are_reported(tmp_path):
    square = [_ring([(100.0, 0.0), (101.0, 0.0), (101.0, 1.0), (100.0, 1.0)])]
    _write_source(tmp_path / "src", [_row("17.01", "Kabupaten Barat", square), _row("17.01", "Again", square),
                                     _row("17.99", "Kabupaten Lain", square)], [_row("17", "Bengkulu", square)])
    data = _data(tmp_path / "data")
    with pytest.raises(DataError) as caught:
        geometry.convert(tmp_path / "src", data)
    messages = [str(p) for p in caught.value.problems]
    assert "regions.csv: code: 17.71 has no kabkota geometry" in messages
    assert any(m.startswith("wilayah_boundaries_kab_1.sql:6: kode: 17.01 given twice") for m in messages)
    assert "wilayah_boundaries_kab_1.sql:7: kode: 17.99 is not a kabkota in regions.csv" in messages
    assert not (data / "reference" / geometry.BOUNDARIES_DIR).exists()  # nothing written when a check fails


def test_cli_without_source_is_one_line(tmp_path, capsys):
    from kepatuhan.cli import main

    assert main(["geometry", "--source", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("nowhere: boundary source folder not found (use --source)")


# -- the shipped files -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def regions():
    return pd.read_csv(paths.reference_dir() / paths.REGIONS_FILE, dtype=str, keep_default_na=False)


def test_every_region_has_geometry_and_every_geometry_a_region(regions):
    assert geometry.check(regions) == []
    kab, prov = geometry.load("kabkota"), geometry.load("provinsi")
    assert set(kab) == set(regions.loc[regions["type"].isin(["kabupaten", "kota"]), "code"])
    assert set(prov) == set(regions.loc[regions["type"] == "provinsi", "code"])
    assert len(kab) == 514 and len(prov) == 38
    assert {"91", "92", "93", "94", "95", "96"} <= set(prov)  # Papua and the provinces made from it in 2022
    assert all(kab[c].province_code == c.split(".")[0] for c in kab)


@pytest.mark.parametrize("level", list(geometry.LEVELS))
def test_shipped_polygons_are_valid_and_codes_unique(level):
    features = json.loads(geometry.geometry_file(level).read_text())["features"]
    codes = [f["properties"]["code"] for f in features]
    assert len(codes) == len(set(codes))
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    invalid = [c for c, s in zip(codes, shapes, strict=True) if not s.is_valid or s.is_empty]
    assert invalid == []
    # the label point lies on the region
    off = [c for c, s, f in zip(codes, shapes, features, strict=True)
           if not s.buffer(1e-3).contains(shapely.Point(f["properties"]["label"]))]
    assert off == []


def test_shipped_files_stay_small():
    sizes = {level: geometry.geometry_file(level).stat().st_size for level in geometry.LEVELS}
    assert sum(sizes.values()) < 4_000_000, sizes
    assert (geometry.geometry_file("kabkota").parent / geometry.LICENCE_FILE).read_text().count("Cahya DSN") == 1


def test_load_reads_once_per_process(monkeypatch):
    """Counted at the file: a second load, and maps drawn after it, do not read the boundaries again."""
    from kepatuhan import dataset, maps

    reads = []
    parse = geometry.json.load
    monkeypatch.setattr(geometry.json, "load", lambda handle: reads.append(handle.name) or parse(handle))
    geometry._load.cache_clear()
    first = geometry.load("kabkota")
    assert reads == [str(geometry.geometry_file("kabkota"))]
    assert geometry.load("kabkota") is first
    entities = dataset.load().entities
    maps.province_map(entities, "17", 2024)
    maps.province_map(entities, "16", 2024)
    assert reads.count(str(geometry.geometry_file("kabkota"))) == 1


def test_reports_draw_maps_without_shapely():
    code = ("import sys; from kepatuhan import maps, dataset; "
            "maps.province_map(dataset.load().entities, '17', 2024); "
            "print('shapely' in sys.modules, 'geopandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_source_without_licence_is_refused(source, tmp_path):
    (source / "LICENSE").unlink()
    with pytest.raises(DataError, match="LICENSE: missing: derived files must carry the source's licence"):
        geometry.convert(source, _data(tmp_path / "data"))
