"""The `kepatuhan` command. Problems are printed one per line (`file:row: column: what`), exit 2."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from . import __version__, paths
from .cli_notebooks import add_notebooks_command, add_run_command
from .errors import DataError, KepatuhanError, Problem

EXIT_PROBLEMS = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return args.handler(args) or 0
    except KepatuhanError as exc:  # every error a user can cause, caught here once
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("kepatuhan: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback on request
        if os.environ.get("KEPATUHAN_DEBUG"):
            raise
        print(f"kepatuhan: internal error: {type(exc).__name__}: {exc} "
              "(set KEPATUHAN_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kepatuhan", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kepatuhan {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    validate = commands.add_parser("validate", help="check raw CSV files (default: data/raw)")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="raw CSV files or folders of them")
    validate.add_argument("--data", type=Path, help="data folder with reference/ (default: data)")
    validate.set_defaults(handler=cmd_validate)

    importer = commands.add_parser("import", help="turn a published list into a new raw file")
    importer.add_argument("file", type=Path, metavar="FILE", help="CSV (',' or ';'), XLSX or a text PDF")
    importer.add_argument("--out", type=Path, required=True, metavar="OUT.csv")
    importer.add_argument("--year", type=int, help="assessment year when FILE has no Tahun column")
    importer.add_argument("--province", help="province of every row when FILE has no Provinsi column")
    importer.add_argument("--source-url", help="source address when FILE has no source_url column")
    importer.add_argument("--skip-invalid", action="store_true",
                          help="write the valid rows and list the skipped ones")
    importer.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    importer.add_argument("--data", type=Path, help="data folder with reference/ (default: data)")
    importer.add_argument("--max-mb", type=float, default=16, metavar="MIB",
                          help="largest input file (and unpacked XLSX) in MiB (default: 16)")
    importer.add_argument("--max-rows", type=int, default=100_000, metavar="N", help="most rows (default: 100000)")
    importer.add_argument("--max-cell", type=int, default=131072, metavar="CHARS",
                          help="longest cell in characters (default: 131072)")
    importer.set_defaults(handler=cmd_import)

    entities = commands.add_parser("entities", help="list the entities with data, codes and years")
    entities.add_argument("--province", help="a province name, abbreviation or code")
    entities.add_argument("--type", choices=("kementerian", "lembaga", "provinsi", "kabupaten", "kota"))
    entities.add_argument("--data", type=Path, help="data folder (default: data)")
    entities.set_defaults(handler=cmd_entities)

    coverage = commands.add_parser("coverage", help="entities with data against the number assessed, and "
                                   "the kab/kota with no row for a year")
    coverage.add_argument("--year", type=int, help="one assessment year (also lists the kab/kota without a row)")
    coverage.add_argument("--province", help="a province name, abbreviation or code")
    coverage.add_argument("--data", type=Path, help="data folder (default: data)")
    coverage.set_defaults(handler=cmd_coverage)

    build = commands.add_parser("build", help="build every HTML report and reports/index.html")
    build.add_argument("--only", choices=("entity", "province", "national"))
    build.add_argument("--year", type=int)
    build.add_argument("--province", help="a province name, abbreviation or code")
    build.add_argument("--entity", help="an entity code or name")
    build.add_argument("--lang", choices=("id", "en", "all"), default="all",
                       help="report language: id (reports/), en (reports/en/) or all (default)")
    build.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    build.add_argument("--force", action="store_true", help="rebuild even the unchanged reports")
    build.add_argument("--data", type=Path, help="data folder (default: data)")
    build.add_argument("--out", type=Path, default=None, help="reports folder (default: reports)")
    build.add_argument("--scheduler", metavar="ADDRESS", help="run on a dask.distributed cluster (tcp://HOST:PORT)")
    build.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                       help="a cell running longer fails its report (default: 600)")
    build.add_argument("--embed", action="store_true",
                       help="self-contained pages (stylesheet and figures inline), e.g. one report for e-mail")
    build.add_argument("--base-url", default="", metavar="URL",
                       help="address the folder is published at (https://…/): canonical links, sitemap.xml, share tags")
    build.add_argument("--gzip", action="store_true",
                       help="also a deterministic .gz of each HTML, CSS, CSV, JSON, SVG file, for hosts serving them")
    build.set_defaults(handler=cmd_build)

    process = commands.add_parser("process", help="validate raw/ and (re)build data/processed/")
    process.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    process.add_argument("--data", type=Path, help="data folder (default: data)")
    process.set_defaults(handler=cmd_process)

    geometry = commands.add_parser("geometry", help="convert the boundary SQL into data/reference/boundaries/")
    geometry.add_argument("--source", type=Path, required=True, metavar="DIR",
                          help="a checkout of github.com/cahyadsn/wilayah_boundaries (its LICENSE, kab/ and prov/)")
    geometry.add_argument("--data", type=Path, help="data folder (default: data)")
    geometry.set_defaults(handler=cmd_geometry)
    add_notebooks_command(commands)
    add_run_command(commands)
    return parser


def _expand(paths_given: list[Path], data_dir: Path | None = None) -> list[Path]:
    """Folders become the .csv files in them; a missing path is reported when it is read."""
    files: list[Path] = []
    problems = []
    for path in paths_given:
        if path.is_dir():
            found = sorted(path.glob("*.csv"))
            if not found:
                problems.append(Problem(str(path), None, "", "folder holds no .csv files"))
            files += found
        else:
            files.append(path)
    if problems:
        from .dataset import errors_only, read_regions, validate_files

        problems += errors_only(validate_files(files, read_regions(data_dir)[0])[1])
        raise DataError(problems)
    return files


def cmd_validate(args) -> int:
    from .dataset import build, raw_files

    files = _expand(args.paths, args.data) if args.paths else raw_files(args.data)
    dataset = build(args.data, files=files)
    entities, units = dataset.entities, dataset.units
    years = sorted(set(entities["year"]) | set(units["year"]) | set(dataset.aggregates["year"]))
    print(f"OK: {len(files)} file(s) valid.")
    print(f"  entity scores: {len(dataset.entity_sources)} rows → {len(entities)} entity-years, "
          f"{entities['entity_code'].nunique()} entities")
    print(f"  unit scores:   {len(dataset.unit_sources)} rows → {len(units)} unit-years, "
          f"{units['unit_code'].nunique()} units")
    print(f"  aggregates:    {len(dataset.aggregates)} measures")
    if years:
        print(f"  years:         {', '.join(map(str, years))}")
    conflicts = dataset.conflicts
    unresolved = int((~conflicts["resolved"].astype(bool)).sum()) if len(conflicts) else 0
    print(f"  conflicts:     {len(conflicts)} ({len(conflicts) - unresolved} resolved by rule, "
          f"{unresolved} unresolved: lowest value kept)")
    for row in conflicts.itertuples(index=False):
        print(f"    {row.year} {row.name} ({row.code}): {row.values} → {row.chosen} [{row.rule}]")
    label_only = int(entities["score"].isna().sum())
    print(f"  label only:    {label_only} entity-years with a published label and no score")
    print(f"  warnings:      {len(dataset.warnings)} (published labels kept against inferred bands)")
    for warning in sorted(dataset.warnings, key=lambda p: (p.file, p.row or 0, p.column)):
        print(f"    warning: {warning}")
    return 0


def cmd_import(args) -> int:
    from . import count_import
    from .dataset import name_index, read_regions
    from .guards import MIB, Limits, output_problems, screen_imported
    from .importer import import_rows, read_published, write_rows
    from .unit_import import UNIT_OUTPUT_COLUMNS

    out = args.out
    unsafe = output_problems(out, [args.file], {paths.raw_dir(args.data), paths.raw_dir()})
    if unsafe:
        raise DataError(unsafe)
    if out.exists() and not args.force:
        raise DataError([Problem(paths.display_path(out), None, "", "already exists; use --force to overwrite")])
    if min(args.max_mb, args.max_rows, args.max_cell) <= 0:
        raise DataError([Problem("--max-mb/--max-rows/--max-cell", None, "", "caps must be positive")])
    limits = Limits(int(args.max_mb * MIB), args.max_rows, args.max_cell)
    regions, aliases = read_regions(args.data)
    names = name_index(regions, aliases)
    header, table = read_published(args.file, limits)
    if count_import.is_count_list(header):
        return _import_counts(args, header, table, names)
    result = import_rows(args.file, names, year=args.year,
                         province=args.province, source_url=args.source_url, limits=limits)
    result.rows, refused = screen_imported(result.rows, paths.display_path(args.file))
    result.problems += refused
    units_out = out.with_name(f"{out.stem}_units.csv")
    if result.units:
        unsafe = output_problems(units_out, [args.file], {paths.raw_dir(args.data), paths.raw_dir()})
        if units_out.exists() and not args.force:
            unsafe.append(Problem(paths.display_path(units_out), None, "", "already exists; use --force to overwrite"))
        if unsafe:
            raise DataError(unsafe)
    if result.problems and not args.skip_invalid:
        raise DataError(result.problems)
    if not result.rows and not result.units:
        raise DataError([*result.problems, Problem(paths.display_path(args.file), None, "", "no valid rows to write")])
    if result.rows:
        write_rows(result.rows, out)
    if result.units:
        write_rows(result.units, units_out, UNIT_OUTPUT_COLUMNS)
        print(f"Wrote {len(result.units)} service unit row(s) named in the list to {paths.display_path(units_out)} "
              "(unit file); review it too.")
    for line in result.matched_fuzzy:
        print(f"  fuzzy match, please review: {line}", file=sys.stderr)
    for warning in sorted(result.warnings):
        print(f"  warning (row kept): {warning}", file=sys.stderr)
    if result.problems:
        print(f"Skipped {len({p.row for p in result.problems})} invalid row(s):", file=sys.stderr)
        for problem in sorted(result.problems):
            print(f"  {problem}", file=sys.stderr)
    print(f"Wrote {len(result.rows)} row(s) to {paths.display_path(out)}; review it before moving it into data/raw/.")
    return 0


def _import_counts(args, header, table, names) -> int:
    """A list of published counts (measure and count columns) → a new aggregate raw file."""
    from .count_import import OUTPUT_COLUMNS, import_counts
    from .importer import write_rows

    rows, problems = import_counts(header, table, args.file, names, source_url=args.source_url)
    if problems and not args.skip_invalid:
        raise DataError(problems)
    if not rows:
        raise DataError([*problems, Problem(paths.display_path(args.file), None, "", "no valid rows to write")])
    write_rows(rows, args.out, OUTPUT_COLUMNS)
    if problems:
        print(f"Skipped {len({p.row for p in problems})} invalid row(s):", file=sys.stderr)
        for problem in sorted(problems):
            print(f"  {problem}", file=sys.stderr)
    print(f"Wrote {len(rows)} published count(s) to {paths.display_path(args.out)}; review it before moving it "
          "into data/raw/.")
    return 0


def cmd_entities(args) -> int:
    from .dataset import load

    dataset = load(args.data)
    table = dataset.entities
    if args.province:
        code = dataset.names.province_code(args.province)
        table = table[table["province_code"] == code]
    if args.type:
        table = table[table["entity_type"] == args.type]
    if table.empty:
        print("No entities with data match.")
        return 0
    grouped = table.sort_values("year").groupby("entity_code", sort=False)
    rows = []
    for code, group in grouped:
        last = group.iloc[-1]
        province = last["province_code"] if isinstance(last["province_code"], str) else ""  # K/L: none
        rows.append((province, code, last["entity_name"], last["entity_type"],
                     ", ".join(str(y) for y in group["year"]),
                     f"{last['score']:.2f} ({last['year']})" if last["score"] == last["score"]
                     else f"zona {last['zone']}, no score ({last['year']})"))
    rows.sort(key=lambda r: (r[0], r[1]))
    widths = [max(len(str(r[i])) for r in rows) for i in range(1, 6)]
    head = ("code", "name", "type", "years", "latest")
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row[1:], widths, strict=True)))
    print(f"{len(rows)} entities with data.")
    return 0


def cmd_coverage(args) -> int:
    from . import coverage
    from .dataset import load

    data = load(args.data)
    years = sorted(int(y) for y in set(data.entities["year"]))
    if args.year is not None and args.year not in years:
        raise DataError([Problem("--year", None, "", f"no data for {args.year} (years with data: "
                                 f"{', '.join(map(str, years))})")])
    table = coverage.by_type(data, args.year, args.province)
    print("Entity-years with data against the number published as assessed (or sampled, 2025):")
    print(coverage.text_table(table))
    if args.year is None:
        print("Give --year for the list of kab/kota without a row in that year.")
        return 0
    gaps = coverage.missing(data, args.year, args.province)
    print(f"\n{len(gaps)} kab/kota without any row for {args.year}"
          + (f" in {args.province}" if args.province else "") + ":")
    if len(gaps):
        print(coverage.text_table(gaps))
    return 0


def cmd_build(args) -> int:
    import time

    started = time.perf_counter()
    from . import build
    from .dataset import load, process

    _check_build_options(args)
    rebuilt, folder = process(args.data)  # validates raw/ whenever its checksum changed
    if rebuilt:
        print(f"{paths.display_path(folder)}: raw data validated, processed tables rebuilt")
    data = load(args.data)
    data_dir = str(paths.data_root(args.data)) if args.data else ""
    langs = ("id", "en") if args.lang == "all" else (args.lang,)
    tasks = build.plan(data, args.only, args.year, args.province, args.entity, data_dir=data_dir, langs=langs)
    if not tasks:
        raise DataError([Problem("build", None, "", _why_nothing(args, data))])
    from .run import check_plan

    check_plan(tasks)  # a misspelt parameter would render the notebook's default subject
    out = args.out or paths.REPORTS_DIR
    try:
        outcomes = build.run(tasks, out, data, workers=args.jobs, force=args.force, scheduler=args.scheduler,
                             progress=sys.stderr.isatty(), timeout=args.timeout,
                             embed=args.embed, base_url=args.base_url, gzip=args.gzip)
    except build.Interrupted as stop:
        counts = {s: sum(o.status == s for o in stop.outcomes) for s in ("built", "skipped", "failed")}
        print(f"kepatuhan: interrupted: {counts['built']} built, {counts['skipped']} skipped (unchanged), "
              f"{counts['failed']} failed, {stop.not_built} not built; finished reports and the manifest are "
              f"kept, the next build does the rest → {paths.display_path(out / 'index.html')}", file=sys.stderr)
        return 130
    counts = {s: sum(o.status == s for o in outcomes) for s in ("built", "skipped", "failed")}
    print(f"{counts['built']} built, {counts['skipped']} skipped (unchanged), {counts['failed']} failed "
          f"in {time.perf_counter() - started:.1f} s → {paths.display_path(out / 'index.html')}")
    for outcome in outcomes:
        if outcome.status == "failed":
            where = f"cell {outcome.cell}" if outcome.cell is not None else "before any cell"
            saved = f" (failed notebook: {outcome.failed_notebook})" if outcome.failed_notebook else ""
            print(f"  FAILED {outcome.slug}: {where}: {outcome.error}{saved}", file=sys.stderr)
    return 1 if counts["failed"] else 0


def _check_build_options(args) -> None:
    problems = []
    if args.jobs is not None and args.jobs < 1:
        problems.append(Problem("-j", None, "", "needs at least one worker"))
    if args.timeout < 1:
        problems.append(Problem("--timeout", None, "", "needs at least one second"))
    for option in ("entity", "province"):
        value = getattr(args, option)
        if value is not None and not value.strip():
            problems.append(Problem(f"--{option}", None, "", "is empty; give a code or a name (or leave it out)"))
    if args.base_url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", args.base_url):
        problems.append(Problem("--base-url", None, "", f"{args.base_url!r} is not an http(s) address such as "
                                                         "https://example.org/kepatuhan/"))
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        problems.append(Problem(str(args.out), None, "", "--out is a file, not a folder"))
    if problems:
        raise DataError(problems)


def _why_nothing(args, data) -> str:
    """Say why the filters left no report, instead of a silent success."""
    filters = " ".join(f"--{name} {getattr(args, name)}" for name in ("only", "year", "province", "entity")
                       if getattr(args, name) is not None)
    years = sorted(int(y) for y in set(data.entities["year"]))
    if args.year is not None and args.year not in years:
        return (f"no report for --year {args.year}: no scores for that year "
                f"(years with data: {', '.join(map(str, years))})")
    if args.only == "national" and (args.province or args.entity):
        return "the national overview covers every region; use --only national without --province or --entity"
    return f"no report matches {filters}"


def cmd_process(args) -> int:
    from .dataset import process

    rebuilt, folder = process(args.data, force=args.force)
    state = "rebuilt" if rebuilt else "up to date"
    print(f"{paths.display_path(folder)}: {state}")
    return 0


def cmd_geometry(args) -> int:
    from .geometry import convert

    try:
        written = convert(args.source, args.data)
    except ModuleNotFoundError as exc:
        raise DataError([Problem("geometry", None, "", f"needs {exc.name}: pip install -e '.[geo]'")]) from None
    for level, path in written.items():
        print(f"{paths.display_path(path)}: {level}, {path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
