from pathlib import Path

import pandas as pd
import pytest

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
