"""The files a published site needs beside its pages: sitemap.xml, robots.txt, 404.html.

With a base URL (`kepatuhan build --base-url`), the sitemap lists every page on disk at its absolute
address, robots.txt points to it, and the 404 page links the landing pages absolutely (a host serves it
at any missing address, so relative links would lead nowhere). Without one, only robots.txt and a 404
page linking the landing pages from the folder's top are written: a sitemap must hold absolute
addresses. What is published is the reports folder without its build state (`.build/`): see the
README's "Publishing" section.

With `kepatuhan build --gzip`, every text file of the site also gets a pre-compressed twin (`page.html.gz`)
for hosts that serve one to browsers accepting gzip (nginx `gzip_static`, Caddy `precompressed`): made
with no time stamp and no file name in the header, so two builds stay byte-identical.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.sax.saxutils import escape

from jinja2 import Environment, FileSystemLoader

from .files import atomic_write_bytes, write_if_changed
from .lock import BUILD_DIR
from .messages import LANGS, Formatter, lang_root
from .sharing import absolute

TEMPLATES_DIR = Path(__file__).parent / "templates" / "site"


def sitemap(base_url: str, pages: list[str]) -> bytes:
    """sitemap.xml of `pages` (paths below the reports folder), in the given order."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(absolute(base_url, page))}</loc></url>" for page in pages]
    return ("\n".join([*lines, "</urlset>"]) + "\n").encode("utf-8")


def robots(base_url: str) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if base_url:
        lines.append(f"Sitemap: {absolute(base_url, 'sitemap.xml')}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def not_found(base_url: str) -> bytes:
    """404.html: in every language, a way back to the landing page."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, keep_trailing_newline=True)

    def href(path: str) -> str:
        return absolute(base_url, path) if base_url else path

    languages = [{"lang": lang, "title": Formatter(lang)("site.not_found.title"),
                  "text": Formatter(lang)("site.not_found.text"), "link": Formatter(lang)("site.title"),
                  "href": href(lang_root(lang) + "index.html")} for lang in LANGS]
    page = env.get_template("404.html.j2").render(languages=languages, lang=LANGS[0],
                                                   stylesheet=href("assets/kepatuhan.css"), favicon=href("favicon.svg"))
    return page.encode("utf-8")


#: The files given a gzip twin: text, which compresses (PNG, Parquet and XLSX already are compressed).
COMPRESSED = (".html", ".css", ".csv", ".js", ".json", ".svg", ".xml", ".txt")


def gzip_bytes(content: bytes) -> bytes:
    """Deterministic gzip: the best level, modification time 0 and no file name in the header."""
    return gzip.compress(content, compresslevel=9, mtime=0)


def write_compressed(out: Path, enabled: bool = True) -> list[Path]:
    """Give every text file of the reports folder `out` (not the build state) a `.gz` twin; return them.

    A twin is written only where it is smaller than its file, and rewritten only when its bytes change.
    Twins whose file is gone, or every twin when `enabled` is False (a build without --gzip), are
    removed: a host must never serve a stale compressed page in place of the current one.

    Parameters
    ----------
    out : Path
        The reports folder.
    enabled : bool
        False removes the twins of an earlier `--gzip` build instead.

    Returns
    -------
    list of Path
        The `.gz` files now in the folder.
    """
    kept = []
    for path in sorted(out.rglob("*")):
        if BUILD_DIR in path.relative_to(out).parts or not path.is_file():
            continue
        if path.suffix == ".gz" and path.with_suffix("").suffix in COMPRESSED:
            if not (enabled and path.with_suffix("").is_file()):
                path.unlink()
            continue
        if not enabled or path.suffix not in COMPRESSED:
            continue
        twin = path.with_name(path.name + ".gz")
        content = path.read_bytes()
        packed = gzip_bytes(content)
        if len(packed) >= len(content):
            twin.unlink(missing_ok=True)
            continue
        write_if_changed(twin, packed)
        kept.append(twin)
    return kept


def site_pages(out: Path) -> list[str]:
    """Every HTML page of the reports folder except the 404 page and the build state, sorted."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                  if ".build" not in p.relative_to(out).parts and p.name != "404.html")


def write_publishing_files(out: Path, base_url: str = "") -> list[Path]:
    """sitemap.xml (with a base URL), robots.txt and 404.html in the reports folder `out`."""
    files = {"robots.txt": robots(base_url), "404.html": not_found(base_url)}
    if base_url:
        files["sitemap.xml"] = sitemap(base_url, site_pages(out))
    else:
        (out / "sitemap.xml").unlink(missing_ok=True)  # one from an earlier build with a base URL is stale
    for name, content in files.items():
        atomic_write_bytes(out / name, content)
    return [out / name for name in files]
