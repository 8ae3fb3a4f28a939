"""Issue 20, third hardening round: each numbered attack gives one line (`file:row: column: what`), exit 2.

Every list written here is SYNTHETIC (made-up rows), built only to break the reader; the shipped data
are read, never changed (a copy in tmp_path is changed where a test needs other data).
"""

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from kepatuhan import paths
from kepatuhan.cli import main

SOURCE = "https://example.org/synthetic"
HEADER = "Nama Instansi,Nilai,Tahun,source_url\n"
ONE_REPORT = ("--entity", "17.02", "--year", "2024", "--lang", "id")


def _run(capsys, *argv):
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _import(capsys, tmp_path, text, *extra):
    source = tmp_path / "list.csv"
    source.write_text(text, encoding="utf-8")
    return _run(capsys, "import", source, "--out", tmp_path / "out.csv", *extra)


def _data_copy(tmp_path) -> Path:
    copy = tmp_path / "data"
    for part in ("raw", "reference"):
        shutil.copytree(paths.DATA_DIR / part, copy / part)
    return copy


# -- 1: an XLSX whose used range is a width bomb ------------------------------------------------------

def _width_bomb(path: Path) -> Path:
    """A valid workbook of a header, one row and one more cell at XFD1048576 (the last cell of a sheet)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Nama Instansi", "Nilai", "Tahun", "source_url"])
    sheet.append(["Kabupaten Rejang Lebong", 93.07, 2024, SOURCE])
    sheet["XFD1048576"] = "x"
    book.save(path)
    return path


def test_an_xlsx_width_bomb_is_refused_before_its_rows_are_read(capsys, tmp_path, monkeypatch):
    bomb = _width_bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 64 * 1024
    from openpyxl.worksheet import _read_only

    def no_rows(*args, **kwargs):  # reading a single row of the used range means the cap came too late
        raise AssertionError("rows were read before the used range was checked")

    monkeypatch.setattr(_read_only.ReadOnlyWorksheet, "_cells_by_row", no_rows)
    status, out, err = _run(capsys, "import", bomb, "--out", tmp_path / "out.csv")
    assert status == 2
    assert err.splitlines()[0] == (f"{paths.display_path(bomb)}: its first sheet spans 16384 columns and 1048576 "
                                   "rows (A1:XFD1048576), over the caps of 200 columns and 100000 rows (raise "
                                   "the rows with --max-rows; a published list has a few columns)")


# -- 4: validate has the importer's guards -------------------------------------------------------------

def test_validate_refuses_a_fifo_without_opening_it(capsys, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    done: list = []
    thread = threading.Thread(target=lambda: done.append(_run(capsys, "validate", fifo)), daemon=True)
    thread.start()
    thread.join(60)  # opening a FIFO with no writer blocks for ever: a thread still alive is the hang
    if thread.is_alive():
        with open(fifo, "w"):  # release the reader, then fail
            pass
        pytest.fail("validate opened the FIFO")
    status, out, err = done[0]
    assert status == 2 and f"{fifo}: is not a regular file (a device, a pipe or a socket?)" in err


def test_validate_refuses_dev_zero(capsys):
    status, out, err = _run(capsys, "validate", "/dev/zero")
    assert status == 2 and "/dev/zero: is not a regular file (a device, a pipe or a socket?)" in err


def test_validate_caps_size_rows_and_cells(capsys, tmp_path, monkeypatch):
    from kepatuhan import guards

    line = "2024,17.02,kabupaten,Kabupaten Rejang Lebong,17,93.07,hijau,A,https://example.org/a\n"
    header = "year,entity_code,entity_type,entity_name,province_code,score,zone,category,source_url\n"
    small = guards.Limits(max_bytes=4096, max_rows=5, max_cell=64)
    monkeypatch.setattr(guards, "VALIDATE_LIMITS", small)
    big = tmp_path / "big.csv"
    big.write_text(header + line * 60)
    status, out, err = _run(capsys, "validate", big)
    assert status == 2 and f"{big}: is 0.0 MiB, over the 0.00390625 MiB cap" in err
    many = tmp_path / "many.csv"
    many.write_text(header + line.replace("93.07", "80.00") * 6)
    status, out, err = _run(capsys, "validate", many)
    assert status == 2 and f"{many}: has more than 5 rows, the cap for one published list" in err
    wide = tmp_path / "wide.csv"
    wide.write_text(header + line.replace("Kabupaten Rejang Lebong", "K" * 100))
    status, out, err = _run(capsys, "validate", wide)
    assert status == 2 and f"{wide}:2: a cell longer than 64 characters" in err


# -- 5: a blank year without --year ------------------------------------------------------------------

def test_a_blank_year_without_year_option_is_refused(capsys, tmp_path):
    text = HEADER + f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\nKabupaten Kaur,80.00,,{SOURCE}\n"
    status, out, err = _import(capsys, tmp_path, text)
    assert status == 2 and not (tmp_path / "out.csv").exists()
    assert "list.csv:3: year: blank, and no --year given" in err


# -- 6: format characters and line separators in names and URLs at import -------------------------

@pytest.mark.parametrize("name, code", [
    ("Kab. Rejang Lebong (\u202eevil)", "U+202E"),
    ("Kabupaten Rejang\u200bLebong", "U+200B"),
    ("Kabupaten Rejang\u200dLebong", "U+200D"),
    ("Kabupaten Rejang\u2028Lebong", "U+2028"),
])
def test_format_characters_in_a_name_are_refused_at_import(capsys, tmp_path, name, code):
    status, out, err = _import(capsys, tmp_path, HEADER + f"{name},93.07,2024,{SOURCE}\n")
    assert status == 2 and not (tmp_path / "out.csv").exists()
    assert "list.csv:2: Nama Instansi: " in err and code in err and "changes how the text reads" in err


def test_a_format_character_in_a_url_is_refused_at_import(capsys, tmp_path):
    status, out, err = _import(capsys, tmp_path, HEADER + f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\u202e/x\n")
    assert status == 2 and "list.csv:2: source_url: format character U+202E" in err


# -- 7: the lock never follows a symlink -----------------------------------------------------------

def test_a_lock_that_is_a_symlink_is_refused_and_its_target_untouched(capsys, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    (out / ".build").mkdir(parents=True)
    (out / ".build" / "lock").symlink_to(victim)
    status, _, err = _run(capsys, "build", *ONE_REPORT, "--out", out)
    assert status == 2 and victim.read_text() == "precious"
    assert f"{out / '.build' / 'lock'}: is a symbolic link; refusing to follow it" in err


def test_a_build_folder_that_is_a_symlink_is_refused(capsys, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / ".build").symlink_to(elsewhere)
    status, _, err = _run(capsys, "build", *ONE_REPORT, "--out", out)
    assert status == 2 and list(elsewhere.iterdir()) == []
    assert f"{out / '.build'}: is a symbolic link; refusing to follow it" in err


# -- 8: never under a raw/ folder, at any depth ------------------------------------------------------

@pytest.mark.parametrize("where", ["raw/sub/new.csv", "raw/a/b/c/new.csv", "x/raw/new.csv"])
def test_import_refuses_any_path_under_a_raw_folder(capsys, tmp_path, where):
    out = tmp_path / "data" / where
    source = tmp_path / "list.csv"
    source.write_text(HEADER + f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\n")
    status, _, err = _run(capsys, "import", source, "--out", out)
    assert status == 2 and "is inside a raw/ folder, which code never writes" in err
    assert not (tmp_path / "data" / "raw").exists() and not out.exists()


# -- 9: the same row twice ----------------------------------------------------------------------------

def test_the_same_row_twice_is_refused_by_the_importer(capsys, tmp_path):
    row = f"Kabupaten Rejang Lebong,93.07,2024,{SOURCE}\n"
    status, _, err = _import(capsys, tmp_path, HEADER + row + row)
    assert status == 2 and not (tmp_path / "out.csv").exists()
    assert "list.csv:3: name: the same row as line 2 (a list pasted twice?)" in err


# -- 10: a manifest with numbers no build can use --------------------------------------------------

@pytest.mark.parametrize("number", ["1e308", "1" + "0" * 400, "-1e400", "NaN", "Infinity"])
def test_a_manifest_with_an_absurd_number_is_kept_aside_and_rebuilt(capsys, tmp_path, number):
    status, out, err = _run(capsys, "build", *ONE_REPORT, "--out", tmp_path, "-j", "1")
    assert status == 0, err
    manifest = tmp_path / ".build/manifest.json"
    text = manifest.read_text().replace('"score": 93.07', f'"score": {number}', 1)
    assert number in text
    manifest.write_text(text)
    status, out, err = _run(capsys, "build", *ONE_REPORT, "--out", tmp_path, "-j", "1")
    assert status == 0 and "1 built, 0 skipped" in out, err
    assert "unreadable build manifest (kept as manifest.json.bad)" in err
    assert (tmp_path / ".build/manifest.json.bad").read_text() == text


# -- 11: a report is up to date only when all its files are there ------------------------------------

def test_a_deleted_report_csv_is_rebuilt(capsys, tmp_path):
    status, out, err = _run(capsys, "build", *ONE_REPORT, "--out", tmp_path, "-j", "1")
    assert status == 0, err
    table = tmp_path / "entity/17.02/2024.csv"
    expected = table.read_bytes()
    table.unlink()
    status, out, err = _run(capsys, "build", *ONE_REPORT, "--out", tmp_path, "-j", "1")
    assert status == 0 and "1 built, 0 skipped" in out
    assert table.read_bytes() == expected


# -- 13: codes, symlink loops, control characters, opini order -------------------------------------------

def test_validate_refuses_a_path_like_code_in_regions_and_in_raw_data(capsys, tmp_path):
    data = _data_copy(tmp_path)
    regions = data / "reference" / paths.REGIONS_FILE
    lines = regions.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    evil = dict(zip(header, [""] * len(header), strict=True))
    evil.update(code="../../x/evil", name="Kabupaten Jahat", type="kabupaten", province_code="17")
    regions.write_text("\n".join([*lines, ",".join(evil[c] for c in header)]) + "\n", encoding="utf-8")
    number = len(lines) + 1
    raw = data / "raw" / "evil.csv"
    raw.write_text("year,entity_code,entity_type,entity_name,province_code,score,zone,category,source_url\n"
                   "2024,../../x/evil,kabupaten,Kabupaten Jahat,17,93.07,hijau,A,https://example.org/a\n")
    status, _, err = _run(capsys, "validate", "--data", data)
    assert status == 2
    assert (f"{regions}:{number}: code: '../../x/evil' is neither a Kemendagri code nor a slug "
            "(17, 17.02, kementerian-atr-bpn)") in err
    status, _, err = _run(capsys, "validate", raw)  # against the shipped regions, where it is no code at all
    assert status == 2 and (f"{raw}:2: entity_code: '../../x/evil' is neither a Kemendagri code nor a slug "
                            "(17, 17.02, kementerian-atr-bpn)") in err


@pytest.mark.parametrize("command", [
    ("validate", "{loop}"),
    ("import", "{loop}", "--out", "{tmp}/out.csv"),
    ("import", "tests/fixtures/messy_list.csv", "--out", "{loop}/x.csv", "--year", "2024",
     "--source-url", SOURCE),
    ("build", *ONE_REPORT, "--out", "{loop}"),
])
def test_a_symlink_loop_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch, command):
    monkeypatch.chdir(paths.PROJECT_ROOT)
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    argv = [part.format(loop=tmp_path / "a", tmp=tmp_path) for part in command]
    status, _, err = _run(capsys, *argv)
    assert status == 2 and "internal error" not in err
    assert f"{tmp_path / 'a'}" in err and ": is a loop of symbolic links" in err and len(err.splitlines()) == 2


def test_control_characters_in_a_source_url_are_refused_at_import(capsys, tmp_path):
    status, _, err = _import(capsys, tmp_path, HEADER + f'Kabupaten Rejang Lebong,93.07,2024,"{SOURCE}\x07x"\n')
    assert status == 2 and "list.csv:2: source_url: control character U+0007" in err


# -- 3: unit names in any script, or very long -------------------------------------------------------

SYNTHETIC_UNITS = {  # made-up units (real scripts): Javanese, emoji with CJK, 80 × "W"
    "17.02/puskesmas-jawa": "Puskesmas \ua997\ua9ae Curup",
    "17.02/puskesmas-emoji": "Puskesmas \U0001f3e5 \u5065\u5eb7 Curup",
    "17.02/puskesmas-panjang": "W" * 80,
}


def test_a_report_with_units_named_in_any_script_or_at_length_is_built(capsys, tmp_path):
    data = _data_copy(tmp_path)
    units = data / "raw" / paths.RAW_FILES["unit"]
    rows = "".join(f"2024,{code},{name},puskesmas,17.02,17.02,17,81.50,,,{SOURCE}\n"
                   for code, name in SYNTHETIC_UNITS.items())
    units.write_text(units.read_text(encoding="utf-8") + rows, encoding="utf-8")
    out = tmp_path / "site"
    status, stdout, err = _run(capsys, "build", *ONE_REPORT, "--data", data, "--out", out, "-j", "1")
    assert status == 0 and "1 built" in stdout, stdout + err
    page = (out / "entity/17.02/2024.html").read_text(encoding="utf-8")
    table = (out / "entity/17.02/2024.csv").read_text(encoding="utf-8")
    for name in SYNTHETIC_UNITS.values():
        assert name in page  # the table of units shows each name whole, as published
    figures = re.findall(r'<img[^>]* src="([^"]+\.png)"', page)  # the figures are drawn and stored beside it
    assert figures and all((out / "entity/17.02" / src).resolve().is_file() for src in figures)
    assert table  # the download is written beside the page
