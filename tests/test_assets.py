"""Shared assets: one stylesheet, figures as palette PNGs named by content, a self-contained page on demand."""

import hashlib
import io
import json
import re

import pytest
from PIL import Image

from kepatuhan import assets, build, dataset, sharing

PAGE = "entity/17.02/2024.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    data = dataset.load()
    tasks = build.plan(data, only="entity", entity="17.02", year=2024)
    outcomes = build.run(tasks, out, data, workers=2, progress=False)
    assert [o.status for o in outcomes] == ["built", "built"]
    return out, data, tasks


def _images(page: str) -> list[str]:
    return re.findall(r"<img [^>]*>", page)


def test_pages_link_one_stylesheet_and_their_figures_as_files_named_by_content(site):
    out, _, _ = site
    page = (out / PAGE).read_text(encoding="utf-8")
    assert "<style" not in page and "jp-" not in page and "data:image/png" not in page
    assert '<link href="../../assets/kepatuhan.css" rel="stylesheet"/>' in page
    assert (out / assets.STYLESHEET).read_bytes() == (assets.SOURCE_DIR / "kepatuhan.css").read_bytes()
    assert (out / assets.FAVICON).is_file() and 'rel="icon"' in page
    tags = _images(page)
    assert len(tags) >= 3
    for number, tag in enumerate(tags):
        src = re.search(r'src="([^"]+)"', tag).group(1)
        target = (out / "entity/17.02" / src).resolve()
        content = target.read_bytes()
        assert target.name == hashlib.sha256(content).hexdigest()[:assets.NAME_DIGITS] + ".png"
        assert target.parent == (out / assets.IMAGE_DIR).resolve()
        image = Image.open(io.BytesIO(content))
        assert image.mode == "P"  # a palette PNG
        assert f'width="{image.width}"' in tag and f'height="{image.height}"' in tag
        assert re.search(r'alt="[^"]{20,}"', tag)  # the figure's own alternative text
        assert ('loading="lazy"' in tag) == (number >= assets.EAGER_FIGURES)


def test_a_report_whose_figure_is_missing_is_built_again(site, tmp_path):
    out, data, tasks = site
    page = (out / PAGE).read_text(encoding="utf-8")
    src = re.search(r'<img [^>]*src="([^"]+)"', page).group(1)
    figure = (out / "entity/17.02" / src).resolve()
    manifest = json.loads((out / ".build/manifest.json").read_text())
    assert figure.relative_to(out.resolve()).as_posix() in manifest["entity/17.02/2024"]["figures"]
    content = figure.read_bytes()
    figure.unlink()
    outcomes = {o.slug: o.status for o in build.run(tasks, out, data, workers=1, progress=False)}
    assert outcomes == {"entity/17.02/2024": "built", "en/entity/17.02/2024": "skipped"}
    assert figure.read_bytes() == content


def test_embed_gives_one_self_contained_page_and_switching_rebuilds(site, tmp_path):
    _, data, tasks = site
    only = [t for t in tasks if t.slug == "entity/17.02/2024"]
    outcomes = build.run(only, tmp_path, data, workers=1, progress=False, embed=True)
    assert [o.status for o in outcomes] == ["built"]
    page = (tmp_path / PAGE).read_text(encoding="utf-8")
    assert "<style>" in page and ".kp-findings" in page and "assets/" not in page
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', page)) == len(_images(page)) >= 3
    assert not (tmp_path / assets.IMAGE_DIR).exists()
    again = build.run(only, tmp_path, data, workers=1, progress=False)
    assert [o.status for o in again] == ["built"]  # the option changed: not "unchanged"
    assert (tmp_path / assets.IMAGE_DIR).is_dir()


def test_a_palette_png_keeps_flat_colours_exactly():
    picture = Image.new("RGBA", (40, 20), (255, 255, 255, 255))
    for x in range(20):
        for y in range(20):
            picture.putpixel((x, y), (27, 94, 32, 255))
    raw = io.BytesIO()
    picture.save(raw, format="PNG", compress_level=0)
    png, width, height = assets.palette_png(raw.getvalue())
    back = Image.open(io.BytesIO(png))
    assert (back.mode, width, height) == ("P", 40, 20)
    assert back.convert("RGB").getpixel((5, 5)) == (27, 94, 32) and back.convert("RGB").getpixel((30, 5)) == (255,) * 3


def test_description_is_the_first_findings_and_the_title_names_the_kind(site):
    out, _, _ = site
    page = (out / PAGE).read_text(encoding="utf-8")
    items = [re.sub(r"\s+", " ", i).strip() for i in
             re.findall(r"<li>(.*?)</li>", page.split('class="kp-findings"')[1].split("</section>")[0], re.S)]
    description = re.search(r'<meta content="([^"]+)" name="description"/>', page).group(1)
    assert description.startswith(items[0]) and len(description) <= sharing.DESCRIPTION_CHARS
    assert "<title>Kabupaten Rejang Lebong 2024 — laporan entitas | kepatuhan</title>" in page
    # a province's government and the province as a region share a name and a year, not a title
    from nbformat.v4 import new_notebook

    header = {"data_version": "v", "package_version": "0"}
    titles = {sharing.page_tags(new_notebook(), {"slug": slug, "parameters": {"lang": "id"},
                                               "title": "Provinsi Gorontalo 2018"}, header, {})["page_title"]
              for slug in ("entity/75/2018", "province/75/2018")}
    assert len(titles) == 2


def test_every_figure_is_offered_for_download_charts_also_as_svg(site):
    """Each figure of a built page has a PNG download link to its own file; a chart (not a map) also an SVG,
    stored by content beside the PNGs; the words are the catalogue's."""
    from kepatuhan.messages import Formatter

    out, _, _ = site
    page = (out / PAGE).read_text(encoding="utf-8")
    figures = re.findall(r'<p class="kp-figure">(.*?)</p>', page, re.S)
    assert len(figures) == len(_images(page)) >= 3
    f = Formatter("id")
    with_svg = 0
    for block in figures:
        src = re.search(r'<img [^>]*src="([^"]+)"', block).group(1)
        png = re.search(r'<a [^>]*download="[^"]+\.png"[^>]*>([^<]+)</a>', block)
        assert png and f'href="{src}"' in png.group(0) and png.group(1) == f("figure.download_png")
        svg = re.search(r'<a [^>]*download="[^"]+\.svg" href="([^"]+)"[^>]*>([^<]+)</a>', block)
        if svg:
            with_svg += 1
            content = (out / "entity/17.02" / svg.group(1)).resolve().read_bytes()
            assert content.startswith(b"<?xml") and b"<svg" in content and svg.group(2) == f("figure.download_svg")
            assert (out / "entity/17.02" / svg.group(1)).resolve().name == \
                hashlib.sha256(content).hexdigest()[:assets.NAME_DIGITS] + ".svg"
    assert with_svg == len(figures) - 1  # every figure but the locator map is a chart


def test_an_english_csv_left_by_an_earlier_build_is_removed_and_the_one_csv_kept(site):
    out, data, tasks = site
    english = [t for t in tasks if t.parameters["lang"] == "en"]
    stale = out / "en/entity/17.02/2024.csv"
    stale.write_bytes((out / "entity/17.02/2024.csv").read_bytes())  # as builds before 2026.12 wrote it
    assert [o.status for o in build.run(english, out, data, workers=1, force=True, progress=False)] == ["built"]
    assert not stale.exists() and (out / "entity/17.02/2024.csv").is_file()
    assert 'href="../../../entity/17.02/2024.csv"' in (out / "en" / PAGE).read_text(encoding="utf-8")
