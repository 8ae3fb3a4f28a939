"""Facts about the shipped data: sources, labels against bands, the conflict rule."""

import pandas as pd
import pytest

from kepatuhan import paths
from kepatuhan.grading import INFERRED_YEARS, classify
from kepatuhan.reconcile import choose

RAW = paths.raw_dir()


@pytest.mark.parametrize("name", list(paths.RAW_FILES.values()))
def test_every_raw_row_has_a_source(name):
    frame = pd.read_csv(RAW / name, dtype=str, keep_default_na=False)
    assert len(frame) > 0
    assert frame["source_url"].str.match(r"^https?://\S+\.\S+").all()


# Rows data/README.md lists as typos in a published label (none so far).
LABEL_TYPOS: set[tuple[str, int]] = set()


@pytest.mark.parametrize("name", ["entity_scores.csv", "unit_scores.csv"])
def test_every_published_label_agrees_with_classify(name):
    frame = pd.read_csv(RAW / name, dtype=str, keep_default_na=False)
    checked = 0
    for line, row in zip(range(2, len(frame) + 2), frame.itertuples(), strict=True):
        if (name, line) in LABEL_TYPOS:
            continue
        grade = classify(float(row.score), int(row.year))
        if row.zone:
            assert row.zone == grade.zone, f"{name}:{line}"
            checked += 1
        if row.category:
            assert row.category == grade.category, f"{name}:{line}"
            checked += 1
    assert checked > 0 or name == "unit_scores.csv"


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


def test_shipped_conflicts_follow_the_rule(shipped):
    c = shipped.conflicts.set_index(["year", "code"])
    assert c.loc[(2022, "51"), ["chosen", "rule"]].tolist() == ["94.01", "label"]
    assert c.loc[(2024, "17.71"), ["chosen", "rule"]].tolist() == ["90.74", "ombudsman"]
    assert c.loc[(2021, "52"), ["chosen", "rule"]].tolist() == ["83.39", "lowest"]
    assert len(shipped.conflicts) == 8
