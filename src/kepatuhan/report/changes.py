"""Words of what changed and of observed changes: the records of `findings_change` as sentences.

A report says a change in words that agree with the figure beside it (`trend_words`, `green_words`) and
puts the label, rank and count moves since the previous assessment in a box at the top (`changed_box`).
Every word comes from the catalogue; nothing here makes markup beyond the one fragment template.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from .. import findings, findings_change, grading, national
from ..messages import Formatter
from .markup import render
from .words import grade_short, set_words


def label_words(f: Formatter, label: findings_change.Label) -> str:
    """A label for a sentence: 'B (hijau)', 'Kualitas Sedang (kuning)', 'hijau' (as in the tables)."""
    return grade_short(f, label.value if label.kind == "category" else None, label.zone,
                       label.value if label.kind == "opinion" else None)


def label_move_sentence(f: Formatter, move: findings_change.LabelMove | None) -> str:
    if move is None:
        return ""
    before, after = label_words(f, move.before), label_words(f, move.after)
    if not move.comparable:
        return f("changed.label_break", before=before, from_year=move.from_year, after=after, year=move.year,
                 break_year=findings.first_year_of_new_method(move.from_year, move.year))
    if move.before == move.after:
        return f("changed.label_kept", from_year=move.from_year, year=move.year, after=after)
    return f("changed.label", from_year=move.from_year, year=move.year, before=before, after=after)


def rank_move_sentence(f: Formatter, move: findings_change.RankMove | None, province: str = "") -> str:
    if move is None:
        return ""
    return f("changed.rank", set=set_words(f, move.set_name, province), before=move.before,
             n_before=move.n_before, from_year=move.from_year, after=move.after, n_after=move.n_after, year=move.year)


def count_move_sentence(f: Formatter, move: findings_change.CountMove | None) -> str:
    if move is None:
        return ""
    return f("changed.counts", from_year=move.from_year, year=move.year,
             **{z: f.int(move.after[z]) for z in grading.ZONES},
             **{f"{z}_before": f.int(move.before[z]) for z in grading.ZONES})


def break_sentence(f: Formatter, from_year: int | None, year: int) -> str:
    """'The method changed in 2025: …' when a change of method lies between the two years, else ''."""
    if from_year is None or grading.same_scheme(from_year, year):
        return ""
    return f("changed.method_break", year=findings.first_year_of_new_method(from_year, year), from_year=from_year)


def moves_sentence(f: Formatter, moves: pd.DataFrame, from_year: int, year: int) -> str:
    """Zone moves of the kab/kota labelled in both years (within one method), from `national.zone_moves`."""
    if moves.empty or not bool(moves["comparable"].iloc[0]):
        return ""
    counts = moves["move"].value_counts()
    return f("changed.moves", n=len(moves), from_year=from_year, year=year,
             **{m: int(counts.get(m, 0)) for m in ("up", "down", "same")})


def changed_box(f: Formatter, items: list[str]) -> HTML:
    """The 'What changed' box under the key findings; nothing at all when there is nothing to say."""
    items = [i for i in items if i]
    if not items:
        return HTML("")
    return HTML(render("changed.html.j2", heading=f("changed.heading"), items=items))


def entity_changes(f: Formatter, own: pd.DataFrame, year: int, rank_before: findings.Rank | None,
                   rank_now: findings.Rank | None, province: str = "") -> HTML:
    """An entity's box: its label then and now (across a change of method, only the labels, with the
    warning), and its rank move in its province where both ranks are quotable and one method grades both.

    Parameters
    ----------
    f : Formatter
        The report's words.
    own : DataFrame
        The entity's rows of every year (label-only rows included).
    year : int
        The report's year.
    rank_before, rank_now : Rank or None
        Its rank among the kab/kota of its province in the previous year with a label, and in `year`.
    province : str
        The province's name, for the words of the set.

    Returns
    -------
    HTML
        The box, or an empty fragment when there is no earlier label.
    """
    move = findings_change.label_move(own, year)
    if move is None:
        return changed_box(f, [])
    ranks = findings_change.rank_move(rank_before, rank_now, move.from_year, year) if move.comparable else None
    return changed_box(f, [label_move_sentence(f, move), rank_move_sentence(f, ranks, province)])


def trend_words(f: Formatter, series: pd.DataFrame, year: int) -> str:
    """The trend of one entity in words that agree with its chart: the fitted slope when enough comparable
    years back it; else the observed change within the method, and why no line is computed; else (the
    first year of a method) that there is no comparable change yet. Never 'only 0 / 1 year'."""
    fit = findings.trend_worth_stating(series, year)
    if fit:
        return f("finding.trend", slope=f.num(fit.slope, signed=True), low=f.num(fit.ci_low),
                 high=f.num(fit.ci_high), n=fit.n, first=fit.years[0], last=fit.years[-1])
    seen = findings_change.score_observed(series, year)
    if seen is None:
        return f("trend.first_of_method", year=year) if not series[series["year"] == year].empty else ""
    said = f(f"trend.observed.{seen.direction}", first=f.num(seen.first), first_year=seen.first_year,
             last=f.num(seen.last), last_year=seen.last_year)
    return said + " " + f("trend.no_line", n=seen.n, need=findings.MIN_TREND_POINTS_FINDING)


def green_words(f: Formatter, counts: pd.DataFrame, year: int) -> str:
    """The national green share in words that agree with the chart: the fitted slope with enough years,
    else the observed change from the first year of the method to `year` (or to the last year with zone
    counts, when `year` has none), and why no line is computed."""
    zoned = counts.dropna(subset=list(grading.ZONES))
    shown = [y for y in zoned.index if y <= year]
    if not shown:
        return ""
    last = int(max(shown))
    fit = national.green_share_trend(counts, last)
    if fit.fitted and fit.n >= findings.MIN_TREND_POINTS_FINDING:
        return f("national.green_trend", slope=f.num(fit.slope, signed=True), low=f.num(fit.ci_low),
                 high=f.num(fit.ci_high), n=fit.n)
    seen = findings_change.green_share_observed(counts, last)
    if seen is None:
        return ""
    said = f(f"national.green_observed.{seen.direction}", first=f.int(round(seen.first)),
             first_year=seen.first_year, last=f.int(round(seen.last)), last_year=seen.last_year)
    return said + " " + f("trend.no_line", n=seen.n, need=findings.MIN_TREND_POINTS_FINDING)

