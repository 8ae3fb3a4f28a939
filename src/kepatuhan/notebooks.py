"""Keeping the committed notebooks executed and normalised (`make notebooks`).

Normalised means: code cells numbered 1..n in order, no timing or papermill metadata, a fixed
kernelspec and language_info, no widget views or widget state (their model ids are random and the live
widget needs a kernel anyway: the output keeps its text/plain), so a re-run on the same data gives the
same bytes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .files import atomic_write_bytes

if TYPE_CHECKING:  # nbformat's import costs seconds (its schema validator): load it only to use it
    import nbformat

NOTEBOOKS = ("entity_report", "province_report", "national_overview", "explore", "compare_entities", "explorer")
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
_KEEP_CELL_METADATA = ("tags",)
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # {"model_id": <random hex>, ...}


def notebook_path(name: str) -> Path:
    return paths.NOTEBOOKS_DIR / f"{name}.ipynb"


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    count = 0
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in _KEEP_CELL_METADATA}
        cell.pop("id", None)
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        for output in cell.get("outputs", []):
            if "execution_count" in output:
                output["execution_count"] = count
            if "metadata" in output:
                output["metadata"] = {}
            output.get("data", {}).pop(_WIDGET_VIEW, None)
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    nb.nbformat, nb.nbformat_minor = 4, 4
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    import nbformat

    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def is_normalized(path: Path) -> bool:
    import nbformat

    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    return dumps(normalize(nb)) == text


def execute(nb: nbformat.NotebookNode, timeout: int = 600) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}})
    client.execute()
    return nb


def refresh(names: tuple[str, ...] = NOTEBOOKS) -> None:
    for name in names:
        path = notebook_path(name)
        print(f"executing {path.name}…", flush=True)
        import nbformat

        nb = nbformat.read(path, as_version=4)
        normalize(execute(nb))
        atomic_write_bytes(path, dumps(nb).encode("utf-8"))


def main(argv: list[str]) -> int:
    if argv[:1] != ["refresh"]:
        print("usage: python -m kepatuhan.notebooks refresh [NAME…]", file=sys.stderr)
        return 2
    refresh(tuple(argv[1:]) or NOTEBOOKS)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
