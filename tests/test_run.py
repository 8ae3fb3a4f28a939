"""`kepatuhan run`: each kind of bad parameter is one line, exit 2, and no output notebook."""

from __future__ import annotations

import json

import pytest

from kepatuhan import build, cli, paths
from kepatuhan.errors import UsageError
from kepatuhan.run import check_plan

ENTITY_REPORT = str(paths.NOTEBOOKS_DIR / "entity_report.ipynb")
COMPARE = str(paths.NOTEBOOKS_DIR / "compare_entities.ipynb")
EXPLORE = str(paths.NOTEBOOKS_DIR / "explore.ipynb")


def refused(capsys, tmp_path, *argv) -> str:
    """Run the command; it must exit 2 with one line on stderr and write no output notebook."""
    out = tmp_path / "o.ipynb"
    status = cli.main(["run", argv[0], str(out), *argv[1:]])
    lines = capsys.readouterr().err.strip().splitlines()
    assert status == 2, lines
    assert len(lines) == 1, lines
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temp file left either
    return lines[0]


def test_misspelt_name_names_the_closest_and_the_declared_ones(capsys, tmp_path):
    line = refused(capsys, tmp_path, ENTITY_REPORT, "-p", "enitity", "Kota Bengkulu", "-p", "year", "2024")
    assert "unknown parameter 'enitity'" in line and "did you mean 'entity'?" in line
    assert line.endswith("declares: entity, year, lang, data_dir")


def test_misspelt_key_in_yaml(capsys, tmp_path):
    line = refused(capsys, tmp_path, COMPARE, "-y", '{"entities": ["Kota Bengkulu"], "first_yr": 2019}')
    assert "'first_yr' (did you mean 'first_year'?)" in line


@pytest.mark.parametrize("argv, wanted", [
    (["-p", "year", "2024x"], "year: must be int"),
    (["-y", '{"year": "2024"}'], "year: must be int"),
    (["-y", '{"year": true}'], "year: must be int"),
    (["-y", '{"entity": 1702}'], "entity: must be str"),
])
def test_wrong_type(capsys, tmp_path, argv, wanted):
    assert wanted in refused(capsys, tmp_path, ENTITY_REPORT, *argv)


def test_code_given_with_p_stays_text(capsys, tmp_path):
    """papermill's own -p would make 17.02 the float 17.02; the declared type keeps the code."""
    from kepatuhan.run import declared_parameters, parse_value

    assert parse_value("entity", "17.10", declared_parameters(paths.NOTEBOOKS_DIR / "entity_report.ipynb")) == "17.10"


def test_name_that_matches_nothing(capsys, tmp_path):
    line = refused(capsys, tmp_path, ENTITY_REPORT, "-p", "entity", "Kota Atlantis")
    assert "entity: no entity named 'Kota Atlantis'" in line


def test_year_without_data_for_the_entity(capsys, tmp_path, shipped):
    rows = shipped.entities[shipped.entities["entity_code"] == "17.71"]
    missing = next(y for y in range(2015, 2026) if y not in set(rows["year"]))
    line = refused(capsys, tmp_path, ENTITY_REPORT, "-p", "entity", "Kota Bengkulu", "-p", "year", str(missing))
    years = ", ".join(str(y) for y in sorted(set(rows["year"])))
    assert f"has no published result for {missing}; years with data: {years}" in line


def test_year_without_any_data(capsys, tmp_path, shipped):
    assert 2020 not in set(shipped.entities["year"])  # no assessment in 2020
    national = str(paths.NOTEBOOKS_DIR / "national_overview.ipynb")
    assert "year: no published result for 2020" in refused(capsys, tmp_path, national, "-p", "year", "2020")


def test_range_without_rows(capsys, tmp_path, shipped):
    first = int(shipped.entities.loc[shipped.entities["entity_code"] == "17.71", "year"].min())
    line = refused(capsys, tmp_path, COMPARE, "-y",
                   f'{{"entities": ["Kota Bengkulu"], "first_year": {first - 3}, "last_year": {first - 1}}}')
    assert f"no published result from {first - 3} to {first - 1}" in line


def test_reversed_range(capsys, tmp_path):
    line = refused(capsys, tmp_path, COMPARE, "-p", "first_year", "2024", "-p", "last_year", "2019")
    assert "first_year 2024 is after last_year 2019" in line


def test_missing_notebook(capsys, tmp_path):
    assert "no such notebook" in refused(capsys, tmp_path, str(tmp_path / "nope.ipynb"))


def test_build_plan_with_a_misspelt_key_fails_before_any_report(shipped):
    task = build.plan(shipped, "entity", 2024, entity="17.02", langs=("id",))[0]
    check_plan([task])  # the real plan passes
    wrong = build.Task(task.kind, task.slug, task.notebook, {**task.parameters, "enitity": "17.71"}, task.title)
    with pytest.raises(UsageError, match="unknown parameter 'enitity'"):
        check_plan([task, wrong])


def test_a_real_run_writes_the_executed_notebook(capsys, tmp_path):
    """A two-cell notebook, cheap to execute: the given value reaches the kernel; the result is a notebook."""
    source = tmp_path / "small.ipynb"
    cells = [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "n: int = 1  # how many",
              "outputs": [], "execution_count": None},
             {"cell_type": "code", "metadata": {}, "source": "print(n * 7)", "outputs": [], "execution_count": None}]
    source.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {"name": "python3", "language": "python",
                      "display_name": "Python 3"}}, "nbformat": 4, "nbformat_minor": 4}))
    out = tmp_path / "out" / "ran.ipynb"
    assert cli.main(["run", str(source), str(out), "-p", "n", "6"]) == 0
    executed = json.loads(out.read_text())
    printed = "".join("".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", []))
    assert printed.strip() == "42"
    assert sorted(p.name for p in out.parent.iterdir()) == ["ran.ipynb"]
