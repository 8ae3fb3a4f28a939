"""What the report views say, read back from their HTML on the shipped data: counts are recomputed here
from the data tables, never copied from the output."""

import re

import pandas as pd
import pytest

from kepatuhan import report
from kepatuhan.messages import Formatter
from kepatuhan.report.words import grade_notes


def _text(html) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", getattr(html, "data", html))).replace("&#39;", "'")


def _year(shipped, year: int, kind: str) -> pd.DataFrame:
    e = shipped.entities
    return e[(e["year"] == year) & (e["entity_type"] == kind)]


def _sampled(shipped, year: int, kind: str) -> int:
    a = shipped.aggregates
    row = a[(a["year"] == year) & (a["scope_code"].fillna("") == "") & (a["measure"] == "sampled")
            & (a["entity_type"] == kind)]
    return int(row["count"].iloc[0])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_2025_rank_says_it_is_among_the_scored_not_the_sample(shipped, lang):
    """The data hold fewer than half of the 2025 sample of kota: no rank is quoted, the coverage is given
    against the sample, the label-only cities are named apart, and the position is against the median."""
    rows = _year(shipped, 2025, "kota")
    scored, label_only = int(rows["score"].notna().sum()), int(rows["score"].isna().sum())
    text = _text(report.EntityReport(shipped, "16.71", 2025, lang).headline())
    sampled = _sampled(shipped, 2025, "kota")
    assert scored < sampled / 2
    words = {"id": (f"{scored} dari {sampled} kota", f"{label_only} kota lain hanya diketahui opininya",
                    "median"),
             "en": (f"{scored} of the {sampled} cities", f"{label_only} other cities", "median")}
    for phrase in words[lang]:
        assert phrase in text
    assert not re.search(r"Peringkat \d+ dari|Rank \d+ of", text)
    assert "di dalam sampel itu" not in text and "within that sample" not in text


def test_a_2025_province_rank_names_the_provinces_sampled_and_label_only(shipped):
    rows = _year(shipped, 2025, "provinsi")
    text = _text(report.ProvinceReport(shipped, "18", 2025, "id").headline())
    assert f"{int(rows['score'].notna().sum())} dari {_sampled(shipped, 2025, 'provinsi')} provinsi" in text
    assert f"{int(rows['score'].isna().sum())} provinsi lain hanya diketahui opininya" in text
    assert not re.search(r"Peringkat \d+ dari", text)


def test_the_national_spread_counts_scored_and_label_only_rows_apart(shipped):
    year = shipped.entities[shipped.entities["year"] == 2025]
    html = report.NationalReport(shipped, "id", 2025).distribution_table().data
    rows = {cells[1]: cells for cells in re.findall(r"<tr[^>]*>\s*((?:<td[^>]*>.*?</td>\s*)+)</tr>", html, re.S)
            for cells in [re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]}
    for kind, group in year.groupby("entity_type"):
        scored = int(group["score"].notna().sum())
        if scored:
            assert rows[kind][2:4] == [str(scored), str(len(group) - scored)]
        else:  # a type with labels only has no row that could look like it had scores
            assert kind not in rows
            assert f"Untuk {kind}, data 2025 hanya memuat label" in _text(html)


def test_every_asterisk_in_the_peer_table_has_its_row_in_the_conflicts_section(shipped):
    r = report.EntityReport(shipped, "17.02", 2024, "id")
    peers = r.peer_set.ranked
    marked = peers.loc[peers["conflict_rule"].astype(bool), "entity_name"]
    assert len(marked) and "17.02" not in set(peers.loc[peers["conflict_rule"].astype(bool), "entity_code"])
    conflicts = _text(r.conflicts())
    for name in marked:
        assert f"2024 {name} " in conflicts


@pytest.mark.parametrize(("lang", "words"), [("id", "sumber tidak tegas soal predikat"),
                                             ("en", "sources are unclear about the")])
def test_an_uncertain_flag_says_unclear_not_that_sources_differ(shipped, lang, words):
    e = shipped.entities
    row = e[(e["maladministrasi"] == "uncertain")].iloc[0]
    assert row["n_sources"] == 1  # one source, so "sources differ" could not be true
    text = _text(grade_notes(Formatter(lang), False, row["maladministrasi"]))
    assert words in text.lower() and "berbeda" not in text and "disagree" not in text


def test_a_long_standing_finding_is_split_into_sentences(shipped):
    text = _text(report.EntityReport(shipped, "16.71", 2025, "id").headline())
    standing = text[text.index("Pada 2025, Kota Palembang"):].split(" Nilai sebelumnya")[0]
    assert standing.count(". ") >= 2 and ";" not in standing.split("zona hijau")[1]


def test_an_opini_no_source_printed_is_said_to_be_inferred_with_the_printed_quality_word(shipped):
    s = shipped.entity_sources
    raw = s[(s["entity_code"] == "16.71") & (s["year"] == 2025)]
    assert raw["opinion"].isna().all()  # the source printed a score and a service-quality word, no opini
    quality = raw["service_quality"].dropna().iloc[0]
    text = _text(report.EntityReport(shipped, "16.71", 2025, "id").headline())
    assert f"(disimpulkan dari nilai; sumber hanya mencetak kualitas pelayanan “{quality}”)" in text
    printed = _text(report.ProvinceReport(shipped, "18", 2025, "id").headline())  # Lampung's opini is printed
    assert "disimpulkan dari nilai;" not in printed.split("zona hijau")[0]


def test_the_methodology_pages_link_each_other_and_every_band_its_source():
    import csv
    from html import unescape

    from kepatuhan import grading, page

    with open(grading.schemes_path(), encoding="utf-8") as handle:
        urls = {r["source_url"] for r in csv.DictReader(handle)}
    for lang, other in (("id", "en/methodology.html"), ("en", "../methodology.html")):
        html = page.methodology_html(lang).decode()
        assert f'href="{other}"' in html
        rows = re.findall(r"<tr><td>\d{4}.*?</tr>", html)
        assert rows and all(unescape(re.search(r"<a href=\"([^\"]+)\"", r).group(1)) in urls for r in rows)
        assert "white-space: nowrap" in html
        assert "dipublikasikan Ombudsman" not in html and "published by the Ombudsman" not in html


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_gap_is_said_in_words_not_as_a_signed_number(shipped, lang):
    text = _text(report.EntityReport(shipped, "17.02", 2024, lang).comparison())
    assert not re.search(r"[-+]\d+[,.]\d\d poin|[-+]\d+[,.]\d\d points", text)
    assert ("di bawah nilai tertinggi" if lang == "id" else "below the highest score") in text


def test_the_national_sources_give_each_figure_in_words_with_its_value(shipped):
    html = report.NationalReport(shipped, "id", 2025).sources().data
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)]
    cells = [c for c in cells if c]
    a = shipped.aggregates
    sampled = a[(a["year"] == 2025) & (a["measure"] == "sampled") & (a["entity_type"] == "kota")]["count"].iloc[0]
    assert cells and all(c[2].strip() not in ("", "–") for c in cells)
    assert not any(":" in c[1] for c in cells)
    assert ["2025", "Jumlah kota dalam sampel", str(int(sampled))] in [[x.strip() for x in c[:3]] for c in cells]
    assert not any("Kantor Pertanahan" in c[1] for c in cells)  # a figure the page does not show


def test_the_group_tests_and_panel_say_they_describe_the_gathered_scores(shipped):
    r = report.NationalReport(shipped, "id", 2024)
    for text in (_text(r.group_tests()), _text(r.panel())):
        assert "pemberitaan" in text and "semua pemda" in text


def test_national_zone_counts_summed_from_categories_are_marked_computed(shipped):
    a = shipped.aggregates
    a = a[(a["scope_code"].fillna("") == "") & (a["entity_type"] == "all")]
    years_with_categories = set(a.loc[a["measure"] == "C", "year"])
    unprinted = [(y, z) for y in years_with_categories for z in ("kuning", "merah")
                 if not ((a["year"] == y) & (a["measure"] == z)).any()]
    assert unprinted  # the shipped 2024 counts print categories, not every zone
    html = report.NationalReport(shipped, "id", 2024).counts_table().data
    rows = {c[0]: c for c in ([x.strip() for x in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
                              for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)) if c}
    for year, zone in unprinted:
        assert rows[str(year)][{"kuning": 3, "merah": 4}[zone]].endswith(" *")
    assert rows[str(min(years_with_categories) - 1)][3].endswith("*") is False
    assert "Dihitung dari jumlah kategori" in html


def test_the_glossary_rank_matches_how_ranks_are_made(shipped):
    """The rule (DESIGN.md: types are ranked apart; no rank below three to compare), checked on both sides:
    the glossary names every pemda type and the minimum, and a report ranks a kota among kota only."""
    from kepatuhan import findings, messages

    assert findings.MIN_COMPARABLE == 3
    for lang, types, three in (("id", ("kabupaten", "kota", "provinsi"), "tiga"),
                               ("en", ("regencies", "cities", "provinces"), "three")):
        text = messages.text(lang, "term.rank.text")
        assert all(text.count(t) >= 2 for t in types), lang  # each type named as ranked and as ranked among
        assert three in text, lang
    e = shipped.entities
    kota_2024 = e[(e["year"] == 2024) & (e["entity_type"] == "kota") & e["score"].notna()]
    rank = next(r for r in report.EntityReport(shipped, "17.71", 2024, "id").ranks if r.set_name == "type.kota")
    assert rank.n == len(kota_2024) and rank.n < len(e[(e["year"] == 2024) & e["score"].notna()])


def test_the_charts_explain_their_colours_scale_and_missing_years(shipped, monkeypatch):
    from kepatuhan import compare, plots
    from kepatuhan.messages import Formatter

    f = Formatter("id")
    r = report.EntityReport(shipped, "17.02", 2024, "id")
    units = plots.unit_figure(r.units, "t", f)
    legend = {t.get_text() for leg in units.legends for t in leg.get_texts()}
    assert {f(f"category.{c}.short") for c in ("A", "B")} <= legend  # the unit chart has A and B shades
    counts = report.NationalReport(shipped, "id", 2024).counts
    national = plots.national_figure(counts.dropna(subset=["hijau", "kuning", "merah"]), "t", f)
    assert [t.get_text() for t in national.axes[0].texts if t.get_text().strip()[:1].isdigit()] == []
    slope = plots.slopegraph(compare.province_peers(shipped.entities, 2023, "17"),
                             compare.province_peers(shipped.entities, 2024, "17"), 2023, 2024, "t", f)
    slope.canvas.draw()
    assert len([t for t in slope.axes[0].get_yticklabels() if t.get_text()]) >= 3
    e = shipped.entities
    label_years = e.loc[(e["entity_code"] == "17.02") & e["score"].isna(), "year"]
    assert len(label_years)
    seen = []
    drawn = plots.trend_figure
    monkeypatch.setattr(plots, "trend_figure",
                        lambda series, title, fmt, **kw: seen.append(drawn(series, title, fmt, **kw)) or seen[-1])
    r.trend_figure()
    ax = seen[0].axes[0]
    marked = sorted(x for line in ax.get_lines() if line.get_marker() == "D" for x in line.get_xdata())
    assert marked == sorted(int(y) for y in label_years)  # each label-only year is drawn, as a marker
    assert f("chart.label_only") in {t.get_text() for leg in seen[0].legends for t in leg.get_texts()}


def test_tables_mark_only_an_opini_no_source_printed(shipped):
    s = shipped.entity_sources
    r = report.EntityReport(shipped, "16.71", 2025, "id")
    peers = r.peer_set.ranked
    html = r.peers_table().data
    for code, name in zip(peers["entity_code"], peers["entity_name"], strict=True):
        row = re.search(re.escape(name) + r"(</a>)?</td>.*?</tr>", html, re.S).group(0)
        printed = s[(s["entity_code"] == code) & (s["year"] == 2025)]["opinion"].notna().any()
        assert ("opini disimpulkan dari nilai" in row) == (not printed), name
    trend = r.trend_table().data
    assert "opini disimpulkan" not in re.search(r"<td>2023</td>.*?</tr>", trend, re.S).group(0)  # a category year


def _shown(opened, section: str) -> list[dict]:
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()  # display() publishes through a shell, as in a kernel
    with capture_output() as captured:
        assert opened.show(section) is None
    return [o.data for o in captured.outputs]


def test_a_section_shows_its_heading_then_each_part_in_order(shipped):
    """Written out from what each section is for: a heading, then its tables and figures in reading order."""
    from kepatuhan.messages import Formatter

    f = Formatter("en")
    trend = _shown(report.EntityReport(shipped, "17.02", 2024, "en"), "trend")
    assert f("section.trend") in trend[0]["text/html"] and "<table" not in trend[0]["text/html"]
    assert "<table" in trend[1]["text/html"] and "Rejang Lebong" in trend[1]["text/html"]
    assert "<table" not in trend[2]["text/html"]  # the note on the slope
    assert "image/png" in trend[3]
    units = _shown(report.ProvinceReport(shipped, "17", 2024, "en"), "located_units")
    assert f("section.located_units") in units[0]["text/html"]
    for shown, unit_type in zip(units[1:], ("polres", "kantor_pertanahan"), strict=True):  # the table's own order
        assert f(f"unit_type.{unit_type}")[:1].upper() + f(f"unit_type.{unit_type}")[1:] in shown["text/html"]
    moves = _shown(report.NationalReport(shipped, "en", 2024), "transitions")
    assert len(moves) == 3  # heading, then 2022→2023 and 2023→2024: the consecutive years graded A–E
    for shown, (a, b) in zip(moves[1:], ((2022, 2023), (2023, 2024)), strict=True):
        assert f"{a} → {b}" in shown["text/html"] and "category in" in shown["text/html"]


def test_an_unknown_section_map_or_unit_type_is_a_report_error_naming_those_that_exist(shipped):
    national = report.NationalReport(shipped, "en", 2024)
    with pytest.raises(report.ReportError, match="no section 'nope'; sections: map, counts"):
        national.show("nope")
    with pytest.raises(report.ReportError, match="map levels: .*provinsi"):
        national.map("foo")
    with pytest.raises(report.ReportError, match="unit types: polres, kantor_pertanahan"):
        report.ProvinceReport(shipped, "17", 2024, "en").units("foo")
    with pytest.raises(report.ReportError, match="frames: trend, peers"):
        report.EntityReport(shipped, "17.02", 2024, "en").frame("nope")


def test_a_move_across_a_method_break_is_refused_with_why_and_zones_are_captioned_as_zones(shipped):
    national = report.NationalReport(shipped, "en", 2025)
    with pytest.raises(report.ReportError, match="2024 and 2025 were graded by different methods"):
        national.transitions(2024, 2025)
    with pytest.raises(report.ReportError, match="2021 and 2022"):
        national.transitions(2021, 2022)
    zones = _text(report.NationalReport(shipped, "id", 2021).transitions(2019, 2021))
    assert "zona 2019" in zones and "kategori" not in zones


@pytest.mark.parametrize("name, variable, open_view", [
    ("entity_report", "entity_report", lambda data: report.EntityReport(data, "17.02", 2024, "id")),
    ("province_report", "province_report", lambda data: report.ProvinceReport(data, "17", 2024, "id")),
    ("national_overview", "national_report", lambda data: report.NationalReport(data, "id", 2024))])
def test_each_report_notebook_shows_every_section_once_in_order(shipped, name, variable, open_view):
    import nbformat

    from kepatuhan.notebooks import notebook_path

    code = [c.source for c in nbformat.read(notebook_path(name), as_version=4).cells if c.cell_type == "code"]
    sections = [s.name for s in open_view(shipped).sections()]
    assert code[2:] == [f'{variable}.show("{section}")' for section in sections]
    assert len(sections) >= 6


def test_every_view_hands_out_its_tables_as_typed_frames_with_coverage(shipped):
    import re as regex

    views = {"entity": report.EntityReport(shipped, "17.02", 2024, "en"),
             "province": report.ProvinceReport(shipped, "17", 2024, "en"),
             "national": report.NationalReport(shipped, "en", 2024)}
    arguments = {("province", "units"): ("polres",), ("national", "transitions"): (2023, 2024)}
    for kind, view in views.items():
        assert len(view.frames()) >= 4, kind
        for name in view.frames():
            frame = view.frame(name, *arguments.get((kind, name), ()))
            assert isinstance(frame, pd.DataFrame), (kind, name)
            if name != "transitions":  # a crosstab: labels are its index and columns
                assert all(regex.fullmatch(r"[a-z][a-z0-9_]*", str(c)) for c in frame.columns), (kind, name)
            for column in ("entity_code", "unit_code", "code"):
                if column in frame and len(frame):
                    assert all(isinstance(v, str) for v in frame[column]), (kind, name, column)
    e = shipped.entities
    kabupaten = e[(e["year"] == 2024) & (e["province_code"] == "17") & (e["entity_type"].isin(["kabupaten", "kota"]))]
    peers = views["entity"].frame("peers")
    assert (peers["n_with_data"] == kabupaten["score"].notna().sum()).all() and not peers["small_n"].any()
    assert peers["rank"].dtype == "Int64" and peers["score"].dtype == float
    assert list(peers["score"]) == sorted(kabupaten["score"].dropna(), reverse=True)
    change = views["province"].frame("change")
    before = e[(e["year"] == 2023) & (e["province_code"] == "17") & e["entity_type"].isin(["kabupaten", "kota"])]
    both = kabupaten.merge(before, on="entity_code", suffixes=("", "_before")).dropna(subset=["score", "score_before"])
    assert sorted(change["change"].round(2)) == sorted((both["score"] - both["score_before"]).round(2))
