"""`make bench`: report building measured side by side in one run, printed as ratios.

The reports measured are one province's site in both languages, as `kepatuhan build --province
Bengkulu` makes it (every entity-year and province-year, 92 reports): (a) the hand loop (papermill CLI
+ `jupyter nbconvert --to html --no-input`, serial) on every fifth of them (each report pays its own
start, so its cost per report does not depend on how many run); (b) `kepatuhan build` with all cores on
all of them, from scratch; (w) the warm floor: the same notebooks' code run in one warm interpreter plus
the HTML export, median per report over the same reports. The target lines compare these three.
A small batch (K entity reports: the worker start-up shared by K / workers reports) is printed beside
them, with its own warm floor, to show what start-up costs a short build. Then: the whole site
extrapolated from (b) (the output line says so); (c) a no-op rebuild; (d) a bare kernel start plus the
notebook's imports; how many reports one changed unit score rebuilds (hashes compared on a copy of
data/); scaling: the per-report cost on SYNTHETIC national panels of 50 and 600 entities, made in a
temporary folder. (m) maps: what a province report's map adds per report, beside the province report
without it; `python -m kepatuhan.bench --maps` runs (m) alone.
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

from . import build, dataset, paths, runners

K = 20
#: The hand loop runs on every HAND_EVERY-th report of the site sample (both languages, every kind).
HAND_EVERY = 5
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


WARM_FLOOR_CODE = """
import json, sys, time, statistics
from kepatuhan import bench
tasks = json.loads(sys.stdin.read())
print(json.dumps(bench.warm_times(tasks)))
"""


def warm_times(tasks: list[dict]) -> list[float]:
    """Seconds per report of the notebook's code run in this interpreter plus the HTML export (first one: warm-up).

    The cells run in one IPython shell (as in a kernel, without the kernel), warmed up as a build
    worker's kernel is (`worker.warm_up`): the floor under any build.
    """
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from . import page, worker

    shell = InteractiveShell.instance()
    worker.warm_up()
    header = {"data_version": dataset.load().version, "package_version": "bench", "data_date": ""}
    times = []
    for task in [tasks[0], *tasks]:
        started = time.perf_counter()
        nb = load_notebook_node(str(build.notebook_path(task["notebook"])))
        nb = parameterize_notebook(nb, task["parameters"], kernel_name="python3", language="python")
        shell.run_line_magic("reset", "-f")
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            with capture_output() as captured:
                result = shell.run_cell(cell.source, store_history=False)
            outputs = [nbformat.v4.new_output("display_data", data=o.data, metadata=o.metadata)
                       for o in captured.outputs]
            if result.result is not None:
                data, metadata = shell.display_formatter.format(result.result)
                outputs.append(nbformat.v4.new_output("execute_result", data=data, metadata=metadata,
                                                      execution_count=1))
            cell.outputs = outputs
        page.export(nb, task, header)  # as the build does: figures as files
        times.append(time.perf_counter() - started)
    return times[1:]


def _in_fresh_interpreter(code: str, payload) -> str:
    """The last line `code` prints, run in a fresh interpreter (notebooks folder, `payload` as JSON on stdin)."""
    import json

    done = subprocess.run([sys.executable, "-c", code], input=json.dumps(payload), check=True, capture_output=True,
                          text=True, cwd=str(paths.NOTEBOOKS_DIR))
    return done.stdout.strip().splitlines()[-1]


def warm_floor(tasks: list[build.Task]) -> float:
    """Median seconds per report of (notebook code in one warm interpreter + HTML export), in a fresh process."""
    import json

    return statistics.median(json.loads(_in_fresh_interpreter(WARM_FLOOR_CODE, [runners.task_dict(t) for t in tasks])))


BUILD_CODE = """
import json, sys, time
from pathlib import Path
from kepatuhan import build, dataset
slugs, out, workers = json.loads(sys.stdin.read())
data = dataset.load()
chosen = [t for t in build.plan(data) if t.slug in set(slugs)]
started = time.perf_counter()
build.run(chosen, Path(out), data, workers=workers, force=True, progress=False)
print(time.perf_counter() - started)
"""


def site_weight(out: Path) -> tuple[int, int]:
    """(bytes of the folder as published, without the build state; median bytes of a report page)."""
    files = [p for p in out.rglob("*") if p.is_file() and build.BUILD_DIR not in p.relative_to(out).parts]
    def is_report(path: Path) -> bool:
        parts = path.relative_to(out).parts
        return path.suffix == ".html" and (parts[1:] if parts[0] == "en" else parts)[0] in build.KINDS

    pages = [p.stat().st_size for p in files if is_report(p)]
    return sum(p.stat().st_size for p in files), int(statistics.median(pages)) if pages else 0


def build_seconds(tasks: list[build.Task], out: Path, workers: int) -> float:
    """`build.run` on these tasks, timed in a fresh interpreter whose workers import only what a CLI build's do
    (a worker started from this module would import the benchmark, pandas and all, as its main module)."""
    return float(_in_fresh_interpreter(BUILD_CODE, [[t.slug for t in tasks], str(out), workers]))


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


#: The subset built from scratch to measure the whole site (extrapolated to every report, and said so).
SITE_SAMPLE_PROVINCE = "Bengkulu"


def one_unit_change(data: dataset.Dataset, work: Path) -> tuple[int, int]:
    """(reports whose hash changes, all reports) when one unit score of Rejang Lebong 2024 changes by 0.01,
    in a copy of data/ (the change is SYNTHETIC and never touches the shipped data)."""
    folder = work / "data-one-unit"
    for part in ("raw", "reference"):
        shutil.copytree(paths.data_root() / part, folder / part)
    dataset.process(folder)
    copy = dataset.load(folder)
    before = build.digests(build.plan(copy, data_dir=str(folder)), copy)
    units = folder / "raw" / paths.RAW_FILES["unit"]
    line = "2024,17.02/dinkes,Dinas Kesehatan,dinkes,17.02,17.02,17,93.26,"
    units.write_text(units.read_text().replace(line, line.replace("93.26", "93.27")))
    dataset.process(folder)
    changed = dataset.load(folder)
    after = build.digests(build.plan(changed, data_dir=str(folder)), changed)
    return sum(before[s] != after.get(s) for s in before), len(before)


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
    site_sample = build.plan(data, province=SITE_SAMPLE_PROVINCE)
    by_hand = site_sample[::HAND_EVERY]
    small = build.plan(data, only="entity", langs=("id",))[:K]
    n = len(site_sample)
    with tempfile.TemporaryDirectory(prefix="kepatuhan-bench-") as tmp:
        tmp = Path(tmp)
        print(f"benchmark: {SITE_SAMPLE_PROVINCE}, both languages: {n} reports; {workers} worker(s); "
              f"{len(every)} reports in the bilingual site", flush=True)
        (tmp / "hand").mkdir()
        hand = _timed(lambda: hand_loop(by_hand, tmp / "hand")) / len(by_hand)
        print(f"(a) hand loop, serial, on every {HAND_EVERY}th of them ({len(by_hand)} reports): {hand:.2f} s per "
              "report", flush=True)
        site_wall = _timed(lambda: subprocess.run([str(BIN / "kepatuhan"), "build", "--province", SITE_SAMPLE_PROVINCE,
                                                   "--out", str(tmp / "site")], check=True, capture_output=True))
        ours = site_wall * workers / n
        print(f"(b) kepatuhan build --province {SITE_SAMPLE_PROVINCE}, {workers} workers, from scratch: "
              f"{site_wall:.1f} s for the whole command ({site_wall / n:.2f} s per report, {ours:.2f} worker-s per "
              "report)", flush=True)
        site_bytes, median_page = site_weight(tmp / "site")
        warm = warm_floor(site_sample)
        print(f"(w) warm floor, notebook code in one warm interpreter + HTML export: {warm:.2f} s per report "
              "(median)", flush=True)
        small_wall = build_seconds(small, tmp / "small", workers)
        small_ours, small_warm = small_wall * workers / K, warm_floor(small)
        print(f"(k) small batch, {K} entity reports: {small_wall:.1f} s ({small_ours:.2f} worker-s per report; "
              f"warm floor {small_warm:.2f})", flush=True)
        noop = _timed(lambda: subprocess.run([str(BIN / "kepatuhan"), "build", "--province", SITE_SAMPLE_PROVINCE,
                                              "--out", str(tmp / "site")], check=True, capture_output=True))
        print(f"(c) no-op rebuild of those {n} reports: {noop:.2f} s (whole command)", flush=True)
        floor = floor_seconds()
        print(f"(d) kernel start + imports: {floor:.2f} s", flush=True)
        rebuilt, total = one_unit_change(data, tmp)
        synthetic_small = per_report_cost(synthetic_panel(tmp / "synthetic-50", 50), tmp / "s50", workers)
        synthetic_large = per_report_cost(synthetic_panel(tmp / "synthetic-600", 600), tmp / "s600", workers)
        print(f"scaling (SYNTHETIC panels): {synthetic_small:.2f} worker-s per report with 50 entities, "
              f"{synthetic_large:.2f} with 600", flush=True)
    print(f"speedup_vs_hand_loop: {hand / (site_wall / n):.2f} (target >= 15)")
    print(f"per_report_vs_warm_floor: {ours / warm:.2f} (target <= 1.5)")
    print(f"small batch ({K} entity reports, start-up shared by {K // workers} reports per worker; not a target): "
          f"{small_ours / small_warm:.2f}x its warm floor, {hand * K / small_wall:.1f}x faster than the hand loop")
    print(f"full_site_seconds: {site_wall * len(every) / n:.0f} ({len(every)} reports; extrapolated from the {n} "
          f"reports of {SITE_SAMPLE_PROVINCE} built from scratch in {site_wall:.1f} s)")
    print(f"site_bytes: {site_bytes} ({n} reports of {SITE_SAMPLE_PROVINCE} with the landing pages, methodology, "
          f"downloads and shared files, build state excluded; whole site ~{site_bytes * len(every) / n / 1e6:.0f} MB "
          "extrapolated)")
    print(f"median_page_bytes: {median_page} (report pages)")
    print(f"rebuilt_after_one_unit_change: {rebuilt} of {total}")
    print(f"noop_rebuild_seconds: {noop:.2f} ({n} reports)")
    print(f"scaling_600_vs_50: {synthetic_large / synthetic_small:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
