import numpy as np
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
    counts = national.national_counts(shipped.aggregates)
    fit = national.green_share_trend(counts)
    assert fit.years == (2022, 2023, 2024)
    share = [100 * PUBLISHED[y]["hijau"] / sum(PUBLISHED[y][z] for z in ("hijau", "kuning", "merah"))
             for y in (2022, 2023)]
    share.append(100 * (337 + 157) / (337 + 157 + 70 + 14 + 9))
    assert fit.slope == pytest.approx(np.polyfit([2022, 2023, 2024], share, 1)[0])
    assert fit.ci_low < fit.slope < fit.ci_high


def test_no_green_share_line_crosses_2024_2025(shipped):
    fit = national.green_share_trend(national.national_counts(shipped.aggregates), 2025)
    assert not fit.fitted and fit.years == () and "Opini Ombudsman" in fit.reason


def test_2025_is_a_sample_of_310_with_the_published_mean(shipped):
    sample = national.sample(shipped.aggregates, 2025)
    assert (sample.n, sample.mean) == (310, 74.64)
    assert sample.by_type == {"kementerian": 38, "lembaga": 8, "provinsi": 38, "kota": 56, "kabupaten": 170}
    assert "ranks are within the sample" in sample.describe()
    assert national.sample(shipped.aggregates, 2024) is None


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


def test_transitions_count_only_entities_seen_in_both():
    entities = _entities([("a", 2023, 90.0, "kota", "1"), ("a", 2024, 80.0, "kota", "1"),
                          ("b", 2023, 60.0, "kota", "1"), ("b", 2024, 60.0, "kota", "1"),
                          ("c", 2023, 95.0, "kota", "1"), ("d", 2024, 40.0, "kota", "1")])
    matrix = national.transitions(entities, 2023, 2024, by="category")
    assert list(matrix.index) == ["A", "B", "C", "D", "E"] and matrix.attrs["by"] == "category"
    assert int(matrix.to_numpy().sum()) == 2  # c and d are seen in one year only
    assert matrix.loc["A", "B"] == 1 and matrix.loc["C", "C"] == 1
    zones = national.transitions(entities, 2023, 2024)
    assert list(zones.index) == ["hijau", "kuning", "merah"] and zones.loc["hijau", "hijau"] == 1


def test_transitions_count_label_only_rows_that_carry_a_zone(shipped):
    e = shipped.entities
    zoned = {y: set(e.loc[(e["year"] == y) & e["zone"].isin(["hijau", "kuning", "merah"]), "entity_code"])
             for y in (2023, 2024)}
    matrix = national.transitions(e, 2023, 2024)
    assert int(matrix.to_numpy().sum()) == len(zoned[2023] & zoned[2024])
    label_only = set(e.loc[(e["year"] == 2024) & e["score"].isna(), "entity_code"]) & zoned[2023] & zoned[2024]
    assert label_only, "the shipped data hold label-only rows zoned in both years"
    with_category = set(e.loc[(e["year"] == 2024) & e["category"].notna(), "entity_code"])
    assert int(national.transitions(e, 2023, 2024, by="category").to_numpy().sum()) <= len(with_category)


@pytest.mark.parametrize("years", [(2024, 2025), (2021, 2022)])
def test_transitions_across_a_method_break_are_refused_in_words(shipped, years):
    from kepatuhan.errors import KepatuhanError

    with pytest.raises(KepatuhanError, match="graded by different methods"):
        national.transitions(shipped.entities, *years)
    moves = national.zone_moves(shipped.entities, *years)
    assert not moves["comparable"].any() and moves["reason"].str.contains(str(years[1])).all()


def test_panel_model_refuses_too_few_entities():
    entities = _entities([(c, y, 80.0 + i, "kota", "1") for i, c in enumerate("abc") for y in (2022, 2023)])
    result = national.panel_model(entities)
    assert result.estimate is None and "too few entities" in result.reason


def test_panel_model_recovers_a_common_slope():
    rows = [(f"e{i}", y, 60 + 3 * i + 2.5 * (y - 2022) + (0.3 if (i + y) % 2 else -0.3), "kabupaten", "1")
            for i in range(12) for y in (2022, 2023, 2024)]
    result = national.panel_model(_entities(rows))
    assert result.n_entities == 12 and result.ci_low < 2.5 < result.ci_high


def test_bengkulu_2024_ranks_every_scored_pemda_best_first(shipped):
    """Against the validated rows: the province and its kabupaten/kota with a 2024 score, and nothing else."""
    e = shipped.entities
    pemda = e[(e["year"] == 2024) & (e["province_code"] == "17") & e["score"].notna()
              & e["entity_type"].isin(["provinsi", "kabupaten", "kota"])]
    table = compare.province_pemda(e, 2024, "17")
    assert sorted(table["entity_code"]) == sorted(pemda["entity_code"]) and len(pemda) >= 5
    assert table.iloc[0]["score"] == pemda["score"].max()
    assert table.iloc[0]["entity_code"] in set(pemda.loc[pemda["score"] == pemda["score"].max(), "entity_code"])
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    assert list(table["rank"]) == [1 + int((pemda["score"] > s).sum()) for s in table["score"]]  # ties share


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
    u = shipped.units
    own = u[(u["parent_code"] == "17.02") & (u["year"] == 2024)]
    assert units.iloc[0]["unit_name"] == own.loc[own["score"].idxmax(), "unit_name"]
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


def _with_label_only(rows, label_only):
    frame = _entities(rows)
    extra = pd.DataFrame(label_only, columns=["entity_code", "year", "zone", "entity_type", "province_code"])
    extra = extra.assign(score=float("nan"), category=None, zone_basis="published", n_sources=1,
                         conflict_rule="", entity_name=extra["entity_code"])
    return pd.concat([frame, extra], ignore_index=True)


def test_label_only_rows_count_in_zones_but_never_in_ranks_or_trends():
    entities = _with_label_only(
        [("a", 2024, 90.0, "kota", "1"), ("b", 2024, 60.0, "kabupaten", "1"), ("a", 2023, 85.0, "kota", "1"),
         ("a", 2022, 80.0, "kota", "1")],
        [("c", 2024, "merah", "kabupaten", "1"), ("d", 2024, "hijau", "kabupaten", "1"),
         ("a", 2021, "hijau", "kota", "1")])
    counts = national.zone_counts(entities, 2024, province_code="1")
    assert counts["n"].tolist() == [2, 1, 1] and counts["label_only"].tolist() == [1, 0, 1]
    assert counts["share"].tolist() == [0.5, 0.25, 0.25]
    ranked = compare.province_peers(entities, 2024, "1")
    assert list(ranked["entity_code"]) == ["a", "b"]
    assert compare.standing(compare.year_table(entities, 2024), "c") is None
    listed = compare.province_list(entities, 2024, "1")
    assert list(listed["entity_code"]) == ["a", "b", "d", "c"]  # scored by rank, then label-only by zone
    assert listed["rank"].tolist()[:2] == [1, 2] and listed["rank"].isna().tolist() == [False, False, True, True]
    assert listed["label_only"].tolist() == [False, False, True, True]
    series = trend.entity_series(entities, "a")
    assert list(series["year"]) == [2022, 2023, 2024]  # the 2021 label has no score
    assert trend.fit_trend(series).fitted
    assert compare.kota_vs_kabupaten(entities, 2024).n == {"kota": 1, "kabupaten": 1}


def test_sumatera_barat_2024_ranks_its_19_kab_kota_with_the_province_apart(shipped):
    peers = compare.province_peers(shipped.entities, 2024, "13")
    assert len(peers) == 19 and set(peers["entity_type"]) == {"kabupaten", "kota"}
    listed = compare.province_list(shipped.entities, 2024, "13")
    assert listed.iloc[0]["entity_code"] == "13" and pd.isna(listed.iloc[0]["rank"])
    assert len(compare.province_peers(shipped.entities, 2023, "18")) == 14  # Lampung 2023


def test_lampung_2025_lists_the_opini_of_its_8_pemda(shipped):
    listed = compare.province_list(shipped.entities, 2025, "18")
    assert len(listed) == 8
    assert listed.iloc[0][["entity_code", "opinion", "maladministrasi"]].tolist() == [
        "18", "Kualitas Tertinggi", "uncertain"]
    assert set(listed["opinion"].iloc[1:]) == {"Kualitas Tinggi"}


def test_palembang_2025_is_graded_and_its_change_crosses_the_break(shipped):
    e = shipped.entities
    row = e[(e["entity_code"] == "16.71") & (e["year"] == 2025)].iloc[0]
    assert (row["score"], row["opinion"], row["service_quality"], row["zone_basis"]) == (
        88.23, "Kualitas Tertinggi", "Sangat Baik", "inferred")
    change = trend.change_against_previous(trend.entity_series(e, "16.71"), 2025)
    assert change["across_break"] and change["from_year"] < 2025


def test_an_aceh_2022_label_only_kabupaten_is_listed_with_its_zone(shipped):
    listed = compare.province_list(shipped.entities, 2022, "11").set_index("entity_code")
    assert listed.loc["11.01", "zone"] == "hijau" and pd.isna(listed.loc["11.01", "score"])
    assert listed.loc["11.01", "label_only"]
    counts = national.zone_counts(shipped.entities, 2022, province_code="11")
    e = shipped.entities
    aceh_2022 = e[(e["province_code"] == "11") & (e["year"] == 2022)]
    assert counts["scored"].sum() == aceh_2022["score"].notna().sum()  # a label-only row is never counted as scored
    assert counts["label_only"].sum() == aceh_2022["score"].isna().sum() and counts.loc["hijau", "label_only"] >= 14
