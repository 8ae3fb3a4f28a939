"""Every page leads on: breadcrumbs, linked names, ranking pages, and no link to a page the full site lacks.

The site built here holds Rejang Lebong 2024, Bengkulu province 2024 and the national overview 2024
(Indonesian), with the ranking pages those reports bring; a reader clicks through them in Chromium,
and a crawl of the folder finds no link to an address the whole site would not have.
"""

from pathlib import Path

import pandas as pd
import pytest

from kepatuhan import build, findings, grading, linkcheck, navigation, ranking
from kepatuhan.messages import LANGS


@pytest.fixture(scope="module")
def site(tmp_path_factory, data):
    out = tmp_path_factory.mktemp("nav-site")
    tasks = build.plan(data, only="entity", entity="17.02", year=2024, langs=("id",)) \
        + build.plan(data, only="province", province="Bengkulu", year=2024, langs=("id",)) \
        + build.plan(data, only="national", year=2024, langs=("id",))
    outcomes = build.run(tasks, out, data, workers=2, progress=False)
    assert [o.status for o in outcomes] == ["built"] * 3
    return out


def _years(data) -> list[int]:
    return sorted(int(y) for y in set(data.entities["year"]))


# -- ranking frames ---------------------------------------------------------------------------------

def test_a_quotable_group_is_ranked_by_score_of_those_with_data(data):
    e = data.entities
    rows = e[(e["year"] == 2024) & (e["province_code"] == "17") & (e["entity_type"] == "kabupaten")]
    scored = rows.dropna(subset=["score"]).sort_values("score", ascending=False)
    size = int(((data.regions["province_code"] == "17") & (data.regions["type"] == "kabupaten")).sum())
    assert len(scored) >= findings.MIN_QUOTED_RANK and len(scored) >= size / 2  # the rule, stated independently
    frame = ranking.ranking_frame(navigation.RankingPage(2024, "kabupaten", "17"), _years(data))
    ranked = frame[~frame["label_only"]]
    assert ranked["entity_code"].tolist() == scored["entity_code"].tolist()
    assert ranked["rank"].tolist() == list(range(1, len(scored) + 1))  # no tie among Bengkulu's 2024 scores
    assert scored["score"].is_unique
    before = e[(e["year"] == 2023)].set_index("entity_code")["score"]
    code = scored["entity_code"].iloc[0]
    assert ranked["change"].iloc[0] == pytest.approx(scored["score"].iloc[0] - before[code])
    assert frame["position"].eq("").all()


def test_a_group_the_data_cover_thinly_gets_no_rank_numbers_but_a_position(data):
    e = data.entities
    rows = e[(e["year"] == 2024) & (e["entity_type"] == "kabupaten")]
    n = int(rows["score"].notna().sum())
    a = data.aggregates
    published = a[(a["year"] == 2024) & a["scope_code"].isna() & (a["entity_type"] == "kabupaten")
                  & (a["measure"] == "assessed")]["count"]
    assert len(published) and n < int(published.iloc[0]) / 2  # fewer than half of those assessed
    frame = ranking.ranking_frame(navigation.RankingPage(2024, "kabupaten"), _years(data))
    assert frame["rank"].isna().all() and not frame["rank_quotable"].any()
    median = rows["score"].median()
    scored = frame[~frame["label_only"]]
    expected = ["above" if s > median else "below" if s < median else "at" for s in scored["score"]]
    assert scored["position"].tolist() == expected
    assert frame.loc[frame["label_only"], "position"].eq("").all()
    assert len(frame) == len(rows) and frame["label_only"].tolist() == sorted(frame["label_only"].tolist())


def test_no_score_difference_is_shown_across_a_method_break(data):
    years = _years(data)
    assert ranking.previous_year(years, 2022) == 2021 and not grading.same_scheme(2021, 2022)
    frame = ranking.ranking_frame(navigation.RankingPage(2022, "kabupaten"), years)
    assert frame["change"].isna().all() and not frame["comparable"].any()
    html = ranking.page_html(ranking.page_context(navigation.RankingPage(2022, "kabupaten"), frame, "en",
                                                  navigation.available(data.entities), ""))
    assert b"grading method changed between 2021 and 2022" in html
    assert ">Change</th>" not in html.decode()


# -- the built site ---------------------------------------------------------------------------------

def _full_site_addresses(data) -> set[str]:
    """Every page the whole site has: the full plan's reports and the ranking pages, in both languages."""
    plan, ranked = build.plan(data), navigation.available(data.entities)
    pages = {f"{t.slug}.html" for t in plan} | {f"{p.path(lang)}.html" for p in ranked for lang in LANGS}
    # a CSV is written once, below the reports folder, for both languages
    return pages | {f"{build.report_path(*t.subject, LANGS[0])}.csv" for t in plan} | {f"{p.slug}.csv" for p in ranked}


def test_a_crawl_finds_no_link_to_an_address_the_full_site_lacks(site, data):
    broken = linkcheck.crawl(site)
    assert broken, "the partial build links reports it did not build (a full site has them)"
    addresses = _full_site_addresses(data)
    unknown = [b for b in broken if b.reason != "no such file" or b.resolved not in addresses]
    assert unknown == []
    pages = {p.relative_to(site).as_posix() for p in linkcheck.site_pages(site)}
    assert {"ranking/2024/kabupaten.html", "ranking/2024/17/kabupaten.html", "en/ranking/2024/lembaga.html"} <= pages
    assert (site / "ranking/2024/kabupaten.csv").is_file() and not (site / "en/ranking/2024/kabupaten.csv").exists()
    english = (site / "en/ranking/2024/kabupaten.html").read_text(encoding="utf-8")
    assert 'href="../../../ranking/2024/kabupaten.csv"' in english  # the one CSV, shared with the Indonesian page


def test_the_crawl_reports_a_missing_page_and_a_missing_anchor(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.html").write_text('<p id="here"><a href="../b.html">b</a> <a href="x.html#here">ok</a>'
                                           ' <a href="#gone">gone</a> <a href="https://example.org/">out</a>'
                                           ' <a href="../../up.html">up</a></p>')
    found = sorted((b.page, b.target, b.reason.split(" ")[0]) for b in linkcheck.crawl(tmp_path))
    assert found == [("a/x.html", "#gone", "no"), ("a/x.html", "../../up.html", "leads"),
                     ("a/x.html", "../b.html", "no")]
    assert linkcheck.main([str(tmp_path)]) == 1
    (tmp_path / "a" / "x.html").write_text('<a href="x.html">self</a>')
    assert linkcheck.main([str(tmp_path)]) == 0


def test_every_name_in_a_ranking_table_links_to_its_report(site, data):
    from html.parser import HTMLParser

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.inside = [], False

        def handle_starttag(self, tag, attrs):
            if tag == "a" and self.inside:
                self.rows.append(dict(attrs)["href"])
            self.inside = tag == "td" or (self.inside and tag == "a")

    parser = Links()
    parser.feed((site / "ranking/2024/17/kota.html").read_text())
    e = data.entities
    rows = e[(e["year"] == 2024) & (e["province_code"] == "17") & (e["entity_type"] == "kota")]
    assert sorted(parser.rows) == sorted(f"../../../entity/{c}/2024.html" for c in rows["entity_code"])


# -- a reader clicks through ------------------------------------------------------------------------

def test_a_reader_clicks_from_the_landing_page_through_province_nation_and_ranking_back(site, browser):
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.click('#reports a[href="entity/17.02/2024.html"]')
    page.wait_for_url("**/entity/17.02/2024.html")
    page.click(".kp-crumbs a:has-text('Provinsi Bengkulu 2024')")
    page.wait_for_url("**/province/17/2024.html")
    assert page.locator("h1, h2").first.inner_text().startswith("Provinsi Bengkulu")
    page.click(".kp-crumbs a:has-text('Gambaran nasional 2024')")
    page.wait_for_url("**/national/2024.html")
    page.click(".kp-rankings a:has-text('Peringkat kabupaten 2024')")
    page.wait_for_url("**/ranking/2024/kabupaten.html")
    assert page.locator("h1").inner_text() == "Peringkat kabupaten 2024"
    page.click("table a:has-text('Kabupaten Rejang Lebong')")
    page.wait_for_url("**/entity/17.02/2024.html")
    assert "Kabupaten Rejang Lebong" in page.title()
    # the landing page leads to the rankings too, and the national page to every province of the year
    page.goto((site / "index.html").as_uri())
    assert page.locator("#kp-rankings a").count() == 5
    page.goto((site / "national/2024.html").as_uri())
    provinces = page.eval_on_selector_all(".kp-provinces a", "nodes => nodes.map(n => n.getAttribute('href'))")
    assert "../province/17/2024.html" in provinces and len(provinces) >= 30
    page.close()


def test_ranking_rows_are_the_frame_rows(data):
    """The CSV beside a ranking page is the frame the page shows, one row per entity of the group."""
    page = navigation.RankingPage(2023, "kota", "17")
    frame = ranking.ranking_frame(page, _years(data))
    text = ranking.csv_bytes(frame).decode()
    back = pd.read_csv(pd.io.common.StringIO(text), dtype={"entity_code": str})
    assert back["entity_code"].tolist() == frame["entity_code"].tolist()
    assert list(back.columns) == list(ranking.CSV_COLUMNS)


def test_make_clean_leaves_only_what_git_keeps(site, tmp_path):
    """Everything a build writes (ranking pages, the search index, gzip twins included) goes; the README stays."""
    import shutil
    import subprocess

    from kepatuhan import publish

    root = Path(__file__).resolve().parents[1]
    copy = tmp_path / "project"
    shutil.copytree(site, copy / "reports")
    publish.write_compressed(copy / "reports")
    (copy / "reports/README.md").write_text("kept\n")
    assert {"ranking", "search-index.js", "index.html.gz"} <= {p.name for p in (copy / "reports").iterdir()}
    subprocess.run(["make", "-s", "-f", str(root / "Makefile"), "clean"], cwd=copy, check=True)
    assert [p.relative_to(copy).as_posix() for p in copy.rglob("*")] == ["reports", "reports/README.md"]
