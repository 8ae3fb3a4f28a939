"""Where every page of the site leads: breadcrumbs, ranking links, a national page's provinces.

Links go to the addresses the WHOLE site has, decided from the data alone (never from what one build
happened to write): a page's bytes then do not depend on how it was built, and a published full site
has no broken link. The rules mirror `build.plan`: an entity report per entity-year, a province report
per year of the data for each province with any row or count, a national overview per year, and the
ranking pages of `ranking.available`. A filtered build may link pages it did not write;
`kepatuhan.linkcheck` finds them (`--allow-unbuilt` for a partial build).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .messages import Formatter, lang_root

#: Entity types that get a national ranking page, in the order the pages list them.
RANKED_TYPES = ("kabupaten", "kota", "provinsi", "kementerian", "lembaga")
#: Entity types that also get a ranking page per province.
PROVINCE_RANKED_TYPES = ("kabupaten", "kota")


@dataclass(frozen=True)
class RankingPage:
    """One ranking page: the entities of a type in a year, nationally or in one province."""

    year: int
    entity_type: str
    province_code: str | None = None

    @property
    def slug(self) -> str:
        """ranking/2024/kabupaten or ranking/2024/17/kabupaten, below a language's root, without .html."""
        where = f"{self.province_code}/" if self.province_code else ""
        return f"ranking/{self.year}/{where}{self.entity_type}"

    def path(self, lang: str) -> str:
        """The slug below the reports folder (en/… in English)."""
        return lang_root(lang) + self.slug


def report_slug(kind: str, code: str, year: int) -> str:
    """The address of a report below a language's root (entity/17.02/2024), without .html."""
    return f"national/{year}" if kind == "national" else f"{kind}/{code}/{year}"


def href(here: str, target: str) -> str:
    """A relative link from the page `here` to `target` (both without .html, in one language): it works
    from file:// and below en/ alike."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".") + ".html"


def available(entities) -> set[RankingPage]:
    """Every ranking page of the whole site: a type and year with any row (label-only rows too)."""
    pages = {RankingPage(int(y), str(t)) for y, t in zip(entities["year"], entities["entity_type"], strict=True)
             if t in RANKED_TYPES}
    pages |= {RankingPage(int(y), str(t), str(p)) for y, t, p in
              zip(entities["year"], entities["entity_type"], entities["province_code"], strict=True)
              if t in PROVINCE_RANKED_TYPES and isinstance(p, str)}
    return pages


def ranking_links(f: Formatter, here: str, pages: list[RankingPage], province: str = "") -> list[list[str]]:
    """[[label, href]] of ranking pages, in the order of RANKED_TYPES (national ones first)."""
    order = sorted(pages, key=lambda p: (p.province_code is not None, RANKED_TYPES.index(p.entity_type)))
    return [[ranking_title(f, p, province), href(here, p.slug)] for p in order]


def ranking_title(f: Formatter, page: RankingPage, province: str = "") -> str:
    """"Peringkat kabupaten 2024" / "Ranking of regencies (kabupaten), 2024", in a province when it has one."""
    what = f(f"set.type.{page.entity_type}")
    if page.province_code:
        return f("ranking.title_province", set=what, province=province, year=page.year)
    return f("ranking.title", set=what, year=page.year)


def report_nav(f: Formatter, kind: str, code: str, year: int, name: str, province_code: str = "",
               province: str = "", rankings: list[RankingPage] = (), provinces: list[tuple[str, str]] = ()
               ) -> dict:
    """The navigation of one report page: breadcrumbs (national → province → entity), its ranking pages
    and, on a national page, every province report of the year.

    Parameters
    ----------
    f : Formatter
        The report's language.
    kind, code, year : str, str, int
        What the report is about (`build.Task.subject`).
    name : str
        Its own name, the last crumb (not a link).
    province_code, province : str
        The province it lies in (an entity of a province), or "" (a ministry, an agency, the nation).
    rankings : list of RankingPage
        The ranking pages it leads to (pages of the whole site).
    provinces : list of (code, name)
        Province reports of the year (a national page lists them all).

    Returns
    -------
    dict
        crumbs [[label, href or ""]], rankings [[label, href]], provinces [[label, href]]: JSON, as a
        task's links (so a change of any of them rebuilds the page).
    """
    here = report_slug(kind, code, year)
    crumbs = [[f("site.national_title", year=year), "" if kind == "national" else href(here, f"national/{year}")]]
    if province_code and kind == "entity":
        crumbs.append([f("site.province_title", province=province, year=year),
                       href(here, report_slug("province", province_code, year))])
    if kind != "national":
        crumbs.append([name, ""])
    return {"crumbs": crumbs, "rankings": ranking_links(f, here, list(rankings), province),
            "provinces": [[p_name, href(here, report_slug("province", p_code, year))]
                          for p_code, p_name in provinces]}


def rankings_for(kind: str, entity_type: str, province_code: str, year: int,
                 pages: set[RankingPage]) -> list[RankingPage]:
    """The ranking pages a report leads to: a national page all of its year's national rankings; a
    province page its kab/kota rankings and the ranking of provinces; an entity its type's rankings."""
    if kind == "national":
        wanted = [RankingPage(year, t) for t in RANKED_TYPES]
    elif kind == "province":
        wanted = [*(RankingPage(year, t, province_code) for t in PROVINCE_RANKED_TYPES), RankingPage(year, "provinsi")]
    else:
        wanted = [RankingPage(year, entity_type)]
        if entity_type in PROVINCE_RANKED_TYPES and province_code:
            wanted.append(RankingPage(year, entity_type, province_code))
    return [p for p in wanted if p in pages]
