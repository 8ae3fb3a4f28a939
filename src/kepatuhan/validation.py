"""Raw string tables → typed, checked tables. Every fault becomes a Problem naming file, line, column.

Parsing (text → number/label) is done here cell by cell so each message can quote the bad text;
value rules (ranges, vocabularies, URL form) are declared as pandera schemas; rules that look across
rows or at the region list (codes exist, types agree, duplicates, label against band) follow.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pandera.pandas as pa

from . import grading, schema
from .errors import Problem
from .io import COLUMNS, LABEL_COLUMNS, RawTable
from .parsing import URL_PATTERN, parse_canonical_score, parse_flag
from .paths import code_fault

#: Vocabularies of data/reference/columns.csv (the one schema of the published tables).
UNIT_TYPES = schema.columns("units")["unit_type"].allowed
PEMDA_UNIT_TYPES = UNIT_TYPES[:6]
AGGREGATE_TYPES = schema.columns("aggregates")["entity_type"].allowed
#: `sampled` counts the loci of a sample (2025) where `assessed` counts a near-census; `mean_score`
#: carries a published mean score in `percent` over `count` loci.
MEASURES = schema.columns("aggregates")["measure"].allowed
UNIT_PARENTS = {"polres": "polri", "kantor_pertanahan": "kementerian-atr-bpn"}
_URL_ERROR = "must be an http(s) address (source_url)"
#: Raw kind → the published table whose columns.csv rows describe its columns.
_TABLE_OF = {"entity": "entities", "unit": "units", "aggregate": "aggregates"}


def _pandera_column(column: schema.Column) -> pa.Column:
    """One column's checks as columns.csv states them; the messages are those `kepatuhan validate` prints."""
    blank = not column.required
    if column.type == "integer":
        dtype = "Int64"
    else:
        dtype = {"number": float, "boolean": bool}.get(column.type, str)
    checks = []
    if column.allowed:
        checks.append(pa.Check.isin(column.allowed, error="must be " + schema.values_text(column.allowed, blank)))
    elif column.format == "uri":
        checks.append(pa.Check.str_matches(URL_PATTERN, error=_URL_ERROR))
    elif column.type == "string" and column.required:
        checks.append(pa.Check.str_length(min_value=1, error="must not be blank"))
    if column.minimum is not None and column.maximum is not None:
        checks.append(pa.Check.in_range(column.minimum, column.maximum,
                                        error=f"must be between {column.minimum:g} and {column.maximum:g}"))
    elif column.minimum == 0:
        checks.append(pa.Check.ge(0, error="must not be negative"))
    return pa.Column(dtype, checks, nullable=blank, coerce=column.type == "integer")


SCHEMAS = {
    kind: pa.DataFrameSchema({name: _pandera_column(schema.columns(_TABLE_OF[kind])[name])
                              for name in COLUMNS[kind]})
    for kind in COLUMNS
}


def validate_table(table: RawTable, regions: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed frame (index = file line) and the problems found; rows with problems are still kept."""
    problems: list[Problem] = []
    typed = _convert(table, problems)
    try:
        if len(typed):
            SCHEMAS[table.kind].validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        for case in exc.failure_cases.itertuples():
            if case.column is None or pd.isna(case.index):
                problems.append(Problem(table.label, None, str(case.column or ""), str(case.check)))
                continue
            if case.failure_case in ("", None):
                message = case.check if "blank" in case.check else f"blank {case.check}"
            else:
                message = f"{case.failure_case!r} {case.check}"
            problems.append(Problem(table.label, int(case.index), case.column, message))
    problems += _cross_checks(table, typed, regions)
    problems += unit_code_problems(table) + name_problems(table)
    return typed, problems


def _optional_score(text: str) -> float | None:
    return parse_canonical_score(text) if text else None


#: Columns that may be blank: a percent, and an entity's score when a label is published instead.
_MAY_BE_BLANK = {"aggregate": ("percent",), "entity": ("score",), "unit": ()}


def _convert(table: RawTable, problems: list[Problem]) -> pd.DataFrame:
    raw = table.frame
    typed = raw.copy()
    failed: set[int] = set()
    for column in COLUMNS[table.kind]:
        if column in _PARSED:
            parse, dtype = _PARSED[column]
            optional = column in _MAY_BE_BLANK[table.kind]
            values = [_cell(table, line, column, v, parse, problems, failed) if v or not optional else None
                      for line, v in raw[column].items()]
            typed[column] = pd.Series(values, index=raw.index, dtype=object).astype(dtype)
        elif column in _OPTIONAL_TEXT:
            typed[column] = pd.Series([v or None for v in raw[column]], index=raw.index, dtype=object)
    for column in LABEL_COLUMNS[table.kind]:
        typed[column] = pd.Series([v or None for v in raw[column]], index=raw.index, dtype=object)
    if "maladministrasi" in typed:
        typed["maladministrasi"] = [
            _cell(table, line, "maladministrasi", v, parse_flag, problems, failed) if v else None
            for line, v in typed["maladministrasi"].items()
        ]
    # Rows whose cells did not parse are already reported; keep them out of the value checks.
    typed = typed[~typed.index.isin(failed)]
    if "year" in typed:
        typed["year"] = typed["year"].astype(int)
    return typed


def _cell(table, line, column, value, parse, problems, failed):
    if value == "":
        problems.append(Problem(table.label, line, column, "must not be blank"))
        failed.add(line)
        return None
    try:
        return parse(value)
    except ValueError as exc:
        problems.append(Problem(table.label, line, column, str(exc)))
        failed.add(line)
        return None


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit()):  # int() would take "２０２４"
        raise ValueError(f"{text!r} is not a year")
    year = int(text)
    grading.scheme_for(year)  # raises the reason a year cannot be used
    return year


def _count(text: str) -> int:
    if text.startswith("-") and text[1:].isdigit():
        raise ValueError(f"{text!r} must not be negative")
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"{text!r} is not a whole number")
    if len(text) > 9:  # more than any count of Indonesian public bodies, and Int64 overflows at 19 digits
        raise ValueError(f"{text!r} is too large for a count")
    return int(text)


# column → (parser of its text, dtype of the parsed column); blank cells of required columns are reported
_PARSED = {
    "year": (_year, "Int64"),
    "score": (parse_canonical_score, float),
    "count": (_count, "Int64"),
    "percent": (_optional_score, float),
}
_OPTIONAL_TEXT = ("zone", "category", "province_code", "scope_code")


def _cross_checks(table: RawTable, typed: pd.DataFrame, regions: pd.DataFrame) -> list[Problem]:
    label, problems = table.label, []
    known = regions.set_index("code")

    def need(line, column, code, types=None, what="code"):
        if not _present(code):
            return None
        if code_fault(code):
            problems.append(Problem(label, line, column, code_fault(code)))
            return None
        if code not in known.index:
            message = f"unknown {what} {code!r} (not in data/reference/regions.csv)"
            problems.append(Problem(label, line, column, message))
            return None
        region = known.loc[code]
        if types and region["type"] not in types:
            problems.append(
                Problem(label, line, column, f"{code!r} is a {region['type']}, expected {' or '.join(types)}")
            )
        return region

    for line, row in typed.iterrows():
        if table.kind == "entity":
            region = need(line, "entity_code", row["entity_code"])
            if region is not None and region["type"] != row["entity_type"]:
                problems.append(Problem(label, line, "entity_type",
                                        f"{row['entity_type']!r} but {row['entity_code']!r} is a {region['type']}"))
            _province_check(problems, label, line, row, region, need)
        elif table.kind == "unit":
            parent = UNIT_PARENTS.get(row["unit_type"])
            if parent:
                if row["parent_code"] != parent:
                    message = f"a {row['unit_type']} unit belongs to {parent!r}, not {row['parent_code']!r}"
                    problems.append(Problem(label, line, "parent_code", message))
            else:
                need(line, "parent_code", row["parent_code"], ("kabupaten", "kota", "provinsi"))
            location = need(line, "location_code", row["location_code"], ("kabupaten", "kota", "provinsi"))
            _province_check(problems, label, line, row, location, need)
        else:
            if _present(row["scope_code"]):
                need(line, "scope_code", row["scope_code"], ("provinsi",), what="province code")
        if table.kind in ("entity", "unit"):
            problems += _label_checks(label, line, row)
    problems += _duplicates(table)
    return problems


def _province_check(problems, label, line, row, region, need):
    province = row["province_code"] if _present(row["province_code"]) else None
    if province:
        need(line, "province_code", province, ("provinsi",), what="province code")
    if region is None:
        return
    expected = region["province_code"] if isinstance(region["province_code"], str) else ""
    if (province or "") != expected:
        problems.append(Problem(label, line, "province_code",
                                f"{province or 'blank'!r} but {region.name!r} lies in {expected or 'no province'!r}"))


def _label_checks(label, line, row) -> list[Problem]:
    year, score = row["year"], row["score"]
    score = None if score != score else score
    labels = {c: row[c] if _present(row.get(c)) else None
              for c in ("zone", "category", "opinion", "service_quality")}
    flag = row.get("maladministrasi") if _present(row.get("maladministrasi")) else None
    if score is not None and not 0 <= score <= 100:
        return []  # already reported by the schema
    if labels["zone"] not in (None, *grading.ZONES) or labels["category"] not in (None, *grading.CATEGORIES):
        return []  # vocabulary already reported by the schema
    if score is None and not any(labels.values()):
        return [Problem(label, line, "score", "blank, and no zone, category or opini is published")]
    return [Problem(label, line, issue.column, issue.message, issue.warning)
            for issue in grading.label_problems(score, year, *labels.values(), flag=flag)]


def order_problems(entities: pd.DataFrame) -> list[Problem]:
    """Published zones that contradict each other in order, within one year and entity type.

    A lower score with a better published zone than a higher score cannot both be right, whatever
    the bands were; one line per row with the lower score, naming the first higher score it beats.
    """
    rank = {zone: i for i, zone in enumerate(reversed(grading.ZONES))}  # merah 0 … hijau 2
    problems = []
    rows = entities[entities["score"].notna()].copy()
    rows["published"] = [
        z if _present(z) else grading.label_zone(y, c if _present(c) else None, o if _present(o) else None)
        for z, c, o, y in zip(rows["zone"], rows["category"], rows.get("opinion", pd.Series(None, index=rows.index)),
                              rows["year"], strict=True)
    ]
    rows = rows[rows["published"].isin(grading.ZONES)]  # an unknown zone is reported by the schema
    for (year, kind), group in rows.groupby(["year", "entity_type"], sort=True):
        group = group.sort_values("score", kind="stable")
        for low in group.itertuples(index=False):
            beaten = group[(group["score"] > low.score)
                           & (group["published"].map(rank) < rank[low.published])]
            if len(beaten):
                high = beaten.iloc[0]
                problems.append(Problem(
                    low.file, int(low.line), "zone",
                    f"published zona {low.published} at {low.score:.2f} ranks above zona {high['published']} "
                    f"at {high['score']:.2f} ({high['file']}:{high['line']}) among {year} {kind}"))
    return problems + _opinion_order_problems(rows)


def _opinion_order_problems(rows: pd.DataFrame) -> list[Problem]:
    """Opini levels out of order within one zone, year and entity type: in 2025 Kualitas Tertinggi at
    80.00 beside Kualitas Tinggi at 86.00 cannot both be right, whatever the (inferred) bands were."""
    if "opinion" not in rows:
        return []
    problems = []
    levelled = rows[rows["opinion"].map(_present)]
    if levelled.empty:
        return []
    for (year, kind, _zone), group in levelled.groupby(["year", "entity_type", "published"], sort=True):
        levels = [b.opinion for b in grading.bands_for(int(year)).bands if b.opinion]  # highest band first
        rank = {level: len(levels) - levels.index(level) for level in levels}
        group = group[group["opinion"].isin(rank)].sort_values("score", kind="stable")
        for low in group.itertuples(index=False):
            beaten = group[(group["score"] > low.score) & (group["opinion"].map(rank) < rank[low.opinion])]
            if len(beaten):
                high = beaten.iloc[0]
                problems.append(Problem(
                    low.file, int(low.line), "opinion",
                    f"published opini {low.opinion} at {low.score:.2f} ranks above opini {high['opinion']} "
                    f"at {high['score']:.2f} ({high['file']}:{high['line']}) among {year} {kind}"))
    return problems


def _present(value) -> bool:
    return isinstance(value, str) and value != ""


def _duplicates(table: RawTable) -> list[Problem]:
    frame = table.frame
    first_line: dict[tuple, int] = {}
    problems = []
    for line, values in zip(frame.index, map(tuple, frame.itertuples(index=False)), strict=True):
        if values in first_line:
            problems.append(Problem(table.label, int(line), "", f"exact duplicate of line {first_line[values]}"))
        else:
            first_line[values] = int(line)
    return problems


#: A unit code: its owner (a region code or a K/L short name), a slash, the unit's own slug.
UNIT_CODE = re.compile(r"[a-z0-9][a-z0-9.-]*/[a-z0-9][a-z0-9._-]*")


def unit_code_problems(table: RawTable) -> list[Problem]:
    """A unit code is plain (no markup) and agrees with its row: a pemda unit's code starts with its
    parent's code (`17.02/dinkes` belongs to 17.02), a Polres or Kantor Pertanahan code ends with its
    location (`polri/17.04` lies in 17.04)."""
    if table.kind != "unit":
        return []
    problems = []
    for line, row in table.frame.iterrows():
        code = row["unit_code"]
        if not UNIT_CODE.fullmatch(code):
            problems.append(Problem(table.label, int(line), "unit_code", f"{code!r} is not OWNER/slug "
                                    "(lower-case letters, digits, '.', '-' only)"))
            continue
        owner, own = code.split("/", 1)
        if row["unit_type"] in UNIT_PARENTS:
            if own != row["location_code"]:
                problems.append(Problem(table.label, int(line), "unit_code", f"{code!r} ends in {own!r} but the "
                                        f"unit lies in {row['location_code']!r}"))
        elif owner != row["parent_code"]:
            problems.append(Problem(table.label, int(line), "unit_code", f"{code!r} starts with {owner!r} but its "
                                    f"parent_code is {row['parent_code']!r}"))
    return problems


def repeated_across_files(tables: dict[str, list[pd.DataFrame]]) -> list[Problem]:
    """The same row in two files (a list imported twice) counts once as a source, so it is an error."""
    problems = []
    for kind, frames in tables.items():
        first: dict[tuple, tuple[str, int]] = {}
        for frame in frames:
            for values, label, line in zip(frame[list(COLUMNS[kind])].astype(str).itertuples(index=False, name=None),
                                           frame["file"], frame["line"], strict=True):
                seen = first.setdefault(values, (label, int(line)))
                if seen[0] != label:
                    problems.append(Problem(label, int(line), "", f"the same row as {seen[0]}:{seen[1]}"))
    return problems


def name_problems(table: RawTable) -> list[Problem]:
    """Names go into CSV downloads and pages: none may start like a spreadsheet formula or hide a control
    character (a line break, a NUL) or a format character (a bidi override reads a finding backwards);
    source addresses are links: no control or format character either."""
    from .guards import FORMULA_SIGNS, hidden_character

    problems = []
    column = {"entity": "entity_name", "unit": "unit_name"}.get(table.kind)
    for line, name in table.frame[column].items() if column else ():
        if name.startswith(FORMULA_SIGNS):
            problems.append(Problem(table.label, int(line), column, f"{name!r} starts with {name[0]!r}, which a "
                                    "spreadsheet runs as a formula; remove the sign"))
        elif any(unicodedata.category(c) == "Cc" for c in name):
            problems.append(Problem(table.label, int(line), column, f"{name!r} holds a control character"))
        elif hidden_character(name):
            problems.append(Problem(table.label, int(line), column, hidden_character(name)))
    for line, url in table.frame["source_url"].items():
        odd = next((c for c in url if unicodedata.category(c) == "Cc"), None)
        if odd is not None:
            problems.append(Problem(table.label, int(line), "source_url", f"control character U+{ord(odd):04X} "
                                                                          "inside the address; remove it"))
        elif hidden_character(url):
            problems.append(Problem(table.label, int(line), "source_url", hidden_character(url)))
    return problems
