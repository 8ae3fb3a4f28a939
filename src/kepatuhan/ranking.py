"""Ranking pages: ranking/<year>/<type>.html and ranking/<year>/<province>/<type>.html, with a CSV beside each.

A ranking page is a table, so the build driver renders it straight from `query.ranks` and
`query.changes` with a Jinja2 template (no notebook): rank (only where `findings.rank_quotable` allows
it, else the position against the median, in words), name linked to its report, score, label and the
change since the previous assessment year when it was graded alike (across a method break no score
difference is shown, and the page says why); label-only entities follow, unranked. A build writes the
ranking pages of the national and province reports it plans, and rewrites a file only when its bytes
change, so two builds of the same inputs leave the same files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from . import findings, grading, navigation
from .errors import DataError, Problem
from .files import atomic_write_bytes, write_if_changed
from .guards import resolved
from .messages import LANGS, Formatter, lang_root, twin
from .navigation import RankingPage, href

TEMPLATES_DIR = Path(__file__).parent / "templates" / "site"
#: The columns of a ranking page's CSV, in order.
CSV_COLUMNS = ("year", "rank", "position", "entity_code", "entity_name", "entity_type", "province_code",
               "province_name", "score", "zone", "category", "opinion", "label_only", "previous_year", "change",
               "comparable", "n_with_data", "n_label_only", "n_published", "group_size", "rank_quotable")


def previous_year(years, year: int) -> int | None:
    """The latest assessment year before `year` in the data (2021 for 2022, across the method break)."""
    earlier = [int(y) for y in years if int(y) < year]
    return max(earlier) if earlier else None


def ranking_frame(page: RankingPage, years, data_dir: str = "") -> pd.DataFrame:
    """One ranking page as data (the CSV beside it): `query.ranks` of the group, the rank blanked where it
    may not be quoted (then `position` says above, at or below the median of those with data), and the
    change from the previous year when both years were graded by one method.

    Parameters
    ----------
    page : RankingPage
        The group: a type in a year, nationally or in one province.
    years : iterable of int
        The assessment years of the data (for the previous year).
    data_dir : str
        Data folder; empty means the project's data.

    Returns
    -------
    pandas.DataFrame
        CSV_COLUMNS: scored rows by score, then label-only rows (never ranked).
    """
    from . import query

    frame = query.ranks(page.year, province=page.province_code, entity_type=page.entity_type, data_dir=data_dir)
    before = previous_year(years, page.year)
    frame["previous_year"] = pd.array([before] * len(frame), dtype="Int64")
    comparable = before is not None and grading.same_scheme(before, page.year)
    frame["comparable"] = comparable
    frame["change"] = float("nan")
    if comparable and len(frame):
        moved = query.changes(before, page.year, province=page.province_code, entity_type=page.entity_type,
                              data_dir=data_dir)
        frame["change"] = frame["entity_code"].map(moved.set_index("entity_code")["change"]).astype(float)
    quotable = bool(frame["rank_quotable"].iloc[0]) if len(frame) else False
    if not quotable:
        frame["rank"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    median = frame["score"].median()
    frame["position"] = ["" if quotable or pd.isna(s) else "above" if s > median else "below" if s < median
                         else "at" for s in frame["score"]]
    frame["year"] = page.year
    return frame.reindex(columns=list(CSV_COLUMNS)).reset_index(drop=True)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n", float_format="%.2f").encode("utf-8")


def _grade(f: Formatter, row) -> str:
    from .report.words import grade_short

    return grade_short(f, row.category, row.zone, row.opinion)


def page_context(page: RankingPage, frame: pd.DataFrame, lang: str, all_pages: set[RankingPage],
                 province: str) -> dict:
    """What the template shows: words, rows with links to each entity's report, navigation."""
    f = Formatter(lang)
    here = page.slug
    title = navigation.ranking_title(f, page, province)
    what = f(f"set.type.{page.entity_type}")
    scored, labelled = frame[~frame["label_only"]], frame[frame["label_only"]]
    first = frame.iloc[0] if len(frame) else None
    n, size = len(scored), (None if first is None or pd.isna(first["group_size"]) else int(first["group_size"]))
    published = None if first is None or pd.isna(first["n_published"]) else int(first["n_published"])
    quotable = bool(first["rank_quotable"]) if first is not None else False
    if published is not None:
        lines = [f("ranking.published", size=f.int(published), n=f.int(n), set=what, year=page.year)]
    elif size is not None:
        lines = [f("ranking.coverage", n=f.int(n), size=f.int(size), set=what, year=page.year)]
    else:
        lines = [f("ranking.coverage_unknown", n=f.int(n), set=what, year=page.year)]
    if quotable:
        lines.append(f("ranking.ranked", n=f.int(n)))
    elif n:
        lines.append(f("ranking.not_ranked", n=f.int(n), size=f.int(size) if size is not None else "–",
                       need=findings.MIN_QUOTED_RANK, median=f.num(scored["score"].median())))
    if len(labelled):
        lines.append(f("ranking.label_only", n=f.int(len(labelled))))
    before = frame["previous_year"].iloc[0] if len(frame) else None
    comparable = bool(frame["comparable"].iloc[0]) if len(frame) else False
    if before is None or pd.isna(before):
        lines.append(f("ranking.no_previous", year=page.year))
    elif not comparable:
        lines.append(f("ranking.change_break", previous=int(before), year=page.year))
    else:
        lines.append(f("ranking.change_note", previous=int(before)))
    national = page.province_code is None

    def row(r) -> dict:
        change = "" if pd.isna(r.change) else f.num(r.change, signed=True)
        rank = "" if pd.isna(r.rank) else f("ranking.rank_of", rank=int(r.rank), n=f.int(n))
        return {"rank": rank or (f(f"ranking.position.{r.position}") if r.position else ""),
                "name": r.entity_name, "href": href(here, f"entity/{r.entity_code}/{page.year}"),
                "province": r.province_name if isinstance(r.province_name, str) else "",
                "score": f.num(r.score) if not pd.isna(r.score) else f("grade.no_score"),
                "grade": _grade(f, r), "change": change}

    crumbs = [{"text": f("site.national_title", year=page.year), "href": href(here, f"national/{page.year}")}]
    if not national:
        crumbs.append({"text": f("site.province_title", province=province, year=page.year),
                       "href": href(here, f"province/{page.province_code}/{page.year}")})
    crumbs.append({"text": title, "href": ""})
    siblings = sorted((p for p in all_pages if p.province_code == page.province_code
                       and p.entity_type == page.entity_type), key=lambda p: p.year)
    kinds = sorted((p for p in all_pages if p.province_code == page.province_code and p.year == page.year),
                   key=lambda p: navigation.RANKED_TYPES.index(p.entity_type))
    root = "../" * here.count("/")
    return {"f": f, "lang": lang, "title": title, "lines": lines, "quotable": quotable,
            "rows": [row(r) for r in scored.itertuples(index=False)],
            "labelled": [row(r) for r in labelled.itertuples(index=False)],
            "show_province": national and page.entity_type in navigation.PROVINCE_RANKED_TYPES,
            "show_change": comparable, "crumbs": crumbs,
            "years": [{"year": p.year, "href": href(here, p.slug), "current": p == page} for p in siblings],
            "kinds": [{"text": f(f"set.type.{p.entity_type}"), "href": href(here, p.slug), "current": p == page}
                      for p in kinds],
            "csv": _up(lang) + root + page.slug + ".csv", "index": root + "index.html",
            "methodology": root + "methodology.html", "stylesheet": _up(lang) + root + "assets/kepatuhan.css",
            "favicon": _up(lang) + root + "favicon.svg",
            "twins": [{"lang": o, "label": f(f"site.lang.{o}"),
                       "href": href(page.path(lang), twin(page.path(lang), lang, o))} for o in LANGS if o != lang]}


def _up(lang: str) -> str:
    """From a language's root to the reports folder (the shared assets are there once)."""
    return "../" * lang_root(lang).count("/")


def page_html(context: dict) -> bytes:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, keep_trailing_newline=True,
                      undefined=StrictUndefined)
    return env.get_template("ranking.html.j2").render(**context).encode("utf-8")


def pages_for(tasks: list, all_pages: set[RankingPage]) -> list[RankingPage]:
    """The ranking pages of a build: each national report's year brings its national rankings, each
    province report its kab/kota rankings; a build of entity reports alone writes none."""
    years = {t.subject[2] for t in tasks if t.kind == "national"}
    provinces = {(t.subject[1], t.subject[2]) for t in tasks if t.kind == "province"}
    return sorted((p for p in all_pages if (p.province_code is None and p.year in years)
                   or (p.province_code, p.year) in provinces),
                  key=lambda p: (p.year, p.province_code or "", p.entity_type))


def write_rankings(out: Path, data, tasks: list, data_dir: str = "", state: Path | None = None) -> list[Path]:
    """Write the ranking pages (both languages) and CSVs of this build; a file is rewritten only when its
    bytes change, and none is computed when the data, the package and the pages asked for are those of
    the last build that wrote them all (its key in `state`/rankings.sha256). Returns the paths written."""
    from .site import code_digest, reference_digest

    all_pages = navigation.available(data.entities)
    chosen = pages_for(tasks, all_pages)
    names = [f"{p.path(lang)}.html" for p in chosen for lang in LANGS] + [f"{p.slug}.csv" for p in chosen]
    key = hashlib.sha256("\n".join([data.citable_version, data.version, code_digest(), reference_digest(data_dir),
                                     *names]).encode()).hexdigest()
    stamp = state / "rankings.sha256" if state is not None else None
    if stamp is not None and stamp.is_file() and stamp.read_text() == key and all((out / n).is_file() for n in names):
        return []
    years = sorted(int(y) for y in set(data.entities["year"]))
    provinces = data.regions.set_index("code")["name"]
    written = []
    for page in chosen:
        frame = ranking_frame(page, years, data_dir)
        files = {f"{page.slug}.csv": csv_bytes(frame)}
        province = str(provinces.get(page.province_code, "")) if page.province_code else ""
        for lang in LANGS:
            files[f"{page.path(lang)}.html"] = page_html(page_context(page, frame, lang, all_pages, province))
        # None: an English copy of the CSV, as builds before 2026.12 wrote one (the English page links the one)
        files |= {f"{page.path(lang)}.csv": None for lang in LANGS[1:]}
        for name, content in files.items():
            target = out / name
            if not resolved(target).is_relative_to(resolved(out)):  # a code from the data leading elsewhere
                raise DataError([Problem(str(out), None, "", f"ranking page {name!r} would be written outside "
                                                             "the reports folder; refusing")])
            if content is None:
                target.unlink(missing_ok=True)
            elif write_if_changed(target, content):
                written.append(target)
    if stamp is not None:
        atomic_write_bytes(stamp, key.encode())
    return written
