"""Figures. One palette for the zones everywhere; Agg backend and fixed rcParams for byte-stable PNGs."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from . import grading  # noqa: E402

ZONE_COLORS = {"hijau": "#2e7d32", "kuning": "#f9a825", "merah": "#c62828"}
CATEGORY_COLORS = {"A": "#1b5e20", "B": "#66bb6a", "C": "#f9a825", "D": "#e57373", "E": "#b71c1c"}
NEUTRAL = "#9e9e9e"
HIGHLIGHT = "#1565c0"
RC = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
    "figure.dpi": 100, "savefig.dpi": 100, "svg.hashsalt": "kepatuhan", "axes.titlesize": 10,
}


def _figure(width=7.0, height=3.6) -> tuple[Figure, object]:
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        ax = fig.add_subplot()
    return fig, ax


def to_png(fig: Figure) -> bytes:
    """PNG bytes without a timestamp or software tag, so equal figures give equal bytes."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def trend_figure(series, title: str, break_label: str, score_label: str) -> Figure:
    """Scores over the zone bands of each year's scheme, the 2021→2022 break marked."""
    fig, ax = _figure()
    years = list(series["year"])
    last = max(grading.ASSESSED_YEARS)
    span = range(min(years) - 1, min(max(years) + 2, last + 1)) if years else range(2021, last + 1)
    for year in span:
        try:
            scheme = grading.scheme_for(year)
        except ValueError:
            continue
        for band in scheme.bands:
            ax.axvspan(year - 0.5, year + 0.5, ymin=band.lower / 100, ymax=min(band.upper + 0.01, 100) / 100,
                       color=ZONE_COLORS[band.zone], alpha=0.10, linewidth=0)
    for scheme in grading.SCHEMES:
        part = series[series["year"].isin(scheme.years)]
        ax.plot(part["year"], part["score"], color=HIGHLIGHT, marker="o", linewidth=1.5)
    for row in series.itertuples():
        ax.annotate(f"{row.score:.2f}", (row.year, row.score), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=8)
    ax.axvline(2021.5, color="#424242", linestyle="--", linewidth=1)
    ax.text(2021.55, 3, break_label, fontsize=7, color="#424242")
    ax.set_ylim(0, 100)
    ax.set_xlim(min(span) - 0.5 if years else 2020.5, max(span) + 0.5 if years else 2024.5)
    ax.set_xticks([y for y in span if y != 2020])
    ax.set_ylabel(score_label)
    ax.set_title(title)
    return fig


def ranking_figure(table, highlight_code: str | None, title: str, score_label: str) -> Figure:
    """Dot plot of a ranked table, the chosen entity highlighted."""
    height = max(2.2, 0.28 * len(table) + 1.0)
    fig, ax = _figure(7.0, height)
    ordered = table.iloc[::-1]
    colors = [HIGHLIGHT if c == highlight_code else ZONE_COLORS.get(z, NEUTRAL)
              for c, z in zip(ordered["entity_code"], ordered["zone"], strict=True)]
    ax.scatter(ordered["score"], range(len(ordered)), color=colors, s=36, zorder=3)
    ax.set_yticks(range(len(ordered)), list(ordered["entity_name"]))
    ax.set_xlim(max(0, float(table["score"].min()) - 5) if len(table) else 0, 100)
    ax.grid(axis="x", color="#e0e0e0", zorder=0)
    ax.set_xlabel(score_label)
    ax.set_title(title)
    return fig


def unit_figure(units, title: str, score_label: str) -> Figure:
    """Horizontal bars of service units coloured by the category of their score."""
    fig, ax = _figure(7.0, max(2.2, 0.35 * len(units) + 1.0))
    ordered = units.iloc[::-1]
    colors = [CATEGORY_COLORS.get(grading.classify(s, y).category, ZONE_COLORS[grading.classify(s, y).zone])
              for s, y in zip(ordered["score"], ordered["year"], strict=True)]
    ax.barh(range(len(ordered)), ordered["score"], color=colors)
    for i, score in enumerate(ordered["score"]):
        ax.text(score + 0.5, i, f"{score:.2f}", va="center", fontsize=8)
    ax.set_yticks(range(len(ordered)), list(ordered["unit_name"]))
    ax.set_xlim(0, 105)
    ax.set_xlabel(score_label)
    ax.set_title(title)
    return fig


def national_figure(counts, title: str, share_label: str) -> Figure:
    """Stacked bars of zone shares per year."""
    fig, ax = _figure()
    data = counts.dropna(subset=list(grading.ZONES))
    totals = data[list(grading.ZONES)].sum(axis=1).astype(float)
    bottom = [0.0] * len(data)
    labels = [str(y) for y in data.index]
    for zone in grading.ZONES:
        share = (data[zone].astype(float) / totals * 100).to_list()
        ax.bar(labels, share, bottom=bottom, color=ZONE_COLORS[zone], label=zone)
        for i, (b, s, n) in enumerate(zip(bottom, share, data[zone], strict=True)):
            ax.text(i, b + s / 2, str(n), ha="center", va="center", fontsize=8, color="white")
        bottom = [b + s for b, s in zip(bottom, share, strict=True)]
    ax.set_ylabel(share_label)
    ax.set_ylim(0, 100)
    ax.legend(frameon=False, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    ax.set_title(title)
    return fig


def slopegraph(before, after, year_before: int, year_after: int, title: str) -> Figure:
    """Scores of the same entities in two years, one line each."""
    fig, ax = _figure(6.0, max(3.0, 0.3 * len(after) + 1.2))
    both = before.merge(after, on="entity_code", suffixes=("_a", "_b"))
    for row in both.sort_values("score_b").itertuples():
        color = ZONE_COLORS.get(row.zone_b, NEUTRAL)
        ax.plot([0, 1], [row.score_a, row.score_b], color=color, marker="o")
        ax.text(1.03, row.score_b, f"{row.entity_name_b} {row.score_b:.2f}", va="center", fontsize=7)
        ax.text(-0.03, row.score_a, f"{row.score_a:.2f}", va="center", ha="right", fontsize=7)
    ax.set_xticks([0, 1], [str(year_before), str(year_after)])
    ax.set_xlim(-0.3, 1.9)
    ax.set_title(title)
    return fig
