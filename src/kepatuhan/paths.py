"""Where things live. Every other module asks here instead of building paths itself.

In a checkout (src/kepatuhan beside pyproject.toml and data/) the data, notebooks and reports are the
repository's own folders, so an edit to data/ takes effect without reinstalling. Installed from a wheel,
the data and notebooks are the copies inside the package (`kepatuhan/_data`, `kepatuhan/_notebooks`,
made by the wheel build), processed tables go to the user's cache folder and reports to ./reports.
`KEPATUHAN_DATA` (or a `data_dir` argument) points at another data folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parents[1]
#: True when running from the repository (editable install or PYTHONPATH=src), not from a wheel.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "data" / "reference").is_dir()
PACKAGED_DATA = PACKAGE_DIR / "_data"
DATA_DIR = PROJECT_ROOT / "data" if IN_CHECKOUT else PACKAGED_DATA
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks" if IN_CHECKOUT else PACKAGE_DIR / "_notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports" if IN_CHECKOUT else Path.cwd() / "reports"
DATA_ENV = "KEPATUHAN_DATA"


def package_data_root() -> Path:
    """The data that came with the code (the checkout's data/ or the wheel's copy), whatever KEPATUHAN_DATA says."""
    return DATA_DIR


def raw_dir(data_dir: Path | str | None = None) -> Path:
    return data_root(data_dir) / "raw"


def reference_dir(data_dir: Path | str | None = None) -> Path:
    return data_root(data_dir) / "reference"


def processed_dir(data_dir: Path | str | None = None) -> Path:
    """data/processed, or for the data inside an installed package a folder of the user's cache (the
    package's folder may be read-only and belongs to pip)."""
    root = data_root(data_dir)
    if root == PACKAGED_DATA.resolve():
        from . import __version__

        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        return cache / "kepatuhan" / __version__ / "processed"
    return root / "processed"


def data_root(data_dir: Path | str | None = None) -> Path:
    """The data folder: `data_dir` when given, else $KEPATUHAN_DATA when set, else the package's own data."""
    if data_dir is None or str(data_dir) == "":
        data_dir = os.environ.get(DATA_ENV) or DATA_DIR
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
