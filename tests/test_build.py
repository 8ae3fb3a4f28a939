"""Building reports: a failure spares the others, HTML is self-contained, reruns are incremental."""

import re

import pytest

from kepatuhan import build, dataset


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    data = dataset.load()
    tasks = build.plan(data, only="province", province="Bengkulu")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KEPATUHAN_INJECT_FAILURE", "province/17-2022")
        outcomes = build.run(tasks, out, data, workers=2, progress=False)
    return out, data, tasks, outcomes


def test_one_failure_spares_the_others_and_is_named(built):
    out, _, tasks, outcomes = built
    status = {o.slug: o for o in outcomes}
    assert len(tasks) >= 4
    failed = status["province/17-2022"]
    assert failed.status == "failed"
    # cell 3 of the saved notebook: papermill injects its parameters as cell 2
    assert failed.cell == 3 and failed.error.startswith("ReportError: 2020 had no assessment")
    assert failed.failed_notebook.endswith(".ipynb")
    others = [o for o in outcomes if o.slug != "province/17-2022"]
    assert others and all(o.status == "built" for o in others)
    assert all((out / f"{o.slug}.html").is_file() for o in others)
    assert not (out / "province/17-2022.html").exists()


def test_html_is_self_contained_and_has_no_code(built):
    out = built[0]
    page = (out / "province/17-2024.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in page
    assert not re.search(r"<script[^>]*src=[\"']https?://", page)
    assert "cdnjs" not in page and "require.js" not in page
    assert "open_province(" not in page  # no code
    assert 'province = "Bengkulu"' not in page  # no parameter cell
    assert "Kabupaten Kaur" in page and "data:image/png;base64," in page


def test_second_run_skips_unchanged_and_retries_the_failed(built):
    out, data, tasks, _ = built
    outcomes = build.run(tasks, out, data, workers=2, progress=False)
    status = {o.slug: o.status for o in outcomes}
    assert status.pop("province/17-2022") == "built"  # no failure injected this time
    assert set(status.values()) == {"skipped"}


def test_index_lists_every_report_and_escapes(built):
    out, data, tasks, _ = built
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr><td") == len(tasks)
    assert "<script src=" not in index


def test_a_second_build_into_the_same_folder_is_refused(built):
    out = built[0]
    with build.build_lock(out):
        with pytest.raises(Exception, match="another kepatuhan build"):
            with build.build_lock(out):
                pass


def test_dask_cluster_runs_the_same_tasks(tmp_path):
    from distributed import LocalCluster

    data = dataset.load()
    tasks = build.plan(data, only="entity", province="Bengkulu", year=2024)[:2]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        outcomes = build.run(tasks, tmp_path, data, scheduler=cluster.scheduler_address, progress=False)
    assert [o.status for o in outcomes] == ["built", "built"]
    assert all("Bengkulu" in (tmp_path / f"{t.slug}.html").read_text(encoding="utf-8") for t in tasks)


def test_kill_9_leaves_no_partial_file_and_the_next_run_completes(tmp_path):
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    command = [sys.executable, "-m", "kepatuhan.cli", "build", "--only", "entity", "--province", "Bengkulu",
               "--out", str(tmp_path), "-j", "2"]
    running = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = tmp_path / ".build" / "manifest.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not manifest.exists():
        time.sleep(0.2)
    os.killpg(running.pid, signal.SIGKILL)
    running.wait()
    built_before = [k for k, v in json.loads(manifest.read_text()).items() if v["status"] == "built"]
    assert 0 < len(built_before) < 11
    for page in tmp_path.rglob("*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"{11 - len(built_before)} built, {len(built_before)} skipped" in done.stdout
    assert not list(tmp_path.rglob(".*.tmp"))
