"""`make bench`: report building measured side by side in one run, printed as ratios.

(a) the hand loop (papermill CLI + `jupyter nbconvert --to html --no-input`, serial) and (b)
`kepatuhan build` with all cores, on the same K entity reports; (c) a no-op rebuild of every report
of the shipped data; (d) the floor: a bare kernel start plus the notebook's imports. Scaling compares
the per-report cost on SYNTHETIC national panels of 50 and 600 entities, made in a temporary folder.
(m) maps: what a province report's map adds per report, beside the province report without it.
`python -m kepatuhan.bench --maps` runs (m) alone.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import build, dataset, paths

K = 20
BIN = Path(sys.executable).parent


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def hand_loop(tasks: list[build.Task], work: Path) -> float:
    for task in tasks:
        executed = work / f"{task.slug.replace('/', '__')}.ipynb"
        params = []
        for key, value in task.parameters.items():
            if value == "":
                continue  # the notebook's default
            params += ["-r" if isinstance(value, str) else "-p", key, str(value)]  # -r keeps "13" a string
        subprocess.run([str(BIN / "papermill"), str(build.notebook_path(task.notebook)), str(executed), *params,
                        "-k", "python3", "--cwd", str(paths.NOTEBOOKS_DIR), "--no-progress-bar"],
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, capture_output=True)
    return 0.0


def floor_seconds(repeats: int = 3) -> float:
    """A bare kernel start plus the imports the notebooks make, then shutdown."""
    from jupyter_client.manager import start_new_kernel

    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        manager, client = start_new_kernel(kernel_name="python3", stderr=subprocess.DEVNULL)
        client.execute_interactive("from kepatuhan import report", timeout=120)
        client.stop_channels()
        manager.shutdown_kernel(now=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def synthetic_panel(folder: Path, n_entities: int, seed: int = 7) -> Path:
    """A SYNTHETIC data folder: real region codes, generated scores, labelled synthetic everywhere."""
    (folder / "raw").mkdir(parents=True)
    shutil.copytree(paths.reference_dir(), folder / "reference")
    regions = pd.read_csv(paths.reference_dir() / paths.REGIONS_FILE, dtype=str, keep_default_na=False)
    chosen = regions[regions["type"].isin(["kabupaten", "kota"])].head(n_entities)
    rng = np.random.default_rng(seed)
    rows = []
    for region in chosen.itertuples(index=False):
        base = rng.uniform(55, 95)
        for year in (2022, 2023, 2024):
            rows.append({"year": year, "entity_code": region.code, "entity_type": region.type,
                         "entity_name": f"{region.name} (synthetic)", "province_code": region.province_code,
                         "score": f"{min(100.0, base + rng.normal(0, 3) + 2 * (year - 2022)):.2f}",
                         "zone": "", "category": "",
                         "source_url": "https://example.org/synthetic-benchmark-data"})
    pd.DataFrame(rows).to_csv(folder / "raw" / paths.RAW_FILES["entity"], index=False, lineterminator="\n")
    for kind in ("unit", "aggregate"):
        shutil.copy(paths.raw_dir() / paths.RAW_FILES[kind], folder / "raw" / paths.RAW_FILES[kind])
    (folder / "README.md").write_text("SYNTHETIC benchmark data: generated scores, not published figures.\n")
    dataset.process(folder)
    return folder


def per_report_cost(data_dir: Path, out: Path, workers: int) -> float:
    data = dataset.load(data_dir)
    tasks = build.plan(data, only="entity", data_dir=str(data_dir))[:K]
    wall = _timed(lambda: build.run(tasks, out, data, workers=workers, force=True, progress=False))
    return wall * workers / len(tasks)


#: What a worker that already imports the report's stack (pandas, matplotlib via plots) pays for maps.
MAP_LOAD_CODE = ("import time; import pandas; from kepatuhan import dataset, plots; t = time.perf_counter(); "
                 "from kepatuhan import geometry, maps; "
                 "geometry.load('kabkota'); geometry.load('provinsi'); print(time.perf_counter() - t)")


def map_cost(data: dataset.Dataset, out: Path, workers: int) -> float:
    """(m): province reports built without a map, beside the map each would add (drawing + PNG).

    The map is timed in this process after one warm-up, as a build worker pays it: boundaries are
    loaded once per worker (timed apart, in a fresh interpreter), then every report draws its map.
    """
    from . import maps, plots

    tasks = build.plan(data, only="province")[:K]
    wall = _timed(lambda: build.run(tasks, out, data, workers=workers, force=True, progress=False))
    without = wall * workers / len(tasks)
    once = statistics.median(float(subprocess.run([sys.executable, "-c", MAP_LOAD_CODE], check=True,
                                                  capture_output=True, text=True).stdout) for _ in range(3))
    entities = data.entities
    maps.province_map(entities, "17", 2024)  # warm-up: the worker's first map
    draws = [_timed(lambda t=t: plots.to_png(maps.province_map(entities, t.parameters["province"],
                                                               int(t.parameters["year"]))[0]))
             for t in tasks]
    every = [_timed(lambda code=code: plots.to_png(maps.province_map(entities, code, 2024)[0]))
             for code in sorted(data.regions.loc[data.regions["type"] == "provinsi", "code"])]
    locator = statistics.mean(_timed(lambda c=c: plots.to_png(maps.locator_map(entities, c, 2024)[0]))
                              for c in ("17.02", "35.07", "91.03", "12"))
    national = _timed(lambda: plots.to_png(maps.national_map(entities, 2024)[0]))
    added = statistics.mean(draws)
    print(f"(m) maps: maps import + boundaries load once per worker {once:.2f} s; province map + PNG "
          f"{added:.3f} s per report on these {len(tasks)} reports (all 38 provinces: mean "
          f"{statistics.mean(every):.3f}, max {max(every):.3f}); locator map {locator:.3f} s; "
          f"national map {national:.3f} s", flush=True)
    print(f"    province report: {without:.2f} worker-s without its map, {without + added:.2f} with it "
          f"(+{added:.3f} worker-s, {added / without * 100:.0f}%; target ≤ 0.15)", flush=True)
    return added


def main(argv: list[str] | None = None) -> int:
    workers = os.cpu_count() or 1
    if "--maps" in (sys.argv[1:] if argv is None else argv):
        dataset.process()
        with tempfile.TemporaryDirectory(prefix="kepatuhan-bench-") as tmp:
            added = map_cost(dataset.load(), Path(tmp) / "maps", workers)
        print(f"map_added_worker_s_per_province_report: {added:.3f}")
        return 0
    dataset.process()
    data = dataset.load()
    every = build.plan(data)
    sample = build.plan(data, only="entity")[:K]
    with tempfile.TemporaryDirectory(prefix="kepatuhan-bench-") as tmp:
        tmp = Path(tmp)
        print(f"benchmark: {K} entity reports, {workers} worker(s); {len(every)} reports in the shipped data",
              flush=True)
        (tmp / "hand").mkdir()
        hand = _timed(lambda: hand_loop(sample, tmp / "hand"))
        print(f"(a) hand loop, serial: {hand:.1f} s ({hand / K:.2f} s per report)", flush=True)
        ours = _timed(lambda: build.run(sample, tmp / "ours", data, workers=workers, force=True, progress=False))
        print(f"(b) kepatuhan build, {workers} workers: {ours:.1f} s ({ours / K:.2f} s per report, "
              f"{ours * workers / K:.2f} worker-s per report)", flush=True)
        build.run(every, tmp / "all", data, workers=workers, progress=False)
        noop = _timed(lambda: subprocess.run([str(BIN / "kepatuhan"), "build", "--out", str(tmp / "all")],
                                             check=True, capture_output=True))
        print(f"(c) no-op rebuild of {len(every)} reports: {noop:.2f} s (whole command)", flush=True)
        floor = floor_seconds()
        print(f"(d) floor, kernel start + imports: {floor:.2f} s", flush=True)
        small = per_report_cost(synthetic_panel(tmp / "synthetic-50", 50), tmp / "s50", workers)
        large = per_report_cost(synthetic_panel(tmp / "synthetic-600", 600), tmp / "s600", workers)
        print(f"scaling (SYNTHETIC panels): {small:.2f} worker-s per report with 50 entities, "
              f"{large:.2f} with 600", flush=True)
        added = map_cost(data, tmp / "maps", workers)
    print(f"speedup_vs_hand_loop: {hand / ours:.2f}")
    print(f"per_report_vs_floor: {ours * workers / K / floor:.2f}")
    print(f"noop_rebuild_seconds: {noop:.2f} ({len(every)} reports)")
    print(f"scaling_600_vs_50: {large / small:.2f}")
    print(f"map_added_worker_s_per_province_report: {added:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
