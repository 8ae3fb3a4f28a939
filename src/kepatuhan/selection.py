"""What one report reads, computed once from the Dataset: the one definition its page, CSV and digest share.

A `Selection` holds the report's own rows, each peer set it ranks against (with its denominators), its
units, the aggregates of its year and the previous comparable year. The views draw their tables from
it, `site.shown_rows` writes it as the report's CSV and `site.InputDigests` hashes exactly its rows:
if the page read a row the digest did not cover, a rebuild would skip a stale page. Groups are indexed
once per Dataset, so selecting every report of a build costs well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from . import compare, dataset, findings, grading
from . import national as national_figures
from .errors import GradingError
from .query.select import group_size
from .validation import UNIT_PARENTS

KINDS = ("entity", "province", "national")
#: Units of national bodies located in a regency (Polres of Polri, Kantor Pertanahan of ATR/BPN): a
#: province report lists them by type, in the order of the reference table of unit parents.
LOCATED_UNIT_TYPES = tuple(UNIT_PARENTS)



def graded_alike(year_a: int, year_b: int) -> bool:
    """True when both years were graded by one scheme; False when either has none (a report asked for a
    year without an assessment still gets a selection and a digest, and fails in its own cell)."""
    try:
        return grading.same_scheme(year_a, year_b)
    except GradingError:
        return False

@dataclass(frozen=True)
class PeerSet:
    """The rows of one set a report ranks or counts against, in one year (label-only rows included)."""

    name: str  # "province_kabkota", "type.kabupaten", …: the catalogue key of its words under `set.`
    rows: pd.DataFrame
    n_published: int | None = None  # how many of the set the Ombudsman assessed that year, when published
    n_sampled: int | None = None  # how many it sampled (a sampled year only)
    group_size: int | None = None  # the published (or known) size of the set: whether its ranks are quotable

    @cached_property
    def ranked(self) -> pd.DataFrame:
        """The scored rows, highest first, with their rank (label-only rows never enter a rank)."""
        return compare.ranked(self.rows)

    @property
    def n_with_data(self) -> int:
        return int(self.rows["score"].notna().sum())

    @property
    def label_only(self) -> int:
        return int(self.rows["score"].isna().sum())


@dataclass(frozen=True)
class Part:
    """One block of rows the report reads, under the section name its CSV gives them."""

    section: str
    table: str  # "entities" or "units"
    rows: pd.DataFrame


@dataclass(frozen=True)
class Selection:
    kind: str
    code: str
    year: int
    parts: tuple[Part, ...]
    aggregates: pd.DataFrame  # the published counts the report may cite
    peers: dict[str, PeerSet] = field(default_factory=dict)
    previous_year: int | None = None  # the latest earlier year it compares with (None: no earlier data)
    counts: dict[str, int] = field(default_factory=dict)  # figures it reads beyond its rows

    @property
    def comparable(self) -> bool:
        """True when the previous year was graded by the same scheme (no method break in between)."""
        return self.previous_year is not None and graded_alike(self.previous_year, self.year)

    def rows(self, section: str) -> pd.DataFrame:
        """The rows of one section; a section the report does not read is an empty frame of its table."""
        return next((p.rows for p in self.parts if p.section == section), pd.DataFrame())

    def entities(self) -> pd.DataFrame:
        """Every entity row the report reads, once (its own years, its peers, the kab/kota its map colours…)."""
        frames = [p.rows for p in self.parts if p.table == "entities"]
        if not frames:
            return pd.DataFrame(columns=["year", "entity_code", "entity_name", "entity_type"])
        return pd.concat(frames).drop_duplicates(["entity_code", "year"])

    def has(self, section: str) -> bool:
        return any(p.section == section for p in self.parts)

    def keys(self) -> set[tuple[str, int]]:
        """(code, year) of every row read: entity codes and unit codes ("17.02/dinkes") never collide."""
        column = {"entities": "entity_code", "units": "unit_code"}
        return {(str(c), int(y)) for p in self.parts
                for c, y in zip(p.rows[column[p.table]], p.rows["year"], strict=True)}


class Index:
    """Positions of the rows of each group a report may read, computed once per Dataset."""

    def __init__(self, data: dataset.Dataset):
        self.data = data
        e, u = data.entities, data.units
        self.own = e.groupby("entity_code", sort=False).indices
        self.of_type = e.groupby(["year", "entity_type"], sort=False).indices
        self.of_province = e.groupby(["year", "province_code", "entity_type"], sort=False).indices
        self.units_of = u.groupby(["parent_code", "year"], sort=False).indices
        self.located = u.groupby(["province_code", "year", "unit_type"], sort=False).indices
        self.aggregates_of = data.aggregates.groupby("year", sort=False).indices
        self.kabkota_years: dict[str, set[int]] = {}
        for (year, province, kind) in self.of_province:
            if kind in compare.PEER_TYPES:
                self.kabkota_years.setdefault(province, set()).add(int(year))

    def entities(self, *groups) -> pd.DataFrame:
        """The entity rows of these groups (each a key of one of the indexes, as (index, key))."""
        return self._take(self.data.entities, groups)

    def units(self, *groups) -> pd.DataFrame:
        return self._take(self.data.units, groups)

    @staticmethod
    def _take(table: pd.DataFrame, groups) -> pd.DataFrame:
        positions = sorted(int(p) for index, key in groups for p in index.get(key, ()))
        return table.take(positions)

    def peers(self, *groups) -> pd.DataFrame:
        """Entity rows of these groups in reading order: highest score first, label-only rows last."""
        return self.entities(*groups).sort_values(["score", "entity_code"], ascending=[False, True],
                                                  na_position="last", kind="stable")

    def year_aggregates(self, year: int) -> pd.DataFrame:
        return self.data.aggregates.take(sorted(self.aggregates_of.get(year, ())))


_INDEXES: list[Index] = []  # the indexes of the last Datasets used (a build uses one)


def index(data: dataset.Dataset) -> Index:
    """The Dataset's group index, kept for the last two Datasets (a test compares a copy with the shipped)."""
    for known in _INDEXES:
        if known.data is data:
            return known
    _INDEXES[:] = [Index(data), *_INDEXES[:1]]
    return _INDEXES[0]


def sampled_count(aggregates: pd.DataFrame, year: int, entity_type: str) -> int | None:
    """How many entities of a type the Ombudsman sampled in `year`, or None in a census year."""
    drawn = national_figures.sample(aggregates, year)
    return drawn.by_type.get(entity_type) if drawn else None


def type_set(ix: Index, year: int, entity_type: str, aggregates: pd.DataFrame) -> PeerSet:
    """Every entity of one type in one year, nationally, with the published number assessed or sampled."""
    return PeerSet(f"type.{entity_type}", ix.peers((ix.of_type, (year, entity_type))),
                   findings.assessed_count(aggregates, year, entity_type), sampled_count(aggregates, year, entity_type),
                   group_size(ix.data, year, None, (entity_type,)) if entity_type else None)


def kabkota(ix: Index, year: int, province: str) -> pd.DataFrame:
    return ix.peers(*((ix.of_province, (year, province, t)) for t in compare.PEER_TYPES))


def entity(data: dataset.Dataset, code: str, year: int) -> Selection:
    """An entity report: its own years, the kab/kota of its province (peers of a kab/kota, the map of a
    province), all of its type nationally, its units, and the aggregates of its year."""
    ix = index(data)
    own = ix.entities((ix.own, code)).sort_values("year", kind="stable")
    row = own[own["year"] == year]
    entity_type = str(row["entity_type"].iloc[0]) if len(row) else ""
    province = row["province_code"].iloc[0] if len(row) else None
    aggregates = ix.year_aggregates(year)
    peers, parts = {}, [Part("trend", "entities", own)]
    if entity_type in compare.PEMDA_TYPES and isinstance(province, str):
        rows = kabkota(ix, year, province)
        if entity_type in compare.PEER_TYPES:
            peers["province_kabkota"] = PeerSet("province_kabkota", rows, group_size=group_size(
                data, year, province, compare.PEER_TYPES))
        parts.append(Part("province_peers" if entity_type in compare.PEER_TYPES else "province_map", "entities",
                          rows))
    of_type = type_set(ix, year, entity_type, aggregates)
    peers[of_type.name] = of_type
    parts.append(Part("type_peers", "entities", of_type.rows))
    units = compare.unit_ranking(ix.units((ix.units_of, (code, year))), code, year)
    parts.append(Part("units", "units", units))
    labelled = own.loc[(own["year"] < year) & own["zone"].notna(), "year"]
    before = int(labelled.max()) if len(labelled) else None  # its "what changed" compares with that year
    if before is not None and entity_type in compare.PEER_TYPES and isinstance(province, str) \
            and graded_alike(before, year):  # its rank then, among the kab/kota of its province
        peers["previous"] = PeerSet("province_kabkota", kabkota(ix, before, province),
                                    group_size=group_size(data, before, province, compare.PEER_TYPES))
        parts.append(Part("previous_peers", "entities", peers["previous"].rows))
        aggregates = pd.concat([aggregates, ix.year_aggregates(before)])
    earlier = own.loc[(own["year"] < year) & own["score"].notna(), "year"]
    return Selection("entity", code, year, tuple(parts), aggregates, peers,
                     int(earlier.max()) if len(earlier) else None)


def province(data: dataset.Dataset, code: str, year: int) -> Selection:
    """A province report: its pemda of the year, every province (it is ranked among them), its kab/kota of
    the previous year when graded alike, the located units by type, and the national number of kabupaten
    and kota with data (its coverage sentence)."""
    ix = index(data)
    aggregates = ix.year_aggregates(year)
    pemda = ix.entities(*((ix.of_province, (year, code, t)) for t in compare.PEMDA_TYPES))
    provinces = type_set(ix, year, "provinsi", aggregates)
    peers = {"province_kabkota": PeerSet("province_kabkota", pemda[pemda["entity_type"].isin(compare.PEER_TYPES)],
                                         group_size=group_size(data, year, code, compare.PEER_TYPES)),
             provinces.name: provinces}
    parts = [Part("pemda", "entities", pemda.sort_values(["entity_type", "entity_code"], kind="stable")),
             Part("provinces", "entities", provinces.rows)]
    earlier = [y for y in ix.kabkota_years.get(code, ()) if y < year]
    previous = max(earlier) if earlier else None
    if previous is not None and graded_alike(previous, year):
        before = PeerSet("previous", kabkota(ix, previous, code))
        peers["previous"] = before
        parts.append(Part("previous", "entities", before.rows))
        aggregates = pd.concat([aggregates, ix.year_aggregates(previous)])  # its published counts then
    for unit_type in LOCATED_UNIT_TYPES:
        rows = ix.units((ix.located, (code, year, unit_type)))
        parts.append(Part(unit_type, "units", rows.sort_values(["score", "unit_code"], ascending=[False, True],
                                                               kind="stable")))
    counts = {}  # its coverage sentence: kabupaten / kota with data nationally, beside the number assessed
    for kind in compare.PEER_TYPES:
        of_type = type_set(ix, year, kind, aggregates)
        if of_type.n_published:
            counts[of_type.name] = of_type.n_with_data
    return Selection("province", code, year, tuple(parts), aggregates, peers, previous, counts)


def national(data: dataset.Dataset, year: int) -> Selection:
    """The national overview reads every entity row of every year (it shows no unit) and every aggregate."""
    rows = data.entities.sort_values(["year", "entity_code"], kind="stable")
    return Selection("national", "", year, (Part("entities", "entities", rows),), data.aggregates)


def select(data: dataset.Dataset, kind: str, code: str, year: int) -> Selection:
    """The selection of one report, by kind ("entity", "province", "national")."""
    if kind == "entity":
        return entity(data, code, year)
    if kind == "province":
        return province(data, code, year)
    if kind == "national":
        return national(data, year)
    raise ValueError(f"unknown report kind {kind!r}; kinds: {', '.join(KINDS)}")
