"""The worker side of `kepatuhan build`: one Jupyter kernel per worker process, reports run in it in turn.

Each worker process keeps one kernel alive and runs its reports in it one after another: the kernel
start and the notebook's imports (most of a report's cost) are paid once per worker, not once per
report. The namespace is reset before every notebook, so no report sees another's state. The kernel
is driven with jupyter_client's asyncio client, so nbclient's cell timeout really fires (the blocking
client's iopub wait never returns while a cell hangs). A worker dies with the driver (parent-death
signal, and a thread watching its parent); its kernel watches the worker.

This module imports no pandas and none of the driver's modules: a worker starts in ~0.4 s of CPU, and
on two cores that is start-up the reports no longer wait for.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from . import paths
from .notebooks import notebook_path
from .page import export, exporter

#: Seconds one cell may run before its report fails (`kepatuhan build --timeout`).
DEFAULT_TIMEOUT = 600
#: Fresh kernels tried before a report fails because its kernel died at start.
KERNEL_ATTEMPTS = 3

_KERNEL = None  # (AsyncKernelManager, AsyncKernelClient) of this worker
_LANGUAGE_INFO = None  # the kernel's language_info, asked once per worker
_NOTEBOOKS: dict = {}  # notebook name → (bytes read, parsed node): read and validated once per worker
_RESET = "get_ipython().run_line_magic('reset', '-f')"
#: A report kernel keeps no input history: IPython would write every cell to its SQLite history file,
#: ~0.04 s of the kernel's time per report, for a history nobody reads (the executed notebook is the record).
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False",)


def init_worker(parent: int) -> None:
    """First thing in every worker process: die with the driver, and leave Ctrl-C to the driver."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C pending since the spawn is dropped here…
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # …and the driver's block lifted
    if sys.platform.startswith("linux"):
        import ctypes

        try:  # PR_SET_PDEATHSIG = 1: the kernel sends SIGKILL when the driver dies, however it dies
            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the driver died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="kepatuhan-parent-watch", daemon=True).start()
    try:  # the kernel boots while this process imports what it needs; then the kernel imports the report code
        manager, client = _run_in_loop(_kernel(while_it_starts=_worker_imports))
        client.execute(_WARM_UP, silent=True, store_history=False)
    except Exception:  # the first report starts (and reports the failure of) a kernel on its own
        _run_in_loop(_discard_kernel())


#: What every report notebook imports, run in a fresh kernel before its first report, then warmed up
#: (module caches survive the namespace reset between reports; `warm_up` says what it loads).
_WARM_UP = "import kepatuhan.report, kepatuhan.worker; kepatuhan.worker.warm_up()"


def warm_up() -> None:
    """Ready this process for many reports, once (a build worker's kernel calls it before its first one).

    It loads what every report uses (fragment templates, both catalogues and their number formats,
    the fonts of the figures, the shipped boundaries), then `gc.freeze()` moves everything alive now
    out of the garbage collector's rounds: the namespace reset between reports and the collections
    during one then walk only the report's own objects, not the whole library each time.
    """
    import gc

    from . import geometry, plots
    from .messages import LANGS, Formatter
    from .report import markup

    for name in markup.templates().list_templates():
        markup.templates().get_template(name)
    for lang in LANGS:
        Formatter(lang).num(1.5)
    plots.warm_up()
    for level in geometry.LEVELS:
        if geometry.geometry_file(level).is_file():
            geometry.load(level)
    gc.freeze()


def _worker_imports() -> None:
    import nbclient  # noqa: F401
    import papermill.iorw  # noqa: F401
    import papermill.parameterize  # noqa: F401

    exporter()


def _watch_parent(parent: int) -> None:
    """Where no parent-death signal exists: exit once the driver is gone (the kernel follows its worker)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _kernel_manager():
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(kernel_name="python3")


async def _stop_kernel(manager, client) -> None:
    if client is not None:
        client.stop_channels()
    try:
        await manager.shutdown_kernel(now=True)
    except Exception:  # already dead, or never started: nothing left to stop
        pass


async def _kernel(while_it_starts=None):
    """This worker's kernel, started on demand; one that dies at start is replaced by a fresh one.

    `while_it_starts` runs in this process while the kernel boots (the worker's own imports)."""
    global _KERNEL
    if _KERNEL is not None:
        if await _KERNEL[0].is_alive():
            return _KERNEL
        await _discard_kernel()
    last: Exception | None = None
    for attempt in range(KERNEL_ATTEMPTS):
        manager, client = _kernel_manager(), None
        try:
            await manager.start_kernel(cwd=str(paths.NOTEBOOKS_DIR), stderr=open(os.devnull, "w"),  # noqa: SIM115
                                       extra_arguments=list(KERNEL_ARGUMENTS))
            if while_it_starts is not None:
                while_it_starts()
                while_it_starts = None
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
        except Exception as exc:  # "Kernel died before replying to kernel_info", a port race, …
            last = exc
            await _stop_kernel(manager, client)
            await asyncio.sleep(0.5 * (attempt + 1))
            continue
        client.allow_stdin = False
        _KERNEL = (manager, client)
        return _KERNEL
    raise RuntimeError(f"the kernel died at start {KERNEL_ATTEMPTS} times: {type(last).__name__}: {last}")


async def _discard_kernel() -> None:
    """Stop this worker's kernel (it hung or died); the next report starts a fresh one."""
    global _KERNEL
    if _KERNEL is not None:
        kernel, _KERNEL = _KERNEL, None
        await _stop_kernel(*kernel)


async def _execute(nb, timeout: int, where: dict) -> None:
    from nbclient import NotebookClient

    manager, kc = await _kernel()

    def starting(cell, cell_index) -> None:
        where["cell"] = cell_index

    client = NotebookClient(nb, km=manager, timeout=timeout, record_timing=False, on_cell_execute=starting,
                            resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}})
    client.kc = kc
    await client.async_wait_for_reply(kc.execute(_RESET, silent=True, store_history=False))
    global _LANGUAGE_INFO
    if _LANGUAGE_INFO is None:  # asked once per worker: the kernel does not change between reports
        info = await client.async_wait_for_reply(kc.kernel_info())
        if info is not None and "language_info" in info["content"]:
            _LANGUAGE_INFO = info["content"]["language_info"]
    if _LANGUAGE_INFO is not None:
        nb.metadata["language_info"] = _LANGUAGE_INFO
    where["started"] = True
    for index, cell in enumerate(nb.cells):
        await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)


def _run_in_loop(coroutine):
    """One event loop per worker thread for the worker's life: the kernel's sockets belong to it."""
    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        for task in asyncio.all_tasks(loop):  # nbclient's output pollers of a cell that failed
            task.cancel()


def _shutdown_at_exit() -> None:
    if _KERNEL is not None:
        _run_in_loop(_discard_kernel())


def render(task: dict, header: dict, scratch: str, timeout: int = DEFAULT_TIMEOUT) -> dict:
    """Execute one notebook and return its HTML bytes and figure files (or the failure); runs in a worker."""
    import atexit

    atexit.unregister(_shutdown_at_exit)
    atexit.register(_shutdown_at_exit)
    marker = running_marker(scratch, task["slug"])
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()))
    try:
        return _render(task, header, scratch, timeout)
    finally:
        marker.unlink(missing_ok=True)


def running_marker(scratch: str, slug: str) -> Path:
    """A file that exists while a worker runs the report `slug`: when a worker dies, the driver reads these
    to know which report it took with it (the pool fails every unfinished report alike)."""
    return Path(scratch) / "running" / slug.replace("/", "__")


def _render(task: dict, header: dict, scratch: str, timeout: int) -> dict:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    started = time.perf_counter()
    path = str(notebook_path(task["notebook"]))
    for attempt in range(2):
        nb = _notebook(path, load_notebook_node)
        nb = parameterize_notebook(nb, task["parameters"], kernel_name="python3", language="python")
        where: dict = {"cell": None, "started": False}
        try:
            _run_in_loop(_execute(nb, timeout, where))
        except CellTimeoutError:
            _run_in_loop(_discard_kernel())  # it is still busy with the hung cell
            return _failed(nb, task, scratch, started, where["cell"],
                           f"CellTimeoutError: cell {where['cell']} timed out after {timeout} s")
        except DeadKernelError as exc:
            _run_in_loop(_discard_kernel())
            if attempt == 0 and not where["started"]:  # died before the report began: try a fresh kernel
                continue
            return _failed(nb, task, scratch, started, where["cell"], f"DeadKernelError: {exc}")
        except CellExecutionError as exc:
            cell = next((i for i, c in enumerate(nb.cells)
                         if any(o.get("output_type") == "error" for o in c.get("outputs", []))), where["cell"])
            error = next((f"{o['ename']}: {o['evalue']}" for c in nb.cells for o in c.get("outputs", [])
                          if o.get("output_type") == "error"), f"{type(exc).__name__}: {exc}")
            return _failed(nb, task, scratch, started, cell, error)
        except Exception as exc:
            _run_in_loop(_discard_kernel())
            return {"ok": False, "seconds": time.perf_counter() - started, "cell": where["cell"],
                    "error": f"{type(exc).__name__}: {exc}", "failed_notebook": "", "trace": traceback.format_exc()}
        break
    html, figures = export(nb, task, header, embed=bool(header.get("embed")))
    return {"ok": True, "seconds": time.perf_counter() - started, "html": html, "figures": figures}


def _notebook(path: str, load):
    """A fresh copy of the notebook; it is read and validated once per worker, unless its file changed."""
    import copy

    raw = Path(path).read_bytes()
    if path not in _NOTEBOOKS or _NOTEBOOKS[path][0] != raw:
        nb = load(path)  # papermill's reader adds its metadata
        for cell in nb.cells:  # the committed outputs (images) would only be copied, then replaced
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        _NOTEBOOKS[path] = (raw, nb)
    return copy.deepcopy(_NOTEBOOKS[path][1])


def _failed(nb, task: dict, scratch: str, started: float, cell: int | None, error: str) -> dict:
    import nbformat

    saved = Path(scratch) / f"{task['slug'].replace('/', '__')}.ipynb"
    saved.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, saved)
    return {"ok": False, "seconds": time.perf_counter() - started, "cell": cell, "error": error,
            "failed_notebook": str(saved)}
