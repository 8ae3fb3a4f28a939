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
    """Read as conda reads it (YAML): pip is a conda dependency, and its own list installs the folder that holds
    environment.yml, which is this project (editable, as `make setup` does)."""
    import yaml

    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in spec["dependencies"] if isinstance(d, str)]
    assert "pip" in {re.split(r"[<>=! ]", d)[0] for d in conda}
    pip = [d["pip"] for d in spec["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1
    editable = [p.split(None, 1)[1] for p in pip[0] if p.startswith("-e ")]
    assert editable == ["."]
    project = tomllib.loads((ROOT / editable[0] / "pyproject.toml").read_text())["project"]
    assert project["name"] == "kepatuhan"
