"""What the data holds against what the Ombudsman assessed, and which kab/kota still have no row.

Coverage is partial (no complete national table could be found), so every count the reports give is
"among those with data". These tables make the gap visible: per year and entity type, how many
entities have a score or a published label only, beside the published number assessed (a census
year) or sampled (2025); and, for one year, the kab/kota of the region list with no row at all —
the list a contributor works from. `kepatuhan coverage` prints them; the methodology page shows
the first.
"""

from __future__ import annotations

import pandas as pd

#: Entity types in the order the tables list them.
TYPES = ("provinsi", "kabupaten", "kota", "kementerian", "lembaga")
BY_TYPE_COLUMNS = ("year", "entity_type", "scored", "label_only", "with_data", "published", "basis",
                   "regions", "share")
MISSING_COLUMNS = ("code", "name", "type", "province_code", "province")


def by_type(data, year: int | None = None, province: str | None = None) -> pd.DataFrame:
    """Entity-years in the data per year and type, against the published number assessed or sampled.

    Parameters
    ----------
    data : kepatuhan.dataset.Dataset
        The validated data (`dataset.load()`).
    year : int, optional
        One assessment year; every year of the data when None.
    province : str, optional
        A province code, name or abbreviation: only its pemda, and only counts published for it.
        Ministries and agencies have no province, so they drop out.

    Returns
    -------
    pandas.DataFrame
        One row per (year, entity_type) with any data or a published count: `scored` and `label_only`
        (entity-years after reconciling sources), `with_data` (their sum), `published` (the number
        assessed, or sampled in a sample year; <NA> where none was published), `basis` ("assessed",
        "sampled" or ""), `regions` (provinsi, kabupaten, kota of the region list in scope; <NA> for
        K/L) and `share` (with_data / published, <NA> without a published number).
    """
    entities, aggregates = data.entities, data.aggregates
    regions = data.regions
    code = data.names.province_code(province) if province else None
    scope = aggregates["scope_code"].fillna("").astype(str)
    if code:
        entities = entities[entities["province_code"] == code]
        aggregates = aggregates[scope == code]
        regions = regions[regions["province_code"] == code]
    else:
        aggregates = aggregates[scope == ""]
    if year is not None:
        entities = entities[entities["year"] == year]
        aggregates = aggregates[aggregates["year"] == year]
    scored = entities["score"].notna()
    counted = (entities.assign(scored=scored.astype(int), label_only=(~scored).astype(int))
               .groupby(["year", "entity_type"])[["scored", "label_only"]].sum())
    published = {}
    for basis in ("sampled", "assessed"):  # a sample year's number is its sample
        rows = aggregates[aggregates["measure"] == basis]
        for row in rows.itertuples(index=False):
            published.setdefault((int(row.year), row.entity_type), (int(row.count), basis))
    keys = {(int(y), t) for y, t in counted.index} | {k for k in published if k[1] in TYPES}
    in_list = regions["type"].value_counts()
    out = []
    for each_year, entity_type in sorted(keys, key=lambda k: (k[0], TYPES.index(k[1]))):
        have = counted.loc[(each_year, entity_type)] if (each_year, entity_type) in counted.index else None
        n_scored = int(have["scored"]) if have is not None else 0
        n_label = int(have["label_only"]) if have is not None else 0
        number, basis = published.get((each_year, entity_type), (None, ""))
        listed = int(in_list.get(entity_type, 0)) if entity_type in ("provinsi", "kabupaten", "kota") else None
        out.append((each_year, entity_type, n_scored, n_label, n_scored + n_label, number, basis, listed,
                    round((n_scored + n_label) / number, 3) if number else None))
    frame = pd.DataFrame(out, columns=list(BY_TYPE_COLUMNS))
    for column in ("published", "regions"):
        frame[column] = frame[column].astype("Int64")
    frame["share"] = frame["share"].astype("Float64")
    return frame


def missing(data, year: int, province: str | None = None) -> pd.DataFrame:
    """The kab/kota of data/reference/regions.csv with no row (scored or label-only) for `year`.

    Parameters
    ----------
    data : kepatuhan.dataset.Dataset
        The validated data (`dataset.load()`).
    year : int
        The assessment year.
    province : str, optional
        A province code, name or abbreviation.

    Returns
    -------
    pandas.DataFrame
        `code`, `name`, `type`, `province_code`, `province` of each kab/kota without a row, in code
        order (grouped by province).
    """
    regions = data.regions
    provinces = regions[regions["type"] == "provinsi"].set_index("code")["name"]
    kabkota = regions[regions["type"].isin(["kabupaten", "kota"])]
    if province:
        kabkota = kabkota[kabkota["province_code"] == data.names.province_code(province)]
    have = set(data.entities.loc[data.entities["year"] == year, "entity_code"])
    rows = kabkota[~kabkota["code"].isin(have)].sort_values("code")
    return pd.DataFrame({"code": rows["code"], "name": rows["name"], "type": rows["type"],
                         "province_code": rows["province_code"],
                         "province": rows["province_code"].map(provinces)}).reset_index(drop=True)


def text_table(frame: pd.DataFrame) -> str:
    """A frame as aligned plain text (numbers right-aligned, blanks for missing values), for the terminal."""
    cells = [[("" if pd.isna(v) else str(v)) for v in row] for row in frame.itertuples(index=False)]
    header = [str(c) for c in frame.columns]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    def line(values):
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True))
    return "\n".join([line(header).rstrip(), *(line(r).rstrip() for r in cells)])
