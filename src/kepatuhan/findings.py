"""The few things a report says first, computed as data: the view only puts them into words.

Each function is pure (tables in, a small frozen record out, or None when there is nothing honest to
say): where an entity stands, how it moved and whether that change is comparable, where it ranks and
among how many, its weakest unit, what a group test means. Ranks need MIN_COMPARABLE entities; a
trend needs MIN_TREND_POINTS_FINDING comparable years before it is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import compare, grading, trend

#: Fewest entities with data a rank or percentile is given among.
MIN_COMPARABLE = 3
#: Fewest comparable years a fitted slope needs before a report states it as a finding.
MIN_TREND_POINTS_FINDING = 5
#: Fewest entities with data a rank is quoted among ("peringkat 3 dari 3" invites a wrong headline).
MIN_QUOTED_RANK = 5
#: Share of the group's published (or known) size the data must hold before a rank is quoted.
MIN_QUOTED_SHARE = 0.5


@dataclass(frozen=True)
class Standing:
    year: int
    score: float
    zone: str
    category: str | None
    inferred: bool  # the zone is computed from bands that were never published


@dataclass(frozen=True)
class Movement:
    year: int
    from_year: int
    previous: float
    score: float
    change: float
    comparable: bool  # False when a change of grading method lies between the two years
    break_year: int | None = None  # first year of the new method when not comparable


@dataclass(frozen=True)
class Rank:
    set_name: str  # which set: "province_kabkota", "type:kabupaten", "provinces"…
    rank: int | None  # None when fewer than MIN_COMPARABLE entities have data
    n: int
    percentile: float | None
    assessed: int | None = None  # how many the Ombudsman assessed in that set and year, when published
    sampled: int | None = None  # how many of the set the Ombudsman sampled that year (a sampled year only)
    label_only: int = 0  # entities of the set in the data with a published label but no score that year
    group_size: int | None = None  # the group's published (or known) size, when there is one
    quotable: bool = True  # whether the rank may be quoted (`rank_quotable`); else the position against the median
    score: float | None = None  # the entity's own score
    median: float | None = None  # the median score of those with data in the set


@dataclass(frozen=True)
class Weakest:
    name: str
    score: float
    n_units: int


@dataclass(frozen=True)
class GroupFinding:
    name: str  # "kota_vs_kabupaten" or "across_provinces"
    year: int
    groups: tuple[tuple[str, int, float], ...]  # (group, n, median score)
    p_value: float
    effect: float
    effect_name: str
    size: str  # negligible, small, medium, large
    significant: bool


def standing(series: pd.DataFrame, year: int) -> Standing | None:
    """Score and grade of one entity in one year, from its series."""
    row = series[series["year"] == year]
    if row.empty:
        return None
    row = row.iloc[0]
    category = row["category"] if isinstance(row["category"], str) else None
    return Standing(int(year), float(row["score"]), str(row["zone"]), category, row["zone_basis"] == "inferred")


def movement(series: pd.DataFrame, year: int) -> Movement | None:
    """Change from the previous assessment with data; marked not comparable across a change of method."""
    change = trend.change_against_previous(series, year)
    if change is None:
        return None
    from_year = change["from_year"]
    previous = float(series.loc[series["year"] == from_year, "score"].iloc[0])
    comparable = not change["across_break"]
    return Movement(int(year), int(from_year), previous, previous + change["change"], change["change"], comparable,
                    None if comparable else first_year_of_new_method(from_year, year))


def first_year_of_new_method(year_before: int, year_after: int) -> int | None:
    """The first assessment year after `year_before` graded by another method, if it is by `year_after`."""
    return next((y for y in grading.ASSESSED_YEARS if year_before < y <= year_after
                 and not grading.same_scheme(year_before, y)), None)


def rank_in(group: pd.DataFrame, code: str, set_name: str, assessed: int | None = None,
            sampled: int | None = None, label_only: int = 0, group_size: int | None = None) -> Rank | None:
    """Rank "of n with data" of `code` in `group`; no rank or percentile below MIN_COMPARABLE entities.

    `sampled` and `label_only` travel with the rank so that its sentence can say what the n is not:
    the Ombudsman's sample of that type, or the entities known only by their published label.
    `group_size` decides whether the rank may be quoted at all (`rank_quotable`): when it may not, the
    record still carries the score and the median, for a sentence on the position in words."""
    s = compare.standing(group, code)
    if s is None:
        return None
    own = s.median + s.gap_to_median
    quotable = rank_quotable(s.n, group_size)
    if s.n < MIN_COMPARABLE:
        return Rank(set_name, None, s.n, None, assessed, sampled, label_only, group_size, False, own, s.median)
    return Rank(set_name, s.rank, s.n, s.percentile, assessed, sampled, label_only, group_size, quotable, own,
                s.median)


def median_position(rank: Rank) -> str:
    """Where the entity stands against the median of those with data: "above", "below" or "at" (2 decimals)."""
    gap = round((rank.score or 0.0) - (rank.median or 0.0), 2)
    return "above" if gap > 0 else "below" if gap < 0 else "at"


def rank_quotable(n_with_data: int, group_size: int | None) -> bool:
    """Whether a rank among `n_with_data` entities may be quoted, given the size of the whole group.

    The data hold a self-selected part of most groups (the published lists, not the Ombudsman's whole
    table), so "3rd of 3" among 27 kab/kota says nothing about the 27. A rank is quoted only among at
    least MIN_QUOTED_RANK entities with data that make up at least MIN_QUOTED_SHARE of the group's
    published (or known) size; otherwise a report gives the coverage and the position against the
    median in words.

    Parameters
    ----------
    n_with_data : int
        Entities of the group with a score in the data (the ones ranked).
    group_size : int or None
        How many the group holds: the published number assessed or sampled, else the known number of
        regions of that kind; None when neither is known (only the minimum count applies).

    Returns
    -------
    bool
        True when the rank may be quoted.

    Examples
    --------
    >>> rank_quotable(3, 27), rank_quotable(5, 27), rank_quotable(14, 27), rank_quotable(7, 56)
    (False, False, True, False)
    >>> rank_quotable(6, None)
    True
    """
    if n_with_data < MIN_QUOTED_RANK:
        return False
    return group_size is None or n_with_data >= MIN_QUOTED_SHARE * group_size


def label_only_count(entities: pd.DataFrame, year: int, entity_types: tuple[str, ...],
                     province_code: str | None = None) -> int:
    """Entities of these types in the data for `year` with a published label but no score (never ranked)."""
    rows = entities[(entities["year"] == year) & entities["entity_type"].isin(entity_types)
                    & entities["score"].isna()]
    if province_code is not None:
        rows = rows[rows["province_code"] == province_code]
    return len(rows)


def weakest_unit(units: pd.DataFrame) -> Weakest | None:
    """The lowest-scoring service unit (needs two or more units to mean anything)."""
    if len(units) < 2:
        return None
    row = units.sort_values(["score", "unit_code"], kind="stable").iloc[0]
    return Weakest(str(row["unit_name"]), float(row["score"]), len(units))


def trend_worth_stating(series: pd.DataFrame, year: int) -> trend.TrendFit | None:
    """The fitted slope when enough comparable years back it, else None (it is then no finding)."""
    fit = trend.fit_trend(series, year)
    return fit if fit.fitted and fit.n >= MIN_TREND_POINTS_FINDING else None


def assessed_count(aggregates: pd.DataFrame, year: int, entity_type: str) -> int | None:
    """How many entities of a type the Ombudsman assessed nationally in a year, from the published aggregates."""
    rows = aggregates[(aggregates["year"] == year) & (aggregates["scope_code"].fillna("") == "")
                      & (aggregates["entity_type"] == entity_type) & (aggregates["measure"] == "assessed")]
    return int(rows["count"].iloc[0]) if len(rows) else None


def effect_size(effect: float, effect_name: str) -> str:
    """Conventional size words: |r| .1/.3/.5 for rank-biserial r; ε² .01/.08/.26 for epsilon squared."""
    cuts = (0.1, 0.3, 0.5) if effect_name == "rank-biserial r" else (0.01, 0.08, 0.26)
    value = abs(effect)
    if value < cuts[0]:
        return "negligible"
    if value < cuts[1]:
        return "small"
    if value < cuts[2]:
        return "medium"
    return "large"


def group_test_meaning(result: compare.GroupTest, year: int, entities: pd.DataFrame, names: dict[str, str],
                 alpha: float = 0.05) -> GroupFinding | None:
    """A done group test with its groups named, their n and median, and the size of the effect."""
    if not result.done:
        return None
    kind = "kota_vs_kabupaten" if result.name.startswith("Mann") else "across_provinces"
    table = compare.group_table(result, entities, year, names)
    groups = [(str(g), int(n), float(m)) for g, n, m in zip(table["group"], table["n"], table["median"], strict=True)]
    return GroupFinding(kind, int(year), tuple(groups), float(result.p_value), float(result.effect),
                       result.effect_name, effect_size(result.effect, result.effect_name), result.p_value < alpha)
