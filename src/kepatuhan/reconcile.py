"""Choosing one value where sources disagree, by one stated rule, and listing every disagreement.

The rule, applied in order until a single value is left:
1. label   – drop values whose grading band contradicts a zone/category that any source published
             for the same (year, entity) in a year with known bands (Bali 2022: 54.01 beside "A");
2. ombudsman – the value printed on the Ombudsman's own site (ombudsman.go.id);
3. majority – the value printed by the most sources;
4. lowest  – otherwise unresolved: the lowest value, so that no report overstates a result.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pandas as pd

from . import grading

OMBUDSMAN_HOST = "ombudsman.go.id"
RULES = ("label", "ombudsman", "majority", "lowest")


def is_ombudsman_source(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host == OMBUDSMAN_HOST or host.endswith("." + OMBUDSMAN_HOST)


def choose(group: pd.DataFrame, value: str, use_labels: bool) -> tuple[float, str]:
    """The chosen value of one group of rows and the rule that chose it ("" when all agree)."""
    candidates = sorted(group[value].unique())
    if len(candidates) == 1:
        return candidates[0], ""
    if use_labels:
        year = int(group["year"].iloc[0])
        if year not in grading.INFERRED_YEARS:
            zones = set(group["zone"].dropna())
            categories = set(group["category"].dropna())
            fitting = [
                v for v in candidates
                if all(grading.label_disagreement(v, year, z, None) is None for z in zones)
                and all(grading.label_disagreement(v, year, None, c) is None for c in categories)
            ]
            if len(fitting) == 1:
                return fitting[0], "label"
            if fitting:
                candidates = fitting
    official = sorted({
        v for v, url in zip(group[value], group["source_url"], strict=True)
        if v in candidates and is_ombudsman_source(url)
    })
    if len(official) == 1:
        return official[0], "ombudsman"
    counts = group[group[value].isin(candidates)].groupby(value)["source_url"].nunique()
    leaders = sorted(counts[counts == counts.max()].index)
    if len(leaders) == 1:
        return leaders[0], "majority"
    return min(candidates), "lowest"


def reconcile(
    rows: pd.DataFrame, keys: list[str], value: str, use_labels: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per key (the chosen value, first source printing it) and the table of conflicts."""
    chosen_rows, conflicts = [], []
    for key, group in rows.groupby(keys, sort=True, dropna=False):
        group = group.sort_values("source_url", kind="stable")
        chosen, rule = choose(group, value, use_labels)
        supporting = group[group[value] == chosen]
        row = supporting.iloc[0].copy()
        for label in ("zone", "category"):
            if label in group:
                published = supporting[label].dropna()
                row[label] = published.iloc[0] if len(published) else None
        row["n_sources"] = group["source_url"].nunique()
        row["conflict_rule"] = rule
        chosen_rows.append(row)
        if rule:
            key = key if isinstance(key, tuple) else (key,)
            values = sorted(group[value].unique())
            conflicts.append({
                **dict(zip(keys, key, strict=True)),
                "values": " | ".join(_fmt(v) for v in values),
                "chosen": _fmt(chosen),
                "rule": rule,
                "resolved": rule != "lowest",
                "sources": " ".join(
                    f"{_fmt(v)}={u}" for v, u in zip(group[value], group["source_url"], strict=True)
                ),
            })
    if chosen_rows:
        resolved = pd.DataFrame(chosen_rows).reset_index(drop=True)
    else:
        resolved = rows.head(0).assign(n_sources=pd.Series(dtype=int), conflict_rule="")
    columns = [*keys, "values", "chosen", "rule", "resolved", "sources"]
    return resolved, pd.DataFrame(conflicts, columns=columns)


def _fmt(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)
