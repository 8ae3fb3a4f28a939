"""The legend of a map: each published label with its colour and count, and the regions not in the data.

One table (`legend_frame`) feeds both legends a map can have: the one drawn in the figure (for an analyst's
notebook or a saved image) and the one a report page writes as HTML beside the image, whose words stay
readable on a phone where a legend drawn into a 9.5-inch figure would shrink to 4 px. A hatched region is
"not in the data": it may not have been assessed (2025 is a sample of 310 loci whose list is not
published), or assessed without a result we hold; the map cannot tell these apart, so it does not try.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from . import geometry, grading
from .messages import Formatter
from .plots import CATEGORY_COLORS, ZONE_COLORS

NO_DATA_FACE = "#f2f2f2"
NO_DATA_HATCH = "////"
NO_DATA_EDGE = "#b0b0b0"  # colour of the hatch lines
#: Label kinds in legend order, each label with its colour: opini levels share the category colours.
CLASSES: dict[str, dict[str, str]] = {
    "zone": dict(ZONE_COLORS),
    "category": dict(CATEGORY_COLORS),
    "opinion": {grading.OPINIONS[c]: CATEGORY_COLORS[c] for c in grading.CATEGORIES},
}


def label_kind(year: int) -> str:
    """What a year's results are coloured by, from the scheme table: its category where the year's bands
    have one (2022–2024), else its opini level where they have one (2025–), else its zone."""
    try:
        bands = grading.bands_for(year)
    except ValueError:
        return "zone"
    return next((kind for kind in ("category", "opinion") if bands.has(kind)), "zone")


def results(entities: pd.DataFrame, year: int, codes: list[str], by: str | None = None) -> tuple[dict, str]:
    """The published label of each code in `year` (None: no published result) and the kind used.

    With `by=None` the kind is `label_kind(year)`, or the zone when some row of the year has a zone but
    not the finer label, so that no region with a published result is shown as "no data".
    """
    rows = entities[(entities["year"] == year) & entities["entity_code"].isin(codes)]
    rows = rows.drop_duplicates("entity_code", keep="last").set_index("entity_code")
    kinds = [by] if by else list(dict.fromkeys([label_kind(year), "zone"]))
    tried = []
    for kind in kinds:
        labels = {code: _label(rows.loc[code], kind) if code in rows.index else None for code in codes}
        tried.append((sum(v is not None for v in labels.values()), -len(tried), kind, labels))
    labelled = {code for _, _, _, labels in tried for code, v in labels.items() if v is not None}
    for n, _, kind, labels in tried:
        if n == len(labelled):
            return labels, kind
    _, _, kind, labels = max(tried)  # a mix no single kind covers: the kind that shows the most
    return labels, kind


def _label(row: pd.Series, kind: str) -> str | None:
    """The row's label of that kind, from the labels it carries (an opini level may sit in category)."""
    value = row.get(kind)
    if kind == "opinion" and not _present(value):
        value = grading.OPINIONS.get(str(row.get("category")), row.get("category"))
    if not _present(value):
        return None
    value = str(value).strip()
    if value not in CLASSES[kind]:
        raise ValueError(f"{row.name}: unknown {kind} label {value!r}")
    return value


def _present(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def region_codes(scope: str, data_dir=None) -> list[str]:
    """The regions a map colours, sorted: every kab/kota or province (scope "kabkota" / "provinsi"), or the
    kab/kota of one province (scope a province code such as "17"); ValueError for a scope without any."""
    if scope in geometry.LEVELS:
        return sorted(geometry.load(scope, data_dir))
    codes = sorted(c for c, s in geometry.load("kabkota", data_dir).items() if s.province_code == scope)
    if not codes:
        raise ValueError(f"no kab/kota geometry for province {scope!r}")
    return codes


def locator_scope(code: str, data_dir=None) -> str:
    """The scope (`region_codes`) of an entity's locator map: the province it lies in, or is."""
    regencies = geometry.load("kabkota", data_dir)
    return regencies[code].province_code if code in regencies else code


def map_legend(entities: pd.DataFrame, year: int, scope: str, lang: str = "id", by: str | None = None,
           data_dir=None) -> tuple[str, pd.DataFrame]:
    """The legend of the map of `scope` (`region_codes`) in `year`: its title and `maplegend.legend_frame`,
    the same labels and counts the map colours (a report page writes it as HTML beside the image).

    Parameters
    ----------
    entities : pandas.DataFrame
        The validated entity rows (a report's selection).
    year : int
        Assessment year.
    scope : str
        "kabkota", "provinsi" or a province code.
    lang : str
        The report's language.
    by : str or None
        The label kind, as for the maps (None: the year's own).

    Returns
    -------
    (str, pandas.DataFrame)
        The legend's title ("Kategori") and one row per entry (label, text, n, colour, hatched).
    """
    labels, kind = results(entities, year, region_codes(scope, data_dir), by)
    return Formatter(lang)(f"map.legend.{kind}"), legend_frame(labels, kind, lang)


def counts(labels: dict[str, str | None], kind: str) -> dict[str | None, int]:
    """Regions per label in legend order, None (not in the data) last; every region counted once."""
    out: dict[str | None, int] = {label: 0 for label in CLASSES[kind]}
    out[None] = 0
    for label in labels.values():
        out[label] += 1
    return out


def legend_label(f: Formatter, kind: str, label: str) -> str:
    """A published label in the report's language: 'hijau' / 'green', 'A (hijau)', 'Kualitas Tinggi (hijau)'."""
    if kind == "zone":
        return f(f"zone.{label}.short")
    if kind == "category":
        return f(f"category.{label}.short")
    category = next(c for c, o in grading.OPINIONS.items() if o == label)
    return f(f"opinion.{label}.short", zone=f(f"zone.{grading.ZONE_OF_CATEGORY[category]}.short"))


def legend_frame(labels: dict[str, str | None], kind: str, lang: str) -> pd.DataFrame:
    """One row per legend entry, in legend order: the published label (None: not in the data), its words
    in `lang`, the number of regions, the fill colour and whether the fill is hatched.

    Parameters
    ----------
    labels : dict
        Region code → published label of the map's kind, or None (`maps.results`).
    kind : str
        "zone", "category" or "opinion".
    lang : str
        The report's language.

    Returns
    -------
    pandas.DataFrame
        Columns label, text, n, colour, hatched.
    """
    f = Formatter(lang)
    rows = [{"label": label, "text": f("map.not_in_data") if label is None else legend_label(f, kind, label),
             "n": n, "colour": NO_DATA_FACE if label is None else CLASSES[kind][label], "hatched": label is None}
            for label, n in counts(labels, kind).items()]
    return pd.DataFrame(rows, columns=["label", "text", "n", "colour", "hatched"])


def draw_legend(fig: Figure, labels: dict, kind: str, lang: str, anchor, loc: str, ncols: int,
                fontsize: float = 8) -> None:
    """The legend drawn into the figure: every label with its count, the regions not in the data too."""
    f = Formatter(lang)
    handles = []
    for row in legend_frame(labels, kind, lang).itertuples():
        text = f"{row.text} ({f.int(row.n)})"
        if row.hatched:
            with matplotlib.rc_context({"hatch.color": NO_DATA_EDGE, "hatch.linewidth": 0.5}):
                handles.append(Patch(facecolor=NO_DATA_FACE, edgecolor=NO_DATA_EDGE, hatch=NO_DATA_HATCH,
                                     linewidth=0.5, label=text))
        else:
            handles.append(Patch(facecolor=row.colour, label=text))
    fig.legend(handles=handles, loc=loc, bbox_to_anchor=anchor, ncols=ncols, frameon=False, fontsize=fontsize,
               title=f(f"map.legend.{kind}"), title_fontsize=fontsize, handlelength=1.2, columnspacing=0.8)


def columns(kind: str) -> int:
    """Legend columns: one row for zones and categories; opini levels have long names, so two rows."""
    return 3 if kind == "opinion" else len(CLASSES[kind]) + 1


def legend_room(kind: str) -> float:
    """Inches below the map for the legend (title and one or two rows) above the credit line."""
    return 0.75 if columns(kind) < len(CLASSES[kind]) + 1 else 0.6


def detail(labels: dict, kind: str, f: Formatter) -> str:
    """', kategori: 3 A (hijau), 2 B (hijau)': the labels with their counts, for the alt text."""
    parts = [f"{f.int(n)} {legend_label(f, kind, label)}" for label, n in counts(labels, kind).items()
             if label is not None and n]
    return f", {f(f'map.kind.{kind}')}: {', '.join(parts)}" if parts else ""
