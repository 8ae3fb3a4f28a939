"""Building reports: a failure spares the others, HTML is self-contained, reruns are incremental."""

import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import alive

from kepatuhan import build, dataset, landing

FAILING = "province/17/2022"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    data = dataset.load()
    tasks = build.plan(data, only="province", province="Bengkulu", langs=("id",))
    # failure injected from outside: a task asking for a year with no assessment
    broken = [dataclasses.replace(t, parameters={**t.parameters, "year": 2020}) if t.slug == FAILING else t
              for t in tasks]
    previous = os.umask(0o022)
    try:
        outcomes = build.run(broken, out, data, workers=2, progress=False)
    finally:
        os.umask(previous)
    return out, data, tasks, outcomes


@pytest.fixture
def own_copy(built, tmp_path):
    """The built folder copied for a test that builds into it again or changes it: the module's `built`
    stays as its first build made it, whatever order the tests run in."""
    out, data, tasks, outcomes = built
    copy = tmp_path / "reports"
    shutil.copytree(out, copy, symlinks=True)
    return copy, data, tasks, outcomes


def test_one_failure_spares_the_others_and_is_named(built):
    out, _, tasks, outcomes = built
    status = {o.slug: o for o in outcomes}
    assert len(tasks) >= 4
    failed = status[FAILING]
    assert failed.status == "failed"
    # cell 3 of the saved notebook: papermill injects its parameters as cell 2
    assert failed.cell == 3 and failed.error.startswith("ReportError: 2020 had no assessment")
    assert failed.failed_notebook.endswith(".ipynb")
    others = [o for o in outcomes if o.slug != FAILING]
    assert others and all(o.status == "built" for o in others)
    assert all((out / f"{o.slug}.html").is_file() for o in others)
    assert not (out / f"{FAILING}.html").exists()


def test_reports_follow_the_umask(built):
    out = built[0]
    pages = [out / "index.html", *out.glob("province/*/*.html"), *out.glob("province/*/*.csv"),
             *out.glob("downloads/*")]
    assert len(pages) >= 4
    assert {oct(p.stat().st_mode & 0o777) for p in pages} == {"0o644"}


def test_html_is_self_contained_and_has_no_code(built):
    out = built[0]
    page = (out / "province/17/2024.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in page
    assert not re.search(r"<script[^>]*src=[\"']https?://", page)
    assert "cdnjs" not in page and "require.js" not in page
    assert "open_province(" not in page  # no code
    assert 'province = "Bengkulu"' not in page  # no parameter cell
    assert "Kabupaten Kaur" in page and "<style" not in page and "data:image/png" not in page  # shared files
    assert re.search(r"<img [^>]*src=\"../../assets/img/[0-9a-f]{20}.png\"", page)


def test_the_same_inputs_give_the_same_bytes(built, tmp_path):
    out, data, tasks, _ = built
    again = [t for t in tasks if t.slug == "province/17/2024"]
    assert [o.status for o in build.run(again, tmp_path, data, workers=1, progress=False)] == ["built"]
    assert (tmp_path / "province/17/2024.html").read_bytes() == (out / "province/17/2024.html").read_bytes()


def test_second_run_skips_unchanged_and_retries_the_failed(own_copy):
    out, data, tasks, _ = own_copy
    outcomes = build.run(tasks, out, data, workers=2, progress=False)
    status = {o.slug: o.status for o in outcomes}
    assert status.pop(FAILING) == "built"  # the task is whole this time
    assert set(status.values()) == {"skipped"}


def test_index_lists_every_report_and_escapes(built, tmp_path):
    out, data, tasks, _ = built
    index = (out / "index.html").read_text(encoding="utf-8")
    search = (out / "search-index.js").read_text(encoding="utf-8")
    assert index.count("<tr data-kind=") == min(len(tasks), landing.PAGE_ROWS)  # the first page; the rest on use
    assert len(json.loads(search[search.index("(") + 1:search.rindex(")")])["rows"]) == len(tasks)
    assert "<script src=" not in index
    # a name with markup from the data is shown as text, never as markup
    hostile = build.Task("entity", "entity/99.99/2024", "entity_report", {}, "t",
                         {"name": '<img src=x onerror="alert(1)">&<b>', "type": "kota", "province": "<i>P</i>",
                          "year": 2024, "score": 50.0, "zone": "merah", "category": "D", "opinion": "<b>x</b>"})
    (tmp_path / "entity/99.99").mkdir(parents=True)
    (tmp_path / "entity/99.99/2024.html").write_text("<html></html>")
    build.write_index([hostile], tmp_path, data, {"entity/99.99/2024": {"status": 'built"><script>'}})
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&amp;&lt;b&gt;" in page
    assert "&lt;i&gt;P&lt;/i&gt;" in page
    assert "<img" not in page and "<b>" not in page and "<i>" not in page
    # the page's own script, its words as JSON and the JSON-LD; the names travel in search-index.js as JSON
    assert page.count("<script") == 3 and page.count('<script type="application/json"') == 1
    assert page.count('<script type="application/ld+json">') == 1


def test_a_filtered_build_keeps_every_report_in_the_index(own_copy):
    out, data, tasks, _ = own_copy
    manifest = json.loads((out / ".build/manifest.json").read_text())
    on_disk = {t.slug for t in tasks if (out / f"{t.slug}.html").is_file()}
    gone = next(t.slug for t in tasks if t.slug != FAILING)
    (out / f"{gone}.html").rename(out / "kept-aside.html")
    try:
        one = [t for t in tasks if t.slug not in (FAILING, gone)][:1]
        assert [o.status for o in build.run(one, out, data, workers=1, progress=False)] == ["skipped"]
    finally:
        (out / "kept-aside.html").rename(out / f"{gone}.html")
    index = (out / "search-index.js").read_text(encoding="utf-8")  # every row of the landing table
    value = json.loads(index[index.index("(") + 1:index.rindex(")")])
    listed = {row[value["fields"].index("href")][:-len(".html")] for row in value["rows"]} - {""}
    assert len(on_disk) >= 3 and listed == on_disk - {gone} and set(manifest) >= listed


def test_only_our_own_temp_files_are_removed(own_copy):
    out, data, tasks, _ = own_copy
    ours = [out / ".index.html.abc123.kepatuhan.tmp", out / "province/17/.2024.html.x_y.kepatuhan.tmp"]
    theirs = [out / "notes/deep/.draft.tmp", out / "province/.draft.tmp", out / ".notes.tmp",
              out / "notes/deep/.a.html.q.kepatuhan.tmp"]  # ours by name, but not in a folder we write
    for path in ours + theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    build.run(tasks[:1], out, data, workers=1, progress=False)
    assert not any(p.exists() for p in ours)
    assert all(p.read_text() == "x" for p in theirs)


def test_a_second_build_into_the_same_folder_is_refused(built):
    out = built[0]
    with build.build_lock(out):
        with pytest.raises(Exception, match="another kepatuhan build"):
            with build.build_lock(out):
                pass


def test_dask_cluster_runs_the_same_tasks(tmp_path):
    from distributed import LocalCluster

    data = dataset.load()
    tasks = build.plan(data, only="entity", province="Bengkulu", year=2024, langs=("id",))[:2]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        outcomes = build.run(tasks, tmp_path, data, scheduler=cluster.scheduler_address, progress=False)
    assert [o.status for o in outcomes] == ["built", "built"]
    assert all("Bengkulu" in (tmp_path / f"{t.slug}.html").read_text(encoding="utf-8") for t in tasks)


# -- killed builds: run in subprocesses ------------------------------------------------------------

#: Bengkulu's entity reports of 2024 in Indonesian. The build is held by a gate (below) once a report is
#: recorded, so a test interrupts it at a known point however fast or loaded the machine is.
COMMAND = [sys.executable, "-m", "kepatuhan.cli", "build", "--only", "entity", "--province", "Bengkulu",
           "--year", "2024", "--lang", "id", "-j", "2"]
BENGKULU_ENTITIES = len(build.plan(dataset.load(), only="entity", province="Bengkulu", year=2024, langs=("id",)))

#: An IPython start-up file for the build's kernels (test-only, through IPYTHONDIR): before each cell, once the
#: manifest records a built report, the kernel waits until the test opens the gate. So a report recorded is an
#: event the test waits on, and the reports still running stay in flight until the test has acted.
GATE = """
import json, os, time
from pathlib import Path


# everything it needs bound as defaults: the build runs %reset -f between reports, which empties the namespace
def _hold(*_, json=json, time=time, manifest=Path(os.environ["GATE_MANIFEST"]), gate=Path(os.environ["GATE_OPEN"])):
    while not gate.exists():
        try:
            if not any(v.get("status") == "built" for v in json.loads(manifest.read_text()).values()):
                return
        except (OSError, ValueError):
            return
        time.sleep(0.05)


get_ipython().events.register("pre_run_cell", _hold)
"""


def _gated(tmp_path, out) -> tuple[dict, object]:
    """(environment for a build into `out` whose kernels hold at the gate, the file that opens it)."""
    startup = tmp_path / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-gate.py").write_text(GATE, encoding="utf-8")
    gate = tmp_path / "gate-open"
    env = dict(os.environ, IPYTHONDIR=str(tmp_path / "ipython"), GATE_MANIFEST=str(out / ".build" / "manifest.json"),
               GATE_OPEN=str(gate))
    return env, gate


def _wait_for_built(manifest, running=None, seconds=600) -> dict:
    """The manifest once it records a built report (polled; the bound only stops a broken build hanging the run)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and (running is None or running.poll() is None):
        try:
            entries = json.loads(manifest.read_text())
        except (OSError, ValueError):
            entries = {}
        if any(v.get("status") == "built" for v in entries.values()):
            return entries
        time.sleep(0.1)
    return {}


#: How long the processes of a stopped build may take to exit before they count as orphans. They exit within a
#: second or two; the bound is generous so a loaded machine is not a failure, and costs nothing when they exit.
ORPHAN_BOUND = 60


def _no_orphans_within(processes, seconds) -> list:
    deadline = time.monotonic() + seconds
    while alive(processes) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [f"{p.pid} {' '.join(p.cmdline()[:3])}" for p in alive(processes)]


def test_kill_9_leaves_no_partial_file_and_the_next_run_completes(tmp_path):
    out = tmp_path / "site"
    command = [*COMMAND, "--out", str(out)]
    env, gate = _gated(tmp_path, out)
    running = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    entries = _wait_for_built(out / ".build" / "manifest.json", running)
    os.killpg(running.pid, signal.SIGKILL)
    running.wait()
    assert entries, "no report was recorded as built"
    built_before = [k for k, v in json.loads((out / ".build/manifest.json").read_text()).items()
                    if v["status"] == "built"]
    assert 0 < len(built_before) < BENGKULU_ENTITIES
    for page in out.rglob("*.html"):
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
    gate.touch()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert f"{BENGKULU_ENTITIES - len(built_before)} built, {len(built_before)} skipped" in done.stdout
    assert not list(out.rglob(".*.tmp"))


def test_kill_9_of_the_driver_alone_leaves_no_orphan_and_no_lock(tmp_path):
    import psutil

    command = [*COMMAND, "--out", str(tmp_path)]
    running = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = psutil.Process(running.pid)
    deadline = time.monotonic() + 120
    family = []
    while time.monotonic() < deadline and not any("ipykernel" in " ".join(p.cmdline()) for p in alive(family)):
        family = driver.children(recursive=True)
        time.sleep(0.2)
    assert any("ipykernel" in " ".join(p.cmdline()) for p in family), "no kernel started within 120 s"
    family = driver.children(recursive=True)  # workers, their kernels, multiprocessing's helpers
    os.kill(running.pid, signal.SIGKILL)  # the driver only, not its group
    running.wait()
    assert _no_orphans_within(family, ORPHAN_BOUND) == []
    # one report is enough to show the folder is not left locked
    again = [sys.executable, "-m", "kepatuhan.cli", "build", "--entity", "17.02", "--year", "2024", "--lang", "id",
             "-j", "1", "--out", str(tmp_path)]
    done = subprocess.run(again, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "another kepatuhan build" not in done.stderr


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("to_group, signum", [(True, signal.SIGINT), (False, signal.SIGTERM)],
                         ids=["ctrl-c to the group", "sigterm to the driver"])
def test_ctrl_c_stops_within_seconds_keeps_what_was_done_and_exits_130(tmp_path, to_group, signum):
    import psutil

    command = [*COMMAND, "--out", str(tmp_path)]
    # Ctrl-C as a terminal gives it: a test run started in the background by a shell without job control
    # ignores SIGINT, and a child keeps an ignored SIGINT ignored (Python too), so the build would not stop.
    env, gate = _gated(tmp_path.parent / f"{tmp_path.name}-gate", tmp_path)
    running = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=_default_sigint, env=env)
    entries = _wait_for_built(tmp_path / ".build" / "manifest.json", running)
    assert entries, "no report was recorded as built"
    family = psutil.Process(running.pid).children(recursive=True)
    pages_at_stop = len(list(tmp_path.glob("entity/*/*.html")))
    if to_group:
        os.killpg(running.pid, signum)  # what Ctrl-C in a terminal does
    else:
        os.kill(running.pid, signum)  # what a service manager or `kill` does
    gate.touch()  # a build that did not stop would now go on building
    _, stderr = running.communicate(timeout=300)
    # stopped at once: no report started after the stop; at most the two in flight (-j 2) were finished
    assert len(list(tmp_path.glob("entity/*/*.html"))) <= pages_at_stop + 2
    assert running.returncode == 130, stderr
    assert "Traceback" not in stderr and "FAILED" not in stderr
    line = re.search(r"interrupted: (\d+) built, 0 skipped \(unchanged\), 0 failed, (\d+) not built", stderr)
    assert line, stderr
    manifest = json.loads((tmp_path / ".build/manifest.json").read_text())
    built = {k for k, v in manifest.items() if v["status"] == "built"}
    assert len(built) == int(line.group(1)) and int(line.group(2)) == BENGKULU_ENTITIES - len(built)
    assert {p.relative_to(tmp_path).as_posix()[:-5] for p in tmp_path.glob("entity/*/*.html")} == built
    assert all(v["status"] == "built" for v in manifest.values())
    assert _no_orphans_within(family, ORPHAN_BOUND) == []


def test_a_worker_starts_without_pandas_or_the_slow_iri_grammar_and_still_validates_notebooks():
    """A build worker imports only what drives a kernel and exports HTML: pandas is the kernel's business, and
    rfc3987-syntax (under jsonschema, under nbformat) compiles a grammar for ~0.8 s at import."""
    code = ("import sys; from kepatuhan import worker; worker._worker_imports(); import nbformat; "
            "from kepatuhan.notebooks import notebook_path; "
            "nbformat.validate(nbformat.read(notebook_path('entity_report'), as_version=4)); "
            "print(sys.modules.get('rfc3987_syntax', 'absent'), 'pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "False"]


def _workers(driver) -> list:
    """The driver's worker processes (spawned by multiprocessing), not their kernels or helpers."""
    return [p for p in alive(driver.children()) if "spawn_main" in " ".join(p.cmdline())]


def test_one_dead_worker_fails_at_most_its_own_report_and_the_rest_are_built(tmp_path):
    """Issue 20, item 2: kill -9 of one worker once a report is recorded; the pool is replaced."""
    import psutil

    command = [*COMMAND, "--out", str(tmp_path)]
    env, gate = _gated(tmp_path.parent / f"{tmp_path.name}-gate", tmp_path)
    running = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    assert _wait_for_built(tmp_path / ".build" / "manifest.json", running), "no report was recorded as built"
    victims = _workers(psutil.Process(running.pid))
    assert victims, "no worker process to kill"
    victims[0].kill()
    gate.touch()
    stdout, stderr = running.communicate(timeout=600)
    counts = re.search(r"(\d+) built, (\d+) skipped \(unchanged\), (\d+) failed", stdout)
    assert counts, stdout + stderr
    built, skipped, failed = map(int, counts.groups())
    assert failed <= 1 and built + skipped + failed == BENGKULU_ENTITIES, stdout + stderr
    assert "BrokenProcessPool" not in stderr
    manifest = json.loads((tmp_path / ".build/manifest.json").read_text())
    assert sum(v["status"] == "built" for v in manifest.values()) >= BENGKULU_ENTITIES - 1


def test_ctrl_c_while_workers_start_is_quiet_and_prints_the_summary(tmp_path):
    """Issue 20, item 12: the Ctrl-C lands the moment a worker process exists (it is still importing)."""
    import psutil

    command = [*COMMAND, "--out", str(tmp_path)]
    running = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=_default_sigint)
    driver = psutil.Process(running.pid)
    deadline = time.monotonic() + 120
    while not _workers(driver) and time.monotonic() < deadline and running.poll() is None:
        time.sleep(0.01)
    assert _workers(driver), "no worker started within 120 s"
    os.killpg(running.pid, signal.SIGINT)
    _, stderr = running.communicate(timeout=60)
    assert running.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert re.search(r"interrupted: \d+ built, 0 skipped \(unchanged\), 0 failed, \d+ not built", stderr), stderr
    assert (tmp_path / "index.html").is_file()  # the landing page lists what is on disk (nothing yet)


def test_a_stop_while_the_landing_page_is_written_still_writes_it_and_the_summary(tmp_path, monkeypatch):
    """Issue 20, item 12: a Ctrl-C during the last step (the landing pages) no longer loses them."""
    data = dataset.load()
    tasks = build.plan(data, only="entity", entity="17.02", year=2024, langs=("id",))
    assert [o.status for o in build.run(tasks, tmp_path, data, workers=1, progress=False)] == ["built"]
    (tmp_path / "index.html").unlink()
    write_landing = landing.write_landing

    def interrupted_landing(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # delivered at the next bytecode, in the middle of this step
        time.sleep(0)
        return write_landing(*args, **kwargs)

    monkeypatch.setattr(landing, "write_landing", interrupted_landing)
    # As from a terminal: a test run started in the background of a shell without job control inherits
    # SIGINT ignored, and the build rightly leaves an inherited ignored SIGINT ignored (nohup).
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(build.Interrupted) as stop:
            build.run(tasks, tmp_path, data, workers=1, progress=False)
    finally:
        signal.signal(signal.SIGINT, inherited)
    assert [o.status for o in stop.value.outcomes] == ["skipped"]
    assert tasks[0].slug + ".html" in (tmp_path / "index.html").read_text(encoding="utf-8")
