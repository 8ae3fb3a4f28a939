"""`kepatuhan build`: every report as self-contained HTML, in parallel, incrementally, fault-tolerantly.

One driver process plans the reports, skips those whose inputs are unchanged (hash of notebook,
parameters, data and package), and hands the rest to worker processes (or a dask cluster). Workers
(`kepatuhan.worker`) inject the parameters with papermill's API, execute the notebook with nbclient in
a kernel they keep alive, and convert it with nbconvert's HTMLExporter; the
driver writes every file atomically and records the results in a manifest (saved every second and at
the end), so an interrupted build leaves no partial file and the next one builds only what is missing.

A build never outlives its driver: workers get a parent-death signal (and watch their parent), each
kernel watches its worker, and the folder lock is a POSIX record lock that dies with the driver alone.
A cell that runs longer than the timeout fails its report (the kernel is replaced); Ctrl-C or SIGTERM
stops the workers at once, keeps what was finished and raises `Interrupted`.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__, assets, dataset, errors, navigation, paths, publish, ranking, site
from .errors import DataError, Problem
from .files import atomic_write_bytes, remove_stale_temp_files, write_if_changed
from .guards import resolved
from .interrupts import interrupts as handled_interrupts
from .lock import BUILD_DIR, build_lock, cannot_write
from .manifest import read_manifest, up_to_date
from .messages import LANGS, Formatter, twin
from .notebooks import notebook_path
from .page import write_methodology
from .report_paths import csv_path, output_path, report_files, report_path
from .reports_index import KINDS, write_index
from .runners import run_dask, run_pool
from .worker import DEFAULT_TIMEOUT

__all__ = ["BUILD_DIR", "KINDS", "Interrupted", "Outcome", "Task", "build_lock", "digests", "output_path", "plan",
           "report_path", "run", "write_index"]

#: Seconds between two saves of the build manifest while reports finish (and once at the end): a site-wide
#: manifest takes ~30 ms to write, too much after every report; a report finished after the last save of
#: a killed build is on disk but unrecorded, so the next build makes it again, and nothing is lost.
MANIFEST_INTERVAL = 1.0


class Interrupted(errors.Interrupted):
    """Ctrl-C or SIGTERM stopped the build; the finished reports and the manifest are kept."""

    def __init__(self, outcomes: list[Outcome], not_built: int):
        self.outcomes = outcomes
        self.not_built = not_built
        super().__init__(f"interrupted with {not_built} report(s) not built")


@dataclass(frozen=True)
class Task:
    kind: str
    slug: str  # output path below the reports folder, without .html
    notebook: str
    parameters: dict
    title: str
    meta: dict = field(default_factory=dict)  # for the index: name, type, province, year, score…

    def digest(self, data_version: str, code_version: str, notebook_bytes: bytes) -> str:
        """Hash of what shapes the page: the notebook, parameters, the data it reads, the package, its links."""
        parts = json.dumps({"notebook": hashlib.sha256(notebook_bytes).hexdigest(), "parameters": self.parameters,
                            "data": data_version, "package": __version__, "code": code_version,
                            "title": self.title, "links": self.links()}, sort_keys=True)
        return hashlib.sha256(parts.encode()).hexdigest()

    @property
    def code(self) -> str:
        return str(self.parameters.get("entity") or self.parameters.get("province") or "")

    @property
    def subject(self) -> tuple[str, str, int]:
        """(kind, code, year): what the report is about, the key of its data and its CSV."""
        return self.kind, self.code, int(self.parameters.get("year") or 0)

    def links(self) -> dict:
        """Where the page links: its twin in each other language, its CSV, the other years of its subject."""
        lang = self.parameters.get("lang", LANGS[0])
        return {"twins": [[other, twin(self.slug, lang, other) + ".html"] for other in LANGS if other != lang],
                "csv": csv_path(*self.subject),
                "years": [[y, report_path(self.kind, self.code, y, lang) + ".html"]
                          for y in self.meta.get("years", [])],
                "nav": self.meta.get("nav", {})}


@dataclass
class Outcome:
    slug: str
    status: str  # built, skipped or failed
    seconds: float = 0.0
    error: str = ""
    cell: int | None = None
    failed_notebook: str = ""


def _code(value, what: str, source: str) -> str:
    """A code that may become part of an output path: a Kemendagri code or a slug, nothing else."""
    fault = paths.code_fault(value)
    if fault is None:
        return value
    raise DataError([Problem(source, None, what, f"{fault}; refusing to build a report path from it")])


def _province_years(pemda, data: dataset.Dataset):
    """(province_code, province_name, year): every year of the data, for each province with any row.

    A province has data when a pemda in it has a row (scored or label-only), a unit lies in it or a
    count was published for it; its page is made for every assessment year, so a year without rows
    says so (and what is missing) instead of being absent.
    """
    import pandas as pd  # loaded already by dataset

    counts = data.aggregates["scope_code"].fillna("").astype(str)
    codes = set(pemda["province_code"].dropna()) | set(data.units["province_code"].dropna()) | set(counts) - {""}
    names = data.regions.set_index("code")["name"]
    years = sorted(int(y) for y in set(data.entities["year"]))
    return pd.DataFrame([(code, names.get(code, ""), year) for code in sorted(codes) for year in years],
                        columns=["province_code", "province_name", "year"])


def plan(data: dataset.Dataset, only: str | None = None, year: int | None = None, province: str | None = None,
         entity: str | None = None, data_dir: str = "", langs: tuple[str, ...] = LANGS) -> list[Task]:
    """Every report the data supports, in every language asked for, narrowed by the filters.

    One entity report per entity-year in the data (label-only years too: the entity report shows
    them), one province report per province-year with any pemda row (scored or label-only) or a
    published count for the province, one national overview per year.
    """
    entities = data.entities
    province_code = data.names.province_code(province) if province else None
    entity_code = data.names.match(entity).entity.code if entity else None
    regions = str(paths.reference_dir(data_dir or None) / paths.REGIONS_FILE)
    years_of = {code: sorted(int(y) for y in group) for code, group in entities.groupby("entity_code")["year"]}
    pemda = entities[entities["entity_type"].isin(["provinsi", "kabupaten", "kota"])]  # label-only rows too
    pairs = _province_years(pemda, data)
    rankings = navigation.available(entities)
    tasks: list[Task] = []
    if only in (None, "entity"):
        chosen = entities if year is None else entities[entities["year"] == year]
        for row in chosen.sort_values(["entity_code", "year"]).itertuples(index=False):
            if province_code and row.province_code != province_code or entity_code and row.entity_code != entity_code:
                continue
            code = _code(row.entity_code, "entity code", regions)
            scored = row.score == row.score
            meta = {"code": code, "name": row.entity_name, "type": row.entity_type,
                    "province_code": row.province_code if isinstance(row.province_code, str) else "",
                    "province": row.province_name if isinstance(row.province_name, str) else "",
                    "year": int(row.year), "score": float(row.score) if scored else None, "zone": row.zone,
                    "category": row.category if isinstance(row.category, str) else "",
                    "opinion": row.opinion if isinstance(row.opinion, str) else "",
                    "years": years_of[row.entity_code]}
            leads = navigation.rankings_for("entity", row.entity_type, meta["province_code"], int(row.year), rankings)
            for lang in langs:
                nav = navigation.report_nav(Formatter(lang), "entity", code, int(row.year), row.entity_name,
                                            meta["province_code"], meta["province"], leads)
                tasks.append(Task("entity", report_path("entity", code, int(row.year), lang), "entity_report",
                                  {"entity": code, "year": int(row.year), "lang": lang, "data_dir": data_dir},
                                  f"{row.entity_name} {row.year}", {**meta, "lang": lang, "nav": nav}))
    if only in (None, "province") and not entity_code:
        years_of_province = {c: sorted(int(y) for y in g) for c, g in pairs.groupby("province_code")["year"]}
        for row in pairs.sort_values(["province_code", "year"]).itertuples(index=False):
            if (province_code and row.province_code != province_code) or (year and row.year != year):
                continue
            code = _code(row.province_code, "province code", regions)
            n = int(((pemda["province_code"] == row.province_code) & (pemda["year"] == row.year)).sum())
            leads = navigation.rankings_for("province", "", code, int(row.year), rankings)
            for lang in langs:
                f = Formatter(lang)
                title = f("site.province_title", province=row.province_name, year=row.year)
                nav = navigation.report_nav(f, "province", code, int(row.year), title, code, row.province_name, leads)
                tasks.append(Task(
                    "province", report_path("province", code, int(row.year), lang), "province_report",
                    {"province": code, "year": int(row.year), "lang": lang, "data_dir": data_dir}, title,
                    {"code": code, "name": f("site.province_name", province=row.province_name, n=n),
                     "type": "", "province": row.province_name, "province_code": code, "year": int(row.year),
                     "score": None, "zone": "", "category": "", "years": years_of_province[row.province_code],
                     "lang": lang, "nav": nav}))
    if only in (None, "national") and not (entity_code or province_code):
        all_years = sorted(int(y) for y in set(entities["year"]))
        for each in all_years:
            if year and each != year:
                continue
            leads = navigation.rankings_for("national", "", "", each, rankings)
            provinces = [(c, n) for c, n, y in pairs.itertuples(index=False) if y == each]
            for lang in langs:
                f = Formatter(lang)
                title = f("site.national_title", year=each)
                nav = navigation.report_nav(f, "national", "", each, title, rankings=leads,
                                            provinces=[(c, f("site.province_title", province=n, year=each))
                                                       for c, n in provinces])
                tasks.append(Task("national", report_path("national", "", each, lang), "national_overview",
                                  {"year": each, "lang": lang, "data_dir": data_dir}, title,
                                  {"code": "", "name": title, "type": "", "province": "", "province_code": "",
                                   "year": each, "score": None, "zone": "", "category": "", "years": all_years,
                                   "lang": lang, "nav": nav}))
    return tasks


# -- the driver side ------------------------------------------------------------------------------

def digests(tasks: list[Task], data: dataset.Dataset) -> dict[str, str]:
    """{slug: hash of what shapes the report}: a report whose hash is unchanged is not rebuilt."""
    code_version = site.code_digest() + site.reference_digest(_data_dir(tasks))
    notebooks = {name: notebook_path(name).read_bytes() for name in {t.notebook for t in tasks}}
    inputs = site.InputDigests(data)
    return {task.slug: task.digest(inputs(*task.subject), code_version, notebooks[task.notebook]) for task in tasks}


def _data_dir(tasks: list[Task]) -> str:
    return next((str(t.parameters.get("data_dir") or "") for t in tasks), "")


def _data_date(data: dataset.Dataset) -> str:
    """The date of the data for a citation: its latest assessment year."""
    return str(int(data.entities["year"].max())) if len(data.entities) else ""


def run(tasks: list[Task], out: Path, data: dataset.Dataset, workers: int | None = None, force: bool = False,
        scheduler: str | None = None, progress: bool = True, timeout: int = DEFAULT_TIMEOUT,
        embed: bool = False, base_url: str = "", gzip: bool = False) -> list[Outcome]:
    """Build the tasks into `out`; raises `Interrupted` on Ctrl-C/SIGTERM, `DataError` when out is unwritable.

    `embed` makes self-contained pages (stylesheet and figures inline); `base_url` (the address `out`
    is published at) adds canonical links, absolute hreflang, share tags and a sitemap; `gzip` gives every
    text file a deterministic `.gz` twin (without it, twins of an earlier build are removed)."""
    out = Path(out)
    resolved(out)  # a loop of symbolic links is said as such, not as "cannot write: File exists"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(out, exc) from None
    targets = {task.slug: output_path(out, task.slug) for task in tasks}
    with handled_interrupts() as interrupts, build_lock(out):
        state_dir = out / BUILD_DIR
        for folder in {out, state_dir, state_dir / "logs", *(path.parent for path in targets.values())}:
            remove_stale_temp_files(folder)  # of a build that was killed mid-write; nothing else
        options = {"embed": bool(embed), "base_url": base_url}
        try:
            return _run_locked(tasks, out, data, workers, force, scheduler, progress, timeout, interrupts, options)
        finally:  # after the landing pages, also when interrupted: a twin must never outlive its page
            with interrupts.quiet():
                try:
                    publish.write_compressed(out, gzip)
                except OSError as exc:
                    raise cannot_write(out, exc) from None


def _run_locked(tasks, out, data, workers, force, scheduler, progress, timeout, interrupts, options) -> list[Outcome]:
    state_dir = out / BUILD_DIR
    manifest_path = state_dir / "manifest.json"
    manifest = read_manifest(manifest_path)
    header = {"data_version": data.citable_version, "data_release": data.release, "package_version": __version__,
              "data_date": _data_date(data),
              **options}
    outcomes: list[Outcome] = []
    todo: list[tuple[Task, str]] = []
    scratch = str(state_dir / "executed")
    bar = _NoBar()
    counts = {"built": 0, "failed": 0, "skipped": 0}

    def write(path: Path, content: bytes) -> None:
        try:
            atomic_write_bytes(path, content)
        except OSError as exc:
            raise cannot_write(path, exc) from None

    saved = {"at": -MANIFEST_INTERVAL}

    def save_manifest() -> None:
        write(manifest_path, json.dumps(manifest, indent=2, sort_keys=True).encode())
        saved["at"] = time.monotonic()

    def finish(task: Task, digest: str, result: dict) -> None:
        with interrupts.held():
            record(task, digest, result)

    def record(task: Task, digest: str, result: dict) -> None:
        if result["ok"]:
            try:
                assets.write_figures(out, result.get("figures", {}))  # before the page that links them
            except OSError as exc:
                raise cannot_write(out / assets.IMAGE_DIR, exc) from None
            page, csv = report_files(out, task)
            write(page, result["html"])
            own = page.with_suffix(".csv")  # where an English CSV of builds before 2026.12 lay
            try:  # the twin language's report may have written the same bytes already
                write_if_changed(csv, site.csv_bytes(site.shown_rows(data, *task.subject)))
                if own != csv:
                    own.unlink(missing_ok=True)
            except OSError as exc:
                raise cannot_write(csv, exc) from None
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
                               "seconds": outcome.seconds, "error": outcome.error,
                               "kind": task.kind, "title": task.title, "meta": task.meta, "options": options,
                               "figures": sorted(result.get("figures", {})) if result["ok"] else
                               manifest.get(task.slug, {}).get("figures", [])}
        log = state_dir / "logs" / f"{task.slug.replace('/', '__')}.log"
        write(log, json.dumps({**asdict(outcome), "parameters": task.parameters}, indent=2, default=str).encode())
        if time.monotonic() - saved["at"] >= MANIFEST_INTERVAL:
            save_manifest()
        bar.update(1)
        bar.set_postfix_str(f"done {counts['built']} · failed {counts['failed']} · skipped {counts['skipped']}")

    interrupted = False
    pool = None
    try:
        hashes = digests(tasks, data)
        for task in tasks:
            entry = manifest.get(task.slug, {})
            if not force and up_to_date(entry, hashes[task.slug], report_files(out, task)) \
                    and entry.get("options", {}) == options \
                    and all((out / name).is_file() for name in entry.get("figures", [])):
                outcomes.append(Outcome(task.slug, "skipped"))
                entry.update(kind=task.kind, title=task.title, meta=task.meta)
            else:
                todo.append((task, hashes[task.slug]))
        counts["skipped"] = len(outcomes)
        bar = _progress(len(tasks), len(outcomes), progress)
        if todo and scheduler:
            run_dask(todo, header, scratch, scheduler, timeout, finish)
        elif todo:
            pool = run_pool(todo, header, scratch, workers, timeout, finish)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    with interrupts.quiet():  # whatever is pressed now: the manifest, landing pages and summary get written
        try:
            save_manifest()
            ranking.write_rankings(out, data, tasks, _data_dir(tasks), state_dir)
            write_index(tasks, out, data, manifest, options["base_url"])
            write_methodology(out, data)
            assets.write_shared(out)
            publish.write_publishing_files(out, options["base_url"])
        except OSError as exc:
            raise cannot_write(out / "index.html", exc) from None
        finally:
            if pool is not None:  # its workers stopped their kernels and exited while the index was written
                pool.shutdown(wait=True)
    outcomes.sort(key=lambda o: o.slug)
    if interrupted or interrupts.stopped:
        raise Interrupted(outcomes, len(tasks) - len(outcomes))
    return outcomes


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
