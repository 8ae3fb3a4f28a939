"""A real browser (Debian's headless Chromium) opens the index and a report from file://."""

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
    out = tmp_path_factory.mktemp("site")
    data = dataset.load()
    tasks = build.plan(data, province="Bengkulu", year=2024)
    outcomes = build.run(tasks, out, data, workers=2, progress=False)
    assert all(o.status == "built" for o in outcomes)
    return out, tasks


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


def test_index_loads_links_resolve_and_table_sorts(site, browser):
    out, tasks = site
    page, seen = open_page(browser, out / "index.html")
    assert page.title() == "kepatuhan — daftar laporan"
    links = page.eval_on_selector_all("#reports a", "nodes => nodes.map(n => n.href)")
    assert len(links) == len(tasks)
    assert all(Path(urlparse(link).path).is_file() for link in links)
    score_column = [h.lower() for h in page.eval_on_selector_all("th", "n => n.map(x => x.textContent)")].index("nilai")

    def scores():
        values = page.eval_on_selector_all(
            "#reports tbody tr", f"rows => rows.map(r => r.cells[{score_column}].getAttribute('data-value'))")
        return [float(v) for v in values if v]

    page.click("th[data-key=score]")
    assert scores() == sorted(scores()) and len(scores()) >= 10
    page.click("th[data-key=score]")
    assert scores() == sorted(scores(), reverse=True)
    page.fill("#filter", "Kaur")
    visible = page.eval_on_selector_all("#reports tbody tr",
                                        "rows => rows.filter(r => r.style.display !== 'none').length")
    assert visible == 1
    assert _local_only(seen["requests"]) == [] and seen["errors"] == []


def test_entity_report_is_self_contained(site, browser):
    out, _ = site
    page, seen = open_page(browser, out / "entity" / "17.02.html")
    assert "Rejang Lebong" in page.title()
    assert page.get_attribute("html", "lang") == "id"
    images = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
    assert len(images) >= 3 and all(images)
    assert "93,07" in page.inner_text("body")
    assert _local_only(seen["requests"]) == [] and seen["errors"] == []
