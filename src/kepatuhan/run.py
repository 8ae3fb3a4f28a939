"""`kepatuhan run`: papermill, with the notebook's declared parameters checked before any kernel starts.

Raw papermill accepts a misspelt name ("Passed unknown parameter"), renders the default entity and
exits 0. Here the names and types come from papermill's own ``inspect_notebook``; a name that is not
declared, a value of the wrong type, or a selection with no rows (an entity that matches nothing, a
year without data, a year range with no rows) is one line and exit 2, and no output notebook is
written. The build checks its plan with :func:`check_plan`, the same rules.
"""

from __future__ import annotations

import ast
import difflib
from pathlib import Path

from . import paths
from .errors import KepatuhanError, NameNotFound, UsageError

#: papermill's inferred type names → the Python types a value may have.
TYPES: dict[str, tuple[type, ...]] = {"int": (int,), "float": (float, int), "str": (str,), "bool": (bool,),
                                      "list": (list,), "dict": (dict,)}


def declared_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters the notebook's `parameters` cell declares, as papermill infers them.

    Parameters
    ----------
    notebook : Path
        The notebook file.

    Returns
    -------
    dict
        name → {"name", "inferred_type_name", "default", "help"} (papermill's ``inspect_notebook``).
    """
    import papermill

    if not notebook.is_file():
        raise UsageError(f"{paths.display_path(notebook)}: no such notebook")
    try:
        return papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # nbformat's and json's errors: not a notebook
        raise UsageError(f"{paths.display_path(notebook)}: not a readable notebook ({exc})") from None


def type_name(declared: dict) -> str:
    """`list[str]` and `List[str]` check as `list`; an unknown or missing annotation as ''."""
    return declared["inferred_type_name"].split("[")[0].strip().lower()


def check_names(where: str, given: dict, declared: dict[str, dict]) -> None:
    """Every name given must be declared; a misspelt one is told its closest declared name."""
    unknown = [name for name in given if name not in declared]
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.6)
        hints.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
    listed = ", ".join(declared) or "none"
    noun = "parameter" if len(unknown) == 1 else "parameters"
    raise UsageError(f"{where}: unknown {noun} {', '.join(hints)}; the notebook declares: {listed}")


def check_types(where: str, given: dict, declared: dict[str, dict]) -> None:
    """Every value must have the type the notebook declares (papermill's inferred type)."""
    for name, value in given.items():
        wanted = type_name(declared[name])
        allowed = TYPES.get(wanted)
        if allowed is None:
            continue
        if isinstance(value, bool) and wanted != "bool" or not isinstance(value, allowed):
            raise UsageError(f"{where}: {name}: must be {wanted} (declared `{name}: {wanted} = "
                             f"{declared[name]['default']}`), got {type(value).__name__} {value!r}")


def parse_value(name: str, text: str, declared: dict[str, dict]):
    """A `-p NAME VALUE` text as the declared type: `-p entity 17.02` stays the text "17.02"."""
    import yaml

    wanted = type_name(declared[name]) if name in declared else ""
    if wanted == "str":
        return text
    if wanted in ("list", "dict", "bool"):
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return text
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return {"True": True, "False": False, "None": None}.get(text, text)


def defaults(declared: dict[str, dict]) -> dict:
    """The declared defaults that are plain literals (the others cannot be known without running)."""
    values = {}
    for name, spec in declared.items():
        try:
            values[name] = ast.literal_eval(spec["default"])
        except (ValueError, SyntaxError):
            continue
    return values


def _years(rows) -> str:
    return ", ".join(str(y) for y in sorted({int(y) for y in rows["year"]})) or "none"


def check_selection(where: str, parameters: dict) -> None:
    """The rows the parameters select must exist: names resolve (kepatuhan.names), years have data.

    Parameters
    ----------
    where : str
        The notebook, as messages name it.
    parameters : dict
        The notebook's parameters, the declared defaults filled in; only the known names are checked
        (entity, entities, province, entity_type, year, first_year, last_year, data_dir).
    """
    from . import dataset

    if not {"entity", "entities", "province", "year", "first_year", "last_year"} & set(parameters):
        return
    data = dataset.load(parameters.get("data_dir") or None)
    rows = data.entities

    def resolve(name: str, text: str, **kind) -> str:
        try:
            return data.names.match(text, **kind).entity.code
        except NameNotFound as exc:
            raise NameNotFound(f"{where}: {name}: {exc}", exc.suggestions) from None

    year = parameters.get("year")
    if isinstance(parameters.get("entity"), str):
        code = resolve("entity", parameters["entity"])
        rows = rows[rows["entity_code"] == code]
        label = data.names.entities[code].label()
        if rows.empty:
            raise UsageError(f"{where}: entity: {label} has no published result in the data")
        if year is not None and year not in set(rows["year"]):
            raise UsageError(f"{where}: year: {label} has no published result for {year}; "
                             f"years with data: {_years(rows)}")
        return
    if isinstance(parameters.get("province"), str):
        code = resolve("province", parameters["province"], entity_type="provinsi")
        rows = rows[rows["province_code"] == code]
        label = data.names.entities[code].label()
    else:
        label = ""
    if isinstance(parameters.get("entity_type"), str) and parameters["entity_type"]:
        rows = rows[rows["entity_type"] == parameters["entity_type"]]
        label = f"{label} {parameters['entity_type']}".strip()
    if isinstance(parameters.get("entities"), list):
        codes = [resolve("entities", text) for text in parameters["entities"] if isinstance(text, str)]
        rows = rows[rows["entity_code"].isin(codes)]
        label = "the entities given"
    if year is not None and year not in set(rows["year"]):
        whose = f" for {label}" if label else ""
        raise UsageError(f"{where}: year: no published result for {year}{whose}; years with data: {_years(rows)}")
    first, last = parameters.get("first_year"), parameters.get("last_year")
    if first is not None and last is not None:
        if first > last:
            raise UsageError(f"{where}: first_year {first} is after last_year {last}")
        if not rows["year"].between(first, last).any():
            whose = f" for {label}" if label else ""
            raise UsageError(f"{where}: no published result from {first} to {last}{whose}; "
                             f"years with data: {_years(rows)}")


def checked_parameters(notebook: Path, given: dict) -> dict:
    """Names, types and selection of `given` checked against the notebook; returns `given` unchanged."""
    where = paths.display_path(notebook)
    declared = declared_parameters(notebook)
    check_names(where, given, declared)
    check_types(where, given, declared)
    check_selection(where, {**defaults(declared), **given})
    return given


def check_plan(tasks) -> None:
    """Each planned report's parameters are declared by its notebook and of the declared type.

    Parameters
    ----------
    tasks : list of build.Task
        The build plan; its workers inject ``task.parameters`` with papermill, which would accept a
        misspelt key and render the notebook's default subject.
    """
    from .notebooks import notebook_path

    declared = {name: declared_parameters(notebook_path(name)) for name in {t.notebook for t in tasks}}
    for task in tasks:
        where = f"{paths.display_path(notebook_path(task.notebook))} (report {task.slug})"
        check_names(where, task.parameters, declared[task.notebook])
        check_types(where, task.parameters, declared[task.notebook])


class ExecutionFailed(KepatuhanError):
    """A cell of the notebook raised; nothing was written. A kepatuhan error in a cell exits 2, others 1."""

    def __init__(self, message: str, exit_status: int):
        super().__init__(message)
        self.exit_status = exit_status


def run(notebook: Path, out: Path, given: dict, progress: bool = False) -> None:
    """Check `given`, execute the notebook with papermill in memory, then write `out` atomically.

    Parameters
    ----------
    notebook, out : Path
        The notebook to run and the executed copy to write (never the notebook itself).
    given : dict
        Parameter values; checked by :func:`checked_parameters` first.
    progress : bool
        Show papermill's progress bar.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from . import errors
    from .files import atomic_write_bytes

    if out.resolve() == notebook.resolve():
        raise UsageError(f"{paths.display_path(out)}: the output would overwrite the notebook; name another file")
    checked_parameters(notebook, given)
    try:
        nb = papermill.execute_notebook(str(notebook), None, parameters=given, progress_bar=progress)
    except PapermillExecutionError as exc:
        ours = isinstance(getattr(errors, exc.ename, None), type) and issubclass(getattr(errors, exc.ename),
                                                                                KepatuhanError)
        raise ExecutionFailed(f"{paths.display_path(notebook)}: cell {exc.exec_count}: {exc.ename}: "
                              f"{exc.evalue}; nothing written", 2 if ours else 1) from None
    atomic_write_bytes(out, nbformat.writes(nb).encode("utf-8"))
