"""One selection per report: its page, its CSV and its rebuild digest read the same rows.

The expectations are stated from the rules of what a report reads (README "Incremental and precise"),
recomputed here from the data tables, and checked against all three consumers."""


import pandas as pd
import pytest
from conftest import small_raw, write_small_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kepatuhan import build, dataset, selection, site
from kepatuhan.report import EntityReport, ProvinceReport

#: SYNTHETIC edits go to a temporary copy of data/ only, never to the shipped data.
SYNTHETIC_URL = "https://example.org/synthetic-selection-edit"


def _csv_keys(frame: pd.DataFrame) -> set[tuple[str, int]]:
    return {(str(c), int(y)) for c, y in zip(frame["code"], frame["year"], strict=True)}


def _keys(rows: pd.DataFrame, column: str = "entity_code") -> set[tuple[str, int]]:
    return {(str(c), int(y)) for c, y in zip(rows[column], rows["year"], strict=True)}


@pytest.fixture(scope="module")
def bengkulu(shipped):
    return build.plan(shipped, province="Bengkulu")


def test_every_bengkulu_report_reads_the_same_rows_in_its_csv_its_selection_and_its_digest(shipped, bengkulu):
    assert {t.slug.split("/")[0] for t in bengkulu} >= {"entity", "province", "en"} and len(bengkulu) > 50
    digests = site.InputDigests(shipped)
    for task in bengkulu:
        chosen = selection.select(shipped, *task.subject)
        digests(*task.subject)
        csv = _csv_keys(site.shown_rows(shipped, *task.subject))
        assert csv == chosen.keys() == digests.covered[task.subject], task.slug


def test_an_entity_selection_is_what_the_rules_say_it_reads(shipped):
    """Rejang Lebong 2024: its own years, every kabupaten of 2024 (ranked among them), the kab/kota of
    Bengkulu in 2024 (ranked among and mapped with them) and in 2023 (its previous year with a label,
    graded alike: its rank move in "what changed") and its units of 2024, label-only rows included."""
    e, u = shipped.entities, shipped.units
    expected = (_keys(e[e["entity_code"] == "17.02"])
                | _keys(e[(e["year"] == 2024) & (e["entity_type"] == "kabupaten")])
                | _keys(e[e["year"].isin([2023, 2024]) & (e["province_code"] == "17")
                          & e["entity_type"].isin(["kabupaten", "kota"])])
                | _keys(u[(u["parent_code"] == "17.02") & (u["year"] == 2024)], "unit_code"))
    assert selection.entity(shipped, "17.02", 2024).keys() == expected


def test_the_tables_a_page_shows_come_from_its_selection(shipped):
    entity = EntityReport(shipped, "17.02", 2024, "id")
    read = entity.selection.keys()
    assert {("17.02", int(y)) for y in entity.frame("trend")["year"]} <= read
    assert _keys(entity.frame("peers").assign(year=2024)) <= read
    assert {(c, 2024) for c in entity.frame("units")["unit_code"]} <= read
    province = ProvinceReport(shipped, "17", 2024, "id")
    read = province.selection.keys()
    assert {(c, 2024) for c in province.frame("ranking")["entity_code"]} <= read
    assert {(c, 2023) for c in province.frame("change")["entity_code"]} <= read  # the previous year's scores
    assert {(c, 2024) for c in province.frame("units", "polres")["unit_code"]} <= read


def test_a_province_compares_only_with_a_year_graded_alike(shipped):
    across = selection.province(shipped, "17", 2022)  # 2021 → 2022 is a method break
    assert across.previous_year == 2021 and not across.comparable and not across.has("previous")
    within = selection.province(shipped, "17", 2023)
    assert within.previous_year == 2022 and within.comparable and within.has("previous")


RAW_FILES = ("entity_scores.csv", "entity_labels_2026-11.csv", "opini_2025.csv", "unit_scores.csv")
SMALL_RAW = small_raw()  # the property runs on a few provinces' rows (conftest.py says which and why)


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory):
    folder = write_small_data(tmp_path_factory.mktemp("selection") / "data")
    data = dataset.load(folder)
    assert set(data.conflicts["rule"]) == {"label", "ombudsman", "lowest", "scored"} and len(data.units)
    tasks = build.plan(data, data_dir=str(folder))
    assert {t.subject[0] for t in tasks} >= {"entity", "province", "national"}
    return folder, tasks, build.digests(tasks, data), {t.slug: selection.select(data, *t.subject).keys()
                                                       for t in tasks}


def _rows(name: str) -> int:
    return len(SMALL_RAW[name].splitlines()) - 1


EDITS = st.lists(st.sampled_from(RAW_FILES).flatmap(lambda name: st.tuples(
    st.just(name), st.integers(min_value=0, max_value=_rows(name) - 1))), min_size=1, max_size=3, unique=True)


@settings(max_examples=3, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=EDITS)
def test_editing_random_rows_changes_the_digest_of_exactly_the_reports_whose_selection_holds_them(
        data_folder, edits):
    import csv
    import io

    folder, tasks, before, read = data_folder
    originals = {name: (folder / "raw" / name).read_text(encoding="utf-8") for name, _ in edits}
    edited = set()
    try:
        for name in originals:
            rows = list(csv.DictReader(io.StringIO(originals[name])))
            for file, line in edits:
                if file == name:  # a new source address on that raw row: its (code, year) now reads otherwise
                    rows[line]["source_url"] = f"{SYNTHETIC_URL}/{name}/{line}"
                    code = rows[line].get("entity_code") or rows[line]["unit_code"]
                    edited.add((code, int(rows[line]["year"])))
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            (folder / "raw" / name).write_text(out.getvalue(), encoding="utf-8")
        dataset.process(folder)
        changed = dataset.load(folder)
        after = build.digests(build.plan(changed, data_dir=str(folder)), changed)
        rebuilt = {slug for slug in before if before[slug] != after[slug]}
        assert rebuilt == {slug for slug, keys in read.items() if keys & edited}
    finally:
        for name, text in originals.items():
            (folder / "raw" / name).write_text(text, encoding="utf-8")
