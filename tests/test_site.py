"""The site around the reports: precise rebuilds, byte-identical builds, downloads, the landing page's data."""

import csv
import io
import re
import zipfile

import pytest
from conftest import write_small_data

from kepatuhan import build, dataset, exports, findings, landing, landing_search, names, paths, site
from kepatuhan.messages import Formatter

#: SYNTHETIC changes made to a temporary copy of data/ only, never to the shipped data.
SYNTHETIC_URL = "https://example.org/synthetic-test-row"


@pytest.fixture
def data_copy(tmp_path):
    """A temporary small copy of data/ (a few provinces' rows, conftest.py), processed there: these tests digest
    every report of the site twice."""
    return write_small_data(tmp_path / "data")


def _edit_raw(folder, name, edit):
    path = folder / "raw" / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    dataset.process(folder)
    return dataset.load(folder)


def _changed(before: dict, after: dict) -> set[str]:
    return {slug for slug in before.keys() & after.keys() if before[slug] != after[slug]}


def test_one_unit_score_rebuilds_only_the_reports_that_show_it(data_copy):
    data = dataset.load(data_copy)
    tasks = build.plan(data, data_dir=str(data_copy))
    before = build.digests(tasks, data)
    line = "2024,17.02/dinkes,Dinas Kesehatan,dinkes,17.02,17.02,17,93.26,"
    changed = _edit_raw(data_copy, "unit_scores.csv", lambda text: text.replace(line, line.replace("93.26", "93.25")))
    assert changed.units.loc[changed.units["unit_code"] == "17.02/dinkes", "score"].iloc[0] == pytest.approx(93.25)
    after = build.digests(build.plan(changed, data_dir=str(data_copy)), changed)
    assert len(tasks) > 500
    assert _changed(before, after) == {"entity/17.02/2024", "en/entity/17.02/2024"}


def test_a_new_entity_year_rebuilds_only_the_reports_that_rank_or_count_it(data_copy):
    data = dataset.load(data_copy)
    assert 2021 not in set(data.entities.loc[data.entities["entity_code"] == "17.02", "year"])
    tasks = build.plan(data, data_dir=str(data_copy))
    before = build.digests(tasks, data)
    row = f"2021,17.02,kabupaten,Kabupaten Rejang Lebong,17,70.00,,,{SYNTHETIC_URL}\n"
    changed = _edit_raw(data_copy, "entity_scores.csv", lambda text: text + row)
    after_tasks = build.plan(changed, data_dir=str(data_copy))
    rebuilt = _changed(before, build.digests(after_tasks, changed))
    assert {t.slug for t in after_tasks} - set(before) == {"entity/17.02/2021", "en/entity/17.02/2021"}

    e = data.entities
    bengkulu_2022 = set(e.loc[(e["province_code"] == "17") & (e["year"] < 2022) & e["entity_type"].isin(
        ["kabupaten", "kota"]), "year"])  # the years of kab/kota results before 2022
    expected = set()
    for task in tasks:
        kind, code, year = task.subject
        tail = task.slug.removeprefix("en/")
        if kind == "national" or (kind == "entity" and code == "17.02"):
            expected.add(task.slug)  # counts every row / shows its own years
        elif kind == "entity" and year == 2021 and (task.meta["type"] == "kabupaten" or (
                task.meta["province_code"] == "17" and task.meta["type"] in ("kabupaten", "kota", "provinsi"))):
            expected.add(task.slug)  # ranks it (same type nationally, kab/kota of Bengkulu) or maps it (Bengkulu)
        elif tail == "province/17/2021" or (tail == "province/17/2022" and max(bengkulu_2022) < 2021):
            expected.add(task.slug)  # lists it, or names 2021 as its previous year (graded otherwise: no rows)
        elif kind == "province" and year == 2021 and findings.assessed_count(data.aggregates, 2021, "kabupaten"):
            expected.add(task.slug)  # its coverage counts the kabupaten with data nationally beside those assessed
    assert rebuilt == expected
    untouched = {"entity/17.03/2024", "en/entity/17.03/2024", "province/17/2024", "en/province/17/2024"}
    assert untouched <= set(before) and not untouched & rebuilt
    assert 0 < len(rebuilt) < len(before) / 4


def test_an_edit_anywhere_in_the_package_changes_every_hash(monkeypatch):
    first = site.code_digest()
    source = paths.PROJECT_ROOT / "src/kepatuhan/templates/site/index.html.j2"
    original = source.read_bytes()
    try:
        source.write_bytes(original + b"\n")
        assert site.code_digest() != first
    finally:
        source.write_bytes(original)
    assert site.code_digest() == first


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    data = dataset.load()
    tasks = build.plan(data, only="entity", entity="17.02", year=2024) \
        + build.plan(data, only="entity", entity="17.02", year=2023, langs=("id",))
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    for out in (first, second):
        outcomes = build.run(tasks, out, data, workers=2, progress=False)
        assert [o.status for o in outcomes] == ["built"] * len(tasks)
    return first, second, data, tasks


def _files(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and ".build" not in p.parts)


def test_two_builds_give_byte_identical_files_in_both_languages(two_builds):
    first, second, _, _ = two_builds
    files = _files(first)
    assert files == _files(second)
    assert {"entity/17.02/2024.html", "en/entity/17.02/2024.html", "entity/17.02/2024.csv", "index.html",
            "en/index.html", "downloads/kepatuhan.xlsx", "downloads/kepatuhan-entities.csv"} <= set(files)
    assert [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()] == []


def _twins(page: str) -> list[tuple[str, str]]:
    tags = re.findall(r"<a [^>]*kp-twin[^>]*>", page)
    return [(re.search(r'href="([^"]+)"', t).group(1), re.search(r'hreflang="([^"]+)"', t).group(1)) for t in tags]


def test_each_page_links_its_twin_its_years_its_csv_and_carries_citation_tags(two_builds):
    out, _, data, _ = two_builds
    page = (out / "entity/17.02/2024.html").read_text(encoding="utf-8")
    english = (out / "en/entity/17.02/2024.html").read_text(encoding="utf-8")
    assert _twins(page) == [("../../en/entity/17.02/2024.html", "en")]
    assert _twins(english) == [("../../../entity/17.02/2024.html", "id")]
    assert (out / "entity/17.02" / _twins(page)[0][0]).resolve() == (out / "en/entity/17.02/2024.html").resolve()
    years = sorted(int(y) for y in data.entities.loc[data.entities["entity_code"] == "17.02", "year"])
    assert [int(y) for y in re.findall(r'<a href="(\d{4})\.html">', page)] == [y for y in years if y != 2024]
    assert 'href="2024.csv"' in page and 'name="citation_title"' in page and 'name="DC.title"' in page
    # one CSV for both languages: the English page links the file beside the Indonesian page, none of its own
    assert 'href="../../../entity/17.02/2024.csv"' in english and not (out / "en/entity/17.02/2024.csv").exists()
    assert not list((out / "en").rglob("*.csv"))
    assert data.release == (dataset.paths.data_root() / "RELEASE").read_text().strip()  # cited, hash beside it
    assert f'content="{data.release} (hash {data.version})"' in page
    latest = int(data.entities["year"].max())
    cited = f"rilis data {data.release} (hash {data.version}), penilaian sampai {latest}"
    footer = page.split('class="kp-footer"')[1]
    # publisher, the release as the citation's date (not the build's day), the data, the page's address
    assert f"Para kontributor kepatuhan ({data.release}). " in footer and cited in footer
    assert "entity/17.02/2024.html</p>" in footer and "ODbL 1.0" in footer
    assert f'<meta content="{latest}" name="citation_date"/>' in page


def test_a_report_csv_holds_the_rows_it_shows_with_sources(two_builds):
    out, _, data, _ = two_builds
    rows = list(csv.DictReader(io.StringIO((out / "entity/17.02/2024.csv").read_text(encoding="utf-8"))))
    units = data.units[(data.units["parent_code"] == "17.02") & (data.units["year"] == 2024)]
    assert sorted(r["name"] for r in rows if r["section"] == "units") == sorted(units["unit_name"])
    own = data.entities[data.entities["entity_code"] == "17.02"]
    assert sorted(int(r["year"]) for r in rows if r["section"] == "trend") == sorted(own["year"])
    peers = data.entities[(data.entities["year"] == 2024) & (data.entities["entity_type"] == "kabupaten")]
    listed = [r for r in rows if r["section"] == "type_peers"]  # ranked among, or counted as label-only
    assert len(listed) == len(peers) and sum(r["score"] == "" for r in listed) == peers["score"].isna().sum() > 0
    assert all(r["source_url"].startswith("http") for r in rows)
    page = (out / "entity/17.02/2024.html").read_text(encoding="utf-8")
    assert all(name in page for name in units["unit_name"])


def test_downloads_hold_the_whole_dataset_with_credits(two_builds):
    out, _, data, _ = two_builds
    entities = list(csv.DictReader(io.StringIO((out / "downloads/kepatuhan-entities.csv").read_text(encoding="utf-8"))))
    assert len(entities) == len(data.entities) and all(r["source_url"] for r in entities)
    with zipfile.ZipFile(out / "downloads/kepatuhan.xlsx") as book:
        assert "xl/worksheets/sheet1.xml" in book.namelist()
        assert {i.date_time for i in book.infolist()} == {exports.FIXED_ZIP_DATE}
    readme = (out / "downloads/README.txt").read_text(encoding="utf-8")
    assert "ODbL" in readme and "MIT" in readme and "source_url:" in readme
    index = (out / "index.html").read_text(encoding="utf-8")
    for target in ("downloads/kepatuhan.xlsx", "downloads/kepatuhan-entities.csv", "downloads/README.txt",
                   "methodology.html", "en/index.html"):
        assert f'href="{target}"' in index


def test_search_keys_follow_the_name_rules_and_the_alias_table():
    data = dataset.load()
    keys = landing_search.search_keys(data)
    assert names.split_name("Pemkab Rejang Lebong") == ("kabupaten", "rejanglebong")
    assert "rejang lebong" in keys["17.02"]
    for alias, code in zip(data.aliases["alias"], data.aliases["code"], strict=True):
        assert names.split_words(alias)[1] in keys[code]
        assert names.split_words(alias)[1].replace(" ", "") == names.split_name(alias)[1]


def test_each_service_unit_is_a_search_key_of_the_reports_that_show_it():
    from kepatuhan import landing_search, selection

    data = dataset.load()
    keys = landing_search.unit_keys(data)
    for row in data.units.itertuples(index=False):
        where = [f"entity/{row.parent_code}/{row.year}"]  # selection.entity: the units of its parent
        if row.unit_type in ("polres", "kantor_pertanahan"):  # selection.province: the units located in it
            where.append(f"province/{row.province_code}/{row.year}")
        for report in where:
            listed = next(u for u in keys[report] if u[0] == row.unit_name)
            assert names.split_words(row.unit_name)[1] in listed[1:]
        shown = selection.select(data, "entity", row.parent_code, int(row.year)) if row.parent_code in \
            set(data.entities.loc[data.entities["year"] == row.year, "entity_code"]) else None
        if shown is not None:  # the entity report of the parent really holds the unit
            assert (row.unit_code, int(row.year)) in shown.keys()
    assert "puskesmas" in {k for units in keys.values() for u in units for k in u[1:]}


def test_names_without_a_report_are_the_regions_with_no_row_in_the_data():
    import csv

    from kepatuhan import landing_search, paths

    data = dataset.load()
    with open(paths.reference_dir() / paths.REGIONS_FILE, encoding="utf-8", newline="") as handle:
        regions = list(csv.DictReader(handle))
    codes = set(data.entities["entity_code"])
    provinces_with_rows = set(data.entities["province_code"].dropna())
    expected = {r["code"] for r in regions if r["type"] in ("kabupaten", "kota") and r["code"] not in codes} | \
        {r["code"] for r in regions if r["type"] == "provinsi" and r["code"] not in codes | provinces_with_rows}
    absent = landing_search.absent_regions(data)
    assert set(absent) == expected and len(expected) > 10
    assert all(absent[r["code"]] == [r["name"], r["type"]] for r in regions if r["code"] in expected)


def test_the_codebook_describes_every_column_and_states_the_dataset_licence():
    data = dataset.load()
    readme = site.downloads_readme(data)
    blocks = readme.split("kepatuhan-")
    for name in site.DATASET_TABLES:
        block = next(b for b in blocks if b.startswith(f"{name}.csv"))
        described = [line.split(":")[0].strip() for line in block.splitlines() if line.startswith("  ")
                     and not line.startswith("    ")]
        assert described == list(getattr(data, name).columns), name
    e = data.entities
    filled = sorted(int(y) for y in e.loc[e["opinion"].notna() & (e["opinion"] != ""), "year"].unique())
    opinion = next(line for line in readme.splitlines() if line.startswith("  opinion:"))
    assert str(filled[0]) in opinion and filled[0] < 2025  # filled from the category years on, not only 2025
    assert "Open Database License (ODbL 1.0" in readme and "Licence of this dataset" in readme
    assert "wilayah_boundaries" in readme and "idn-area-data" in readme


def test_headline_counts_the_latest_year_against_the_published_total():
    data = dataset.load()
    figures = landing.headline(data, Formatter("en"))
    latest = int(data.entities["year"].max())
    rows = data.entities[data.entities["year"] == latest]
    a = data.aggregates
    published = a[(a["year"] == latest) & a["scope_code"].isna() & (a["entity_type"] == "all")
                  & a["measure"].isin(["assessed", "sampled"])]
    assert figures["year"] == latest and figures["n"] == len(rows)
    assert figures["of"] == int(published["count"].iloc[0])
    assert sum(r["n"] for r in figures["rows"]) == len(rows)
    assert sum(sum(r["zones"].values()) for r in figures["rows"]) == int(rows["zone"].isin(
        ["hijau", "kuning", "merah"]).sum())


def test_row_texts_for_hashes_match_one_csv_per_row_even_with_a_line_break_in_a_cell():
    def one_by_one(frame):
        return [frame.iloc[[i]].to_csv(index=False, header=False, lineterminator="\n") for i in range(len(frame))]

    entities = dataset.load().entities
    assert site._csv_lines(entities) == one_by_one(entities)
    awkward = entities.head(3).copy()
    awkward.loc[awkward.index[1], "entity_name"] = "two\nlines"  # quoted over two lines: the split is unsafe
    lines = site._csv_lines(awkward)
    assert lines == one_by_one(awkward) and len(lines) == 3 and "two\nlines" in lines[1]


def test_an_unchanged_workbook_is_not_written_again_but_a_changed_or_missing_one_is(tmp_path):
    data = dataset.load()
    state = tmp_path / ".build"
    site.write_downloads(tmp_path, data, state)
    book = tmp_path / "downloads/kepatuhan.xlsx"
    first = book.stat()
    site.write_downloads(tmp_path, data, state)
    assert (book.stat().st_ino, book.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)

    fewer = dataset.load()
    fewer.entities = fewer.entities.head(10)
    site.write_downloads(tmp_path, fewer, state)
    assert book.stat().st_ino != first.st_ino
    with zipfile.ZipFile(book) as zipped:
        sheet = zipped.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 11  # header + the 10 rows left

    book.unlink()
    site.write_downloads(tmp_path, fewer, state)
    assert book.is_file()
