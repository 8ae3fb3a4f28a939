"""kepatuhan.query against oracles recomputed from the raw CSV rows and the Ombudsman's published counts."""

import csv
from collections import defaultdict

import pandas as pd
import pytest

from kepatuhan import paths, query
from kepatuhan.errors import GradingError, KepatuhanError, NameNotFound, UsageError

ZONE_ORDER = ["hijau", "kuning", "merah"]  # best first, as the Ombudsman ranks its zones


def _raw_entity_rows():
    """Every raw entity row of the shipped files the raw folder holds, as read by the csv module."""
    rows = []
    for path in sorted(paths.raw_dir(None).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if "entity_code" in (reader.fieldnames or []):
                rows += list(reader)
    return rows


@pytest.fixture(scope="module")
def raw():
    return _raw_entity_rows()


def _raw_scores(raw, year):
    """(year, code) → the set of distinct published scores of that year."""
    out = defaultdict(set)
    for row in raw:
        if int(row["year"]) == year:
            out[row["entity_code"]].add(float(row["score"]) if row["score"] else None)
    return out


def test_scores_hold_every_raw_entity_of_a_year_with_its_published_score(raw):
    table = query.scores(2024)
    published = _raw_scores(raw, 2024)
    assert set(table["entity_code"]) == set(published)
    single = {code: next(iter(s)) for code, s in published.items() if len(s) == 1}
    for code, score, label_only in zip(table["entity_code"], table["score"], table["label_only"], strict=True):
        if code in single:
            expected = single[code]
            assert label_only == (expected is None), code
            assert expected is None or score == pytest.approx(expected), code
    assert table.loc[table["entity_code"] == "17.02", "score"].iloc[0] == pytest.approx(93.07)


def test_scores_are_typed_with_codes_as_strings():
    table = query.scores(2023)
    assert str(table["entity_code"].dtype) == "string" and str(table["province_code"].dtype) == "string"
    assert table["score"].dtype == float and table["label_only"].dtype == bool
    assert str(table["year"].dtype) == "Int64"
    assert not query.scores(2023, include_labels=False)["score"].isna().any()


@pytest.mark.parametrize("typed", ["Jateng", "Jawa Tengah", "33", "Provinsi Jawa Tengah"])
def test_a_province_as_typed_selects_the_same_rows_as_its_code(raw, typed):
    table = query.scores(2024, province=typed)
    expected = {r["entity_code"] for r in raw if int(r["year"]) == 2024 and r["province_code"] == "33"}
    assert set(table["entity_code"]) == expected and expected


@pytest.mark.parametrize("typed", ["Pemkab Rejang Lebong", "Kabupaten Rejang Lebong", "Kab. Rejang Lebong", "17.02"])
def test_an_entity_as_typed_resolves_to_its_code(typed):
    assert set(query.scores(entity=typed)["entity_code"]) == {"17.02"}


def test_a_misspelt_province_raises_name_not_found_with_a_suggestion():
    with pytest.raises(NameNotFound) as caught:
        query.scores(2024, province="Bengkolu")
    assert isinstance(caught.value, KepatuhanError)
    assert "Bengkulu" in str(caught.value) and any(e.code == "17" for e in caught.value.suggestions)
    with pytest.raises(NameNotFound, match="not a province"):
        query.ranks(2024, province="17.02")


def test_bad_years_and_types_are_kepatuhan_errors():
    with pytest.raises(GradingError, match="2020"):
        query.scores(2020)
    with pytest.raises(UsageError, match="entity type"):
        query.scores(2024, entity_type="kabupatn")
    with pytest.raises(UsageError):
        query.changes(2024, 2023)
    with pytest.raises(UsageError):
        query.shares(2024, by="island")


def test_ranks_never_rank_a_label_only_row_and_count_higher_scores(raw):
    table = query.ranks(2024, province="Bengkulu")
    published = {c: {v for v in s if v is not None} for c, s in _raw_scores(raw, 2024).items()}
    peers = {r["entity_code"] for r in raw if int(r["year"]) == 2024 and r["province_code"] == "17"
             and r["entity_type"] in ("kabupaten", "kota")}
    assert set(table["entity_code"]) == peers
    scored = {c: published[c] for c in peers if published[c]}
    assert int(table["n_with_data"].iloc[0]) == len(scored)
    for code, rank in zip(table["entity_code"], table["rank"], strict=True):
        if code not in scored:
            assert pd.isna(rank), code
        elif len(scored[code]) == 1:  # sources agree; a peer with disagreeing sources may sit either side
            own = next(iter(scored[code]))
            surely_above = sum(min(v) > own for v in scored.values())
            maybe_above = sum(max(v) > own for v in scored.values())
            assert 1 + surely_above <= rank <= 1 + maybe_above, code
    nationally = query.ranks(2024)
    assert nationally.loc[nationally["label_only"], "rank"].isna().all()
    assert nationally.loc[nationally["label_only"]].shape[0] > 0
    assert nationally.loc[~nationally["label_only"], "rank"].notna().all()


def _published(year, entity_type, measure="assessed"):
    with (paths.raw_dir(None) / "national_aggregates.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (int(row["year"]), row["scope_code"], row["entity_type"], row["measure"]) == (year, "", entity_type,
                                                                                           measure):
                return int(row["count"])
    return None


def test_ranks_and_shares_carry_the_published_assessed_count():
    table = query.ranks(2024, entity_type="kota")
    assert int(table["n_published"].iloc[0]) == _published(2024, "kota")
    kab_kota = query.ranks(2024)
    assert int(kab_kota["n_published"].iloc[0]) == _published(2024, "kota") + _published(2024, "kabupaten")
    by_type = query.shares(2024, by="entity_type").set_index("entity_type")
    assert int(by_type.loc["kabupaten", "n_published"]) == _published(2024, "kabupaten")


def test_the_share_of_hijau_in_a_province_is_hijau_rows_over_rows_with_a_zone(shipped):
    rows = shipped.entities[(shipped.entities["year"] == 2024)
                            & shipped.entities["entity_type"].isin(["provinsi", "kabupaten", "kota"])]
    zoned = rows[rows["zone"].isin(ZONE_ORDER)]
    table = query.shares(2024).set_index("province_code")
    assert set(table.index) == set(zoned["province_code"])
    for code, group in zoned.groupby("province_code"):
        assert table.loc[code, "numerator"] == (group["zone"] == "hijau").sum()
        assert table.loc[code, "n_with_data"] == len(group)
        assert table.loc[code, "share"] == pytest.approx((group["zone"] == "hijau").mean())
        assert table.loc[code, "small_n"] == (len(group) < 5)
    assert table.loc["17", "province_name"] == "Bengkulu"


def test_changes_are_the_difference_of_the_raw_scores(raw):
    before, after = _raw_scores(raw, 2023), _raw_scores(raw, 2024)
    table = query.changes(2023, 2024)
    assert table["comparable"].all() and table["reason"].isna().all()
    for code, change in zip(table["entity_code"], table["change"], strict=True):
        if len(before[code]) == 1 and len(after[code]) == 1:
            assert change == pytest.approx(next(iter(after[code])) - next(iter(before[code]))), code
    # an entity-year with a scored source counts (a label-only source beside it yields to the score)
    both = {c for c in before if c in after and before[c] - {None} and after[c] - {None}}
    assert set(table["entity_code"]) == both


@pytest.mark.parametrize("years", [(2024, 2025), (2021, 2022)])
def test_changes_and_moves_across_a_method_break_say_so(years):
    for table in (query.changes(*years), query.zone_moves(*years)):
        assert len(table) and not table["comparable"].any()
        assert table["reason"].str.contains("different methods").all()


def test_zone_moves_count_every_entity_zoned_in_both_years(shipped):
    e = shipped.entities
    zones = {y: e[(e["year"] == y) & e["zone"].isin(ZONE_ORDER)].set_index("entity_code")["zone"] for y in (2023, 2024)}
    both = zones[2023].index.intersection(zones[2024].index)
    table = query.zone_moves(2023, 2024).set_index("entity_code")
    assert set(table.index) == set(both)
    assert table["label_only"].any()
    for code in both:
        step = ZONE_ORDER.index(zones[2023][code]) - ZONE_ORDER.index(zones[2024][code])
        assert table.loc[code, "move"] == ("up" if step > 0 else "down" if step < 0 else "same"), code


def test_group_tests_name_their_groups_and_count_scored_rows(raw):
    table = query.group_tests(2024, by="entity_type")
    for kind in ("kota", "kabupaten"):
        scored = {r["entity_code"] for r in raw if int(r["year"]) == 2024 and r["entity_type"] == kind and r["score"]}
        assert int(table.loc[table["group_code"] == kind, "n"].iloc[0]) == len(scored)
    provinces = query.group_tests(2024, by="province")
    assert not provinces["group"].str.contains(r"\d").any()  # names, not codes
    assert provinces["reading"].str.contains("Bengkulu").all()
    assert (provinces["n"] >= 5).all() and provinces["p_value"].between(0, 1).all()
    indonesian = query.group_tests(2024, by="province", lang="id")["reading"].iloc[0]
    assert indonesian != provinces["reading"].iloc[0]


def test_frames_are_tidy_for_r_and_stata():
    for table in (query.scores(2024), query.ranks(2024), query.changes(2023, 2024), query.zone_moves(2023, 2024),
                  query.shares(2024), query.group_tests(2024)):
        assert isinstance(table.index, pd.RangeIndex)
        assert all(c == c.lower() and " " not in c for c in table.columns)


@pytest.mark.parametrize("n_with_data, group_size, quotable", [
    (3, 27, False),   # "Peringkat 3 dari 3" among Jawa Barat's 27 kab/kota
    (5, 27, False),   # five is the floor, but under half of 27
    (14, 27, True),   # more than half of the group, and at least five
    (7, 56, False),   # Banda Aceh 2025: 7 kota in the data of the 56 sampled
    (4, None, False),  # an unknown group size still needs five with data
    (5, None, True),
])
def test_a_rank_is_quoted_among_five_or_more_holding_half_the_group(n_with_data, group_size, quotable):
    from kepatuhan import findings

    assert findings.rank_quotable(n_with_data, group_size) is quotable


def _reference_rows(name):
    with (paths.reference_dir(None) / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_province_group_is_as_large_as_its_kab_kota_in_the_region_list():
    regions = _reference_rows("regions.csv")
    jabar = sum(1 for r in regions if r["province_code"] == "32" and r["type"] in ("kabupaten", "kota"))
    table = query.ranks(2022, province="Jawa Barat")
    assert set(table["group_size"]) == {jabar}
    scored = int(table["score"].notna().sum())
    assert bool(table["rank_quotable"].iloc[0]) is (scored >= 5 and scored >= jabar / 2)


def test_a_sampled_year_measures_a_national_group_by_its_published_sample():
    sampled = {}
    for path in sorted(paths.raw_dir(None).glob("national_aggregates*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["year"] == "2025" and row["measure"] == "sampled" and not row["scope_code"]:
                    sampled[row["entity_type"]] = int(row["count"])
    table = query.ranks(2025, entity_type="kota")
    assert set(table["group_size"]) == {sampled["kota"]}
    scored = int(table["score"].notna().sum())
    assert bool(table["rank_quotable"].iloc[0]) is (scored >= 5 and scored >= sampled["kota"] / 2)
