"""Facts about the shipped data: sources, labels against bands, the conflict rule."""

import pandas as pd
import pytest

from kepatuhan import dataset, paths
from kepatuhan.grading import INFERRED_YEARS
from kepatuhan.reconcile import choose

RAW = paths.raw_dir()


RAW_NAMES = sorted(p.name for p in RAW.glob("*.csv"))


def test_the_raw_folder_holds_the_main_files_and_the_imported_lists():
    assert set(paths.RAW_FILES.values()) <= set(RAW_NAMES)
    assert {"entity_scores_additions_2026-11.csv", "entity_labels_2026-11.csv", "opini_2025.csv"} <= set(RAW_NAMES)


@pytest.mark.parametrize("name", RAW_NAMES)
def test_every_raw_row_has_a_source(name):
    frame = pd.read_csv(RAW / name, dtype=str, keep_default_na=False)
    assert len(frame) > 0
    assert frame["source_url"].str.match(r"^https?://\S+\.\S+").all()


def _published_bands(score: float, year: int) -> tuple[str, str | None]:
    """An oracle written out from the published band statements (data/README.md), not from grading.py."""
    if year == 2021:
        return ("hijau" if score >= 81 else "kuning" if score >= 51 else "merah"), None
    for cut, category in ((88, "A"), (78, "B"), (54, "C"), (32, "D"), (0, "E")):
        if score >= cut:
            return {"A": "hijau", "B": "hijau", "C": "kuning"}.get(category, "merah"), category
    raise AssertionError(score)


# Published labels kept against the inferred 2015–2019 bands (data/README.md lists them; validate warns).
INFERRED_MISFITS = {
    ("entity_scores_additions_2026-11.csv", 25), ("entity_scores_additions_2026-11.csv", 100),
    ("entity_scores_additions_2026-11.csv", 119), ("entity_scores_additions_2026-11.csv", 153),
    ("entity_scores_additions_2026-11.csv", 294),
}
SCORED_FILES = ["entity_scores.csv", "entity_scores_additions_2026-11.csv", "opini_2025.csv", "unit_scores.csv",
                "entity_scores_2026-12.csv", "opini_2025_2026-12.csv", "unit_scores_2026-12.csv"]


@pytest.mark.parametrize("name, at_least", [("entity_scores.csv", 150), ("entity_scores_additions_2026-11.csv", 250),
                                            ("unit_scores.csv", 10), ("entity_scores_2026-12.csv", 150)])
def test_every_published_label_in_a_published_band_year_fits_it(name, at_least):
    frame = pd.read_csv(RAW / name, dtype=str, keep_default_na=False)
    checked = 0
    for line, row in zip(range(2, len(frame) + 2), frame.itertuples(), strict=True):
        year = int(row.year)
        if not row.score or year < 2021 or year > 2024:
            continue
        zone, category = _published_bands(float(row.score), year)
        if row.zone:
            assert row.zone == zone, f"{name}:{line}"
            checked += 1
        if row.category:
            assert row.category == category, f"{name}:{line}"
            checked += 1
    assert checked >= at_least


def test_labels_against_inferred_bands_are_exactly_the_logged_ones():
    misfits = set()
    for name in SCORED_FILES:
        frame = pd.read_csv(RAW / name, dtype=str, keep_default_na=False)
        for line, row in zip(range(2, len(frame) + 2), frame.itertuples(), strict=True):
            if row.score and row.zone and int(row.year) < 2021:
                cut = "hijau" if float(row.score) >= 81 else "kuning" if float(row.score) >= 51 else "merah"
                if row.zone != cut:
                    misfits.add((name, line))
    assert misfits == INFERRED_MISFITS


def test_2025_rows_carry_opini_levels_and_the_flag_only_as_printed():
    frame = pd.read_csv(RAW / "opini_2025.csv", dtype=str, keep_default_na=False)
    assert set(frame["year"]) == {"2025"} and len(frame) == 62
    assert set(frame["category"]) == {""} and set(frame["zone"]) == {""}
    assert set(frame["maladministrasi"]) == {"tanpa_maladministrasi", "without_qualifier", "not_stated", "uncertain"}
    palembang = frame[frame["entity_code"] == "16.71"].iloc[0]
    assert (palembang["score"], palembang["opinion"], palembang["service_quality"]) == ("88.23", "", "Sangat Baik")


def test_seed_article_figures_are_in_the_data(shipped):
    e = shipped.entities.set_index(["entity_code", "year"])
    assert e.loc[("17.02", 2024), "score"] == pytest.approx(93.07)
    assert e.loc[("17.02", 2024), "category"] == "A"
    assert e.loc[("17.02", 2023), "score"] == pytest.approx(88.99)
    units = shipped.units[(shipped.units["parent_code"] == "17.02") & (shipped.units["year"] == 2024)]
    assert len(units) == 7
    top = units.sort_values("score").iloc[-1]
    assert (top["unit_name"], top["score"]) == ("UPT Puskesmas Tunas Harapan", 97.59)


def test_zone_basis_marks_inferred_years(shipped):
    e = shipped.entities
    computed = e[e["zone_basis"] != "published"]
    assert set(computed.loc[computed["year"].isin(INFERRED_YEARS), "zone_basis"]) <= {"inferred"}
    assert set(computed.loc[~computed["year"].isin(INFERRED_YEARS), "zone_basis"]) <= {"computed"}


def _group(values, urls, zones=None, categories=None, year=2024):
    n = len(values)
    return pd.DataFrame({"year": [year] * n, "score": values, "source_url": urls,
                         "zone": zones or [None] * n, "category": categories or [None] * n})


def test_rule_label_first():
    group = _group([54.01, 94.01], ["https://a.id/1", "https://ombudsman.go.id/x"], categories=[None, "A"])
    assert choose(group, "score", True) == (94.01, "label")


def test_rule_ombudsman_before_majority():
    group = _group([90.47, 90.47, 90.74], ["https://a.id/1", "https://b.id/2",
                                           "https://ombudsman.go.id/perwakilan/x"])
    assert choose(group, "score", True) == (90.74, "ombudsman")


def test_rule_majority_then_lowest():
    group = _group([80.0, 80.0, 81.0], ["https://a.id/1", "https://b.id/2", "https://c.id/3"])
    assert choose(group, "score", True) == (80.0, "majority")
    group = _group([81.0, 80.0], ["https://a.id/1", "https://b.id/2"])
    assert choose(group, "score", True) == (80.0, "lowest")


def test_agreeing_sources_are_no_conflict():
    group = _group([84.88, 84.88], ["https://a.id/1", "https://b.id/2"])
    assert choose(group, "score", True) == (84.88, "")


def _printed(year: int, code: str) -> list[dict]:
    """Every raw row printed for one entity-year, as strings (score "" for a label-only row)."""
    rows = []
    for name in RAW_NAMES:
        frame = pd.read_csv(RAW / name, dtype=str, keep_default_na=False)
        if "entity_code" in frame:
            rows += frame[(frame["year"] == str(year)) & (frame["entity_code"] == code)].to_dict("records")
    return rows


def _kept_by(rule: str, year: int, rows: list[dict]) -> str:
    """The value the stated rule keeps, worked out from the printed rows (data/README.md's rule, written out)."""
    scores = sorted({f"{float(r['score']):.2f}" for r in rows if r["score"]}, key=float)
    if rule == "scored":  # one printed score beside label-only rows
        assert len(scores) == 1 and any(not r["score"] for r in rows)
        return scores[0]
    if not scores:  # label-only rows that disagree: the lowest zone
        zones = {r["zone"] for r in rows}
        assert rule == "lowest" and len(zones) > 1
        return f"zona {next(z for z in ('merah', 'kuning', 'hijau') if z in zones)} (no score)"
    assert len(scores) > 1
    if rule == "label":  # exactly one printed score fits every printed label in its year's bands
        labels = {(r["zone"] or None, r["category"] or None) for r in rows if r["zone"] or r["category"]}
        fitting = [s for s in scores if all(z in (None, _published_bands(float(s), year)[0])
                                            and c in (None, _published_bands(float(s), year)[1]) for z, c in labels)]
        assert len(fitting) == 1
        return fitting[0]
    official = {f"{float(r['score']):.2f}" for r in rows if r["score"] and "ombudsman.go.id" in r["source_url"]}
    if rule == "ombudsman":
        assert len(official) == 1
        return official.pop()
    assert rule == "lowest" and not official  # no ombudsman page and no majority among the sources
    assert len({sum(f"{float(r['score']):.2f}" == s for r in rows if r["score"]) for s in scores}) == 1
    return scores[0]


@pytest.mark.parametrize("year, code, rule", [(2022, "51", "label"), (2024, "17.71", "ombudsman"),
                                              (2021, "52", "lowest"), (2021, "31.74", "ombudsman"),
                                              (2019, "21.01", "lowest"), (2018, "16.72", "scored"),
                                              (2018, "16.03", "lowest")])
def test_shipped_conflicts_follow_the_rule(shipped, year, code, rule):
    """One case of each rule: the kept value is worked out from the raw rows, not copied from the output."""
    rows = _printed(year, code)
    conflict = shipped.conflicts.set_index(["year", "code"]).loc[(year, code)]
    assert (conflict["chosen"], conflict["rule"]) == (_kept_by(rule, year, rows), rule)
    scores = {f"{float(r['score']):.2f}" for r in rows if r["score"]}
    if len(scores) > 1:
        assert set(conflict["values"].split(" | ")) == scores


def test_every_rule_is_used_by_the_shipped_conflicts(shipped):
    assert set(shipped.conflicts["rule"]) == {"label", "ombudsman", "lowest", "scored"}


def _raw_scores() -> dict[tuple[int, str], set[str]]:
    """{(year, code): the distinct scores printed for it} over every raw entity and unit file."""
    found: dict[tuple[int, str], set[str]] = {}
    for name in RAW_NAMES:
        frame = pd.read_csv(RAW / name, dtype=str, keep_default_na=False)
        key = "entity_code" if "entity_code" in frame else "unit_code" if "unit_code" in frame else None
        if key is None:
            continue
        for row in frame[frame["score"] != ""].itertuples():
            found.setdefault((int(row.year), getattr(row, key)), set()).add(f"{float(row.score):.2f}")
    return found


def test_every_score_disagreement_in_the_raw_files_is_a_listed_conflict(shipped):
    disagreements = {k for k, scores in _raw_scores().items() if len(scores) > 1}
    listed = set(zip(shipped.conflicts["year"].astype(int), shipped.conflicts["code"], strict=True))
    assert disagreements and disagreements <= listed
    # the rest are a score beside a label-only row, or two label-only rows (rule 0 and zones)
    assert set(shipped.conflicts.set_index(["year", "code"]).loc[sorted(listed - disagreements), "rule"]) <= {
        "scored", "lowest"}


# The conflicts the December 2026 gatherer listed (its NOTES.md): both printed values, and the one the
# rule must keep — the lowest where both are scores in one scheme (none is on ombudsman.go.id, no
# majority), the score where the other source printed only a label.
DECEMBER_2026_CONFLICTS = [
    (2023, "51", {"94.46", "96.46"}, "94.46"), (2023, "33", {"94.52", "94.50"}, "94.50"),
    (2021, "35.78", {"83.62", "83.63"}, "83.62"), (2021, "35.73", {"97.29", "87.29"}, "87.29"),
    (2023, "63.06", {"95.08", "95.07"}, "95.07"), (2023, "71.01", {"95.05", "97.50"}, "95.05"),
    (2021, "96.04", {"18.42", "18.47"}, "18.42"), (2021, "96.03", {"39.42", "39.49"}, "39.42"),
    (2023, "18.04", {"75.63", "75.65"}, "75.63"), (2023, "18.72", {"80.58", "80.85"}, "80.58"),
    (2018, "74", {"74.94"}, "74.94"), (2022, "13.05", {"78.20"}, "78.20"),
]


@pytest.mark.parametrize("year, code, printed, kept", DECEMBER_2026_CONFLICTS)
def test_the_december_2026_conflicts_are_resolved_by_the_rule(shipped, year, code, printed, kept):
    assert printed <= _raw_scores()[(year, code)]
    conflict = shipped.conflicts.set_index(["year", "code"]).loc[(year, code)]
    assert conflict["chosen"] == kept
    assert conflict["rule"] == ("scored" if len(printed) == 1 else "lowest")
    resolved = shipped.entities.set_index(["entity_code", "year"]).loc[(code, year), "score"]
    assert resolved == pytest.approx(float(kept))


def test_label_only_rows_keep_their_label_and_no_score(shipped):
    e = shipped.entities
    label_only = e[e["score"].isna()]
    assert len(label_only) > 300
    assert label_only["zone"].isin(["hijau", "kuning", "merah"]).all()
    aceh_selatan = e[(e["entity_code"] == "11.01") & (e["year"] == 2022)].iloc[0]
    assert aceh_selatan["zone"] == "hijau" and aceh_selatan["zone_basis"] == "published"
    kkp = e[(e["entity_code"] == "kkp") & (e["year"] == 2025)].iloc[0]
    assert (kkp["opinion"], kkp["maladministrasi"], kkp["zone"], kkp["zone_basis"]) == (
        "Kualitas Tertinggi", "tanpa_maladministrasi", "hijau", "inferred")
    banten = e[(e["entity_code"] == "36") & (e["year"] == 2018)].iloc[0]
    assert banten["zone"] == "hijau" and "contradicts 80.74 in 2018" in banten["label_note"]


def test_load_reads_a_folder_once_and_again_when_its_raw_files_change(tmp_path):
    """A build worker loads the data once per folder; a changed raw file is seen at the next load, and
    one report changing its tables leaves the next report's tables as they were."""
    import shutil

    folder = tmp_path / "data"
    for part in ("raw", "reference"):
        shutil.copytree(paths.DATA_DIR / part, folder / part)
    dataset.process(folder)
    first = dataset.load(folder)
    first.entities["score"] = 0.0
    first.entities.loc[first.entities.index[0], "entity_name"] = "changed by a report"
    again = dataset.load(folder)
    assert again.names is first.names  # the name index is built once
    assert again.entities["score"].max() > 50
    assert "changed by a report" not in set(again.entities["entity_name"])
    units = folder / "raw" / paths.RAW_FILES["unit"]
    line = "2024,17.02/dinkes,Dinas Kesehatan,dinkes,17.02,17.02,17,93.26,"
    assert line in units.read_text()
    units.write_text(units.read_text().replace(line, line.replace("93.26", "93.27")))
    changed = dataset.load(folder)  # processed/ is stale now: rebuilt from raw/ in memory
    assert changed.version != again.version
    assert 93.27 in set(changed.units.loc[changed.units["unit_code"] == "17.02/dinkes", "score"])
