from pathlib import Path

import pandas as pd
import pytest

from kepatuhan import dataset
from kepatuhan.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "messy_list.csv"
SOURCE = "https://example.org/daftar-nilai"
# What each numbered row of the messy list is, read off the official region list by hand.
TRUE_CODES = {
    1: "17.04", 2: "17.01", 3: "17.07", 4: "17.02", 5: "17.08", 6: "17.09", 7: "17.71", 8: "17",
    9: "12.07", 10: "12.74", 11: "12.12", 12: "12.77", 13: "81.07", 14: "81.71", 15: "35.07",
    16: "35.73", 17: "72.04", 18: "74.72", 19: "71", 20: "13.07", 21: "13.09", 22: "12.72",
    23: "12.22", 24: "63.02",
}


def run_import(tmp_path, *extra):
    out = tmp_path / "out.csv"
    status = main(["import", str(FIXTURE), "--out", str(out), "--year", "2024",
                   "--source-url", SOURCE, *extra])
    return status, out


def test_messy_list_matches_every_name_to_the_right_code(tmp_path):
    status, out = run_import(tmp_path)
    assert status == 0
    written = pd.read_csv(out, dtype=str)
    # source_row is the file line: the header is line 1, list number N is line N + 1.
    found = {int(r.source_row) - 1: r.entity_code for r in written.itertuples()}
    right = sum(found.get(n) == code for n, code in TRUE_CODES.items())
    wrong = [n for n, code in found.items() if TRUE_CODES[n] != code]
    assert wrong == []
    assert right / len(TRUE_CODES) >= 0.95
    row = written.set_index("entity_code").loc["17.02"]
    assert (row["score"], row["zone"], row["category"]) == ("93.07", "hijau", "A")
    assert written.set_index("entity_code").loc["17.01", "score"] == "95.57"  # "95, 57"
    assert main(["validate", str(out)]) == 0  # the output is a valid raw file


def test_never_overwrites_without_force(tmp_path, capsys):
    status, out = run_import(tmp_path)
    before = out.read_bytes()
    status, out = run_import(tmp_path)
    assert status == 2
    assert "already exists; use --force to overwrite" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert run_import(tmp_path, "--force")[0] == 0


def messy_copy(tmp_path, extra_lines):
    path = tmp_path / "list.csv"
    path.write_text(FIXTURE.read_text(encoding="utf-8") + extra_lines, encoding="utf-8")
    return path


def test_any_bad_row_means_nothing_is_written(tmp_path, capsys):
    source = messy_copy(tmp_path, "25;Kabupaten Atlantis;Bengkulu;90,00;;\n26;Pemkab Kaur;Bengkulu;abc;;\n")
    out = tmp_path / "out.csv"
    status = main(["import", str(source), "--out", str(out), "--year", "2024", "--source-url", SOURCE])
    err = capsys.readouterr().err
    assert status == 2 and not out.exists()
    assert "list.csv:26: name: no entity named 'Kabupaten Atlantis' (kabupaten in Bengkulu)" in err
    assert "list.csv:27: score: 'abc' is not a number" in err


def test_skip_invalid_writes_the_good_rows_and_lists_the_rest(tmp_path, capsys):
    source = messy_copy(tmp_path, "25;Kabupaten Atlantis;Bengkulu;90,00;;\n")
    out = tmp_path / "out.csv"
    status = main(["import", str(source), "--out", str(out), "--year", "2024",
                   "--source-url", SOURCE, "--skip-invalid"])
    assert status == 0
    assert len(pd.read_csv(out)) == len(TRUE_CODES)
    assert "Skipped 1 invalid row(s)" in capsys.readouterr().err


def test_label_contradicting_the_score_is_refused(tmp_path, capsys):
    source = tmp_path / "list.csv"
    source.write_text("Nama Instansi,Tahun,Nilai,Kategori\nPemkab Kaur,2024,80.00,A\n", encoding="utf-8")
    status = main(["import", str(source), "--out", str(tmp_path / "o.csv"), "--source-url", SOURCE])
    assert status == 2
    assert "category: published category 'A' contradicts 80.00 in 2024" in capsys.readouterr().err


def test_xlsx_with_english_headers(tmp_path):
    source = tmp_path / "list.xlsx"
    pd.DataFrame({"Entity": ["Pemkot Bengkulu", "Pemprov Bengkulu"], "Year": [2024, 2024],
                  "Score": ["90,74", "88.30"], "Zone": ["Green", "hijau"]}).to_excel(source, index=False)
    out = tmp_path / "out.csv"
    assert main(["import", str(source), "--out", str(out), "--source-url", SOURCE]) == 0
    assert list(pd.read_csv(out, dtype=str)["entity_code"]) == ["17.71", "17"]


@pytest.mark.parametrize("args, message", [
    (["--year", "2020"], "--year: 2020 had no assessment"),
    (["--year", "2024", "--source-url", "not a url"], "is not an http(s) address"),
    (["--year", "2024"], "no source_url column: give --source-url"),
])
def test_bad_arguments_are_one_line(tmp_path, capsys, args, message):
    if "--source-url" not in args and "2020" in args:
        args = [*args, "--source-url", SOURCE]
    status = main(["import", str(FIXTURE), "--out", str(tmp_path / "o.csv"), *args])
    assert status == 2 and message in capsys.readouterr().err


OPINI_LIST = """tahun,entity_name,provinsi,nilai,opini,maladministrasi_flag,kualitas_pelayanan,source_url
2025,Provinsi Lampung,Lampung,"88,49",Kualitas Tertinggi,uncertain,,https://example.org/a
2025,Kabupaten Halmahera Utara,Maluku Utara,"69,63",Opini Kualitas Sedang,without_qualifier,,https://example.org/a
2025,Provinsi Maluku Utara,Maluku Utara,,kualitas sedang tanpa maladministrasi,,,https://example.org/a
2025,Kota Palembang,Sumatera Selatan,88.23,,,Sangat Baik,https://example.org/a
2025,Kementerian Keuangan,Nasional,,Kualitas Tertinggi Tanpa Maladministrasi,tanpa_maladministrasi,,https://example.org/a
2024,Kabupaten Kaur,Bengkulu,,Kualitas Tertinggi,,,https://example.org/a
2024,Kabupaten Lebong,Bengkulu,,,,,https://example.org/a
2025,Kota Bengkulu,Bengkulu,,(piagam; see list),,,https://example.org/a
2025,Kota Metro,Lampung,84.43,Kualitas Tinggi Tanpa Maladministrasi,not_stated,,https://example.org/a
"""


def test_opini_columns_and_blank_scores_are_imported_as_printed(tmp_path, capsys):
    source = tmp_path / "opini.csv"
    source.write_text(OPINI_LIST, encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["import", str(source), "--out", str(out), "--skip-invalid"]) == 0
    err = capsys.readouterr().err
    assert "opini.csv:8: score: blank, and no zone, category or opini is published" in err
    assert "opini.csv:9: opinion: '(piagam; see list)' is not an opini" in err
    assert ("opini.csv:10: maladministrasi: 'not_stated' but the opini prints Tanpa Maladministrasi") in err
    assert "Skipped 3 invalid row(s)" in err
    rows = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("entity_code")
    columns = ["score", "category", "opinion", "maladministrasi", "service_quality"]
    assert rows.loc["18", columns].tolist() == ["88.49", "", "Kualitas Tertinggi", "uncertain", ""]
    assert rows.loc["82.03", columns].tolist() == ["69.63", "", "Kualitas Sedang", "without_qualifier", ""]
    assert rows.loc["82", columns].tolist() == ["", "", "Kualitas Sedang", "tanpa_maladministrasi", ""]
    assert rows.loc["16.71", columns].tolist() == ["88.23", "", "", "not_stated", "Sangat Baik"]
    assert rows.loc["kemenkeu", columns].tolist() == ["", "", "Kualitas Tertinggi", "tanpa_maladministrasi", ""]
    assert rows.loc["17.04", columns].tolist() == ["", "A", "", "", ""]  # 2024: the opini is its category
    assert main(["validate", str(out)]) == 0


def test_import_of_the_gathered_additions_matches_each_row_once_and_drops_nothing_silently(tmp_path, capsys,
                                                                                          monkeypatch):
    from kepatuhan import names

    regions = dataset.read_regions()[0]
    province = dict(zip(regions["code"], regions["name"], strict=True))
    pemda = regions[regions["type"].isin(["kabupaten", "kota"])].head(400)
    rows = ["tahun,entity_name,provinsi,nilai,zona,source_url"]
    rows += [f"2022,{r.name},{province[r.province_code]},,hijau,https://example.org/{i}"
             for i, r in enumerate(pemda.itertuples(index=False))]
    rows += ["2022,Kabupaten Atlantis,Aceh,,hijau,https://example.org/x"]
    source = tmp_path / "big.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")  # synthetic: label-only rows of real names
    calls = []
    match = names.NameIndex.match
    monkeypatch.setattr(names.NameIndex, "match", lambda self, *a, **k: calls.append(a) or match(self, *a, **k))
    assert main(["import", str(source), "--out", str(tmp_path / "o.csv"), "--skip-invalid"]) == 0
    # the work grows with the list, not with the machine: a few look-ups per row (name, province, a moved one)
    assert len(pemda) + 1 <= len(calls) <= 3 * (len(pemda) + 1)
    err = capsys.readouterr().err
    assert "Skipped 1 invalid row(s)" in err
    assert f"big.csv:{len(pemda) + 2}: name: no entity named 'Kabupaten Atlantis'" in err
    assert len(pd.read_csv(tmp_path / "o.csv")) == len(pemda)
