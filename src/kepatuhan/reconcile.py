"""Choosing one value where sources disagree, by one stated rule, and listing every disagreement.

A printed score outranks a label printed without one (rule `scored`: the label-only source is listed
as a conflict when its zone differs). Among scores, or among labels when no source printed a score
(then the value is the zone, merah < kuning < hijau), the rule is applied in order until a single
value is left:
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
RULES = ("scored", "label", "ombudsman", "majority", "lowest")
_ZONE_RANK = {zone: i for i, zone in enumerate(reversed(grading.ZONES))}  # merah 0 … hijau 2


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
        key = key if isinstance(key, tuple) else (key,)
        labels = _label_ranks(group) if value == "score" else None
        scored = group[group[value].notna()]
        if len(scored):
            chosen, rule = choose(scored, value, use_labels)
            supporting = scored[scored[value] == chosen]
        else:  # only labels were published: choose among their zones by the same rule
            chosen, rule = choose(group.assign(_zone_rank=labels), "_zone_rank", False)
            supporting = group[labels == chosen]
        row = supporting.iloc[0].copy()
        for label in ("zone", "category", "opinion", "service_quality", "maladministrasi"):
            if label in group:
                published = supporting[label].dropna()
                row[label] = published.iloc[0] if len(published) else None
        row["n_sources"] = group["source_url"].nunique()
        row["conflict_rule"] = rule
        if rule:
            shown = _shown(group, value, labels)
            conflicts.append(_conflict(keys, key, group, value, shown, shown[supporting.index[0]], rule))
        elif labels is not None and len(scored) and len(scored) < len(group):
            zone = _zone_of_score(row, labels)
            others = labels[group[value].isna() & labels.notna() & (labels != zone)]
            if len(others):
                shown = _shown(group, value, labels)
                row["conflict_rule"] = "scored"
                conflicts.append(_conflict(keys, key, group, value, shown, shown[supporting.index[0]], "scored"))
        chosen_rows.append(row)
    if chosen_rows:
        resolved = pd.DataFrame(chosen_rows).reset_index(drop=True)
    else:
        resolved = rows.head(0).assign(n_sources=pd.Series(dtype=int), conflict_rule="")
    columns = [*keys, "values", "chosen", "rule", "resolved", "sources"]
    return resolved, pd.DataFrame(conflicts, columns=columns)


def _fmt(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _label_ranks(group: pd.DataFrame) -> pd.Series:
    """The published zone of each row as a rank (merah 0 … hijau 2), NaN where none is published."""
    zones = [
        z if isinstance(z, str) else grading.label_zone(int(y), *(v if isinstance(v, str) else None for v in labels))
        for z, y, *labels in zip(group["zone"], group["year"], group["category"],
                                 group.get("opinion", [None] * len(group)),
                                 group.get("service_quality", [None] * len(group)), strict=True)
    ]
    return pd.Series([_ZONE_RANK.get(z, float("nan")) for z in zones], index=group.index, dtype=float)


def _zone_of_score(row: pd.Series, labels: pd.Series) -> float:
    zone = row["zone"] if isinstance(row["zone"], str) else grading.classify(row["score"], int(row["year"])).zone
    return _ZONE_RANK[zone]


#: How a source that printed a zone and no score is listed among a conflict's values.
LABEL_ONLY_VALUE = "zona {zone} (no score)"


def label_only_zone(listed: str) -> str | None:
    """The zone of a conflict value listed for a label-only source; None for a printed score."""
    for zone in _ZONE_RANK:
        if listed == LABEL_ONLY_VALUE.format(zone=zone):
            return zone
    return None


def _shown(group: pd.DataFrame, value: str, labels: pd.Series | None) -> pd.Series:
    """How each source's value is listed: its number, or LABEL_ONLY_VALUE for a label-only row."""
    names = {rank: zone for zone, rank in _ZONE_RANK.items()}
    return pd.Series([
        _fmt(v) if v == v else LABEL_ONLY_VALUE.format(zone=names[labels[i]])
        for i, v in zip(group.index, group[value], strict=True)
    ], index=group.index)


def _conflict(keys, key, group: pd.DataFrame, value: str, shown: pd.Series, chosen: str, rule: str) -> dict:
    order = sorted(group.index, key=lambda i: (group.at[i, value] != group.at[i, value],
                                               group.at[i, value] if group.at[i, value] == group.at[i, value] else 0,
                                               shown[i]))
    return {
        **dict(zip(keys, key, strict=True)),
        "values": " | ".join(dict.fromkeys(shown[i] for i in order)),
        "chosen": chosen,
        "rule": rule,
        "resolved": rule != "lowest",
        "sources": " ".join(f"{shown[i]}={group.at[i, 'source_url']}" for i in group.index),
    }
