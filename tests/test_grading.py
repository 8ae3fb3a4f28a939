import functools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kepatuhan import grading
from kepatuhan.errors import DataError
from kepatuhan.grading import ASSESSED_YEARS, CATEGORIES, ZONES, classify, read_schemes, scheme_for


@pytest.mark.parametrize(
    "score, year, zone, category",
    [
        (80.99, 2021, "kuning", None), (81.00, 2021, "hijau", None),
        (50.99, 2021, "merah", None), (51.00, 2021, "kuning", None),
        (87.99, 2024, "hijau", "B"), (88.00, 2024, "hijau", "A"),
        (77.99, 2023, "kuning", "C"), (78.00, 2023, "hijau", "B"),
        (53.99, 2022, "merah", "D"), (54.00, 2022, "kuning", "C"),
        (31.99, 2022, "merah", "E"), (32.00, 2022, "merah", "D"),
        (0, 2024, "merah", "E"), (100, 2024, "hijau", "A"), (100, 2021, "hijau", None),
    ],
)
def test_band_edges(score, year, zone, category):
    grade = classify(score, year)
    assert (grade.zone, grade.category) == (zone, category)


def test_seed_article_figures():
    grade = classify(93.07, 2024)
    assert (grade.zone, grade.category, grade.opinion) == ("hijau", "A", "Kualitas Tertinggi")
    assert classify(88.99, 2023).category == "A"
    assert classify(80.99, 2021).zone == "kuning"


def test_opinions_follow_categories():
    assert classify(80, 2024).opinion == "Kualitas Tinggi"
    assert classify(60, 2024).opinion == "Kualitas Sedang"
    assert classify(40, 2024).opinion == "Kualitas Rendah"
    assert classify(10, 2024).opinion == "Kualitas Terendah"
    assert classify(95, 2021).opinion is None


def test_years_before_2021_are_inferred_and_2021_on_are_not():
    assert classify(45.41, 2019).inferred and classify(45.41, 2019).zone == "merah"
    assert not classify(45.41, 2021).inferred
    assert not classify(45.41, 2024).inferred


@pytest.mark.parametrize("year, words", [(2020, "no assessment"), (2026, "not an assessment year"),
                                         (2030, "covers 2015–2019, 2021–2025"), (2014, "not an assessment year"),
                                         ("2024", "whole number"), (2024.5, "whole number")])
def test_unusable_years_raise(year, words):
    with pytest.raises(ValueError, match=words):
        classify(90, year)


@pytest.mark.parametrize("score", [-0.01, 100.01, float("nan"), "abc", None])
def test_scores_outside_the_scale_raise(score):
    with pytest.raises(ValueError, match="score must"):
        classify(score, 2024)


def test_schemes_split_at_2021_2022_and_2024_2025():
    assert scheme_for(2021) is not scheme_for(2022)
    assert scheme_for(2019) is scheme_for(2021)
    assert scheme_for(2022) is scheme_for(2024)
    assert scheme_for(2024) is not scheme_for(2025)
    assert not grading.same_scheme(2024, 2025)


@pytest.mark.parametrize(
    "score, opinion, quality, zone",
    [
        (88.49, "Kualitas Tertinggi", "Sangat Baik", "hijau"), (88.00, "Kualitas Tertinggi", "Sangat Baik", "hijau"),
        (87.99, "Kualitas Tinggi", "Baik", "hijau"), (78.00, "Kualitas Tinggi", "Baik", "hijau"),
        (77.99, "Kualitas Sedang", "Cukup", "kuning"), (54.00, "Kualitas Sedang", "Cukup", "kuning"),
        (53.99, "Kualitas Rendah", "Kurang", "merah"), (53.38, "Kualitas Rendah", "Kurang", "merah"),
        (32.00, "Kualitas Rendah", "Kurang", "merah"), (31.99, "Kualitas Terendah", None, "merah"),
    ],
)
def test_2025_band_edges_are_inferred_opini_levels(score, opinion, quality, zone):
    grade = classify(score, 2025)
    assert (grade.opinion, grade.service_quality, grade.zone, grade.category) == (opinion, quality, zone, None)
    assert grade.inferred and str(grade).endswith("[inferred]")


@functools.cache
def _printed_rows() -> list[dict]:
    """The scheme table as printed (csv module, not read_schemes), one row per band and year it covers."""
    import csv

    rows = []
    for row in csv.DictReader(grading.schemes_path().open(encoding="utf-8")):
        first, _, last = row["years"].partition("-")
        rows += [dict(row, year=year) for year in range(int(first), int(last or first) + 1)]
    return rows


def test_inferred_years_come_from_the_table():
    rows = _printed_rows()
    assert grading.INFERRED_YEARS == tuple(sorted({r["year"] for r in rows if r["basis"] == "inferred"}))
    assert ASSESSED_YEARS == tuple(sorted({r["year"] for r in rows}))
    assert 2020 not in ASSESSED_YEARS  # no assessment was held in 2020


def _copy_without(tmp_path, year: str | None = None):
    source = grading.schemes_path().read_text(encoding="utf-8").splitlines()
    kept = [line for line in source if year is None or f",{year}," not in line]
    assert len(kept) < len(source) or year is None
    path = tmp_path / "grading_schemes.csv"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def test_removing_the_2025_rows_refuses_2025_without_a_code_change(tmp_path):
    schemes = read_schemes(_copy_without(tmp_path, "2025"))
    with pytest.raises(ValueError, match="2025 is not an assessment year with a grading scheme"):
        classify(88.49, 2025, schemes)
    assert classify(88.49, 2024, schemes).category == "A"
    assert classify(88.49, 2025).opinion == "Kualitas Tertinggi"  # the shipped table still grades it


def test_a_new_year_is_a_data_change(tmp_path):
    path = _copy_without(tmp_path)  # unchanged copy
    rows = [line.replace(",2025,", ",2026,") for line in path.read_text().splitlines() if ",2025," in line]
    path.write_text(path.read_text() + "\n".join(r.replace("Opini Ombudsman RI (2025–)", "next") for r in rows)
                    + "\n", encoding="utf-8")
    schemes = read_schemes(path)
    assert classify(60, 2026, schemes).opinion == "Kualitas Sedang"
    assert scheme_for(2026, schemes).name == "next"


def test_a_broken_table_is_refused_with_one_line_per_fault(tmp_path):
    path = _copy_without(tmp_path)
    text = path.read_text().replace("2022-2024,78.00,87.99", "2022-2024,78.50,87.99")
    path.write_text(text.replace(",2021,51.00,80.99,kuning,", ",2021,51.00,80.99,biru,"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_schemes(path)
    assert [f"{p.row}: {p.column}: {p.message}" for p in caught.value.problems] == [
        "6: zone: 'biru' is not a zone (hijau, kuning, merah)",
        "9: lower: gap between 77.99 and 78.50",
    ]


_ORDER = {"merah": 0, "kuning": 1, "hijau": 2}


@given(st.sampled_from(ASSESSED_YEARS), st.floats(0, 100), st.floats(0, 100))
def test_classify_is_monotone_in_score(year, a, b):
    low, high = sorted((a, b))
    g_low, g_high = classify(low, year), classify(high, year)
    assert _ORDER[g_low.zone] <= _ORDER[g_high.zone]
    if g_low.category:
        assert CATEGORIES.index(g_low.category) >= CATEGORIES.index(g_high.category)


@given(st.sampled_from(ASSESSED_YEARS), st.integers(0, 10000))
def test_every_score_falls_in_exactly_one_band(year, cents):
    score = cents / 100
    from decimal import Decimal

    covering = [r for r in _printed_rows() if r["year"] == year
                and Decimal(r["lower"]) * 100 <= cents <= Decimal(r["upper"]) * 100]  # the edges as printed
    assert len(covering) == 1
    grade = classify(score, year)
    assert grade.zone in ZONES and grade.zone == covering[0]["zone"]
    assert grade.category == (covering[0]["category"] or None)


def test_a_data_folder_grades_with_its_own_scheme_table(tmp_path):
    import shutil

    from kepatuhan import dataset, paths

    shutil.copytree(paths.reference_dir(), tmp_path / "reference")
    (tmp_path / "raw").mkdir()
    for name in paths.RAW_FILES.values():
        shutil.copy(paths.raw_dir() / name, tmp_path / "raw" / name)
    shutil.copy(paths.raw_dir() / "opini_2025.csv", tmp_path / "raw" / "opini_2025.csv")
    _copy_without(tmp_path / "reference", "2025")
    with pytest.raises(DataError, match="2025 is not an assessment year with a grading scheme"):
        dataset.build(tmp_path)
    assert classify(88.49, 2025).opinion == "Kualitas Tertinggi"  # the project's table is back in force
