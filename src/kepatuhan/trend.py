"""How one entity moved: its series, the change against the previous assessment, a fitted slope.

A slope is fitted only within one grading scheme (2021→2022 and 2024→2025 are methodology breaks) and
only with at least MIN_TREND_POINTS years; otherwise the result says why there is no slope. Rows
without a published score (label-only) never enter a series, a change or a slope.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import grading

MIN_TREND_POINTS = 3


@dataclass(frozen=True)
class TrendFit:
    scheme: str
    n: int
    years: tuple[int, ...]
    slope: float | None = None  # points per year
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None  # why there is no slope

    @property
    def fitted(self) -> bool:
        return self.slope is not None


def entity_series(entities: pd.DataFrame, code: str) -> pd.DataFrame:
    """Every assessed year of one entity, oldest first, with the change and break markers."""
    rows = entities[(entities["entity_code"] == code) & entities["score"].notna()].sort_values("year").copy()
    rows["scheme"] = [grading.scheme_for(y).name for y in rows["year"]]
    previous_scheme = rows["scheme"].shift()
    rows["previous_year"] = rows["year"].shift().astype("Int64")
    rows["change"] = rows["score"].diff()
    rows["across_break"] = previous_scheme.notna() & (previous_scheme != rows["scheme"])
    columns = ["year", "score", "zone", "category", "zone_basis", "scheme", "previous_year", "change",
               "across_break", "n_sources", "conflict_rule"]
    return rows[columns].reset_index(drop=True)


def change_against_previous(series: pd.DataFrame, year: int) -> dict | None:
    """Change to `year` from the previous assessment with data, flagged when it crosses the break."""
    row = series[series["year"] == year]
    if row.empty or pd.isna(row["change"].iloc[0]):
        return None
    row = row.iloc[0]
    return {"from_year": int(row["previous_year"]), "change": float(row["change"]),
            "across_break": bool(row["across_break"])}


def fit_trend(series: pd.DataFrame, year: int | None = None) -> TrendFit:
    """OLS slope with 95% CI over the years sharing the scheme of `year` (default: the latest)."""
    if series.empty:
        return TrendFit(scheme="", n=0, years=(), reason="no data")
    year = int(series["year"].max()) if year is None else year
    scheme = grading.scheme_for(year).name
    same = series[(series["scheme"] == scheme) & (series["year"] <= year)]
    years = tuple(int(y) for y in same["year"])
    if len(same) < MIN_TREND_POINTS:
        return TrendFit(scheme=scheme, n=len(same), years=years,
                        reason=f"not enough comparable years ({len(same)} of {MIN_TREND_POINTS} needed "
                               f"within {scheme})")
    return ols(scheme, years, same["year"].astype(float).to_numpy(), same["score"].to_numpy())


def ols(scheme: str, years: tuple[int, ...], x, y) -> TrendFit:
    """OLS slope of y on x with its 95% CI (statsmodels), labelled with the scheme it stays within."""
    import numpy as np
    from statsmodels.regression.linear_model import OLS

    design = np.column_stack([np.ones_like(x), x - x.mean()])
    result = OLS(y, design).fit()
    low, high = result.conf_int(alpha=0.05)[1]
    return TrendFit(scheme=scheme, n=len(x), years=years, slope=float(result.params[1]),
                    ci_low=float(low), ci_high=float(high))
