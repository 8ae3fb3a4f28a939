"""Markup of the reports: Jinja2 fragment templates (autoescaped, so strings from data are escaped),
tables, figures and headings as IPython display objects, byte-stable from one build to the next."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from IPython.display import HTML, Image
from markupsafe import Markup, escape

from .. import plots
from ..messages import Formatter


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@lru_cache(maxsize=1)
def templates():
    """The fragment templates, loaded once per process (a worker loads them before its first report)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("kepatuhan", "templates/fragments"), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=False)


def render(template: str, **context) -> str:
    """One fragment template filled in; every value is escaped by Jinja2."""
    return templates().get_template(template).render(**context)


def paragraphs(*texts: str, heading: str = "", level: int = 2, anchor: str = "") -> HTML:
    return HTML(render("paragraphs.html.j2", paragraphs=[t for t in texts if t], heading=heading, level=level,
                       anchor=anchor))


def table(frame: pd.DataFrame, caption: str = "", notes: tuple[str, ...] = (), highlight: list[bool] | None = None
          ) -> HTML:
    """An escaped HTML table without index or random ids (cells may be `Link`s), so outputs stay byte-stable."""
    rows = [{"cells": ["–" if v is None or (isinstance(v, float) and v != v) else v for v in values],
             "highlight": bool(highlight[i]) if highlight else False}
            for i, values in enumerate(frame.itertuples(index=False, name=None))]
    return HTML(render("table.html.j2", caption=sentence_case(caption), columns=[str(c) for c in frame.columns],
                       rows=rows, notes=[n for n in notes if n]))


def joined(*parts: HTML) -> HTML:
    """Several fragments as one display object (one output of a notebook cell)."""
    return HTML("".join(p.data for p in parts))


def figure(fig, alt: str) -> Image:
    """A PNG with a real alternative text (nbconvert writes it into the <img>)."""
    return Image(data=plots.to_png(fig), format="png", alt=alt)


def map_legend(f: Formatter, title: str, legend: pd.DataFrame) -> HTML:
    """A map's legend as HTML under its image (`maps.map_legend`): page text, readable on a phone."""
    entries = [{"text": row.text, "count": f.int(row.n), "colour": row.colour, "hatched": bool(row.hatched)}
               for row in legend.itertuples()]
    return HTML(render("legend.html.j2", title=title, entries=entries))


class Chart(Image):
    """A chart: the PNG the page shows, and the same chart as SVG in the output (`image/svg+xml`), which
    the site writes beside the PNG for download (`assets.place_figures`). `main` marks the page's main
    chart, the image its share tags name."""

    def __init__(self, png: bytes, svg: bytes, alt: str, main: bool = False) -> None:
        super().__init__(data=png, format="png", alt=alt)
        self.svg = svg
        self.main = main

    def _repr_mimebundle_(self, include=None, exclude=None):
        data, metadata = super()._repr_mimebundle_(include, exclude)
        data["image/svg+xml"] = self.svg.decode("utf-8")
        if self.main:
            metadata = {**(metadata or {}), "kepatuhan": {"main": True}}
        return data, metadata


def chart(fig, alt: str, main: bool = False) -> Chart:
    """A chart as PNG and SVG (both byte-stable: the PNG first, then the SVG of the same drawn figure)."""
    png = plots.to_png(fig)
    return Chart(png, plots.to_svg(fig), alt, main)


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def linked(text: str, links: Mapping[str, str]) -> Markup:
    """`text` escaped, with every whole-word occurrence of a name in `links` made a link to its address.

    Sentences come from the catalogue with names filled in as plain text; a reader who meets "Kabupaten
    Kaur" in a finding should be one click from its report, as in the tables. Longer names win, so "Kota
    Bengkulu" is not cut short by a shorter name inside it."""
    if not links:
        return escape(text)
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(name)}(?!\w)" for name in sorted(links, key=len, reverse=True)))
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[last:match.start()]),
                  Markup('<a href="{}">{}</a>').format(links[match.group()], match.group())]
        last = match.end()
    return Markup("").join([*parts, escape(text[last:])])


def findings_block(f: Formatter, title: str, subtitle: str | Link, items: list[str],
                   links: Mapping[str, str] | None = None) -> HTML:
    """The key findings, each sentence with the names of `links` leading to their reports."""
    return HTML(render("findings.html.j2", title=title, subtitle=subtitle, heading=f("findings.heading"),
                       items=[linked(item, links or {}) for item in items]))


def nothing() -> HTML:
    """An empty output: a part with nothing to show for this report."""
    return HTML("")
