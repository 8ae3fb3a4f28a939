"""Charts without defects: no clipped or overlapping text, locale numbers, the method break where it belongs."""

import io

import pandas as pd
import pytest
from IPython.display import Image as IPythonImage
from PIL import Image

from kepatuhan import compare, plots, report, trend
from kepatuhan.messages import Formatter


def _texts(fig):
    import matplotlib.text

    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text()]


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("entity", ["Kota Manado", "Kabupaten Lebak", "Pemkab Rejang Lebong"])
def test_entity_figures_have_no_clipped_or_overlapping_text(shipped, entity, lang):
    f = Formatter(lang)
    code = shipped.names.match(entity).entity.code
    series = trend.entity_series(shipped.entities, code)
    year = int(series["year"].max())
    figures = [plots.trend_figure(series, "title", f)]
    row = series[series["year"] == year].iloc[0]
    province = shipped.entities.loc[shipped.entities["entity_code"] == code, "province_code"].iloc[0]
    figures.append(plots.ranking_figure(compare.type_peers(shipped.entities, year, "kabupaten"), code, "title", f))
    figures.append(plots.ranking_figure(compare.province_peers(shipped.entities, year, province), code, "title", f))
    units = compare.unit_ranking(shipped.units, code, year)
    if not units.empty:
        figures.append(plots.unit_figure(units, "title", f))
    for fig in figures:
        assert plots.text_problems(fig) == [], (entity, lang)
        png = Image.open(io.BytesIO(plots.to_png(fig)))  # a layout warning would raise here
        assert png.size == fig.canvas.get_width_height()  # the whole drawn figure, nothing cropped
    assert f.num(row["score"]) in _texts(figures[0])  # the year's published score is written at its point


@pytest.mark.parametrize("lang", ["id", "en"])
def test_bengkulu_2024_province_figures_are_clean(shipped, lang):
    f = Formatter(lang)
    after = compare.province_peers(shipped.entities, 2024, "17")
    before = compare.province_peers(shipped.entities, 2023, "17")
    for fig in (plots.ranking_figure(after, None, "Kabupaten/kota di Provinsi Bengkulu, 2024 (n = 10)", f),
                plots.slopegraph(before, after, 2023, 2024, "title", f)):
        assert plots.text_problems(fig) == []
        plots.to_png(fig)


def test_every_bengkulu_trend_figure_is_clean(shipped):
    f = Formatter("id")
    for code in compare.province_pemda(shipped.entities, 2024, "17")["entity_code"]:
        fig = plots.trend_figure(trend.entity_series(shipped.entities, code), "title", f)
        assert plots.text_problems(fig) == [], code


def test_the_overlap_check_catches_overlap_and_clipping():
    fig, ax = plots._figure(3, 2)
    ax.text(0.5, 0.5, "Kota Bengkulu", transform=ax.transAxes)
    ax.text(0.5, 0.5, "Mukomuko", transform=ax.transAxes)
    ax.text(1.5, 0.5, "far outside", transform=ax.transAxes, clip_on=False)
    problems = plots.text_problems(fig)
    assert any("overlap" in p and "Mukomuko" in p for p in problems)
    assert any("outside" in p and "far outside" in p for p in problems)


@pytest.mark.parametrize("lang, shown, not_shown", [("id", "93,07", "93.07"), ("en", "93.07", "93,07")])
def test_numbers_in_charts_follow_the_report_language(shipped, lang, shown, not_shown):
    series = trend.entity_series(shipped.entities, "17.02")
    texts = _texts(plots.trend_figure(series, "t", Formatter(lang)))
    assert shown in texts and not any(not_shown in t for t in texts)


def test_the_years_are_the_calendar_and_the_break_is_between_2021_and_2022(shipped):
    series = trend.entity_series(shipped.entities, "17.02")
    assert list(series["year"]) == [2019, 2023, 2024]
    fig = plots.trend_figure(series, "t", Formatter("en"))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(y) for y in range(2019, 2025)]
    breaks = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert breaks == [2021.5]  # the 2021→2022 change of scheme, between its two assessment years
    label = next(t for t in ax.texts if "change of method" in t.get_text())
    fig.canvas.draw()
    assert ax.bbox.contains(*label.get_window_extent().p0) and ax.bbox.contains(*label.get_window_extent().p1)
    assert any(t.get_text().strip() == "no assessment" and t.get_position()[0] == 2020 for t in ax.texts)


def test_text_from_data_never_goes_through_mathtext():
    units = pd.DataFrame({"unit_code": ["u1", "u2"], "unit_name": [r"$\notacommand{x}$", "Dinas $5 & 10%"],
                          "score": [90.0, 80.0], "year": [2024, 2024]})
    fig = plots.unit_figure(units, r"Unit $\alpha$", Formatter("id"))
    png = plots.to_png(fig)
    assert png.startswith(b"\x89PNG")
    assert r"$\notacommand{x}$" in _texts(fig)


def test_spread_keeps_labels_apart_and_inside():
    placed = plots.spread([90.0, 90.1, 90.2, 99.9, 50.0], gap=2.0, low=45.0, high=101.0)
    ordered = sorted(placed)
    assert all(b - a >= 2.0 - 1e-9 for a, b in zip(ordered, ordered[1:], strict=False))
    assert min(placed) >= 45.0 and max(placed) <= 101.0
    assert placed[4] == 50.0  # a label with room stays at its value


def test_every_report_figure_has_a_real_alt_text(shipped):
    """Every figure of an entity, a province and the national report: an alt text of its own that names what
    it shows (the entity or province, the year), never the page title nor another figure's text."""
    entity = report.open_entity("17.02", 2024, "en")
    province = report.open_province("Bengkulu", 2024, "en")
    national = report.open_national(2024, "en")
    named = {"Kabupaten Rejang Lebong": [entity.locator_map, entity.trend_figure, entity.ranking_figure,
                                         entity.units_figure],
             "Bengkulu": [province.map, province.ranking_figure, province.slopegraph],
             "2024": [national.map, national.counts_figure]}
    seen = []
    for name, draws in named.items():
        for draw in draws:
            image = draw()
            assert isinstance(image, IPythonImage), draw.__name__
            assert name in image.alt and len(image.alt) > 40, (draw.__name__, image.alt)
            seen.append(image.alt)
    assert len(set(seen)) == len(seen) == 9
    assert "93.07" in entity.trend_figure().alt


def _savefig_png(fig) -> bytes:
    """The PNG matplotlib's own savefig writes under the charts' settings (what `to_png` used to call)."""
    import io

    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(plots.RC):
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def test_to_png_gives_the_bytes_savefig_gives(shipped):
    """One draw instead of savefig's two must not change a pixel: a tall ranking (constrained layout),
    a trend with a method break and a map (no layout engine) are compared byte for byte."""
    from kepatuhan import maps

    f = Formatter("id")
    code = shipped.names.match("Kabupaten Lebak").entity.code
    series = trend.entity_series(shipped.entities, code)

    def figures():
        yield plots.ranking_figure(compare.type_peers(shipped.entities, 2023, "kabupaten"), code, "title", f)
        yield plots.trend_figure(series, "title", f)
        yield maps.locator_map(shipped.entities, code, 2024)[0]

    for ours, theirs in zip(figures(), figures(), strict=True):
        assert plots.to_png(ours) == _savefig_png(theirs)


def test_a_build_worker_warm_up_freezes_what_it_loaded():
    """The kernel warm-up of a build worker leaves the loaded library out of the collector's rounds
    (so the namespace reset between reports does not walk it), and the report code still works after."""
    import subprocess
    import sys

    from kepatuhan import worker

    code = (worker._WARM_UP + "; import gc; frozen = gc.get_freeze_count(); "
            "r = kepatuhan.report.open_entity('17.02', 2024); r.headline(); r.ranking_figure(); print(frozen)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout.split()[-1]) > 50_000
