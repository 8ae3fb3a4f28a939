"""What is happening nationally: published counts, the green share, transitions, a panel model, and
whether a year was a sample."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import grading
from .errors import ReportError
from .trend import MIN_TREND_POINTS, TrendFit, ols

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


def green_share_trend(counts: pd.DataFrame, year: int | None = None) -> TrendFit:
    """OLS slope of the green share (percentage points a year) within the scheme of `year`.

    `year` defaults to the latest year with a share; no line is fitted across a change of scheme
    (2021→2022, 2024→2025).
    """
    share = green_share(counts).dropna()
    if year is None and share.empty:
        return TrendFit(scheme="", n=0, years=(), reason="no zone counts")
    scheme = grading.scheme_for(int(share.index.max()) if year is None else year)
    share = share[share.index.isin(scheme.years) & ((share.index <= year) if year else True)]
    years = tuple(int(y) for y in share.index)
    if len(share) < MIN_TREND_POINTS:
        return TrendFit(scheme=scheme.name, n=len(share), years=years,
                        reason=f"not enough comparable years within {scheme.name}")
    return ols(scheme.name, years, share.index.to_numpy(dtype=float), (share["share"] * 100).to_numpy())


def pairs(entities: pd.DataFrame, from_year: int, to_year: int) -> pd.DataFrame:
    """Entities with a row in both years, one row each: `from_<column>` and `to_<column>` side by side.

    Label-only rows are kept (their score is blank), so a caller decides what counts: a score for a
    change, a zone or a category for a move.
    """
    keep = ["entity_code", *(c for c in ("score", "zone", "category", "opinion") if c in entities)]
    before = entities.loc[entities["year"] == from_year, keep].drop_duplicates("entity_code")
    after = entities.loc[entities["year"] == to_year, keep].drop_duplicates("entity_code")
    both = before.merge(after, on="entity_code", suffixes=("_from", "_to"))
    both = both.rename(columns={f"{c}_{end}": f"{end}_{c}" for c in keep[1:] for end in ("from", "to")})
    return both.sort_values("entity_code", kind="stable").reset_index(drop=True)


def method_break(from_year: int, to_year: int) -> str | None:
    """Why two assessment years cannot be compared (a change of grading scheme), or None when they can."""
    if grading.same_scheme(from_year, to_year):
        return None
    before, after = grading.scheme_for(from_year).name, grading.scheme_for(to_year).name
    return (f"{from_year} and {to_year} were graded by different methods ({before}; {after}): "
            "scores and labels of one are not on the scale of the other")


def zone_moves(entities: pd.DataFrame, from_year: int, to_year: int) -> pd.DataFrame:
    """Every entity with a zone in both years, label-only rows included: `from_zone`, `to_zone`, `move`.

    `move` is up, down or same (hijau above kuning above merah); `comparable` is False, with the
    `reason`, when a change of grading method lies between the two years.
    """
    both = pairs(entities, from_year, to_year)
    both = both[both["from_zone"].isin(grading.ZONES) & both["to_zone"].isin(grading.ZONES)].copy()
    order = {zone: place for place, zone in enumerate(grading.ZONES)}  # 0 = hijau, the best
    step = both["from_zone"].map(order) - both["to_zone"].map(order)
    both["move"] = ["up" if s > 0 else "down" if s < 0 else "same" for s in step]
    reason = method_break(from_year, to_year)
    both["comparable"] = reason is None
    both["reason"] = reason
    return both.reset_index(drop=True)


def transitions(entities: pd.DataFrame, from_year: int, to_year: int, by: str = "zone") -> pd.DataFrame:
    """Crosstab of grade in `from_year` (rows) against `to_year` (columns), entities seen in both.

    By zone (default) every entity with a zone in both years counts, label-only rows included: a
    published zone is a fact. By category only those with a category in both years count (the
    categories A–E exist only where the scheme table gives them). ``attrs["by"]`` says which. Two
    years graded by different methods are refused with a ReportError that says why.
    """
    reason = method_break(from_year, to_year)
    if reason is not None:
        raise ReportError(f"no transitions from {from_year} to {to_year}: {reason}")
    if by == "zone":
        both, labels = zone_moves(entities, from_year, to_year), list(grading.ZONES)
    elif by == "category" and all(grading.bands_for(y).has("category") for y in (from_year, to_year)):
        both = pairs(entities, from_year, to_year).dropna(subset=["from_category", "to_category"])
        labels = list(grading.CATEGORIES)
    else:
        years = ", ".join(map(str, grading.default_schemes().years_with("category")))
        raise ReportError(f"transitions are by 'zone' or by 'category' (categories exist in {years}), "
                          f"not {by!r} for {from_year}–{to_year}")
    table = pd.crosstab(both[f"from_{by}"], both[f"to_{by}"]).reindex(index=labels, columns=labels, fill_value=0)
    table.index.name, table.columns.name = str(from_year), str(to_year)
    table.attrs["by"] = by
    return table


@dataclass(frozen=True)
class Sample:
    """A year assessed on a sample of loci (2025), not a near-census: ranks are within the sample."""

    year: int
    n: int  # loci in the sample
    by_type: dict  # entity type → loci sampled
    mean: float | None  # published national mean score
    source_url: str

    def describe(self) -> str:
        parts = ", ".join(f"{n} {kind}" for kind, n in self.by_type.items())
        mean = f"; national mean {self.mean:.2f}" if self.mean is not None else ""
        return f"{self.year} is a sample of {self.n} loci ({parts}){mean}: ranks are within the sample"


def sample(aggregates: pd.DataFrame, year: int) -> Sample | None:
    """The published sample of `year` (measure `sampled`), or None when the year was a census."""
    national = aggregates[(aggregates["scope_code"].fillna("") == "") & (aggregates["year"] == year)]
    sampled = national[national["measure"] == "sampled"]
    if sampled.empty:
        return None
    counts = sampled.set_index("entity_type")["count"].astype(int)
    total = int(counts["all"]) if "all" in counts else int(counts.sum())
    by_type = {kind: int(counts[kind]) for kind in ("kementerian", "lembaga", "provinsi", "kota", "kabupaten")
               if kind in counts}
    mean_rows = national[(national["measure"] == "mean_score") & (national["entity_type"] == "all")]
    mean = float(mean_rows["percent"].iloc[0]) if len(mean_rows) else None
    return Sample(int(year), total, by_type, mean, str(sampled["source_url"].iloc[0]))


def zone_counts(entities: pd.DataFrame, year: int, province_code: str | None = None,
                entity_types: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Entities with data per zone in one year, label-only rows included.

    One row per zone (hijau, kuning, merah): `n` all entities with that zone, `scored` those with a
    score, `label_only` those published without one, `share` of n among all zoned entities (0–1).
    """
    rows = entities[entities["year"] == year]
    if province_code is not None:
        rows = rows[rows["province_code"] == province_code]
    if entity_types is not None:
        rows = rows[rows["entity_type"].isin(entity_types)]
    rows = rows[rows["zone"].isin(grading.ZONES)]
    table = pd.DataFrame(index=pd.Index(grading.ZONES, name="zone"))
    table["n"] = rows.groupby("zone").size().reindex(grading.ZONES, fill_value=0)
    table["scored"] = rows[rows["score"].notna()].groupby("zone").size().reindex(grading.ZONES, fill_value=0)
    table["label_only"] = table["n"] - table["scored"]
    total = int(table["n"].sum())
    table["share"] = table["n"] / total if total else float("nan")
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


def panel_years() -> tuple[int, ...]:
    """The years of the latest scheme that spans two or more years (2022–2024 today)."""
    return next(s.years for s in reversed(grading.default_schemes().schemes) if len(s.years) >= 2)


def panel_model(entities: pd.DataFrame, years: tuple[int, ...] | None = None) -> PanelResult:
    """MixedLM of score on year with a random intercept per entity; refuses on too few entities.

    Fitted within one scheme (default: `panel_years()`); label-only rows are left out.
    """
    years = panel_years() if years is None else years
    panel = entities[entities["year"].isin(years) & entities["entity_type"].isin(["provinsi", "kabupaten", "kota"])
                     & entities["score"].notna()]
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
