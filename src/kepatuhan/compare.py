"""How an entity compares: ranks "of N with data", percentile, gaps, peers, units, group tests.

Coverage is partial, so every result carries the number of entities it was computed among. Ranks,
percentiles and tests use scored rows only; label-only rows (a published zone/opini, no score)
appear in the lists (`province_list`) with their label and no rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Fewest observations per group a rank-based test accepts.
MIN_GROUP_SIZE = 5
MIN_GROUPS = 3
PEMDA_TYPES = ("provinsi", "kabupaten", "kota")
PEER_TYPES = ("kabupaten", "kota")  # a province's regencies and cities are peers of each other


@dataclass(frozen=True)
class Standing:
    rank: int  # 1 = highest score; ties share the best rank
    n: int  # entities with data in the group
    percentile: float  # share of the group scoring at or below this entity, in %
    best: float
    median: float
    gap_to_best: float
    gap_to_median: float


def year_table(entities: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every row of one year, label-only rows included."""
    return entities[entities["year"] == year]


def scored(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with a published score: the only ones that enter ranks, percentiles and tests."""
    return rows[rows["score"].notna()]


def standing(group: pd.DataFrame, code: str) -> Standing | None:
    """Rank of `code` within `group` (rows of one year); None when it has no score there."""
    group = scored(group)
    if code not in set(group["entity_code"]):
        return None
    scores = group.set_index("entity_code")["score"]
    own = float(scores.loc[code])
    return Standing(
        rank=int((scores > own).sum()) + 1,
        n=len(scores),
        percentile=float((scores <= own).mean() * 100),
        best=float(scores.max()),
        median=float(scores.median()),
        gap_to_best=own - float(scores.max()),
        gap_to_median=own - float(scores.median()),
    )


def province_peers(entities: pd.DataFrame, year: int, province_code: str) -> pd.DataFrame:
    """Kabupaten and kota of one province in one year, ranked (highest first)."""
    group = year_table(entities, year)
    group = group[(group["province_code"] == province_code) & group["entity_type"].isin(PEER_TYPES)]
    return ranked(group)


def province_pemda(entities: pd.DataFrame, year: int, province_code: str) -> pd.DataFrame:
    """Every pemda of one province (the province itself, kabupaten and kota), ranked."""
    group = year_table(entities, year)
    group = group[(group["province_code"] == province_code) & group["entity_type"].isin(PEMDA_TYPES)]
    return ranked(group)


def type_peers(entities: pd.DataFrame, year: int, entity_type: str) -> pd.DataFrame:
    group = year_table(entities, year)
    return ranked(group[group["entity_type"] == entity_type])


def ranked(group: pd.DataFrame) -> pd.DataFrame:
    """Highest score first, ties by code; `rank` shares the best place among ties. Scored rows only."""
    out = scored(group).sort_values(["score", "entity_code"], ascending=[False, True], kind="stable").copy()
    out["rank"] = out["score"].rank(method="min", ascending=False).astype(int)
    return out.reset_index(drop=True)


def unranked(group: pd.DataFrame) -> pd.DataFrame:
    """The label-only rows of `group` (no score, so no rank): by zone (hijau, kuning, merah), then name."""
    zone_order = {"hijau": 0, "kuning": 1, "merah": 2}
    rows = group[group["score"].isna()].assign(rank=pd.NA)
    rows = rows.assign(_order=rows["zone"].map(zone_order)).sort_values(
        ["_order", "entity_name", "entity_code"], kind="stable").drop(columns="_order")
    return rows.reset_index(drop=True)


def province_list(entities: pd.DataFrame, year: int, province_code: str) -> pd.DataFrame:
    """Every pemda of one province in one year with its label, label-only rows included.

    The province first (rank blank: it is not ranked among its regencies), then kabupaten and kota:
    scored ones by rank among the scored kab/kota, then label-only ones (score and rank blank) by
    zone (hijau, kuning, merah) and name. `label_only` marks rows published without a score.
    """
    rows = year_table(entities, year)
    rows = rows[(rows["province_code"] == province_code) & rows["entity_type"].isin(PEMDA_TYPES)]
    province = rows[rows["entity_type"] == "provinsi"].assign(rank=pd.NA)
    peers = ranked(rows[rows["entity_type"].isin(PEER_TYPES)])
    unscored = unranked(rows[rows["entity_type"].isin(PEER_TYPES)])
    out = pd.concat([province, peers, unscored], ignore_index=True)
    out["rank"] = out["rank"].astype("Int64")
    out["label_only"] = out["score"].isna()
    columns = ["entity_code", "entity_name", "entity_type", "score", "rank", "zone", "zone_basis", "category",
               "opinion", "maladministrasi", "service_quality", "label_only", "label_note"]
    return out[[c for c in columns if c in out]]


def unit_ranking(units: pd.DataFrame, parent_code: str, year: int) -> pd.DataFrame:
    """Service units of one pemda in one year, best first; the lowest-scoring ones flagged."""
    rows = units[(units["parent_code"] == parent_code) & (units["year"] == year)]
    rows = rows.sort_values(["score", "unit_code"], ascending=[False, True], kind="stable").copy()
    rows["rank"] = rows["score"].rank(method="min", ascending=False).astype(int)
    rows["weakest"] = rows["score"] == rows["score"].min() if len(rows) > 1 else False
    return rows.reset_index(drop=True)


def located_units(units: pd.DataFrame, province_code: str, year: int, unit_type: str) -> pd.DataFrame:
    """Polres or Kantor Pertanahan units in one province and year, best first."""
    rows = units[(units["province_code"] == province_code) & (units["year"] == year)
                 & (units["unit_type"] == unit_type)]
    return rows.sort_values(["score", "unit_code"], ascending=[False, True], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class GroupTest:
    name: str
    n: dict  # observations per group
    statistic: float | None = None
    p_value: float | None = None
    effect: float | None = None  # rank-biserial r (two groups) or epsilon squared (several)
    effect_name: str = ""
    reason: str | None = None  # why the test was refused

    @property
    def done(self) -> bool:
        return self.reason is None


def kota_vs_kabupaten(entities: pd.DataFrame, year: int) -> GroupTest:
    """Mann–Whitney U between kota and kabupaten scores of one year, with rank-biserial r."""
    group = scored(year_table(entities, year))
    kota = group.loc[group["entity_type"] == "kota", "score"].to_numpy()
    kab = group.loc[group["entity_type"] == "kabupaten", "score"].to_numpy()
    n = {"kota": len(kota), "kabupaten": len(kab)}
    if min(n.values()) < MIN_GROUP_SIZE:
        return GroupTest("Mann–Whitney U", n, reason=f"too few entities (need {MIN_GROUP_SIZE} per group)")
    from scipy.stats import mannwhitneyu

    result = mannwhitneyu(kota, kab, alternative="two-sided")
    effect = 2 * result.statistic / (len(kota) * len(kab)) - 1  # P(kota > kab) − P(kota < kab)
    return GroupTest("Mann–Whitney U", n, float(result.statistic), float(result.pvalue), float(effect),
                     "rank-biserial r")


def across_provinces(entities: pd.DataFrame, year: int) -> GroupTest:
    """Kruskal–Wallis H across provinces (kabupaten and kota), with epsilon squared."""
    group = scored(year_table(entities, year))
    group = group[group["entity_type"].isin(PEER_TYPES)]
    sizes = group.groupby("province_code")["score"].size()
    kept = sizes[sizes >= MIN_GROUP_SIZE].index
    n = {str(k): int(v) for k, v in sizes[kept].items()}
    if len(kept) < MIN_GROUPS:
        return GroupTest("Kruskal–Wallis H", n,
                         reason=f"too few provinces with {MIN_GROUP_SIZE}+ entities ({len(kept)} < {MIN_GROUPS})")
    from scipy.stats import kruskal

    samples = [group.loc[group["province_code"] == p, "score"].to_numpy() for p in sorted(kept)]
    result = kruskal(*samples)
    total = sum(len(s) for s in samples)
    epsilon_sq = float(result.statistic) * (total + 1) / (total**2 - 1)
    return GroupTest("Kruskal–Wallis H", n, float(result.statistic), float(result.pvalue), epsilon_sq,
                     "epsilon²")


def group_table(result: GroupTest, entities: pd.DataFrame, year: int, names: dict[str, str]) -> pd.DataFrame:
    """A group test as a tidy frame: one row per group with its name, n and median, and the test's figures.

    `names` maps a group key (a province code, an entity type) to the name a reader knows it by.
    `statistic`, `p_value` and `effect` repeat on every row and are blank when the test was refused
    (`reason` says why); the groups are then those that were large enough, or none.
    """
    group = scored(year_table(entities, year))
    if not result.name.startswith("Mann"):
        group = group[group["entity_type"].isin(PEER_TYPES)]
    column = "entity_type" if result.name.startswith("Mann") else "province_code"
    medians = group.groupby(column)["score"].median()
    keys = [str(k) for k in result.n]
    return pd.DataFrame({
        "test": pd.Series([result.name] * len(keys), dtype="string"),
        "year": pd.Series([int(year)] * len(keys), dtype="Int64"),
        "group_code": pd.Series(keys, dtype="string"),
        "group": pd.Series([names.get(k, k) for k in keys], dtype="string"),
        "n": pd.Series([int(result.n[k]) for k in keys], dtype="Int64"),
        "median": pd.Series([float(medians.get(k, float("nan"))) for k in keys], dtype=float),
        "statistic": pd.Series([result.statistic] * len(keys), dtype=float),
        "p_value": pd.Series([result.p_value] * len(keys), dtype=float),
        "effect": pd.Series([result.effect] * len(keys), dtype=float),
        "effect_name": pd.Series([result.effect_name] * len(keys), dtype="string"),
        "reason": pd.Series([result.reason] * len(keys), dtype="string"),
    })


def score_distribution(entities: pd.DataFrame, year: int, entity_type: str) -> pd.Series:
    group = scored(year_table(entities, year))
    return group.loc[group["entity_type"] == entity_type, "score"].describe()
