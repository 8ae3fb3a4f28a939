"""Ranked entities as dot plots and slopes: on the range of their scores (88–96 fills the width), the
grade bands' edges marked, the dots coloured by category where the year has categories, else by zone,
and an entity of interest ringed in its own colour (`plots.entity_color`)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import grading
from .plots import (
    CATEGORY_COLORS,
    EDGE_COLOR,
    LABEL_POINTS,
    NEUTRAL,
    ZONE_COLORS,
    _figure,
    _score_axis,
    _styled,
    entity_color,
    figure_label,
    grade_color,
)


def score_range(scores, pad: float = 2.0, step: float = 5.0) -> tuple[float, float]:
    """The score axis of a dot plot: the data's range widened by `pad` to whole `step`s, within 0–100, so a
    spread of 88–96 fills the width instead of a tenth of it."""
    values = [float(v) for v in scores if v == v]
    if not values:
        return 0.0, 100.0
    low = max(0.0, step * ((min(values) - pad) // step))
    high = min(100.0, -step * (-(max(values) + pad) // step))
    return low, max(high, low + step)


def _grade_colors(rows) -> list[str]:
    """Each row's grade colour: its published category or opini, else the band of its score in its year."""
    colors = []
    for row in rows.itertuples(index=False):
        category, opinion = getattr(row, "category", None), getattr(row, "opinion", None)
        if not isinstance(category, str) and not isinstance(opinion, str) and row.score == row.score:
            grade = grading.classify(row.score, int(row.year))
            category, opinion = grade.category, grade.opinion
        colors.append(grade_color(row.zone, category, opinion))
    return colors


def _grade_legend(fig, fmt, rows, extra: tuple = ()) -> None:
    """The grades the chart colours by, below the axes: categories where the rows have them, else zones."""
    shown = set(_grade_colors(rows))
    handles = [Patch(facecolor=CATEGORY_COLORS[c], label=fmt(f"category.{c}.short")) for c in grading.CATEGORIES
               if CATEGORY_COLORS[c] in shown]
    handles += [Patch(facecolor=ZONE_COLORS[z], label=fmt(f"zone.{z}.short")) for z in grading.ZONES
                if ZONE_COLORS[z] in shown and ZONE_COLORS[z] not in CATEGORY_COLORS.values()]
    handles += list(extra)
    fig.legend(handles=handles, frameon=False, fontsize=7, loc="outside lower center",
               ncols=min(len(handles), 4) or 1)


def band_edges(ax, year: int, low: float, high: float, fmt, axis: str = "x") -> list[float]:
    """Thin lines at the lower edges of the year's grade bands inside [low, high], each labelled with its
    score at the far end of the axes; returns the edges drawn."""
    edges = sorted({b.lower for b in grading.bands_for(year).bands if low < b.lower < high})
    for edge in edges:
        if axis == "x":
            ax.axvline(edge, color=EDGE_COLOR, linewidth=0.9, linestyle=(0, (4, 3)), zorder=2)
            ax.text(edge, 1.0, fmt.int(edge), transform=ax.get_xaxis_transform(), ha="center", va="bottom",
                    fontsize=7, color=EDGE_COLOR)
        else:
            ax.axhline(edge, color=EDGE_COLOR, linewidth=0.9, linestyle=(0, (4, 3)), zorder=1)
    return edges


@_styled
def ranking_figure(table, highlight_code: str | None, title: str, fmt) -> Figure:
    """Dot plot of a ranked table on the range of its scores, the year's band edges marked, the dots coloured
    by category where the year has categories (else zone) and the chosen entity in its own colour."""
    longest = max((len(figure_label(n)) for n in table["entity_name"]), default=10)
    width = 5.0 + 0.065 * longest
    fig, ax = _figure(width, max(2.6, 0.26 * len(table) + 1.7))
    ordered = table.iloc[::-1]
    colors = _grade_colors(ordered)
    ax.scatter(ordered["score"], range(len(ordered)), color=colors, s=30, zorder=3)
    extra = ()
    if highlight_code is not None and highlight_code in set(table["entity_code"]):
        mine = [i for i, c in enumerate(ordered["entity_code"]) if c == highlight_code]
        own = entity_color(highlight_code)
        ax.scatter(ordered["score"].iloc[mine], mine, s=70, facecolor="none", edgecolor=own, linewidth=2, zorder=4)
        name = figure_label(table.loc[table["entity_code"] == highlight_code, "entity_name"].iloc[0])
        extra = (Line2D([], [], color=own, marker="o", markerfacecolor="none", markeredgewidth=2, linestyle="",
                        label=name),)
    ax.set_yticks(range(len(ordered)), [figure_label(n) for n in ordered["entity_name"]])
    ax.set_ylim(-0.7, len(ordered) - 0.3)
    low, high = score_range(table["score"])
    ax.set_xlim(low, high)
    if "year" in table and len(table):
        band_edges(ax, int(table["year"].iloc[0]), low, high, fmt)
    _score_axis(ax.xaxis, fmt)
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    ax.set_xlabel(fmt("chart.score"))
    ax.set_title(title, pad=14)
    _grade_legend(fig, fmt, table, extra)
    return fig


def spread(values: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label positions near `values` (same order) at least `gap` apart and within [low, high]."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    placed = [min(max(values[i], low), high) for i in order]
    for _ in range(len(placed) + 1):
        for i in range(1, len(placed)):
            placed[i] = max(placed[i], placed[i - 1] + gap)
        overflow = placed[-1] - high if placed else 0
        if overflow > 0:
            placed = [p - overflow for p in placed]
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
        under = low - placed[0] if placed else 0
        if under > 0:
            placed = [p + under for p in placed]
    out = [0.0] * len(values)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


@_styled
def slopegraph(before, after, year_before: int, year_after: int, title: str, fmt) -> Figure:
    """Scores of the same entities in two years on the range of their scores, labels spread so none overlap;
    lines coloured by the later year's grade (category where it has categories), its band edges dotted."""
    both = before.merge(after, on="entity_code", suffixes=("_a", "_b")).sort_values(["score_b", "entity_code"])
    height = max(3.2, 0.3 * len(both) + 1.6)
    fig, ax = _figure(6.4, height)
    low = max(0.0, min([*both["score_a"], *both["score_b"]], default=50.0) - 10)
    ax.set_ylim(low, 101)
    axes_height_points = (height - 1.0) * 72
    gap = LABEL_POINTS * (101 - low) / axes_height_points
    right = spread(list(both["score_b"]), gap, low + gap / 2, 101 - gap / 2)
    left = spread(list(both["score_a"]), gap, low + gap / 2, 101 - gap / 2)
    after_colors = dict(zip(after["entity_code"], _grade_colors(after), strict=True))
    band_edges(ax, year_after, low, 101, fmt, axis="y")
    for row, ya, yb in zip(both.itertuples(), left, right, strict=True):
        color = after_colors.get(row.entity_code, NEUTRAL)
        ax.plot([0, 1], [row.score_a, row.score_b], color=color, marker="o", markersize=4, linewidth=1.2)
        ax.plot([1.01, 1.06], [row.score_b, yb], color="#bdbdbd", linewidth=0.6)
        ax.plot([-0.06, -0.01], [ya, row.score_a], color="#bdbdbd", linewidth=0.6)
        ax.text(1.07, yb, f"{figure_label(row.entity_name_b)} {fmt.num(row.score_b)}", va="center", fontsize=7)
        ax.text(-0.07, ya, fmt.num(row.score_a), va="center", ha="right", fontsize=7)
    ax.set_xticks([0, 1], [str(year_before), str(year_after)])
    ax.set_xlim(-0.35, 2.1)
    step = 5 if 101 - low <= 40 else 10
    ax.set_yticks(range(int(-(-low // step) * step), 101, step))  # a value scale to read the slopes against
    _score_axis(ax.yaxis, fmt)
    ax.set_ylabel(fmt("chart.score"))
    ax.grid(axis="y", color="#eeeeee", linewidth=0.6, zorder=0)
    ax.spines[["bottom"]].set_visible(False)
    ax.set_title(title)
    return fig
