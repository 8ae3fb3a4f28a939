"""Maps of published zones, categories and opini levels, for the national, province and entity reports.

Colours come from the published labels (zone, category, opini level), never from scores, so a row
with a label and no score is drawn, and a region not in the data is hatched light grey and counted as
such in the legend and the alt text ("not in the data": not sampled, not published and not collected look
alike). Boundaries: `geometry.load` (once per process). Each public map returns `(Figure, alt_text)`;
every word (legend, alt text, credit) comes from the message catalogue (`messages`, keys `map.*`) in the
report's language. Which label each region shows and the legend's table: `maplegend`.
"""

from __future__ import annotations

import functools
import math

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from . import geometry  # noqa: E402
from .maplabels import OUTLINE, place_labels, ring_area, short_name  # noqa: E402
from .maplegend import (  # noqa: E402, F401  (the legend's and the labels' names: this module's interface too)
    CLASSES,
    NO_DATA_EDGE,
    NO_DATA_FACE,
    NO_DATA_HATCH,
    columns,
    counts,
    detail,
    draw_legend,
    label_kind,
    legend_frame,
    legend_label,
    legend_room,
    locator_scope,
    map_legend,
    region_codes,
    results,
)
from .messages import Formatter  # noqa: E402
from .plots import HIGHLIGHT, RC  # noqa: E402

CONTEXT_FACE = "#ffffff"  # land outside the province shown
SEA = "#eaf1f6"
#: The boundaries' source, credited on every map and under it (MIT licence, © 2024 Cahya DSN).
BOUNDARY_NAME = "wilayah_boundaries"
BOUNDARY_URL = "https://github.com/cahyadsn/wilayah_boundaries"
INDONESIA = (94.8, 141.2, -11.2, 6.2)  # lon/lat extent of the national map
CREDIT_ROOM = 0.16  # inches below a map without a legend, for the boundaries' credit line


# -- public maps -------------------------------------------------------------------------------------------

def national_map(entities: pd.DataFrame, year: int, level: str = "kabkota", lang: str = "id",
                 by: str | None = None, title: str | None = None, data_dir=None,
                 legend: bool = True) -> tuple[Figure, str]:
    """Every kab/kota (level="kabkota") or province (level="provinsi") coloured by its published label.

    `legend=False` leaves the legend out (a report page writes it beside the image: `map_legend`)."""
    codes = region_codes(level, data_dir)
    labels, kind = results(entities, year, codes, by)
    room = legend_room(kind) if legend else CREDIT_ROOM
    height = 3.9 + room + (0.35 if title else 0.0)
    fig = _figure(9.5, height)  # Indonesia is wide: at 9.5 in a kab/kota is still seen
    bottom = room / height
    ax = fig.add_axes((0.0, bottom, 1.0, 1.0 - bottom - (0.35 / height if title else 0.0)))
    _frame(ax, INDONESIA)
    _fill(ax, level, data_dir, codes, labels, kind, linewidth=0.15)
    provinces = geometry.load("provinsi", data_dir)
    _outline(ax, "provinsi", data_dir, sorted(provinces), OUTLINE, 0.35)
    if legend:
        draw_legend(fig, labels, kind, lang, (0.5, 0.12 / height), "lower center", ncols=columns(kind))
    _credit(fig, lang)
    if title:
        ax.set_title(title, fontsize=10)
    f = Formatter(lang)
    n, with_data = len(codes), sum(v is not None for v in labels.values())
    alt = f("map.alt.national", year=year, n=f.int(n), unit=f(f"map.unit.{level}"), with_data=f.int(with_data),
            without=f.int(n - with_data), detail=detail(labels, kind, f))
    if level == "kabkota":
        alt += " " + f("map.alt.outlines")
    return fig, alt


def province_map(entities: pd.DataFrame, province_code: str, year: int, lang: str = "id",
                 by: str | None = None, title: str | None = None, data_dir=None,
                 legend: bool = True) -> tuple[Figure, str]:
    """The province's kab/kota coloured and labelled with their names (placed so that none overlap).

    `legend=False` leaves the legend out (a report page writes it beside the image: `map_legend`)."""
    shapes = geometry.load("kabkota", data_dir)
    codes = region_codes(province_code, data_dir)
    province = geometry.load("provinsi", data_dir)[province_code]
    labels, kind = results(entities, year, codes, by)
    bounds = _bounds([shapes[c] for c in codes])
    height = _height(bounds, 7.0, 0.85)
    room = legend_room(kind) if legend else CREDIT_ROOM
    bottom, top = room / height, 1.0 - (0.35 / height if title else 0.0)
    fig = _figure(7.0, height)
    ax = fig.add_axes((0.0, bottom, 1.0, top - bottom))
    _frame(ax, _extent(bounds, fig, ax))
    _context(ax, data_dir, province_code)
    _fill(ax, "kabkota", data_dir, codes, labels, kind, linewidth=0.6)
    _outline(ax, "provinsi", data_dir, [province_code], OUTLINE, 0.9)
    if legend:
        draw_legend(fig, labels, kind, lang, (0.5, 0.12 / height), "lower center", ncols=columns(kind))
    _credit(fig, lang)
    if title:
        ax.set_title(title, fontsize=10)
    place_labels(ax, [shapes[c] for c in codes])
    f = Formatter(lang)
    missing = [short_name(shapes[c]) for c in codes if labels[c] is None]
    with_data = len(codes) - len(missing)
    alt = f("map.alt.province", province=province.name, year=year, n=len(codes), with_data=with_data,
            without=len(missing), detail=detail(labels, kind, f))
    if 0 < len(missing) <= 12:
        alt += " " + f("map.alt.missing", names=", ".join(missing))
    return fig, alt


def locator_map(entities: pd.DataFrame, code: str, year: int, lang: str = "id",
                by: str | None = None, data_dir=None, legend: bool = True) -> tuple[Figure, str]:
    """A small map: the entity's province with the entity outlined, an inset placing it in Indonesia.

    `code` is a kab/kota code ("17.02") or a province code ("17"); raises ValueError for other codes
    (K/L have no map: check `has_map(code)` first). `legend=False` leaves the legend of the province's
    kab/kota out (a report page writes it beside the image: `map_legend(…, locator_scope(code))`).
    """
    regencies = geometry.load("kabkota", data_dir)
    provinces = geometry.load("provinsi", data_dir)
    if code in regencies:
        province_code, focus = regencies[code].province_code, regencies[code]
    elif code in provinces:
        province_code, focus = code, provinces[code]
    else:
        raise ValueError(f"no geometry for {code!r}: only provinces and kab/kota have a map")
    codes = region_codes(province_code, data_dir)
    labels, kind = results(entities, year, codes, by)
    own_labels, own_kind = results(entities, year, [code], by or kind)
    height = 3.4 if legend else 2.5 + CREDIT_ROOM
    fig = _figure(6.0, height)
    bottom = 0.26 if legend else CREDIT_ROOM / height
    ax = fig.add_axes((0.0, bottom, 0.64, 1.0 - bottom))
    _frame(ax, _extent(_bounds([regencies[c] for c in codes]), fig, ax))
    _context(ax, data_dir, province_code)
    others = [c for c in codes if c != code]
    _fill(ax, "kabkota", data_dir, others, labels, kind, linewidth=0.4, alpha=0.45 if code in regencies else 1.0)
    if code in regencies:
        _fill(ax, "kabkota", data_dir, [code], labels, kind, linewidth=0.4)
    level = "kabkota" if code in regencies else "provinsi"
    _outline(ax, level, data_dir, [code], "white", 3.2)
    _outline(ax, level, data_dir, [code], "black", 1.4)
    ax.annotate(short_name(focus), (focus.label[0], focus.bounds[3]), xytext=(0, 4), textcoords="offset points",
                fontsize=8, ha="center", va="bottom", fontweight="bold",
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])
    inset = fig.add_axes((0.66, 0.30, 0.34, 0.55) if legend else (0.66, bottom + 0.08, 0.34, 0.7))
    _frame(inset, INDONESIA)
    _outline(inset, "provinsi", data_dir, sorted(provinces), "#9e9e9e", 0.2, face="#eeeeee")
    _outline(inset, "provinsi", data_dir, [province_code], HIGHLIGHT, 0.6, face=HIGHLIGHT)
    if legend:
        draw_legend(fig, labels, kind, lang, (0.5, 0.045), "lower center", ncols=3, fontsize=7)  # above the credit
    _credit(fig, lang)
    f = Formatter(lang)
    own = own_labels[code]
    own_text = f(f"map.kind.{own_kind}") + " " + legend_label(f, own_kind, own) if own else f("map.not_in_data")
    n, with_data = len(codes), sum(v is not None for v in labels.values())
    alt = f("map.alt.locator", name=focus.name if code in regencies else f"Provinsi {focus.name}",
            province=provinces[province_code].name, year=year, own=own_text, n=n, with_data=with_data,
            without=n - with_data, detail=detail(labels, kind, f))
    return fig, alt


def has_map(code: str, data_dir=None) -> bool:
    """True for the codes of provinces and kab/kota (K/L have none)."""
    return code in geometry.load("kabkota", data_dir) or code in geometry.load("provinsi", data_dir)


# -- drawing -----------------------------------------------------------------------------------------------

def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _frame(ax, extent: tuple[float, float, float, float]) -> None:
    x0, x1, y0, y1 = extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(_aspect((y0 + y1) / 2), adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_facecolor(SEA)


def _aspect(lat: float) -> float:
    """Plate carrée stretched so that a km is as long north–south as east–west at that latitude."""
    return 1.0 / math.cos(math.radians(lat))


def _bounds(shapes: list, share: float = 0.01) -> tuple[float, float, float, float]:
    """Bounds of the land that matters: each region's largest part and every part of at least `share`
    of the whole, so that one far islet does not shrink the map (it may fall outside the frame)."""
    parts = [(polygon[0], ring_area(polygon[0])) for s in shapes for polygon in s.polygons]
    total = sum(area for _, area in parts)
    largest = [max(s.polygons, key=lambda p: ring_area(p[0]))[0] for s in shapes]
    rings = largest + [ring for ring, area in parts if area >= share * total]
    points = np.concatenate(rings)
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def _height(bounds: tuple, width: float, share: float, lo: float = 3.2, hi: float = 7.5) -> float:
    """Figure height that gives the map its own shape, within limits a report page can hold."""
    x0, y0, x1, y1 = bounds
    ratio = (x1 - x0) / ((y1 - y0) * _aspect((y0 + y1) / 2))
    return round(min(hi, max(lo, width / ratio / share)), 2)


def _extent(bounds: tuple, fig: Figure, ax, pad: float = 0.06) -> tuple[float, float, float, float]:
    """The bounds padded and widened to the axes' shape, so the map fills its box exactly."""
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * (1 + 2 * pad), (y1 - y0) * (1 + 2 * pad)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    box = ax.get_position()
    box_ratio = (box.width * fig.get_figwidth()) / (box.height * fig.get_figheight())
    k = _aspect(cy)
    if dx / (dy * k) < box_ratio:
        dx = dy * k * box_ratio
    else:
        dy = dx / (k * box_ratio)
    return cx - dx / 2, cx + dx / 2, cy - dy / 2, cy + dy / 2


@functools.cache
def _path(level: str, data_dir, code: str) -> MplPath:
    """One compound path per region (outer rings counter-clockwise, holes clockwise: nonzero fill)."""
    shape = geometry.load(level, data_dir)[code]
    rings = [ring for polygon in shape.polygons for ring in polygon]
    vertices = np.concatenate(rings)
    kinds = np.full(len(vertices), MplPath.LINETO, dtype=np.uint8)
    start = 0
    for ring in rings:
        kinds[start] = MplPath.MOVETO
        kinds[start + len(ring) - 1] = MplPath.CLOSEPOLY
        start += len(ring)
    return MplPath(vertices, kinds)


def _fill(ax, level: str, data_dir, codes: list[str], labels: dict, kind: str, linewidth: float,
          alpha: float = 1.0) -> None:
    with_data = [c for c in codes if labels[c] is not None]
    without = [c for c in codes if labels[c] is None]
    colours = CLASSES[kind]
    if with_data:
        ax.add_collection(PathCollection([_path(level, data_dir, c) for c in with_data],
                                         facecolors=[colours[labels[c]] for c in with_data],
                                         edgecolors="white", linewidths=linewidth, alpha=alpha, zorder=2),
                          autolim=False)
    if without:
        with matplotlib.rc_context({"hatch.color": NO_DATA_EDGE, "hatch.linewidth": 0.5}):
            ax.add_collection(PathCollection([_path(level, data_dir, c) for c in without], facecolors=NO_DATA_FACE,
                                             edgecolors="white", linewidths=linewidth, hatch=NO_DATA_HATCH,
                                             alpha=alpha, zorder=2), autolim=False)


def _outline(ax, level: str, data_dir, codes: list[str], colour: str, linewidth: float, face: str = "none") -> None:
    ax.add_collection(PathCollection([_path(level, data_dir, c) for c in codes], facecolors=face,
                                     edgecolors=colour, linewidths=linewidth, zorder=3), autolim=False)


def _context(ax, data_dir, province_code: str) -> None:
    """Neighbouring provinces, pale, so the province is seen in place."""
    others = [c for c in sorted(geometry.load("provinsi", data_dir)) if c != province_code]
    ax.add_collection(PathCollection([_path("provinsi", data_dir, c) for c in others], facecolors=CONTEXT_FACE,
                                     edgecolors="#c8c8c8", linewidths=0.5, zorder=1), autolim=False)


def _credit(fig: Figure, lang: str) -> None:
    """The boundary source's credit, which its MIT licence asks to keep with every derived copy."""
    fig.text(0.995, 0.004, Formatter(lang)("map.credit"), ha="right", va="bottom", fontsize=5.5, color="#757575")
