"""The notebook collection: thin, normalised, parameterised; the acceptance runs through papermill."""

import ast
import json

import nbformat
import papermill
import pytest

from kepatuhan import paths
from kepatuhan.notebooks import NOTEBOOKS, is_normalized, notebook_path
from kepatuhan.report import ReportError, check_parameters, table


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_thin_and_normalised(name):
    path = notebook_path(name)
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "parameters" in nb.cells[1].metadata.get("tags", [])
    for statement in ast.parse(nb.cells[1].source).body:
        assert isinstance(statement, ast.AnnAssign), "parameters must be typed: name: type = value"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert len(cell.source.splitlines()) <= 15
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Lambda))
        assert not any(o.get("output_type") == "error" for o in cell.outputs)
    assert is_normalized(path), "run `make notebooks`"
    if name in ("entity_report", "province_report", "national_overview"):  # built into one-language HTML
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                assert "notebook-only" in cell.metadata.get("tags", []), "markdown would reach the HTML report"


def _text(nb) -> str:
    return json.dumps([c.get("outputs", []) for c in nb.cells], ensure_ascii=False)


def test_entity_report_for_rejang_lebong_in_both_languages(tmp_path, shipped):
    """The numbers looked for are read from the validated rows, not from a past run of the notebook."""
    e, u = shipped.entities, shipped.units
    rows = e[(e["entity_code"] == "17.02")].set_index("year")
    own, zone, category = rows["score"], rows.loc[2024, "zone"], rows.loc[2024, "category"]
    colour = {"hijau": "green", "kuning": "yellow", "merah": "red"}[zone]
    peers = e[(e["year"] == 2024) & (e["province_code"] == "17") & e["entity_type"].isin(["kabupaten", "kota"])
              & e["score"].notna()]
    rank, n = int((peers["score"] > own[2024]).sum()) + 1, len(peers)  # the kab/kota of Bengkulu with a score
    units = u[(u["parent_code"] == "17.02") & (u["year"] == 2024)].sort_values("score")
    best = units.iloc[-1]
    numbers = [f"{own[2024]:.2f}", f"{own[2023]:.2f}", f"{best['score']:.2f}"]
    out = tmp_path / "out.ipynb"
    cases = (("id", (*(x.replace(".", ",") for x in numbers), f"zona {zone}", f"kategori {category}",
                     f"Peringkat {rank} dari {n}"), "(terlemah)"),
             ("en", (*numbers, f"{colour} zone (zona {zone})", f"category {category}", f"Rank {rank} of the {n}"),
              "(weakest)"))
    for lang, needles, weakest in cases:
        papermill.execute_notebook(str(notebook_path("entity_report")), str(out), cwd=str(paths.NOTEBOOKS_DIR),
                                   parameters={"entity": "Pemkab Rejang Lebong", "year": 2024, "lang": lang},
                                   progress_bar=False)
        text = _text(nbformat.read(out, as_version=4))
        for needle in (*needles, best["unit_name"]):
            assert needle in text, (lang, needle)
        assert text.count(weakest) == 1  # one weakest of the units
        assert ("Peringkat" in text) == (lang == "id")


def test_compare_entities_by_any_spelling_under_papermill(tmp_path):
    out = tmp_path / "compare.ipynb"
    names = ["Pemkab Rejang Lebong", "Kab. Kepahiang", "Kota Bengkulu"]
    papermill.execute_notebook(str(notebook_path("compare_entities")), str(out), cwd=str(paths.NOTEBOOKS_DIR),
                               parameters={"entities": names, "first_year": 2019, "last_year": 2024, "lang": "en"},
                               progress_bar=False)
    text = _text(nbformat.read(out, as_version=4))
    for needle in ("Kabupaten Rejang Lebong", "Kabupaten Kepahiang", "Kota Bengkulu", "93.07", "45.41",
                   "The assessment method changed in 2022 (new bands"):
        assert needle in text, needle
    assert "image/png" in text


def test_unknown_entity_stops_with_suggestions(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as caught:
        papermill.execute_notebook(str(notebook_path("entity_report")), str(tmp_path / "o.ipynb"),
                                   cwd=str(paths.NOTEBOOKS_DIR), parameters={"entity": "Kabupaten Atlantis"},
                                   progress_bar=False)
    assert caught.value.ename == "ReportError"
    assert "no entity named 'Kabupaten Atlantis'" in caught.value.evalue and "closest:" in caught.value.evalue


@pytest.mark.parametrize("year, lang, words", [("2024", "id", "whole number"), (2020, "id", "no assessment"),
                                               (2024, "fr", "lang must be")])
def test_parameters_are_checked(year, lang, words):
    with pytest.raises(ReportError, match=words):
        check_parameters(year, lang)


def test_strings_from_data_are_escaped():
    import pandas as pd

    shown = table(pd.DataFrame({"name": ["<script>alert(1)</script>"]})).data
    assert "<script>" not in shown and "&lt;script&gt;" in shown
