"""The notebook commands of `kepatuhan`: `notebooks COPY_TO` (copy them out) and `run` (papermill, checked)."""

from __future__ import annotations

import sys
from pathlib import Path

from . import paths
from .errors import DataError, Problem


def add_notebooks_command(commands) -> None:
    notebooks = commands.add_parser("notebooks", help="copy the notebooks into a folder for JupyterLab")
    notebooks.add_argument("folder", type=Path, metavar="COPY_TO", help="folder to copy them into (created)")
    notebooks.add_argument("--force", action="store_true", help="overwrite notebooks already there")
    notebooks.set_defaults(handler=cmd_notebooks)


def cmd_notebooks(args) -> int:
    """Copy every shipped notebook (with its outputs) into COPY_TO; never overwrite without --force."""
    from .files import atomic_write_bytes

    shipped = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb"))
    target = args.folder.expanduser()
    if target.exists() and not target.is_dir():
        raise DataError([Problem(paths.display_path(target), None, "", "is a file, expected a folder")])
    there = [target / p.name for p in shipped if (target / p.name).exists()]
    if there and not args.force:
        raise DataError([Problem(paths.display_path(p), None, "", "already exists; use --force to overwrite")
                         for p in there])
    for path in shipped:
        atomic_write_bytes(target / path.name, path.read_bytes())
    print(f"Copied {len(shipped)} notebooks to {paths.display_path(target)}: "
          + ", ".join(p.name for p in shipped))
    return 0


def add_run_command(commands) -> None:
    run = commands.add_parser("run", help="run a notebook with papermill, its parameters checked first",
                              description="Like `papermill NOTEBOOK OUT -p NAME VALUE`, but a parameter the "
                              "notebook does not declare, a value of the wrong type or a selection without "
                              "data is one line and exit 2, and OUT is written only when every cell ran.")
    run.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    run.add_argument("out", type=Path, metavar="OUT", help="the executed notebook to write")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="a parameter; VALUE is read as the type the notebook declares")
    run.add_argument("-y", "--parameters-yaml", metavar="YAML", help="parameters as a YAML (or JSON) mapping")
    run.add_argument("-f", "--parameters-file", type=Path, metavar="FILE", help="parameters from a YAML file")
    run.set_defaults(handler=cmd_run)


def cmd_run(args) -> int:
    import yaml

    from .errors import UsageError
    from .run import declared_parameters, parse_value, run

    given: dict = {}
    for option, text in (("-f", args.parameters_file), ("-y", args.parameters_yaml)):
        if text is None:
            continue
        try:
            values = yaml.safe_load(text.read_text(encoding="utf-8") if option == "-f" else text)
        except (OSError, yaml.YAMLError) as exc:
            raise UsageError(f"{option}: not readable as YAML: {' '.join(str(exc).split())}") from None
        if not isinstance(values, dict):
            raise UsageError(f"{option}: must be a mapping of parameter names to values, got {values!r}")
        given.update(values)
    declared = declared_parameters(args.notebook) if args.parameter else {}
    where = paths.display_path(args.notebook)
    given.update({name: parse_value(name, text, declared) for name, text in args.parameter})
    run(args.notebook, args.out, given, progress=sys.stderr.isatty())
    print(f"{paths.display_path(args.out)}: executed {where} with {len(given)} parameter(s)")
    return 0
