"""The landing page of each language: headline figures, the first page of the report table, and a search
over every report that is fetched only when the reader uses it.

The page itself carries the first page of rows (the newest year first) as HTML, so it is small, fast on a
phone and readable without a script. Everything the search and the facets need (every row, the name rules
and the keys of `landing_search`: names and aliases, service units, names with no report) is one file
beside it, `search-index.js`, loaded when the reader first touches a control. It is a script, not JSON
fetched, so the search works from file:// too; its one statement hands a JSON value to the page's code,
which builds rows with DOM calls (text, never markup). Its search understands "Pemkab Rejang Lebong",
"Kab. Rejang", "Central Java", "Bogor Regency", "Kemenkeu", "Puskesmas" or "17.02" with no network.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import __version__, dataset, grading, landing_search, names
from .files import atomic_write_bytes, write_if_changed
from .messages import LANGS, Formatter, lang_root
from .site import write_downloads

TEMPLATES_DIR = Path(__file__).parent / "templates" / "site"
#: Rows in the table at once, on the page as written and on each page the search shows.
PAGE_ROWS = 50
#: The search's data, beside each language's index.html.
SEARCH_INDEX = "search-index.js"
#: The fields of a row in the search index, in order (each row is a list: a tenth of the bytes of objects).
ROW_FIELDS = ("kind", "code", "name", "type", "province", "provinceName", "year", "score", "scoreShown", "zone",
              "category", "opinion", "href", "csv", "status")


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


def rankings_on_disk(out: Path, lang: str) -> dict:
    """The national ranking pages of the latest year that has any on disk: {year, pages: [[label, href]]}."""
    from .navigation import RANKED_TYPES, RankingPage

    root = out / lang_root(lang) / "ranking"
    years = sorted((int(p.name) for p in root.glob("*") if p.name.isdigit()), reverse=True) if root.is_dir() else []
    f = Formatter(lang)
    for year in years:
        pages = [RankingPage(year, t) for t in RANKED_TYPES if (root / str(year) / f"{t}.html").is_file()]
        if pages:
            return {"year": year, "pages": [[f(f"set.type.{p.entity_type}"), p.slug + ".html"] for p in pages]}
    return {}


def _opinions(entries: list[dict]) -> list[str]:
    """The opini levels the rows carry, in the grading scheme's order (unknown ones after, sorted)."""
    levels = [b.opinion for s in grading.default_schemes().schemes for bs in s.band_sets for b in bs.bands
              if b.opinion]
    present = {e["opinion"] for e in entries if e.get("opinion")}
    return [o for o in dict.fromkeys(levels) if o in present] + sorted(present - set(levels))


def _row(e: dict) -> list[str]:
    """One report as the search index lists it (`ROW_FIELDS`); a report not on disk has no link."""
    return [e["kind"], e["code"], e["name"], e["type"], e["province_code"], e["province"], str(e["year"] or ""),
            e["score_value"], e["score_shown"], e["zone"], e["category"], e.get("opinion") or "",
            e["href"] if e["built"] else "", e["csv"], "" if e["built"] else e["status"]]


def search_index(entries: list[dict], data: dataset.Dataset) -> bytes:
    """The search's data of one language as the script file the page loads on first use.

    Parameters
    ----------
    entries : list of dict
        The language's report rows, in the table's order (`reports_index.write_index`).
    data : dataset.Dataset
        Its names, aliases, units and regions, for the search keys.

    Returns
    -------
    bytes
        One statement, `kepatuhanSearch(<JSON>);`, deterministic (keys sorted).
    """
    value = {"fields": list(ROW_FIELDS), "rows": [_row(e) for e in entries],
             "rules": {"prefixes": [list(p) for p in names._PREFIXES], "suffixes": [list(p) for p in names._SUFFIXES]},
             "keys": landing_search.search_keys(data), "units": landing_search.unit_keys(data),
             "absent": landing_search.absent_regions(data)}
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"kepatuhanSearch({text});\n".encode()


def landing_html(entries: list[dict], data: dataset.Dataset, lang: str, links: dict, base_url: str = "",
                 index_src: str = SEARCH_INDEX) -> bytes:
    """The landing page of one language: its first `PAGE_ROWS` rows as HTML, `index_src` loaded on first use.

    Parameters
    ----------
    entries : list of dict
        The language's report rows, in the table's order.
    data : dataset.Dataset
        For the facets' values, the headline figures and the page's head.
    lang : str
        "id" or "en".
    links : dict
        Hrefs of the downloads, the methodology, the national report, the twin and the ranking pages.
    base_url : str
        The site's address, for canonical and share tags ("" leaves them out).
    index_src : str
        Where the page loads the search index from (with a content hash, so a browser never keeps an old one).

    Returns
    -------
    bytes
        The page, UTF-8.
    """
    from jinja2 import Environment, FileSystemLoader

    f = Formatter(lang)
    opinions = _opinions(entries)
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    words = {"count": f("site.count", n="{n}"), "page": f("site.pager.page", first="{first}", last="{last}", n="{n}"),
             "absent": f("site.search.absent", name="{name}"), "coverage": f("site.link.coverage"),
             "coverage_href": links["methodology"] + "#coverage", "unit": f("site.search.unit", unit="{unit}"),
             "failed": f("site.search.failed", file=SEARCH_INDEX),
             "opinions": {o: f(f"site.opinion.{o}") for o in opinions},
             "types": {t: f(f"site.type.{t}") for t in sorted({e["type"] for e in entries if e["type"]})},
             "kinds": {k: f(f"site.kind.{k}") for k in sorted({e["kind"] for e in entries})},
             "zones": {z: f(f"zone.{z}.short") for z in ("hijau", "kuning", "merah")}}
    page = env.get_template("index.html.j2").render(
        f=f, lang=lang, entries=entries, first_page=entries[:PAGE_ROWS], page_rows=PAGE_ROWS, words=words,
        index_src=index_src, years=sorted({e["year"] for e in entries if e["year"]}, reverse=True),
        provinces=sorted({(e["province_code"], e["province"]) for e in entries if e["province"]}),
        types=sorted({e["type"] for e in entries if e["type"]}), opinions=opinions, headline=headline(data, f),
        links=links, version=data.version, package=__version__, zones=("hijau", "kuning", "merah"),
        head=landing_head(data, lang, links, len(entries), base_url),
        categories=sorted({e["category"] for e in entries if e["category"]}))
    return page.encode("utf-8")


def write_landing(out: Path, data: dataset.Dataset, reports: list[dict], state: Path | None = None,
                  base_url: str = "") -> list[Path]:
    """reports/index.html and reports/en/index.html, each listing that language's reports on disk, with the
    search index beside each."""
    downloads = write_downloads(out, data, state)
    written = []
    for lang in LANGS:
        root = lang_root(lang)
        up = "../" * root.count("/")
        mine = [r for r in reports if r["lang"] == lang]
        for r in mine:
            r["href"] = r["slug"][len(root):] + ".html"
            csv = r["slug"][len(root):] + ".csv"  # one file for both languages, below the reports folder
            r["csv"] = up + csv if (out / csv).is_file() else ""
        links = {"downloads": {k: up + v for k, v in downloads.items()}, "up": up,
                 "methodology": "methodology.html",
                 "national": next((r["href"] for r in sorted(mine, key=lambda r: -(r["year"] or 0))
                                   if r["kind"] == "national"), ""),
                 "twins": {other: up + lang_root(other) + "index.html" for other in LANGS if other != lang},
                 "rankings": rankings_on_disk(out, lang)}
        index = search_index(mine, data)
        write_if_changed(out / root / SEARCH_INDEX, index)
        src = f"{SEARCH_INDEX}?v={hashlib.sha256(index).hexdigest()[:12]}"
        target = out / root / "index.html"
        atomic_write_bytes(target, landing_html(mine, data, lang, links, base_url, src))
        written += [out / root / SEARCH_INDEX, target]
    return written
