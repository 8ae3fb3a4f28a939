"""What every report view shares: sections as lists of bound callables, frames by name, words, headings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from IPython.display import HTML, display

from .. import maps
from ..errors import ReportError
from ..messages import Formatter
from ..navigation import href, report_slug
from .markup import nothing, paragraphs, render


@dataclass(frozen=True)
class Section:
    """One section of a report: its heading (a catalogue key under `section.`, or None) and its parts,
    each a callable returning what the notebook cell displays."""

    name: str
    heading: str | None
    parts: tuple[Callable[[], object], ...]


def empty(item) -> bool:
    """True for an output that shows nothing (an HTML fragment without markup)."""
    return isinstance(item, HTML) and not (item.data or "").strip()


def pick(kind: str, name: str, known: dict):
    """`known[name]`, or a ReportError that names what exists (`show('nope')`, `frame('foo')`)."""
    if name not in known:
        raise ReportError(f"no {kind} {name!r}; {kind}s: {', '.join(known)}")
    return known[name]


class View:
    """A report view: `sections()` lists what it shows in order, `frames()` the tables behind them."""

    lang: str

    def sections(self) -> list[Section]:
        return []

    def frames(self) -> dict[str, Callable[..., pd.DataFrame]]:
        return {}

    def show(self, name: str) -> None:
        """One section of the report, in one notebook cell: its heading, then each of its parts.

        Every notebook cell costs the build a kernel round trip (~7 ms of CPU); a cell per section keeps
        the notebook readable and the report cheap. Each part stays a method of its own, for an analyst."""
        section = pick("section", name, {s.name: s for s in self.sections()})
        parts = [item for item in (part() for part in section.parts) if item is not None and not empty(item)]
        if not parts:  # a section with nothing to show is left out, heading and all
            return
        display(*([self.section(section.heading)] if section.heading else []), *parts)

    #: Entity types whose names in a sentence lead to their own report (a province's name is left to the
    #: breadcrumb and subtitle, which lead to the province-wide report rather than the pemprov's).
    LINKED_TYPES = ("kabupaten", "kota", "kementerian", "lembaga")

    def name_links(self, here: str, rows: pd.DataFrame, year: int) -> dict[str, str]:
        """{name: relative address} of the entities of `rows` in `year` (every entity-year in the data has a
        report), except the page `here` itself: what a finding's names lead to."""
        rows = rows[(rows["year"] == year) & rows["entity_type"].isin(self.LINKED_TYPES)]
        links = {str(name): report_slug("entity", str(code), year)
                 for name, code in zip(rows["entity_name"], rows["entity_code"], strict=True)}
        return {name: href(here, target) for name, target in links.items() if target != here}

    def frame(self, name: str, *arguments) -> pd.DataFrame:
        """The DataFrame behind one table of the report (`frames()` lists them), for an analyst."""
        return pick("frame", name, self.frames())(*arguments)

    @cached_property
    def f(self) -> Formatter:
        return Formatter(self.lang)

    def section(self, key: str) -> HTML:
        return paragraphs(heading=self.f(f"section.{key}"))

    def methodology(self) -> HTML:
        """A pointer to the methodology page (the page template links it in every footer)."""
        return paragraphs(self.f("method.short"), heading=self.f("section.method"))

    def map_credit(self) -> HTML:
        """The boundaries' credit under the maps: their MIT licence asks every derived copy to keep it."""
        before, name, after = self.f("map.credit").partition(maps.BOUNDARY_NAME)
        return HTML(render("credit.html.j2", before=before, name=name, href=maps.BOUNDARY_URL, after=after))

    def nothing(self) -> HTML:
        return nothing()
