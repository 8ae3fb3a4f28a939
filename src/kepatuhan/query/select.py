"""What every query shares: the dataset, names as people type them, entity types, published counts."""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral

import pandas as pd

from .. import compare, dataset, findings, grading
from ..errors import NameNotFound, UsageError

#: Names of sets of entity types an analyst may pass instead of single types.
TYPE_SETS = {"kab/kota": compare.PEER_TYPES, "kabkota": compare.PEER_TYPES, "pemda": compare.PEMDA_TYPES}
#: The entity type the published province-level counts use for each set (national_aggregates.csv).
AGGREGATE_TYPE = {compare.PEER_TYPES: "kabkota", compare.PEMDA_TYPES: "pemda"}

Types = str | Iterable[str] | None


def load(data_dir: str = "") -> dataset.Dataset:
    """The dataset of `data_dir` (the project's data when empty), graded with that folder's schemes."""
    return dataset.load(data_dir or None)


def check_year(year: int) -> int:
    """`year` as an assessment year; a GradingError for a year without an assessment (2020)."""
    grading.scheme_for(year)
    return int(year)


def province_code(data: dataset.Dataset, province: str | None) -> str | None:
    """The code of a province typed as a code, name or abbreviation; NameNotFound when it is none."""
    if province is None:
        return None
    entity = data.names.match(province, entity_type="provinsi").entity
    if entity.type != "provinsi":
        raise NameNotFound(f"{province!r} is {entity.label()}, not a province", [entity])
    return entity.code


def entity_codes(data: dataset.Dataset, entity: str | Iterable[str] | None, province: str | None) -> list[str] | None:
    """Codes of one or several entities typed as names or codes, in the order given."""
    if entity is None:
        return None
    wanted = [entity] if isinstance(entity, str) else list(entity)
    return [data.names.match(text, province=province).entity.code for text in wanted]


def entity_types(data: dataset.Dataset, entity_type: Types) -> tuple[str, ...] | None:
    """Entity types from one type, a set name ("kab/kota", "pemda") or several; None means every type."""
    if entity_type is None:
        return None
    known = tuple(sorted(set(data.regions["type"])))
    asked = [entity_type] if isinstance(entity_type, str) else list(entity_type)
    out: list[str] = []
    for text in asked:
        key = str(text).strip().casefold()
        if key in TYPE_SETS:
            out += TYPE_SETS[key]
        elif key in known:
            out.append(key)
        else:
            raise UsageError(f"{text!r} is not an entity type: one of {', '.join(known)}, "
                             f"or {', '.join(TYPE_SETS)}")
    return tuple(dict.fromkeys(out))


def rows(data: dataset.Dataset, year: int | Iterable[int] | None = None, province: str | None = None,
         entity_type: Types = None, entity: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The entity rows matching every given filter (years, a province, entity types, entities)."""
    out = data.entities
    if year is not None:
        years = [check_year(y) for y in ([year] if isinstance(year, Integral) else year)]
        out = out[out["year"].isin(years)]
    code = province_code(data, province)
    if code is not None:
        out = out[out["province_code"] == code]
    types = entity_types(data, entity_type)
    if types is not None:
        out = out[out["entity_type"].isin(types)]
    codes = entity_codes(data, entity, province)
    if codes is not None:
        out = out[out["entity_code"].isin(codes)]
    return out


def published_assessed(data: dataset.Dataset, year: int, province_code: str | None,
                       types: tuple[str, ...] | None) -> int | None:
    """How many entities of these types the Ombudsman says it assessed (None when it published no count).

    Nationally per type (summed over the types, when each has a count); in a province for the sets
    the province-level figures use (kab/kota, pemda) or a single type.
    """
    if province_code is None:
        counts = [findings.assessed_count(data.aggregates, year, t) for t in (types or ("all",))]
        return None if any(c is None for c in counts) else sum(counts)
    kind = AGGREGATE_TYPE.get(tuple(types or ()), types[0] if types and len(types) == 1 else None)
    a = data.aggregates
    hit = a[(a["year"] == year) & (a["scope_code"].fillna("") == province_code) & (a["entity_type"] == kind)
            & (a["measure"] == "assessed")]
    return int(hit["count"].iloc[0]) if len(hit) else None


#: Entity types whose whole number is known from the region list (ministries and agencies are not listed whole).
REGIONAL_TYPES = ("provinsi", "kabupaten", "kota")


def group_size(data: dataset.Dataset, year: int, province_code: str | None,
               types: tuple[str, ...] | None) -> int | None:
    """How many entities a ranked group holds: the published number assessed (or sampled), else the number
    of regions of those types in the region list (in the province when one is given), else None."""
    published = published_assessed(data, year, province_code, types)
    if published is not None:
        return published
    if province_code is None and types:
        a = data.aggregates
        sampled = a[(a["year"] == year) & a["scope_code"].isna() & (a["measure"] == "sampled")
                    & a["entity_type"].isin(types)]
        if set(sampled["entity_type"]) == set(types):
            return int(sampled["count"].sum())
    if not types or any(t not in REGIONAL_TYPES for t in types):
        return None
    regions = data.regions[data.regions["type"].isin(types)]
    if province_code is not None:
        regions = regions[regions["province_code"] == province_code]
    return len(regions)


def named(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`columns` of `frame` in that order, codes and words as strings, index 0..n-1."""
    out = frame[columns].reset_index(drop=True).copy()
    for column in columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].astype("string")
    return out
