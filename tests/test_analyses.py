import pandas as pd
import pytest

from kepatuhan import compare, national, trend

PUBLISHED = {  # national results as announced by the Ombudsman
    2021: {"hijau": 179, "kuning": 316, "merah": 92},
    2022: {"hijau": 272, "kuning": 250, "merah": 64},
    2023: {"hijau": 414, "kuning": 133, "merah": 39},
    2024: {"A": 337, "B": 157, "C": 70, "D": 14, "E": 9},
}


def test_national_counts_reproduce_the_published_results(shipped):
    counts = national.national_counts(shipped.aggregates)
    for year, expected in PUBLISHED.items():
        for measure, value in expected.items():
            assert counts.loc[year, measure] == value, (year, measure)
    assert counts.loc[2024, "hijau"] == 337 + 157
    assert counts.loc[2024, "merah"] == 14 + 9


def test_green_share_trend_uses_one_scheme(shipped):
    fit = national.green_share_trend(national.national_counts(shipped.aggregates))
    assert fit.years == (2022, 2023, 2024)
    assert fit.ci_low < fit.slope < fit.ci_high


def _entities(rows):
    frame = pd.DataFrame(rows, columns=["entity_code", "year", "score", "entity_type", "province_code"])
    from kepatuhan.grading import classify
    frame["zone"] = [classify(s, y).zone for s, y in zip(frame["score"], frame["year"], strict=True)]
    frame["category"] = [classify(s, y).category for s, y in zip(frame["score"], frame["year"], strict=True)]
    frame["zone_basis"] = "computed"
    frame["n_sources"] = 1
    frame["conflict_rule"] = ""
    frame["entity_name"] = frame["entity_code"]
    return frame


def test_trend_needs_three_points_in_one_scheme():
    entities = _entities([("x", 2019, 50.0, "kota", "1"), ("x", 2021, 60.0, "kota", "1"),
                          ("x", 2022, 80.0, "kota", "1"), ("x", 2023, 82.0, "kota", "1")])
    series = trend.entity_series(entities, "x")
    assert list(series["across_break"]) == [False, False, True, False]
    fit = trend.fit_trend(series)
    assert not fit.fitted and "not enough comparable years" in fit.reason
    assert not trend.fit_trend(series, 2021).fitted  # 2019 and 2021 only: two points
    entities = _entities([("x", 2022, 80.0, "kota", "1"), ("x", 2023, 82.0, "kota", "1"),
                          ("x", 2024, 84.0, "kota", "1")])
    fit = trend.fit_trend(trend.entity_series(entities, "x"))
    assert fit.slope == pytest.approx(2.0)


def test_change_against_previous_marks_the_break(shipped):
    series = trend.entity_series(shipped.entities, "17.02")
    change = trend.change_against_previous(series, 2024)
    assert change["from_year"] == 2023 and change["change"] == pytest.approx(93.07 - 88.99)
    assert not change["across_break"]
    assert trend.change_against_previous(series, 2023)["across_break"]  # 2019 → 2023


def test_transitions_count_only_entities_seen_in_both(shipped):
    e = shipped.entities
    both = set(e.loc[e["year"] == 2023, "entity_code"]) & set(e.loc[e["year"] == 2024, "entity_code"])
    matrix = national.transitions(e, 2023, 2024)
    assert int(matrix.to_numpy().sum()) == len(both)
    assert list(matrix.index) == ["A", "B", "C", "D", "E"]


def test_panel_model_refuses_too_few_entities():
    entities = _entities([(c, y, 80.0 + i, "kota", "1") for i, c in enumerate("abc") for y in (2022, 2023)])
    result = national.panel_model(entities)
    assert result.estimate is None and "too few entities" in result.reason


def test_panel_model_recovers_a_common_slope():
    rows = [(f"e{i}", y, 60 + 3 * i + 2.5 * (y - 2022) + (0.3 if (i + y) % 2 else -0.3), "kabupaten", "1")
            for i in range(12) for y in (2022, 2023, 2024)]
    result = national.panel_model(_entities(rows))
    assert result.n_entities == 12 and result.ci_low < 2.5 < result.ci_high


def test_bengkulu_2024_ranks_all_eleven_pemda_with_kaur_first(shipped):
    table = compare.province_pemda(shipped.entities, 2024, "17")
    assert len(table) == 11
    assert table.iloc[0]["entity_code"] == "17.04"
    assert list(table["score"]) == sorted(table["score"], reverse=True)


def test_standing_counts_ties_and_gaps():
    group = _entities([("a", 2024, 90.0, "kota", "1"), ("b", 2024, 85.0, "kota", "1"),
                       ("c", 2024, 85.0, "kota", "1"), ("d", 2024, 70.0, "kota", "1")])
    s = compare.standing(group, "c")
    assert (s.rank, s.n) == (2, 4)
    assert s.percentile == pytest.approx(75.0)
    assert s.gap_to_best == pytest.approx(-5.0) and s.gap_to_median == pytest.approx(0.0)
    assert compare.standing(group, "zz") is None


def test_weakest_unit_is_flagged(shipped):
    units = compare.unit_ranking(shipped.units, "17.02", 2024)
    assert units.iloc[0]["unit_name"] == "UPT Puskesmas Tunas Harapan"
    weakest = units[units["weakest"]]
    assert len(weakest) == 1 and weakest.iloc[0]["score"] == units["score"].min()


def test_group_tests_refuse_small_groups_and_measure_effects():
    small = _entities([("a", 2024, 90.0, "kota", "1"), ("b", 2024, 80.0, "kabupaten", "1")])
    assert not compare.kota_vs_kabupaten(small, 2024).done
    assert not compare.across_provinces(small, 2024).done
    rows = [(f"k{i}", 2024, 90.0 + i * 0.1, "kota", "1") for i in range(6)]
    rows += [(f"b{i}", 2024, 70.0 + i * 0.1, "kabupaten", "2") for i in range(6)]
    result = compare.kota_vs_kabupaten(_entities(rows), 2024)
    assert result.done and result.effect == pytest.approx(1.0) and result.n == {"kota": 6, "kabupaten": 6}
