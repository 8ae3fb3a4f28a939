"""Several entities side by side over a range of years; a change of method is a note, never bridged."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from IPython.display import HTML, Image

from .. import dataset, plots
from .markup import chart, table
from .view import Section, View
from .words import break_notes


@dataclass
class ComparisonReport(View):
    data: dataset.Dataset
    codes: tuple[str, ...]
    first_year: int
    last_year: int
    lang: str

    def sections(self) -> list[Section]:
        return [Section("table", None, (self.table,)), Section("figure", None, (self.figure,))]

    def frames(self):
        return {"scores": self.frame_of_scores}

    @cached_property
    def rows(self) -> pd.DataFrame:
        e = self.data.entities
        chosen = e[e["entity_code"].isin(self.codes) & e["year"].between(self.first_year, self.last_year)]
        return chosen.sort_values(["entity_code", "year"]).reset_index(drop=True)

    def frame_of_scores(self) -> pd.DataFrame:
        """One row per entity and year in the range: code, name, score (blank when only a label exists)."""
        r = self.rows
        return pd.DataFrame({"entity_code": r["entity_code"].astype(str), "entity_name": r["entity_name"].astype(str),
                             "year": r["year"].astype(int), "score": r["score"].astype(float),
                             "zone": r["zone"], "scheme": r["scheme"]})

    def table(self) -> HTML:
        """Year by entity, scores in the report's locale; a change of method is a note, never bridged."""
        f = self.f
        names = dict(zip(self.rows["entity_code"], self.rows["entity_name"], strict=True))
        years = sorted(set(self.rows["year"]))
        scores = {(c, y): s for c, y, s in zip(self.rows["entity_code"], self.rows["year"], self.rows["score"],
                                               strict=True)}
        frame = pd.DataFrame({f("col.year"): [str(y) for y in years],
                              **{names[c]: [f.num(scores.get((c, y))) for y in years]
                                 for c in self.codes if c in names}})
        notes = break_notes(f, [int(y) for y in years])
        return table(frame, caption=f("compare_entities.caption", n=len(names), first=self.first_year,
                                      last=self.last_year), notes=notes)

    def figure(self) -> Image:
        f = self.f
        fig = plots.series_figure(self.rows, f("chart.series_title"), f)
        return chart(fig, f("alt.series", n=self.rows["entity_code"].nunique()), main=True)
