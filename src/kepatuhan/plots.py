"""Figures. One palette for the zones everywhere; Agg backend and fixed rcParams for byte-stable PNGs.

Every text drawn here comes from data or from the message catalogue, so mathtext is off (a unit
named ``$x$`` is drawn as typed). Numbers are formatted by the caller's `Formatter`, so ticks and
labels read 93,07 in Indonesian. `text_problems` checks a drawn figure for clipped or overlapping
labels; the tests run it over the real figures.
"""

from __future__ import annotations

import functools
import io
import warnings

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import imsave  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import grading  # noqa: E402

ZONE_COLORS = {"hijau": "#2e7d32", "kuning": "#f9a825", "merah": "#c62828"}
CATEGORY_COLORS = {"A": "#1b5e20", "B": "#66bb6a", "C": "#f9a825", "D": "#e57373", "E": "#b71c1c"}
NEUTRAL = "#9e9e9e"
HIGHLIGHT = "#1565c0"
BREAK_COLOR = "#424242"
RC = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
    "figure.dpi": 100, "savefig.dpi": 100, "svg.hashsalt": "kepatuhan", "axes.titlesize": 10,
    "text.parse_math": False, "text.usetex": False,
}
LABEL_POINTS = 9.0  # vertical room one 7-pt label needs, in points


def _styled(draw):
    """Run a figure function under RC, so every text it creates (tick labels too) has mathtext off."""
    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(RC):
            return draw(*args, **kwargs)
    return wrapper


def _figure(width: float = 7.0, height: float = 3.6) -> tuple[Figure, object]:
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)  # a real canvas, so layout and text extents can be measured
        ax = fig.add_subplot()
    return fig, ax


def to_png(fig: Figure) -> bytes:
    """PNG bytes without a timestamp or software tag, so equal figures give equal bytes.

    A layout warning would reach the report as a red box: it is raised here instead, so a test sees it.
    The canvas is drawn once, layout included, and its pixels encoded: the same bytes as `savefig` gives
    for a figure at the saving dpi, without savefig's extra layout-only draw (which measured every text
    again on a renderer of its own, a third of a tall chart's cost).
    """
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        if fig.dpi != RC["savefig.dpi"] or not isinstance(fig.canvas, FigureCanvasAgg):
            fig.savefig(buffer, format="png", metadata={"Software": None})
            return buffer.getvalue()
        fig.canvas.draw()
        imsave(buffer, fig.canvas.buffer_rgba(), format="png", origin="upper", dpi=fig.dpi,
               metadata={"Software": None})
    return buffer.getvalue()


def warm_up() -> None:
    """Load the fonts and the text and PNG machinery once per process (part of `worker.warm_up`)."""
    fig, ax = _figure(2.0, 1.2)
    ax.set_title("Kepatuhan 93,07")
    ax.set_xlabel("2024")
    to_png(fig)


def _score_axis(axis, fmt) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt.int(value)))


def _zone_legend(fig, fmt, zones=grading.ZONES, light: bool = False, extra: tuple = ()) -> None:
    """Zone colours (and any extra handles) explained below the axes, outside them, never over data."""
    handles = [Patch(facecolor=ZONE_COLORS[z], alpha=0.35 if light else 1.0, label=fmt(f"zone.{z}.short"))
               for z in zones]
    fig.legend(handles=[*handles, *extra], frameon=False, fontsize=7, loc="outside lower center",
               ncols=len(handles) + len(extra))


def _runs(years: list[int]) -> list[list[int]]:
    """Years split where an assessment year without data or a change of scheme lies between two."""
    runs: list[list[int]] = []
    for year in years:
        if runs:
            last = runs[-1][-1]
            between = [y for y in grading.ASSESSED_YEARS if last < y < year]
            if not between and grading.same_scheme(last, year):
                runs[-1].append(year)
                continue
        runs.append([year])
    return runs


def method_breaks(years: list[int]) -> list[float]:
    """x positions between two shown years (plotted at 0, 1, 2…) where the grading scheme changes."""
    return [i + 0.5 for i, (a, b) in enumerate(zip(years, years[1:], strict=False)) if not grading.same_scheme(a, b)]


@_styled
def trend_figure(series, title: str, fmt) -> Figure:
    """Scores over the zone bands of each year shown (only years with data, evenly spaced); lines break
    at a missing assessment year and at a change of method, which is marked."""
    fig, ax = _figure()
    years = [int(y) for y in series["year"]]
    x_of = {year: i for i, year in enumerate(years)}
    for year in years:
        for band in grading.scheme_for(year).bands:
            ax.axvspan(x_of[year] - 0.4, x_of[year] + 0.4, ymin=band.lower / 100,
                       ymax=min(band.upper + 0.01, 100) / 100, color=ZONE_COLORS[band.zone], alpha=0.12, linewidth=0)
    scores = dict(zip(years, series["score"], strict=True))
    for run in _runs(years):
        ax.plot([x_of[y] for y in run], [scores[y] for y in run], color=HIGHLIGHT, marker="o", linewidth=1.5)
    for year, score in scores.items():
        ax.annotate(fmt.num(score), (x_of[year], score), textcoords="offset points",
                    xytext=(0, -12 if score > 90 else 6), ha="center", fontsize=8, annotation_clip=True)
    _year_axes(ax, years, title, fmt)
    _zone_legend(fig, fmt, light=True)
    return fig


def _year_axes(ax, years: list[int], title: str, fmt) -> None:
    """Scores 0–100 over the years shown (evenly spaced at 0, 1, 2…), the method breaks marked."""
    _break_lines(ax, years, fmt)
    ax.set_ylim(0, 100)
    ax.set_xlim(-0.6, len(years) - 0.4)
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    _score_axis(ax.yaxis, fmt)
    ax.set_ylabel(fmt("chart.score"))
    ax.set_xlabel(fmt("chart.year"))
    ax.set_title(title)


def _break_lines(ax, years: list[int], fmt) -> None:
    """A dashed line, labelled inside the axes, where the scheme changes between two shown years."""
    for x in method_breaks(years):
        ax.axvline(x, color=BREAK_COLOR, linestyle="--", linewidth=1)
        ax.text(x, 0.02, " " + fmt("chart.method_break") + " ", transform=ax.get_xaxis_transform(), rotation=90,
                ha="center", va="bottom", fontsize=7, color=BREAK_COLOR, clip_on=True,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})


#: Characters of a name shown in a figure; a longer name is shortened there (the table shows it whole).
LABEL_CHARACTERS = 40
#: What a figure shows for a character its font cannot draw (Javanese script, emoji, CJK in DejaVu Sans).
MISSING_GLYPH = "\u25a1"


def figure_label(name) -> str:
    """A name as a figure shows it: characters the figure's font cannot draw become a white square (one per
    character, without matplotlib's missing-glyph warning, which `to_png` turns into an error), and a name
    longer than LABEL_CHARACTERS ends in "…". The report's tables show the full name as published."""
    text = "".join(c if _drawable(c) else MISSING_GLYPH for c in str(name))
    return text if len(text) <= LABEL_CHARACTERS else text[:LABEL_CHARACTERS - 1].rstrip() + "\u2026"


@functools.lru_cache(maxsize=4096)
def _drawable(char: str) -> bool:
    if char.isspace() or char.isascii():
        return True
    return _font().get_char_index(ord(char)) != 0


@functools.lru_cache(maxsize=1)
def _font():
    from matplotlib.font_manager import FontProperties, findfont, get_font

    return get_font(findfont(FontProperties(family=RC["font.family"])))


@_styled
def ranking_figure(table, highlight_code: str | None, title: str, fmt) -> Figure:
    """Dot plot of a ranked table on the full 0–100 scale, the chosen entity highlighted."""
    longest = max((len(figure_label(n)) for n in table["entity_name"]), default=10)
    width = 5.0 + 0.065 * longest
    fig, ax = _figure(width, max(2.4, 0.26 * len(table) + 1.4))
    ordered = table.iloc[::-1]
    colors = [HIGHLIGHT if c == highlight_code else ZONE_COLORS.get(z, NEUTRAL)
              for c, z in zip(ordered["entity_code"], ordered["zone"], strict=True)]
    ax.scatter(ordered["score"], range(len(ordered)), color=colors, s=30, zorder=3)
    ax.set_yticks(range(len(ordered)), [figure_label(n) for n in ordered["entity_name"]])
    ax.set_ylim(-0.7, len(ordered) - 0.3)
    ax.set_xlim(0, 100)
    _score_axis(ax.xaxis, fmt)
    ax.grid(axis="x", color="#e0e0e0", zorder=0)
    ax.set_xlabel(fmt("chart.score"))
    ax.set_title(title)
    extra = ()
    if highlight_code is not None and highlight_code in set(table["entity_code"]):
        name = figure_label(table.loc[table["entity_code"] == highlight_code, "entity_name"].iloc[0])
        extra = (Line2D([], [], color=HIGHLIGHT, marker="o", linestyle="", label=name),)
    _zone_legend(fig, fmt, [z for z in grading.ZONES if z in set(table["zone"])], extra=extra)
    return fig


@_styled
def unit_figure(units, title: str, fmt) -> Figure:
    """Horizontal bars of service units coloured by the category of their score."""
    longest = max((len(figure_label(n)) for n in units["unit_name"]), default=10)
    fig, ax = _figure(5.0 + 0.065 * longest, max(2.4, 0.35 * len(units) + 1.2))
    ordered = units.iloc[::-1]
    grades = [grading.classify(s, y) for s, y in zip(ordered["score"], ordered["year"], strict=True)]
    colors = [CATEGORY_COLORS.get(g.category, ZONE_COLORS[g.zone]) for g in grades]
    ax.barh(range(len(ordered)), ordered["score"], color=colors)
    for i, score in enumerate(ordered["score"]):
        ax.text(score + 1, i, fmt.num(score), va="center", fontsize=7, clip_on=True)
    ax.set_yticks(range(len(ordered)), [figure_label(n) for n in ordered["unit_name"]])
    ax.set_xlim(0, 112)
    ax.set_xticks(range(0, 101, 20))
    _score_axis(ax.xaxis, fmt)
    ax.set_xlabel(fmt("chart.score"))
    ax.set_title(title)
    shown = {(g.category, g.zone) for g in grades}
    handles = [Patch(facecolor=CATEGORY_COLORS[c], label=fmt(f"category.{c}.short")) for c in grading.CATEGORIES
               if any(sc == c for sc, _ in shown)]
    handles += [Patch(facecolor=ZONE_COLORS[z], label=fmt(f"zone.{z}.short")) for z in grading.ZONES
                if any(sc is None and sz == z for sc, sz in shown)]
    fig.legend(handles=handles, frameon=False, fontsize=7, loc="outside lower center", ncols=len(handles))
    return fig


@_styled
def national_figure(counts, title: str, fmt) -> Figure:
    """Stacked bars of zone shares, one bar per year with published counts; a dashed line at a change of method."""
    fig, ax = _figure()
    data = counts.dropna(subset=list(grading.ZONES))
    years = [int(y) for y in data.index]
    totals = data[list(grading.ZONES)].sum(axis=1).astype(float).to_list()
    bottom = [0.0] * len(data)
    for zone in grading.ZONES:
        share = [float(v) / t * 100 for v, t in zip(data[zone], totals, strict=True)]
        # no counts on the segments: the thin red ones cannot hold a label, and the table above gives them all
        ax.bar(range(len(years)), share, bottom=bottom, color=ZONE_COLORS[zone], width=0.7)
        bottom = [b + s for b, s in zip(bottom, share, strict=True)]
    _break_lines(ax, years, fmt)
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_ylabel(fmt("chart.share"))
    ax.set_ylim(0, 100)
    _score_axis(ax.yaxis, fmt)
    _zone_legend(fig, fmt)
    ax.set_title(title)
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
    """Scores of the same entities in two years on the full scale, labels spread so none overlap."""
    both = before.merge(after, on="entity_code", suffixes=("_a", "_b")).sort_values(["score_b", "entity_code"])
    height = max(3.2, 0.3 * len(both) + 1.6)
    fig, ax = _figure(6.4, height)
    low = max(0.0, min([*both["score_a"], *both["score_b"]], default=50.0) - 10)
    ax.set_ylim(low, 101)
    axes_height_points = (height - 1.0) * 72
    gap = LABEL_POINTS * (101 - low) / axes_height_points
    right = spread(list(both["score_b"]), gap, low + gap / 2, 101 - gap / 2)
    left = spread(list(both["score_a"]), gap, low + gap / 2, 101 - gap / 2)
    for row, ya, yb in zip(both.itertuples(), left, right, strict=True):
        color = ZONE_COLORS.get(row.zone_b, NEUTRAL)
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


@_styled
def series_figure(frame, title: str, fmt) -> Figure:
    """Several entities over time: one line per entity, broken at gaps and changes of method."""
    fig, ax = _figure(7.0, 4.0)
    years = sorted({int(y) for y in frame["year"]})
    palette = ["#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#558b2f", "#4e342e", "#37474f"]
    x_of = {year: i for i, year in enumerate(years)}
    for i, (name, rows) in enumerate(frame.sort_values("year").groupby("entity_name", sort=True)):
        color = palette[i % len(palette)]
        scores = dict(zip(rows["year"].astype(int), rows["score"], strict=True))
        for j, run in enumerate(_runs(sorted(scores))):
            ax.plot([x_of[y] for y in run], [scores[y] for y in run], color=color, marker="o", linewidth=1.4,
                    label=figure_label(name) if j == 0 else None)
    _year_axes(ax, years, title, fmt)
    fig.legend(frameon=False, fontsize=7, loc="outside lower center", ncols=3)
    return fig


def text_problems(fig: Figure) -> list[str]:
    """Visible texts drawn outside the figure or overlapping another text (empty when the figure is clean)."""
    with matplotlib.rc_context(RC):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        frame = fig.bbox
        boxes = []
        for artist in fig.findobj(matplotlib.text.Text):
            if not artist.get_visible() or not artist.get_text().strip():
                continue
            box = artist.get_window_extent(renderer)
            if artist.get_clip_on() and artist.axes is not None and not artist.axes.bbox.overlaps(box):
                continue
            boxes.append((artist.get_text(), box))
    problems = []
    for label, box in boxes:
        if box.x0 < frame.x0 - 0.5 or box.y0 < frame.y0 - 0.5 or box.x1 > frame.x1 + 0.5 or box.y1 > frame.y1 + 0.5:
            problems.append(f"outside the figure: {label!r}")
    for i, (label, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1:]:
            overlap_w = min(box.x1, other_box.x1) - max(box.x0, other_box.x0)
            overlap_h = min(box.y1, other_box.y1) - max(box.y0, other_box.y0)
            if overlap_w > 0.5 and overlap_h > 0.5:
                problems.append(f"overlap: {label!r} and {other!r}")
    return problems
