"""Changes between two years, and zone moves, as tidy frames (see :mod:`kepatuhan.query`)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .. import national
from . import select
from .select import Types

_ENTITY = ["entity_code", "entity_name", "entity_type", "province_code", "province_name"]


def _pair_rows(from_year: int, to_year: int, province, entity_type, entity, data_dir):
    data = select.load(data_dir)
    from_year, to_year = select.check_year(from_year), select.check_year(to_year)
    if from_year >= to_year:
        raise select.UsageError(f"from_year must come before to_year, got {from_year} → {to_year}")
    rows = select.rows(data, (from_year, to_year), province, entity_type, entity)
    who = rows.sort_values("year").drop_duplicates("entity_code", keep="last").set_index("entity_code")
    return rows, who, from_year, to_year


def _framed(both: pd.DataFrame, who: pd.DataFrame, from_year: int, to_year: int, columns: list[str]) -> pd.DataFrame:
    out = both.join(who[_ENTITY[1:]], on="entity_code")
    out["from_year"], out["to_year"] = from_year, to_year
    out = out.sort_values(["province_code", "entity_code"], kind="stable", na_position="first")
    table = select.named(out, [*_ENTITY, "from_year", "to_year", *columns])
    for column in ("from_year", "to_year"):
        table[column] = table[column].astype("Int64")
    for column in ("from_score", "to_score", "change"):
        if column in table:
            table[column] = table[column].astype(float)
    table["comparable"] = table["comparable"].astype(bool)
    table["reason"] = table["reason"].astype("string")
    return table


def changes(from_year: int, to_year: int, province: str | None = None, entity_type: Types = None,
            entity: str | Iterable[str] | None = None, include_labels: bool = False,
            data_dir: str = "") -> pd.DataFrame:
    """Each entity seen in both years: its score and label then and now, and the change.

    Parameters
    ----------
    from_year, to_year : int
        The two assessment years, earlier first.
    province : str, optional
        A province as typed ("Jateng"): its own row and its kabupaten and kota.
    entity_type : str or list of str, optional
        "kab/kota", "pemda" or one or several types.
    entity : str or list of str, optional
        One or several entities as typed.
    include_labels : bool
        Also list entities label-only in either year (their change is blank).
    data_dir : str
        Data folder; empty means the project's data.

    Returns
    -------
    pandas.DataFrame
        entity_code, entity_name, entity_type, province_code, province_name, from_year, to_year,
        from_score, to_score, change (to minus from, points), from_zone, to_zone, from_category,
        to_category, comparable and reason. Across a change of grading method (2021→2022,
        2024→2025) `comparable` is False and `reason` names the two methods: the scores are on
        different scales and the change is not a movement.

    Examples
    --------
    >>> from kepatuhan import query
    >>> c = query.changes(2023, 2024, entity="Pemkab Rejang Lebong")
    >>> c[["from_score", "to_score"]].iloc[0].tolist(), round(float(c["change"].iloc[0]), 2)
    ([88.99, 93.07], 4.08)
    >>> bool(c["comparable"].all())
    True
    >>> bool(query.changes(2024, 2025)["comparable"].any())  # a method break lies between
    False
    """
    rows, who, from_year, to_year = _pair_rows(from_year, to_year, province, entity_type, entity, data_dir)
    both = national.pairs(rows, from_year, to_year)
    if not include_labels:
        both = both.dropna(subset=["from_score", "to_score"])
    both = both.assign(change=both["to_score"] - both["from_score"])
    reason = national.method_break(from_year, to_year)
    both["comparable"], both["reason"] = reason is None, reason
    return _framed(both, who, from_year, to_year, ["from_score", "to_score", "change", "from_zone", "to_zone",
                                                   "from_category", "to_category", "comparable", "reason"])


def zone_moves(from_year: int, to_year: int, province: str | None = None, entity_type: Types = None,
               entity: str | Iterable[str] | None = None, data_dir: str = "") -> pd.DataFrame:
    """Each entity with a zone in both years: up, down or the same, label-only rows included.

    Parameters
    ----------
    from_year, to_year : int
        The two assessment years, earlier first.
    province : str, optional
        A province as typed.
    entity_type : str or list of str, optional
        "kab/kota", "pemda" or one or several types.
    entity : str or list of str, optional
        One or several entities as typed.
    data_dir : str
        Data folder; empty means the project's data.

    Returns
    -------
    pandas.DataFrame
        entity_code, entity_name, entity_type, province_code, province_name, from_year, to_year,
        from_zone, to_zone, move (up, down, same; hijau above kuning above merah), from_score,
        to_score (blank for a label-only year), label_only, comparable and reason (across a change
        of grading method the zones come from different bands: `comparable` is False).

    Examples
    --------
    >>> from kepatuhan import query
    >>> m = query.zone_moves(2023, 2024)
    >>> sorted(set(m["move"]) - {"up", "down", "same"})
    []
    >>> bool(m["label_only"].any())  # rows published with a zone but no score count too
    True
    >>> bool(query.zone_moves(2021, 2022)["comparable"].any())
    False
    """
    rows, who, from_year, to_year = _pair_rows(from_year, to_year, province, entity_type, entity, data_dir)
    both = national.zone_moves(rows, from_year, to_year)
    both["label_only"] = both["from_score"].isna() | both["to_score"].isna()
    return _framed(both, who, from_year, to_year, ["from_zone", "to_zone", "move", "from_score", "to_score",
                                                   "label_only", "comparable", "reason"])
