"""Units inside an entity list, lists of published counts, and the coverage tables (issue 19)."""

import csv

import pandas as pd

from kepatuhan import coverage, dataset, paths
from kepatuhan.cli import main

SOURCE = "https://example.org/synthetic"


def test_land_offices_in_an_entity_list_become_unit_rows(tmp_path):
    listed = tmp_path / "list.csv"
    listed.write_text("Nama Instansi,entity_type,Provinsi,Nilai,Tahun,source_url\n"
                      f"Kabupaten Buru,kabupaten,Maluku,59.86,2024,{SOURCE}\n"
                      f"Kantor Pertanahan Kota Ambon,kantor_pertanahan,Maluku,79.20,2022,{SOURCE}\n"
                      f"Kantor Wilayah ATR/BPN Provinsi Maluku,,Maluku,67.49,2022,{SOURCE}\n", encoding="utf-8")
    assert main(["import", str(listed), "--out", str(tmp_path / "out.csv")]) == 0
    entities = pd.read_csv(tmp_path / "out.csv", dtype=str)
    units = pd.read_csv(tmp_path / "out_units.csv", dtype=str)
    assert entities["entity_code"].tolist() == ["81.04"]
    assert units["unit_code"].tolist() == ["atr-bpn/81.71", "atr-bpn/81"]  # README: atr-bpn/<regency code>
    assert set(units["parent_code"]) == {"kementerian-atr-bpn"} and set(units["province_code"]) == {"81"}
    assert main(["validate", str(tmp_path / "out_units.csv")]) == 0


def test_a_count_list_becomes_an_aggregate_file_and_opini_counts_are_reported(tmp_path, capsys):
    listed = tmp_path / "counts.csv"
    listed.write_text("year,scope_code,entity_type,measure,count,percent,source_url\n"
                      f"2022,Jawa Tengah,kabupaten,A,19,,{SOURCE}\n"
                      f"2022,,provinsi,zona hijau,19,\"55,88\",{SOURCE}\n"
                      f"2025,35,pemda,Kualitas Tertinggi,8,,{SOURCE}\n", encoding="utf-8")
    assert main(["import", str(listed), "--out", str(tmp_path / "out.csv"), "--skip-invalid"]) == 0
    err = capsys.readouterr().err
    assert "counts.csv:4: measure: 'Kualitas Tertinggi' is not a measure" in err
    written = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert written[["scope_code", "measure", "count", "percent"]].values.tolist() == [
        ["33", "A", "19", ""], ["", "hijau", "19", "55.88"]]
    assert main(["validate", str(tmp_path / "out.csv")]) == 0


def _raw_entity_rows():
    rows = []
    for path in sorted(paths.raw_dir().glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows += [r for r in csv.DictReader(handle) if "entity_code" in r]
    return rows


def test_coverage_counts_agree_with_the_raw_rows_and_the_published_numbers():
    data = dataset.load()
    table = coverage.by_type(data, year=2024).set_index("entity_type")
    raw = {(r["entity_code"]) for r in _raw_entity_rows() if r["year"] == "2024" and r["entity_type"] == "kabupaten"}
    assert table.loc["kabupaten", "with_data"] == len(raw)  # entity-years: one per entity however many sources
    assert table.loc["kabupaten", "published"] == 416  # 2024 kabupaten assessed (data/README.md: 415–416)
    assert table.loc["kabupaten", "regions"] == 416


def test_missing_lists_exactly_the_kabkota_of_the_region_list_without_a_row():
    data = dataset.load()
    gaps = coverage.missing(data, 2024, "Nusa Tenggara Timur")
    regions = pd.read_csv(paths.reference_dir() / paths.REGIONS_FILE, dtype=str, keep_default_na=False)
    ntt = set(regions[(regions["province_code"] == "53") & regions["type"].isin(["kabupaten", "kota"])]["code"])
    held = {r["entity_code"] for r in _raw_entity_rows() if r["year"] == "2024"}
    assert set(gaps["code"]) == ntt - held and len(gaps) > 0
