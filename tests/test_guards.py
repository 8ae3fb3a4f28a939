"""Hostile inputs to import, validate and entities: each gives `file:row: column: what`, exit 2, no traceback.

Every list written here is SYNTHETIC (made-up names and scores), built only to break the reader.
"""

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from kepatuhan import paths
from kepatuhan.cli import main

SOURCE = "https://example.org/synthetic"
HEADER = "Nama Instansi,Nilai,Tahun,source_url\n"


def _run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _import(capsys, tmp_path, text_or_path, *extra, name="list.csv"):
    source = text_or_path
    if isinstance(text_or_path, str):
        source = tmp_path / name
        source.write_text(text_or_path, encoding="utf-8")
    return _run(capsys, "import", source, "--out", tmp_path / "out.csv", *extra)


def _data_copy(tmp_path) -> Path:
    copy = tmp_path / "data"
    for part in ("raw", "reference"):
        shutil.copytree(paths.DATA_DIR / part, copy / part)
    return copy


# -- 9: entities -----------------------------------------------------------------------------------

def test_entities_without_a_filter_lists_ministries_too(capsys):
    status, out, err = _run(capsys, "entities")
    assert status == 0, err
    assert "kemenlu" in out and "17.02" in out
    assert out.rstrip().endswith("entities with data.")


# -- 10: never into raw/, never over the input ----------------------------------------------------

def test_import_never_writes_into_a_raw_folder_even_with_data(capsys, tmp_path):
    data = _data_copy(tmp_path)
    target = data / "raw" / "entity_scores.csv"
    before = target.read_bytes()
    source = tmp_path / "list.csv"
    source.write_text(HEADER + f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\n")
    status, out, err = _run(capsys, "import", source, "--out", target, "--force", "--data", data)
    assert status == 2 and "is inside a raw/ folder, which code never writes" in err
    assert target.read_bytes() == before
    shipped = paths.raw_dir() / "new.csv"
    status, out, err = _run(capsys, "import", source, "--out", shipped)
    assert status == 2 and not shipped.exists()


def test_import_never_writes_over_its_input(capsys, tmp_path):
    source = tmp_path / "list.csv"
    text = HEADER + f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\n"
    source.write_text(text)
    status, out, err = _run(capsys, "import", source, "--out", source, "--force")
    assert status == 2 and "is the input file" in err
    assert source.read_text() == text


def test_import_into_a_folder_says_so(capsys, tmp_path):
    status, out, err = _import(capsys, tmp_path, HEADER + f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\n")
    assert status == 0
    status, out, err = _run(capsys, "import", tmp_path / "list.csv", "--out", tmp_path, "--force")
    assert status == 2 and f"{tmp_path}: is a directory; give a file name" in err and "internal" not in err


# -- 11: bombs -----------------------------------------------------------------------------------

def test_a_device_is_refused_at_once(capsys, tmp_path, monkeypatch):
    """Refused on its status alone: /dev/zero is never opened (reading it would never end)."""
    import builtins
    import os

    opened = []
    real_open, real_os_open = builtins.open, os.open
    monkeypatch.setattr(builtins, "open", lambda file, *a, **k: opened.append(str(file)) or real_open(file, *a, **k))
    monkeypatch.setattr(os, "open", lambda file, *a, **k: opened.append(str(file)) or real_os_open(file, *a, **k))
    status, out, err = _run(capsys, "import", "/dev/zero", "--out", tmp_path / "out.csv")
    assert "/dev/zero" not in opened
    assert status == 2 and "/dev/zero: is not a regular file" in err


def _workbook(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Nama Instansi", "Nilai", "Tahun", "source_url"])
    for n in range(10):
        sheet.append([f"Kabupaten Sintetis {n}", 80.0, 2024, SOURCE])
    book.save(path)
    if extra:
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in extra.items():
                archive.writestr(name, content)
    return path


def test_an_xlsx_that_unpacks_too_far_is_refused_before_parsing(capsys, tmp_path):
    bomb = _workbook(tmp_path / "bomb.xlsx", {"xl/filler.xml": b"0" * (20 * 2**20)})
    assert bomb.stat().st_size < 2**20
    status, out, err = _run(capsys, "import", bomb, "--out", tmp_path / "out.csv")
    assert status == 2 and "unpacks to 20." in err and "MiB cap (raise it with --max-mb)" in err


def test_row_and_size_caps_name_the_option_that_raises_them(capsys, tmp_path):
    book = _workbook(tmp_path / "rows.xlsx")
    status, out, err = _run(capsys, "import", book, "--out", tmp_path / "out.csv", "--max-rows", "5")
    assert status == 2 and "has more than 5 rows" in err and "--max-rows" in err
    status, out, err = _run(capsys, "import", book, "--out", tmp_path / "out.csv", "--max-rows", "50")
    assert "more than" not in err and "no entity named 'Kabupaten Sintetis 0'" in err  # read, then matched
    status, out, err = _run(capsys, "import", book, "--out", tmp_path / "out.csv", "--max-mb", "0.001")
    assert status == 2 and "MiB cap (raise it with --max-mb)" in err


# -- 12: internal errors become file:row: column: what ----------------------------------------------

def test_an_overlong_field_is_named_by_line(capsys, tmp_path):
    text = HEADER + f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\n" + '"' + "a" * 140_000 + f'",80,2024,{SOURCE}\n'
    status, out, err = _import(capsys, tmp_path, text)
    assert status == 2 and "list.csv:3: a cell longer than 131072 characters (raise the cap with --max-cell)" in err


def test_a_23_digit_count_is_a_problem_not_an_overflow(capsys, tmp_path):
    lines = (paths.raw_dir() / paths.RAW_FILES["aggregate"]).read_text().splitlines()[:2]
    header, row = lines[0].split(","), lines[1].split(",")
    row[header.index("count")] = "12345678901234567890123"
    bad = tmp_path / "aggregates.csv"
    bad.write_text(",".join(header) + "\n" + ",".join(row) + "\n")
    status, out, err = _run(capsys, "validate", bad)
    assert status == 2 and "aggregates.csv:2: count: '12345678901234567890123' is too large for a count" in err


@pytest.mark.parametrize("change, message", [
    (lambda text: text + "17,Bengkulu Lagi,provinsi,17\n", "code: '17' is already on line"),
    (lambda text: text.replace("code,name,type,province_code", "code,nama,type,province_code", 1),
     "regions.csv:1: header: missing column 'name'"),
    (lambda text: text.replace("Bengkulu", "Bengk\udcffulu", 1), "regions.csv:"),
])
def test_a_broken_regions_table_is_named(capsys, tmp_path, change, message):
    data = _data_copy(tmp_path)
    regions = data / "reference" / paths.REGIONS_FILE
    regions.write_bytes(change(regions.read_text(encoding="utf-8")).encode("utf-8", "surrogateescape"))
    for command in (["validate", "--data", data], ["entities", "--data", data]):
        status, out, err = _run(capsys, *command)
        assert status == 2, err
        assert message in err and "internal error" not in err


def test_an_alias_to_an_unknown_code_is_named(capsys, tmp_path):
    data = _data_copy(tmp_path)
    aliases = data / "reference" / paths.ALIASES_FILE
    aliases.write_text(aliases.read_text() + "Kabupaten Khayalan,99.99,synthetic\n")
    status, out, err = _run(capsys, "validate", "--data", data)
    assert status == 2 and "aliases.csv:" in err and "code: '99.99' is not a code in regions.csv" in err


@pytest.mark.parametrize("content", [b"plain text, not a workbook", b"PK\x03\x04 damaged"])
def test_an_unreadable_xlsx_is_said_to_be_no_workbook(capsys, tmp_path, content):
    fake = tmp_path / "list.xlsx"
    fake.write_bytes(content)
    status, out, err = _run(capsys, "import", fake, "--out", tmp_path / "out.csv")
    assert status == 2 and "list.xlsx: not an XLSX workbook" in err and "engine" not in err


def test_a_zip_without_a_workbook_is_no_xlsx(capsys, tmp_path):
    fake = tmp_path / "list.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "synthetic")
    fake.write_bytes(buffer.getvalue())
    status, out, err = _run(capsys, "import", fake, "--out", tmp_path / "out.csv")
    assert status == 2 and "not an XLSX workbook (no xl/workbook.xml inside)" in err


# -- 13: accepted silently but wrong -------------------------------------------------------------

@pytest.mark.parametrize("sign", ["=", "+", "-", "@"])
def test_a_name_that_a_spreadsheet_would_run_is_refused(capsys, tmp_path, sign):
    status, out, err = _import(capsys, tmp_path, HEADER + f"{sign}Rejang Lebong,93.07,2024,{SOURCE}\n")
    assert status == 2
    assert "list.csv:2: name: " in err and "spreadsheet runs as a formula" in err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("cell, column, what", [
    ("Kabupaten Rejang\x00 Lebong,93.07,2024", "Nama Instansi", "U+0000"),
    ("Kabupaten Rejang Lebong,٩٣.٠٧,2024", "Nilai", "'٩' (U+0669) is not 0-9"),
    ("Kabupaten Rejang Lebong,93.07,２０２４", "Tahun", "'２' (U+FF12) is not 0-9"),
])
def test_control_characters_and_foreign_digits_are_refused(capsys, tmp_path, cell, column, what):
    status, out, err = _import(capsys, tmp_path, HEADER + f"{cell},{SOURCE}\n")
    assert status == 2 and f"list.csv:2: {column}: " in err and what in err


def test_a_line_break_inside_a_name_is_refused_at_its_line(capsys, tmp_path):
    status, out, err = _import(capsys, tmp_path, HEADER + f'"Kabupaten Rejang\nLebong",93.07,2024,{SOURCE}\n')
    assert status == 2 and "list.csv:2: a quoted cell runs on to line 3" in err


def test_an_unterminated_quote_is_reported_at_its_own_line(capsys, tmp_path):
    rows = [f"Kabupaten Sintetis {n},80.00,2024,{SOURCE}" for n in range(2, 120)]
    rows[9] = f'"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}'  # line 11: the quote never closes
    status, out, err = _import(capsys, tmp_path, HEADER + "\n".join(rows) + "\n")
    assert status == 2
    assert "list.csv:11: a quoted cell runs on to line 119: an unterminated quote" in err


def test_a_repeated_score_column_is_refused(capsys, tmp_path):
    status, out, err = _import(capsys, tmp_path, "Nama Instansi,Nilai,Nilai,Tahun,source_url\n"
                                                 f"Kabupaten Rejang Lebong,93.07,50.00,2024,{SOURCE}\n")
    assert status == 2 and "list.csv:1: header: columns 2 and 3 both hold the score" in err


def test_one_entity_with_two_results_in_one_list_is_refused(capsys, tmp_path):
    status, out, err = _import(capsys, tmp_path, HEADER + f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\n"
                                                          f"Pemkab Rejang Lebong,50.00,2024,{SOURCE}\n")
    assert status == 2
    assert "list.csv:3: name: 17.02 2024 is already on line 2 with 93.07 (here 50.00)" in err


UNIT_HEADER = ("year,unit_code,unit_name,unit_type,parent_code,location_code,province_code,score,zone,category,"
               "source_url\n")


@pytest.mark.parametrize("row, message", [
    ("2024,17.02/dinkes,Dinas Kesehatan Sintetis,dinkes,17.71,17.71,17,80.00,,,",
     "unit_code: '17.02/dinkes' starts with '17.02' but its parent_code is '17.71'"),
    ("2024,17.02/<b>dinkes</b>,Dinas Kesehatan Sintetis,dinkes,17.02,17.02,17,80.00,,,",
     "unit_code: '17.02/<b>dinkes</b>' is not OWNER/slug"),
    ("2024,polri/17.04,Polres Sintetis,polres,polri,17.02,17,80.00,,,",
     "unit_code: 'polri/17.04' ends in '17.04' but the unit lies in '17.02'"),
])
def test_a_unit_code_must_agree_with_its_row(capsys, tmp_path, row, message):
    units = tmp_path / "units.csv"
    units.write_text(UNIT_HEADER + row + SOURCE + "\n")
    status, out, err = _run(capsys, "validate", units)
    assert status == 2 and f"units.csv:2: {message}" in err


def test_the_same_rows_in_two_files_are_refused(capsys, tmp_path):
    lines = (paths.raw_dir() / paths.RAW_FILES["entity"]).read_text().splitlines()
    (tmp_path / "a.csv").write_text("\n".join(lines[:3]) + "\n")
    (tmp_path / "b.csv").write_text("\n".join([lines[0], lines[2]]) + "\n")
    status, out, err = _run(capsys, "validate", tmp_path / "a.csv", tmp_path / "b.csv")
    assert status == 2 and f"{tmp_path / 'b.csv'}:2: the same row as {tmp_path / 'a.csv'}:3" in err


@pytest.mark.parametrize("name, message", [
    ("=HYPERLINK(1)", "entity_name: '=HYPERLINK(1)' starts with '='"),
    ("Kabupaten\tRejang\x0bLebong", "entity_name: 'Kabupaten\\tRejang\\x0bLebong' holds a control character"),
])
def test_a_raw_file_name_that_would_mislead_is_refused(capsys, tmp_path, name, message):
    lines = (paths.raw_dir() / paths.RAW_FILES["entity"]).read_text().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    row[header.index("entity_name")] = name
    bad = tmp_path / "entities.csv"
    bad.write_text(",".join(header) + "\n" + ",".join(row) + "\n")
    status, out, err = _run(capsys, "validate", bad)
    assert status == 2 and f"entities.csv:2: {message}" in err


# -- 15: batch fuzzy matching ---------------------------------------------------------------------

def test_thousands_of_unmatched_names_build_the_candidate_list_once(capsys, tmp_path, monkeypatch):
    """The cost that made 20k names take 84 s+ (the candidate keys rebuilt for every name) is counted, not timed:
    one fuzzy search per name, and the candidate list of a pool built once, however many names there are."""
    import random
    import string
    import types

    from kepatuhan import names as name_index

    pick = random.Random(8)
    names = ["Kabupaten " + "".join(pick.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(3_000)]
    text = HEADER + "".join(f"{name},80.00,2024,{SOURCE}\n" for name in names)
    searches, pools_built = [], []
    extract, choices = name_index.process.extract, name_index.NameIndex._choices
    monkeypatch.setattr(name_index, "process", types.SimpleNamespace(
        extract=lambda *a, **k: searches.append(a[0]) or extract(*a, **k)))

    def counted_choices(self, pool_codes):
        if pool_codes not in self._pools:
            pools_built.append(len(pool_codes))
        return choices(self, pool_codes)

    monkeypatch.setattr(name_index.NameIndex, "_choices", counted_choices)
    status, out, err = _import(capsys, tmp_path, text, "--skip-invalid")
    assert status == 2 and f"{len(names) + 1} problem(s) found." in err  # and "no valid rows to write"
    assert len(searches) == len(names) and len(pools_built) <= 1  # 0 when an earlier test built it
