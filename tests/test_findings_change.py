"""What the report pages SAY agrees with their figures and with the published totals (issue 16).

The rules are stated here independently of the code under test: the expected numbers are recomputed
from the data tables (published aggregates, entity rows, region list); the small frames are SYNTHETIC."""

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kepatuhan import build, dataset, findings, findings_change, grading, messages
from kepatuhan.report import EntityReport, NationalReport, ProvinceReport, view


def _text(html) -> str:
    return BeautifulSoup(html.data, "html.parser").get_text(" ", strip=True)


# --- pure rules on SYNTHETIC frames ---------------------------------------------------------------

def _rows(rows):
    """SYNTHETIC entity rows: (code, year, score, zone, category, opinion)."""
    frame = pd.DataFrame(rows, columns=["entity_code", "year", "score", "zone", "category", "opinion"])
    frame["entity_name"] = "Synthetic " + frame["entity_code"]
    frame["entity_type"] = "kabupaten"
    return frame


def test_an_observed_change_needs_two_years_and_says_its_direction():
    assert findings_change.observed(pd.Series([70.0], index=[2024])) is None
    up = findings_change.observed(pd.Series([46.0, 71.0, 84.0], index=[2022, 2023, 2024]))
    assert (up.first_year, up.last_year, up.n, up.direction) == (2022, 2024, 3, "up")
    assert findings_change.observed(pd.Series([80.0, 80.0], index=[2023, 2024])).direction == "same"


def test_a_label_move_across_a_change_of_method_is_marked_not_comparable():
    own = _rows([("99.01", 2024, 91.78, "hijau", "A", "Kualitas Tertinggi"),
                 ("99.01", 2025, 61.98, "kuning", None, "Kualitas Sedang")])
    move = findings_change.label_move(own, 2025)
    assert not move.comparable
    assert (move.before.kind, move.before.value, move.after.kind, move.after.value) == (
        "category", "A", "opinion", "Kualitas Sedang")


def test_a_rank_move_needs_both_ranks_quotable_and_one_method():
    ten = _rows([(f"99.{i:02}", 2024, 90.0 - i, "hijau", "A", None) for i in range(10)])
    before = findings.rank_in(ten.assign(year=2023), "99.03", "province_kabkota", group_size=10)
    after = findings.rank_in(ten, "99.03", "province_kabkota", group_size=10)
    assert findings_change.rank_move(before, after, 2023, 2024).after == 4
    thin = findings.rank_in(ten, "99.03", "province_kabkota", group_size=27)  # 10 of 27: not quotable
    assert not thin.quotable and findings_change.rank_move(before, thin, 2023, 2024) is None
    assert findings_change.rank_move(before, after, 2024, 2025) is None  # a change of method between


def test_a_rank_that_may_not_be_quoted_carries_the_median_for_its_sentence():
    seven = _rows([(f"99.{i:02}", 2025, 60.0 + i, "kuning", None, "Kualitas Sedang") for i in range(7)])
    rank = findings.rank_in(seven, "99.00", "type.kota", sampled=56, group_size=56)
    assert not rank.quotable and rank.median == pytest.approx(63.0)
    assert findings.median_position(rank) == "below"


# --- the pages against the data -------------------------------------------------------------------

def _green_share(shipped) -> pd.Series:
    """The plotted series, recomputed from the published aggregates: hijau / (hijau + kuning + merah),
    zones summed from the printed categories where only those were printed (A, B hijau; C kuning; D, E merah)."""
    a = shipped.aggregates
    a = a[a["scope_code"].isna() & (a["entity_type"] == "all")]
    wide = a.pivot_table(index="year", columns="measure", values="count", aggfunc="first")
    zones = {"hijau": ("A", "B"), "kuning": ("C",), "merah": ("D", "E")}
    for zone, cats in zones.items():
        from_cats = wide[list(cats)].sum(axis=1, min_count=len(cats)) if set(cats) <= set(wide.columns) else None
        wide[zone] = wide[zone].fillna(from_cats) if from_cats is not None else wide[zone]
    wide = wide.dropna(subset=list(zones))
    return wide["hijau"] / wide[list(zones)].sum(axis=1) * 100


def test_the_national_2024_trend_sentence_agrees_in_sign_with_its_chart(shipped):
    share = _green_share(shipped)
    run = share[[y for y in share.index if 2022 <= y <= 2024]]
    rising = run.iloc[-1] > run.iloc[0]
    for lang, up, down, no_trend in (("id", "naik", "turun", "Tidak ada tren"),
                                     ("en", "rose", "fell", "No trend of")):
        report = NationalReport(shipped, lang, 2024)
        said = _text(report.green_trend())
        headline = _text(report.headline())
        assert no_trend not in said and no_trend not in headline
        assert (up in said) == rising and (down in said) != rising, said
        assert f"{round(run.iloc[0])}%" in said and f"{round(run.iloc[-1])}%" in said


def test_the_national_2024_what_changed_cites_the_published_counts(shipped):
    a = shipped.aggregates
    green = a[a["scope_code"].isna() & (a["entity_type"] == "all") & (a["measure"] == "hijau")]
    before, after = (int(green.loc[green["year"] == y, "count"].iloc[0]) for y in (2023, 2024))
    headline = _text(NationalReport(shipped, "id", 2024).headline())
    assert f"zona hijau {before} → {after}" in headline
    assert "Mann–Whitney" not in headline and "Kruskal" not in headline  # tests are for researchers, below


ZERO_ONE_YEAR = re.compile(r"\b(?:hanya|only)\s+[01]\s+(?:tahun|years?)\b|\b[01] tahun\b|\b[01] years?\b")


def _said(report) -> str:
    """Every sentence part of a report (figures and maps left out: they hold no words to check here)."""
    parts = [report.headline()]
    if isinstance(report, EntityReport):
        parts += [report.trend_note(), report.comparison(), report.trend_table()]
    else:
        parts += [report.ranking_table(), report.change_table(), report.coverage()]
    return " ".join(_text(p) for p in parts)


def test_no_bengkulu_report_says_only_zero_or_one_year(shipped):
    tasks = [t for t in build.plan(shipped, province="Bengkulu") if not t.slug.startswith("en/")]
    assert len(tasks) > 40
    for task in tasks:
        kind, code, year = task.subject
        if kind == "national":
            continue
        report = (EntityReport(shipped, code, year, "id") if kind == "entity"
                  else ProvinceReport(shipped, code, year, "id"))
        said = _said(report)
        assert not ZERO_ONE_YEAR.search(said), (task.slug, ZERO_ONE_YEAR.search(said).group(0))
        assert "(n = 0)" not in said, task.slug


def _scored(shipped, year, province=None, kinds=("kabupaten", "kota")) -> int:
    e = shipped.entities
    rows = e[(e["year"] == year) & e["entity_type"].isin(kinds) & e["score"].notna()]
    return len(rows if province is None else rows[rows["province_code"] == province])


@pytest.mark.parametrize(("code", "year", "province"), [("32.01", 2022, "32"), ("11.71", 2025, "11")])
def test_no_rank_is_quoted_for_a_thin_group(shipped, code, year, province):
    """Kabupaten Bogor 2022 (Jawa Barat) and Kota Banda Aceh 2025: the data hold fewer than half the group."""
    regions = shipped.regions
    in_province = int(((regions["province_code"] == province) & regions["type"].isin(["kabupaten", "kota"])).sum())
    assert _scored(shipped, year, province) < max(5, in_province / 2)  # the premise, from the data
    report = EntityReport(shipped, code, year, "id")
    said = _text(report.headline()) + " " + _text(report.comparison())
    assert not re.search(r"Peringkat \d+ dari", said), said
    assert "median" in said
    if report.peer_set is not None:
        assert "Peringkat" not in _text(report.peers_table())  # no rank column either


def test_banda_aceh_2025_is_placed_against_the_median_of_the_sampled_cities_in_the_data(shipped):
    a = shipped.aggregates
    sampled = int(a[(a["year"] == 2025) & a["scope_code"].isna() & (a["entity_type"] == "kota")
                    & (a["measure"] == "sampled")]["count"].iloc[0])
    n = _scored(shipped, 2025, kinds=("kota",))
    said = _text(EntityReport(shipped, "11.71", 2025, "id").headline())
    assert f"{n} dari {sampled} kota" in said


def test_province_35_2021_cites_the_published_counts_first(shipped):
    a = shipped.aggregates
    rows = a[(a["year"] == 2021) & (a["scope_code"] == "35") & (a["entity_type"] == "kabkota")]
    published = {m: int(c) for m, c in zip(rows["measure"], rows["count"], strict=True)}
    said = _text(ProvinceReport(shipped, "35", 2021, "id").headline())
    assert (f"{published['hijau']} zona hijau, {published['kuning']} zona kuning, {published['merah']} zona merah"
            in said), said
    assert f"{sum(published.values())} kabupaten/kota" in said


def test_rejang_lebong_2024_says_its_rank_move_in_bengkulu(shipped):
    e = shipped.entities
    ranks = {}
    for year in (2023, 2024):
        rows = e[(e["year"] == year) & (e["province_code"] == "17") & e["entity_type"].isin(["kabupaten", "kota"])
                 & e["score"].notna()]
        own = float(rows.loc[rows["entity_code"] == "17.02", "score"].iloc[0])
        ranks[year] = (int((rows["score"] > own).sum()) + 1, len(rows))
    said = _text(EntityReport(shipped, "17.02", 2024, "id").changed())
    assert (f"ke-{ranks[2023][0]} dari {ranks[2023][1]} pada 2023, ke-{ranks[2024][0]} dari {ranks[2024][1]} pada 2024"
            in said), said


def test_a_label_move_into_2025_warns_that_the_scores_are_not_comparable(shipped):
    e = shipped.entities
    row = e[(e["entity_code"] == "11.71") & (e["year"] == 2025)].iloc[0]
    f = messages.Formatter("en")
    label = f(f"opinion.{row['opinion']}.short", zone=f(f"zone.{row['zone']}.short"))
    said = _text(EntityReport(shipped, "11.71", 2025, "en").changed())
    assert label in said and "not comparable" in said, said


def test_national_2025_counts_its_sample_and_opini_levels(shipped):
    e = shipped.entities
    rows = e[(e["year"] == 2025) & e["opinion"].notna()]
    report = NationalReport(shipped, "id", 2025)
    opinion = report.frame("opinion")
    assert dict(zip(opinion["opinion"], opinion["in_data"], strict=True)) == {
        o: int((rows["opinion"] == o).sum()) for o in grading.OPINIONS.values()}
    assert opinion["published"].isna().all()  # no national count per opini is in the aggregates
    sample = report.frame("sample")
    a = shipped.aggregates
    drawn = a[(a["year"] == 2025) & a["scope_code"].isna() & (a["measure"] == "sampled") & (a["entity_type"] != "all")]
    assert dict(zip(sample["entity_type"], sample["sampled"], strict=True)) == dict(
        zip(drawn["entity_type"], drawn["count"].astype(int), strict=True))
    tm = int((rows["maladministrasi"] == "tanpa_maladministrasi").sum())
    assert f"{tm} di antaranya berpredikat Tanpa Maladministrasi" in _text(report.headline())
    assert "))" not in _text(NationalReport(shipped, "en", 2025).headline())


def test_a_section_with_nothing_to_show_is_left_out_heading_and_all(shipped, monkeypatch):
    shown = []
    monkeypatch.setattr(view, "display", lambda *items: shown.extend(items))
    report = EntityReport(shipped, "kemenkeu", 2025, "id")  # a published label, no score: nothing to compare
    assert all(view.empty(part()) for part in next(s for s in report.sections() if s.name == "comparison").parts)
    report.show("comparison")
    assert shown == []
    report.show("trend")
    assert shown and "Perbandingan" not in " ".join(_text(i) for i in shown if hasattr(i, "data")
                                                   and isinstance(i.data, str))


def test_an_entity_without_any_score_has_no_observed_change():
    from kepatuhan import trend

    data = dataset.load()
    e = data.entities
    scored = set(e.loc[e["score"].notna(), "entity_code"])
    code = sorted(set(e["entity_code"]) - scored)[0]  # known only by published labels
    series = trend.entity_series(e, code)
    assert series.empty
    assert findings_change.score_observed(series, int(e.loc[e["entity_code"] == code, "year"].max())) is None


def _label_only_entities(e):
    scored = set(e.loc[e["score"].notna(), "entity_code"])
    return e[~e["entity_code"].isin(scored)]


@pytest.mark.parametrize("shape", ["no score in any year", "a ministry or agency", "a 2025 label"])
def test_every_part_of_an_entity_report_runs_for_each_shape_of_entity(shape):
    """800 of the site's reports once failed in one part (an entity with no score at all): run every part
    of a report of each shape the data holds, not only of well-covered kabupaten."""
    from kepatuhan import report

    e = dataset.load().entities
    rows = {"no score in any year": _label_only_entities(e),
            "a ministry or agency": e[e["entity_type"].isin(["kementerian", "lembaga"])],
            "a 2025 label": e[(e["year"] == 2025) & e["score"].isna()]}[shape]
    row = rows.sort_values(["entity_code", "year"]).iloc[0]
    view = report.open_entity(str(row["entity_code"]), int(row["year"]), "id")
    for section in view.sections():
        for part in section.parts:
            part()
