"""Every catalogue key built at run time exists in both languages, for every value that can reach it.

A key such as f"category.{v}.short" is only as good as the values `v` takes: a missing one is a KeyError
in a report (`transitions(2024, 2025)` once raised `KeyError: 'category.hijau.short'`). The values are
enumerated from the scheme table, the reference data and the shipped data; and every key template in the
code must be listed here, so a new one cannot slip in unenumerated.
"""

import re
from pathlib import Path

import pytest

from kepatuhan import findings, geometry, grading, maps, messages, names, selection
from kepatuhan.build import KINDS
from kepatuhan.navigation import RANKED_TYPES
from kepatuhan.report.national import transition_kind

SRC = Path(__file__).resolve().parents[1] / "src" / "kepatuhan"
#: The columns of the coverage table on the methodology page.
COVERAGE_COLUMNS = ("year", "type", "scored", "label_only", "with_data", "published", "basis", "share")
#: f-strings (and Jinja `~` joins) handed to the Formatter: f("…{x}…"), f.has(f"…"), self.f(f"…").
DYNAMIC = re.compile(r'\bf(?:\.has)?\(f"([^"]*\{[^"]*)"')
TEMPLATE_JOIN = re.compile(r'\bf\("([a-z_.]+)" ~ ')


def _values(data):
    e, u, a = data.entities, data.units, data.aggregates
    schemes = grading.default_schemes()
    bands = [b for s in schemes.schemes for bs in s.band_sets for b in bs.bands]
    present = lambda column, *tables: {v for t in tables for v in t[column].dropna() if v != ""}  # noqa: E731
    zones = set(grading.ZONES) | present("zone", e, u) | {b.zone for b in bands}
    categories = set(grading.CATEGORIES) | present("category", e, u) | {b.category for b in bands if b.category}
    opinions = present("opinion", e) | {b.opinion for b in bands if b.opinion}
    years = schemes.years
    kinds = {maps.label_kind(y) for y in years} | {"zone"}
    types = set(names.ENTITY_TYPES) | present("entity_type", e)
    shown_measures = {"assessed", "sampled", "mean_score"} & present("measure", a)
    pairs = [(x, y) for x in years for y in years if x < y and grading.same_scheme(x, y)]
    return {
        "zone": zones, "category": categories, "opinion": opinions, "kind": kinds, "type": types,
        "basis": set(grading.BASES) | present("zone_basis", e, u), "flag": set(grading.FLAGS),
        "measure": {"assessed", *grading.ZONES, *grading.CATEGORIES},  # the counted columns of the tables
        "source_measure": shown_measures, "level": set(geometry.LEVELS), "lang": set(messages.LANGS),
        "unit_type": set(selection.LOCATED_UNIT_TYPES), "rule": present("rule", data.conflicts),
        "effect": {findings.effect_size(x, n) for n in ("rank-biserial r", "epsilon²")
                   for x in (0.0, 0.05, 0.2, 0.4, 0.9)},
        "transition": {transition_kind(x, y) for x, y in pairs},
        "set": {"province_kabkota", *(f"type.{t}" for t in types)},
        "term": {"zone", "category", "rank", "percentile", "interval", "p", "pemda", "unit"},
        "report_kind": set(KINDS), "headline_measure": {"assessed", "sampled"},
    }


def _keys(values) -> dict[str, set[str]]:
    """{key template as written in the code: every key it can build}."""
    v = values
    label_short = {f"category.{c}.short" for c in v["category"]} | {f"zone.{z}.short" for z in v["zone"]}
    return {
        "category.{v}.short": {f"category.{c}.short" for c in v["category"]},
        "category.{label}.short": {f"category.{c}.short" for c in v["category"]},
        "category.{category}.short": {f"category.{c}.short" for c in v["category"]},
        "category.{band.category}.first": {f"category.{c}.first" for c in v["category"]},
        "category.{measure}": {f"category.{c}" for c in v["category"]},
        "zone.{label}.short": {f"zone.{z}.short" for z in v["zone"]},
        "zone.{zone}.short": {f"zone.{z}.short" for z in v["zone"]},
        "zone.{band.zone}.short": {f"zone.{z}.short" for z in v["zone"]},
        "zone.{grading.ZONE_OF_CATEGORY[category]}.short": {f"zone.{grading.ZONE_OF_CATEGORY[c]}.short"
                                                            for c in grading.CATEGORIES},
        "zone.{measure}": {f"zone.{z}" for z in v["zone"]},
        "{kind}.{v}.short": label_short,
        "opinion.{label}.short": {f"opinion.{o}.short" for o in v["opinion"]},
        "opinion.{opinion}.short": {f"opinion.{o}.short" for o in v["opinion"]},
        "opinion.{opinion}": {f"opinion.{o}" for o in v["opinion"]},
        "opinion.{band.opinion}": {f"opinion.{o}" for o in v["opinion"]},
        "map.kind.{own_kind}": {f"map.kind.{k}" for k in v["kind"]},
        "map.legend.{kind}": {f"map.legend.{k}" for k in v["kind"]},
        "map.unit.{level}": {f"map.unit.{x}" for x in v["level"]},
        "map.title.{level}": {f"map.title.{x}" for x in v["level"]},
        "method.basis.{basis}": {f"method.basis.{b.basis}" for s in grading.default_schemes().schemes
                                 for b in s.band_sets},
        "basis.{b}": {f"basis.{b}" for b in v["basis"]},
        "flag.{flag}": {f"flag.{x}" for x in v["flag"]},
        "site.lang.{lang}": {f"site.lang.{x}" for x in v["lang"]},
        "site.lang.": {f"site.lang.{x}" for x in v["lang"]},
        "term.{t}": {f"term.{t}" for t in v["term"]},
        "term.{t}.text": {f"term.{t}.text" for t in v["term"]},
        "site.types.{entity_type}": {f"site.types.{t}" for t in v["type"]},
        "site.type.": {f"site.type.{t}" for t in v["type"]},
        "site.kind.": {f"site.kind.{k}" for k in v["report_kind"]},
        "site.kind.{k}": {f"site.kind.{k}" for k in v["report_kind"]},
        "site.type.{t}": {f"site.type.{t}" for t in v["type"]},
        "zone.{z}.short": {f"zone.{z}.short" for z in v["zone"]},
        "site.opinion.": {f"site.opinion.{o}" for o in v["opinion"]},
        "site.opinion.{o}": {f"site.opinion.{o}" for o in v["opinion"]},
        "site.headline.of_": {f"site.headline.of_{m}" for m in v["headline_measure"]},
        "zone.": {f"zone.{z}.short" for z in v["zone"]},
        "measure.{m}": {f"measure.{m}" for m in v["measure"]},
        "source.{measure}": {f"source.{m}" for m in v["source_measure"]},
        "stat.{s}": {f"stat.{s}" for s in ("min", "median", "max")},
        "effect.{meaning.size}": {f"effect.{s}" for s in v["effect"]},
        "transition.caption.{kind}": {f"transition.caption.{k}" for k in v["transition"]},
        "unit_type.{unit_type}": {f"unit_type.{t}" for t in v["unit_type"]},
        "rule.{r}": {f"rule.{r}" for r in v["rule"]},
        "finding.rank_label_only.{kind}": {f"finding.rank_label_only.{k}" for k in ("opinion", "label")},
        "finding.rank_position.{findings.median_position(rank)}": {f"finding.rank_position.{p}"
                                                                   for p in ("above", "below", "at")},
        "trend.observed.{seen.direction}": {f"trend.observed.{d}" for d in ("up", "down", "same")},
        "national.green_observed.{seen.direction}": {f"national.green_observed.{d}" for d in ("up", "down", "same")},
        "gap.{against}": {f"gap.{g}" for g in ("best", "median")},
        "set.{set_name}": {f"set.{s}" for s in v["set"]},
        "section.{key}": set(),  # enumerated from the views' own sections below
        "page.kind.{kind_of(slug, lang)}": {f"page.kind.{k}" for k in v["report_kind"]},
        "site.types.{r.entity_type}": {f"site.types.{t}" for t in v["type"]},
        "method.coverage_table.col.{c}": {f"method.coverage_table.col.{c}" for c in COVERAGE_COLUMNS},
        "method.coverage_table.basis.{r.basis or 'none'}": {f"method.coverage_table.basis.{b}"
                                                            for b in ("assessed", "sampled", "none")},
        "set.type.{page.entity_type}": {f"set.type.{t}" for t in RANKED_TYPES},
        "set.type.{p.entity_type}": {f"set.type.{t}" for t in RANKED_TYPES},
        "site.lang.{o}": {f"site.lang.{x}" for x in v["lang"]},
        "ranking.position.{r.position}": {f"ranking.position.{p}" for p in ("above", "below", "at")},
    }


def test_every_key_template_in_the_code_is_enumerated(shipped):
    written = set()
    for path in SRC.rglob("*.py"):
        written |= set(DYNAMIC.findall(path.read_text(encoding="utf-8")))
    for path in (SRC / "templates").rglob("*.j2"):
        written |= set(TEMPLATE_JOIN.findall(path.read_text(encoding="utf-8")))
    assert len(written) > 30
    assert written - set(_keys(_values(shipped))) == set()


@pytest.mark.parametrize("lang", messages.LANGS)
def test_every_key_built_at_run_time_exists(shipped, lang):
    from kepatuhan import report

    catalogue = set(messages.catalogue(lang))
    keys = set().union(*_keys(_values(shipped)).values())
    views = (report.EntityReport(shipped, "17.02", 2024, lang), report.ProvinceReport(shipped, "17", 2024, lang),
             report.NationalReport(shipped, lang, 2024))
    keys |= {f"section.{s.heading}" for view in views for s in view.sections() if s.heading}
    optional = {f"opinion.{o}" for o in _values(shipped)["opinion"]} - keys  # none: each opini needs its words
    assert len(keys) > 100
    assert sorted(keys - catalogue - optional) == []
