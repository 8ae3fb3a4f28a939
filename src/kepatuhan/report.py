"""What the notebooks show: parameter checks, localised tables, figures and text, all escaped.

Notebooks call these and display the results; everything computed comes from trend, compare and
national, so tests reach it. Strings from data go through html.escape before they reach HTML.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from babel.numbers import format_decimal
from IPython.display import HTML, Image

from . import compare, dataset, grading, national, plots, trend
from .names import NameNotFound

LANGS = ("id", "en")
LOCALES = {"id": "id_ID", "en": "en_US"}

TEXT = {
    "id": {
        "score": "Nilai", "zone": "Zona", "category": "Kategori", "opinion": "Opini", "year": "Tahun",
        "change": "Perubahan", "rank": "Peringkat", "entity": "Entitas", "type": "Jenis",
        "province": "Provinsi", "unit": "Unit layanan", "source": "Sumber", "values": "Nilai berbeda",
        "chosen": "Dipakai", "rule": "Aturan", "basis": "Dasar zona", "weakest": "terlemah",
        "of": "dari", "with_data": "entitas dengan data", "percentile": "persentil",
        "gap_best": "selisih dengan terbaik", "gap_median": "selisih dengan median",
        "headline": "{name}: nilai {score} pada {year}, zona {zone}",
        "category_line": "kategori {category} ({opinion})",
        "change_line": "{change} poin dibanding {from_year} ({previous})",
        "break_note": "melintasi pergantian metode 2021→2022: tidak sebanding langsung",
        "no_previous": "belum ada nilai tahun sebelumnya dalam data",
        "trend_title": "Nilai {name} per tahun", "break": "pergantian metode",
        "slope": "Tren {scheme}: {slope} poin/tahun (IK 95% {low} s.d. {high}; n = {n})",
        "rank_title": "Peringkat {group} {year}", "units_title": "Unit layanan {name} {year}",
        "no_units": "Tidak ada nilai unit layanan yang dipublikasikan untuk {name} pada {year}.",
        "national_title": "Hasil nasional per zona", "share": "Persentase entitas (%)",
        "conflict_none": "Tidak ada perbedaan antar-sumber untuk angka yang ditampilkan.",
        "conflict_mark": "* sumber mencetak nilai berbeda; nilai yang dipakai dipilih menurut aturan "
                         "di bagian konflik.",
        "inferred": "disimpulkan", "published": "dipublikasikan", "computed": "dihitung",
        "coverage": "Cakupan sebagian: peringkat dibuat di antara {n} entitas dengan data, bukan seluruh "
                    "{total} yang dinilai Ombudsman.",
        "method": "Tahun adalah tahun penilaian. Zona 2021: hijau ≥ 81,00; kuning 51,00–80,99; merah ≤ 50,99. "
                  "2022–2024: A ≥ 88,00; B 78,00–87,99; C 54,00–77,99; D 32,00–53,99; E ≤ 31,99 "
                  "(A, B hijau; C kuning; D, E merah). Sebelum 2021 ambang batas tidak dipublikasikan: zona "
                  "yang dihitung ditandai ‘disimpulkan’. Metode berganti pada 2022, sehingga tren hanya "
                  "dihitung dalam satu skema. Bila sumber berbeda, dipakai: label yang konsisten, lalu situs "
                  "Ombudsman, lalu mayoritas, lalu nilai terendah (ditandai belum terselesaikan).",
        "no_slope": "Tren: belum cukup tahun yang sebanding ({n} dari {need} dalam skema {scheme}).",
        "panel": "Model panel (MixedLM, intersep acak per entitas, {years}): {est} poin/tahun "
                 "(IK 95% {low} s.d. {high}); {n} entitas, {obs} pengamatan.",
        "green_trend": "Tren porsi zona hijau {scheme}: {slope} poin persentase/tahun (IK 95% {low} s.d. {high}).",
        "refused": "{name} tidak dihitung: {reason}.",
        "test": "{name} = {stat}, p = {p}, {effect_name} = {effect} (n: {n})",
        "slope_title": "Perubahan {a}→{b}",
    },
    "en": {
        "score": "Score", "zone": "Zone", "category": "Category", "opinion": "Opinion", "year": "Year",
        "change": "Change", "rank": "Rank", "entity": "Entity", "type": "Type", "province": "Province",
        "unit": "Service unit", "source": "Source", "values": "Differing values", "chosen": "Used",
        "rule": "Rule", "basis": "Zone basis", "weakest": "weakest", "of": "of",
        "with_data": "entities with data", "percentile": "percentile", "gap_best": "gap to the best",
        "gap_median": "gap to the median",
        "headline": "{name}: score {score} in {year}, zona {zone}",
        "category_line": "kategori {category} ({opinion})",
        "change_line": "{change} points against {from_year} ({previous})",
        "break_note": "crosses the 2021→2022 change of method: not directly comparable",
        "no_previous": "no earlier score in the data",
        "trend_title": "Score of {name} by year", "break": "change of method",
        "slope": "Trend {scheme}: {slope} points/year (95% CI {low} to {high}; n = {n})",
        "rank_title": "Ranking {group} {year}", "units_title": "Service units of {name}, {year}",
        "no_units": "No service-unit scores were published for {name} in {year}.",
        "national_title": "National results by zone", "share": "Share of entities (%)",
        "conflict_none": "No disagreement between sources for the figures shown.",
        "conflict_mark": "* sources print different values; the one used is chosen by the rule in the "
                         "conflicts section.",
        "inferred": "inferred", "published": "published", "computed": "computed",
        "coverage": "Partial coverage: ranks are among {n} entities with data, not all {total} the "
                    "Ombudsman assessed.",
        "method": "Years are assessment years. Zones in 2021: hijau ≥ 81.00; kuning 51.00–80.99; merah ≤ 50.99. "
                  "2022–2024: A ≥ 88.00; B 78.00–87.99; C 54.00–77.99; D 32.00–53.99; E ≤ 31.99 "
                  "(A, B hijau; C kuning; D, E merah). Before 2021 the bands were not published: computed "
                  "zones are marked ‘inferred’. The method changed in 2022, so trends are fitted within one "
                  "scheme only. Where sources disagree: the label-consistent value, then the Ombudsman's "
                  "site, then the majority, then the lowest value (flagged unresolved).",
        "no_slope": "Trend: not enough comparable years ({n} of {need} within the {scheme} scheme).",
        "panel": "Panel model (MixedLM, random intercept per entity, {years}): {est} points/year "
                 "(95% CI {low} to {high}); {n} entities, {obs} observations.",
        "green_trend": "Trend of the green share {scheme}: {slope} percentage points/year "
                       "(95% CI {low} to {high}).",
        "refused": "{name} not computed: {reason}.",
        "test": "{name} = {stat}, p = {p}, {effect_name} = {effect} (n: {n})",
        "slope_title": "Change {a}→{b}",
    },
}
TYPE_NAMES = {
    "id": {"provinsi": "provinsi", "kabupaten": "kabupaten", "kota": "kota", "kementerian": "kementerian",
           "lembaga": "lembaga"},
    "en": {"provinsi": "provinces", "kabupaten": "regencies (kabupaten)", "kota": "cities (kota)",
           "kementerian": "ministries", "lembaga": "agencies"},
}
#: Entities assessed per type in 2021–2024 (national releases), for the coverage note.
ASSESSED_PER_TYPE = {"provinsi": 34, "kabupaten": 416, "kota": 98, "kementerian": 25, "lembaga": 14}


class ReportError(ValueError):
    """A parameter a report cannot use; the message is one sentence for the reader."""


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


class Formatter:
    def __init__(self, lang: str):
        self.lang, self.locale, self.t = lang, LOCALES[lang], TEXT[lang]

    def num(self, value, signed: bool = False) -> str:
        if value is None or pd.isna(value):
            return "–"
        pattern = "+0.00;-0.00" if signed else "0.00"
        return format_decimal(value, format=pattern, locale=self.locale)

    def int(self, value) -> str:
        return format_decimal(int(value), format="#,##0", locale=self.locale)

    def text(self, key: str, **values) -> str:
        return self.t[key].format(**values)


def _html(*paragraphs: str) -> HTML:
    return HTML("".join(f"<p>{p}</p>" for p in paragraphs))


def table(frame: pd.DataFrame) -> HTML:
    """A plain escaped HTML table, no index and no random ids, so outputs stay byte-stable."""
    return HTML(frame.to_html(index=False, escape=True, border=0, classes="kp-table", na_rep="–"))


def figure(fig) -> Image:
    return Image(data=plots.to_png(fig), format="png")


@dataclass
class EntityReport:
    data: dataset.Dataset
    code: str
    year: int
    lang: str

    @cached_property
    def f(self) -> Formatter:
        return Formatter(self.lang)

    @cached_property
    def series(self) -> pd.DataFrame:
        return trend.entity_series(self.data.entities, self.code)

    @cached_property
    def row(self) -> pd.Series:
        return self.data.entities[(self.data.entities["entity_code"] == self.code)
                                  & (self.data.entities["year"] == self.year)].iloc[0]

    @property
    def name(self) -> str:
        return str(self.row["entity_name"])

    def headline(self) -> HTML:
        f, row = self.f, self.row
        parts = [html.escape(f.text("headline", name=self.name, score=f.num(row["score"]), year=self.year,
                                    zone=row["zone"]))]
        if isinstance(row["category"], str):
            parts.append(html.escape(f.text("category_line", category=row["category"], opinion=row["opinion"])))
        change = trend.change_against_previous(self.series, self.year)
        if change:
            previous = self.series.set_index("year").loc[change["from_year"], "score"]
            line = f.text("change_line", change=f.num(change["change"], signed=True), from_year=change["from_year"],
                          previous=f.num(previous))
            if change["across_break"]:
                line += "; " + f.text("break_note")
            parts.append(html.escape(line))
        else:
            parts.append(html.escape(f.text("no_previous")))
        return HTML(f"<h2>{parts[0]}</h2><p>{'<br>'.join(parts[1:])}</p>")

    def trend_table(self) -> HTML:
        f, t = self.f, self.f.t
        s = self.series
        frame = pd.DataFrame({
            t["year"]: s["year"].astype(str),
            t["score"]: [f.num(v) for v in s["score"]],
            t["zone"]: s["zone"],
            t["category"]: s["category"].fillna("–"),
            t["basis"]: [t[b] for b in s["zone_basis"]],
            t["change"]: [f.num(v, signed=True) + (" ⚠" if b else "") for v, b in zip(s["change"], s["across_break"],
                                                                                        strict=True)],
        })
        return table(frame)

    def trend_note(self) -> HTML:
        fit = trend.fit_trend(self.series, self.year)
        f = self.f
        if not fit.fitted:
            return _html(html.escape(f.text("no_slope", n=fit.n, need=trend.MIN_TREND_POINTS, scheme=fit.scheme)))
        return _html(html.escape(f.text("slope", scheme=fit.scheme, slope=f.num(fit.slope, signed=True),
                                        low=f.num(fit.ci_low), high=f.num(fit.ci_high), n=fit.n)))

    def trend_figure(self) -> Image:
        return figure(plots.trend_figure(self.series, self.f.text("trend_title", name=self.name), self.f.t["break"],
                                         self.f.t["score"]))

    def _peers(self) -> pd.DataFrame:
        return compare.province_pemda(self.data.entities, self.year, self.row["province_code"]) \
            if self.row["entity_type"] in compare.PEMDA_TYPES else \
            compare.type_peers(self.data.entities, self.year, self.row["entity_type"])

    def comparison(self) -> HTML:
        f, t, row = self.f, self.f.t, self.row
        lines = []
        groups = []
        if row["entity_type"] in compare.PEMDA_TYPES:
            groups.append((row["province_name"], self._peers()))
        groups.append((TYPE_NAMES[self.lang][row["entity_type"]],
                       compare.type_peers(self.data.entities, self.year, row["entity_type"])))
        for label, group in groups:
            s = compare.standing(group, self.code)
            lines.append(html.escape(
                f"{label}: {t['rank']} {s.rank} {t['of']} {s.n} {t['with_data']}; {t['percentile']} "
                f"{f.num(s.percentile)}; {t['gap_best']} {f.num(s.gap_to_best, signed=True)}; "
                f"{t['gap_median']} {f.num(s.gap_to_median, signed=True)}"))
        total = ASSESSED_PER_TYPE.get(row["entity_type"])
        if total:
            n = len(groups[-1][1])
            lines.append(html.escape(f.text("coverage", n=n, total=total)))
        return _html(*lines)

    def peers_table(self) -> HTML:
        return ranking_table(self._peers(), self.f, highlight=self.code)

    def ranking_figure(self) -> Image:
        peers = self._peers()
        group = self.row["province_name"] if self.row["entity_type"] in compare.PEMDA_TYPES else \
            TYPE_NAMES[self.lang][self.row["entity_type"]]
        return figure(plots.ranking_figure(peers, self.code, self.f.text("rank_title", group=group, year=self.year),
                                           self.f.t["score"]))

    def national_distribution(self) -> HTML:
        described = compare.score_distribution(self.data.entities, self.year, self.row["entity_type"])
        f = self.f
        frame = pd.DataFrame({"": ["n", "min", "median", "max"],
                              self.f.t["score"]: [f.int(described["count"]), f.num(described["min"]),
                                                  f.num(described["50%"]), f.num(described["max"])]})
        return table(frame)

    @cached_property
    def units(self) -> pd.DataFrame:
        return compare.unit_ranking(self.data.units, self.code, self.year)

    def units_table(self) -> HTML:
        if self.units.empty:
            return _html(html.escape(self.f.text("no_units", name=self.name, year=self.year)))
        f, t = self.f, self.f.t
        u = self.units
        grades = [grading.classify(s, y) for s, y in zip(u["score"], u["year"], strict=True)]
        frame = pd.DataFrame({
            t["rank"]: u["rank"].astype(str),
            t["unit"]: u["unit_name"] + ["" if not w else f" ({t['weakest']})" for w in u["weakest"]],
            t["score"]: [f.num(v) for v in u["score"]],
            t["category"]: [g.category or "–" for g in grades],
            t["zone"]: [g.zone for g in grades],
        })
        return table(frame)

    def units_figure(self) -> Image | HTML:
        if self.units.empty:
            return HTML("")
        return figure(plots.unit_figure(self.units, self.f.text("units_title", name=self.name, year=self.year),
                                        self.f.t["score"]))

    def sources(self) -> HTML:
        t = self.f.t
        e = self.data.entity_sources
        rows = e[e["entity_code"] == self.code]
        unit_codes = set(self.units["unit_code"]) if not self.units.empty else set()
        u = self.data.unit_sources
        urows = u[u["unit_code"].isin(unit_codes) & (u["year"] == self.year)]
        frame = pd.concat([
            pd.DataFrame({t["year"]: rows["year"].astype(str), t["entity"]: self.name,
                          t["score"]: [self.f.num(v) for v in rows["score"]], t["source"]: rows["source_url"]}),
            pd.DataFrame({t["year"]: urows["year"].astype(str), t["entity"]: urows["unit_name"],
                          t["score"]: [self.f.num(v) for v in urows["score"]], t["source"]: urows["source_url"]}),
        ])
        return table(frame)

    def conflicts(self) -> HTML:
        codes = {self.code, *self.units["unit_code"]} if not self.units.empty else {self.code}
        return conflicts_table(self.data.conflicts[self.data.conflicts["code"].isin(codes)], self.f)

    def methodology(self) -> HTML:
        return _html(html.escape(self.f.t["method"]))


def ranking_table(group: pd.DataFrame, f: Formatter, highlight: str | None = None) -> HTML:
    t = f.t
    frame = pd.DataFrame({
        t["rank"]: group["rank"].astype(str),
        t["entity"]: [n + (" ◀" if c == highlight else "") for n, c in zip(group["entity_name"], group["entity_code"],
                                                                            strict=True)],
        t["score"]: [f.num(v) + (" *" if r else "") for v, r in zip(group["score"], group["conflict_rule"],
                                                                     strict=True)],
        t["zone"]: group["zone"],
        t["category"]: group["category"].fillna("–"),
    })
    if not group["conflict_rule"].astype(bool).any():
        return table(frame)
    return HTML(table(frame).data + f'<p class="kp-note">{html.escape(t["conflict_mark"])}</p>')


def conflicts_table(conflicts: pd.DataFrame, f: Formatter) -> HTML:
    if conflicts.empty:
        return _html(html.escape(f.t["conflict_none"]))
    t = f.t
    frame = pd.DataFrame({
        t["year"]: conflicts["year"].astype(str), t["entity"]: conflicts["name"],
        t["values"]: conflicts["values"], t["chosen"]: conflicts["chosen"], t["rule"]: conflicts["rule"],
    })
    return table(frame)


def _scored(data: dataset.Dataset) -> dataset.Dataset:
    """Until the report layer shows label-only rows (issue 9), it sees the scored rows only."""
    from dataclasses import replace

    return replace(data, entities=data.entities[data.entities["score"].notna()].reset_index(drop=True))


def open_entity(entity: str, year: int, lang: str = "id", data_dir: str = "") -> EntityReport:
    """Check the parameters, load the data, resolve the entity: one sentence on any failure."""
    check_parameters(year, lang, data_dir)
    if not isinstance(entity, str):
        raise ReportError(f"entity must be a code or a name, got {entity!r}")
    data = _scored(dataset.load(data_dir))
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
    return EntityReport(data, code, year, lang)


@dataclass
class ProvinceReport:
    data: dataset.Dataset
    code: str
    year: int
    lang: str

    @cached_property
    def f(self) -> Formatter:
        return Formatter(self.lang)

    @property
    def name(self) -> str:
        return str(self.data.names.entities[self.code].name)

    @cached_property
    def pemda(self) -> pd.DataFrame:
        return compare.province_pemda(self.data.entities, self.year, self.code)

    def headline(self) -> HTML:
        counts = self.pemda["zone"].value_counts()
        zones = ", ".join(f"{zone} {int(counts.get(zone, 0))}" for zone in grading.ZONES)
        t = self.f.t
        title = html.escape(f"{t['province']} {self.name} {self.year}")
        line = html.escape(f"{len(self.pemda)} {t['with_data']} — {t['zone']}: {zones}")
        return HTML(f"<h2>{title}</h2><p>{line}</p>")

    def ranking_table(self) -> HTML:
        return ranking_table(self.pemda, self.f)

    def ranking_figure(self) -> Image:
        return figure(plots.ranking_figure(self.pemda, None, self.f.text("rank_title", group=self.name,
                                                                          year=self.year), self.f.t["score"]))

    @cached_property
    def previous_year(self) -> int | None:
        earlier = self.data.entities[(self.data.entities["province_code"] == self.code)
                                     & (self.data.entities["year"] < self.year)]["year"]
        return int(earlier.max()) if len(earlier) else None

    def change_table(self) -> HTML:
        if self.previous_year is None:
            return _html(html.escape(self.f.t["no_previous"]))
        f, t = self.f, self.f.t
        before = compare.province_pemda(self.data.entities, self.previous_year, self.code)
        both = self.pemda.merge(before[["entity_code", "score"]], on="entity_code", how="left",
                                suffixes=("", "_before"))
        across = not grading.same_scheme(self.previous_year, self.year)
        frame = pd.DataFrame({
            t["entity"]: both["entity_name"],
            str(self.previous_year): [f.num(v) for v in both["score_before"]],
            str(self.year): [f.num(v) for v in both["score"]],
            t["change"]: [f.num(a - b, signed=True) + (" ⚠" if across else "") if pd.notna(b) else "–"
                          for a, b in zip(both["score"], both["score_before"], strict=True)],
        })
        return table(frame)

    def slopegraph(self) -> Image | HTML:
        if self.previous_year is None:
            return HTML("")
        before = compare.province_pemda(self.data.entities, self.previous_year, self.code)
        return figure(plots.slopegraph(before, self.pemda, self.previous_year, self.year,
                                       self.f.text("slope_title", a=self.previous_year, b=self.year)))

    def units(self, unit_type: str) -> HTML:
        rows = compare.located_units(self.data.units, self.code, self.year, unit_type)
        if rows.empty:
            return _html(html.escape(f"{unit_type}: –"))
        f, t = self.f, self.f.t
        frame = pd.DataFrame({t["unit"]: rows["unit_name"], t["score"]: [f.num(v) for v in rows["score"]],
                              t["zone"]: rows["zone"], t["category"]: rows["category"].fillna("–")})
        return table(frame)

    def coverage(self) -> HTML:
        regencies = self.data.regions[(self.data.regions["province_code"] == self.code)
                                      & self.data.regions["type"].isin(["kabupaten", "kota"])]
        have = self.pemda["entity_type"].isin(["kabupaten", "kota"]).sum()
        text = {"id": f"Cakupan: {have} dari {len(regencies)} kabupaten/kota di {self.name} punya nilai "
                      f"{self.year} dalam data.",
                "en": f"Coverage: {have} of the {len(regencies)} regencies and cities of {self.name} have a "
                      f"{self.year} score in the data."}[self.lang]
        conflicts = self.data.conflicts[self.data.conflicts["code"].isin(self.pemda["entity_code"])
                                        & (self.data.conflicts["year"] == self.year)]
        return HTML(_html(html.escape(text)).data + conflicts_table(conflicts, self.f).data)


def open_province(province: str, year: int, lang: str = "id", data_dir: str = "") -> ProvinceReport:
    check_parameters(year, lang, data_dir)
    if not isinstance(province, str):
        raise ReportError(f"province must be a name or a code, got {province!r}")
    data = _scored(dataset.load(data_dir))
    try:
        code = data.names.province_code(province)
    except NameNotFound as exc:
        raise ReportError(str(exc)) from None
    report = ProvinceReport(data, code, year, lang)
    if report.pemda.empty:
        years = sorted(set(data.entities.loc[data.entities["province_code"] == code, "year"]))
        raise ReportError(f"{report.name} has no published pemda score for {year}; years with data: "
                          f"{', '.join(map(str, years)) or 'none'}")
    return report


@dataclass
class NationalReport:
    data: dataset.Dataset
    lang: str

    @cached_property
    def f(self) -> Formatter:
        return Formatter(self.lang)

    @cached_property
    def counts(self) -> pd.DataFrame:
        return national.national_counts(self.data.aggregates)

    def counts_table(self) -> HTML:
        c = self.counts.dropna(subset=["assessed"])
        frame = c.reset_index().astype(str).replace("<NA>", "–")
        frame.columns = [self.f.t["year"], *frame.columns[1:]]
        return table(frame)

    def counts_figure(self) -> Image:
        return figure(plots.national_figure(self.counts.dropna(subset=["assessed"]), self.f.t["national_title"],
                                            self.f.t["share"]))

    def green_trend(self) -> HTML:
        fit = national.green_share_trend(self.counts)
        f = self.f
        if not fit.fitted:
            return _html(html.escape(f.text("no_slope", n=fit.n, need=trend.MIN_TREND_POINTS, scheme=fit.scheme)))
        return _html(html.escape(f.text("green_trend", scheme=fit.scheme, slope=f.num(fit.slope, signed=True),
                                        low=f.num(fit.ci_low), high=f.num(fit.ci_high))))

    def by_type_table(self) -> HTML:
        frame = national.counts_by_type(self.data.aggregates).reset_index().astype(str).replace("<NA>", "–")
        return table(frame)

    def distribution_table(self) -> HTML:
        e = self.data.entities
        rows = []
        for (year, kind), group in e.groupby(["year", "entity_type"], sort=True):
            rows.append({self.f.t["year"]: str(year), self.f.t["type"]: kind, "n": str(len(group)),
                         "min": self.f.num(group["score"].min()), "median": self.f.num(group["score"].median()),
                         "max": self.f.num(group["score"].max())})
        return table(pd.DataFrame(rows))

    def panel(self) -> HTML:
        result = national.panel_model(self.data.entities)
        f = self.f
        if result.reason:
            return _html(html.escape(f.text("refused", name="MixedLM", reason=result.reason)))
        years = f"{result.years[0]}–{result.years[-1]}"
        return _html(html.escape(f.text("panel", years=years, est=f.num(result.estimate, signed=True),
                                        low=f.num(result.ci_low), high=f.num(result.ci_high),
                                        n=result.n_entities, obs=result.n_observations)))

    def transitions(self, from_year: int, to_year: int) -> HTML:
        matrix = national.transitions(self.data.entities, from_year, to_year)
        frame = matrix.reset_index().astype(str)
        frame.columns = [f"{from_year} → {to_year}", *matrix.columns.astype(str)]
        return table(frame)

    def group_tests(self, year: int) -> HTML:
        f = self.f
        lines = []
        for result in (compare.kota_vs_kabupaten(self.data.entities, year),
                       compare.across_provinces(self.data.entities, year)):
            n = ", ".join(f"{k} {v}" for k, v in result.n.items())
            if not result.done:
                lines.append(f.text("refused", name=result.name, reason=result.reason))
            else:
                lines.append(f.text("test", name=result.name, stat=f.num(result.statistic),
                                    p=format_decimal(result.p_value, format="0.0000", locale=f.locale),
                                    effect_name=result.effect_name, effect=f.num(result.effect), n=n))
        return _html(*(html.escape(line) for line in lines))


def open_national(lang: str = "id", data_dir: str = "") -> NationalReport:
    check_parameters(2024, lang, data_dir)
    return NationalReport(_scored(dataset.load(data_dir)), lang)
