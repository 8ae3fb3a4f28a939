"""What the notebooks show: parameter checks, then findings, tables, figures and sources in one language.

The view stays thin: numbers come from trend, compare, national and findings; words from the message
catalogue (`messages`); markup from the Jinja2 templates in `templates/fragments` (autoescaped, so
strings from data are escaped). Each report object is opened by `open_entity`, `open_province`
or `open_national`, which check the parameters and stop with one sentence on a bad one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import ClassVar

import pandas as pd
from IPython.display import HTML, Image, display

from . import compare, dataset, findings, grading, maps, national, plots, reconcile, trend
from .errors import NameNotFound, ReportError
from .messages import LANGS, Formatter

PROVINCE_SETS = ("kabupaten", "kota")


def check_parameters(year: int, lang: str, data_dir: str = "") -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise ReportError(f"year must be a whole number such as 2024, got {year!r}")
    try:
        grading.scheme_for(year)
    except ValueError as exc:
        raise ReportError(str(exc)) from None
    if lang not in LANGS:
        raise ReportError(f"lang must be 'id' or 'en', got {lang!r}")
    if not isinstance(data_dir, str):
        raise ReportError(f"data_dir must be a folder path or empty, got {data_dir!r}")


# -- markup ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    text: str
    href: str


@lru_cache(maxsize=1)
def _templates():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("kepatuhan", "templates/fragments"), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=False)


def warm_up() -> None:
    """Ready this process for many reports, once (a build worker's kernel calls it before its first one).

    It loads what every report uses (fragment templates, both catalogues and their number formats,
    the fonts of the figures, the shipped boundaries), then `gc.freeze()` moves everything alive now
    out of the garbage collector's rounds: the namespace reset between reports and the collections
    during one then walk only the report's own objects, not the whole library each time.
    """
    import gc

    from . import geometry

    for name in _templates().list_templates():
        _templates().get_template(name)
    for lang in LANGS:
        Formatter(lang).num(1.5)
    plots.warm_up()
    for level in geometry.LEVELS:
        if geometry.geometry_file(level).is_file():
            geometry.load(level)
    gc.freeze()


def render(template: str, **context) -> str:
    """One fragment template filled in; every value is escaped by Jinja2."""
    return _templates().get_template(template).render(**context)


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


def figure(fig, alt: str) -> Image:
    """A PNG with a real alternative text (nbconvert writes it into the <img>)."""
    return Image(data=plots.to_png(fig), format="png", alt=alt)


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def findings_block(f: Formatter, title: str, subtitle: str, items: list[str]) -> HTML:
    return HTML(render("findings.html.j2", title=title, subtitle=subtitle, heading=f("findings.heading"),
                       items=items))


# -- words shared by the reports --------------------------------------------------------------------

def grade_words(f: Formatter, zone: str, category, inferred: bool = False, opinion=None, flag=None,
                printed: PrintedLabels | None = None) -> str:
    """The grade in words: category (2022–2024) or opini level (2025–) with its zone, and the published
    Tanpa Maladministrasi flag where the instrument has one. With `printed`, an opini no source printed
    says it is inferred from the score, next to the service-quality word the source did print."""
    if isinstance(category, str):
        words = f.category(category) + ", " + f.zone(zone)
    elif isinstance(opinion, str) and f.has(f"opinion.{opinion}"):
        words = f(f"opinion.{opinion}")
        if printed is not None and not printed.opinion:
            words += " " + (f("grade.opinion_inferred_quality", quality=printed.service_quality)
                            if printed.service_quality else f("grade.opinion_inferred"))
        words += ", " + f.zone(zone)
    else:
        words = f.zone(zone)
    if isinstance(flag, str) and flag in INLINE_FLAGS and f.has(f"flag.{flag}"):
        words += "; " + f(f"flag.{flag}")
    return words


#: Flags said inside the grade ("…, zona hijau; dengan predikat Tanpa Maladministrasi"); the others are
#: about the sources, so they are a sentence of their own (see `grade_notes`).
INLINE_FLAGS = ("tanpa_maladministrasi", "without_qualifier")


def grade_notes(f: Formatter, inferred: bool, flag=None) -> str:
    """What the grade rests on, as short sentences after the finding, so the finding stays one idea."""
    notes = [f("grade.inferred")] if inferred else []
    if isinstance(flag, str) and flag not in INLINE_FLAGS and f.has(f"flag.{flag}"):
        notes.append(sentence_case(f(f"flag.{flag}")) + ".")
    return " ".join(notes)


@dataclass(frozen=True)
class PrintedLabels:
    """What the sources of one entity and year printed, as opposed to what was computed from the score."""

    opinion: bool  # some source printed the opini level
    service_quality: str | None  # the service-quality word a source printed (Sangat Baik, Baik, …)


def printed_labels(sources: pd.DataFrame, code: str, year: int) -> PrintedLabels:
    rows = sources[(sources["entity_code"] == code) & (sources["year"] == year)]
    printed = [v for v in rows["opinion"] if isinstance(v, str) and v]
    quality = next((v for v in rows["service_quality"] if isinstance(v, str) and v), None)
    return PrintedLabels(bool(printed), quality)


def row_grade(f: Formatter, row, sources: pd.DataFrame | None = None) -> str:
    printed = printed_labels(sources, row["entity_code"], row["year"]) if sources is not None else None
    return grade_words(f, row["zone"], row["category"], row["zone_basis"] == "inferred", row.get("opinion"),
                       row.get("maladministrasi"), printed)


def row_finding(f: Formatter, row, name: str, sources: pd.DataFrame) -> str:
    """'Pada 2025, X memperoleh nilai 88,23: <grade>.' (or its label-only form), then the notes on the grade.

    A zone is only 'inferred from the score' when there is a score; a label-only zone comes from the label."""
    grade = row_grade(f, row, sources)
    scored = not pd.isna(row["score"])
    sentence = (f("finding.standing", name=name, year=row["year"], score=f.num(row["score"]), grade=grade) if scored
                else f("finding.label_only", name=name, year=row["year"], grade=grade))
    notes = grade_notes(f, scored and row["zone_basis"] == "inferred", row.get("maladministrasi"))
    return f"{sentence} {notes}".strip()


def grade_short(f: Formatter, category, zone, opinion=None) -> str:
    """The grade for a table cell: 'A (hijau)', 'Kualitas Sedang (kuning)' or 'kuning'."""
    if isinstance(category, str):
        return f(f"category.{category}.short")
    if isinstance(opinion, str) and f.has(f"opinion.{opinion}.short"):
        return f(f"opinion.{opinion}.short", zone=f(f"zone.{zone}.short"))
    return f(f"zone.{zone}.short")


def grades_short(f: Formatter, rows: pd.DataFrame) -> list[str]:
    opinions = rows["opinion"] if "opinion" in rows else [None] * len(rows)
    return [grade_short(f, c, z, o) for c, z, o in zip(rows["category"], rows["zone"], opinions, strict=True)]


def with_sample(items: list[str], sample: str) -> list[str]:
    """The sample caveat joined to the last sentence about ranks or counts (one finding, not two)."""
    if not sample:
        return items
    return [*items[:-1], f"{items[-1]} {sample}"] if items else [sample]


def sample_sentence(f: Formatter, aggregates: pd.DataFrame, year: int) -> str:
    """Empty for a census year; for a sampled year (2025), that ranks are within the sample of n."""
    drawn = national.sample(aggregates, year)
    return f("finding.rank_sample", year=year, n=f.int(drawn.n)) if drawn else ""


def sampled_count(aggregates: pd.DataFrame, year: int, entity_type: str) -> int | None:
    """How many entities of a type the Ombudsman sampled in `year`, or None in a census year."""
    drawn = national.sample(aggregates, year)
    return drawn.by_type.get(entity_type) if drawn else None


def set_words(f: Formatter, set_name: str, province: str = "") -> str:
    return f(f"set.{set_name}", province=province)


def rank_sentence(f: Formatter, rank: findings.Rank, year: int, province: str = "") -> str:
    where = set_words(f, rank.set_name, province)
    if rank.rank is None:
        return f("finding.rank_too_few", set=where, n=rank.n, year=year, need=findings.MIN_COMPARABLE)
    notes = []
    if rank.sampled:
        notes.append(f("finding.rank_sampled", sampled=f.int(rank.sampled), set=where, year=year))
    if rank.label_only:
        kind = "opinion" if maps.label_kind(year) == "opinion" else "label"
        notes.append(f(f"finding.rank_label_only.{kind}", n=f.int(rank.label_only), set=where))
    sentence = f("finding.rank", rank=rank.rank, n=rank.n, set=where, year=year,
                 percentile=f.int(round(rank.percentile)), notes="".join("; " + n for n in notes))
    if rank.assessed:
        sentence += " " + f("finding.rank_assessed", assessed=f.int(rank.assessed), set=where, year=year)
    return sentence


def gap_words(f: Formatter, gap: float, against: str) -> str:
    """'3,07 poin di bawah nilai tertinggi': the distance in words, never a bare signed number."""
    what = f(f"gap.{against}")
    if round(gap, 2) == 0:
        return f("gap.equal", what=what)
    return f("gap.below" if gap < 0 else "gap.above", points=f.num(abs(gap)), what=what)


def movement_sentence(f: Formatter, m: findings.Movement | None) -> str:
    if m is None:
        return f("finding.no_previous")
    if not m.comparable:
        return f("finding.movement_break", from_year=m.from_year, previous=f.num(m.previous), year=m.year,
                 break_year=m.break_year)
    key = "finding.up" if m.change > 0 else "finding.down" if m.change < 0 else "finding.same"
    return f(key, change=f.num(abs(m.change)), from_year=m.from_year, previous=f.num(m.previous))


def break_notes(f: Formatter, years: list[int]) -> tuple[str, ...]:
    """One note per change of method between the years shown, naming the first year of the new method."""
    return tuple(f("trend.break_note", year=findings.first_year_of_new_method(a, b))
                 for a, b in zip(years, years[1:], strict=False) if not grading.same_scheme(a, b))


def sources_block(f: Formatter, rows: pd.DataFrame, value_column: str = "col.score") -> HTML:
    """Every source behind the figures shown, as links (publisher = the site's host), with year and value
    (`score` numbers, or already formatted `figure` strings under the heading `value_column`)."""
    from urllib.parse import urlparse

    rows = rows.drop_duplicates(subset=["year", "name", "source_url"]).sort_values(["year", "name", "source_url"])
    values = rows["figure"] if "figure" in rows else [f.num(v) for v in rows["score"]]
    frame = pd.DataFrame({
        f("col.year"): rows["year"].astype(str),
        f("col.entity"): rows["name"].astype(str),
        f(value_column): list(values),
        f("col.source"): [Link(urlparse(u).hostname or u, u) for u in rows["source_url"]],
    })
    return HTML(paragraphs(heading=f("section.sources"), anchor="sources").data
                + table(frame, caption=f("sources.caption")).data)


def methodology(f: Formatter) -> HTML:
    """A pointer to the methodology page (the page template links it in every footer)."""
    return paragraphs(f("method.short"), heading=f("section.method"))


def conflicts_table(conflicts: pd.DataFrame, f: Formatter) -> HTML:
    if conflicts.empty:
        return paragraphs(f("conflict.none"))
    frame = pd.DataFrame({
        f("col.year"): conflicts["year"].astype(str), f("col.entity"): conflicts["name"],
        f("col.values"): [" | ".join(_conflict_value(v, f) for v in str(values).split(" | "))
                          for values in conflicts["values"]],
        f("col.chosen"): [_conflict_value(str(v), f) for v in conflicts["chosen"]],
        f("col.rule"): [f(f"rule.{r}") for r in conflicts["rule"]],
    })
    return table(frame, caption=f("conflict.caption"))


def _conflict_value(listed: str, f: Formatter) -> str:
    """One source's value in the report's words: its score, or its zone when it printed no score."""
    zone = reconcile.label_only_zone(listed)
    return f"{f.zone(zone)} ({f('grade.no_score')})" if zone else f.num(float(listed))


def opinion_marks(f: Formatter, rows: pd.DataFrame, sources: pd.DataFrame) -> list[str]:
    """' (opini disimpulkan dari nilai)' for each row whose opini no source printed, else ''."""
    opinions = rows["opinion"] if "opinion" in rows else [None] * len(rows)
    return ["" if not isinstance(o, str) or isinstance(k, str) or printed_labels(sources, c, int(y)).opinion
            else " " + f("grade.opinion_inferred_short")  # a category is shown instead of an opini: no mark
            for o, k, c, y in zip(opinions, rows["category"], rows["entity_code"], rows["year"], strict=True)]


def ranking_table(group: pd.DataFrame, f: Formatter, caption: str, highlight: str | None = None,
                  note: str = "", sources: pd.DataFrame | None = None) -> HTML:
    marks = opinion_marks(f, group, sources) if sources is not None else [""] * len(group)
    frame = pd.DataFrame({
        f("col.rank"): group["rank"].astype(str),
        f("col.entity"): group["entity_name"].astype(str),
        f("col.score"): [f.num(v) + (" *" if r else "") for v, r in zip(group["score"], group["conflict_rule"],
                                                                       strict=True)],
        f("col.grade"): [g + m for g, m in zip(grades_short(f, group), marks, strict=True)],
    })
    mark = f("conflict.mark") if group["conflict_rule"].astype(bool).any() else ""
    return table(frame, caption=caption, notes=(mark, note), highlight=[c == highlight for c in group["entity_code"]])


class View:
    """What every report view shares: its language's words and numbers, section headings, the method pointer."""

    lang: str
    #: The report below its headline, section by section: name → (heading key or None, the parts shown
    #: under it in order). A part is a method name, or (method name, *arguments).
    SECTIONS: ClassVar[dict[str, tuple[str | None, tuple]]] = {}

    def show(self, name: str) -> None:
        """One section of the report, in one notebook cell: its heading, then each of its parts.

        Every notebook cell costs the build a kernel round trip (~7 ms of CPU); a cell per section keeps
        the notebook readable and the report cheap. Each part stays a method of its own, for an analyst."""
        heading, parts = self.SECTIONS[name]
        shown = [self.section(heading)] if heading else []
        for part in parts:
            method, *arguments = part if isinstance(part, tuple) else (part,)
            shown.append(getattr(self, method)(*arguments))
        display(*(item for item in shown if item is not None))

    @cached_property
    def f(self) -> Formatter:
        return Formatter(self.lang)

    def section(self, key: str) -> HTML:
        return paragraphs(heading=self.f(f"section.{key}"))

    def methodology(self) -> HTML:
        return methodology(self.f)

    def map_credit(self) -> HTML:
        """The boundaries' credit under the maps: their MIT licence asks every derived copy to keep it."""
        before, name, after = self.f("map.credit").partition(maps.BOUNDARY_NAME)
        return HTML(render("credit.html.j2", before=before, name=name, href=maps.BOUNDARY_URL, after=after))


# -- entity ---------------------------------------------------------------------------------------

@dataclass
class EntityReport(View):
    data: dataset.Dataset
    code: str
    year: int
    lang: str
    data_dir: str = ""

    SECTIONS = {"map": (None, ("locator_map", "map_credit")),
                "trend": ("trend", ("trend_table", "trend_note", "trend_figure")),
                "comparison": ("comparison", ("comparison", "peers_table", "ranking_figure", "national_distribution")),
                "units": ("units", ("units_table", "units_figure")),
                "conflicts": ("conflicts", ("conflicts",)),
                "about": (None, ("methodology", "sources"))}

    @cached_property
    def series(self) -> pd.DataFrame:
        return trend.entity_series(self.data.entities, self.code)

    @cached_property
    def row(self) -> pd.Series:
        e = self.data.entities
        return e[(e["entity_code"] == self.code) & (e["year"] == self.year)].iloc[0]

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
        return compare.unit_ranking(self.data.units, self.code, self.year)

    @cached_property
    def ranks(self) -> list[findings.Rank]:
        """Among the kabupaten/kota of its province (for a kab/kota), then among its type nationally."""
        out = []
        e = self.data.entities
        if self.kind in PROVINCE_SETS:
            out.append(findings.rank_in(self._group("province_kabkota"), self.code, "province_kabkota",
                                        label_only=findings.label_only_count(e, self.year, PROVINCE_SETS,
                                                                             self.row["province_code"])))
        out.append(findings.rank_in(self._group(f"type.{self.kind}"), self.code, f"type.{self.kind}",
                                    findings.assessed_count(self.data.aggregates, self.year, self.kind),
                                    sampled_count(self.data.aggregates, self.year, self.kind),
                                    findings.label_only_count(e, self.year, (self.kind,))))
        return [r for r in out if r is not None]

    def headline(self) -> HTML:
        """Title and the key findings, first."""
        f = self.f
        items = [row_finding(f, self.row, self.name, self.data.entity_sources)]
        if not pd.isna(self.row["score"]):
            items.append(movement_sentence(f, findings.movement(self.series, self.year)))
        ranks = [rank_sentence(f, r, self.year, self.province) for r in self.ranks]
        sampled = any(r.sampled and r.rank is not None for r in self.ranks)
        items += ranks if sampled else with_sample(ranks, sample_sentence(f, self.data.aggregates, self.year))
        weakest = findings.weakest_unit(self.units)
        if weakest:
            items.append(f("finding.weakest", unit=weakest.name, score=f.num(weakest.score), n=weakest.n_units))
        fit = findings.trend_worth_stating(self.series, self.year)
        if fit:
            items.append(f("finding.trend", slope=f.num(fit.slope, signed=True), low=f.num(fit.ci_low),
                           high=f.num(fit.ci_high), n=fit.n, first=fit.years[0], last=fit.years[-1]))
        return findings_block(f, f("entity.title", name=self.name, year=self.year),
                              f("entity.subtitle", province=self.province) if self.province else "",
                              [i for i in items if i][:5])


    @property
    def has_map(self) -> bool:
        return maps.has_map(self.code, self.data_dir or None)

    def locator_map(self) -> Image | HTML:
        """A small map with the entity emphasised in its province, and where that lies in Indonesia (a
        province or kab/kota only: ministries and agencies have no map)."""
        if not self.has_map:
            return HTML("")
        fig, alt = maps.locator_map(self.data.entities, self.code, self.year, self.lang, data_dir=self.data_dir or None)
        return figure(fig, alt)

    def map_credit(self) -> HTML:
        return super().map_credit() if self.has_map else HTML("")

    def trend_table(self) -> HTML:
        f, s = self.f, self.series
        changes = []
        for change, across, previous in zip(s["change"], s["across_break"], s["previous_year"], strict=True):
            if pd.isna(change):
                changes.append("–")
            elif across:
                changes.append(f("trend.not_comparable"))
            else:
                changes.append(f.num(change, signed=True) + " " + f("trend.since", year=previous))
        e = self.data.entities
        labels = e[(e["entity_code"] == self.code) & e["score"].isna()]
        scored = s.assign(opinion=self._opinions(s["year"]), entity_code=self.code)
        frame = pd.DataFrame({
            f("col.year"): [*s["year"].astype(str), *labels["year"].astype(str)],
            f("col.score"): [*(f.num(v) for v in s["score"]), *([f("grade.no_score")] * len(labels))],
            f("col.grade"): [*(g + m for g, m in zip(grades_short(f, scored), opinion_marks(
                f, scored, self.data.entity_sources), strict=True)), *grades_short(f, labels)],
            f("col.basis"): [f(f"basis.{b}") for b in [*s["zone_basis"], *labels["zone_basis"]]],
            f("col.change"): [*changes, *(["–"] * len(labels))],
        }).sort_values(f("col.year"), kind="stable")
        notes = break_notes(f, sorted({int(y) for y in s["year"]}))
        return table(frame, caption=f("trend.caption", name=self.name, n=len(frame)), notes=notes,
                     highlight=[y == str(self.year) for y in frame[f("col.year")]])

    def _opinions(self, years) -> list:
        e = self.data.entities
        rows = e[e["entity_code"] == self.code].set_index("year")
        return [rows["opinion"].get(y) if "opinion" in rows else None for y in years]

    def trend_note(self) -> HTML:
        f = self.f
        fit = trend.fit_trend(self.series, self.year)
        if findings.trend_worth_stating(self.series, self.year) is None:
            return paragraphs(f("trend.too_few", n=fit.n, need=findings.MIN_TREND_POINTS_FINDING))
        return paragraphs(f("finding.trend", slope=f.num(fit.slope, signed=True), low=f.num(fit.ci_low),
                            high=f.num(fit.ci_high), n=fit.n, first=fit.years[0], last=fit.years[-1]))

    def trend_figure(self) -> Image | HTML:
        f, s = self.f, self.series
        if s.empty:
            return HTML("")
        e = self.data.entities
        unplotted = sorted(int(y) for y in e.loc[(e["entity_code"] == self.code) & e["score"].isna(), "year"])
        title = f("chart.trend_title", name=self.name)
        if unplotted:
            title += "\n" + f("chart.trend_unplotted", years=", ".join(map(str, unplotted)))
        fig = plots.trend_figure(s, title, f)
        alt = f("alt.trend", name=self.name, first=int(s["year"].min()), last=int(s["year"].max()), n=len(s),
                year=self.year, score=f.num(self.row["score"]))
        return figure(fig, alt)

    def comparison(self) -> HTML:
        f = self.f
        lines = [rank_sentence(f, r, self.year, self.province) for r in self.ranks]
        for r in self.ranks:
            if r.rank is not None:
                s = compare.standing(self._group(r.set_name), self.code)
                lines.append(f("compare.gaps", set=set_words(f, r.set_name, self.province),
                               best=gap_words(f, s.gap_to_best, "best"),
                               median=gap_words(f, s.gap_to_median, "median")))
        return paragraphs(*lines)

    def _group(self, set_name: str) -> pd.DataFrame:
        """The ranked peers of one set, computed once per report (ranks, tables, chart and conflicts share it)."""
        if set_name not in self._groups:
            self._groups[set_name] = (
                compare.province_peers(self.data.entities, self.year, self.row["province_code"])
                if set_name == "province_kabkota" else compare.type_peers(self.data.entities, self.year, self.kind))
        return self._groups[set_name]

    @cached_property
    def _groups(self) -> dict[str, pd.DataFrame]:
        return {}

    @cached_property
    def _peer_set(self) -> str | None:
        """The set the peers table and chart show: the province's kab/kota if enough, else the national type."""
        for set_name in (["province_kabkota"] if self.kind in PROVINCE_SETS else []) + [f"type.{self.kind}"]:
            if len(self._group(set_name)) >= findings.MIN_COMPARABLE:
                return set_name
        return None

    def peers_table(self) -> HTML:
        if self._peer_set is None:
            return HTML("")
        peers = self._group(self._peer_set)
        caption = f"{set_words(self.f, self._peer_set, self.province)}, {self.year} (n = {len(peers)})"
        return ranking_table(peers, self.f, caption, highlight=self.code, sources=self.data.entity_sources)

    def ranking_figure(self) -> Image | HTML:
        if self._peer_set is None:
            return HTML("")
        f = self.f
        peers = self._group(self._peer_set)
        where = set_words(f, self._peer_set, self.province)
        title = sentence_case(f("chart.rank_title", set=where, year=self.year, n=len(peers)))
        fig = plots.ranking_figure(peers, self.code, title, f)
        return figure(fig, f("alt.ranking", set=where, year=self.year, n=len(peers), name=self.name))

    def national_distribution(self) -> HTML:
        f = self.f
        d = compare.score_distribution(self.data.entities, self.year, self.kind)
        if d["count"] < findings.MIN_COMPARABLE:
            return HTML("")
        where = set_words(f, f"type.{self.kind}")
        frame = pd.DataFrame({f("col.measure"): [f("stat.n"), f("stat.min"), f("stat.median"), f("stat.max")],
                              f("col.score"): [f.int(d["count"]), f.num(d["min"]), f.num(d["50%"]), f.num(d["max"])]})
        return table(frame, caption=f("distribution.caption", set=where, year=self.year, n=f.int(d["count"])))

    def units_table(self) -> HTML:
        f, u = self.f, self.units
        if u.empty:
            return paragraphs(f("units.none", name=self.name, year=self.year))
        grades = [grading.classify(s, y) for s, y in zip(u["score"], u["year"], strict=True)]
        weakest = findings.weakest_unit(u)
        frame = pd.DataFrame({
            f("col.rank"): u["rank"].astype(str),
            f("col.unit"): [n + (" " + f("units.weakest_mark") if w else "") for n, w in
                            zip(u["unit_name"], u["weakest"], strict=True)],
            f("col.score"): [f.num(v) for v in u["score"]],
            f("col.grade"): [grade_short(f, g.category, g.zone, g.opinion) for g in grades],
        })
        return table(frame, caption=f("units.caption", name=self.name, year=self.year, n=len(u)),
                     highlight=[bool(w) for w in u["weakest"]] if weakest else None)

    def units_figure(self) -> Image | HTML:
        if self.units.empty:
            return HTML("")
        f = self.f
        fig = plots.unit_figure(self.units, f("chart.units_title", name=self.name, year=self.year), f)
        return figure(fig, f("alt.units", name=self.name, year=self.year, n=len(self.units)))

    def sources(self) -> HTML:
        e = self.data.entity_sources
        rows = e[e["entity_code"] == self.code].rename(columns={"entity_name": "name"})
        u = self.data.unit_sources
        units = u[u["unit_code"].isin(set(self.units["unit_code"])) & (u["year"] == self.year)]
        return sources_block(self.f, pd.concat([rows[["year", "name", "score", "source_url"]],
                                                units.rename(columns={"unit_name": "name"})[
                                                    ["year", "name", "score", "source_url"]]]))

    def conflicts(self) -> HTML:
        """Every conflict behind a figure of the report: the entity's own (all years of its trend table),
        its units', and those of the peers its ranking table marks with an asterisk (the report's year)."""
        c = self.data.conflicts
        peers = set(self._group(self._peer_set)["entity_code"]) if self._peer_set else set()
        shown = (c["code"].isin({self.code, *self.units["unit_code"]})
                 | (c["code"].isin(peers) & (c["year"] == self.year) & (c["level"] == "entity")))
        return conflicts_table(c[shown], self.f)


def open_entity(entity: str, year: int, lang: str = "id", data_dir: str = "") -> EntityReport:
    """Check the parameters, load the data, resolve the entity: one sentence on any failure."""
    check_parameters(year, lang, data_dir)
    if not isinstance(entity, str):
        raise ReportError(f"entity must be a code or a name, got {entity!r}")
    data = dataset.load(data_dir)
    try:
        code = data.names.match(entity).entity.code
    except NameNotFound as exc:
        raise ReportError(str(exc)) from None
    rows = data.entities[data.entities["entity_code"] == code]
    if rows.empty:
        raise ReportError(f"{data.names.entities[code].label()} has no published score in the data")
    if year not in set(rows["year"]):
        years = ", ".join(str(y) for y in sorted(rows["year"]))
        raise ReportError(f"{rows['entity_name'].iloc[0]} has no published score for {year}; years with data: {years}")
    return EntityReport(data, code, year, lang, data_dir)


# -- province -------------------------------------------------------------------------------------

@dataclass
class ProvinceReport(View):
    data: dataset.Dataset
    code: str
    year: int
    lang: str
    data_dir: str = ""

    SECTIONS = {"map": ("map", ("map", "map_credit")),
                "ranking": ("ranking", ("ranking_table", "ranking_figure")),
                "change": ("change", ("change_table", "slopegraph")),
                "located_units": ("located_units", (("units", "polres"), ("units", "kantor_pertanahan"))),
                "coverage": ("coverage", ("coverage",)),
                "about": (None, ("methodology", "sources"))}

    @property
    def name(self) -> str:
        return str(self.data.names.entities[self.code].name)

    @cached_property
    def pemda(self) -> pd.DataFrame:
        return compare.province_pemda(self.data.entities, self.year, self.code)

    @cached_property
    def kabkota(self) -> pd.DataFrame:
        return compare.province_peers(self.data.entities, self.year, self.code)

    @cached_property
    def _year_rows(self) -> pd.DataFrame:
        """Every pemda row of the province in the year, label-only rows (no published score) included."""
        e = self.data.entities
        return e[(e["year"] == self.year) & (e["province_code"] == self.code)
                 & e["entity_type"].isin(compare.PEMDA_TYPES)]

    @cached_property
    def own(self) -> pd.DataFrame:
        return self._year_rows[self._year_rows["entity_type"] == "provinsi"]

    @cached_property
    def listed(self) -> pd.DataFrame:
        """Kabupaten and kota with a score or a published label."""
        return self._year_rows[self._year_rows["entity_type"].isin(compare.PEER_TYPES)]

    @cached_property
    def label_only(self) -> pd.DataFrame:
        rows = self.listed[self.listed["score"].isna()]
        order = {z: i for i, z in enumerate(grading.ZONES)}
        return rows.assign(_o=rows["zone"].map(order)).sort_values(["_o", "entity_name"]).drop(columns="_o")

    @cached_property
    def previous_year(self) -> int | None:
        e = self.data.entities
        earlier = e[(e["province_code"] == self.code) & (e["year"] < self.year)
                    & e["entity_type"].isin(compare.PEER_TYPES)]["year"]
        return int(earlier.max()) if len(earlier) else None

    def headline(self) -> HTML:
        f = self.f
        items = []
        if not self.own.empty:
            row = self.own.iloc[0]
            items.append(row_finding(f, row, row["entity_name"], self.data.entity_sources))
            if not pd.isna(row["score"]):
                provinces = compare.type_peers(self.data.entities, self.year, "provinsi")
                rank = findings.rank_in(provinces, self.code, "type.provinsi",
                                        findings.assessed_count(self.data.aggregates, self.year, "provinsi"),
                                        sampled_count(self.data.aggregates, self.year, "provinsi"),
                                        findings.label_only_count(self.data.entities, self.year, ("provinsi",)))
                items.append(rank_sentence(f, rank, self.year))
        k = self.kabkota
        if not self.listed.empty:
            counts = self.listed["zone"].value_counts()
            items.append(f("province.zones", n=len(self.listed), total=self._regencies, province=self.name,
                           year=self.year, hijau=int(counts.get("hijau", 0)), kuning=int(counts.get("kuning", 0)),
                           merah=int(counts.get("merah", 0))))
            if len(self.label_only):
                items.append(f("province.label_only", n=len(self.label_only), scored=len(k)))
        items = with_sample(items, sample_sentence(f, self.data.aggregates, self.year))
        if not k.empty:
            if len(k) >= findings.MIN_COMPARABLE:
                best, worst = k.iloc[0], k.iloc[-1]
                items.append(f("province.best_worst", best=best["entity_name"], best_score=f.num(best["score"]),
                               worst=worst["entity_name"], worst_score=f.num(worst["score"])))
        change = self._median_change()
        if change:
            items.append(change)
        return findings_block(f, f("province.title", province=self.name, year=self.year), "",
                              [i for i in items if i][:5])

    def map(self) -> Image:
        """The province's kab/kota coloured by their published label of the year and named, none overlapping."""
        fig, alt = maps.province_map(self.data.entities, self.code, self.year, self.lang,
                                     data_dir=self.data_dir or None)
        return figure(fig, alt)

    def _median_change(self) -> str:
        f = self.f
        if self.previous_year is None:
            return f("finding.no_previous_province", year=self.year)
        if not grading.same_scheme(self.previous_year, self.year):
            return f("province.change_break", from_year=self.previous_year, year=self.year)
        both = self._both
        if both.empty:
            return ""
        diff = both["score"] - both["score_before"]
        return f("province.change", n=len(both), up=int((diff > 0).sum()), from_year=self.previous_year,
                 median=f.num(diff.median(), signed=True))

    @cached_property
    def _regencies(self) -> int:
        r = self.data.regions
        return int(((r["province_code"] == self.code) & r["type"].isin(list(compare.PEER_TYPES))).sum())


    def ranking_table(self) -> HTML:
        f = self.f
        if self.kabkota.empty:
            shown = paragraphs(f("province.no_kabkota", province=self.name, year=self.year))
        elif len(self.kabkota) < findings.MIN_COMPARABLE:
            shown = paragraphs(f("finding.rank_too_few", set=set_words(f, "province_kabkota", self.name),
                                 n=len(self.kabkota), year=self.year, need=findings.MIN_COMPARABLE))
        else:
            caption = f"{set_words(f, 'province_kabkota', self.name)}, {self.year} (n = {len(self.kabkota)})"
            shown = ranking_table(self.kabkota, f, caption, note=sample_sentence(f, self.data.aggregates, self.year),
                                  sources=self.data.entity_sources)
        return HTML(shown.data + self.label_only_table().data)

    def label_only_table(self) -> HTML:
        """Kab/kota published with a label but no score: listed with their zone, never ranked."""
        f, rows = self.f, self.label_only
        if rows.empty:
            return HTML("")
        frame = pd.DataFrame({f("col.entity"): rows["entity_name"].astype(str), f("col.grade"): grades_short(f, rows),
                              f("col.score"): [f("grade.no_score")] * len(rows)})
        return table(frame, caption=f("province.label_only_caption", province=self.name, year=self.year,
                                      n=len(rows)), notes=(f("province.label_only_note"),))

    def ranking_figure(self) -> Image | HTML:
        f = self.f
        if len(self.kabkota) < findings.MIN_COMPARABLE:
            return HTML("")
        where = set_words(f, "province_kabkota", self.name)
        title = sentence_case(f("chart.rank_title", set=where, year=self.year, n=len(self.kabkota)))
        fig = plots.ranking_figure(self.kabkota, None, title, f)
        return figure(fig, f("alt.ranking_province", set=where, year=self.year, n=len(self.kabkota)))

    @cached_property
    def _before(self) -> pd.DataFrame:
        return compare.province_peers(self.data.entities, self.previous_year, self.code)

    @cached_property
    def _both(self) -> pd.DataFrame:
        """Kab/kota scored in both years (computed once: the headline, change table and slopegraph use it)."""
        before = self._before
        return self.kabkota.merge(before[["entity_code", "score"]], on="entity_code", how="inner",
                                  suffixes=("", "_before"))

    def change_table(self) -> HTML:
        f = self.f
        if self.previous_year is None:
            return paragraphs(f("finding.no_previous_province", year=self.year))
        if not grading.same_scheme(self.previous_year, self.year):
            return paragraphs(f("province.change_break", from_year=self.previous_year, year=self.year))
        both = self._both
        frame = pd.DataFrame({
            f("col.entity"): both["entity_name"],
            str(self.previous_year): [f.num(v) for v in both["score_before"]],
            str(self.year): [f.num(v) for v in both["score"]],
            f("col.change"): [f.num(a - b, signed=True) for a, b in zip(both["score"], both["score_before"],
                                                                        strict=True)],
        })
        return table(frame, caption=f("province.change_caption", province=self.name, a=self.previous_year,
                                      b=self.year, n=len(both)))

    def slopegraph(self) -> Image | HTML:
        if self.previous_year is None or not grading.same_scheme(self.previous_year, self.year):
            return HTML("")
        f = self.f
        before = self._before
        n = len(self._both)
        if n == 0:
            return HTML("")
        fig = plots.slopegraph(before, self.kabkota, self.previous_year, self.year,
                               f("chart.slope_title", a=self.previous_year, b=self.year, n=n), f)
        return figure(fig, f("alt.slope", province=self.name, a=self.previous_year, b=self.year, n=n))

    def units(self, unit_type: str) -> HTML:
        f = self.f
        rows = compare.located_units(self.data.units, self.code, self.year, unit_type)
        what = f(f"unit_type.{unit_type}")
        if rows.empty:
            return paragraphs(f("units.none_located", what=what, province=self.name, year=self.year),
                              heading=sentence_case(what), level=3)
        frame = pd.DataFrame({f("col.unit"): rows["unit_name"], f("col.score"): [f.num(v) for v in rows["score"]],
                              f("col.grade"): grades_short(f, rows)})
        return HTML(paragraphs(heading=sentence_case(what), level=3).data
                    + table(frame, caption=f("units.located_caption", what=what, province=self.name,
                                             year=self.year, n=len(rows))).data)

    def coverage(self) -> HTML:
        f = self.f
        lines = [f("province.coverage", have=len(self.listed), total=self._regencies, province=self.name,
                   year=self.year), sample_sentence(f, self.data.aggregates, self.year)]
        for kind in PROVINCE_SETS:
            assessed = findings.assessed_count(self.data.aggregates, self.year, kind)
            have = int((compare.type_peers(self.data.entities, self.year, kind)).shape[0])
            if assessed:
                lines.append(f("coverage.national", have=have, assessed=f.int(assessed), year=self.year,
                               set=set_words(f, f"type.{kind}")))
        conflicts = self.data.conflicts[self.data.conflicts["code"].isin(self._year_rows["entity_code"])
                                        & (self.data.conflicts["year"] == self.year)]
        return HTML(paragraphs(*lines).data + conflicts_table(conflicts, f).data)


    def sources(self) -> HTML:
        e = self.data.entity_sources
        rows = e[e["entity_code"].isin(set(self._year_rows["entity_code"])) & (e["year"] == self.year)]
        u = self.data.unit_sources
        units = self.data.units
        located = units[(units["province_code"] == self.code) & (units["year"] == self.year)
                        & units["unit_type"].isin(["polres", "kantor_pertanahan"])]
        urows = u[u["unit_code"].isin(set(located["unit_code"])) & (u["year"] == self.year)]
        return sources_block(self.f, pd.concat([rows.rename(columns={"entity_name": "name"})[
            ["year", "name", "score", "source_url"]], urows.rename(columns={"unit_name": "name"})[
            ["year", "name", "score", "source_url"]]]))


def open_province(province: str, year: int, lang: str = "id", data_dir: str = "") -> ProvinceReport:
    check_parameters(year, lang, data_dir)
    if not isinstance(province, str):
        raise ReportError(f"province must be a name or a code, got {province!r}")
    data = dataset.load(data_dir)
    try:
        code = data.names.province_code(province)
    except NameNotFound as exc:
        raise ReportError(str(exc)) from None
    report = ProvinceReport(data, code, year, lang, data_dir)
    years = sorted(set(data.entities.loc[data.entities["province_code"] == code, "year"]))
    known = bool(years) or (data.units["province_code"] == code).any() or (data.aggregates["scope_code"] == code).any()
    if report._year_rows.empty and not (known and year in set(data.entities["year"])):  # issue 19: every year
        raise ReportError(f"{report.name} has no published pemda score for {year}; years with data: "
                          f"{', '.join(map(str, years)) or 'none'}")
    return report


# -- national -------------------------------------------------------------------------------------

@dataclass
class NationalReport(View):
    """The published national counts over the years, and one assessment year: its map, tests and spread."""

    SECTIONS = {"map": ("map", ("map", ("map", "provinsi"), "map_credit")),
                "counts": ("counts", ("counts_table", "counts_figure", "green_trend")),
                "by_type": ("by_type", ("by_type_table",)),
                "distribution": ("distribution", ("distribution_table",)),
                "tests": ("tests", ("group_tests",)),
                "panel": ("panel", ("panel",)),
                "transitions": ("transitions", (("transitions", 2022, 2023), ("transitions", 2023, 2024))),
                "about": (None, ("methodology", "sources"))}

    data: dataset.Dataset
    lang: str
    year: int
    data_dir: str = ""

    @cached_property
    def counts(self) -> pd.DataFrame:
        return national.national_counts(self.data.aggregates).dropna(subset=["assessed"])


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
        items.append(self._green_sentence())
        drawn = national.sample(self.data.aggregates, self.year)
        if drawn:
            kinds = ", ".join(f"{f.int(n)} {set_words(f, f'type.{k}')}" for k, n in drawn.by_type.items())
            items.insert(0, f("national.sample", year=drawn.year, n=f.int(drawn.n), kinds=kinds,
                              mean=f.num(drawn.mean)))
        year = self.test_year
        for result in (compare.kota_vs_kabupaten(self.data.entities, year),
                       compare.across_provinces(self.data.entities, year)):
            items.append(self._test_sentence(result, year))
        items.append(f("national.coverage", n=len(self.data.entities), years=self.data.entities["year"].nunique()))
        return findings_block(f, f("national.title", year=self.year), "", items[:5])

    @property
    def test_year(self) -> int:
        """The report's year: the group tests, like the map and the spread, describe that assessment."""
        return self.year

    def map(self, level: str = "kabkota") -> Image:
        """Every kab/kota (or province) coloured by its published label of the year, provinces outlined."""
        fig, alt = maps.national_map(self.data.entities, self.year, level, self.lang,
                                     title=self.f(f"map.title.{level}", year=self.year), data_dir=self.data_dir or None)
        return figure(fig, alt)

    def counts_table(self) -> HTML:
        f = self.f
        c = self.counts
        columns = [m for m in ("assessed", *grading.ZONES, *grading.CATEGORIES) if m in c.columns]
        a = self.data.aggregates
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
        return figure(fig, f("alt.national", first=int(shown.index.min()), last=int(shown.index.max()),
                             n=len(shown)))

    def _green_sentence(self) -> str:
        f = self.f
        fit = national.green_share_trend(national.national_counts(self.data.aggregates))
        if not fit.fitted or fit.n < findings.MIN_TREND_POINTS_FINDING:
            return f("national.green_trend_too_few", n=fit.n, need=findings.MIN_TREND_POINTS_FINDING)
        return f("national.green_trend", slope=f.num(fit.slope, signed=True), low=f.num(fit.ci_low),
                 high=f.num(fit.ci_high), n=fit.n)

    def green_trend(self) -> HTML:
        return paragraphs(self._green_sentence(), self.f("national.green_note"))

    def by_type_table(self) -> HTML:
        f = self.f
        t = national.counts_by_type(self.data.aggregates).reset_index()
        t = t[t["entity_type"].isin(["provinsi", "kabupaten", "kota", "kementerian", "lembaga"])]
        frame = pd.DataFrame({
            f("col.year"): t["year"].astype(str),
            f("col.type"): [set_words(f, f"type.{k}") for k in t["entity_type"]],
            **{f(f"measure.{m}"): [f.int(v) if pd.notna(v) else "–" for v in t[m]]
               for m in ("assessed", *grading.ZONES) if m in t.columns},
        })
        return table(frame, caption=f("national.by_type_caption"))

    def distribution_table(self) -> HTML:
        f = self.f
        rows = []
        e = self.data.entities
        for (year, kind), group in e[e["year"] == self.year].groupby(["year", "entity_type"], sort=True):
            scored = int(group["score"].notna().sum())
            if not scored:
                continue  # label-only: no score to spread; said in the note below the table
            rows.append({f("col.year"): str(year), f("col.type"): set_words(f, f"type.{kind}"),
                         f("stat.n_scored"): f.int(scored), f("stat.label_only"): f.int(len(group) - scored),
                         f("stat.min"): f.num(group["score"].min()),
                         f("stat.median"): f.num(group["score"].median()), f("stat.max"): f.num(group["score"].max())})
        unscored = e[(e["year"] == self.year)].groupby("entity_type")["score"].count()
        only_labels = [set_words(f, f"type.{k}") for k, n in unscored.items() if n == 0]
        notes = (f("national.distribution_labels_only", types=", ".join(only_labels), year=self.year),
                 ) if only_labels else ()
        return table(pd.DataFrame(rows), caption=f("national.distribution_caption", year=self.year), notes=notes)

    def _test_sentence(self, result: compare.GroupTest, year: int) -> str:
        f = self.f
        names = {c: e.name for c, e in self.data.names.entities.items() if "." not in c}
        names.update({"kota": set_words(f, "type.kota"), "kabupaten": set_words(f, "type.kabupaten")})
        meaning = findings.group_test_meaning(result, year, self.data.entities, names)
        if meaning is None:
            key = "test.refused_kota" if result.name.startswith("Mann") else "test.refused_provinces"
            return f(key, year=year, need=compare.MIN_GROUP_SIZE)
        groups = ", ".join(f("test.group", name=g, n=n, median=f.num(m)) for g, n, m in meaning.groups)
        key = f"test.{meaning.name}.{'differ' if meaning.significant else 'same'}"
        return f(key, year=year, groups=groups, p=f.p_value(meaning.p_value), effect=f.num(meaning.effect),
                 size=f(f"effect.{meaning.size}"))

    def group_tests(self, year: int | None = None) -> HTML:
        year = year or self.test_year
        return paragraphs(*(self._test_sentence(r, year) for r in (
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

    def transitions(self, from_year: int, to_year: int) -> HTML:
        f = self.f
        matrix = national.transitions(self.data.entities, from_year, to_year)
        kind = "category" if from_year >= 2022 else "zone"
        labels = {v: f(f"{kind}.{v}.short") for v in [*matrix.index, *matrix.columns]}
        frame = pd.DataFrame({f("transition.corner", a=from_year, b=to_year): [labels[v] for v in matrix.index],
                              **{labels[c]: [str(int(v)) for v in matrix[c]] for c in matrix.columns}})
        return table(frame, caption=f("transition.caption", a=from_year, b=to_year, n=int(matrix.to_numpy().sum())))

    #: The national figures the page shows: per year for all bodies, per year and type, and the sample.
    SHOWN_TYPES = ("all", "provinsi", "kabupaten", "kota", "kementerian", "lembaga")

    def _shown_aggregates(self) -> pd.DataFrame:
        """The published national rows behind a figure of this page (and no others)."""
        a = self.data.aggregates
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


def open_national(year: int, lang: str = "id", data_dir: str = "") -> NationalReport:
    """Check the parameters and load the data; a year without published results is one sentence."""
    check_parameters(year, lang, data_dir)
    data = dataset.load(data_dir)
    years = sorted({int(y) for y in data.entities["year"]})
    if year not in years:
        raise ReportError(f"no published result for {year} in the data; years with data: {', '.join(map(str, years))}")
    return NationalReport(data, lang, year, data_dir)


# -- several entities side by side ------------------------------------------------------------------

@dataclass
class ComparisonReport(View):
    data: dataset.Dataset
    codes: tuple[str, ...]
    first_year: int
    last_year: int
    lang: str


    @cached_property
    def rows(self) -> pd.DataFrame:
        e = self.data.entities
        chosen = e[e["entity_code"].isin(self.codes) & e["year"].between(self.first_year, self.last_year)]
        return chosen.sort_values(["entity_code", "year"]).reset_index(drop=True)

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
        return figure(fig, f("alt.series", n=self.rows["entity_code"].nunique()))


def open_comparison(entities: list[str], first_year: int, last_year: int, lang: str = "id",
                    data_dir: str = "") -> ComparisonReport:
    """Several entities by code or any spelling over a year range; one sentence on a bad parameter."""
    if lang not in LANGS:
        raise ReportError(f"lang must be 'id' or 'en', got {lang!r}")
    if not isinstance(entities, list) or not entities or not all(isinstance(e, str) for e in entities):
        raise ReportError(f"entities must be a list of codes or names, got {entities!r}")
    for year in (first_year, last_year):
        if isinstance(year, bool) or not isinstance(year, int):
            raise ReportError(f"years must be whole numbers such as 2024, got {year!r}")
    if first_year > last_year:
        raise ReportError(f"first_year {first_year} is after last_year {last_year}")
    data = dataset.load(data_dir)
    codes = []
    for entity in entities:
        try:
            codes.append(data.names.match(entity).entity.code)
        except NameNotFound as exc:
            raise ReportError(str(exc)) from None
    return ComparisonReport(data, tuple(dict.fromkeys(codes)), first_year, last_year, lang)


def export_table(frame: pd.DataFrame, stem: str, folder: str = "") -> list[str]:
    """Write `frame` as CSV (UTF-8) and XLSX next to each other; returns the file names written."""
    import tempfile
    from pathlib import Path

    target = Path(folder or tempfile.gettempdir())
    target.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target / f"{stem}.csv", index=False, encoding="utf-8")
    frame.to_excel(target / f"{stem}.xlsx", index=False)
    return [f"{stem}.csv", f"{stem}.xlsx"]
