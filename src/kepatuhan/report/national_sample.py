"""A sampled year on the national page (2025): the sample by type, the opini levels and the Tanpa
Maladministrasi flags, and the provincial figures that were published, each a DataFrame, then a table.

Published counts come first; beside them, how many of those are in the data. Where no count was
published the table says so in its caption, never with an invented number. A census year has none of
these tables (each part is then empty and the section shows only the rest).
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from .. import findings_change, names, national
from ..messages import Formatter
from .markup import nothing, paragraphs, table
from .words import set_words


def sample_frame(aggregates: pd.DataFrame, entities: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per entity type: sampled (published), in the data, with a score in the data; empty in a census year."""
    drawn = national.sample(aggregates, year)
    columns = ["year", "entity_type", "sampled", "in_data", "scored"]
    if drawn is None:
        return pd.DataFrame(columns=columns)
    rows = entities[entities["year"] == year]
    return pd.DataFrame([{"year": year, "entity_type": kind, "sampled": n,
                          "in_data": int((rows["entity_type"] == kind).sum()),
                          "scored": int(((rows["entity_type"] == kind) & rows["score"].notna()).sum())}
                         for kind, n in drawn.by_type.items()], columns=columns)


def sample_table(f: Formatter, aggregates: pd.DataFrame, entities: pd.DataFrame, year: int) -> HTML:
    frame = sample_frame(aggregates, entities, year)
    if frame.empty:
        return nothing()
    shown = pd.DataFrame({f("col.type"): [set_words(f, f"type.{k}") for k in frame["entity_type"]],
                          f("col.sampled"): [f.int(v) for v in frame["sampled"]],
                          f("col.in_data"): [f.int(v) for v in frame["in_data"]],
                          f("col.scored_in_data"): [f.int(v) for v in frame["scored"]]})
    return table(shown, caption=f("national.sample_table_caption", year=year))


def opinion_frame(aggregates: pd.DataFrame, entities: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per opini level: the published national count (missing when none was published) and those in the data."""
    counts = findings_change.opinion_counts(entities, aggregates, year)
    if counts is None:
        return pd.DataFrame(columns=["year", "opinion", "published", "in_data"])
    published = counts.published or {}
    return pd.DataFrame({"year": year, "opinion": [o for o, _ in counts.levels],
                         "published": pd.array([published.get(o) for o, _ in counts.levels], dtype="Int64"),
                         "in_data": [n for _, n in counts.levels]})


def opinion_table(f: Formatter, aggregates: pd.DataFrame, entities: pd.DataFrame, year: int) -> HTML:
    frame = opinion_frame(aggregates, entities, year)
    if frame.empty:
        return nothing()
    published = frame["published"].notna().any()
    shown = pd.DataFrame({f("col.opinion"): [f(f"opinion.{opinion}") for opinion in frame["opinion"]],
                          **({f("col.published"): [f.int(v) if pd.notna(v) else "–" for v in frame["published"]]}
                             if published else {}),
                          f("col.in_data"): [f.int(v) for v in frame["in_data"]]})
    caption = (f("national.opinion_published_caption", year=year) if published
               else f("national.opinion_caption", year=year, n=f.int(frame["in_data"].sum())))
    return table(shown, caption=caption)


def flags_table(f: Formatter, aggregates: pd.DataFrame, entities: pd.DataFrame, year: int) -> HTML:
    """The Tanpa Maladministrasi flag of the year as each source stated it, among those in the data."""
    counts = findings_change.opinion_counts(entities, aggregates, year)
    if counts is None:
        return nothing()
    shown = pd.DataFrame({f("col.flag"): [f(f"flag.{flag}") for flag, _ in counts.flags],
                          f("col.in_data"): [f.int(n) for _, n in counts.flags]})
    return table(shown, caption=f("national.tm_caption", year=year, n=f.int(counts.n)))


def opinion_sentence(f: Formatter, aggregates: pd.DataFrame, entities: pd.DataFrame, year: int) -> str:
    """The key finding on the opini levels in the data (a year with opini only), else ''."""
    counts = findings_change.opinion_counts(entities, aggregates, year)
    if counts is None:
        return ""
    levels = ", ".join(f("national.opinion_level", n=n, opinion=f(f"opinion.{opinion}"))
                       for opinion, n in counts.levels if n)
    tm = dict(counts.flags).get("tanpa_maladministrasi", 0)
    return f("national.opinion_finding", n=counts.n, year=year, levels=levels, tm=tm)


def provincial_frame(aggregates: pd.DataFrame, year: int, province_names: dict[str, str]) -> pd.DataFrame:
    """Every provincial figure of a sampled year that was published: province, what is counted, the count."""
    if national.sample(aggregates, year) is None:
        return pd.DataFrame(columns=["year", "province_code", "province", "entity_type", "measure", "count"])
    a = aggregates[(aggregates["year"] == year) & (aggregates["scope_code"].fillna("") != "")]
    a = a.sort_values(["scope_code", "entity_type", "measure"], kind="stable")
    return pd.DataFrame({"year": year, "province_code": a["scope_code"].astype(str),
                         "province": [province_names.get(c, c) for c in a["scope_code"]],
                         "entity_type": a["entity_type"].astype(str), "measure": a["measure"].astype(str),
                         "count": a["count"].astype("Int64")}).reset_index(drop=True)


def provincial_table(f: Formatter, aggregates: pd.DataFrame, year: int, province_names: dict[str, str],
                     opinion_counted: bool) -> HTML:
    """The published provincial figures of a sampled year, and a note that none counts opini levels
    when that is so (`opinion_counted` False)."""
    if national.sample(aggregates, year) is None:
        return nothing()
    frame = provincial_frame(aggregates, year, province_names)
    notes = () if opinion_counted else (f("national.province_published_none", year=year),)
    if frame.empty:
        return paragraphs(*notes)
    scopes = {"pemda": f("set.scope_pemda"), "kabkota": f("set.scope_kabkota")}
    what = [f(f"source.{measure}", set=set_words(f, f"type.{t}") if t in names.ENTITY_TYPES else scopes.get(t, t))
            if f.has(f"source.{measure}") else measure
            for t, measure in zip(frame["entity_type"], frame["measure"], strict=True)]
    shown = pd.DataFrame({f("col.province"): frame["province"], f("col.figure_what"): what,
                          f("col.figure"): [f.int(v) for v in frame["count"]]})
    return table(shown, caption=f("national.province_published_caption", year=year), notes=notes)
