"""Hostile conditions for `kepatuhan build`: hanging cells, dying kernels, bad codes, bad options, bad folders."""

import dataclasses
import errno
import json
import sys

import nbformat
import pytest

from kepatuhan import build, cli, files, runners, worker
from kepatuhan.errors import DataError
from kepatuhan.notebooks import notebook_path


@pytest.fixture(scope="module")
def two_tasks(data):
    return build.plan(data, only="entity", province="Bengkulu", year=2024, langs=("id",))[:2]


def test_a_hanging_cell_fails_its_report_by_name_and_the_build_goes_on(tmp_path, data, two_tasks):
    nb = nbformat.read(notebook_path("entity_report"), as_version=4)
    hang = nbformat.v4.new_code_cell("import time\ntime.sleep(10**6)")
    del hang["id"]  # the committed notebooks are nbformat 4.4, without cell ids
    nb.cells.insert(0, hang)  # first; the limit must still fit a cold first report on a loaded machine (45 s)
    nbformat.write(nb, tmp_path / "hangs.ipynb")
    hanging = dataclasses.replace(two_tasks[0], notebook=str(tmp_path / "hangs"))
    # no stopwatch (the machine's speed is not the point): the run returns, and says the timeout fired
    outcomes = build.run([hanging, two_tasks[1]], tmp_path / "out", data, workers=1, progress=False, timeout=45)
    status = {o.slug: o for o in outcomes}
    failed = status[hanging.slug]
    assert failed.status == "failed" and failed.cell == 0
    assert failed.error == "CellTimeoutError: cell 0 timed out after 45 s"
    # the same worker went on with a fresh kernel
    assert status[two_tasks[1].slug].status == "built", status[two_tasks[1].slug]


class _DiesAtStart:
    """A kernel manager factory whose first kernel exits before replying to kernel_info."""

    def __init__(self):
        self.made = 0

    def __call__(self):
        from jupyter_client.manager import AsyncKernelManager

        self.made += 1
        manager = AsyncKernelManager(kernel_name="python3")
        if self.made == 1:
            manager.format_kernel_cmd = lambda extra_arguments=None: [sys.executable, "-c", "raise SystemExit(3)"]
        return manager


def test_a_kernel_that_dies_at_start_is_retried_on_a_fresh_one(tmp_path, monkeypatch, data, two_tasks):
    factory = _DiesAtStart()
    monkeypatch.setattr(worker, "_kernel_manager", factory)
    header = {"data_version": data.version, "package_version": "test"}
    try:
        result = worker.render(runners.task_dict(two_tasks[0]), header, str(tmp_path))
    finally:
        worker._run_in_loop(worker._discard_kernel())
    assert factory.made == 2
    assert result["ok"], result.get("error")
    assert b"Rejang Lebong" in result["html"] or b"Bengkulu" in result["html"]


def test_region_codes_that_are_not_codes_never_become_paths(data):
    entities = data.entities.copy()
    entities.loc[entities["entity_code"] == "17.02", "entity_code"] = "../../../../elsewhere/escape"
    hostile = dataclasses.replace(data, entities=entities)
    with pytest.raises(DataError, match=r"entity code: '\.\./\.\./\.\./\.\./elsewhere/escape' is neither"):
        build.plan(hostile, only="entity", province="Bengkulu")
    provinces = data.entities.copy()
    provinces.loc[provinces["province_code"] == "17", "province_code"] = "17/../../x"
    with pytest.raises(DataError, match="province code"):
        build.plan(dataclasses.replace(data, entities=provinces), only="province")


def test_every_output_path_lies_inside_out(tmp_path):
    assert build.output_path(tmp_path, "entity/17.02/2024") == tmp_path / "entity/17.02/2024.html"
    with pytest.raises(DataError, match="outside the reports folder"):
        build.output_path(tmp_path, "../escape")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "entity").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(DataError, match="outside the reports folder"):
        build.output_path(tmp_path / "out", "entity/17.02/2024")


def test_files_follow_the_umask(tmp_path):
    import os

    previous = os.umask(0o027)
    try:
        files.atomic_write_bytes(tmp_path / "a.csv", b"x")
        os.umask(0o022)
        files.atomic_write_bytes(tmp_path / "b.csv", b"x")
    finally:
        os.umask(previous)
    assert oct((tmp_path / "a.csv").stat().st_mode & 0o777) == "0o640"
    assert oct((tmp_path / "b.csv").stat().st_mode & 0o777) == "0o644"


# -- the command line ----------------------------------------------------------------------------

ONE_REPORT = ("--entity", "17.02", "--year", "2024", "--lang", "id")

def _cli(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("option", ["--entity", "--province"])
def test_an_empty_filter_is_refused(capsys, tmp_path, option):
    code, out, err = _cli(capsys, "build", option, "", "--out", str(tmp_path))
    assert code == 2 and f"{option}: is empty" in err
    assert not list(tmp_path.iterdir())


def test_a_year_without_reports_says_why(capsys, tmp_path):
    code, out, err = _cli(capsys, "build", "--year", "2020", "--out", str(tmp_path))
    assert code == 2
    assert "no report for --year 2020" in err and "2024" in err and "Traceback" not in err
    code, out, err = _cli(capsys, "build", "--only", "national", "--province", "Bengkulu", "--out", str(tmp_path))
    assert code == 2 and "national overview covers every region" in err


def test_an_unreachable_scheduler_is_one_line(capsys, tmp_path, monkeypatch):
    """The wait is bounded by the build's own connect timeout (recorded from the call, not timed)."""
    import distributed

    asked = []
    client = distributed.Client
    monkeypatch.setattr(distributed, "Client", lambda address, **kw: asked.append(kw) or client(address, **kw))
    code, out, err = _cli(capsys, "build", "--entity", "17.02", "--out", str(tmp_path),
                          "--scheduler", "tcp://127.0.0.1:1")
    assert asked == [{"timeout": runners.SCHEDULER_TIMEOUT}] and 0 < runners.SCHEDULER_TIMEOUT <= 30
    assert f"(waited {runners.SCHEDULER_TIMEOUT} s)" in err
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[0].startswith("--scheduler: cannot reach the scheduler at tcp://127.0.0.1:1")
    assert "internal error" not in err and len(lines) == 2  # the problem and the count


@pytest.mark.parametrize("bad", ["[]", "null", '"x"', "{", '{"entity/17.02/2024": 3}'])
def test_a_corrupt_manifest_is_kept_aside_and_everything_rebuilt(capsys, tmp_path, bad, data, two_tasks):
    state = tmp_path / ".build"
    state.mkdir()
    (state / "manifest.json").write_text(bad)
    outcomes = build.run([], tmp_path, data, progress=False)
    assert outcomes == []
    assert (state / "manifest.json.bad").read_text() == bad
    assert "unreadable build manifest" in capsys.readouterr().err
    assert json.loads((state / "manifest.json").read_text()) == {}


def test_a_corrupt_manifest_rebuilds_the_report(capsys, tmp_path):
    code, out, err = _cli(capsys, "build", *ONE_REPORT, "--out", str(tmp_path), "-j", "1")
    assert code == 0
    (tmp_path / ".build/manifest.json").write_text("null")
    code, out, err = _cli(capsys, "build", *ONE_REPORT, "--out", str(tmp_path), "-j", "1")
    assert code == 0 and "1 built, 0 skipped" in out and "unreadable build manifest" in err


@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_folder_names_the_path_and_leaves_nothing_partial(capsys, tmp_path, monkeypatch,
                                                                              failure):
    def refuse(path, content):
        raise OSError(failure, __import__("os").strerror(failure), str(path))

    monkeypatch.setattr(build, "atomic_write_bytes", refuse)
    code, out, err = _cli(capsys, "build", *ONE_REPORT, "--out", str(tmp_path), "-j", "1")
    assert code == 2, err
    assert f"{tmp_path}/entity/17.02/2024.html: cannot write: " in err and "left nothing partial" in err
    assert "internal error" not in err and "Traceback" not in err
    assert not list(tmp_path.rglob("*.html")) and not list(tmp_path.rglob("*.tmp"))


def test_an_out_that_cannot_be_a_folder_is_named(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = _cli(capsys, "build", "--entity", "17.02", "--out", str(blocker))
    assert code == 2 and "--out is a file" in err
    code, out, err = _cli(capsys, "build", "--entity", "17.02", "--out", str(blocker / "sub"))
    assert code == 2 and f"{blocker}/sub: cannot write: " in err


# -- missing tests (issue 20, test honesty) ------------------------------------------------------------

def test_the_plan_passes_each_notebook_exactly_the_parameters_it_declares(data):
    """papermill only warns about a parameter the notebook does not declare (a misspelt one is silently
    added), so the plan's parameters are checked against each notebook's parameters cell."""
    import papermill

    tasks = build.plan(data, province="Bengkulu", year=2024) + build.plan(data, only="national", year=2024)
    by_notebook: dict = {}
    for task in tasks:
        by_notebook.setdefault(task.notebook, set()).update(task.parameters)
    assert set(by_notebook) == {"entity_report", "province_report", "national_overview"}
    for name, given in by_notebook.items():
        declared = set(papermill.inspect_notebook(str(notebook_path(name))))
        assert given == declared, name


def test_the_folder_lock_holds_between_two_real_processes(tmp_path):
    """The in-process path is tested above; here a second interpreter meets the lock of a first one."""
    import subprocess

    hold = ("import sys, time; from pathlib import Path; from kepatuhan import lock\n"
            "with lock.build_lock(Path(sys.argv[1])):\n"
            "    print('held', flush=True); sys.stdin.read()\n")
    probe = ("import sys; from pathlib import Path; from kepatuhan import lock, errors\n"
             "try:\n    with lock.build_lock(Path(sys.argv[1])): print('got it')\n"
             "except errors.BuildLocked as exc: print(exc.lines()[0])\n")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"  # the event: the first process has the lock
        second = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True,
                                timeout=120)
        assert f"another kepatuhan build (pid {holder.pid}) is writing here" in second.stdout, second.stderr
    finally:
        holder.communicate("", timeout=60)
    again = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert again.stdout.strip() == "got it", again.stderr
