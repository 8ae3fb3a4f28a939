"""The report site around the reports: the landing page, the data behind each report, downloads, citation.

A report's CSV holds the rows it shows, picked with the same `compare` calls its view makes. Whether a
report is rebuilt depends on the rows it reads (`InputDigests`: its own rows, the peer sets it ranks
against or maps, its units, their sources and conflicts, its year's aggregates): a change elsewhere in
the data leaves it alone. The landing page of each language is one Jinja2
page with its rows in HTML and the name normalisation rules and alias keys as JSON, so its search
understands "Pemkab Rejang Lebong", "Kab. Rejang" or "17.02" from file:// with no network.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from . import __version__, compare, dataset, names, paths
from .files import atomic_write_bytes
from .messages import LANGS, Formatter, lang_root

TEMPLATES_DIR = Path(__file__).parent / "templates" / "site"
DOWNLOADS = "downloads"
#: The columns of a report's CSV, in order: what was shown, and where it was published.
CSV_COLUMNS = ("section", "year", "code", "name", "type", "province", "score", "zone", "category", "opinion",
               "source_url")
#: Zip entries get this date, so the XLSX download is byte-identical from one build to the next.
FIXED_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


# -- what a report shows --------------------------------------------------------------------------

def _frame(rows: pd.DataFrame, section: str, prefix: str = "entity") -> pd.DataFrame:
    """Rows of entities (prefix "entity") or units ("unit") in the columns of a report's CSV."""
    return pd.DataFrame({"section": section, "year": rows["year"], "code": rows[f"{prefix}_code"],
                         "name": rows[f"{prefix}_name"], "type": rows[f"{prefix}_type"],
                         "province": rows["province_name"], "score": rows["score"], "zone": rows["zone"],
                         "category": rows["category"], "opinion": rows["opinion"], "source_url": rows["source_url"]})


def shown_rows(data: dataset.Dataset, kind: str, code: str, year: int) -> pd.DataFrame:
    """The rows a report shows, one section per table: what its CSV holds and what its digest covers."""
    e, u = data.entities, data.units
    parts = []
    if kind == "entity":
        own = e[e["entity_code"] == code].sort_values("year")
        parts.append(_frame(own, "trend"))
        row = own[own["year"] == year]
        entity_type = str(row["entity_type"].iloc[0]) if len(row) else ""
        if entity_type in compare.PEER_TYPES:
            parts.append(_frame(compare.province_peers(e, year, row["province_code"].iloc[0]), "province_peers"))
        parts.append(_frame(compare.type_peers(e, year, entity_type), "type_peers"))
        parts.append(_frame(compare.unit_ranking(u, code, year), "units", "unit"))
    elif kind == "province":
        ranked_provinces = compare.type_peers(e, year, "provinsi")
        listed = e[(e["year"] == year) & (e["province_code"] == code) & e["entity_type"].isin(compare.PEMDA_TYPES)]
        parts.append(_frame(listed.sort_values(["entity_type", "entity_code"]), "pemda"))
        parts.append(_frame(ranked_provinces, "provinces"))
        earlier = e[(e["province_code"] == code) & (e["year"] < year) & e["entity_type"].isin(compare.PEER_TYPES)]
        if len(earlier):
            parts.append(_frame(compare.province_peers(e, int(earlier["year"].max()), code), "previous"))
        for unit_type in ("polres", "kantor_pertanahan"):
            parts.append(_frame(compare.located_units(u, code, year, unit_type), unit_type, "unit"))
    else:  # the national overview reads every year of every entity
        parts.append(_frame(e.sort_values(["year", "entity_code"]), "entities"))
    frame = pd.concat(parts, ignore_index=True)
    return frame.reindex(columns=list(CSV_COLUMNS))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.2f").encode("utf-8")


def _csv_lines(frame: pd.DataFrame) -> list[str]:
    """Each row as its own CSV line (newline included), from one `to_csv` of the whole frame (one per row
    cost ~0.4 s a build); a cell holding a line break (quoted over two lines) makes the split unsafe,
    and then each row is written alone."""
    def text(part: pd.DataFrame) -> str:
        return part.to_csv(index=False, header=False, lineterminator="\n")  # every digit: a hash sees any change

    lines = text(frame).splitlines(keepends=True)
    if len(lines) == len(frame) and all(line.endswith("\n") for line in lines):
        return lines
    return [text(frame.iloc[[i]]) for i in range(len(frame))]


def _texts_by_key(frame: pd.DataFrame, key: list[str]) -> dict[tuple, str]:
    """{key: the CSV lines of its rows, in frame order}."""
    texts: dict[tuple, str] = {}
    for group, line in zip(zip(*(frame[k] for k in key), strict=True), _csv_lines(frame), strict=True):
        texts[group] = texts.get(group, "") + line
    return texts


class InputDigests:
    """Hash of the data one report reads: the rows it shows (its own, the peer sets it ranks against, its
    units), the sources and conflicts behind each of them, and the aggregates of its year (of every year
    for the national overview). Row and peer-set hashes are computed once per build, not once per report."""

    def __init__(self, data: dataset.Dataset):
        self.data = data
        self.rows = {**self._row_digests(data.entities, data.entity_sources, "entity_code"),
                     **self._row_digests(data.units, data.unit_sources, "unit_code")}
        self.aggregates: dict[int | None, str] = {}
        self.reports: dict[tuple, str] = {}
        self._groups()

    def _row_digests(self, rows: pd.DataFrame, sources: pd.DataFrame, column: str) -> dict[tuple, str]:
        source_text = _texts_by_key(sources, [column, "year"])
        c = self.data.conflicts
        conflict_text = _texts_by_key(c, ["code", "year"]) if len(c) else {}
        digests = {}
        for key, line in zip(zip(rows[column], rows["year"], strict=True), _csv_lines(rows), strict=True):
            key = (str(key[0]), int(key[1]))
            body = line + source_text.get(key, "") + conflict_text.get(key, "")
            digests[key] = hashlib.sha256(body.encode()).hexdigest()
        return digests

    def _digest(self, keys) -> str:
        """One hash over a set of rows (their order is the view's business: it follows from their content)."""
        return hashlib.sha256("".join(sorted(self.rows[k] for k in keys)).encode()).hexdigest()

    def _groups(self) -> None:
        e, u = self.data.entities, self.data.units
        keys = list(zip(e["entity_code"].astype(str), e["year"].astype(int), strict=True))
        unit_keys = list(zip(u["unit_code"].astype(str), u["year"].astype(int), strict=True))
        self.own, self.of_type, self.of_province, self.units_of, self.located = {}, {}, {}, {}, {}
        for key, kind, province in zip(keys, e["entity_type"], e["province_code"], strict=True):
            self.own.setdefault(key[0], []).append(key)
            self.of_type.setdefault((key[1], kind), []).append(key)
            self.of_province.setdefault((key[1], province, kind), []).append(key)
        for key, parent, province, unit_type in zip(unit_keys, u["parent_code"], u["province_code"], u["unit_type"],
                                                    strict=True):
            self.units_of.setdefault((parent, key[1]), []).append(key)
            self.located.setdefault((province, key[1], unit_type), []).append(key)
        self.years_of_province = {}
        for (year, province, kind) in self.of_province:
            if kind in compare.PEER_TYPES:
                self.years_of_province.setdefault(province, set()).add(year)

    def __call__(self, kind: str, code: str, year: int) -> str:
        if (kind, code, year) not in self.reports:
            scope = None if kind == "national" else year
            if scope not in self.aggregates:
                a = self.data.aggregates
                chosen = a if scope is None else a[a["year"] == year]
                self.aggregates[scope] = hashlib.sha256(csv_bytes(chosen)).hexdigest()
            body = self.aggregates[scope] + "".join(self._digest(keys) for keys in self._sets(kind, code, year))
            self.reports[(kind, code, year)] = hashlib.sha256(body.encode()).hexdigest()
        return self.reports[(kind, code, year)]

    def _sets(self, kind: str, code: str, year: int) -> list[list[tuple]]:
        """The groups of rows a report reads, as `shown_rows` picks them (label-only rows included: lists show them)."""
        if kind == "national":  # every entity row of every year; it shows no unit
            return [[key for keys in self.own.values() for key in keys]]
        if kind == "entity":
            own = self.own.get(code, [])
            entity = self.data.names.entities.get(code)
            entity_type, province = (entity.type, entity.province_code) if entity else ("", "")
            sets = [own, self.of_type.get((year, entity_type), []), self.units_of.get((code, year), [])]
            if entity_type in compare.PEMDA_TYPES:  # ranked among (kab/kota) or shown on the map with its kab/kota
                sets.append([k for t in compare.PEER_TYPES for k in self.of_province.get((year, province, t), [])])
            return sets
        sets = [[k for t in compare.PEMDA_TYPES for k in self.of_province.get((year, code, t), [])],
                self.of_type.get((year, "provinsi"), [])]
        earlier = [y for y in self.years_of_province.get(code, ()) if y < year]
        if earlier:
            sets.append([k for t in compare.PEER_TYPES for k in self.of_province.get((max(earlier), code, t), [])])
        sets += [self.located.get((code, year, t), []) for t in ("polres", "kantor_pertanahan")]
        return sets


def code_digest() -> str:
    """Hash of everything in the package that shapes a page: modules, templates, catalogue."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in here.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(here)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def reference_digest(data_dir: str = "") -> str:
    """Hash of the reference files (regions, aliases, grading schemes, boundary geometry)."""
    root = paths.reference_dir(data_dir or None)
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# -- downloads ------------------------------------------------------------------------------------

DATASET_TABLES = ("entities", "units", "aggregates")


def _stable_zip(raw: bytes) -> bytes:
    """The same zip with fixed entry dates and order: openpyxl stamps the time of writing."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time as "modified"
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2020-01-01T00:00:00Z", content)
            target.writestr(fixed, content)
    return out.getvalue()


def dataset_xlsx(data: dataset.Dataset) -> bytes:
    from datetime import datetime

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name in DATASET_TABLES:
            getattr(data, name).to_excel(writer, sheet_name=name, index=False)
        book = writer.book
        book.properties.created = book.properties.modified = datetime(2020, 1, 1)
        book.properties.creator = "kepatuhan"
    return _stable_zip(buffer.getvalue())


def write_downloads(out: Path, data: dataset.Dataset, state: Path | None = None) -> dict[str, str]:
    """The whole validated dataset as CSV (one file per table) and XLSX, with a README of columns and licences.

    The XLSX costs ~0.3 s to write: with a `state` folder, its key (the tables, the README, the
    package) is kept there and an unchanged workbook that is still on disk is not written again."""
    files, contents = {}, {}
    for name in DATASET_TABLES:
        contents[name] = csv_bytes(getattr(data, name))
        files[name] = f"{DOWNLOADS}/kepatuhan-{name}.csv"
    contents["readme"] = downloads_readme(data).encode("utf-8")
    files["readme"] = f"{DOWNLOADS}/README.txt"
    for name, content in contents.items():
        atomic_write_bytes(out / files[name], content)
    files["xlsx"] = f"{DOWNLOADS}/kepatuhan.xlsx"
    key = hashlib.sha256(b"".join(hashlib.sha256(c).digest() for c in contents.values())
                         + code_digest().encode()).hexdigest()
    stamp = state / "downloads.sha256" if state is not None else None
    if stamp is None or not (out / files["xlsx"]).is_file() or not stamp.is_file() or stamp.read_text() != key:
        atomic_write_bytes(out / files["xlsx"], dataset_xlsx(data))
        if stamp is not None:
            atomic_write_bytes(stamp, key.encode())
    return {name: files[name] for name in (*DATASET_TABLES, "xlsx", "readme")}


def downloads_readme(data: dataset.Dataset) -> str:
    f = Formatter("en")
    lines = [f("site.readme.title", version=data.version), "", f("site.readme.intro"), ""]
    for name in DATASET_TABLES:
        lines.append(f"kepatuhan-{name}.csv ({len(getattr(data, name))} rows; also a sheet of kepatuhan.xlsx)")
        lines += [f"  {column}: {f(f'site.column.{column}') if f.has(f'site.column.{column}') else ''}".rstrip()
                  for column in getattr(data, name).columns]
        lines.append("")
    lines += [f("site.readme.licences"), ""]
    return "\n".join(lines)


# -- the landing page -----------------------------------------------------------------------------

def search_keys(data: dataset.Dataset) -> dict[str, list[str]]:
    """{code: comparison keys of its name and of every alias}, as `names.split_name` makes them."""
    keys: dict[str, set[str]] = {}
    for entity in data.names.entities.values():
        keys.setdefault(entity.code, set()).add(names.split_name(entity.name)[1])
    for alias, code in zip(data.aliases["alias"], data.aliases["code"], strict=True):
        keys.setdefault(str(code), set()).add(names.split_name(str(alias))[1])
    return {code: sorted(k for k in found if k) for code, found in keys.items()}


def headline(data: dataset.Dataset, f: Formatter) -> dict:
    """Figures of the latest year: results in the data per type and zone, beside the published count."""
    e, a = data.entities, data.aggregates
    year = int(e["year"].max())
    rows = e[e["year"] == year]
    national = a[(a["year"] == year) & a["scope_code"].isna()]
    published = national[national["measure"].isin(["assessed", "sampled"]) & (national["entity_type"] != "all")]
    published = dict(zip(published["entity_type"], published["count"].astype(int), strict=True))
    table = []
    for entity_type, group in rows.groupby("entity_type"):
        zones = group["zone"].value_counts()
        table.append({"type": f(f"site.types.{entity_type}"), "n": int(len(group)),
                      "scored": int(group["score"].notna().sum()),
                      "of": published.get(entity_type), "zones": {z: int(zones.get(z, 0)) for z in
                                                                  ("hijau", "kuning", "merah")}})
    total = national[national["entity_type"].eq("all") & national["measure"].isin(["assessed", "sampled"])]
    measure = "sampled" if "sampled" in set(national["measure"]) else "assessed"
    return {"year": year, "n": int(len(rows)), "of": int(total["count"].iloc[0]) if len(total) else None,
            "measure": measure, "rows": table}


def landing_head(data: dataset.Dataset, lang: str, links: dict, n: int, base_url: str = "") -> dict:
    """Description, favicon, canonical, hreflang, share tags and the JSON-LD `Dataset` of a landing page."""
    from . import sharing

    f = Formatter(lang)
    path = lang_root(lang) + "index.html"
    url = sharing.absolute(base_url, path) if base_url else ""
    text = f("site.description", n=f.int(n))
    downloads = [{"@type": "DataDownload", "encodingFormat": "text/csv" if href.endswith(".csv") else
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "contentUrl": sharing.absolute(base_url, href[len(links["up"]):]) if base_url else href}
                 for name, href in sorted(links["downloads"].items()) if name != "readme"]
    dataset_ld = {"@context": "https://schema.org", "@type": "Dataset", "name": f("site.heading"),
                  "description": f("site.intro"), "inLanguage": lang, "version": data.version,
                  "isAccessibleForFree": True, "creator": {"@type": "Organization", "name": "kepatuhan"},
                  "license": f("page.licence"), "distribution": downloads,
                  "temporalCoverage": "/".join(str(y) for y in (int(data.entities["year"].min()),
                                                                 int(data.entities["year"].max())))}
    if url:
        dataset_ld["url"] = url
    twins = [(other, lang_root(other) + "index.html") for other in LANGS if other != lang]
    return {"description": text, "canonical": url, "favicon": links["up"] + "favicon.svg",
            "alternates": sharing.alternates(base_url, path, lang, twins), "dataset": dataset_ld,
            "share_tags": [dict(t, content="website") if t["name"] == "og:type" else t
                           for t in sharing.share_tags(f, f("site.title"), text, url, "", lang)]}


def landing_html(entries: list[dict], data: dataset.Dataset, lang: str, links: dict, base_url: str = "") -> bytes:
    from jinja2 import Environment, FileSystemLoader

    f = Formatter(lang)
    years = sorted({e["year"] for e in entries if e["year"]}, reverse=True)
    provinces = sorted({(e["province_code"], e["province"]) for e in entries if e["province"]})
    types = sorted({e["type"] for e in entries if e["type"]})
    rules = {"prefixes": [list(p) for p in names._PREFIXES]}
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    page = env.get_template("index.html.j2").render(
        f=f, lang=lang, entries=entries, years=years, provinces=provinces, types=types, rules=rules,
        keys=search_keys(data), headline=headline(data, f), links=links, version=data.version,
        package=__version__, zones=("hijau", "kuning", "merah"),
        head=landing_head(data, lang, links, len(entries), base_url),
        categories=sorted({e["category"] for e in entries if e["category"]}))
    return page.encode("utf-8")


def write_landing(out: Path, data: dataset.Dataset, reports: list[dict], state: Path | None = None,
                  base_url: str = "") -> list[Path]:
    """reports/index.html and reports/en/index.html, each listing that language's reports on disk."""
    downloads = write_downloads(out, data, state)
    written = []
    for lang in LANGS:
        root = lang_root(lang)
        up = "../" * root.count("/")
        mine = [r for r in reports if r["lang"] == lang]
        for r in mine:
            r["href"] = r["slug"][len(root):] + ".html"
            r["csv"] = r["slug"][len(root):] + ".csv" if (out / f"{r['slug']}.csv").is_file() else ""
        links = {"downloads": {k: up + v for k, v in downloads.items()}, "up": up,
                 "methodology": "methodology.html",
                 "national": next((r["href"] for r in sorted(mine, key=lambda r: -(r["year"] or 0))
                                   if r["kind"] == "national"), ""),
                 "twins": {other: up + lang_root(other) + "index.html" for other in LANGS if other != lang}}
        target = out / root / "index.html"
        atomic_write_bytes(target, landing_html(mine, data, lang, links, base_url))
        written.append(target)
    return written

