"""The province report: its kab/kota ranked and mapped, their change since a comparable year, its units."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial

import pandas as pd
from IPython.display import HTML, Image

from .. import compare, dataset, findings, findings_change, grading, maps, national, plots, selection
from ..navigation import report_slug
from .changes import break_sentence, changed_box, count_move_sentence, moves_sentence
from .markup import chart, figure, findings_block, joined, map_legend, paragraphs, sentence_case, table
from .tables import (
    conflicts_frame,
    conflicts_table,
    entity_link,
    entity_links,
    ranking_frame,
    ranking_table,
    sources_block,
    sources_frame,
)
from .view import Section, View, pick
from .words import grades_short, rank_sentence, row_finding, sample_sentence, set_words, with_sample


@dataclass
class ProvinceReport(View):
    data: dataset.Dataset
    code: str
    year: int
    lang: str
    data_dir: str = ""

    def sections(self) -> list[Section]:
        located = tuple(partial(self.units, t) for t in selection.LOCATED_UNIT_TYPES)
        return [Section("map", "map", (self.map, self.map_legend, self.map_credit)),
                Section("ranking", "ranking", (self.ranking_table, self.ranking_figure)),
                Section("change", "change", (self.change_table, self.slopegraph)),
                Section("located_units", "located_units", located),
                Section("coverage", "coverage", (self.coverage,)),
                Section("about", None, (self.methodology, self.sources))]

    def frames(self):
        return {"ranking": self.ranking_frame, "label_only": self.label_only_frame, "change": self.change_frame,
                "units": self.units_frame, "conflicts": self.conflicts_frame, "sources": self.sources_frame}

    @cached_property
    def selection(self) -> selection.Selection:
        return selection.province(self.data, self.code, self.year)

    @property
    def here(self) -> str:
        return report_slug("province", self.code, self.year)

    @property
    def name(self) -> str:
        return str(self.data.names.entities[self.code].name)

    @cached_property
    def year_rows(self) -> pd.DataFrame:
        """Every pemda row of the province in the year, label-only rows (no published score) included."""
        return self.selection.rows("pemda")

    @cached_property
    def kabkota(self) -> pd.DataFrame:
        return self.selection.peers["province_kabkota"].ranked

    @cached_property
    def own(self) -> pd.DataFrame:
        return self.year_rows[self.year_rows["entity_type"] == "provinsi"]

    @cached_property
    def listed(self) -> pd.DataFrame:
        """Kabupaten and kota with a score or a published label."""
        return self.selection.peers["province_kabkota"].rows

    @cached_property
    def label_only(self) -> pd.DataFrame:
        rows = self.listed[self.listed["score"].isna()]
        order = {z: i for i, z in enumerate(grading.ZONES)}
        return rows.assign(_o=rows["zone"].map(order)).sort_values(["_o", "entity_name"]).drop(columns="_o")

    @property
    def previous_year(self) -> int | None:
        return self.selection.previous_year

    def headline(self) -> HTML:
        f = self.f
        items = []
        if not self.own.empty:
            row = self.own.iloc[0]
            items.append(row_finding(f, row, row["entity_name"], self.data.entity_sources))
            if not pd.isna(row["score"]):
                p = self.selection.peers["type.provinsi"]
                rank = findings.rank_in(p.ranked, self.code, p.name, p.n_published, p.n_sampled, p.label_only,
                                        p.group_size)
                items.append(rank_sentence(f, rank, self.year))
        k = self.kabkota
        if not self.listed.empty:
            items.append(self._zones_sentence())
            if len(self.label_only):
                items.append(f("province.label_only", n=len(self.label_only), scored=len(k)))
        items = with_sample(items, sample_sentence(f, self.selection.aggregates, self.year))
        if self.quotable:  # the best and the worst are ranks too: quoted only where a rank would be
            best, worst = k.iloc[0], k.iloc[-1]
            items.append(f("province.best_worst", best=best["entity_name"], best_score=f.num(best["score"]),
                           worst=worst["entity_name"], worst_score=f.num(worst["score"])))
        change = self._median_change()
        if change:
            items.append(change)
        return joined(findings_block(f, f("province.title", province=self.name, year=self.year), "",
                                     [i for i in items if i][:5],
                                     self.name_links(self.here, self.selection.entities(), self.year)),
                      self.changed())

    @property
    def quotable(self) -> bool:
        """Whether ranks among the province's kab/kota may be quoted (`findings.rank_quotable`)."""
        p = self.selection.peers["province_kabkota"]
        return findings.rank_quotable(p.n_with_data, p.group_size)

    def zone_counts(self) -> findings_change.ZoneCounts:
        """The kab/kota per zone: the published counts of the province first, then those in the data."""
        return findings_change.zone_counts(self.selection.aggregates, self.listed, self.year, self.code, "kabkota")

    def _zones_sentence(self) -> str:
        f, z = self.f, self.zone_counts()
        if z.published:
            return f("province.zones_published", total=f.int(z.published_total), province=self.name, year=self.year,
                     n=z.n_in_data, **z.published, **{f"in_{k}": v for k, v in z.in_data.items()})
        return f("province.zones_in_data", n=z.n_in_data, total=self._regencies, province=self.name, year=self.year,
                 **z.in_data)

    def changed(self) -> HTML:
        """What changed since the previous assessment of its kab/kota: the published zone counts of both
        years when graded alike, else the zone moves of those labelled in both years in the data; across
        a change of method, only that the years are not comparable."""
        f, before = self.f, self.previous_year
        if before is None:
            return changed_box(f, [])
        if not self.selection.comparable:
            return changed_box(f, [break_sentence(f, before, self.year)])
        published = findings_change.count_move(self.selection.aggregates, before, self.year, self.code, "kabkota")
        if published:
            return changed_box(f, [count_move_sentence(f, published)])
        both = set(self._before.loc[self._before["zone"].notna(), "entity_code"]) & set(
            self.listed.loc[self.listed["zone"].notna(), "entity_code"])
        if not both:
            return changed_box(f, [])
        moves = national.zone_moves(pd.concat([self._before, self.listed]), before, self.year)
        return changed_box(f, [moves_sentence(f, moves, before, self.year)])

    def map(self) -> Image:
        """The province's kab/kota coloured by their published label of the year and named, none overlapping."""
        fig, alt = maps.province_map(self.data.entities, self.code, self.year, self.lang,
                                     data_dir=self.data_dir or None, legend=False)
        return figure(fig, alt)

    def map_legend(self) -> HTML:
        """The map's legend, as page text under the image."""
        return map_legend(self.f, *maps.map_legend(self.data.entities, self.year, self.code, self.lang,
                                                   data_dir=self.data_dir or None))

    def _no_change(self) -> str:
        """Why there is no change to show (no earlier year, or a method break since it), or ''."""
        if self.previous_year is None:
            return self.f("finding.no_previous_province", year=self.year)
        if not self.selection.comparable:
            return self.f("province.change_break", from_year=self.previous_year, year=self.year)
        return ""

    def _median_change(self) -> str:
        both = self.change_frame()
        if self._no_change() or both.empty:
            return self._no_change()
        return self.f("province.change", n=len(both), up=int((both["change"] > 0).sum()), from_year=self.previous_year,
                      median=self.f.num(both["change"].median(), signed=True))

    @cached_property
    def _regencies(self) -> int:
        r = self.data.regions
        return int(((r["province_code"] == self.code) & r["type"].isin(list(compare.PEER_TYPES))).sum())

    def ranking_frame(self) -> pd.DataFrame:
        return ranking_frame(self.kabkota)

    def ranking_table(self) -> HTML:
        f = self.f
        where = set_words(f, "province_kabkota", self.name)
        if self.kabkota.empty:
            shown = paragraphs(f("province.no_kabkota", province=self.name, year=self.year))
        elif len(self.kabkota) < findings.MIN_COMPARABLE:
            shown = paragraphs(f("finding.rank_too_few", set=where, n=len(self.kabkota), year=self.year,
                                 need=findings.MIN_COMPARABLE))
        else:
            shown = ranking_table(self.ranking_frame(), f, f"{where}, {self.year} (n = {len(self.kabkota)})",
                                  note=sample_sentence(f, self.selection.aggregates, self.year),
                                  sources=self.data.entity_sources, here=self.here, ranked=self.quotable)
        return joined(shown, self.label_only_table())

    def label_only_frame(self) -> pd.DataFrame:
        """Kab/kota published with a label but no score: listed with their labels, never ranked."""
        rows = self.label_only
        return pd.DataFrame({"entity_code": rows["entity_code"].astype(str),
                             "entity_name": rows["entity_name"].astype(str), "zone": rows["zone"],
                             "category": rows["category"], "opinion": rows["opinion"]}).reset_index(drop=True)

    def label_only_table(self) -> HTML:
        f, rows = self.f, self.label_only_frame()
        if rows.empty:
            return self.nothing()
        frame = pd.DataFrame({f("col.entity"): entity_links(self.here, rows.assign(year=self.year)),
                              f("col.grade"): grades_short(f, rows),
                              f("col.score"): [f("grade.no_score")] * len(rows)})
        return table(frame, caption=f("province.label_only_caption", province=self.name, year=self.year,
                                      n=len(rows)), notes=(f("province.label_only_note"),))

    def ranking_figure(self) -> Image | HTML:
        f = self.f
        if len(self.kabkota) < findings.MIN_COMPARABLE:
            return self.nothing()
        where = set_words(f, "province_kabkota", self.name)
        title = sentence_case(f("chart.rank_title", set=where, year=self.year, n=len(self.kabkota)))
        fig = plots.ranking_figure(self.kabkota, None, title, f)
        return chart(fig, f("alt.ranking_province", set=where, year=self.year, n=len(self.kabkota)), main=True)

    @cached_property
    def _before(self) -> pd.DataFrame:
        return self.selection.peers["previous"].ranked if "previous" in self.selection.peers else self.kabkota[:0]

    def change_frame(self) -> pd.DataFrame:
        """Kab/kota scored in both years, when the previous year is graded alike (empty otherwise)."""
        both = self.kabkota.merge(self._before[["entity_code", "score"]], on="entity_code", how="inner",
                                  suffixes=("", "_before"))
        return pd.DataFrame({"entity_code": both["entity_code"].astype(str),
                             "entity_name": both["entity_name"].astype(str),
                             "from_year": pd.array([self.previous_year] * len(both), dtype="Int64"),
                             "to_year": self.year, "score_before": both["score_before"].astype(float),
                             "score": both["score"].astype(float), "change": both["score"] - both["score_before"],
                             "n_with_data": len(both)})

    def change_table(self) -> HTML:
        f = self.f
        if self._no_change():
            return paragraphs(self._no_change())
        both = self.change_frame()
        if both.empty:  # no kab/kota with a score in both years: one sentence, not a header-only table
            return paragraphs(f("province.change_none", from_year=self.previous_year, year=self.year))
        frame = pd.DataFrame({
            f("col.entity"): entity_links(self.here, both.rename(columns={"to_year": "year"})),
            str(self.previous_year): [f.num(v) for v in both["score_before"]],
            str(self.year): [f.num(v) for v in both["score"]],
            f("col.change"): [f.num(v, signed=True) for v in both["change"]],
        })
        return table(frame, caption=f("province.change_caption", province=self.name, a=self.previous_year,
                                      b=self.year, n=len(both)))

    def slopegraph(self) -> Image | HTML:
        n = len(self.change_frame())
        if self._no_change() or n == 0:
            return self.nothing()
        f = self.f
        fig = plots.slopegraph(self._before, self.kabkota, self.previous_year, self.year,
                               f("chart.slope_title", a=self.previous_year, b=self.year, n=n), f)
        return chart(fig, f("alt.slope", province=self.name, a=self.previous_year, b=self.year, n=n))

    def units_frame(self, unit_type: str) -> pd.DataFrame:
        """Units of one located type (`selection.LOCATED_UNIT_TYPES`) in the province and year, best first."""
        rows = self.selection.rows(pick("unit type", unit_type, {t: t for t in selection.LOCATED_UNIT_TYPES}))
        return pd.DataFrame({"unit_code": rows["unit_code"].astype(str), "unit_name": rows["unit_name"].astype(str),
                             "score": rows["score"].astype(float), "zone": rows["zone"], "category": rows["category"],
                             "opinion": rows["opinion"]}).reset_index(drop=True)

    def units(self, unit_type: str) -> HTML:
        f = self.f
        rows = self.units_frame(unit_type)
        what = f(f"unit_type.{unit_type}")
        if rows.empty:
            return paragraphs(f("units.none_located", what=what, province=self.name, year=self.year),
                              heading=sentence_case(what), level=3)
        frame = pd.DataFrame({f("col.unit"): self._unit_links(unit_type, rows),
                              f("col.score"): [f.num(v) for v in rows["score"]],
                              f("col.grade"): grades_short(f, rows)})
        return joined(paragraphs(heading=sentence_case(what), level=3),
                      table(frame, caption=f("units.located_caption", what=what, province=self.name,
                                             year=self.year, n=len(rows))))

    def _unit_links(self, unit_type: str, rows: pd.DataFrame) -> list:
        """Unit names linked to the report of the kab/kota they lie in, when it has a row this year (a unit
        has no report of its own)."""
        located = self.selection.rows(unit_type)["location_code"] if "location_code" in self.selection.rows(
            unit_type) else pd.Series([None] * len(rows))
        reported = set(self.year_rows["entity_code"])
        return [entity_link(self.here, name, where, self.year) if where in reported else name
                for name, where in zip(rows["unit_name"], located, strict=True)]

    def _conflicts(self) -> pd.DataFrame:
        c = self.data.conflicts
        return c[c["code"].isin(self.year_rows["entity_code"]) & (c["year"] == self.year)]

    def conflicts_frame(self) -> pd.DataFrame:
        return conflicts_frame(self._conflicts())

    def coverage(self) -> HTML:
        f = self.f
        lines = [f("province.coverage", have=len(self.listed), total=self._regencies, province=self.name,
                   year=self.year), sample_sentence(f, self.selection.aggregates, self.year)]
        for set_name, have in self.selection.counts.items():  # the types whose number assessed is published
            assessed = findings.assessed_count(self.selection.aggregates, self.year, set_name.removeprefix("type."))
            lines.append(f("coverage.national", have=have, assessed=f.int(assessed), year=self.year,
                           set=set_words(f, set_name)))
        return joined(paragraphs(*lines), conflicts_table(self._conflicts(), f))

    def _sources(self) -> pd.DataFrame:
        e = self.data.entity_sources
        rows = e[e["entity_code"].isin(set(self.year_rows["entity_code"])) & (e["year"] == self.year)]
        located = {c for t in selection.LOCATED_UNIT_TYPES for c in self.selection.rows(t)["unit_code"]}
        u = self.data.unit_sources
        urows = u[u["unit_code"].isin(located) & (u["year"] == self.year)]
        return pd.concat([rows.rename(columns={"entity_name": "name"})[["year", "name", "score", "source_url"]],
                          urows.rename(columns={"unit_name": "name"})[["year", "name", "score", "source_url"]]])

    def sources_frame(self) -> pd.DataFrame:
        return sources_frame(self._sources())

    def sources(self) -> HTML:
        return sources_block(self.f, self._sources())
