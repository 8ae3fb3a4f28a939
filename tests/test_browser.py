"""A real browser (Debian's headless Chromium) uses the landing page and the reports from file://."""

import csv
import io
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kepatuhan import build, dataset


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


def open_page(browser, path: Path, search: bool = True):
    """A page in a new tab; on a landing page (unless `search` is False) the search index is loaded as a
    reader's first touch of a control loads it, and the tab waits until every row is in."""
    page = browser.new_page()
    seen = {"requests": [], "errors": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("console", lambda message: seen["errors"].append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    if search and page.query_selector("#kp-search"):
        page.focus("#kp-search")
        page.wait_for_selector("#reports[data-rows=all]", state="attached")
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


def test_the_landing_page_opens_with_its_first_page_and_loads_the_search_only_when_used(site, browser):
    out, data, _, listed = site
    page, seen = open_page(browser, out / "index.html", search=False)
    index = [u for u in seen["requests"] if "search-index.js" in u]
    assert index == [] and page.get_attribute("#reports", "data-rows") == "page"  # nothing but the page itself
    written = page.eval_on_selector_all("#reports tbody tr", "rows => rows.map(r => r.dataset.code)")
    text = (out / "search-index.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    every = [row[index["fields"].index("code")] for row in index["rows"]]
    assert len(every) == len(listed) and 0 < len(written) == min(50, len(every)) and written == every[:50]
    page.fill("#kp-search", "Rejang Lebong")  # typed at once: applied when the rows arrive
    page.wait_for_selector("#reports[data-rows=all]", state="attached")
    rejang = [t for t in listed if t.meta["code"] == "17.02"]
    assert _visible(page, "data-code") == ["17.02"] * len(rejang) and len(rejang) >= 4
    assert len([u for u in seen["requests"] if "search-index.js" in u]) == 1 and seen["errors"] == []


def test_a_missing_search_index_is_said_and_the_first_page_stays(site, browser, tmp_path):
    import shutil

    out = site[0]
    copy = tmp_path / "site"
    shutil.copytree(out, copy)
    (copy / "search-index.js").unlink()
    page, _ = open_page(browser, copy / "index.html", search=False)
    before = _visible(page, "data-code")
    page.fill("#kp-search", "Rejang Lebong")
    page.wait_for_function("() => document.getElementById('kp-count').textContent.includes('search-index.js')")
    assert _visible(page, "data-code") == before and before


def test_a_name_with_markup_stays_text_in_the_rows_the_search_builds(site, browser, tmp_path):
    _, data, _, _ = site
    name = '<img src=x onerror="window.hit=1">&<b>'
    hostile = [build.Task("entity", f"entity/99.99/{y}", "entity_report", {}, "t",
                          {"name": name, "type": "kota", "province": "<i>P</i>", "year": y, "score": 50.0,
                           "zone": "merah", "category": "D", "code": "99.99"}) for y in range(1990, 2050)]
    (tmp_path / "entity/99.99").mkdir(parents=True)
    (tmp_path / "entity/99.99/2000.html").write_text("<html></html>")
    build.write_index(hostile, tmp_path, data, {"entity/99.99/2000": {"status": 'built"><script>window.hit=2'}})
    page, seen = open_page(browser, tmp_path / "index.html")
    page.fill("#kp-search", "99.99")
    cells = page.eval_on_selector_all("#reports tbody tr", "rows => rows.map(r => r.cells[0].textContent)")
    assert len(cells) == 50 and all(c.startswith(name) for c in cells)  # more than a page: rows the script built
    assert page.query_selector("#reports img, #reports b, #reports i") is None
    assert page.evaluate("() => window.hit") is None
    assert [e for e in seen["errors"] if "ERR_FILE_NOT_FOUND" not in e] == []  # only the favicon is not written


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
                                        ("zone", "zone"), ("category", "category"), ("opinion", "opinion")])
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


# -- the search of the whole site (issue 16): the landing page over every report, none of them built ----------

def _reference(name: str) -> list[dict]:
    from kepatuhan import paths

    with open(paths.reference_dir() / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _alias(text: str) -> str:
    return next(r["code"] for r in _reference("aliases.csv") if r["alias"] == text)


def _region(name: str) -> str:
    return next(r["code"] for r in _reference("regions.csv") if r["name"] == name)


@pytest.fixture(scope="module")
def whole(tmp_path_factory):
    """The landing pages listing every report the data supports (written without building one); the English
    rows as (kind, code, year, province code, opinion)."""
    out = tmp_path_factory.mktemp("whole")
    data = dataset.load()
    tasks = build.plan(data)
    build.write_index(tasks, out, data, {})
    rows = [(t.kind, t.meta["code"], str(t.meta["year"]), t.meta["province_code"], t.meta.get("opinion", ""))
            for t in tasks if t.meta["lang"] == "en"]
    return out, data, rows


def _shown(page, text: str | None = None) -> list[tuple[str, str, str, str]]:
    """Every matching row, page by page: (kind, code, year, province code)."""
    if text is not None:
        page.fill("#kp-search", text)
    seen = []
    while True:
        seen += [tuple(r) for r in page.eval_on_selector_all(
            "#reports tbody tr", "rows => rows.map(r => [r.dataset.kind, r.dataset.code, r.dataset.year, "
                                 "r.dataset.province])")]
        if page.is_disabled("#kp-next"):
            return seen
        page.click("#kp-next")


@pytest.mark.parametrize("text, code", [("Central Java", _alias("Central Java")), ("West Java", _alias("West Java")),
                                        ("Jateng", _alias("Jateng")), ("Sumut", _alias("Sumut")),
                                        ("central java province", _alias("Central Java"))])
def test_a_province_by_its_english_name_or_abbreviation_lists_its_reports_first(whole, browser, text, code):
    out, _, rows = whole
    page, seen = open_page(browser, out / "en" / "index.html")
    shown = _shown(page, text)
    own = [r for r in rows if r[1] == code and r[0] in ("entity", "province")]
    members = [r for r in rows if r[3] == code and r[0] == "entity" and r[1] != code]
    if text.endswith("province"):  # the type narrows to the province's own rows
        members = []
    assert own and len(shown) == len(own) + len(members)
    assert {s[1] for s in shown[:len(own)]} == {code}  # the province itself before the bodies in it
    assert all(s[3] == code for s in shown)
    assert [e for e in seen["errors"] if "ERR_FILE_NOT_FOUND" not in e] == []  # no report is built here


@pytest.mark.parametrize("text, code", [("Bogor Regency", _region("Kabupaten Bogor")),
                                        ("Ministry of Finance", _alias("Ministry of Finance")),
                                        ("Kemenkeu", _alias("Kemenkeu")), ("Kemenag", _alias("Kemenag")),
                                        ("Ministry of Religious Affairs", _alias("Kemenag"))])
def test_a_body_by_its_english_name_or_short_form_finds_exactly_its_reports(whole, browser, text, code):
    out, _, rows = whole
    page, _ = open_page(browser, out / "en" / "index.html")
    expected = sorted(r[:4] for r in rows if r[0] == "entity" and r[1] == code)
    assert expected and sorted(_shown(page, text)) == expected


def test_a_whole_word_ranks_above_the_same_letters_inside_a_word(whole, browser):
    out, _, rows = whole
    page, _ = open_page(browser, out / "en" / "index.html")
    medan = _region("Kota Medan")
    own = [r for r in rows if r[0] == "entity" and r[1] == medan]
    shown = _shown(page, "Medan")
    inside = [s for s in shown if s[1] != medan]  # Sumedang: "medan" inside a word
    assert own and [s[1] for s in shown[:len(own)]] == [medan] * len(own)
    assert inside and _region("Kabupaten Sumedang") in {s[1] for s in inside}


@pytest.mark.parametrize("text, unit_type", [("Puskesmas", "puskesmas"), ("Polres", "polres"),
                                             ("Dukcapil", "dukcapil"), ("Kantor Pertanahan", "kantor_pertanahan")])
def test_a_service_unit_finds_the_reports_that_show_it(whole, browser, text, unit_type):
    out, data, rows = whole
    page, _ = open_page(browser, out / "en" / "index.html")
    u = data.units[data.units["unit_type"] == unit_type]
    expected = {("entity", p, str(y)) for p, y in zip(u["parent_code"], u["year"], strict=True)}  # its parent's page
    if unit_type in ("polres", "kantor_pertanahan"):  # and, located in a region, its province's page
        expected |= {("province", p, str(y)) for p, y in zip(u["province_code"], u["year"], strict=True)}
    expected &= {r[:3] for r in rows}
    shown = _shown(page, text)
    assert expected and {s[:3] for s in shown} == expected
    notes = page.eval_on_selector_all("#reports tbody tr", "rows => rows.map(r => r.querySelector('.kp-via')"
                                                           " && r.querySelector('.kp-via').textContent)")
    assert all(note and any(name in note for name in u["unit_name"]) for note in notes)


def test_2025_rows_show_their_opini_and_the_opini_facet_narrows_to_it(whole, browser):
    out, data, rows = whole
    page, _ = open_page(browser, out / "en" / "index.html")
    e = data.entities
    latest = e[(e["year"] == 2025) & e["opinion"].notna()]
    row = latest.iloc[0]
    page.fill("#kp-search", f"{row.entity_code} 2025")
    cells = page.eval_on_selector("#reports tbody tr[data-kind=entity]", "r => Array.from(r.cells).map(c => "
                                                                          "c.textContent)")
    headers = page.eval_on_selector_all("#reports thead th", "ths => ths.map(t => t.textContent)")
    from kepatuhan.messages import Formatter

    assert cells[headers.index("Opini")] == Formatter("en")(f"site.opinion.{row.opinion}")
    page.fill("#kp-search", "")
    page.select_option("#kp-opinion", row.opinion)
    shown = page.eval_on_selector_all("#reports tbody tr", "rs => rs.map(r => r.dataset.opinion)")
    assert set(shown) == {row.opinion}
    expected = sum(1 for r in rows if r[4] == row.opinion)
    assert page.inner_text("#kp-count") == Formatter("en")("site.count", n=expected)


def test_a_name_with_no_report_is_said_plainly_with_the_coverage_link(site, browser):
    out, data, _, _ = site
    codes = set(data.entities["entity_code"])
    region = next(r for r in _reference("regions.csv") if r["type"] == "kabupaten" and r["code"] not in codes)
    page, seen = open_page(browser, out / "index.html")
    page.fill("#kp-search", region["name"])
    assert region["name"] in page.inner_text("#kp-absent")
    href = page.eval_on_selector("#kp-absent a", "a => a.href")
    assert href.endswith("methodology.html#coverage") and Path(urlparse(href).path).is_file()
    assert 'id="coverage"' in Path(urlparse(href).path).read_text(encoding="utf-8")
    page.fill("#kp-search", "Rejang Lebong")
    assert page.inner_text("#kp-absent") == "" and seen["errors"] == []


def test_the_phone_layout_shows_every_column_of_a_row(site, browser):
    out = site[0]
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((out / "index.html").as_uri())
    page.wait_for_load_state("load")
    headers = page.eval_on_selector_all("#reports thead th[data-key]", "ths => ths.map(t => t.textContent.trim())")
    boxes = page.eval_on_selector_all("#reports thead th[data-key] button", "bs => bs.map(b => "
                                      "[b.getBoundingClientRect().left, b.getBoundingClientRect().right])")
    assert len(boxes) == len(headers) and all(0 <= left and right <= 390 for left, right in boxes)
    cells = page.eval_on_selector_all(
        "#reports tbody tr:first-child td",
        "tds => tds.map(td => [td.textContent.trim(), getComputedStyle(td, '::before').content, "
        "td.getBoundingClientRect().right, td.offsetParent !== null])")
    for (text, label, right, visible), header in zip(cells, headers, strict=False):
        if text:
            assert visible and right <= 390 and header in label, (header, text, label)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_in_print_a_caption_stays_with_its_table_and_the_citation_is_never_split(site, browser):
    out = site[0]
    page, _ = open_page(browser, out / "entity/17.02/2024.html")
    page.emulate_media(media="print")
    captions = page.eval_on_selector_all("figure.kp-table figcaption",
                                         "cs => cs.map(c => getComputedStyle(c).breakAfter)")
    footer = page.eval_on_selector_all(".kp-footer p", "ps => ps.map(p => getComputedStyle(p).breakInside)")
    assert captions and set(captions) == {"avoid"} and footer and set(footer) == {"avoid"}
    page.emulate_media(media="screen")
    assert page.eval_on_selector("figure.kp-table figcaption", "c => getComputedStyle(c).breakAfter") == "auto"
