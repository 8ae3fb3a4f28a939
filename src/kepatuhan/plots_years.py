"""Charts over the years: one entity's trend, several entities side by side, the national zone shares.

The x axis is the calendar: a year sits at its own number, so 2019 → 2023 spans four years, not one.
A year without an assessment (2020) is shaded and named; a change of grading scheme (2021→2022,
2024→2025) is a dashed line that no line of scores crosses; an assessment year without data leaves a
gap. A year with only a published label (zone, category or opini, no score) has no y value: it is drawn
as a marker on the axis in its grade's colour, with the label beside it, never as an invented score.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from . import grading
from .plots import (
    BREAK_COLOR,
    ZONE_COLORS,
    _figure,
    _score_axis,
    _styled,
    _zone_legend,
    entity_colors,
    figure_label,
    grade_color,
)

#: Where a label-only marker sits, in axes height (0 is the x axis).
LABEL_MARKER_Y = 0.0
NOT_ASSESSED = "#eeeeee"


def year_span(years) -> list[int]:
    """Every calendar year from the first to the last shown, gaps included."""
    years = [int(y) for y in years]
    return list(range(min(years), max(years) + 1)) if years else []


def method_breaks(years) -> list[float]:
    """x positions (half-way between two assessment years) where the grading scheme changes, inside the
    span of `years`."""
    span = year_span(years)
    if not span:
        return []
    assessed = [y for y in grading.ASSESSED_YEARS if span[0] <= y <= span[-1]]
    return [(a + b) / 2 for a, b in zip(assessed, assessed[1:], strict=False) if not grading.same_scheme(a, b)]


def runs(years) -> list[list[int]]:
    """Years split where an assessment year without data or a change of scheme lies between two: a line is
    drawn within a run only."""
    out: list[list[int]] = []
    for year in sorted(int(y) for y in years):
        if out:
            last = out[-1][-1]
            between = [y for y in grading.ASSESSED_YEARS if last < y < year]
            if not between and grading.same_scheme(last, year):
                out[-1].append(year)
                continue
        out.append([year])
    return out


def _year_axis(ax, years, fmt) -> None:
    """Calendar years on x (every year of the span ticked), unassessed years shaded and named, breaks dashed."""
    span = year_span(years)
    ax.set_xlim(span[0] - 0.6, span[-1] + 0.6)
    ax.set_xticks(span, [str(y) for y in span])
    for year in span:
        if year not in grading.ASSESSED_YEARS:
            ax.axvspan(year - 0.45, year + 0.45, color=NOT_ASSESSED, linewidth=0, zorder=0)
            ax.text(year, 0.98, " " + fmt("chart.no_assessment") + " ", transform=ax.get_xaxis_transform(),
                    rotation=90, ha="center", va="top", fontsize=7, color="#616161", clip_on=True)
    for x in method_breaks(years):
        ax.axvline(x, color=BREAK_COLOR, linestyle="--", linewidth=1)
        ax.text(x, 0.02, " " + fmt("chart.method_break") + " ", transform=ax.get_xaxis_transform(), rotation=90,
                ha="center", va="bottom", fontsize=7, color=BREAK_COLOR, clip_on=True,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    ax.set_xlabel(fmt("chart.year"))


def label_text(fmt, zone, category=None, opinion=None) -> str:
    """The short words of a published label: its category letter, else its zone."""
    if isinstance(category, str) and category:
        return category
    return fmt(f"zone.{zone}.short") if isinstance(zone, str) and zone else ""


def label_markers(ax, labels, fmt, color=None, y: float = LABEL_MARKER_Y, text: bool = True) -> None:
    """A diamond on the x axis at each label-only year, in its grade's colour (or `color`), its label above.

    The marker has no score: it sits on the axis (axes coordinates), not at a value."""
    for row in labels.itertuples(index=False):
        face = color or grade_color(row.zone, getattr(row, "category", None), getattr(row, "opinion", None))
        ax.plot([int(row.year)], [y], transform=ax.get_xaxis_transform(), marker="D", markersize=7,
                markerfacecolor=face, markeredgecolor="#212121", linestyle="", clip_on=False, zorder=5)
        if text:
            ax.annotate(label_text(fmt, row.zone, getattr(row, "category", None)), (int(row.year), y),
                        xycoords=ax.get_xaxis_transform(), textcoords="offset points", xytext=(0, 7),
                        ha="center", va="bottom", fontsize=7, color="#212121")


def _label_handle(fmt, color: str = "#ffffff") -> Line2D:
    return Line2D([], [], marker="D", markersize=6, markerfacecolor=color, markeredgecolor="#212121",
                  linestyle="", label=fmt("chart.label_only"))


@_styled
def trend_figure(series, title: str, fmt, labels=None, code: str | None = None) -> Figure:
    """Scores over the zone bands of each year with a score, on the calendar; lines break at a missing
    assessment year and at a change of method (marked); label-only years (`labels`: year, zone, category,
    opinion) are markers on the axis. The line is the entity's own colour (`plots.entity_color`)."""
    fig, ax = _figure()
    years = [int(y) for y in series["year"]]
    label_years = [] if labels is None else [int(y) for y in labels["year"]]
    color = entity_colors([code])[str(code)] if code is not None else entity_colors(["-"])["-"]
    for year in years:
        for band in grading.scheme_for(year).bands:
            ax.axvspan(year - 0.4, year + 0.4, ymin=band.lower / 100, ymax=min(band.upper + 0.01, 100) / 100,
                       color=ZONE_COLORS[band.zone], alpha=0.12, linewidth=0)
    scores = dict(zip(years, series["score"], strict=True))
    for run in runs(years):
        ax.plot(run, [scores[y] for y in run], color=color, marker="o", linewidth=1.5)
    for year, score in scores.items():
        ax.annotate(fmt.num(score), (year, score), textcoords="offset points",
                    xytext=(0, -12 if score > 90 else 6), ha="center", fontsize=8, annotation_clip=True)
    if label_years:
        label_markers(ax, labels, fmt)
    _year_axis(ax, [*years, *label_years], fmt)
    ax.set_ylim(0, 100)
    _score_axis(ax.yaxis, fmt)
    ax.set_ylabel(fmt("chart.score"))
    ax.set_title(title)
    _zone_legend(fig, fmt, light=True, extra=(_label_handle(fmt),) if label_years else ())
    return fig


@_styled
def series_figure(frame, title: str, fmt) -> Figure:
    """Several entities over the calendar: one line per entity in its own colour, broken at gaps and changes
    of method; a year with only a label is a hollow diamond on the axis in the entity's colour."""
    fig, ax = _figure(7.0, 4.0)
    colors = entity_colors(frame["entity_code"])
    scored_any = False
    ordered = frame.sort_values(["entity_code", "year"])
    for code, rows in ordered.groupby("entity_code", sort=True):
        color = colors[str(code)]
        scored = rows[rows["score"].notna()]
        scores = dict(zip(scored["year"].astype(int), scored["score"], strict=True))
        for j, run in enumerate(runs(scores)):
            ax.plot(run, [scores[y] for y in run], color=color, marker="o", linewidth=1.4,
                    label=figure_label(rows["entity_name"].iloc[0]) if j == 0 else None)
            scored_any = True
        labels = rows[rows["score"].isna()]
        if not labels.empty:
            label_markers(ax, labels, fmt, color=color, y=0.0, text=False)
            if not scores:
                ax.plot([], [], color=color, marker="D", linestyle="", label=figure_label(rows["entity_name"].iloc[0]))
    _year_axis(ax, frame["year"], fmt)
    ax.set_ylim(0, 100)
    _score_axis(ax.yaxis, fmt)
    ax.set_ylabel(fmt("chart.score"))
    ax.set_title(title)
    handles, names = ax.get_legend_handles_labels()
    if frame["score"].isna().any():
        handles.append(_label_handle(fmt))
        names.append(fmt("chart.label_only"))
    if handles or scored_any:
        fig.legend(handles, names, frameon=False, fontsize=7, loc="outside lower center", ncols=3)
    return fig


@_styled
def national_figure(counts, title: str, fmt) -> Figure:
    """Stacked bars of zone shares, one bar per year with published counts, on the calendar; the year without
    an assessment shaded, a dashed line at a change of method."""
    fig, ax = _figure()
    data = counts.dropna(subset=list(grading.ZONES))
    years = [int(y) for y in data.index]
    totals = data[list(grading.ZONES)].sum(axis=1).astype(float).to_list()
    bottom = [0.0] * len(data)
    for zone in grading.ZONES:
        share = [float(v) / t * 100 for v, t in zip(data[zone], totals, strict=True)]
        # no counts on the segments: the thin red ones cannot hold a label, and the table above gives them all
        ax.bar(years, share, bottom=bottom, color=ZONE_COLORS[zone], width=0.7)
        bottom = [b + s for b, s in zip(bottom, share, strict=True)]
    _year_axis(ax, years, fmt)
    ax.set_xlabel("")
    ax.set_ylabel(fmt("chart.share"))
    ax.set_ylim(0, 100)
    _score_axis(ax.yaxis, fmt)
    _zone_legend(fig, fmt)
    ax.set_title(title)
    return fig
