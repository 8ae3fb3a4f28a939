import pytest
from hypothesis import given
from hypothesis import strategies as st

from kepatuhan.grading import ASSESSED_YEARS, CATEGORIES, ZONES, classify, scheme_for


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


@pytest.mark.parametrize("year, words", [(2020, "no assessment"), (2025, "Opini Ombudsman"),
                                         (2030, "Opini Ombudsman"), (2014, "not an assessment year"),
                                         ("2024", "whole number"), (2024.5, "whole number")])
def test_unusable_years_raise(year, words):
    with pytest.raises(ValueError, match=words):
        classify(90, year)


@pytest.mark.parametrize("score", [-0.01, 100.01, float("nan"), "abc", None])
def test_scores_outside_the_scale_raise(score):
    with pytest.raises(ValueError, match="score must"):
        classify(score, 2024)


def test_schemes_split_at_2021_2022():
    assert scheme_for(2021) is not scheme_for(2022)
    assert scheme_for(2019) is scheme_for(2021)
    assert scheme_for(2022) is scheme_for(2024)


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
    scheme = scheme_for(year)
    covering = [b for b in scheme.bands if round(b.lower * 100) <= cents <= round(b.upper * 100)]
    assert len(covering) == 1
    grade = classify(score, year)
    assert grade.zone in ZONES and grade.zone == covering[0].zone
