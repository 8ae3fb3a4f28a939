"""Scores, ranks and shares as tidy frames (see :mod:`kepatuhan.query`)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .. import compare, findings, grading, national
from ..errors import UsageError
from . import select
from .select import Types

SCORE_COLUMNS = ["year", "entity_code", "entity_name", "entity_type", "province_code", "province_name", "score",
                 "zone", "category", "opinion", "maladministrasi", "label_only", "n_sources", "source_url"]
#: Fewest entities with a zone a share is read from before it is flagged small (a rank-test group's minimum).
MIN_SHARE_N = compare.MIN_GROUP_SIZE


def scores(year: int | Iterable[int] | None = None, province: str | None = None, entity_type: Types = None,
           include_labels: bool = True, entity: str | Iterable[str] | None = None,
           data_dir: str = "") -> pd.DataFrame:
    """One row per entity and assessment year: the score, its labels and where it was published.

    Parameters
    ----------
    year : int or list of int, optional
        Assessment year(s); every year when None. 2020 (no assessment) raises GradingError.
    province : str, optional
        A province as typed ("Jateng", "Bengkulu", "17"): its own row and its kabupaten and kota.
    entity_type : str or list of str, optional
        "provinsi", "kabupaten", "kota", "kementerian", "lembaga", or "kab/kota" / "pemda".
    include_labels : bool
        Keep label-only rows (a published zone, category or opini without a score).
    entity : str or list of str, optional
        One or several entities as typed ("Pemkab Rejang Lebong", "Kota Bengkulu", "17.02").
    data_dir : str
        Data folder; empty means the project's data.

    Returns
    -------
    pandas.DataFrame
        Columns year, entity_code, entity_name, entity_type, province_code, province_name, score,
        zone, category, opinion, maladministrasi, label_only, n_sources, source_url; sorted by year
        and code. `zone`, `category` and `opinion` are published or, for a score, computed from
        the bands of its year.

    Examples
    --------
    >>> from kepatuhan import query
    >>> rl = query.scores(entity="Pemkab Rejang Lebong")
    >>> row = rl[rl["year"] == 2024].iloc[0]
    >>> row["entity_code"], float(row["score"]), row["zone"], row["category"]
    ('17.02', 93.07, 'hijau', 'A')
    >>> bool(rl.loc[rl["year"] == 2022, "label_only"].iloc[0])  # 2022: a published zone, no score
    True
    >>> query.scores(2024, province="Bengkulu")["province_name"].unique().tolist()
    ['Bengkulu']
    """
    data = select.load(data_dir)
    out = select.rows(data, year, province, entity_type, entity).assign(
        label_only=lambda f: f["score"].isna())
    if not include_labels:
        out = out[~out["label_only"]]
    out = out.sort_values(["year", "entity_code"], kind="stable")
    table = select.named(out, SCORE_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    table["score"] = table["score"].astype(float)
    table["n_sources"] = table["n_sources"].astype("Int64")
    table["label_only"] = table["label_only"].astype(bool)
    return table


def ranks(year: int, province: str | None = None, entity_type: Types = "kab/kota", data_dir: str = "") -> pd.DataFrame:
    """Entities of one year ranked by score ("of n with data"), label-only ones listed after, unranked.

    Parameters
    ----------
    year : int
        Assessment year.
    province : str, optional
        Rank within one province (as typed); nationally when None.
    entity_type : str or list of str
        The set ranked together: "kab/kota" (default), "pemda", or one or several types.
    data_dir : str
        Data folder; empty means the project's data.

    Returns
    -------
    pandas.DataFrame
        rank (1 = highest, ties share the best place; blank for label-only rows), entity_code,
        entity_name, entity_type, province_code, province_name, score, zone, category, label_only,
        n_with_data (scored entities ranked), n_label_only, n_published (how many of this set the
        Ombudsman says it assessed, where it published that count, else blank), small_n (fewer
        than ``findings.MIN_COMPARABLE`` with data: a rank among so few says little), group_size (the
        published number, else the number of such regions in the region list; blank for ministries and
        agencies without a published number) and rank_quotable (see :func:`kepatuhan.findings.rank_quotable`:
        at least 5 with data and at least half of group_size).

    Examples
    --------
    >>> from kepatuhan import query
    >>> r = query.ranks(2024, province="Bengkulu")
    >>> float(r.loc[r["entity_name"] == "Kabupaten Rejang Lebong", "score"].iloc[0])
    93.07
    >>> bool(r.loc[r["label_only"], "rank"].isna().all())  # a label-only row is never ranked
    True
    >>> bool((r["rank"].dropna() >= 1).all() and (r["rank"].dropna() <= r["n_with_data"]).all())
    True
    >>> int(r["group_size"].iloc[0])  # Bengkulu's ten kab/kota in the region list
    10
    """
    data = select.load(data_dir)
    types = select.entity_types(data, entity_type)
    code = select.province_code(data, province)
    group = select.rows(data, year, province, types)
    out = pd.concat([compare.ranked(group), compare.unranked(group)], ignore_index=True)
    out["label_only"] = out["score"].isna()
    table = select.named(out, ["rank", *SCORE_COLUMNS[1:9], "label_only"])
    table["rank"] = table["rank"].astype("Int64")
    table["score"] = table["score"].astype(float)
    n_with_data = int(group["score"].notna().sum())
    published = select.published_assessed(data, year, code, types)
    table["n_with_data"] = pd.Series([n_with_data] * len(table), dtype="Int64")
    table["n_label_only"] = pd.Series([len(group) - n_with_data] * len(table), dtype="Int64")
    table["n_published"] = pd.Series([published] * len(table), dtype="Int64")
    table["small_n"] = n_with_data < findings.MIN_COMPARABLE
    size = select.group_size(data, year, code, types)
    table["group_size"] = pd.Series([size] * len(table), dtype="Int64")
    table["rank_quotable"] = findings.rank_quotable(n_with_data, size)
    return table


def shares(year: int, by: str = "province", zone: str = "hijau", entity_type: Types = None,
           data_dir: str = "") -> pd.DataFrame:
    """The share of a zone among the entities with a zone, per province or per entity type.

    Parameters
    ----------
    year : int
        Assessment year.
    by : {"province", "entity_type"}
        One row per province (its pemda: the province and its kabupaten and kota, unless
        `entity_type` says otherwise) or per entity type (nationally).
    zone : str
        "hijau" (default), "kuning" or "merah".
    entity_type : str or list of str, optional
        Which entities count; default "pemda" by province, every type by entity type.
    data_dir : str
        Data folder; empty means the project's data.

    Returns
    -------
    pandas.DataFrame
        province_code and province_name (or entity_type), zone, numerator (entities in that zone,
        label-only ones included), n_with_data (the denominator: entities with any zone in the
        data), n_label_only, share (0–1), n_published (the count the Ombudsman says it assessed,
        where it published one, else blank) and small_n (fewer than MIN_SHARE_N in the
        denominator). The data gather what was published, so a share is of these entities only.

    Examples
    --------
    >>> from kepatuhan import query
    >>> s = query.shares(2024)
    >>> bool((s["numerator"] <= s["n_with_data"]).all())
    True
    >>> row = s[s["province_name"] == "Bengkulu"].iloc[0]
    >>> bool(row["share"] == row["numerator"] / row["n_with_data"])
    True
    """
    data = select.load(data_dir)
    year = select.check_year(year)
    if zone not in grading.ZONES:
        raise UsageError(f"zone must be one of {', '.join(grading.ZONES)}, not {zone!r}")
    if by not in ("province", "entity_type"):
        raise UsageError(f"shares are by 'province' or by 'entity_type', not {by!r}")
    types = select.entity_types(data, entity_type if entity_type is not None or by != "province" else "pemda")
    in_year = select.rows(data, year, entity_type=types)
    in_year = in_year[in_year["zone"].isin(grading.ZONES)]
    if by == "province":
        keys = sorted(in_year["province_code"].dropna().unique())
        groups = [(k, national.zone_counts(in_year, year, province_code=k), k, types) for k in keys]
    else:
        keys = sorted(in_year["entity_type"].unique())
        groups = [(k, national.zone_counts(in_year, year, entity_types=(k,)), None, (k,)) for k in keys]
    records = []
    for key, counts, province_code, counted_types in groups:
        records.append({"key": key, "numerator": int(counts.loc[zone, "n"]), "n_with_data": int(counts["n"].sum()),
                        "n_label_only": int(counts["label_only"].sum()),
                        "n_published": select.published_assessed(data, year, province_code, counted_types)})
    out = pd.DataFrame(records, columns=["key", "numerator", "n_with_data", "n_label_only", "n_published"])
    names = data.regions.set_index("code")["name"]
    front = {"province_code": out["key"], "province_name": out["key"].map(names)} if by == "province" \
        else {"entity_type": out["key"]}
    table = pd.DataFrame({**{k: v.astype("string") for k, v in front.items()},
                          "year": pd.Series([year] * len(out), dtype="Int64"),
                          "zone": pd.Series([zone] * len(out), dtype="string")})
    for column in ("numerator", "n_with_data", "n_label_only", "n_published"):
        table[column] = out[column].astype("Int64")
    table["share"] = (table["numerator"] / table["n_with_data"]).astype(float)
    table["small_n"] = table["n_with_data"] < MIN_SHARE_N
    return table[[*front, "year", "zone", "numerator", "n_with_data", "n_label_only", "share", "n_published",
                  "small_n"]]
