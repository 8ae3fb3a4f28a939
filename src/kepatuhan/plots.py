"""Figures. One palette for the grades everywhere, one colour per entity everywhere; Agg backend and fixed
rcParams for byte-stable PNGs and SVGs.

Every text drawn here comes from data or from the message catalogue, so mathtext is off (a unit
named ``$x$`` is drawn as typed). Numbers are formatted by the caller's `Formatter`, so ticks and
labels read 93,07 in Indonesian. `text_problems` checks a drawn figure for clipped or overlapping
labels; the tests run it over the real figures. Charts over the years live in `plots_years`.
"""

from __future__ import annotations

import functools
import hashlib
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
EDGE_COLOR = "#757575"  # the edge between two grade bands
RC = {
    "font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
    "figure.dpi": 100, "savefig.dpi": 100, "svg.hashsalt": "kepatuhan", "axes.titlesize": 10,
    "text.parse_math": False, "text.usetex": False,
}
LABEL_POINTS = 9.0  # vertical room one 7-pt label needs, in points
#: Colours that name an entity (its line, its highlighted dot): none of them a grade's green, yellow or red.
ENTITY_PALETTE = ("#1565c0", "#6a1b9a", "#00838f", "#ad1457", "#6d4c41", "#37474f", "#e65100")
#: An SVG names its clip paths from this salt, and carries no date: equal figures give equal bytes.
SVG_METADATA = {"Date": None, "Creator": None}


def entity_color(code: str) -> str:
    """The colour of one entity in every chart: chosen by its code (a SHA-256, not Python's salted hash), so
    its trend line, its highlighted dot among its peers and its line in a comparison share it."""
    return ENTITY_PALETTE[int(hashlib.sha256(str(code).encode("utf-8")).hexdigest(), 16) % len(ENTITY_PALETTE)]


def entity_colors(codes) -> dict[str, str]:
    """{code: colour} for the entities of one chart: each its own `entity_color`, unless another entity of
    the chart (earlier in code order) holds it already; then the next free colour of the palette."""
    taken: dict[str, str] = {}
    for code in sorted({str(c) for c in codes}):
        start = ENTITY_PALETTE.index(entity_color(code))
        free = [ENTITY_PALETTE[(start + i) % len(ENTITY_PALETTE)] for i in range(len(ENTITY_PALETTE))]
        taken[code] = next((c for c in free if c not in taken.values()), free[0])
    return taken


def grade_color(zone, category=None, opinion=None) -> str:
    """The colour of a published grade: its category (A–E) where the year has categories, an opini level as
    the category it stands for, else its zone."""
    if isinstance(category, str) and category in CATEGORY_COLORS:
        return CATEGORY_COLORS[category]
    letter = next((c for c, o in grading.OPINIONS.items() if o == opinion), None)
    if letter is not None:
        return CATEGORY_COLORS[letter]
    return ZONE_COLORS.get(zone, NEUTRAL) if isinstance(zone, str) else NEUTRAL


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


def to_svg(fig: Figure) -> bytes:
    """SVG bytes of a chart, byte-stable: no date or creator in its metadata, ids from `RC["svg.hashsalt"]`.

    Texts are drawn as paths (matplotlib's default), so the file looks the same without the font."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(RC), warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
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


# The charts over the years, drawn on the same settings (kept in their own module for length).
from .plots_years import national_figure, series_figure, trend_figure  # noqa: E402,F401
