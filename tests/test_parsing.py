import pytest
from hypothesis import given
from hypothesis import strategies as st

from kepatuhan.parsing import (
    Opini,
    parse_canonical_score,
    parse_category,
    parse_flag,
    parse_number,
    parse_opini,
    parse_service_quality,
    parse_zone,
)


@pytest.mark.parametrize("text, value", [("93,07", 93.07), ("99, 23", 99.23), ("91.01", 91.01),
                                         ("51", 51.0), ("30 , 76", 30.76), ("50.39%", 50.39),
                                         (" 86, 65 ", 86.65), ("80,4", 80.4)])
def test_published_numbers(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "", "9.3.07", "1.234,5", "93,071", "--1"])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


@given(st.integers(0, 100), st.integers(0, 99), st.sampled_from([",", ".", ", ", " , "]))
def test_any_two_decimal_score_round_trips(whole, cents, separator):
    text = f"{whole}{separator}{cents:02d}"
    assert parse_number(text) == pytest.approx(whole + cents / 100)


@given(st.floats(0, 100))
def test_formatted_scores_parse_back(value):
    shown = f"{value:.2f}"
    assert parse_canonical_score(shown) == pytest.approx(round(value, 2))
    assert parse_number(shown.replace(".", ",")) == pytest.approx(round(value, 2))


def test_raw_files_refuse_a_decimal_comma():
    with pytest.raises(ValueError, match="decimal comma"):
        parse_canonical_score("93,07")


@pytest.mark.parametrize("text, zone", [("Hijau", "hijau"), ("ZONA MERAH", "merah"), ("yellow", "kuning"), ("", None)])
def test_zones(text, zone):
    assert parse_zone(text) == zone


@pytest.mark.parametrize("text, category", [("a", "A"), ("Kategori B", "B"), ("Kualitas Tertinggi", "A"),
                                            ("opini kualitas sedang", "C"), ("", None)])
def test_categories(text, category):
    assert parse_category(text) == category


def test_unknown_labels_raise():
    with pytest.raises(ValueError):
        parse_zone("biru")
    with pytest.raises(ValueError):
        parse_category("F")


@pytest.mark.parametrize("text, opini", [
    ("Opini Kualitas Tertinggi Tanpa Maladministrasi", Opini("Kualitas Tertinggi", True, None)),
    ("kualitas sedang tanpa maladministrasi", Opini("Kualitas Sedang", True, None)),
    ("Kualitas Tinggi", Opini("Kualitas Tinggi", False, None)),
    ("  KUALITAS  RENDAH ", Opini("Kualitas Rendah", False, None)),
    ("Tertinggi", Opini("Kualitas Tertinggi", False, None)),
    ("Sangat Baik", Opini(None, False, "Sangat Baik")),
    ("Baik", Opini(None, False, "Baik")),
    ("", None),
])
def test_opini_variants(text, opini):
    assert parse_opini(text) == opini


@pytest.mark.parametrize("text", ["(piagam terbaik opini; see Kualitas Tertinggi list)", "Kualitas Luar Biasa",
                                  "Tanpa Maladministrasi", "zona hijau"])
def test_unknown_opini_raises_quoting_the_text(text):
    with pytest.raises(ValueError, match="is not an opini"):
        parse_opini(text)


def test_flags_and_service_quality():
    assert parse_flag("Tanpa Maladministrasi") == "tanpa_maladministrasi"
    assert parse_flag("not_stated") == "not_stated" and parse_flag("") is None
    assert parse_service_quality("sangat baik") == "Sangat Baik"
    with pytest.raises(ValueError, match="maladministrasi flag"):
        parse_flag("maybe")
    with pytest.raises(ValueError, match="kualitas pelayanan"):
        parse_service_quality("Luar Biasa")
