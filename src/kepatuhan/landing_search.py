"""What the landing page's search knows besides the rows it lists: the names people type for a report.

Keys are the words of a name as `names.split_words` makes them ("rejang lebong"): the page's script runs
them together to compare ("Tanjung Balai" meets "Tanjungbalai") and keeps the word starts to rank a
match at the start of a word ("Medan" in Kota Medan) above one inside a word ("medan" in Sumedang).
Three kinds of key travel as JSON, each small (tens of kilobytes for the whole site):

- every region's and ministry's name and its aliases (data/reference/aliases.csv: English province
  names, ministries' English names and short forms, regional abbreviations), by code;
- the service units shown on a report (a pemda's OPD and Puskesmas on its own report, a Polres or land
  office on its province's report), by the report they appear on;
- the names in the region list with no row in the data, so that a search for one says so plainly.
"""

from __future__ import annotations

import pandas as pd

from . import dataset, names, selection

#: Short forms and English words people use for a kind of service unit (written by this project from
#: the unit names the Ombudsman prints; the unit's own published name is always a key as well).
UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "dpmptsp": ("DPMPTSP", "PTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
                "investment and one-stop service office"),
    "dukcapil": ("Dukcapil", "Disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil",
                 "population and civil registration office"),
    "dinkes": ("Dinkes", "Dinas Kesehatan", "health office"),
    "disdik": ("Disdik", "Dinas Pendidikan", "education office"),
    "dinsos": ("Dinsos", "Dinas Sosial", "social affairs office"),
    "puskesmas": ("Puskesmas", "community health centre", "community health center"),
    "polres": ("Polres", "Polresta", "police"),
    "kantor_pertanahan": ("Kantor Pertanahan", "land office", "ATR/BPN"),
}


def _words(text: str) -> str:
    return names.split_words(text)[1]


def search_keys(data: dataset.Dataset) -> dict[str, list[str]]:
    """{code: the words of its name and of every alias}, for every region and ministry of the reference list.

    Parameters
    ----------
    data : dataset.Dataset
        Its name index (regions.csv) and alias table.

    Returns
    -------
    dict
        Code → sorted distinct keys, blank keys left out.
    """
    keys: dict[str, set[str]] = {}
    for entity in data.names.entities.values():
        keys.setdefault(entity.code, set()).add(_words(entity.name))
    for alias, code in zip(data.aliases["alias"], data.aliases["code"], strict=True):
        keys.setdefault(str(code), set()).add(_words(str(alias)))
    return {code: sorted(k for k in found if k) for code, found in sorted(keys.items())}


def unit_keys(data: dataset.Dataset) -> dict[str, list[list[str]]]:
    """{"kind/code/year" of a report a unit appears on: [[unit name, its keys…], …]}.

    A unit is on its parent's entity report of that year (`selection.entity`: a pemda's OPD and Puskesmas,
    Polri's Polres); a located unit (Polres, Kantor Pertanahan) is also on its province's report
    (`selection.province`).

    Parameters
    ----------
    data : dataset.Dataset
        Its units table.

    Returns
    -------
    dict
        Report key → the units on it, each its published name and then its sorted keys.
    """
    found: dict[str, dict[str, set[str]]] = {}
    u = data.units.sort_values(["year", "unit_code"], kind="stable")
    for row in u.itertuples(index=False):
        reports = [f"entity/{row.parent_code}/{row.year}"]
        if row.unit_type in selection.LOCATED_UNIT_TYPES:
            reports.append(f"province/{row.province_code}/{row.year}")
        words = {_words(row.unit_name), _words(row.unit_type.replace("_", " "))}
        words |= {_words(w) for w in UNIT_WORDS.get(row.unit_type, ())}
        for report in reports:
            found.setdefault(report, {}).setdefault(str(row.unit_name), set()).update(w for w in words if w)
    return {report: [[name, *sorted(words)] for name, words in sorted(units.items())]
            for report, units in sorted(found.items())}


def absent_regions(data: dataset.Dataset) -> dict[str, list[str]]:
    """{code: [name, type]} of every region of the reference list with no report: no row in the data in any
    year (and, for a province, no row of any body in it either, so no province report).

    Parameters
    ----------
    data : dataset.Dataset
        Its regions (data/reference/regions.csv) and entity rows.

    Returns
    -------
    dict
        Code → [published name, entity type], in code order.
    """
    e = data.entities
    present = set(e["entity_code"].astype(str)) | set(e["province_code"].dropna().astype(str))
    r: pd.DataFrame = data.regions
    regions = r[r["type"].isin(names.REGION_TYPES) & ~r["code"].isin(present)].sort_values("code")
    return {str(code): [str(name), str(kind)]
            for code, name, kind in zip(regions["code"], regions["name"], regions["type"], strict=True)}
