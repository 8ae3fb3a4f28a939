"""`kepatuhan import lampiran.pdf`: the table of a text PDF, read like a CSV.

GENERATED FIXTURES: every PDF here is written by the test (fpdf2) from real rows of data/raw —
the Sumatera Utara 2022 list printed by one news page (Kota Medan among them) and the Bengkulu 2024
list — so the expected rows come from the raw files, not from the importer.
"""

from __future__ import annotations

import csv
from pathlib import Path

import fpdf  # a dev dependency (pyproject [dev]): it writes the fixtures; the importer needs only pdfplumber

from kepatuhan import paths
from kepatuhan.cli import main

SUMUT_2022 = "https://mistar.id/sumut/5-daerah-sumut-masuk-zona-merah-penilaian-ombudsman/"
HEADER = ["No", "Nama Instansi", "Provinsi", "Nilai"]


def real_rows(source_url: str, year: str) -> list[dict]:
    """The scored rows one source printed for one year, from every raw entity file (first source row wins)."""
    rows, seen = [], set()
    for path in sorted(paths.raw_dir().glob("entity_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["source_url"] == source_url and row["year"] == year and row["score"] \
                        and row["entity_code"] not in seen:
                    seen.add(row["entity_code"])
                    rows.append(row)
    assert len(rows) >= 20, "the fixture needs a long real list"
    return rows


def table_of(rows: list[dict], province: str) -> list[list[str]]:
    """The list as a decree prints it: a number, the name, the province and the score with a decimal comma."""
    return [[str(n), r["entity_name"], province, r["score"].replace(".", ",")] for n, r in enumerate(rows, 1)]


def write_pdf(path: Path, pages: list[list[list[str]]], footer: bool = False) -> Path:
    """One ruled table per page, each page repeating the header; a title above and, if asked, a page footer."""
    pdf = fpdf.FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=9)
    for number, rows in enumerate(pages, 1):
        pdf.add_page()
        pdf.cell(0, 8, "Lampiran: hasil penilaian kepatuhan (generated test fixture)", new_x="LMARGIN", new_y="NEXT")
        with pdf.table(col_widths=(10, 80, 50, 20), first_row_as_headings=True) as table:
            for cells in [HEADER, *rows]:
                line = table.row()
                for cell in cells:
                    line.cell(cell)
        if footer:
            pdf.set_y(-15)
            pdf.cell(0, 8, f"Halaman {number} dari {len(pages)}", align="C")
    pdf.output(str(path))
    return path


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([HEADER, *rows])
    return path


def run(source: Path, out: Path, year: str, url: str) -> int:
    return main(["import", str(source), "--out", str(out), "--year", year, "--source-url", url])


def test_a_simple_pdf_table_imports_the_rows_it_prints(tmp_path):
    rows = real_rows(SUMUT_2022, "2022")[:12]
    pdf = write_pdf(tmp_path / "lampiran.pdf", [table_of(rows, "Sumatera Utara")])
    assert run(pdf, tmp_path / "out.csv", "2022", SUMUT_2022) == 0
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert [(r["entity_code"], r["score"]) for r in written] == [(r["entity_code"], r["score"]) for r in rows]
    assert main(["validate", str(tmp_path / "out.csv")]) == 0


def test_a_table_over_three_pages_is_joined_without_its_repeated_headers_or_footer(tmp_path):
    rows = real_rows(SUMUT_2022, "2022")
    table = table_of(rows, "Sumatera Utara")
    third = -(-len(table) // 3)
    pages = [table[:third], table[third:2 * third], table[2 * third:]]
    pdf = write_pdf(tmp_path / "lampiran.pdf", pages, footer=True)
    assert run(pdf, tmp_path / "out.csv", "2022", SUMUT_2022) == 0
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(pages) == 3 and all(pages)
    assert [r["entity_code"] for r in written] == [r["entity_code"] for r in rows]  # every row once, in order
    medan = next(r for r in written if r["entity_code"] == "12.71")
    assert medan["score"] == "81.43"  # Kota Medan 2022 as printed ("81,43")


def test_a_pdf_and_a_csv_of_the_same_rows_import_to_identical_bytes(tmp_path):
    rows = table_of(real_rows(SUMUT_2022, "2022"), "Sumatera Utara")
    write_pdf(tmp_path / "lampiran.pdf", [rows[:15], rows[15:]])
    write_csv(tmp_path / "lampiran.csv", rows)
    assert run(tmp_path / "lampiran.pdf", tmp_path / "from_pdf.csv", "2022", SUMUT_2022) == 0
    assert run(tmp_path / "lampiran.csv", tmp_path / "from_csv.csv", "2022", SUMUT_2022) == 0
    assert (tmp_path / "from_pdf.csv").read_bytes() == (tmp_path / "from_csv.csv").read_bytes()


def test_a_pdf_row_breaks_the_same_number_rule_as_a_csv(tmp_path, capsys):
    rows = table_of(real_rows(SUMUT_2022, "2022")[:3], "Sumatera Utara")
    rows[1][3] = "81,4,3"
    assert run(write_pdf(tmp_path / "bad.pdf", [rows]), tmp_path / "out.csv", "2022", SUMUT_2022) == 2
    assert "bad.pdf:3: score: '81,4,3' is not a number" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_a_scanned_pdf_without_text_is_refused_in_one_line(tmp_path, capsys):
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 150, 80, style="F")  # a page image stand-in: marks on the page, no text layer
    pdf.output(str(tmp_path / "scan.pdf"))
    assert run(tmp_path / "scan.pdf", tmp_path / "out.csv", "2022", SUMUT_2022) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].endswith("scan.pdf: has no text layer (a scanned PDF?); the importer reads text PDFs only: "
                           "type the table into a CSV or XLSX")


def test_a_file_named_pdf_that_is_not_one_is_refused(tmp_path, capsys):
    (tmp_path / "fake.pdf").write_text("Nama Instansi,Nilai\n", encoding="utf-8")
    assert run(tmp_path / "fake.pdf", tmp_path / "out.csv", "2022", SUMUT_2022) == 2
    assert "fake.pdf: not a readable PDF" in capsys.readouterr().err
