"""Where a build's reports run: a pool of local worker processes, or a dask cluster.

Both hand each finished report to `finish(task, digest, result)` in the driver as it completes. A
local worker that dies (killed, out of memory) breaks Python's process pool, which then fails every
unfinished report alike; here only the report that worker was running fails (it is tried once more on
a fresh pool first, since a kill from outside is no fault of the report) and the rest go on in a new
pool, as a dead kernel is replaced by a fresh one.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from .errors import DataError, Problem
from .interrupts import blocked_while_spawning
from .worker import init_worker, render, running_marker

#: Seconds to wait for a dask scheduler before saying it cannot be reached.
SCHEDULER_TIMEOUT = 10
#: Times a report may be running in a worker that dies before the report fails.
WORKER_DEATHS = 2


def task_dict(task, data_date: str = "") -> dict:
    """What a worker needs of a task (a plain dict: cheap to send, no driver module needed to read it)."""
    return {"slug": task.slug, "notebook": task.notebook, "parameters": task.parameters, "title": task.title,
            "links": {**task.links(), "data_date": data_date}}


def result_of(future) -> dict:
    """A future's result; a worker that raised is reported like any failure."""
    try:
        return future.result()
    except Exception as exc:
        return {"ok": False, "seconds": 0.0, "cell": None, "error": f"{type(exc).__name__}: {exc}"}


def _died(deaths: int) -> dict:
    return {"ok": False, "seconds": 0.0, "cell": None,
            "error": f"WorkerDied: the worker process running this report died {deaths} times "
                     "(killed, or out of memory); the other reports were built"}


def run_pool(todo, header, scratch, workers, timeout, finish) -> ProcessPoolExecutor | None:
    """Run `todo` on worker processes started fresh (spawn: no inherited lock, threads or open files).

    Returns the last pool, told to close without waiting: the caller writes the index while its workers
    stop their kernels, then waits for them (`shutdown(wait=True)`)."""
    _running(scratch)  # markers left by a build that was killed
    deaths: dict[str, int] = {}
    remaining = list(todo)
    pool = None
    while remaining:
        if pool is not None:
            pool.shutdown(wait=True)  # a broken pool: its workers are gone already
        pool = _start(workers, len(remaining))
        broken = _run_round(pool, remaining, header, scratch, timeout, finish)
        running = _running(scratch)
        remaining = []
        for task, digest in broken:
            if task.slug in running:
                deaths[task.slug] = deaths.get(task.slug, 0) + 1
            if deaths.get(task.slug, 0) >= WORKER_DEATHS:
                finish(task, digest, _died(deaths[task.slug]))
            else:
                remaining.append((task, digest))
    return pool


def _start(workers: int | None, todo: int) -> ProcessPoolExecutor:
    import multiprocessing

    return ProcessPoolExecutor(max_workers=min(workers or os.cpu_count() or 1, todo),
                               mp_context=multiprocessing.get_context("spawn"),
                               initializer=init_worker, initargs=(os.getpid(),))


def _running(scratch: str) -> set[str]:
    """Slugs of the reports whose worker was running them when it stopped; the markers are cleared."""
    folder = running_marker(scratch, "x").parent
    slugs = {path.name.replace("__", "/") for path in folder.glob("*")} if folder.is_dir() else set()
    shutil.rmtree(folder, ignore_errors=True)
    return slugs


def _run_round(pool, todo, header, scratch, timeout, finish) -> list:
    """Run the tasks on one pool; returns those the pool failed because a worker died (to run again)."""
    finished = False
    broken = []
    try:
        with blocked_while_spawning():  # the workers start as their first tasks are submitted
            futures = {pool.submit(render, task_dict(task, header["data_date"]), header, scratch, timeout):
                       (task, digest) for task, digest in todo}
        for future in as_completed(futures):
            task, digest = futures.pop(future)  # its result (the page's bytes) is freed once written
            if isinstance(future.exception(), BrokenProcessPool):
                broken.append((task, digest))
            else:
                finish(task, digest, result_of(future))
        finished = True
    finally:
        if not finished:  # Ctrl-C, SIGTERM or an unwritable folder: stop the workers now, not after their reports
            _kill(pool)
        pool.shutdown(wait=not finished, cancel_futures=True)
    return broken


def _kill(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()  # their kernels notice their parent is gone and exit within a second
    for process in processes:
        process.join(timeout=5)
    # A worker killed while sending a page leaves half a message in the result pipe, and the pool's
    # reading thread would wait for the rest forever (seen: a stopped build that never exited). With
    # this process's own copy of the pipe's write end closed, it reads end-of-file instead.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()


def run_dask(todo, header, scratch, scheduler, timeout, finish) -> None:
    """Run `todo` on a dask cluster (`--scheduler`); the tasks not done are cancelled if the driver stops."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    try:
        client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DataError([Problem("--scheduler", None, "", f"cannot reach the scheduler at {scheduler} "
                                                          f"(waited {SCHEDULER_TIMEOUT} s): {exc}")]) from None
    with client:
        futures = {client.submit(render, task_dict(task, header["data_date"]), header, scratch, timeout,
                                 pure=False): (task, digest) for task, digest in todo}
        try:
            for future in dask_completed(list(futures)):
                task, digest = futures.pop(future)  # released here and on the cluster once written
                finish(task, digest, result_of(future))
        finally:
            client.cancel(list(futures))  # those not done
