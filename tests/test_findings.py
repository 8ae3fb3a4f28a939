"""The key findings are data computed by pure functions; these pin their rules on small SYNTHETIC tables."""

import pandas as pd
import pytest

from kepatuhan import compare, findings, trend


def _entities(rows):
    """SYNTHETIC entity rows: (code, type, province, year, score, zone, category)."""
    frame = pd.DataFrame(rows, columns=["entity_code", "entity_type", "province_code", "year", "score", "zone",
                                        "category"])
    frame["zone_basis"] = "published"
    frame["n_sources"] = 1
    frame["conflict_rule"] = ""
    frame["entity_name"] = "Synthetic " + frame["entity_code"]
    return frame


SERIES = _entities([("99.01", "kabupaten", "99", 2019, 45.41, "merah", None),
                    ("99.01", "kabupaten", "99", 2023, 88.99, "hijau", "A"),
                    ("99.01", "kabupaten", "99", 2024, 93.07, "hijau", "A")])


def test_movement_within_one_method_is_comparable():
    m = findings.movement(trend.entity_series(SERIES, "99.01"), 2024)
    assert (m.from_year, m.comparable, m.break_year) == (2023, True, None)
    assert m.change == pytest.approx(4.08)


def test_movement_across_the_2022_change_of_method_is_not_comparable():
    m = findings.movement(trend.entity_series(SERIES, "99.01"), 2023)
    assert (m.from_year, m.comparable, m.break_year) == (2019, False, 2022)


def test_the_first_year_of_the_new_method_is_named_not_the_next_year_with_data():
    assert findings.first_year_of_new_method(2019, 2023) == 2022
    assert findings.first_year_of_new_method(2022, 2024) is None


def test_no_movement_without_an_earlier_score():
    assert findings.movement(trend.entity_series(SERIES, "99.01"), 2019) is None


def test_standing_names_the_grade_and_whether_it_was_inferred():
    """The grade is the row's own (published or inferred, said so); a year without a row has no standing."""
    inferred = SERIES.assign(zone_basis=["inferred", "published", "published"])  # SYNTHETIC: 2019 inferred
    series = trend.entity_series(inferred, "99.01")
    s = findings.standing(series, 2024)
    assert (s.year, s.score, s.zone, s.category, s.inferred) == (2024, 93.07, "hijau", "A", False)
    s = findings.standing(series, 2019)
    assert (s.year, s.score, s.zone, s.category, s.inferred) == (2019, 45.41, "merah", None, True)
    assert findings.standing(series, 2021) is None


def test_no_rank_below_three_comparable_entities():
    two = compare.ranked(_entities([("99.01", "kota", "99", 2024, 90.0, "hijau", "A"),
                                    ("99.02", "kota", "99", 2024, 80.0, "hijau", "B")]))
    rank = findings.rank_in(two, "99.02", "type.kota")
    assert rank.rank is None and rank.percentile is None and rank.n == 2


def test_rank_among_three_with_assessed_count():
    three = compare.ranked(_entities([("99.01", "kota", "99", 2024, 90.0, "hijau", "A"),
                                      ("99.02", "kota", "99", 2024, 80.0, "hijau", "B"),
                                      ("99.03", "kota", "99", 2024, 70.0, "kuning", "C")]))
    rank = findings.rank_in(three, "99.02", "type.kota", assessed=98)
    assert (rank.rank, rank.n, rank.assessed) == (2, 3, 98)
    assert rank.percentile == pytest.approx(200 / 3)


def test_weakest_unit_needs_two_units():
    units = pd.DataFrame({"unit_code": ["u1", "u2"], "unit_name": ["Dinas A", "Dinas B"], "score": [90.0, 70.5]})
    assert findings.weakest_unit(units) == findings.Weakest("Dinas B", 70.5, 2)
    assert findings.weakest_unit(units.head(1)) is None


def test_a_trend_on_three_points_is_no_finding():
    rows = _entities([("99.01", "kota", "99", y, s, "hijau", "A") for y, s in ((2022, 60.0), (2023, 80.0),
                                                                              (2024, 99.0))])
    series = trend.entity_series(rows, "99.01")
    assert trend.fit_trend(series, 2024).fitted  # the slope exists…
    assert findings.trend_worth_stating(series, 2024) is None  # …but three points make no finding


R = "rank-biserial r"


@pytest.mark.parametrize("effect, name, size", [(0.05, R, "negligible"), (-0.2, R, "small"),
                                                (0.35, R, "medium"), (0.6, R, "large"),
                                                (0.005, "epsilon²", "negligible"), (0.07, "epsilon²", "small"),
                                                (0.25, "epsilon²", "medium"), (0.56, "epsilon²", "large")])
def test_effect_size_words(effect, name, size):
    assert findings.effect_size(effect, name) == size


def test_assessed_count_comes_from_the_national_aggregates():
    aggregates = pd.DataFrame({"year": [2019, 2021, 2021], "scope_code": ["", "", "17"],
                               "entity_type": ["kabupaten", "kabupaten", "kabupaten"],
                               "measure": ["assessed", "assessed", "assessed"], "count": [215, 416, 9]})
    assert findings.assessed_count(aggregates, 2019, "kabupaten") == 215
    assert findings.assessed_count(aggregates, 2021, "kabupaten") == 416
    assert findings.assessed_count(aggregates, 2021, "kota") is None


def test_group_test_meaning_names_groups_with_n_and_median(shipped):
    result = compare.kota_vs_kabupaten(shipped.entities, 2022)
    names = {"kota": "kota", "kabupaten": "kabupaten"}
    meaning = findings.group_test_meaning(result, 2022, shipped.entities, names)
    year = shipped.entities[(shipped.entities["year"] == 2022) & shipped.entities["score"].notna()]
    kota = year.loc[year["entity_type"] == "kota", "score"]
    assert meaning.groups[0] == ("kota", len(kota), pytest.approx(float(kota.median())))
    assert meaning.significant == (result.p_value < 0.05)
