"""A real browser (Debian's headless Chromium) uses the landing page and the reports from file://."""

import csv
import io
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kepatuhan import build, dataset

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Rejang Lebong 2024 in both languages, Kota Bengkulu and Bengkulu province 2024 in Indonesian, built;
    the landing page then lists every Bengkulu entity report of every year (the others without a link)."""
    out = tmp_path_factory.mktemp("site")
    data = dataset.load()
    built = build.plan(data, only="entity", entity="17.02", year=2024) \
        + build.plan(data, only="entity", entity="Kota Bengkulu", year=2024, langs=("id",)) \
        + build.plan(data, only="province", province="Bengkulu", year=2024, langs=("id",))
    outcomes = build.run(built, out, data, workers=2, progress=False)
    assert all(o.status == "built" for o in outcomes)
    # every Bengkulu entity-year and the province page of 2024: one page of the landing table (at most 50 rows)
    listed = build.plan(data, only="entity", province="Bengkulu") + build.plan(data, only="province",
                                                                                province="Bengkulu", year=2024)
    manifest = {t.slug: {"status": "built"} for t in built}
    build.write_index(listed, out, data, manifest)
    return out, data, built, [t for t in listed if t.parameters["lang"] == "id"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: `make chromium` (run by `make test`) installs it"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


def open_page(browser, path: Path):
    page = browser.new_page()
    seen = {"requests": [], "errors": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("console", lambda message: seen["errors"].append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, seen


def _local_only(urls):
    return [u for u in urls if urlparse(u).scheme not in ("file", "data", "about", "blob")]


def _visible(page, attribute: str) -> list[str]:
    return page.eval_on_selector_all(
        "#reports tbody tr", f"rows => rows.filter(r => !r.hidden).map(r => r.getAttribute('{attribute}'))")


def _search(page, text: str) -> list[str]:
    page.fill("#kp-search", text)
    return _visible(page, "data-code")


def test_landing_page_loads_offline_and_its_links_resolve(site, browser):
    out, _, built, listed = site
    page, seen = open_page(browser, out / "index.html")
    assert page.title() == "kepatuhan — daftar laporan"
    assert len(_visible(page, "data-code")) == len(listed)
    links = page.eval_on_selector_all("#reports a", "nodes => nodes.map(n => n.href)")
    indonesian = [t for t in built if t.parameters["lang"] == "id"]
    assert len([link for link in links if link.endswith(".html")]) == len(indonesian)
    everything = page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.href)")
    assert all(Path(urlparse(link).path).is_file() for link in everything if link.startswith("file:")
               and "#" not in link), [link for link in everything if not Path(urlparse(link).path).exists()]
    assert _local_only(seen["requests"]) == [] and seen["errors"] == []


@pytest.mark.parametrize("spelling", ["Pemkab Rejang Lebong", "Kab. Rejang", "kabupaten rejang lebong", "17.02"])
def test_search_understands_the_names_people_type(site, browser, spelling):
    out, _, _, listed = site
    page, seen = open_page(browser, out / "index.html")
    rejang = [t for t in listed if t.kind == "entity" and t.parameters["entity"] == "17.02"]
    assert len(rejang) >= 4
    assert _search(page, spelling) == ["17.02"] * len(rejang)
    assert seen["errors"] == []


def test_search_keeps_kota_and_kabupaten_apart_and_reads_a_year(site, browser):
    out, _, _, listed = site
    page, _ = open_page(browser, out / "index.html")
    kota = [t for t in listed if t.kind == "entity" and t.parameters["entity"] == "17.71"]
    assert _search(page, "kota bengkulu") == ["17.71"] * len(kota)
    assert _search(page, "Kab Bengkulu Utara") and set(_search(page, "Kab Bengkulu Utara")) == {"17.03"}
    page.fill("#kp-search", "Bengkulu 2024")
    years = _visible(page, "data-year")
    assert years and set(years) == {"2024"} and len(years) == len([t for t in listed if t.meta["year"] == 2024])


@pytest.mark.parametrize("facet, key", [("year", "year"), ("province", "province_code"), ("type", "type"),
                                        ("zone", "zone"), ("category", "category")])
def test_each_facet_narrows_the_table(site, browser, facet, key):
    out, _, _, listed = site
    page, _ = open_page(browser, out / "index.html")
    options = [v for v in page.eval_on_selector_all(f"#kp-{facet} option", "o => o.map(x => x.value)") if v]
    assert options
    for value in options[:3]:
        page.select_option(f"#kp-{facet}", value)
        expected = [t for t in listed if str(t.meta.get(key) or "") == value]
        shown = _visible(page, f"data-{facet}")
        assert shown and set(shown) == {value} and len(shown) == len(expected), (facet, value)
    page.select_option(f"#kp-{facet}", "")
    assert len(_visible(page, "data-code")) == len(listed)


def test_sorting_stays_within_a_year_and_never_puts_blanks_first(site, browser):
    out, _, _, _ = site
    page, _ = open_page(browser, out / "index.html")

    def rows():
        return page.eval_on_selector_all("#reports tbody tr", "rows => rows.map(r => [+r.dataset.year || 0, "
                                                              "r.dataset.score])")

    for direction in ("descending", "ascending"):  # highest first on the first click
        page.click("th[data-key=score] button")
        assert page.get_attribute("th[data-key=score]", "aria-sort") == direction
        seen = rows()
        years = [y for y, _ in seen]
        assert years == sorted(years, reverse=True)  # newest year first, years never mixed
        for year in set(years):
            scores = [s for y, s in seen if y == year]
            filled = [float(s) for s in scores if s]
            assert scores == [f"{s:.2f}" for s in filled] + [""] * (len(scores) - len(filled)), (direction, year)
            assert filled == sorted(filled, reverse=direction == "descending")
        assert len({y for y, s in seen if s}) >= 3


def test_the_language_switch_leads_to_the_twin(site, browser):
    out, _, _, _ = site
    page, _ = open_page(browser, out / "index.html")
    page.click("#kp-lang-en")
    page.wait_for_load_state("load")
    assert page.get_attribute("html", "lang") == "en" and page.title() == "kepatuhan — list of reports"
    report, seen = open_page(browser, out / "entity/17.02/2024.html")
    report.click("a.kp-twin")
    report.wait_for_load_state("load")
    assert report.url.endswith("/en/entity/17.02/2024.html")
    assert report.get_attribute("html", "lang") == "en" and "93.07" in report.inner_text("body")
    report.click("a.kp-twin")
    report.wait_for_load_state("load")
    assert report.url.endswith("/entity/17.02/2024.html") and "/en/" not in report.url
    assert seen["errors"] == []


def test_a_report_download_holds_the_rows_of_its_table(site, browser):
    out, _, _, _ = site
    page, seen = open_page(browser, out / "entity" / "17.02" / "2024.html")
    assert "Rejang Lebong" in page.title() and page.get_attribute("html", "lang") == "id"
    href = page.eval_on_selector("a.kp-csv", "a => a.href")
    rows = list(csv.DictReader(io.StringIO(Path(urlparse(href).path).read_text(encoding="utf-8"))))
    units = [r["name"] for r in rows if r["section"] == "units"]
    shown = page.eval_on_selector_all(
        "figure.kp-table",
        "figs => figs.filter(f => f.querySelector('figcaption').textContent.includes('Unit layanan'))"
        ".flatMap(f => Array.from(f.querySelectorAll('tbody tr')).map(r => r.cells[1].textContent))")
    assert len(units) >= 5 and len(shown) == len(units)
    assert sorted(s.replace("(terlemah)", "").strip() for s in shown) == sorted(units)
    lazy = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.loading)")
    assert lazy[0] != "lazy" and lazy[1:] and set(lazy[1:]) == {"lazy"}  # only the first screen loads at once
    for image in page.query_selector_all("img"):  # scrolled to, the others load
        image.scroll_into_view_if_needed()
    page.wait_for_function("() => Array.from(document.images).every(i => i.complete)")
    images = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
    assert len(images) >= 3 and all(images)
    assert "93,07" in page.inner_text("body")
    assert _local_only(seen["requests"]) == [] and seen["errors"] == []


@pytest.mark.parametrize("name", ["index.html", "entity/17.02/2024.html", "province/17/2024.html"])
def test_no_page_is_wider_than_a_phone(site, browser, name):
    out = site[0]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((out / name).as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    if name == "index.html":  # the search is on the first screen
        assert page.eval_on_selector("#kp-search", "e => e.getBoundingClientRect().bottom") <= 844
        assert page.eval_on_selector_all("#reports tbody tr", "rows => rows.length") <= 50  # one page in the DOM
