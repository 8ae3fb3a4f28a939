"""Where things live. Every other module asks here instead of building paths itself."""

from __future__ import annotations

import re
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


#: A Kemendagri region code ("17", "17.02") or a K/L slug ("kementerian-atr-bpn"): nothing else becomes
#: part of an output path, so validation applies it to reference and raw data, and the build again.
CODE_PATTERN = re.compile(r"\d{2}(?:\.\d{2}){0,3}|[a-z0-9]+(?:-[a-z0-9]+)*")


def code_fault(value) -> str | None:
    """Why `value` cannot be a region or K/L code, or None when it can."""
    if isinstance(value, str) and CODE_PATTERN.fullmatch(value):
        return None
    return f"{value!r} is neither a Kemendagri code nor a slug (17, 17.02, kementerian-atr-bpn)"


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the working folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError):  # RuntimeError: a loop of symbolic links, named as given
        return str(path)
