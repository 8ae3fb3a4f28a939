"""What is happening nationally: published counts, the green share, transitions, a panel model."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import grading
from .trend import MIN_TREND_POINTS, TrendFit, _ols

#: Fewest entities (each with ≥ 2 years) the panel model accepts.
MIN_PANEL_ENTITIES = 10


def national_counts(aggregates: pd.DataFrame, entity_type: str = "all") -> pd.DataFrame:
    """Published national counts: one row per year, columns assessed, hijau, kuning, merah, A–E."""
    national = aggregates[(aggregates["scope_code"].fillna("") == "") & (aggregates["entity_type"] == entity_type)]
    table = national.pivot_table(index="year", columns="measure", values="count", aggfunc="first")
    columns = [m for m in ("assessed", *grading.ZONES, *grading.CATEGORIES) if m in table.columns]
    table = table[columns].astype("Int64")
    # 2022+ publish categories; their zones follow (A, B hijau; C kuning; D, E merah) when not printed.
    for zone in grading.ZONES:
        cats = [c for c, z in grading.ZONE_OF_CATEGORY.items() if z == zone and c in table.columns]
        if cats:
            derived = table[cats].sum(axis=1, min_count=len(cats))
            table[zone] = table[zone].fillna(derived) if zone in table.columns else derived
    return table[[m for m in ("assessed", *grading.ZONES, *grading.CATEGORIES) if m in table.columns]]


def counts_by_type(aggregates: pd.DataFrame) -> pd.DataFrame:
    """Long table of national zone counts per year and entity type (published rows only)."""
    national = aggregates[(aggregates["scope_code"].fillna("") == "")
                          & aggregates["measure"].isin(("assessed", *grading.ZONES))]
    table = national.pivot_table(index=["year", "entity_type"], columns="measure", values="count", aggfunc="first")
    return table.reindex(columns=[c for c in ("assessed", *grading.ZONES) if c in table.columns]).astype("Int64")


def green_share(counts: pd.DataFrame) -> pd.DataFrame:
    """Share of hijau among the zoned entities, per year."""
    zoned = counts[list(grading.ZONES)].sum(axis=1)
    out = pd.DataFrame({"hijau": counts["hijau"], "total": zoned})
    out["share"] = out["hijau"].astype(float) / out["total"].astype(float)
    return out


def green_share_trend(counts: pd.DataFrame) -> TrendFit:
    """OLS slope of the green share (percentage points a year) within the 2022–2024 scheme."""
    share = green_share(counts).dropna()
    scheme = grading.FIVE_CATEGORIES
    share = share[share.index.isin(scheme.years)]
    years = tuple(int(y) for y in share.index)
    if len(share) < MIN_TREND_POINTS:
        return TrendFit(scheme=scheme.name, n=len(share), years=years, reason="not enough comparable years")
    return _ols(scheme.name, years, share.index.to_numpy(dtype=float), (share["share"] * 100).to_numpy())


def transitions(entities: pd.DataFrame, from_year: int, to_year: int) -> pd.DataFrame:
    """Crosstab of grade in `from_year` (rows) against `to_year` (columns), entities seen in both.

    Categories within 2022–2024; zones when either year is 2021 or earlier.
    """
    by_category = grading.same_scheme(from_year, to_year) and from_year >= 2022
    column = "category" if by_category else "zone"
    labels = list(grading.CATEGORIES if by_category else grading.ZONES)
    both = entities[entities["year"].isin([from_year, to_year])].pivot_table(
        index="entity_code", columns="year", values=column, aggfunc="first").dropna()
    table = pd.crosstab(both[from_year], both[to_year]).reindex(index=labels, columns=labels, fill_value=0)
    table.index.name, table.columns.name = str(from_year), str(to_year)
    return table


@dataclass(frozen=True)
class PanelResult:
    n_entities: int
    n_observations: int
    years: tuple[int, ...]
    estimate: float | None = None  # points per year
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None


def panel_model(entities: pd.DataFrame, years: tuple[int, ...] = grading.FIVE_CATEGORIES.years) -> PanelResult:
    """MixedLM of score on year with a random intercept per entity; refuses on too few entities."""
    panel = entities[entities["year"].isin(years) & entities["entity_type"].isin(["provinsi", "kabupaten", "kota"])]
    counts = panel.groupby("entity_code")["year"].nunique()
    panel = panel[panel["entity_code"].isin(counts[counts >= 2].index)]
    n_entities = int(panel["entity_code"].nunique())
    if n_entities < MIN_PANEL_ENTITIES:
        return PanelResult(n_entities, len(panel), years,
                           reason=f"too few entities with two or more years ({n_entities} < {MIN_PANEL_ENTITIES})")
    import warnings

    import numpy as np
    from statsmodels.regression.mixed_linear_model import MixedLM

    panel = panel.sort_values(["entity_code", "year"])
    x = panel["year"].to_numpy(dtype=float)
    design = np.column_stack([np.ones_like(x), x - x.mean()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on small panels; the CI says enough
        result = MixedLM(panel["score"].to_numpy(), design, groups=panel["entity_code"].to_numpy()).fit(reml=True)
    low, high = result.conf_int(alpha=0.05)[1]
    return PanelResult(n_entities, len(panel), years, float(result.params[1]), float(low), float(high))
