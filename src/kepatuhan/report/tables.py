"""Tables the reports share — rankings, conflicts, sources — each a DataFrame first, then its HTML.

A `*_frame` function returns the table as data (snake_case English columns, codes as strings, typed
values, coverage where a figure rests on a subset); the function of the same name without `_frame`
words and marks it up for the page.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pandas as pd
from IPython.display import HTML

from .. import findings
from ..messages import Formatter
from ..navigation import href
from .markup import Link, joined, paragraphs, table
from .words import conflict_value, grades_short, opinion_marks


def has_conflict(rule) -> bool:
    """True when sources disagreed on the row (its score is then the one a stated rule chose)."""
    return isinstance(rule, str) and rule != ""


def ranking_frame(ranked: pd.DataFrame, n_published: int | None = None) -> pd.DataFrame:
    """A ranked peer set as data: rank, who, score and labels, whether sources disagreed, and among how
    many with data (beside the published number assessed, where one exists) the rank was made."""
    frame = pd.DataFrame({
        "rank": ranked["rank"].astype("Int64"), "entity_code": ranked["entity_code"].astype(str),
        "entity_name": ranked["entity_name"].astype(str), "entity_type": ranked["entity_type"].astype(str),
        "province_code": ranked["province_code"].astype("string"), "score": ranked["score"].astype(float),
        "zone": ranked["zone"], "category": ranked["category"], "opinion": ranked["opinion"],
        "conflict": [has_conflict(r) for r in ranked["conflict_rule"]],
        "year": ranked["year"].astype(int)})
    frame["n_with_data"] = len(frame)
    frame["n_published"] = pd.array([n_published] * len(frame), dtype="Int64")
    frame["small_n"] = len(frame) < findings.MIN_COMPARABLE  # too few with data for a rank to be given
    return frame.reset_index(drop=True)


def entity_link(here: str, name: str, code: str, year: int) -> Link | str:
    """An entity's name linked to its report of `year` from the page `here` (entity/17.02/2024; "" gives
    the plain name, and so does the page itself). Every entity-year in the data has a report, so a row
    shown has a page to lead to."""
    target = f"entity/{code}/{int(year)}"
    return Link(name, href(here, target)) if here and target != here else name


def entity_links(here: str, rows: pd.DataFrame) -> list[Link | str]:
    """The `entity_name` of each row linked to its report of the row's `year`."""
    return [entity_link(here, n, c, y) for n, c, y in zip(rows["entity_name"], rows["entity_code"], rows["year"],
                                                            strict=True)]


def ranking_table(frame: pd.DataFrame, f: Formatter, caption: str, highlight: str | None = None,
                  note: str = "", sources: pd.DataFrame | None = None, here: str = "",
                  ranked: bool = True) -> HTML:
    """A `ranking_frame` in words: a score whose sources disagreed is starred, an inferred opini marked;
    from the page `here`, each name links to its report.

    With `ranked` False (the data hold too thin a part of the group, `findings.rank_quotable`) the rows
    keep their order by score but the rank column is left out, so that no rank is quoted from it."""
    marks = opinion_marks(f, frame, sources) if sources is not None else [""] * len(frame)
    shown = pd.DataFrame({
        **({f("col.rank"): frame["rank"].astype(str)} if ranked else {}),
        f("col.entity"): entity_links(here, frame),
        f("col.score"): [f.num(v) + (" *" if c else "") for v, c in zip(frame["score"], frame["conflict"],
                                                                       strict=True)],
        f("col.grade"): [g + m for g, m in zip(grades_short(f, frame), marks, strict=True)],
    })
    mark = f("conflict.mark") if frame["conflict"].any() else ""
    return table(shown, caption=caption, notes=(mark, note), highlight=[c == highlight for c in frame["entity_code"]])


def conflicts_frame(conflicts: pd.DataFrame) -> pd.DataFrame:
    """Disagreeing sources behind the figures shown: each value printed, the one chosen and by which rule."""
    codes = conflicts["code"].astype(str) if "code" in conflicts else pd.Series("", index=conflicts.index)
    return pd.DataFrame({"year": conflicts["year"].astype(int), "code": codes,
                         "name": conflicts["name"].astype(str), "values": conflicts["values"].astype(str),
                         "chosen": conflicts["chosen"].astype(str), "rule": conflicts["rule"].astype(str)}
                        ).reset_index(drop=True)


def conflicts_table(conflicts: pd.DataFrame, f: Formatter) -> HTML:
    if conflicts.empty:
        return paragraphs(f("conflict.none"))
    frame = conflicts_frame(conflicts)
    shown = pd.DataFrame({
        f("col.year"): frame["year"].astype(str), f("col.entity"): frame["name"],
        f("col.values"): [" | ".join(conflict_value(v, f) for v in values.split(" | ")) for values in frame["values"]],
        f("col.chosen"): [conflict_value(v, f) for v in frame["chosen"]],
        f("col.rule"): [f(f"rule.{r}") for r in frame["rule"]],
    })
    return table(shown, caption=f("conflict.caption"))


def sources_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Every source behind the figures shown, once each: year, what it gave, the value, its address."""
    rows = rows.drop_duplicates(subset=["year", "name", "source_url"]).sort_values(["year", "name", "source_url"])
    frame = pd.DataFrame({"year": rows["year"].astype(int), "name": rows["name"].astype(str),
                          "source_url": rows["source_url"].astype(str),
                          "publisher": [urlparse(u).hostname or u for u in rows["source_url"]]})
    for column in ("score", "figure"):
        if column in rows:
            frame[column] = rows[column].to_numpy()
    return frame.reset_index(drop=True)


def sources_block(f: Formatter, rows: pd.DataFrame, value_column: str = "col.score") -> HTML:
    """The sources as links (publisher = the site's host), with year and value (`score` numbers, or
    already formatted `figure` strings under the heading `value_column`)."""
    frame = sources_frame(rows)
    values = frame["figure"] if "figure" in frame else [f.num(v) for v in frame["score"]]
    shown = pd.DataFrame({
        f("col.year"): frame["year"].astype(str),
        f("col.entity"): frame["name"],
        f(value_column): list(values),
        f("col.source"): [Link(p, u) for p, u in zip(frame["publisher"], frame["source_url"], strict=True)],
    })
    return joined(paragraphs(heading=f("section.sources"), anchor="sources"),
                  table(shown, caption=f("sources.caption")))
