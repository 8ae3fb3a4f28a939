"""environment.yml (conda users) must list what pyproject.toml installs."""

import re

import tomllib

from kepatuhan import paths

ROOT = paths.PROJECT_ROOT


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = {}
    for spec in project["dependencies"]:
        name, extras, bound = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]+\])?(.*)$", spec).groups()
        found[name.lower()] = bound.strip()
        if extras and name == "dask":
            found["distributed"] = bound.strip()  # conda ships dask[distributed] as its own package
    return found


def _conda_requirements() -> dict[str, str]:
    found = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        item = re.match(r"^  - ([A-Za-z0-9_.-]+)(.*)$", line)
        if item and item.group(1) not in ("python", "pip"):
            found[item.group(1).lower()] = item.group(2).strip()
    return found


def test_environment_yml_matches_pyproject():
    assert _conda_requirements() == _pyproject_requirements()


def test_environment_installs_the_project():
    assert "      - -e ." in (ROOT / "environment.yml").read_text().splitlines()
