"""Figures. One palette for the grades everywhere, one colour per entity everywhere; Agg backend and fixed
rcParams for byte-stable PNGs and SVGs.

Every text drawn here comes from data or from the message catalogue, so mathtext is off (a unit
named ``$x$`` is drawn as typed). Numbers are formatted by the caller's `Formatter`, so ticks and
labels read 93,07 in Indonesian. `text_problems` checks a drawn figure for clipped or overlapping
labels; the tests run it over the real figures. Rankings live in `plots_ranks`, charts over the years in
`plots_years`.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import warnings

import matplotlib

matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import imsave  # noqa: E402
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

    Texts stay text (`svg.fonttype` "none"): the file is about a third of the size with glyphs drawn as
    paths, so SVG downloads do not outweigh the PNGs the site shows, and a journalist can edit or search the
    words of the chart; a reader without the font sees the same words in a similar sans-serif."""
    buffer = io.BytesIO()
    with matplotlib.rc_context({**RC, "svg.fonttype": "none"}), warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        fig.savefig(buffer, format="svg", metadata=SVG_METADATA)
    return _SVG_INDENT.sub(b"\n", _SVG_DIGITS.sub(rb"\1", buffer.getvalue()))


#: matplotlib writes coordinates to a millionth of a point and indents every element: a hundredth of a point
#: is finer than any screen or press shows, and the indentation is for a reader of the source. Together a
#: sixth of every SVG (about 9 MB of the site); texts carry at most two decimals, so no word changes.
_SVG_DIGITS = re.compile(rb"(\d\.\d\d)\d+")
_SVG_INDENT = re.compile(rb"\n +")


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


# The rankings and the charts over the years, drawn on the same settings (their own modules, for length).
from .plots_ranks import band_edges, ranking_figure, score_range, slopegraph, spread  # noqa: E402,F401
from .plots_years import national_figure, series_figure, trend_figure  # noqa: E402,F401
