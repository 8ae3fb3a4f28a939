"""Where things live. Every other module asks here instead of building paths itself."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"


def raw_dir(data_dir: Path | str | None = None) -> Path:
    return data_root(data_dir) / "raw"


def reference_dir(data_dir: Path | str | None = None) -> Path:
    return data_root(data_dir) / "reference"


def processed_dir(data_dir: Path | str | None = None) -> Path:
    return data_root(data_dir) / "processed"


def data_root(data_dir: Path | str | None = None) -> Path:
    """An empty or missing value means the project's own data folder."""
    if data_dir is None or str(data_dir) == "":
        return DATA_DIR
    return Path(data_dir).expanduser().resolve()


RAW_FILES = {
    "entity": "entity_scores.csv",
    "unit": "unit_scores.csv",
    "aggregate": "national_aggregates.csv",
}
REGIONS_FILE = "regions.csv"
ALIASES_FILE = "aliases.csv"


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
