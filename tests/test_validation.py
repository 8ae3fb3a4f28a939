"""The bad-input corpus: every malformed file gives exactly its one expected line."""

import subprocess
import sys
from pathlib import Path

import pytest

from kepatuhan.cli import main

BAD = Path(__file__).parent / "bad"
VALID = Path(__file__).parent / "valid"

EXPECTED = {
    "aggregate_bad_measure.csv": "2: measure: 'biru' must be one of assessed, sampled, mean_score, hijau, kuning, "
                                 "merah, A, B, C, D, E",
    "aggregate_bad_scope.csv": "2: scope_code: '17.02' is a kabupaten, expected provinsi",
    "aggregate_negative_count.csv": "2: count: '-5' must not be negative",
    "blank_code.csv": "2: entity_code: must not be blank",
    "blank_url.csv": "2: source_url: blank must be an http(s) address (source_url)",
    "category_before_2022.csv": "2: category: categories A–E exist only in 2022–2024, not in 2021",
    "category_in_2025.csv": "2: category: categories A–E exist only in 2022–2024, not in 2025",
    "category_unknown.csv": "2: category: 'F' must be one of A–E or blank",
    "empty.csv": " file is empty (expected a header row)",
    "exact_duplicate.csv": "4: exact duplicate of line 2",
    "ftp_url.csv": "2: source_url: 'ftp://example.org/a' must be an http(s) address (source_url)",
    "header_only_blank.csv": " file is empty (expected a header row)",
    "label_contradicts_category.csv":
        "2: category: published category 'B' contradicts 93.07 in 2024 (zona hijau, kategori A)",
    "label_contradicts_zone.csv": "2: zone: published zone 'hijau' contradicts 80.99 in 2021 (zona kuning)",
    "malformed_url.csv": "2: source_url: 'example dot org' must be an http(s) address (source_url)",
    "missing_column.csv": "1: header: missing column 'source_url'",
    "non_utf8.csv": "2: not valid UTF-8 (byte 0xe9); save the file as UTF-8",
    "not_a_table.csv": "1: header: not a kepatuhan raw table: none of the columns entity_code, "
                       "unit_code or measure is present",
    "overlong_row.csv": "2: row has 11 fields, expected 9",
    "repeated_column.csv": "1: header: repeated column 'year'",
    "score_101.csv": "2: score: 101.0 must be between 0 and 100",
    "score_abc.csv": "2: score: 'abc' is not a number",
    "score_blank.csv": "2: score: blank, and no zone, category or opini is published",
    "score_comma.csv": "2: score: '93,07' uses a decimal comma; raw files use a point",
    "score_negative.csv": "2: score: '-1' must be between 0 and 100",
    "semicolon.csv": "1: header: columns are separated by ';', expected ','",
    "tabs.csv": "1: header: columns are separated by tabs, expected ','",
    "truncated_row.csv": "3: row has 3 fields, expected 9 (truncated row?)",
    "unit_unknown_type.csv": "2: unit_type: 'rsud' must be one of dpmptsp, dukcapil, dinkes, disdik, "
                             "dinsos, puskesmas, polres, kantor_pertanahan",
    "unit_wrong_parent.csv": "2: parent_code: a polres unit belongs to 'polri', not '17.04'",
    "unknown_column.csv": "1: header: unknown column 'note'",
    "unknown_entity.csv": "2: entity_code: unknown code '99.99' (not in data/reference/regions.csv)",
    "wrong_province.csv": "2: province_code: '16' but '17.02' lies in '17'",
    "wrong_type.csv": "2: entity_type: 'kota' but '17.02' is a kabupaten",
    "year_2020.csv": "2: year: 2020 had no assessment (postponed for the pandemic)",
    "year_2030.csv": "2: year: 2030 is not an assessment year with a grading scheme (grading_schemes.csv "
                     "covers 2015–2019, 2021–2025)",
    # the columns of the Opini instrument (2025) and label-only rows
    "opinion_unknown.csv": "2: opinion: 'Kualitas Luar Biasa' is not one of the opini labels of 2025 "
                           "(Kualitas Tertinggi, Kualitas Tinggi, Kualitas Sedang, Kualitas Rendah, Kualitas Terendah)",
    "flag_unknown.csv": "2: maladministrasi: 'maybe' is not a maladministrasi flag (tanpa_maladministrasi, "
                        "without_qualifier, not_stated, uncertain)",
    "flag_before_2025.csv": "2: maladministrasi: the Tanpa Maladministrasi flag exists only in 2025, not in 2024",
    "opinion_before_2022.csv": "2: opinion: opini labels exist only in 2022–2025, not in 2021",
    "service_quality_unknown.csv": "2: service_quality: 'Luar Biasa' is not one of the kualitas pelayanan labels "
                                   "of 2025 (Sangat Baik, Baik, Cukup, Kurang)",
    "service_quality_before_2025.csv": "2: service_quality: kualitas pelayanan labels exist only in 2025, not in 2024",
    "opinion_vs_service_quality.csv": "2: service_quality: kualitas pelayanan 'Cukup' does not go with opini "
                                      "'Kualitas Tertinggi'",
    "opinion_vs_zone.csv": "2: zone: zone 'merah' does not go with opini 'Kualitas Tinggi'",
    "opinion_vs_category.csv": "2: opinion: opini 'Kualitas Tinggi' does not go with category 'A'",
    "opinion_contradicts_score.csv": "2: opinion: published opini 'Kualitas Sedang' contradicts 93.07 in 2024 "
                                     "(zona hijau, kategori A)",
    "order_contradiction.csv": "2: zone: published zona hijau at 70.00 ranks above zona kuning at 85.00 "
                               "(tests/bad/order_contradiction.csv:3) among 2018 kabupaten",
    # broken grading-scheme tables (data/reference/grading_schemes.csv)
    "scheme_gap.csv": "2: lower: gap between 79.98 and 80.00",
    "scheme_overlap.csv": "2: lower: 80.00 overlaps the band ending at 80.00",
    "scheme_year_twice.csv": "3: years: 2030 is already graded by line 2",
    "scheme_unknown_zone.csv": "2: zone: 'biru' is not a zone (hijau, kuning, merah)",
    "scheme_lower_above_upper.csv": "3: lower: 79.99 is above upper 0.00",
    "year_text.csv": "2: year: 'tahun' is not a year",
    # hidden characters (issue 20, item 6 and 13): refused with the column named
    "name_bidi_override.csv": "2: entity_name: format character U+202E (RIGHT-TO-LEFT OVERRIDE) changes how the "
                              "text reads; remove it",
    "name_zero_width_space.csv": "2: entity_name: format character U+200B (ZERO WIDTH SPACE) changes how the "
                                 "text reads; remove it",
    "name_line_separator.csv": "2: entity_name: line separator U+2028 (LINE SEPARATOR) changes how the "
                               "text reads; remove it",
    "url_control_character.csv": "2: source_url: control character U+0007 inside the address; remove it",
    "url_format_character.csv": "2: source_url: format character U+202E (RIGHT-TO-LEFT OVERRIDE) changes how the "
                                "text reads; remove it",
    "opinion_order_within_zone.csv": "2: opinion: published opini Kualitas Tertinggi at 80.00 ranks above opini "
                                     "Kualitas Tinggi at 86.00 (tests/bad/opinion_order_within_zone.csv:3) "
                                     "among 2025 kabupaten",
    "zone_unknown.csv": "2: zone: 'biru' must be hijau, kuning, merah or blank",
    "zone_vs_category.csv": "2: zone: zone 'kuning' does not go with category 'A'",
}


def test_corpus_is_complete():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_its_one_line(name, capsys, monkeypatch):
    monkeypatch.chdir(BAD.parent.parent)
    status = main(["validate", f"tests/bad/{name}"])
    err = capsys.readouterr().err.splitlines()
    assert status == 2
    assert err[:-1] == [f"tests/bad/{name}:{EXPECTED[name]}"]
    assert err[-1] == "1 problem(s) found."


@pytest.mark.parametrize("path, message", [
    ("tests/no-such-file.csv", "tests/no-such-file.csv: no such file or directory"),
    ("tests/fixtures", "tests/fixtures/messy_list.csv:1: header: columns are separated by ';', expected ','"),
    ("src", "src: folder holds no .csv files"),
])
def test_missing_paths_and_folders(path, message, capsys, monkeypatch):
    monkeypatch.chdir(BAD.parent.parent)
    assert main(["validate", path]) == 2
    assert message in capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("name", ["bom.csv", "crlf.csv", "bom_crlf_units.csv"])
def test_valid_controls_pass(name, capsys):
    assert main(["validate", str(VALID / name)]) == 0
    assert capsys.readouterr().out.startswith("OK: 1 file(s) valid.")


def test_no_traceback_from_the_console_script():
    done = subprocess.run(
        [sys.executable, "-m", "kepatuhan.cli", "validate", str(BAD / "non_utf8.csv")],
        capture_output=True, text=True,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 2


def test_shipped_raw_data_is_valid_and_lists_conflicts(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "2024 Kota Bengkulu (17.71): 90.47 | 90.74 → 90.74 [ombudsman]" in out
    assert "2022 Provinsi Bali (51): 54.01 | 94.01 → 94.01 [label]" in out


def test_shipped_raw_data_lists_label_warnings_and_label_only_rows(capsys):
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "2018 Kota Pagar Alam (16.72): 48.15 | zona kuning (no score) → 48.15 [scored]" in out
    assert ("warning: data/raw/entity_scores_additions_2026-11.csv:119: zone: published zone 'hijau' "
            "contradicts 72.53 in 2015 (zona kuning)") in out
    warnings = [line for line in out.splitlines() if line.strip().startswith("warning:")]
    assert len(warnings) == 5 and "  warnings:      5 " in out


def test_a_label_against_an_inferred_band_is_a_warning_not_an_error(tmp_path, capsys):
    path = tmp_path / "scores.csv"
    path.write_text("year,entity_code,entity_type,entity_name,province_code,score,zone,category,source_url,"
                    "opinion,maladministrasi,service_quality\n"
                    "2025,17.02,kabupaten,Kabupaten Rejang Lebong,17,80.00,,,https://example.org/a,"
                    "Kualitas Tertinggi,not_stated,\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert (f"warning: {path}:2: opinion: published opini 'Kualitas Tertinggi' contradicts 80.00 in 2025 "
            "(zona hijau, Kualitas Tinggi): the 2025 bands are inferred, the published label is kept") in out
