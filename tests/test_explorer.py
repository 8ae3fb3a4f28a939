"""The explorer's tables follow the choice; its live box builds without a frontend."""

from kepatuhan import explorer


def test_ranks_follow_the_province(shipped):
    years = explorer.options()["year"]
    for province, code in (("Bengkulu", "17"), ("Jambi", "15")):
        choice = explorer.with_previous(explorer.Choice(province=province, year=2024), years)
        ranks = explorer.tables(choice)["ranks"]
        rows = shipped.entities[(shipped.entities["province_code"] == code) & (shipped.entities["year"] == 2024)
                                & shipped.entities["entity_type"].isin(("kabupaten", "kota"))
                                & shipped.entities["score"].notna()]
        assert sorted(ranks.loc[ranks["score"].notna(), "entity_code"]) == sorted(rows["entity_code"])
        assert choice.previous_year == max(y for y in years if y < 2024)


def test_live_box_redraws_on_a_new_province():
    box = explorer.explorer()
    province = box.children[0].children[0]
    before = box.children[2].children[2].value  # the ranks table's HTML
    province.value = "Jambi"
    after = box.children[2].children[2].value
    assert before != after and "Jambi" not in before
    assert "No table" not in after
    heading = box.children[2].children[0].value
    assert "Jambi" in heading and "*" not in heading  # markdown's bold markers do not leak into the widget
    assert "&lt;NA&gt;" not in after  # a missing published size is an empty cell


def test_normalising_drops_the_random_widget_model_id():
    import nbformat

    from kepatuhan import notebooks

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("explorer.explorer(choice)", outputs=[
        nbformat.v4.new_output("execute_result", execution_count=7, data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "5d14423fd34c40fdb37d5489c0d6cea5",
                                                         "version_major": 2, "version_minor": 0},
            "text/plain": "Explorer (live in JupyterLab)"})])],
        metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}}})
    text = notebooks.dumps(notebooks.normalize(nb))
    assert "5d14423f" not in text and "widget-state" not in text
    assert "Explorer (live in JupyterLab)" in text  # the text a reader without a kernel sees stays


def test_the_committed_explorer_carries_no_widget_model():
    from kepatuhan import paths

    assert "model_id" not in (paths.NOTEBOOKS_DIR / "explorer.ipynb").read_text(encoding="utf-8")
