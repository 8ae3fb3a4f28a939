"""What changed, as data: observed changes between years, label and rank moves, published counts.

The rules these functions hold (issue 16): a sentence never contradicts the figure beside it, so an
observed change is said in words whatever the number of years, and "too few years" is kept for a fitted
trend line only (never "only 0 / 1 year"); a label or rank move is stated between years graded by one
method, and across a change of method only the labels are named, with the warning that the scores are
not comparable; a rank move needs both ranks quotable (`findings.rank_quotable`); a count of labels
cites the published total first and then how many of those are in the data. Each function is pure:
tables in, a small frozen record out, or None when there is nothing honest to say.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import findings, grading, maps, national


@dataclass(frozen=True)
class Observed:
    """A quantity seen in the first and last year of a run of years graded by one method."""

    first_year: int
    last_year: int
    first: float
    last: float
    n: int  # years in the run
    direction: str  # "up", "down" or "same" (to two decimals)


def observed(values: pd.Series) -> Observed | None:
    """First and last value of a series indexed by year (already within one method); None below two years."""
    values = values.dropna().sort_index()
    if len(values) < 2:
        return None
    first, last = float(values.iloc[0]), float(values.iloc[-1])
    gap = round(last - first, 2)
    return Observed(int(values.index[0]), int(values.index[-1]), first, last, len(values),
                    "up" if gap > 0 else "down" if gap < 0 else "same")


def green_share_observed(counts: pd.DataFrame, year: int) -> Observed | None:
    """The published green share (in %) from the first year of `year`'s method up to `year`."""
    share = national.green_share(counts.dropna(subset=list(grading.ZONES))).dropna()
    if year not in share.index:
        return None
    years = [y for y in share.index if y <= year and grading.same_scheme(int(y), year)]
    return observed(share.loc[years, "share"] * 100)


def score_observed(series: pd.DataFrame, year: int) -> Observed | None:
    """An entity's scores from the first scored year of `year`'s method up to `year` (None below two)."""
    rows = series[(series["year"] <= year) & series["score"].notna()]
    same = pd.Series([grading.same_scheme(int(y), year) for y in rows["year"]], index=rows.index, dtype=bool)
    return observed(rows[same].set_index("year")["score"])  # a boolean Series: an empty list would pick columns


def trend_line_stated(n_years: int) -> bool:
    """Whether a report may speak of a trend line at all: "too few years" is said only from two years on,
    where a line could be drawn (never "only 0 / 1 year")."""
    return n_years >= 2


@dataclass(frozen=True)
class Label:
    kind: str  # "category", "opinion" or "zone": the label the year's method publishes
    value: str
    zone: str


def label_of(row: pd.Series) -> Label:
    """The most specific label of a row: its category (2022–2024), else its opini (2025–), else its zone."""
    if isinstance(row.get("category"), str):
        return Label("category", row["category"], str(row["zone"]))
    if isinstance(row.get("opinion"), str):
        return Label("opinion", row["opinion"], str(row["zone"]))
    return Label("zone", str(row["zone"]), str(row["zone"]))


@dataclass(frozen=True)
class LabelMove:
    from_year: int
    year: int
    before: Label
    after: Label
    comparable: bool  # False when a change of method lies between the two years (scores not comparable)


def label_move(own: pd.DataFrame, year: int) -> LabelMove | None:
    """The entity's label in its latest earlier year with a label and in `year` (label-only rows count)."""
    own = own[own["zone"].notna()]
    now = own[own["year"] == year]
    earlier = own[own["year"] < year]
    if now.empty or earlier.empty:
        return None
    before = earlier.sort_values("year").iloc[-1]
    return LabelMove(int(before["year"]), int(year), label_of(before), label_of(now.iloc[0]),
                     grading.same_scheme(int(before["year"]), int(year)))


@dataclass(frozen=True)
class RankMove:
    set_name: str
    from_year: int
    year: int
    before: int
    after: int
    n_before: int
    n_after: int


def rank_move(before: findings.Rank | None, after: findings.Rank | None, from_year: int, year: int
              ) -> RankMove | None:
    """A move between two ranks in one set, only where both are quotable and one method grades both years."""
    if before is None or after is None or before.rank is None or after.rank is None:
        return None
    if not (before.quotable and after.quotable) or not grading.same_scheme(from_year, year):
        return None
    return RankMove(after.set_name, from_year, year, before.rank, after.rank, before.n, after.n)


@dataclass(frozen=True)
class ZoneCounts:
    """Counts of kab/kota (or bodies) per zone in one year: the published ones first, then the data's."""

    year: int
    published: dict[str, int] | None  # zone → count as published (None when no count was published)
    published_total: int | None  # the published number assessed, else the sum of the published zones
    in_data: dict[str, int]  # zone → entities with that zone label in the data
    n_in_data: int


def published_zones(aggregates: pd.DataFrame, year: int, scope_code: str, entity_type: str
                    ) -> dict[str, int] | None:
    """Published counts per zone of one scope, type and year (zones summed from printed categories when
    only categories were printed); None unless every zone is published (a partial count is no total)."""
    a = aggregates[(aggregates["year"] == year) & (aggregates["scope_code"].fillna("") == scope_code)
                   & (aggregates["entity_type"] == entity_type)]
    printed = dict(zip(a["measure"], a["count"], strict=True))
    zones = {}
    for zone in grading.ZONES:
        if zone in printed:
            zones[zone] = int(printed[zone])
            continue
        cats = [c for c, z in grading.ZONE_OF_CATEGORY.items() if z == zone]
        if not all(c in printed for c in cats):
            return None
        zones[zone] = int(sum(printed[c] for c in cats))
    return zones


def zone_counts(aggregates: pd.DataFrame, rows: pd.DataFrame, year: int, scope_code: str,
                entity_type: str) -> ZoneCounts:
    """Published zone counts of a scope beside the zone labels of `rows` (the entities in the data)."""
    published = published_zones(aggregates, year, scope_code, entity_type)
    a = aggregates[(aggregates["year"] == year) & (aggregates["scope_code"].fillna("") == scope_code)
                   & (aggregates["entity_type"] == entity_type) & (aggregates["measure"] == "assessed")]
    total = int(a["count"].iloc[0]) if len(a) else (sum(published.values()) if published else None)
    labelled = rows[rows["zone"].notna()]
    counts = labelled["zone"].value_counts()
    return ZoneCounts(int(year), published, total, {z: int(counts.get(z, 0)) for z in grading.ZONES}, len(labelled))


@dataclass(frozen=True)
class CountMove:
    """The published national (or provincial) zone counts in two years graded alike."""

    from_year: int
    year: int
    before: dict[str, int]
    after: dict[str, int]


def count_move(aggregates: pd.DataFrame, from_year: int | None, year: int, scope_code: str = "",
               entity_type: str = "all") -> CountMove | None:
    """Published zone counts in `from_year` and `year` when both are published and one method grades both."""
    if from_year is None or not grading.same_scheme(from_year, year):
        return None
    before = published_zones(aggregates, from_year, scope_code, entity_type)
    after = published_zones(aggregates, year, scope_code, entity_type)
    return CountMove(int(from_year), int(year), before, after) if before and after else None


def previous_assessment(year: int) -> int | None:
    """The assessment year before `year` (2021 before 2022; 2019 before 2021: 2020 had none)."""
    earlier = [y for y in grading.ASSESSED_YEARS if y < year]
    return max(earlier) if earlier else None


@dataclass(frozen=True)
class OpinionCounts:
    """The opini levels and Tanpa Maladministrasi flags of one year among the entities in the data, beside
    the published national counts per level where the aggregates hold them (None: none published)."""

    year: int
    levels: tuple[tuple[str, int], ...]  # (opini level, entities in the data), best level first
    flags: tuple[tuple[str, int], ...]  # (flag, entities in the data) in `grading.FLAGS` order
    n: int  # entities of the year in the data with an opini
    published: dict[str, int] | None


def opinion_counts(entities: pd.DataFrame, aggregates: pd.DataFrame, year: int) -> OpinionCounts | None:
    """Opini levels and flags of `year` in the data (label-only rows included); None for a year whose
    method publishes no opini (its bands have a category, or no opini level: `maps.label_kind`)."""
    if maps.label_kind(year) != "opinion":
        return None
    rows = entities[(entities["year"] == year) & entities["opinion"].notna()]
    if rows.empty:
        return None
    levels = tuple((o, int((rows["opinion"] == o).sum())) for o in grading.OPINIONS.values())
    flags = tuple((g, int((rows["maladministrasi"] == g).sum())) for g in grading.FLAGS)
    a = aggregates[(aggregates["year"] == year) & (aggregates["scope_code"].fillna("") == "")
                   & (aggregates["entity_type"] == "all")]
    printed = {m: int(c) for m, c in zip(a["measure"], a["count"], strict=True) if m in grading.OPINIONS.values()}
    return OpinionCounts(int(year), levels, flags, len(rows), printed or None)
