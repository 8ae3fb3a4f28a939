"""Exports survive the tools that read them: every code and value comes back from CSV (with the datapackage's
types), Parquet, Stata and XLSX; the data package validates with frictionless; two writes are identical."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from frictionless import Package

from kepatuhan import dataset, exports, schema, site

MAIN = ("entities", "units", "aggregates")


@pytest.fixture(scope="module")
def downloads(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("site")
    site.write_downloads(out, data)
    return out / site.DOWNLOADS


def _expected(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The source frame in its declared types, judged by columns.csv alone (not by any writer)."""
    return schema.typed(frame, table).reset_index(drop=True)


def _codes(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.endswith("_code") or c == "code"]


def test_the_schema_describes_every_column_of_every_published_table(data):
    for name, frame in data.tables().items():
        described = schema.columns(name)
        assert list(frame.columns) == list(described), name
        for column in described.values():
            assert column.description_en and column.description_id and column.description_en != column.description_id
    assert list(schema.columns("report")) == list(site.CSV_COLUMNS)


def test_every_published_table_keeps_the_schemas_rules(data):
    """Allowed values, ranges and blanks as columns.csv states them hold in the data itself."""
    for name, frame in data.tables().items():
        for column in schema.columns(name).values():
            values = frame[column.name]
            present = values[values.notna() & (values.astype(str) != "")]
            if column.required:
                assert len(present) == len(values), f"{name}.{column.name} has blanks"
            if column.allowed:
                assert set(present.astype(str)) <= set(column.allowed), f"{name}.{column.name}"
            if column.minimum is not None:
                assert (present.astype(float) >= column.minimum).all()
            if column.maximum is not None:
                assert (present.astype(float) <= column.maximum).all()


def test_the_codebook_describes_every_column_and_opinion_as_the_data_fill_it(downloads, data):
    readme = (downloads / "README.txt").read_text(encoding="utf-8")
    for name in MAIN:
        for column in getattr(data, name).columns:
            line = next(li for li in readme.splitlines() if li.startswith(f"  {column}: "))
            assert len(line) > len(f"  {column}: ") + 10
    filled = data.entities[data.entities["opinion"].notna()]
    assert (filled["year"] < 2025).any()  # the issue found it filled in 2022–2024 too, not only for 2025
    opinion = next(li for li in readme.splitlines() if li.startswith("  opinion: "))
    assert "2022" in opinion and "2025 opini label" not in opinion
    assert data.release in readme and data.version in readme


def test_the_data_package_validates_with_frictionless_and_types_codes_as_string(downloads, tmp_path, data):
    report = Package(str(downloads / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    descriptor = json.loads((downloads / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for r in descriptor["resources"] for f in r["schema"]["fields"]}
    assert fields["entity_code"]["type"] == "string" and fields["scope_code"]["type"] == "string"
    # and it can fail: a zone outside the vocabulary is caught
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    for name in MAIN:
        text = (downloads / f"kepatuhan-{name}.csv").read_text(encoding="utf-8")
        (tmp_path / f"kepatuhan-{name}.csv").write_text(text.replace(",hijau,", ",biru,", 1), encoding="utf-8")
    assert not Package(str(tmp_path / "datapackage.json")).validate().valid


def test_processed_folder_carries_parquet_and_a_valid_data_package(tmp_path):
    import shutil

    from kepatuhan import paths

    for part in ("raw", "reference"):
        shutil.copytree(paths.data_root() / part, tmp_path / part)
    dataset.process(tmp_path, force=True)
    processed = tmp_path / "processed"
    assert Package(str(processed / "datapackage.json")).validate().valid
    for name in dataset.PROCESSED_TABLES:
        assert pq.read_table(processed / f"{name}.parquet").num_rows == len(pd.read_csv(processed / f"{name}.csv"))


@pytest.mark.parametrize("name", MAIN)
def test_each_download_reads_back_with_every_code_and_value(downloads, data, name):
    source = getattr(data, name)
    expected = _expected(source, name)
    # CSV with the datapackage's types
    from_csv = pd.read_csv(downloads / f"kepatuhan-{name}.csv", dtype=schema.pandas_dtypes(name),
                           keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(from_csv, expected, check_exact=False, atol=0.005)
    # Parquet
    from_parquet = pq.read_table(downloads / f"kepatuhan-{name}.parquet").to_pandas()
    assert {str(t) for t in pq.read_schema(downloads / f"kepatuhan-{name}.parquet").types} <= {
        "string", "large_string", "int64", "double", "bool"}
    pd.testing.assert_frame_equal(from_parquet.astype(expected.dtypes.to_dict()), expected)
    # Stata: text without missing, numbers as they were
    from_stata = pd.read_stata(downloads / f"kepatuhan-{name}.dta")
    for column in expected.columns:
        want, got = expected[column], from_stata[column]
        if schema.columns(name)[column].type == "string":
            assert list(got) == [v if isinstance(v, str) else "" for v in want], column
        else:
            pd.testing.assert_series_equal(got.astype("float64"), want.astype("float64"), check_names=False)
    # XLSX: codes are text cells
    book = openpyxl.load_workbook(downloads / "kepatuhan.xlsx", read_only=True)
    rows = list(book[name].iter_rows(values_only=True))
    header = list(rows[0])
    for code in _codes(source):
        cells = [r[header.index(code)] for r in rows[1:]]
        assert cells == [v if isinstance(v, str) else None for v in source[code]], code


def test_codes_that_look_like_numbers_stay_text(downloads, data):
    codes = set(data.entities["entity_code"])
    assert {"16.10", "14.10"} <= codes
    for fmt in ("csv", "parquet", "dta"):
        path = downloads / f"kepatuhan-entities.{fmt}"
        if fmt == "csv":
            back = pd.read_csv(path, dtype=schema.pandas_dtypes("entities"))
        elif fmt == "parquet":
            back = pd.read_parquet(path)
        else:
            back = pd.read_stata(path)
        assert {"16.10", "14.10"} <= set(back["entity_code"]), fmt
    assert set(pd.read_stata(downloads / "kepatuhan-entities.dta")["scheme"]) == set(data.entities["scheme"])
    assert any("–" in s for s in data.entities["scheme"])


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_two_writes_are_byte_identical(data, fmt):
    assert exports.table_bytes(data.entities, fmt, "entities") == exports.table_bytes(data.entities.copy(), fmt,
                                                                                        "entities")


def test_export_table_writes_where_asked_and_returns_full_paths(tmp_path, monkeypatch, data):
    frame = data.entities[data.entities["entity_code"].isin(["16.10", "14.10", "17.02"])]
    monkeypatch.chdir(tmp_path)
    written = exports.export_table(frame, "three", formats=exports.FORMATS)
    assert written == [tmp_path / "exports" / f"three.{fmt}" for fmt in exports.FORMATS]
    assert all(p.is_absolute() and p.is_file() for p in written)
    elsewhere = exports.export_table(frame, "three", tmp_path / "mine", formats=("csv",))
    assert elsewhere == [tmp_path / "mine" / "three.csv"]
    rows = list(csv.DictReader(io.StringIO(elsewhere[0].read_text(encoding="utf-8"))))
    assert [r["entity_code"] for r in rows] == list(frame["entity_code"])
    assert set(pd.read_parquet(written[2])["entity_code"]) == {"16.10", "14.10", "17.02"}


def test_a_full_disk_leaves_no_truncated_export(tmp_path, monkeypatch, data):
    target = tmp_path / "out"
    exports.export_table(data.units, "units", target, formats=("csv",))
    before = (target / "units.csv").read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kepatuhan.files.os.fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        exports.export_table(data.entities, "units", target, formats=("csv",))
    assert (target / "units.csv").read_bytes() == before
    assert [p.name for p in target.iterdir()] == ["units.csv"]
