"""The national overview: the published counts over the years, and one assessment year in detail."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial

import pandas as pd
from IPython.display import HTML, Image

from .. import compare, dataset, findings_change, geometry, grading, maps, names, national, plots, selection
from ..errors import ReportError
from ..navigation import report_slug
from ..query.groups import reading
from . import national_sample
from .changes import break_sentence, changed_box, count_move_sentence, green_words
from .markup import chart, figure, findings_block, joined, map_legend, paragraphs, table
from .tables import sources_block
from .view import Section, View, pick
from .words import set_words


def transition_pairs() -> list[tuple[int, int]]:
    """Consecutive assessment years graded by one scheme with categories (2022→2023, 2023→2024 today),
    from the scheme table: a move between categories means something only within one scheme."""
    years = grading.default_schemes().years
    return [(a, b) for a, b in zip(years, years[1:], strict=False)
            if grading.same_scheme(a, b) and grading.bands_for(a).has("category")]


def transition_kind(from_year: int, to_year: int) -> str:
    """What a move between two years is counted in: categories within a scheme that has them, else zones.

    Two years graded by different schemes (a method break) have no common scale: a ReportError says so."""
    for year in (from_year, to_year):
        try:
            grading.scheme_for(year)
        except ValueError as exc:
            raise ReportError(str(exc)) from None
    reason = national.method_break(from_year, to_year)
    if reason is not None:
        raise ReportError(f"{reason}; pick two years of one scheme")
    return "category" if grading.bands_for(from_year).has("category") else "zone"


@dataclass
class NationalReport(View):
    """The published national counts over the years, and one assessment year: its map, tests and spread."""

    data: dataset.Dataset
    lang: str
    year: int
    data_dir: str = ""

    def sections(self) -> list[Section]:
        return [Section("map", "map", (self.map, self.map_legend, partial(self.map, "provinsi"),
                                        partial(self.map_legend, "provinsi"), self.map_credit)),
                Section("counts", "counts", (self.counts_table, self.counts_figure, self.green_trend)),
                Section("by_type", "by_type", (self.by_type_table, *map(self._sampled, (
                    national_sample.sample_table, national_sample.opinion_table, national_sample.flags_table)),
                    self.provincial_table)),
                Section("distribution", "distribution", (self.distribution_table,)),
                Section("tests", "tests_research", (self.group_tests,)),
                Section("panel", "panel", (self.panel,)),
                Section("transitions", "transitions", tuple(partial(self.transitions, a, b)
                                                            for a, b in transition_pairs())),
                Section("about", None, (self.methodology, self.sources))]

    def frames(self):
        return {"counts": self.counts_frame, "by_type": self.by_type_frame, "opinion": self.opinion_frame,
                "sample": partial(national_sample.sample_frame, self.selection.aggregates,
                                  self.selection.rows("entities"), self.year),
                "provincial": partial(national_sample.provincial_frame, self.selection.aggregates, self.year,
                                      self._province_names),
                "distribution": self.distribution_frame, "transitions": self.transitions_frame}

    @cached_property
    def selection(self) -> selection.Selection:
        return selection.national(self.data, self.year)

    @cached_property
    def counts(self) -> pd.DataFrame:
        return national.national_counts(self.selection.aggregates).dropna(subset=["assessed"])

    def counts_frame(self) -> pd.DataFrame:
        """The published national counts per year: assessed, per zone and per category (category_a …)."""
        frame = self.counts.reset_index()
        return frame.rename(columns={c: f"category_{c.lower()}" for c in grading.CATEGORIES})

    def headline(self) -> HTML:
        f = self.f
        items = []
        zoned = self.counts.dropna(subset=list(grading.ZONES))
        if self.year in zoned.index:
            row = zoned.loc[self.year]
            total = int(sum(int(row[z]) for z in grading.ZONES))
            items.append(f("national.latest", year=self.year, assessed=f.int(row["assessed"]),
                           hijau=f.int(row["hijau"]), share=f.int(round(int(row["hijau"]) / total * 100)),
                           merah=f.int(row["merah"])))
        drawn = national.sample(self.selection.aggregates, self.year)
        if drawn:  # a sampled year: the sample, then the opini levels in the data
            kinds = ", ".join(f"{f.int(n)} {set_words(f, f'type.{k}')}" for k, n in drawn.by_type.items())
            items.insert(0, f("national.sample_plain", year=drawn.year, n=f.int(drawn.n), kinds=kinds,
                              mean=f.num(drawn.mean)))
            items.append(national_sample.opinion_sentence(f, self.selection.aggregates,
                                                          self.selection.rows("entities"), self.year))
        else:
            items.append(green_words(f, self.counts, self.year))
        e = self.selection.rows("entities")
        e = e[e["year"] == self.year]
        items.append(f("national.coverage_year", n=len(e), year=self.year, scored=int(e["score"].notna().sum()),
                       labels=int(e["score"].isna().sum())))
        links = self.name_links(report_slug("national", "", self.year), e, self.year)
        return joined(findings_block(f, f("national.title", year=self.year), "", [i for i in items if i][:5], links),
                      self.changed())

    def changed(self) -> HTML:
        """What changed since the previous assessment: the published zone counts of both years when one
        method grades them, else that the method changed (the counts are then not comparable)."""
        f = self.f
        before = findings_change.previous_assessment(self.year)
        move = findings_change.count_move(self.selection.aggregates, before, self.year)
        return changed_box(f, [count_move_sentence(f, move) or break_sentence(f, before, self.year)])

    @property
    def test_year(self) -> int:
        """The report's year: the group tests, like the map and the spread, describe that assessment."""
        return self.year

    def map(self, level: str = "kabkota") -> Image:
        """Every kab/kota (or province) coloured by its published label of the year, provinces outlined."""
        pick("map level", level, {v: v for v in geometry.LEVELS})
        fig, alt = maps.national_map(self.data.entities, self.year, level, self.lang,
                                     title=self.f(f"map.title.{level}", year=self.year), data_dir=self.data_dir or None,
                                     legend=False)
        return figure(fig, alt)

    def map_legend(self, level: str = "kabkota") -> HTML:
        """The legend of the map of that level, as page text under the image."""
        pick("map level", level, {v: v for v in geometry.LEVELS})
        return map_legend(self.f, *maps.map_legend(self.data.entities, self.year, level, self.lang,
                                                   data_dir=self.data_dir or None))

    def counts_table(self) -> HTML:
        f = self.f
        c = self.counts
        columns = [m for m in ("assessed", *grading.ZONES, *grading.CATEGORIES) if m in c.columns]
        a = self.selection.aggregates
        a = a[(a["scope_code"].fillna("") == "") & (a["entity_type"] == "all")]
        printed = set(zip(a["year"], a["measure"], strict=True))

        def cell(year, measure, value) -> str:  # a zone count summed from printed categories is marked
            if pd.isna(value):
                return "–"
            return f.int(value) + ("" if (year, measure) in printed else " *")

        frame = pd.DataFrame({f("col.year"): [str(y) for y in c.index],
                              **{f(f"measure.{m}"): [cell(y, m, v) for y, v in zip(c.index, c[m], strict=True)]
                                 for m in columns}})
        derived = any((y, m) not in printed for m in columns for y, v in zip(c.index, c[m], strict=True)
                      if pd.notna(v))
        return table(frame, caption=f("national.counts_caption"),
                     notes=(f("national.derived_note"),) if derived else ())

    def counts_figure(self) -> Image:
        f = self.f
        shown = self.counts.dropna(subset=list(grading.ZONES))
        fig = plots.national_figure(shown, f("chart.national_title"), f)
        return chart(fig, f("alt.national", first=int(shown.index.min()), last=int(shown.index.max()),
                             n=len(shown)), main=True)

    def green_trend(self) -> HTML:
        """The green share of the chart above in words that agree with it (`changes.green_words`)."""
        return paragraphs(green_words(self.f, self.counts, self.year), self.f("national.green_note"))

    def _sampled(self, part):
        """A part of `national_sample` for this page's year, on its selection (see that module)."""
        return partial(part, self.f, self.selection.aggregates, self.selection.rows("entities"), self.year)

    def opinion_frame(self) -> pd.DataFrame:
        """Per opini level of the year: the published count (where one exists) and those in the data."""
        return national_sample.opinion_frame(self.selection.aggregates, self.selection.rows("entities"), self.year)

    def provincial_table(self) -> HTML:
        opinion = self.opinion_frame()
        return national_sample.provincial_table(self.f, self.selection.aggregates, self.year, self._province_names,
                                                bool(opinion["published"].notna().any()))

    @property
    def _province_names(self) -> dict[str, str]:
        return {c: e.name for c, e in self.data.names.entities.items() if "." not in c}

    def by_type_frame(self) -> pd.DataFrame:
        """The published national counts per year and entity type: assessed and per zone."""
        t = national.counts_by_type(self.selection.aggregates).reset_index()
        return t[t["entity_type"].isin(names.ENTITY_TYPES)].reset_index(drop=True)

    def by_type_table(self) -> HTML:
        f = self.f
        t = self.by_type_frame()
        frame = pd.DataFrame({
            f("col.year"): t["year"].astype(str),
            f("col.type"): [set_words(f, f"type.{k}") for k in t["entity_type"]],
            **{f(f"measure.{m}"): [f.int(v) if pd.notna(v) else "–" for v in t[m]]
               for m in ("assessed", *grading.ZONES) if m in t.columns},
        })
        return table(frame, caption=f("national.by_type_caption"))

    def distribution_frame(self) -> pd.DataFrame:
        """The spread of the year's scores per entity type: with a score, label-only, min, median, max."""
        e = self.selection.rows("entities")
        rows = []
        for kind, group in e[e["year"] == self.year].groupby("entity_type", sort=True):
            scores = group["score"].dropna()
            rows.append({"year": self.year, "entity_type": str(kind), "n_with_data": len(scores),
                         "label_only": len(group) - len(scores), "min": scores.min(), "median": scores.median(),
                         "max": scores.max()})
        return pd.DataFrame(rows, columns=["year", "entity_type", "n_with_data", "label_only", "min", "median", "max"])

    def distribution_table(self) -> HTML:
        f = self.f
        d = self.distribution_frame()
        scored = d[d["n_with_data"] > 0]  # label-only types have no score to spread: said in the note
        if scored.empty:  # no header-only table: nothing of the year has a score in the data
            return self.nothing()
        frame = pd.DataFrame({f("col.year"): scored["year"].astype(str),
                              f("col.type"): [set_words(f, f"type.{k}") for k in scored["entity_type"]],
                              f("stat.n_scored"): [f.int(v) for v in scored["n_with_data"]],
                              f("stat.label_only"): [f.int(v) for v in scored["label_only"]],
                              **{f(f"stat.{s}"): [f.num(v) for v in scored[s]] for s in ("min", "median", "max")}})
        only_labels = [set_words(f, f"type.{k}") for k in d.loc[d["n_with_data"] == 0, "entity_type"]]
        notes = (f("national.distribution_labels_only", types=", ".join(only_labels), year=self.year),
                 ) if only_labels else ()
        return table(frame, caption=f("national.distribution_caption", year=self.year), notes=notes)

    def _test_sentence(self, result: compare.GroupTest, year: int) -> str:
        f = self.f
        groups = {c: e.name for c, e in self.data.names.entities.items() if "." not in c}
        groups.update({"kota": set_words(f, "type.kota"), "kabupaten": set_words(f, "type.kabupaten")})
        return reading(result, year, self.data.entities, groups, self.lang)

    def group_tests(self, year: int | None = None) -> HTML:
        """The group tests, for researchers: what a p-value and an effect size mean in plain words first."""
        year = year or self.test_year
        return paragraphs(self.f("tests.plain"), *(self._test_sentence(r, year) for r in (
            compare.kota_vs_kabupaten(self.data.entities, year), compare.across_provinces(self.data.entities, year))))

    def panel(self) -> HTML:
        f = self.f
        result = national.panel_model(self.data.entities)
        if result.reason:
            return paragraphs(f("panel.refused", n=result.n_entities, need=national.MIN_PANEL_ENTITIES))
        return paragraphs(f("panel.result", first=result.years[0], last=result.years[-1],
                            est=f.num(result.estimate, signed=True), low=f.num(result.ci_low),
                            high=f.num(result.ci_high), n=result.n_entities, obs=result.n_observations),
                          f("panel.meaning"))

    def transitions_frame(self, from_year: int, to_year: int) -> pd.DataFrame:
        """Entities with a label in both years: label in `from_year` (rows) by label in `to_year` (columns),
        in categories within a scheme that has them, else zones; two years across a method break are refused."""
        return national.transitions(self.selection.rows("entities"), from_year, to_year,
                                    by=transition_kind(from_year, to_year))

    def transitions(self, from_year: int, to_year: int) -> HTML:
        f = self.f
        matrix = self.transitions_frame(from_year, to_year)
        kind = transition_kind(from_year, to_year)
        labels = {v: f(f"{kind}.{v}.short") for v in [*matrix.index, *matrix.columns]}
        frame = pd.DataFrame({f("transition.corner", a=from_year, b=to_year): [labels[v] for v in matrix.index],
                              **{labels[c]: [str(int(v)) for v in matrix[c]] for c in matrix.columns}})
        return table(frame, caption=f(f"transition.caption.{kind}", a=from_year, b=to_year,
                                      n=int(matrix.to_numpy().sum())))

    #: The national figures the page shows: per year for all bodies, per year and type, and the sample.
    SHOWN_TYPES = ("all", *names.ENTITY_TYPES)

    def _shown_aggregates(self) -> pd.DataFrame:
        """The published national rows behind a figure of this page (and no others)."""
        a = self.selection.aggregates
        a = a[(a["scope_code"].fillna("") == "") & a["entity_type"].isin(self.SHOWN_TYPES)]
        counted = a["measure"].isin(("assessed", *grading.ZONES))
        all_years = (a["entity_type"] == "all") & a["year"].isin(self.counts.index) & (
            counted | a["measure"].isin(grading.CATEGORIES))
        by_type = (a["entity_type"] != "all") & counted
        sample = (a["year"] == self.year) & a["measure"].isin(("sampled", "mean_score"))
        return a[all_years | by_type | sample]

    def _aggregate_label(self, entity_type: str, measure: str) -> str:
        """'Jumlah kota yang dinilai', 'Rata-rata nilai nasional': what the figure counts, in words."""
        f = self.f
        bodies = f("set.all_bodies") if entity_type == "all" else set_words(f, f"type.{entity_type}")
        if measure in grading.ZONES:
            return f("source.zone", set=bodies, zone=f(f"zone.{measure}"))
        if measure in grading.CATEGORIES:
            return f("source.category", set=bodies, category=f(f"category.{measure}"))
        return f(f"source.{measure}", set=bodies)

    def _aggregate_figure(self, count, percent, measure: str) -> str:
        f = self.f
        if measure == "mean_score":
            return f.num(percent)
        if pd.notna(count):
            return f.int(count) + (f" ({f.num(percent)}%)" if pd.notna(percent) else "")
        return f"{f.num(percent)}%" if pd.notna(percent) else "–"

    def sources(self) -> HTML:
        rows = self._shown_aggregates().copy()
        rows["name"] = [self._aggregate_label(t, m) for t, m in zip(rows["entity_type"], rows["measure"], strict=True)]
        rows["figure"] = [self._aggregate_figure(c, p, m) for c, p, m in zip(rows["count"], rows["percent"],
                                                                             rows["measure"], strict=True)]
        return sources_block(self.f, rows[["year", "name", "figure", "source_url"]], value_column="col.figure")
