"""Group tests as tidy frames with the groups named and the result said in words (see :mod:`kepatuhan.query`)."""

from __future__ import annotations

import pandas as pd

from .. import compare, findings, messages
from . import select

#: The tests, by what they group on: kota against kabupaten, or kab/kota across provinces.
TESTS = {"entity_type": compare.kota_vs_kabupaten, "province": compare.across_provinces}


def group_tests(year: int, by: str = "province", lang: str = "en", alpha: float = 0.05,
                data_dir: str = "") -> pd.DataFrame:
    """A rank-based test of the scores of one year between groups, one row per group, with its reading.

    Parameters
    ----------
    year : int
        Assessment year.
    by : {"province", "entity_type"}
        Kruskal–Wallis across provinces (kabupaten and kota of provinces with at least
        ``compare.MIN_GROUP_SIZE`` scores) or Mann–Whitney between kota and kabupaten.
    lang : {"en", "id"}
        Language of the group names and of `reading`.
    alpha : float
        Level below which `significant` is True.
    data_dir : str
        Data folder; empty means the project's data.

    Returns
    -------
    pandas.DataFrame
        test, year, group_code, group (province or type name), n, median, statistic, p_value,
        effect, effect_name, effect_size (negligible … large), significant, reason (why the test
        was refused, else blank) and reading: the result in one sentence of the report catalogue,
        which also says that the scores were gathered from the press, not drawn at random.

    Examples
    --------
    >>> from kepatuhan import query
    >>> t = query.group_tests(2024, by="entity_type")
    >>> t["group"].tolist()
    ['cities (kota)', 'regencies (kabupaten)']
    >>> s = query.scores(2024, entity_type="kota", include_labels=False)
    >>> int(t.loc[t["group_code"] == "kota", "n"].iloc[0]) == len(s)
    True
    >>> "Mann–Whitney" in t["reading"].iloc[0]
    True
    """
    if by not in TESTS:
        raise select.UsageError(f"group tests are by 'province' or by 'entity_type', not {by!r}")
    data = select.load(data_dir)
    year = select.check_year(year)
    result = TESTS[by](data.entities, year)
    names = group_names(data, lang)
    table = compare.group_table(result, data.entities, year, names)
    if result.done:
        size = findings.effect_size(result.effect, result.effect_name)
        table["effect_size"] = pd.Series([size] * len(table), dtype="string")
        table["significant"] = result.p_value < alpha
    else:
        table["effect_size"] = pd.Series([None] * len(table), dtype="string")
        table["significant"] = pd.Series([pd.NA] * len(table), dtype="boolean")
    table["reading"] = pd.Series([reading(result, year, data.entities, names, lang, alpha)] * len(table),
                                 dtype="string")
    return table


def group_names(data, lang: str) -> dict[str, str]:
    """Province code → province name, entity type → its words in `lang`."""
    names = {c: e.name for c, e in data.names.entities.items() if e.type == "provinsi"}
    names.update({t: messages.text(lang, f"set.type.{t}") for t in compare.PEER_TYPES})
    return names


def reading(result: compare.GroupTest, year: int, entities: pd.DataFrame, names: dict[str, str],
            lang: str = "en", alpha: float = 0.05) -> str:
    """What a group test means, in the catalogue's words: the groups, the test, p and the effect's size."""
    f = messages.Formatter(lang)
    meaning = findings.group_test_meaning(result, year, entities, names, alpha)
    if meaning is None:
        key = "test.refused_kota" if result.name.startswith("Mann") else "test.refused_provinces"
        return f(key, year=year, need=compare.MIN_GROUP_SIZE)
    groups = ", ".join(f("test.group", name=g, n=n, median=f.num(m)) for g, n, m in meaning.groups)
    key = f"test.{meaning.name}.{'differ' if meaning.significant else 'same'}"
    return f(key, year=year, groups=groups, p=f.p_value(meaning.p_value), effect=f.num(meaning.effect),
             size=f(f"effect.{meaning.size}"))
