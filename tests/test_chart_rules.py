"""The rules the charts follow (issue 16): the calendar on x, no line across a change of method, a label-only
year as a marker without a score, one colour per entity, dot plots on the data's range coloured by category,
and charts as byte-stable PNG and SVG files that a page offers for download.

Expected values come from the shipped raw data (which years an entity has a score or only a label) and
from the rules as the design states them (breaks between 2021 and 2022 and between 2024 and 2025; 2020
without an assessment; categories A–E in 2022–2024), never from the chart under test.
"""

import pytest
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D

from kepatuhan import assets, compare, grading, plots, sharing, trend
from kepatuhan.messages import Formatter
from kepatuhan.report import markup

#: The changes of grading scheme, as the design states them: (last year of the old, first of the new).
BREAKS = ((2021, 2022), (2024, 2025))


def _raw_years(shipped, code):
    rows = shipped.entities[shipped.entities["entity_code"] == code]
    return (sorted(int(y) for y in rows.loc[rows["score"].notna(), "year"]),
            rows[rows["score"].isna()][["year", "zone", "category", "opinion"]])


def _score_lines(ax):
    """The lines that carry scores (solid, in data coordinates, with a circle marker)."""
    return [line for line in ax.get_lines() if line.get_marker() == "o" and line.get_transform() == ax.transData]


def _trend(shipped, code, lang="en"):
    scored, labels = _raw_years(shipped, code)
    series = trend.entity_series(shipped.entities, code)
    return plots.trend_figure(series, "t", Formatter(lang), labels=labels, code=code), scored, labels


def test_points_sit_at_their_real_years(shipped):
    fig, scored, _ = _trend(shipped, "17.02")
    assert scored == [2019, 2023, 2024]  # the raw data: nothing in 2021, only a label in 2022
    xs = sorted(x for line in _score_lines(fig.axes[0]) for x in line.get_xdata())
    assert xs == scored
    left, right = fig.axes[0].get_xlim()
    assert left < 2019 and right > 2024 and right - left > 5  # 2019 → 2023 is four years wide, not one


@pytest.mark.parametrize("code", ["17.02", "17.03", "17.71"])
def test_no_line_crosses_a_change_of_method(shipped, code):
    fig, scored, _ = _trend(shipped, code)
    ax = fig.axes[0]
    for line in _score_lines(ax):
        xs = list(line.get_xdata())
        for old, new in BREAKS:
            assert not (min(xs) <= old and max(xs) >= new), (code, xs)
    dashed = sorted(line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--")
    shown = [(old + new) / 2 for old, new in BREAKS if min(scored) <= old and new <= max(scored)]
    assert dashed == shown


def test_a_comparison_never_bridges_a_change_of_method(shipped):
    codes = ["17.02", "17.03", "17.71"]
    rows = shipped.entities[shipped.entities["entity_code"].isin(codes)]
    scheme_years = {old for old, _ in BREAKS} & set(rows.loc[rows["score"].notna(), "year"])
    assert scheme_years  # the test needs an entity scored on both sides of a break
    fig = plots.series_figure(rows, "t", Formatter("id"))
    for line in _score_lines(fig.axes[0]):
        xs = list(line.get_xdata())
        assert all(not (min(xs) <= old and max(xs) >= new) for old, new in BREAKS), xs


def test_a_label_only_year_is_a_marker_on_the_axis_without_a_score(shipped):
    fig, scored, labels = _trend(shipped, "17.02", "id")
    assert list(labels["year"]) == [2022] and labels["zone"].iloc[0] == "hijau"
    ax = fig.axes[0]
    markers = [line for line in ax.get_lines() if line.get_marker() == "D"]
    assert [list(m.get_xdata()) for m in markers] == [[2022]]
    assert list(markers[0].get_ydata()) == [0.0] and markers[0].get_transform() != ax.transData  # on the axis
    assert to_hex(markers[0].get_markerfacecolor()) == plots.ZONE_COLORS["hijau"]
    assert all(2022 not in line.get_xdata() for line in _score_lines(ax))  # no score invented for it
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert Formatter("id")("chart.label_only") in legend
    assert any(t.get_text() == Formatter("id")("zone.hijau.short") for t in ax.texts)


def test_the_same_entity_has_the_same_colour_in_every_chart(shipped):
    code = "17.02"
    own = plots.entity_color(code)
    fig, _, _ = _trend(shipped, code)
    assert {to_hex(line.get_color()) for line in _score_lines(fig.axes[0])} == {own}
    ranking = plots.ranking_figure(compare.province_peers(shipped.entities, 2024, "17"), code, "t", Formatter("id"))
    rings = [c for c in ranking.axes[0].collections if len(c.get_offsets()) == 1]
    assert [to_hex(c.get_edgecolor()[0]) for c in rings] == [own]
    # in a comparison with an entity of another colour, it keeps its own
    other = next(c for c in shipped.entities["entity_code"].unique() if plots.entity_color(c) != own)
    rows = shipped.entities[shipped.entities["entity_code"].isin([code, other])]
    series = plots.series_figure(rows, "t", Formatter("id"))
    name = rows.loc[rows["entity_code"] == code, "entity_name"].iloc[0]
    mine = [line for line in _score_lines(series.axes[0]) if line.get_label() == name]
    assert mine and to_hex(mine[0].get_color()) == own


def test_entity_colours_are_distinct_within_a_chart_and_not_grade_colours():
    codes = [f"{p}.{k:02d}" for p in (11, 12, 17) for k in range(1, 4)]
    chosen = plots.entity_colors(codes[:len(plots.ENTITY_PALETTE)])
    assert len(set(chosen.values())) == len(chosen)
    grades = {c.lower() for c in [*plots.ZONE_COLORS.values(), *plots.CATEGORY_COLORS.values()]}
    assert not grades & {c.lower() for c in plots.ENTITY_PALETTE}


def test_a_dot_plot_spans_the_data_not_0_to_100_and_marks_band_edges(shipped):
    peers = compare.province_peers(shipped.entities, 2024, "17")
    low, high = float(peers["score"].min()), float(peers["score"].max())
    assert 80 < low and high < 100  # Bengkulu 2024: all kab/kota between 88 and 97
    ax = plots.ranking_figure(peers, None, "t", Formatter("id")).axes[0]
    left, right = ax.get_xlim()
    assert left <= low and right >= high and right - left <= (high - low) + 10
    edges = [line.get_xdata()[0] for line in ax.get_lines()]
    expected = [b.lower for b in grading.bands_for(2024).bands if left < b.lower < right]
    assert sorted(edges) == sorted(expected) and 88.0 in edges  # the A/B edge the table's grades follow


@pytest.mark.parametrize("year, column, colors", [(2024, "category", plots.CATEGORY_COLORS),
                                                   (2021, "zone", plots.ZONE_COLORS)])
def test_dots_are_coloured_by_category_where_the_year_has_categories(shipped, year, column, colors):
    peers = compare.type_peers(shipped.entities, year, "kota")
    assert peers[column].notna().all()
    if column == "category":
        assert peers["category"].nunique() > 1  # A and B both present: the split must show
    ax = plots.ranking_figure(peers, None, "t", Formatter("en")).axes[0]
    dots = ax.collections[0]
    drawn = [to_hex(c) for c in dots.get_facecolors()]
    expected = [colors[v] for v in peers[column].iloc[::-1]]
    assert drawn == [e.lower() for e in expected]


def _figures(shipped):
    series = trend.entity_series(shipped.entities, "17.02")
    yield plots.trend_figure(series, "t", Formatter("id"), code="17.02")
    yield plots.ranking_figure(compare.province_peers(shipped.entities, 2024, "17"), "17.02", "t", Formatter("id"))


def test_a_chart_gives_the_same_png_and_svg_bytes_every_time(shipped):
    first = [markup.chart(fig, "alt") for fig in _figures(shipped)]
    second = [markup.chart(fig, "alt") for fig in _figures(shipped)]
    for a, b in zip(first, second, strict=True):
        assert a.data == b.data and a.svg == b.svg
        assert a.svg.startswith(b"<?xml") and b"<dc:date>" not in a.svg


def test_a_chart_svg_keeps_every_word_and_every_coordinate_to_a_hundredth_of_a_point(shipped):
    import io
    import re
    import xml.etree.ElementTree as ET

    import matplotlib

    def words(svg: bytes) -> list:
        return [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]

    def numbers(svg: bytes) -> list[float]:
        return [float(n) for n in re.findall(rb"-?\d+\.\d+", svg)]

    for fig in _figures(shipped):
        trimmed, buffer = plots.to_svg(fig), io.BytesIO()
        with matplotlib.rc_context({**plots.RC, "svg.fonttype": "none"}):  # matplotlib's own, untrimmed
            fig.savefig(buffer, format="svg", metadata=plots.SVG_METADATA)
        full = buffer.getvalue()
        assert words(full) and words(trimmed) == words(full)
        drawn, exact = numbers(trimmed), numbers(full)
        assert len(drawn) == len(exact) and max(abs(a - b) for a, b in zip(drawn, exact, strict=True)) < 0.01
        assert len(trimmed) < 0.9 * len(full)


def _output(image) -> dict:
    data, metadata = image._repr_mimebundle_()
    return {"output_type": "display_data", "data": data, "metadata": metadata}


def test_a_page_offers_each_figure_for_download_and_shares_its_main_chart(shipped):
    from nbformat.v4 import new_code_cell, new_notebook

    figures = list(_figures(shipped))
    plain = markup.figure(figures[0], "a map-like figure without an SVG")
    main = markup.chart(figures[1], "the main chart", main=True)
    nb = new_notebook(cells=[new_code_cell(outputs=[_output(plain)]), new_code_cell(outputs=[_output(main)])])
    files = assets.place_figures(nb, "entity/17.02/2024")
    placed = [c.outputs[0]["metadata"]["kepatuhan"] for c in nb.cells]
    assert "svg" not in placed[0] and placed[1]["svg"].endswith(".svg")
    svg_name = assets.image_name(main.svg, "svg")
    assert files[svg_name] == main.svg and all("image/svg+xml" not in c.outputs[0]["data"] for c in nb.cells)
    assert assets.share_image(nb) == (placed[1]["name"], "the main chart")
    header = {"data_version": "2026.12 (hash x)", "package_version": "0", "base_url": "https://example.org/"}
    task = {"slug": "entity/17.02/2024", "parameters": {"lang": "id"}, "title": "T"}
    tags = {t["name"]: t["content"] for t in sharing.page_tags(nb, task, header, files)["share_tags"]}
    assert tags["og:image"] == "https://example.org/" + placed[1]["name"] and tags["og:image:alt"] == "the main chart"


def test_share_image_falls_back_to_the_first_figure(shipped):
    from nbformat.v4 import new_code_cell, new_notebook

    figures = list(_figures(shipped))
    nb = new_notebook(cells=[new_code_cell(outputs=[_output(markup.chart(fig, f"figure {i}"))])
                             for i, fig in enumerate(figures)])
    assets.place_figures(nb, "province/17/2024")
    assert assets.share_image(nb)[1] == "figure 0"


def test_the_label_handle_is_only_drawn_when_a_label_only_year_is_shown(shipped):
    assert _raw_years(shipped, "17.71")[1].empty  # Kota Bengkulu: a score in every year it has a row
    series = trend.entity_series(shipped.entities, "17.71")
    fig = plots.trend_figure(series, "t", Formatter("en"), code="17.71")
    handles = fig.legends[0].legend_handles
    assert not any(isinstance(h, Line2D) and h.get_marker() == "D" for h in handles)
