"""Notebook → report page, and the methodology page: HTML from Jinja2 templates, byte-stable.

`export` converts an executed notebook with the `kepatuhan_page` nbconvert template (nbconvert's bare
cell loop, none of JupyterLab's markup or stylesheet): no code, no parameter cells, nothing fetched from
a network, a header and footer in the report's language, the site's stylesheet linked and the figures
as shared image files (`kepatuhan.assets`); `to_html` is the self-contained variant (stylesheet and
figures inline). Cell ids are renumbered before the export, so two builds of one report give the same
bytes. With a base URL the page carries its canonical address, absolute `hreflang` alternates and
Open Graph / Twitter tags (`kepatuhan.sharing`). `write_methodology` writes the methodology and
glossary page of one language from the grading schemes and the message catalogue.
"""

from __future__ import annotations

import posixpath
import sys
from pathlib import Path

from . import assets, grading, sharing
from .files import atomic_write_bytes
from .messages import Formatter, lang_root

TEMPLATES_DIR = Path(__file__).parent / "templates"
PAGE_TEMPLATE = "kepatuhan_page"
#: Where the methodology page of each language lives, relative to the reports folder.
METHODOLOGY_PAGES = {"id": "methodology.html", "en": "en/methodology.html"}
#: Tags of cells shown in JupyterLab but never in a report.
HIDDEN_TAGS = {"parameters", "injected-parameters", "notebook-only"}

_EXPORTER = None

#: jsonschema (under nbformat, under nbconvert, nbclient and papermill) imports rfc3987-syntax when it is
#: installed (jupyterlab brings it), and that module compiles a grammar for ~0.8 s at import time, for an
#: "iri" format check no notebook schema uses (python-jsonschema/jsonschema#1392). Every build worker and
#: every build paid it. Marked absent before nbformat loads, jsonschema leaves that one format unchecked.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def exporter():
    """One HTMLExporter per process: building it (templates, preprocessors) costs more than using it."""
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = set(HIDDEN_TAGS)
        _EXPORTER = HTMLExporter(config=config, template_name=PAGE_TEMPLATE,
                                 extra_template_basedirs=[str(TEMPLATES_DIR)], exclude_input=True,
                                 exclude_input_prompt=True, exclude_output_prompt=True)
        _EXPORTER.register_preprocessor("nbconvert.preprocessors.TagRemovePreprocessor", enabled=True)
    return _EXPORTER


def relative(slug: str, target: str) -> str:
    """Link from the page `slug` (path below the reports folder, without .html) to `target`."""
    return posixpath.relpath(target, posixpath.dirname(slug) or ".")


def page_resources(task: dict, header: dict) -> dict:
    lang = task["parameters"].get("lang", "id")
    f = Formatter(lang)
    slug = task["slug"]
    shown = [(k, v) for k, v in task["parameters"].items() if k not in ("data_dir", "lang")]
    parameters = ", ".join(f"{f(f'page.param.{k}') if f.has(f'page.param.{k}') else k} {v}" for k, v in shown)
    return {
        "lang": lang, "title": task["title"],
        "index_href": relative(task["slug"], lang_root(lang) + "index.html"),
        "methodology_href": relative(task["slug"], METHODOLOGY_PAGES[lang]),
        "back": f("page.back"), "methodology": f("page.methodology"), "sources_label": f("page.sources_link"),
        "parameters_label": f("page.parameters"), "parameters": parameters,
        "data_version_label": f("page.data_version"), "data_version": header["data_version"],
        "cite_label": f("page.cite"),
        "citation": citation(f, task, header),
        "licence": f("page.licence_full"),
        "download_png": f("figure.download_png"), "download_svg": f("figure.download_svg"),
        "stylesheet_href": relative(slug, assets.STYLESHEET), "favicon_href": relative(slug, assets.FAVICON),
        **site_links(task, f),
    }


def citation(f: Formatter, task: dict, header: dict) -> str:
    """How to cite the report: publisher, title, the data release with its content hash, the package, the
    page's address (absolute with a base URL). The date cited is the data release's (`data/RELEASE`), not
    the day of the build: two builds of the same data give the same page."""
    slug = task["slug"] + ".html"
    url = sharing.absolute(str(header["base_url"]), slug) if header.get("base_url") else slug
    release = str(header.get("data_release") or header["data_version"]).split(" ")[0]
    return f("page.citation_full", publisher=f("page.publisher"), release=release, title=task["title"],
             data_version=header["data_version"], data_date=header.get("data_date") or "–",
             package=header["package_version"], url=url)


def site_links(task: dict, f: Formatter) -> dict:
    """The report's place in the site: its twin in the other language, its CSV, the other years, citation tags."""
    links = task.get("links") or {}
    slug = task["slug"]
    years = [{"year": year, "href": relative(slug, target), "current": target == f"{slug}.html"}
             for year, target in links.get("years", [])]
    twins = [{"lang": lang, "label": f(f"site.lang.{lang}"), "href": relative(slug, target)}
             for lang, target in links.get("twins", [])]
    nav = links.get("nav") or {}
    return {"twins": twins, "years": years, "years_label": f("page.years"),
            "crumbs": [{"text": text, "href": target} for text, target in nav.get("crumbs", [])],
            "crumbs_label": f("nav.crumbs"), "rankings_label": f("nav.rankings"),
            "rankings": [{"text": text, "href": target} for text, target in nav.get("rankings", [])],
            "provinces_label": f("nav.provinces"),
            "provinces": [{"text": text, "href": target} for text, target in nav.get("provinces", [])],
            "csv_href": relative(slug, links["csv"]) if links.get("csv") else "", "csv_label": f("page.csv"),
            "data_date": str(links.get("data_date", "")),
            "citation_url": slug + ".html"}


def to_html(nb, task: dict, header: dict) -> bytes:
    """Self-contained HTML of an executed notebook (stylesheet and figures inline), e.g. for e-mail."""
    return export(nb, task, header, embed=True)[0]


def export(nb, task: dict, header: dict, embed: bool = False) -> tuple[bytes, dict[str, bytes]]:
    """The page of an executed notebook and the figure files it links.

    Parameters
    ----------
    nb : the executed notebook (its PNG outputs are replaced by palette PNGs).
    task : slug, parameters and title of the report (`runners.task_dict`).
    header : data version, package version, data date and, optionally, `base_url`.
    embed : inline the stylesheet and the figures: one self-contained file, nothing else to write.

    Returns
    -------
    (HTML bytes, {path below the reports folder: PNG bytes}); no code, no parameter cells, stable ids.
    """
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
    lang = task["parameters"].get("lang", "id")
    figures = assets.place_figures(nb, task["slug"], embed=embed)
    resources = page_resources(task, header)
    resources.update(sharing.page_tags(nb, task, header, figures))
    if embed:
        resources["stylesheet"] = assets.stylesheet()
    page = exporter()
    page.language_code = lang
    body, _ = page.from_notebook_node(nb, resources={"metadata": {"name": task["title"]}, "kepatuhan": resources})
    return body.encode("utf-8"), figures


def band_groups() -> list[tuple[tuple[int, ...], tuple, str]]:
    """(years, bands, basis) of every run of years graded alike, oldest first, from the grading schemes."""
    groups = [(band_set.years, band_set.bands, band_set.basis) for scheme in grading.default_schemes().schemes
              for band_set in scheme.band_sets]
    return sorted(groups, key=lambda g: g[0][0])


def band_sources() -> dict[tuple[int, float], str]:
    """{(first year of the band set, lower bound): source_url} from the grading schemes table, so that the
    methodology page links the page each band was read from."""
    import csv

    with open(grading.schemes_path(), encoding="utf-8", newline="") as handle:
        return {(int(r["years"].split("-")[0]), round(float(r["lower"]), 2)): r["source_url"]
                for r in csv.DictReader(handle)}


def coverage_section(f: Formatter, data) -> dict:
    """The coverage table (kepatuhan.coverage.by_type) as a methodology section: data against the number assessed."""
    from .coverage import by_type

    rows = [[str(r.year), f(f"site.types.{r.entity_type}"), f.int(r.scored), f.int(r.label_only),
             f.int(r.with_data), f.int(r.published) if r.published is not None else "–",
             f(f"method.coverage_table.basis.{r.basis or 'none'}"),
             f"{f.int(round(100 * r.share))} %" if r.share is not None else "–"]
            for r in _with_none(by_type(data)).itertuples(index=False)]
    columns = [f(f"method.coverage_table.col.{c}") for c in
               ("year", "type", "scored", "label_only", "with_data", "published", "basis", "share")]
    return {"id": "coverage", "heading": f("method.coverage_table.heading"),
            "paragraphs": [f("method.coverage_table.intro")], "table": {"columns": columns, "rows": rows}}


def _with_none(frame):
    """The frame with None for every missing value (pandas' NA has no truth value)."""
    shown = frame.astype(object)
    return shown.where(shown.notna(), None)


def methodology_html(lang: str, data=None) -> bytes:
    """The methodology and glossary page of one language, from the grading schemes and the catalogue.

    With `data` (a Dataset) the page also shows the coverage table of every year.
    """
    from urllib.parse import urlparse

    from jinja2 import Environment, FileSystemLoader

    f = Formatter(lang)
    other = next(code for code in METHODOLOGY_PAGES if code != lang)
    rows = []
    sources = band_sources()
    for years, bands, basis in band_groups():
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
        for band in bands:
            url = sources.get((years[0], round(band.lower, 2)), "")
            rows.append([span, f"{f.num(band.lower)}–{f.num(band.upper)}", f(f"zone.{band.zone}.short"),
                         f(f"category.{band.category}.first") if band.category else
                         f(f"opinion.{band.opinion}") if band.opinion else "–",
                         f(f"method.basis.{basis}"),
                         {"text": urlparse(url).hostname or url, "href": url} if url else "–"])
    sections = [
        {"heading": f("method.bands.heading"), "paragraphs": [f("method.bands.intro"), f("method.no_2020")],
         "table": {"columns": [f("method.col.years"), f("method.col.range"), f("method.col.zone"),
                               f("method.col.category"), f("method.col.basis"), f("col.source")], "rows": rows}},
        {"heading": f("method.breaks.heading"),
         "paragraphs": [f("method.breaks.text"), *([f("method.breaks.2025")] if 2025 in grading.ASSESSED_YEARS
                                                   else [])]},
        {"heading": f("method.coverage.heading"), "paragraphs": [f("method.coverage.text")]},
        *([coverage_section(f, data)] if data is not None else []),
        {"heading": f("method.conflicts.heading"), "paragraphs": [f("method.conflicts.text")]},
        {"heading": f("method.glossary.heading"), "paragraphs": [],
         "terms": [(f(f"term.{t}"), f(f"term.{t}.text")) for t in
                   ("zone", "category", "rank", "percentile", "interval", "p", "pemda", "unit")]},
    ]
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR / "fragments")), autoescape=True)
    page = env.get_template("methodology.html.j2").render(
        lang=lang, title=f("method.title"), sections=sections, licence=f("page.licence_full"), back=f("page.back"),
        index_href=relative(METHODOLOGY_PAGES[lang], lang_root(lang) + "index.html"),
        other_href=relative(METHODOLOGY_PAGES[lang], METHODOLOGY_PAGES[other]), other=f("method.other_language"),
        other_lang=other, favicon_href=relative(METHODOLOGY_PAGES[lang], assets.FAVICON),
        description=sharing.description([f("method.bands.intro")], f("method.title")))
    return page.encode("utf-8")


def write_methodology(out: Path, data=None) -> list[Path]:
    """Write the methodology page of every language into the reports folder `out` (with `data`: its coverage)."""
    written = []
    for lang, target in METHODOLOGY_PAGES.items():
        atomic_write_bytes(out / target, methodology_html(lang, data))
        written.append(out / target)
    return written

