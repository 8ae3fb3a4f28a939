import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from kepatuhan import dataset, paths

TESTS = Path(__file__).parent

# No stopwatch on property tests (hypothesis' default 200 ms deadline per example): a loaded machine is not a
# failure. Seen: test_classify_is_monotone_in_score failing with DeadlineExceeded while other builds ran.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")


@pytest.fixture(scope="session")
def shipped():
    """The shipped data, validated and reconciled from data/raw (never from a stale cache)."""
    return dataset.build()


@pytest.fixture(scope="module")
def data():
    """The dataset as reports read it (processed tables, rebuilt when stale), one per test module."""
    return dataset.load()


@pytest.fixture(scope="session")
def names(shipped):
    return shipped.names


#: A small copy of data/ for tests that digest every report of a site twice or more: the rows of a few provinces
#: and the national bodies (K/L, no province). Every kind of report, label-only rows, units and each conflict rule
#: are among them, at a fifth of the reports of the whole site.
SMALL_PROVINCES = frozenset({"16", "17", "51", ""})


def small_raw() -> dict[str, str]:
    """{raw file name: its text, keeping only the rows of SMALL_PROVINCES} (files without provinces kept whole)."""
    import csv
    import io

    texts = {}
    for path in sorted((paths.DATA_DIR / "raw").glob("*.csv")):
        text = path.read_text(encoding="utf-8")
        reader = csv.DictReader(io.StringIO(text))
        if "province_code" in (reader.fieldnames or ()):
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
            writer.writeheader()
            writer.writerows(r for r in reader if r["province_code"] in SMALL_PROVINCES)
            text = out.getvalue()
        texts[path.name] = text
    return texts


def write_small_data(folder: Path) -> Path:
    """`folder` made a processed data folder: the small copy of data/raw and the whole of data/reference."""
    import shutil

    shutil.copytree(paths.DATA_DIR / "reference", folder / "reference")
    (folder / "raw").mkdir(parents=True)
    for name, text in small_raw().items():
        (folder / "raw" / name).write_text(text, encoding="utf-8")
    dataset.process(folder)
    return folder


def alive(processes) -> list:
    """The psutil processes among `processes` still running (zombies and vanished ones are not)."""
    import psutil

    out = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                out.append(process)
        except psutil.NoSuchProcess:
            pass
    return out


#: Debian's Chromium (`make chromium`, run by `make test`, installs it) and the flags every browser test uses.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for one test module (Playwright's sync API allows one at a time per thread)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: `make chromium` (run by `make test`) installs it"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()
