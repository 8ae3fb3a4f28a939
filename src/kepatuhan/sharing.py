"""What search engines and link previews read from a page: a unique title, a description, canonical and share tags.

A report's `<title>` names its kind ("Provinsi Gorontalo 2018" is both a province's government and the
province as a region, two reports), its description is its first findings (catalogue sentences, so in
the page's language), and with a base URL (`kepatuhan build --base-url`) it gets its canonical address,
absolute `hreflang` alternates (itself included, as search engines require) and Open Graph / Twitter tags
whose image is the page's main chart (`assets.share_image`), with its alternative text. Without a base
URL nothing that needs an absolute address is written: a relative `hreflang` or `og:image` is an error to
the readers of those tags.
"""

from __future__ import annotations

from html.parser import HTMLParser

from . import assets
from .messages import LANGS, Formatter, lang_root

#: Search engines show about this many characters of a description.
DESCRIPTION_CHARS = 155


class _Findings(HTMLParser):
    """The text of each list item inside `<section class="kp-findings">`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # sections open since the findings section began (0: outside it)
        self.items: list[str] = []
        self.in_item = False

    def handle_starttag(self, tag, attrs):
        if tag == "section" and (self.depth or "kp-findings" in (dict(attrs).get("class") or "").split()):
            self.depth += 1
        elif tag == "li" and self.depth:
            self.in_item = True
            self.items.append("")

    def handle_endtag(self, tag):
        if tag == "section" and self.depth:
            self.depth -= 1
        elif tag == "li":
            self.in_item = False

    def handle_data(self, data):
        if self.in_item:
            self.items[-1] += data


def findings(nb) -> list[str]:
    """The key findings a report shows, as plain sentences, in order."""
    parser = _Findings()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/html")
            if text and "kp-findings" in text:
                parser.feed(text if isinstance(text, str) else "".join(text))
    return [" ".join(item.split()) for item in parser.items if item.strip()]


def description(sentences: list[str], fallback: str) -> str:
    """As many whole sentences as fit in DESCRIPTION_CHARS (the first one cut at a word when it alone is longer)."""
    text = ""
    for sentence in sentences:
        joined = f"{text} {sentence}".strip()
        if len(joined) > DESCRIPTION_CHARS:
            break
        text = joined
    if not text and sentences:
        text = sentences[0][:DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text or fallback


def absolute(base_url: str, path: str) -> str:
    """`path` (below the reports folder) as an address under `base_url`."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def kind_of(slug: str, lang: str) -> str:
    return slug[len(lang_root(lang)):].split("/", 1)[0]


def share_tags(f: Formatter, title: str, text: str, url: str, image: str, lang: str, image_alt: str = ""
               ) -> list[dict]:
    """Open Graph and Twitter card tags (absolute addresses only: none without a base URL)."""
    tags = [("property", "og:type", "article"), ("property", "og:title", title),
            ("property", "og:description", text), ("property", "og:site_name", f("site.heading")),
            ("property", "og:locale", f("page.og_locale")), ("name", "twitter:title", title),
            ("name", "twitter:description", text)]
    if url:
        tags.append(("property", "og:url", url))
    if image:
        tags += [("property", "og:image", image), ("name", "twitter:card", "summary_large_image"),
                 ("name", "twitter:image", image)]
        if image_alt:
            tags += [("property", "og:image:alt", image_alt), ("name", "twitter:image:alt", image_alt)]
    else:
        tags.append(("name", "twitter:card", "summary"))
    return [{"attribute": a, "name": n, "content": c} for a, n, c in tags]


def alternates(base_url: str, path: str, lang: str, twins: list[tuple[str, str]]) -> list[dict]:
    """Absolute `hreflang` links of a page: itself and each translation (empty without a base URL)."""
    if not base_url:
        return []
    links = [(lang, path), *twins]
    return [{"lang": code, "href": absolute(base_url, target)}
            for code, target in sorted(links, key=lambda link: LANGS.index(link[0]))]


def page_tags(nb, task: dict, header: dict, figures: dict[str, bytes]) -> dict:
    """Title, description, canonical, alternates and share tags of one report page."""
    lang = task["parameters"].get("lang", "id")
    f = Formatter(lang)
    slug, base = task["slug"], str(header.get("base_url") or "")
    title = f("page.title", title=task["title"], kind=f(f"page.kind.{kind_of(slug, lang)}"))
    text = description(findings(nb), task["title"])
    url = absolute(base, slug + ".html") if base else ""
    name, alt = assets.share_image(nb)
    image = absolute(base, name) if base and figures and name else ""
    twins = [(code, target) for code, target in (task.get("links") or {}).get("twins", [])]
    return {"page_title": title, "description": text, "canonical": url,
            "alternates": alternates(base, slug + ".html", lang, twins),
            "share_tags": share_tags(f, title, text, url, image, lang, alt if image else "")}
