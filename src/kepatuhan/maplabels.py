"""Names on the maps: each region's short name, placed where it overlaps no other, moved out along a
leader line when its region has no room."""

from __future__ import annotations

import math

import numpy as np
from matplotlib import patheffects

from . import geometry

OUTLINE = "#424242"  # region borders and leader lines

def short_name(shape: geometry.Shape) -> str:
    """A kabupaten goes by its name alone, a kota keeps "Kota" (Kabupaten Bima vs Kota Bima); Jakarta's
    administrative kota and kabupaten go by their names (no autonomous namesake exists)."""
    for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten "):
        if shape.name.startswith(prefix):
            return shape.name.removeprefix(prefix)
    return shape.name


def aspect_point(point: tuple[float, float]) -> tuple[float, float]:
    return float(point[0]), float(point[1])


_RADII = (0, 6, 12, 18, 26, 36, 48, 62, 78, 96)  # points from the region's label point
_ANGLES = tuple(math.radians(a) for a in (90, 270, 0, 180, 45, 135, 315, 225, 22, 158, 338, 202, 68, 112, 248, 292))


def place_labels(ax, shapes: list, fontsize: float = 7.0) -> list:
    """Name every shape; a name that does not fit on its region moves out along a leader line.

    Greedy: smallest regions first (they have the least room), each at the first candidate offset
    whose text box overlaps no name already placed and stays inside the axes.
    """
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    ax.apply_aspect()
    inside = ax.get_window_extent(renderer)
    to_px = fig.dpi / 72.0
    placed: list[tuple[float, float, float, float]] = []
    texts = []
    areas = {s.code: sum(ring_area(p[0]) for p in s.polygons) for s in shapes}
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for shape in sorted(shapes, key=lambda s: (areas[s.code], s.code)):
        name = short_name(shape)
        anchor = ax.transData.transform(aspect_point(shape.label))
        size = fontsize
        while True:
            probe = ax.text(0, 0, name, fontsize=size)
            extent = probe.get_window_extent(renderer)
            probe.remove()
            w, h = extent.width + 2, extent.height + 1
            spot = _free_spot(anchor, w, h, placed, inside, to_px)
            if spot is not None or size <= 5:
                break
            size -= 0.5
        if spot is None:  # nothing free even at 5 pt: the least crowded far spot (never seen in practice)
            spot = (anchor[0], anchor[1] + _RADII[-1] * to_px)
        cx, cy = spot
        placed.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
        moved = (cx - anchor[0]) ** 2 + (cy - anchor[1]) ** 2 > (8 * to_px) ** 2
        xy_text = ax.transData.inverted().transform((cx, cy))
        text = ax.annotate(
            name, aspect_point(shape.label), xytext=tuple(xy_text), textcoords="data", fontsize=size,
            ha="center", va="center", zorder=5, path_effects=halo, gid=f"label-{shape.code}",
            arrowprops=dict(arrowstyle="-", color=OUTLINE, linewidth=0.5, shrinkA=0, shrinkB=0) if moved else None)
        texts.append(text)
    return texts


def _free_spot(anchor, w: float, h: float, placed: list, inside, to_px: float):
    for radius in _RADII:
        for angle in _ANGLES if radius else (0.0,):
            cx = anchor[0] + math.cos(angle) * (radius * to_px + (w / 2 if radius else 0))
            cy = anchor[1] + math.sin(angle) * (radius * to_px + (h / 2 if radius else 0))
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if box[0] < inside.x0 or box[1] < inside.y0 or box[2] > inside.x1 or box[3] > inside.y1:
                continue
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                return cx, cy
    return None


def ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))) / 2
