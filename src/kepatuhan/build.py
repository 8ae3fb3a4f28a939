"""`kepatuhan build`: every report as self-contained HTML, in parallel, incrementally, fault-tolerantly.

One driver process plans the reports, skips those whose inputs are unchanged (hash of notebook,
parameters, data and package), and hands the rest to worker processes (or a dask cluster). Workers
inject the parameters with papermill's API, execute the notebook with nbclient in a kernel they keep
alive, and convert it with nbconvert's HTMLExporter; the
driver writes every file atomically and records the result in a manifest after each report, so an
interrupted build leaves no partial file and the next one builds only what is missing.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import json
import os
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__, dataset, paths
from .dataset import atomic_write_bytes
from .errors import DataError, Problem
from .notebooks import notebook_path
from .page import to_html, write_methodology

BUILD_DIR = ".build"
KINDS = ("entity", "province", "national")
LANG_OF_REPORTS = "id"


@dataclass(frozen=True)
class Task:
    kind: str
    slug: str  # output path below the reports folder, without .html
    notebook: str
    parameters: dict
    title: str
    meta: dict = field(default_factory=dict)  # for the index: name, type, province, year, score…

    def digest(self, data_version: str, code_version: str, notebook_bytes: bytes) -> str:
        parts = json.dumps({"notebook": hashlib.sha256(notebook_bytes).hexdigest(), "parameters": self.parameters,
                            "data": data_version, "package": __version__, "code": code_version}, sort_keys=True)
        return hashlib.sha256(parts.encode()).hexdigest()


@dataclass
class Outcome:
    slug: str
    status: str  # built, skipped or failed
    seconds: float = 0.0
    error: str = ""
    cell: int | None = None
    failed_notebook: str = ""


def plan(data: dataset.Dataset, only: str | None = None, year: int | None = None, province: str | None = None,
         entity: str | None = None, data_dir: str = "") -> list[Task]:
    """Every report the data supports, narrowed by the filters."""
    entities = data.entities[data.entities["score"].notna()]  # label-only rows: shown by issue 9's reports
    province_code = data.names.province_code(province) if province else None
    entity_code = data.names.match(entity).entity.code if entity else None
    tasks: list[Task] = []
    if only in (None, "entity"):
        chosen = entities if year is None else entities[entities["year"] == year]
        latest = chosen.sort_values("year").groupby("entity_code").tail(1).sort_values("entity_code")
        for row in latest.itertuples(index=False):
            if province_code and row.province_code != province_code:
                continue
            if entity_code and row.entity_code != entity_code:
                continue
            tasks.append(Task(
                "entity", f"entity/{row.entity_code}", "entity_report",
                {"entity": row.entity_code, "year": int(row.year), "lang": LANG_OF_REPORTS, "data_dir": data_dir},
                f"{row.entity_name} {row.year}",
                {"name": row.entity_name, "type": row.entity_type,
                 "province": row.province_name if isinstance(row.province_name, str) else "",
                 "year": int(row.year), "score": float(row.score), "zone": row.zone,
                 "category": row.category if isinstance(row.category, str) else ""},
            ))
    if only in (None, "province") and not entity_code:
        pemda = entities[entities["entity_type"].isin(["provinsi", "kabupaten", "kota"])]
        pairs = pemda[["province_code", "province_name", "year"]].drop_duplicates()
        for row in pairs.sort_values(["province_code", "year"]).itertuples(index=False):
            if (province_code and row.province_code != province_code) or (year and row.year != year):
                continue
            n = int(((pemda["province_code"] == row.province_code) & (pemda["year"] == row.year)).sum())
            tasks.append(Task(
                "province", f"province/{row.province_code}-{row.year}", "province_report",
                {"province": row.province_code, "year": int(row.year), "lang": LANG_OF_REPORTS, "data_dir": data_dir},
                f"Provinsi {row.province_name} {row.year}",
                {"name": f"Provinsi {row.province_name} ({n} pemda)", "type": "laporan provinsi",
                 "province": row.province_name, "year": int(row.year), "score": None, "zone": "", "category": ""},
            ))
    if only in (None, "national") and not (entity_code or province_code or year):
        tasks.append(Task("national", "national", "national_overview",
                          {"lang": LANG_OF_REPORTS, "data_dir": data_dir}, "Gambaran nasional",
                          {"name": "Gambaran nasional", "type": "nasional", "province": "", "year": None,
                           "score": None, "zone": "", "category": ""}))
    return tasks


# -- the worker side ------------------------------------------------------------------------------
#
# Each worker process keeps one kernel alive and runs its reports in it one after another: the
# kernel start and the notebook's imports (most of a report's cost) are paid once per worker, not
# once per report. The namespace is reset before every notebook, so no report sees another's state.

_KERNEL = None


def _kernel():
    global _KERNEL
    if _KERNEL is not None and _KERNEL.is_alive():
        return _KERNEL
    import atexit

    from jupyter_client.manager import KernelManager

    for attempt in range(3):
        manager = KernelManager(kernel_name="python3")
        try:
            manager.start_kernel(cwd=str(paths.NOTEBOOKS_DIR), stderr=open(os.devnull, "w"))  # noqa: SIM115
            break
        except Exception as exc:  # ZMQ "Address already in use" when two workers race for a port
            if "address already in use" not in str(exc).lower() or attempt == 2:
                raise
            time.sleep(0.5 * (attempt + 1))
    atexit.register(manager.shutdown_kernel, now=True)
    _KERNEL = manager
    return manager


def _reset_namespace(kernel) -> None:
    """Forget the previous report's variables; imported modules stay loaded, which is the point."""
    client = kernel.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        client.execute_interactive("get_ipython().run_line_magic('reset', '-f')", timeout=60,
                                   output_hook=lambda message: None)
    finally:
        client.stop_channels()


def render(task: dict, header: dict, scratch: str) -> dict:
    """Execute one notebook and return its HTML bytes (or the failure); runs in a worker."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    started = time.perf_counter()
    parameters = dict(task["parameters"])
    fault = os.environ.get("KEPATUHAN_INJECT_FAILURE")
    if fault and fault == task["slug"]:  # used by the test suite to prove one failure spares the rest
        parameters["year"] = 2020
    nb = load_notebook_node(str(notebook_path(task["notebook"])))  # papermill's reader adds its metadata
    nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    try:
        kernel = _kernel()
        _reset_namespace(kernel)
        client = NotebookClient(nb, km=kernel, timeout=600, record_timing=False,
                                resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}})
        try:
            client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()
    except (CellExecutionError, DeadKernelError) as exc:
        cell = next((i for i, c in enumerate(nb.cells)
                     if any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        error = next((f"{o['ename']}: {o['evalue']}" for c in nb.cells for o in c.get("outputs", [])
                      if o.get("output_type") == "error"), f"{type(exc).__name__}: {exc}")
        saved = Path(scratch) / f"{task['slug'].replace('/', '__')}.ipynb"
        saved.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, saved)
        return {"ok": False, "seconds": time.perf_counter() - started, "cell": cell, "error": error,
                "failed_notebook": str(saved)}
    except Exception as exc:
        return {"ok": False, "seconds": time.perf_counter() - started, "cell": None,
                "error": f"{type(exc).__name__}: {exc}", "failed_notebook": "", "trace": traceback.format_exc()}
    return {"ok": True, "seconds": time.perf_counter() - started, "html": to_html(nb, task, header)}


# -- the driver side ------------------------------------------------------------------------------

@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """One build per reports folder; the lock dies with its process, so a kill -9 leaves none behind."""
    lock_path = out / BUILD_DIR / "lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise DataError([Problem(str(out), None, "", f"another kepatuhan build (pid {holder}) is writing here; "
                                                         "wait for it to finish")]) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield


#: Modules that do not shape a report's content: changing them rebuilds nothing.
_NOT_IN_REPORTS = ("build.py", "cli.py", "bench.py")


def _code_version() -> str:
    modules = [p.name for p in Path(__file__).parent.glob("*.py") if p.name not in _NOT_IN_REPORTS]
    return dataset.code_checksum(modules)[:16]


def run(tasks: list[Task], out: Path, data: dataset.Dataset, workers: int | None = None, force: bool = False,
        scheduler: str | None = None, progress: bool = True) -> list[Outcome]:
    out.mkdir(parents=True, exist_ok=True)
    with build_lock(out):
        for stale in out.rglob(".*.tmp"):  # temp files of a build that was killed mid-write
            stale.unlink(missing_ok=True)
        return _run_locked(tasks, out, data, workers, force, scheduler, progress)


def _run_locked(tasks, out, data, workers, force, scheduler, progress) -> list[Outcome]:
    state_dir = out / BUILD_DIR
    manifest_path = state_dir / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        manifest = {}
    code_version = _code_version()
    notebooks = {name: notebook_path(name).read_bytes() for name in {t.notebook for t in tasks}}
    header = {"data_version": data.version, "package_version": __version__}
    outcomes: list[Outcome] = []
    todo: list[tuple[Task, str]] = []
    for task in tasks:
        digest = task.digest(data.version, code_version, notebooks[task.notebook])
        entry = manifest.get(task.slug, {})
        if not force and entry.get("hash") == digest and entry.get("status") == "built" \
                and (out / f"{task.slug}.html").is_file():
            outcomes.append(Outcome(task.slug, "skipped"))
        else:
            todo.append((task, digest))
    scratch = str(state_dir / "executed")
    bar = _progress(len(tasks), len(outcomes), progress)
    counts = {"built": 0, "failed": 0, "skipped": len(outcomes)}

    def finish(task: Task, digest: str, result: dict) -> None:
        if result["ok"]:
            atomic_write_bytes(out / f"{task.slug}.html", result["html"])
            outcome = Outcome(task.slug, "built", round(result["seconds"], 2))
        else:
            failed = ""
            if result.get("failed_notebook") and Path(result["failed_notebook"]).exists():
                target = state_dir / "failed" / f"{task.slug.replace('/', '__')}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(result["failed_notebook"], target)
                failed = str(target)
            outcome = Outcome(task.slug, "failed", round(result["seconds"], 2), result["error"], result.get("cell"),
                              failed)
        counts[outcome.status] += 1
        outcomes.append(outcome)
        manifest[task.slug] = {"hash": digest if outcome.status == "built" else "", "status": outcome.status,
                               "seconds": outcome.seconds, "error": outcome.error}
        log = state_dir / "logs" / f"{task.slug.replace('/', '__')}.log"
        atomic_write_bytes(log, json.dumps({**asdict(outcome), "parameters": task.parameters}, indent=2,
                                           default=str).encode())
        atomic_write_bytes(manifest_path, json.dumps(manifest, indent=2, sort_keys=True).encode())
        bar.update(1)
        bar.set_postfix_str(f"done {counts['built']} · failed {counts['failed']} · skipped {counts['skipped']}")

    if todo:
        if scheduler:
            _run_dask(todo, header, scratch, scheduler, finish)
        else:
            with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
                futures = {pool.submit(render, _task_dict(task), header, scratch): (task, digest)
                           for task, digest in todo}
                for future in as_completed(futures):
                    task, digest = futures[future]
                    finish(task, digest, _result_of(future))
    bar.close()
    write_index(tasks, out, data, manifest)
    write_methodology(out)
    return sorted(outcomes, key=lambda o: o.slug)


def _run_dask(todo, header, scratch, scheduler, finish) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        futures = {client.submit(render, _task_dict(task), header, scratch, pure=False): (task, digest)
                   for task, digest in todo}
        for future in dask_completed(list(futures)):
            task, digest = futures[future]
            finish(task, digest, _result_of(future))


def _result_of(future) -> dict:
    try:
        return future.result()
    except Exception as exc:  # a worker that died: report it like any failure
        return {"ok": False, "seconds": 0.0, "cell": None, "error": f"{type(exc).__name__}: {exc}"}


def _task_dict(task: Task) -> dict:
    return {"slug": task.slug, "notebook": task.notebook, "parameters": task.parameters, "title": task.title}


class _NoBar:
    def update(self, n):
        pass

    def set_postfix_str(self, text):
        pass

    def close(self):
        pass


def _progress(total: int, skipped: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm import tqdm

    bar = tqdm(total=total, initial=skipped, unit="report", desc="reports", dynamic_ncols=True)
    bar.set_postfix_str(f"done 0 · failed 0 · skipped {skipped}")
    return bar


# -- the index ------------------------------------------------------------------------------------

INDEX_SCRIPT = """
document.querySelectorAll('th[data-key]').forEach(function (th, column) {
  th.addEventListener('click', function () {
    var body = document.querySelector('#reports tbody');
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.getAttribute('data-order') !== 'asc';
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute('data-value'), y = b.cells[column].getAttribute('data-value');
      var nx = parseFloat(x), ny = parseFloat(y);
      var result = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    document.querySelectorAll('th[data-key]').forEach(function (other) { other.removeAttribute('data-order'); });
    th.setAttribute('data-order', ascending ? 'asc' : 'desc');
  });
});
document.getElementById('filter').addEventListener('input', function (event) {
  var needle = event.target.value.toLowerCase();
  document.querySelectorAll('#reports tbody tr').forEach(function (row) {
    row.style.display = row.textContent.toLowerCase().indexOf(needle) >= 0 ? '' : 'none';
  });
});
"""


def write_index(tasks: list[Task], out: Path, data: dataset.Dataset, manifest: dict) -> None:
    columns = (("entity", "Entitas"), ("type", "Jenis"), ("province", "Provinsi"), ("year", "Tahun"),
               ("score", "Nilai"), ("zone", "Zona"), ("category", "Kategori"), ("status", "Status"))
    rows = []
    for task in sorted(tasks, key=lambda t: (KINDS.index(t.kind), t.meta.get("province") or "", t.slug)):
        meta = task.meta
        status = manifest.get(task.slug, {}).get("status", "")
        built = (out / f"{task.slug}.html").is_file()
        score = meta.get("score")
        cells = [
            (meta.get("name", task.title), f'<a href="{html.escape(task.slug)}.html">{html.escape(meta["name"])}</a>'
             if built else html.escape(meta["name"])),
            (meta.get("type", ""), html.escape(meta.get("type", ""))),
            (meta.get("province", ""), html.escape(meta.get("province", ""))),
            (str(meta.get("year") or ""), html.escape(str(meta.get("year") or ""))),
            ("" if score is None else f"{score:.2f}", "" if score is None else f"{score:.2f}".replace(".", ",")),
            (meta.get("zone", ""), html.escape(meta.get("zone", ""))),
            (meta.get("category", ""), html.escape(meta.get("category", ""))),
            (status, html.escape(status)),
        ]
        rows.append("<tr>" + "".join(f'<td data-value="{html.escape(v, quote=True)}">{shown}</td>'
                                     for v, shown in cells) + "</tr>")
    head = "".join(f'<th data-key="{key}">{label}</th>' for key, label in columns)
    page = f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>kepatuhan — daftar laporan</title>
<style>
body {{ font: 14px/1.4 sans-serif; margin: 24px; color: #212121; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; }}
th {{ cursor: pointer; background: #eceff1; }}
th[data-order=asc]::after {{ content: " ▲"; }} th[data-order=desc]::after {{ content: " ▼"; }}
</style>
</head>
<body>
<h1>Laporan kepatuhan pelayanan publik</h1>
<p>{len(tasks)} laporan · data {html.escape(data.version)} · kepatuhan {html.escape(__version__)}.
Cakupan sebagian: hanya entitas dengan nilai yang dipublikasikan.</p>
<p><input id="filter" type="search" placeholder="Saring…" aria-label="Saring"></p>
<table id="reports"><thead><tr>{head}</tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table>
<script>{INDEX_SCRIPT}</script>
</body>
</html>
"""
    atomic_write_bytes(out / "index.html", page.encode("utf-8"))
