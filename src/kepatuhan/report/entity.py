"""The entity report: how one pemda or agency stands in a year, how it moved, its rank, its units."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from IPython.display import HTML, Image

from .. import compare, dataset, findings, grading, maps, plots, selection, trend
from ..navigation import href, report_slug
from .changes import entity_changes, trend_words
from .markup import Link, chart, figure, findings_block, joined, map_legend, paragraphs, sentence_case, table
from .tables import conflicts_frame, conflicts_table, ranking_frame, ranking_table, sources_block, sources_frame
from .view import Section, View
from .words import (
    break_notes,
    gap_words,
    grade_short,
    grades_short,
    movement_sentence,
    opinion_marks,
    rank_sentence,
    row_finding,
    sample_sentence,
    set_words,
    with_sample,
)


@dataclass
class EntityReport(View):
    data: dataset.Dataset
    code: str
    year: int
    lang: str
    data_dir: str = ""

    def sections(self) -> list[Section]:
        return [Section("map", None, (self.locator_map, self.map_legend, self.map_credit)),
                Section("trend", "trend", (self.trend_table, self.trend_note, self.trend_figure)),
                Section("comparison", "comparison", (self.comparison, self.peers_table, self.ranking_figure,
                                                     self.national_distribution)),
                Section("units", "units", (self.units_table, self.units_figure)),
                Section("conflicts", "conflicts", (self.conflicts,)),
                Section("about", None, (self.methodology, self.sources))]

    def frames(self):
        return {"trend": self.trend_frame, "peers": self.peers_frame, "units": self.units_frame,
                "distribution": self.distribution_frame, "conflicts": self.conflicts_frame,
                "sources": self.sources_frame}

    @cached_property
    def selection(self) -> selection.Selection:
        return selection.entity(self.data, self.code, self.year)

    @property
    def here(self) -> str:
        return report_slug("entity", self.code, self.year)

    @cached_property
    def own(self) -> pd.DataFrame:
        return self.selection.rows("trend")

    @cached_property
    def series(self) -> pd.DataFrame:
        return trend.entity_series(self.own, self.code)

    @cached_property
    def row(self) -> pd.Series:
        return self.own[self.own["year"] == self.year].iloc[0]

    @property
    def name(self) -> str:
        return str(self.row["entity_name"])

    @property
    def kind(self) -> str:
        return str(self.row["entity_type"])

    @property
    def province(self) -> str:
        return str(self.row["province_name"]) if isinstance(self.row["province_name"], str) else ""

    @cached_property
    def units(self) -> pd.DataFrame:
        return self.selection.rows("units")

    def _group(self, set_name: str) -> pd.DataFrame:
        """The ranked peers of one set of the selection (ranks, tables, chart and conflicts share it)."""
        return self.selection.peers[set_name].ranked

    @cached_property
    def ranks(self) -> list[findings.Rank]:
        """Among the kabupaten/kota of its province (for a kab/kota), then among its type nationally."""
        out = [self._rank(peers) for key, peers in self.selection.peers.items() if key != "previous"]
        return [r for r in out if r is not None]

    def _rank(self, peers: selection.PeerSet) -> findings.Rank | None:
        return findings.rank_in(peers.ranked, self.code, peers.name, peers.n_published, peers.n_sampled,
                                peers.label_only, peers.group_size)

    def changed(self) -> HTML:
        """What changed since its previous year with a label (`changes.entity_changes`)."""
        previous = self.selection.peers.get("previous")
        now = next((r for r in self.ranks if r.set_name == "province_kabkota"), None)
        return entity_changes(self.f, self.own, self.year, self._rank(previous) if previous else None, now,
                              self.province)

    def headline(self) -> HTML:
        """Title and the key findings, first."""
        f = self.f
        items = [row_finding(f, self.row, self.name, self.data.entity_sources)]
        if not pd.isna(self.row["score"]):
            items.append(movement_sentence(f, findings.movement(self.series, self.year)))
        ranks = [rank_sentence(f, r, self.year, self.province) for r in self.ranks]
        sampled = any(r.sampled and r.rank is not None for r in self.ranks)
        items += ranks if sampled else with_sample(ranks, sample_sentence(f, self.selection.aggregates, self.year))
        weakest = findings.weakest_unit(self.units)
        if weakest:
            items.append(f("finding.weakest", unit=weakest.name, score=f.num(weakest.score), n=weakest.n_units))
        fit = findings.trend_worth_stating(self.series, self.year)
        if fit:
            items.append(f("finding.trend", slope=f.num(fit.slope, signed=True), low=f.num(fit.ci_low),
                           high=f.num(fit.ci_high), n=fit.n, first=fit.years[0], last=fit.years[-1]))
        return joined(findings_block(f, f("entity.title", name=self.name, year=self.year),
                                     self.province_link() if self.province else "",
                                     [i for i in items if i][:5], self.sentence_links()), self.changed())

    def sentence_links(self) -> dict[str, str]:
        return self.name_links(self.here, self.selection.entities(), self.year)

    def province_link(self) -> Link:
        """"Provinsi Bengkulu" under the title, leading to the province's report of the year."""
        code = str(self.row["province_code"])
        return Link(self.f("entity.subtitle", province=self.province),
                    href(self.here, report_slug("province", code, self.year)))

    @property
    def has_map(self) -> bool:
        return maps.has_map(self.code, self.data_dir or None)

    def locator_map(self) -> Image | HTML:
        """A small map with the entity emphasised in its province, and where that lies in Indonesia (a
        province or kab/kota only: ministries and agencies have no map)."""
        if not self.has_map:
            return self.nothing()
        fig, alt = maps.locator_map(self.data.entities, self.code, self.year, self.lang, data_dir=self.data_dir or None,
                                    legend=False)
        return figure(fig, alt)

    def map_legend(self) -> HTML:
        """The legend of the province's kab/kota on the locator map, as page text under the image."""
        if not self.has_map:
            return self.nothing()
        data_dir = self.data_dir or None
        scope = maps.locator_scope(self.code, data_dir)
        return map_legend(self.f, *maps.map_legend(self.data.entities, self.year, scope, self.lang, data_dir=data_dir))

    def map_credit(self) -> HTML:
        return super().map_credit() if self.has_map else self.nothing()

    def trend_frame(self) -> pd.DataFrame:
        """Every year of the entity: score (blank when only a label was published), labels, the change
        from the previous scored year and whether that change is comparable (no method break between)."""
        s = self.series.set_index("year")
        own = self.own
        years = own["year"].astype(int)
        return pd.DataFrame({
            "year": years.to_numpy(), "entity_code": self.code, "score": own["score"].to_numpy(dtype=float),
            "zone": own["zone"].to_numpy(), "category": own["category"].to_numpy(),
            "opinion": own["opinion"].to_numpy(), "zone_basis": own["zone_basis"].to_numpy(),
            "label_only": own["score"].isna().to_numpy(),
            "previous_year": pd.array([s["previous_year"].get(y) for y in years], dtype="Int64"),
            "change": [s["change"].get(y, float("nan")) for y in years],
            "comparable": pd.array([None if y not in s.index or pd.isna(s.loc[y, "change"])
                                    else not bool(s.loc[y, "across_break"]) for y in years], dtype="boolean"),
        })

    def trend_table(self) -> HTML:
        f, t = self.f, self.trend_frame()
        scored, labels = t[~t["label_only"]], t[t["label_only"]]
        changes = ["–" if pd.isna(c) else f("trend.not_comparable") if not comparable
                   else f.num(c, signed=True) + " " + f("trend.since", year=previous)
                   for c, comparable, previous in zip(scored["change"], scored["comparable"], scored["previous_year"],
                                                      strict=True)]
        frame = pd.DataFrame({
            f("col.year"): [*scored["year"].astype(str), *labels["year"].astype(str)],
            f("col.score"): [*(f.num(v) for v in scored["score"]), *([f("grade.no_score")] * len(labels))],
            f("col.grade"): [*(g + m for g, m in zip(grades_short(f, scored), opinion_marks(
                f, scored, self.data.entity_sources), strict=True)), *grades_short(f, labels)],
            f("col.basis"): [f(f"basis.{b}") for b in [*scored["zone_basis"], *labels["zone_basis"]]],
            f("col.change"): [*changes, *(["–"] * len(labels))],
        }).sort_values(f("col.year"), kind="stable")
        notes = break_notes(f, [int(y) for y in scored["year"]])
        return table(frame, caption=f("trend.caption", name=self.name, n=len(frame)), notes=notes,
                     highlight=[y == str(self.year) for y in frame[f("col.year")]])

    def trend_note(self) -> HTML:
        """The trend in words that agree with the chart (`changes.trend_words`)."""
        return paragraphs(trend_words(self.f, self.series, self.year))

    def trend_figure(self) -> Image | HTML:
        f, s = self.f, self.series
        if s.empty:
            return self.nothing()
        labels = self.own[self.own["score"].isna()][["year", "zone", "category", "opinion"]]
        fig = plots.trend_figure(s, f("chart.trend_title", name=self.name), f, labels=labels, code=self.code)
        alt = f("alt.trend", name=self.name, first=int(s["year"].min()), last=int(s["year"].max()), n=len(s),
                year=self.year, score=f.num(self.row["score"]))
        return chart(fig, alt, main=True)

    def comparison(self) -> HTML:
        f = self.f
        lines = [rank_sentence(f, r, self.year, self.province) for r in self.ranks]
        for r in self.ranks:
            if r.rank is not None and r.quotable:
                s = compare.standing(self._group(r.set_name), self.code)
                lines.append(f("compare.gaps", set=set_words(f, r.set_name, self.province),
                               best=gap_words(f, s.gap_to_best, "best"),
                               median=gap_words(f, s.gap_to_median, "median")))
        return paragraphs(*lines)

    @cached_property
    def peer_set(self) -> selection.PeerSet | None:
        """The set the peers table and chart show: the province's kab/kota if enough, else the national type."""
        return next((p for key, p in self.selection.peers.items()
                     if key != "previous" and p.n_with_data >= findings.MIN_COMPARABLE), None)

    def peers_frame(self) -> pd.DataFrame:
        """The ranked peers the report shows (empty when no set has enough entities with data)."""
        p = self.peer_set
        return ranking_frame(p.ranked, p.n_published) if p else ranking_frame(self._group(f"type.{self.kind}")[:0])

    def peers_table(self) -> HTML:
        if self.peer_set is None:
            return self.nothing()
        peers = self.peers_frame()
        caption = f"{set_words(self.f, self.peer_set.name, self.province)}, {self.year} (n = {len(peers)})"
        return ranking_table(peers, self.f, caption, highlight=self.code, sources=self.data.entity_sources,
                             here=self.here,
                             ranked=findings.rank_quotable(self.peer_set.n_with_data, self.peer_set.group_size))

    def ranking_figure(self) -> Image | HTML:
        if self.peer_set is None:
            return self.nothing()
        f = self.f
        peers = self.peer_set.ranked
        where = set_words(f, self.peer_set.name, self.province)
        title = sentence_case(f("chart.rank_title", set=where, year=self.year, n=len(peers)))
        fig = plots.ranking_figure(peers, self.code, title, f)
        return chart(fig, f("alt.ranking", set=where, year=self.year, n=len(peers), name=self.name),
                     main=self.series.empty)

    def distribution_frame(self) -> pd.DataFrame:
        """The spread of scores of the entity's type nationally in the year: n with data, min, median, max."""
        d = compare.score_distribution(self.selection.peers[f"type.{self.kind}"].rows, self.year, self.kind)
        return pd.DataFrame({"entity_type": [self.kind], "year": [self.year], "n_with_data": [int(d["count"])],
                             "min": [d["min"]], "median": [d["50%"]], "max": [d["max"]]})

    def national_distribution(self) -> HTML:
        f = self.f
        d = self.distribution_frame().iloc[0]
        if d["n_with_data"] < findings.MIN_COMPARABLE:
            return self.nothing()
        where = set_words(f, f"type.{self.kind}")
        frame = pd.DataFrame({f("col.measure"): [f("stat.n"), f("stat.min"), f("stat.median"), f("stat.max")],
                              f("col.score"): [f.int(d["n_with_data"]), f.num(d["min"]), f.num(d["median"]),
                                               f.num(d["max"])]})
        return table(frame, caption=f("distribution.caption", set=where, year=self.year, n=f.int(d["n_with_data"])))

    def units_frame(self) -> pd.DataFrame:
        """The entity's service units in the year, best first, graded by the year's scheme; the weakest flagged."""
        u = self.units
        grades = [grading.classify(s, y) for s, y in zip(u["score"], u["year"], strict=True)]
        return pd.DataFrame({"rank": u["rank"].astype("Int64"), "unit_code": u["unit_code"].astype(str),
                             "unit_name": u["unit_name"].astype(str), "unit_type": u["unit_type"].astype(str),
                             "score": u["score"].astype(float), "zone": [g.zone for g in grades],
                             "category": [g.category for g in grades], "opinion": [g.opinion for g in grades],
                             "weakest": u["weakest"].astype(bool),
                             "n_with_data": len(u)})

    def units_table(self) -> HTML:
        f, u = self.f, self.units_frame()
        if u.empty:
            return paragraphs(f("units.none", name=self.name, year=self.year))
        weakest = findings.weakest_unit(self.units)
        frame = pd.DataFrame({
            f("col.rank"): u["rank"].astype(str),
            f("col.unit"): [n + (" " + f("units.weakest_mark") if w else "") for n, w in
                            zip(u["unit_name"], u["weakest"], strict=True)],
            f("col.score"): [f.num(v) for v in u["score"]],
            f("col.grade"): [grade_short(f, c, z, o) for c, z, o in zip(u["category"], u["zone"], u["opinion"],
                                                                         strict=True)],
        })
        return table(frame, caption=f("units.caption", name=self.name, year=self.year, n=len(u)),
                     highlight=[bool(w) for w in u["weakest"]] if weakest else None)

    def units_figure(self) -> Image | HTML:
        if self.units.empty:
            return self.nothing()
        f = self.f
        fig = plots.unit_figure(self.units, f("chart.units_title", name=self.name, year=self.year), f)
        return chart(fig, f("alt.units", name=self.name, year=self.year, n=len(self.units)))

    def _sources(self) -> pd.DataFrame:
        e = self.data.entity_sources
        rows = e[e["entity_code"] == self.code].rename(columns={"entity_name": "name"})
        u = self.data.unit_sources
        units = u[u["unit_code"].isin(set(self.units["unit_code"])) & (u["year"] == self.year)]
        return pd.concat([rows[["year", "name", "score", "source_url"]],
                          units.rename(columns={"unit_name": "name"})[["year", "name", "score", "source_url"]]])

    def sources_frame(self) -> pd.DataFrame:
        return sources_frame(self._sources())

    def sources(self) -> HTML:
        return sources_block(self.f, self._sources())

    def _conflicts(self) -> pd.DataFrame:
        """Every conflict behind a figure of the report: the entity's own (all years of its trend table),
        its units', and those of the peers its ranking table marks with an asterisk (the report's year)."""
        c = self.data.conflicts
        peers = set(self.peer_set.ranked["entity_code"]) if self.peer_set else set()
        shown = (c["code"].isin({self.code, *self.units["unit_code"]})
                 | (c["code"].isin(peers) & (c["year"] == self.year) & (c["level"] == "entity")))
        return c[shown]

    def conflicts_frame(self) -> pd.DataFrame:
        return conflicts_frame(self._conflicts())

    def conflicts(self) -> HTML:
        return conflicts_table(self._conflicts(), self.f)

