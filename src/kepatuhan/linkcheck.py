"""A crawl of a built site for broken internal links: `python -m kepatuhan.linkcheck reports/`.

Every HTML page below the folder (its build state `.build/` aside) is read; each `href` and `src` that
stays on the site (no scheme, not protocol-relative) is resolved against the page as a browser opening
it from disk would, and must name a file inside the folder; a `#fragment` must name an `id` (or an
`<a name>`) of the page it leads to. Prints one line per broken link and exits 1 when there is any,
0 when there is none.
"""

from __future__ import annotations

import argparse
import posixpath
import sys
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: Attributes that lead to another file.
LINK_ATTRIBUTES = {("a", "href"), ("link", "href"), ("img", "src"), ("script", "src"), ("source", "src")}


@dataclass(frozen=True)
class BrokenLink:
    page: str  # below the site's folder
    target: str  # as written in the page
    reason: str
    resolved: str = ""  # the file it leads to, below the site's folder

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


class _Links(HTMLParser):
    """The links and the ids of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if (tag, name) in LINK_ATTRIBUTES:
                self.links.append(value)
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)


@cache
def _parsed(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def _internal(target: str) -> bool:
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not target.startswith("//")


def page_problems(root: Path, page: Path) -> list[BrokenLink]:
    """The broken internal links of one page of the site at `root`."""
    where = page.relative_to(root).as_posix()
    problems = []
    for target in _parsed(page).links:
        if not _internal(target):
            continue
        parts = urlsplit(target)
        path = unquote(parts.path)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(where), path)) if path else where
        if resolved.startswith("../") or resolved == "..":
            problems.append(BrokenLink(where, target, "leads outside the site", resolved))
            continue
        file = root / resolved
        if path.endswith("/") or file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            problems.append(BrokenLink(where, target, "no such file", resolved))
        elif parts.fragment and file.suffix == ".html" and unquote(parts.fragment) not in _parsed(file).ids:
            problems.append(BrokenLink(where, target, f"no id {unquote(parts.fragment)!r} in {file.relative_to(root)}",
                                       resolved))
    return problems


def site_pages(root: Path) -> list[Path]:
    """Every HTML page of the site, build state aside, sorted."""
    return sorted(p for p in root.rglob("*.html") if ".build" not in p.relative_to(root).parts)


def crawl(root: Path | str) -> list[BrokenLink]:
    """Every broken internal link of the site in the folder `root`.

    Parameters
    ----------
    root : Path or str
        The built site (a reports folder).

    Returns
    -------
    list of BrokenLink
        Page, link as written and why it is broken; empty when every link leads somewhere.
    """
    root = Path(root).resolve()
    _parsed.cache_clear()
    return [problem for page in site_pages(root) for problem in page_problems(root, page)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kepatuhan.linkcheck",
                                     description="List the broken internal links of a built site.")
    parser.add_argument("folder", type=Path, help="the reports folder")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder}: not a folder", file=sys.stderr)
        return 2
    broken = crawl(args.folder)
    for problem in broken:
        print(problem)
    print(f"{len(site_pages(args.folder.resolve()))} pages, {len(broken)} broken link(s)", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
