"""The explorer of `notebooks/explorer.ipynb`: pick a province, a type, a year and entities; tables follow.

Every table comes from `kepatuhan.query` (one line each in :data:`TABLES`); the charts are drawn from
those frames. :func:`show_static` displays the tables and charts of one choice (what nbconvert and
nbval see: plain DataFrames and PNGs, no widget ids); :func:`explorer` builds the live widget box
for JupyterLab, which redraws the same views whenever a control changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pandas as pd

from . import query
from .errors import KepatuhanError

ENTITY_TYPES = ("kab/kota", "kabupaten", "kota", "provinsi", "pemda")


@dataclass(frozen=True)
class Choice:
    """What the reader picked; `previous_year` is the latest assessment before `year` with data."""

    province: str = "Bengkulu"
    entity_type: str = "kab/kota"
    year: int = 2024
    entities: tuple[str, ...] = field(default_factory=tuple)
    previous_year: int | None = None
    data_dir: str = ""


#: The tables shown, each one line on top of the query API.
TABLES: dict[str, Callable[[Choice], pd.DataFrame]] = {
    "ranks": lambda c: query.ranks(c.year, province=c.province, entity_type=c.entity_type, data_dir=c.data_dir),
    "changes": lambda c: query.changes(c.previous_year, c.year, province=c.province, entity_type=c.entity_type,
                                       data_dir=c.data_dir),
    "zone_moves": lambda c: query.zone_moves(c.previous_year, c.year, province=c.province,
                                             entity_type=c.entity_type, data_dir=c.data_dir),
    "entities": lambda c: query.scores(entity=list(c.entities), data_dir=c.data_dir),
}
TITLES = {"ranks": "Ranks (of n with data)", "changes": "Changes since the previous assessment",
          "zone_moves": "Zone moves", "entities": "Chosen entities over time"}
COLUMNS = {
    "ranks": ["rank", "entity_code", "entity_name", "score", "zone", "category", "n_with_data", "n_published"],
    "changes": ["entity_code", "entity_name", "from_year", "to_year", "from_score", "to_score", "change",
                "comparable", "reason"],
    "zone_moves": ["entity_code", "entity_name", "from_zone", "to_zone", "move", "comparable"],
    "entities": ["entity_code", "entity_name", "year", "score", "zone", "category"],
}


def options(data_dir: str = "") -> dict[str, list]:
    """The choices the data offer: provinces with pemda results, years with data, entity names."""
    rows = query.scores(data_dir=data_dir)
    pemda = rows[rows["entity_type"].isin(("provinsi", "kabupaten", "kota"))]
    return {"province": sorted(set(pemda["province_name"].dropna())),
            "year": sorted({int(y) for y in rows["year"]}),
            "entities": sorted(set(pemda["entity_name"].dropna()))}


def with_previous(choice: Choice, years: list[int]) -> Choice:
    """The choice with its previous assessment year filled in (None for the first year)."""
    earlier = [y for y in years if y < choice.year]
    return replace(choice, previous_year=earlier[-1] if earlier else None)


def tables(choice: Choice) -> dict[str, pd.DataFrame]:
    """Every table of the choice; a table that needs a previous year is left out without one."""
    shown = {}
    for name, make in TABLES.items():
        if name in ("changes", "zone_moves") and choice.previous_year is None or name == "entities" \
                and not choice.entities:
            continue
        frame = make(choice)
        shown[name] = frame[[c for c in COLUMNS[name] if c in frame]].reset_index(drop=True)
    return shown


def ranks_chart(frame: pd.DataFrame, title: str) -> bytes:
    """Scores of the ranked entities as bars in their zone's colour (PNG bytes, byte-stable)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from . import plots

    scored = frame[frame["score"].notna()].sort_values("score")
    with matplotlib.rc_context(plots.RC):
        fig = Figure(figsize=(7.0, max(2.0, 0.22 * len(scored) + 1.0)), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.barh([str(n) for n in scored["entity_name"]], scored["score"],
                color=[plots.ZONE_COLORS.get(z, plots.NEUTRAL) for z in scored["zone"]])
        ax.set_xlim(0, 100)
        ax.set_title(title)
        ax.tick_params(axis="y", labelsize=7)
    return plots.to_png(fig)


def views(choice: Choice) -> list[tuple[str, object]]:
    """The views of one choice in order: ("markdown", text), ("table", DataFrame), ("png", bytes)."""
    choice = with_previous(choice, options(choice.data_dir)["year"])
    shown = [("markdown", f"**{choice.province}, {choice.entity_type}, {choice.year}**"
              + (f" (previous assessment: {choice.previous_year})" if choice.previous_year else ""))]
    for name, frame in tables(choice).items():
        shown += [("markdown", f"### {TITLES[name]}"), ("table", frame)]
        if name == "ranks" and frame["score"].notna().any():
            shown.append(("png", ranks_chart(frame, f"{choice.province} {choice.year}")))
    return shown


def show_static(choice: Choice) -> None:
    """Display the tables and the chart of one choice as plain outputs (for nbconvert and nbval)."""
    from IPython.display import Image, Markdown, display

    for kind, value in views(choice):
        display(Markdown(value) if kind == "markdown" else Image(value) if kind == "png" else value)


def as_widgets(choice: Choice) -> list:
    """The same views as widgets (HTML, Image): widget state, so no display message leaks into a cell."""
    import html

    import ipywidgets as widgets

    made = []
    for kind, value in views(choice):
        if kind == "markdown":
            text = html.escape(value.lstrip("# ").replace("**", ""))
            made.append(widgets.HTML(f"<h3>{text}</h3>" if value.startswith("#") else f"<p><b>{text}</b></p>"))
        elif kind == "png":
            made.append(widgets.Image(value=value, format="png"))
        else:
            made.append(widgets.HTML(_blank_missing(value).to_html(index=False, na_rep="", escape=True)))
    return made


def _blank_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as empty cells: `na_rep` covers floats, not the nullable columns (they print <NA>)."""
    frame = frame.copy()
    for name in frame.columns:
        if not pd.api.types.is_float_dtype(frame[name]) and frame[name].isna().any():
            frame[name] = frame[name].astype(object).where(frame[name].notna(), "")
    return frame


def explorer(choice: Choice | None = None):
    """The live explorer: dropdowns for province, type and year, a list of entities, the views below.

    Parameters
    ----------
    choice : Choice, optional
        The first selection shown; the defaults of :class:`Choice` when None.

    Returns
    -------
    ipywidgets.VBox
        The controls above an area of tables and chart redrawn on every change.
    """
    import html

    import ipywidgets as widgets

    choice = choice or Choice()
    offered = options(choice.data_dir)
    province = widgets.Dropdown(options=offered["province"], value=choice.province, description="Province")
    entity_type = widgets.Dropdown(options=ENTITY_TYPES, value=choice.entity_type, description="Type")
    year = widgets.Dropdown(options=offered["year"], value=choice.year, description="Year")
    entities = widgets.SelectMultiple(options=offered["entities"], value=tuple(choice.entities),
                                      description="Compare", rows=6)
    out = widgets.VBox()

    def redraw(_change=None) -> None:
        picked = replace(choice, province=province.value, entity_type=entity_type.value, year=year.value,
                         entities=tuple(entities.value))
        try:
            out.children = as_widgets(picked)
        except KepatuhanError as exc:  # a choice without rows: one line in place of the tables
            out.children = [widgets.HTML(f"<p>No table for this choice: {html.escape(str(exc))}</p>")]

    for control in (province, entity_type, year, entities):
        control.observe(redraw, names="value")
    redraw()
    return _explorer_class()([widgets.HBox([province, entity_type, year]), entities, out])


def _explorer_class():
    import ipywidgets as widgets

    class Box(widgets.VBox):
        def __repr__(self) -> str:  # what nbconvert stores instead of the live view: short and stable
            return "Explorer (live in JupyterLab; the static render of the defaults is above)"

    return Box

