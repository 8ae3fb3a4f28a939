"""Coverage for analysts: how much of what the Ombudsman assessed the data hold, and what is missing."""

from __future__ import annotations

import pandas as pd

from .. import coverage as _coverage
from . import select


def coverage(year: int | None = None, province: str | None = None, data_dir: str = "") -> pd.DataFrame:
    """Entity-years in the data per year and type, beside the number the Ombudsman assessed or sampled.

    Parameters
    ----------
    year : int, optional
        One assessment year; every year of the data when None.
    province : str, optional
        A province as people type it ("Jateng", "Bengkulu", "17"): only its pemda, and only counts
        published for it.
    data_dir : str, optional
        Data folder; empty means the project's data (as `dataset.load`).

    Returns
    -------
    pandas.DataFrame
        One row per (year, entity_type): `scored`, `label_only`, `n_with_data` (their sum),
        `n_published` (assessed, or sampled in a sample year; <NA> where no count was published),
        `basis`, `regions` (regions of that type in the region list) and `share`
        (n_with_data / n_published).

    Examples
    --------
    >>> from kepatuhan import query
    >>> kabupaten = query.coverage(2024).set_index("entity_type").loc["kabupaten"]
    >>> int(kabupaten["n_published"]), int(kabupaten["regions"])  # the Ombudsman assessed all 416 kabupaten
    (416, 416)
    >>> bool(kabupaten["n_with_data"] < kabupaten["n_published"])  # the data hold only part of them
    True
    """
    table = _coverage.by_type(select.load(data_dir), year=year, province=province)
    return table.rename(columns={"with_data": "n_with_data", "published": "n_published"})


def missing(year: int, province: str | None = None, data_dir: str = "") -> pd.DataFrame:
    """The kabupaten and kota with no row at all for `year`: the list a contributor works from.

    Parameters
    ----------
    year : int
        Assessment year.
    province : str, optional
        A province as people type it; every province when None.
    data_dir : str, optional
        Data folder; empty means the project's data.

    Returns
    -------
    pandas.DataFrame
        One row per regency or city: `code`, `name`, `type`, `province_code`, `province`.

    Examples
    --------
    >>> from kepatuhan import query
    >>> gaps = query.missing(2024, province="Bengkulu")
    >>> len(gaps)  # every pemda of Bengkulu has a 2024 row
    0
    """
    return _coverage.missing(select.load(data_dir), year, province=province)
