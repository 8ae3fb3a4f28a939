"""axe-core (Deque's accessibility rules, the engine inside Lighthouse) in Chromium on the audited pages.

The same pages `make audit` gives to Lighthouse: the landing page in both languages, an entity, a province
and a national report, the methodology page. Any violation axe rates serious or critical fails the test,
with the rule, its help text and the elements it found. axe-core comes from npm into `.audit/`
(`make test` installs the version pinned in the Makefile); the test injects its `axe.min.js`.
"""

import re
from pathlib import Path

import pytest

from kepatuhan import build, dataset, geometry

AXE = Path(__file__).resolve().parents[1] / ".audit" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["index.html", "en/index.html", "entity/17.02/2024.html", "province/17/2024.html", "national/2025.html",
         "ranking/2024/17/kabupaten.html", "ranking/2025/kabupaten.html", "methodology.html"]
#: axe's impact levels that fail a page (minor and moderate ones are reported by `make audit`'s Lighthouse).
FAILING = ("serious", "critical")


@pytest.fixture(scope="module")
def audited_site(tmp_path_factory):
    """Rejang Lebong 2024, Bengkulu province 2024 and the national report of 2025 (Indonesian), with the
    landing pages of both languages and the methodology page that every build writes."""
    out = tmp_path_factory.mktemp("audited")
    data = dataset.load()
    tasks = build.plan(data, only="entity", entity="17.02", year=2024, langs=("id",)) \
        + build.plan(data, only="province", province="Bengkulu", year=2024, langs=("id",)) \
        + build.plan(data, only="national", year=2025, langs=("id",))
    outcomes = build.run(tasks, out, data, workers=2, progress=False)
    assert [o.status for o in outcomes] == ["built"] * len(tasks), outcomes
    return out


def violations(browser, path: Path, width: int) -> list[dict]:
    """axe's serious and critical violations on the page at `path`, seen `width` CSS pixels wide."""
    assert AXE.is_file(), f"{AXE} is missing: `make test` installs axe-core (npm install --prefix .audit)"
    page = browser.new_page(viewport={"width": width, "height": 844})
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                              ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                              " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))")
    finally:
        page.close()
    return [v for v in found if v["impact"] in FAILING]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_or_critical_accessibility_violation(audited_site, browser, name, width):
    assert (audited_site / name).is_file(), name
    found = violations(browser, audited_site / name, width)
    assert found == [], "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in found)


def test_axe_finds_what_it_is_meant_to_find(audited_site, browser):
    """The check can fail: an image without alt text and grey-on-white text are found in a copy of a page."""
    page = (audited_site / "methodology.html").read_text(encoding="utf-8")
    broken = page.replace("<main>", '<main><img src="x.png"><p style="color:#ccc">faint</p>', 1)
    assert broken != page
    (audited_site / "broken.html").write_text(broken, encoding="utf-8")
    try:
        found = {v["id"] for v in violations(browser, audited_site / "broken.html", 390)}
    finally:
        (audited_site / "broken.html").unlink()
    assert {"image-alt", "color-contrast"} <= found


@pytest.mark.parametrize("name, regions", [("province/17/2024.html", [("kabkota", "17")]),
                                           ("national/2025.html", [("kabkota", None), ("provinsi", None)]),
                                           ("entity/17.02/2024.html", [("kabkota", "17")])])
def test_map_legends_are_page_text_readable_on_a_phone(audited_site, browser, name, regions):
    """Each map's legend is text right under its image, 12 px or more on a 390 px screen, each region counted once."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((audited_site / name).as_uri())
        page.wait_for_load_state("load")
        legends = page.eval_on_selector_all(".kp-legend", "ls => ls.map(l => ({"
                                            "after: !!l.previousElementSibling.querySelector('img'),"
                                            "sizes: Array.from(l.querySelectorAll('li')).map(i => parseFloat("
                                            "getComputedStyle(i).fontSize)), text: l.innerText}))")
    finally:
        page.close()
    assert len(legends) == len(regions)
    for legend, (level, province) in zip(legends, regions, strict=True):
        shapes = geometry.load(level)
        expected = sum(1 for s in shapes.values() if province is None or s.province_code == province)
        assert legend["after"] and min(legend["sizes"]) >= 12
        assert sum(int(n) for n in re.findall(r"\((\d+)\)\s*$", legend["text"], flags=re.M)) == expected
        assert "tidak ada dalam data" in legend["text"]
