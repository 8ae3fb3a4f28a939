"""Maps: colours from published labels, "no data" never drawn as a zone, legend counts, labels apart."""

import re

import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.text import Text

from kepatuhan import dataset, geometry, maps, messages, plots, report

SYNTHETIC = "https://example.org/synthetic-test-data"


def _rows(*rows):
    """SYNTHETIC entity rows (year, code, score, zone, category, opinion), in the validated table's columns."""
    kab = geometry.load("kabkota")
    out = []
    for year, code, score, zone, category, opinion in rows:
        out.append({"year": year, "entity_code": code, "entity_type": "kota" if ".7" in code else "kabupaten",
                    "entity_name": kab[code].name, "province_code": kab[code].province_code, "score": score,
                    "zone": zone, "category": category, "opinion": opinion, "source_url": SYNTHETIC})
    return pd.DataFrame(out)


BENGKULU = [c for c, s in sorted(geometry.load("kabkota").items()) if s.province_code == "17"]
#: 10 kab/kota in Bengkulu: 3 rows with a score, 1 with a published category and no score, 6 without a row.
ENTITIES = _rows(
    (2024, "17.01", 90.10, "hijau", "A", "Kualitas Tertinggi"),
    (2024, "17.02", 80.00, "hijau", "B", "Kualitas Tinggi"),
    (2024, "17.03", 60.00, "kuning", "C", "Kualitas Sedang"),
    (2024, "17.04", float("nan"), "hijau", "B", ""),  # a published label without a score is a fact
    (2023, "17.05", 40.00, "merah", "D", "Kualitas Rendah"),  # another year: not in the 2024 map
)


def _legend(fig):
    entries = {}
    for text in fig.legends[0].get_texts():
        label, n = re.fullmatch(r"(.+) \((\d+)\)", text.get_text()).groups()
        entries[label] = int(n)
    return entries


def _fills(ax):
    """code → (facecolour, hatched?) of every filled kab/kota, from the drawn collections."""
    by_path = {id(maps._path("kabkota", None, c)): c for c in geometry.load("kabkota")}
    drawn = {}
    for collection in ax.collections:
        faces = collection.get_facecolors()
        for i, path in enumerate(collection.get_paths()):
            code = by_path.get(id(path))
            if code is not None and len(faces):
                drawn.setdefault(code, []).append((tuple(faces[min(i, len(faces) - 1)]), collection.get_hatch()))
    return drawn


def test_legend_counts_equal_the_data_with_and_without_results():
    fig, _ = maps.province_map(ENTITIES, "17", 2024)
    year = ENTITIES[ENTITIES["year"] == 2024]
    shown = {"A": "A (hijau)", "B": "B (hijau)", "C": "C (kuning)"}  # the catalogue's short labels
    expected = {shown[k]: v for k, v in year["category"].value_counts().to_dict().items()}
    legend = _legend(fig)
    assert {k: v for k, v in legend.items() if v and k != "tidak ada dalam data"} == expected
    assert legend["tidak ada dalam data"] == len(BENGKULU) - len(year)
    assert sum(legend.values()) == len(BENGKULU) == 10


def test_entity_without_result_is_no_data_never_a_zone():
    fig, alt = maps.province_map(ENTITIES, "17", 2024)
    drawn = _fills(fig.axes[0])
    zone_colours = {tuple(round(v, 3) for v in to_rgba(c))
                    for c in [*plots.ZONE_COLORS.values(), *plots.CATEGORY_COLORS.values()]}
    with_row = set(ENTITIES.loc[ENTITIES["year"] == 2024, "entity_code"])
    for code in BENGKULU:
        face, hatch = drawn[code][0]
        if code in with_row:
            assert hatch is None and tuple(round(v, 3) for v in face) in zone_colours, code
        else:  # 17.05 has a 2023 result only: in 2024 it is no data
            assert hatch == maps.NO_DATA_HATCH and tuple(round(v, 3) for v in face) not in zone_colours, code
    b = tuple(round(v, 3) for v in to_rgba(plots.CATEGORY_COLORS["B"]))
    assert tuple(round(v, 3) for v in drawn["17.04"][0][0]) == b  # label without a score: drawn by its label
    assert "4 dari 10 kab/kota memiliki hasil terbit, kategori: 1 A (hijau), 2 B (hijau), 1 C (kuning); " \
           "6 tidak ada dalam data" in alt
    missing = alt.split("Tidak ada dalam data: ")[1]  # the regions without a result are named
    assert "Seluma" in missing and "Rejang Lebong" not in missing


def test_english_alt_text_and_legend():
    fig, alt = maps.province_map(ENTITIES, "17", 2024, lang="en")
    assert alt.startswith("Map of the regencies and cities of Bengkulu, 2024: 4 of 10 have a published result, "
                          "category: 1 A (green), 2 B (green), 1 C (yellow); 6 are not in the data")
    legend = _legend(fig)
    assert legend["not in the data"] == 6 and legend["B (green)"] == 2
    assert fig.legends[0].get_title().get_text() == "Category"


def test_opini_levels_colour_2025_rows_without_scores():
    rows = _rows((2025, "17.01", float("nan"), "", "", "Kualitas Tinggi"),
                 (2025, "17.71", float("nan"), "", "", "Kualitas Terendah"))
    fig, alt = maps.province_map(rows, "17", 2025)
    legend = _legend(fig)
    assert legend["Kualitas Tinggi (hijau)"] == 1 and legend["Kualitas Terendah (merah)"] == 1
    assert legend["tidak ada dalam data"] == 8
    assert "opini: 1 Kualitas Tinggi (hijau), 1 Kualitas Terendah (merah)" in alt
    fig, alt = maps.province_map(rows, "17", 2025, lang="en")
    assert _legend(fig)["lowest quality (red)"] == 1 and "opinion level: 1 high quality (green)" in alt


def test_zone_only_rows_make_a_zone_map_rather_than_no_data():
    rows = _rows((2023, "17.01", float("nan"), "kuning", "", ""),
                 (2023, "17.02", 85.0, "hijau", "B", "Kualitas Tinggi"))
    labels, kind = maps.results(rows, 2023, BENGKULU)
    assert kind == "zone" and labels["17.01"] == "kuning" and labels["17.02"] == "hijau"


def test_unknown_label_is_an_error_not_a_colour():
    rows = _rows((2024, "17.01", 70.0, "biru", "", ""))
    with pytest.raises(ValueError, match="unknown zone label 'biru'"):
        maps.province_map(rows, "17", 2024, by="zone")


def _overlaps(boxes):
    return [(a, b) for i, (a, p) in enumerate(boxes) for b, q in boxes[i + 1:]
            if p.x0 < q.x1 and q.x0 < p.x1 and p.y0 < q.y1 and q.y0 < p.y1]


@pytest.fixture(scope="module")
def entities():
    return dataset.load().entities


@pytest.mark.parametrize("province", sorted(geometry.load("provinsi")))
def test_province_labels_never_overlap_and_name_every_kab_kota(entities, province):
    fig, _ = maps.province_map(entities, province, 2024)
    ax = fig.axes[0]
    fig.canvas.draw()  # where a report's PNG puts them
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label-")]
    codes = sorted(c for c, s in geometry.load("kabkota").items() if s.province_code == province)
    assert sorted(t.get_gid().removeprefix("label-") for t in labels) == codes
    boxes = [(t.get_text(), Text.get_window_extent(t, renderer)) for t in labels]
    assert _overlaps(boxes) == []
    frame = ax.get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for _, b in boxes)


def test_national_map_draws_every_kab_kota_once_and_outlines_every_province(entities):
    fig, alt = maps.national_map(entities, 2024)
    drawn = _fills(fig.axes[0])
    assert set(drawn) == set(geometry.load("kabkota")) and all(len(v) == 1 for v in drawn.values())
    outlined = {id(maps._path("provinsi", None, c)) for c in geometry.load("provinsi")}
    paths = {id(p) for coll in fig.axes[0].collections for p in coll.get_paths()}
    assert outlined <= paths  # Papua's 2022 provinces (93–96) among them
    year = entities[(entities["year"] == 2024) & entities["entity_type"].isin(["kabupaten", "kota"])]
    assert sum(_legend(fig).values()) == 514
    assert _legend(fig)["tidak ada dalam data"] == 514 - year["entity_code"].nunique()
    assert alt.startswith(f"Peta Indonesia, 2024: 514 kab/kota, {year['entity_code'].nunique()} memiliki hasil terbit")


def test_province_level_national_map_counts_provinces(entities):
    fig, alt = maps.national_map(entities, 2024, level="provinsi", lang="en")
    year = entities[(entities["year"] == 2024) & (entities["entity_type"] == "provinsi")]
    assert sum(_legend(fig).values()) == 38
    assert _legend(fig)["not in the data"] == 38 - len(year)


def test_locator_outlines_the_entity_and_refuses_k_l(entities):
    fig, alt = maps.locator_map(entities, "17.02", 2024)
    focus = maps._path("kabkota", None, "17.02")
    alone = [c for c in fig.axes[0].collections if c.get_paths() == [focus]]
    outlines = [c for c in alone if len(c.get_facecolors()) == 0]
    assert len(outlines) == 2  # a white casing under a black line
    fills = [c for c in alone if len(c.get_facecolors())]
    assert len(fills) == 1 and fills[0].get_facecolors()[0][3] == 1.0  # the entity in full colour
    others = [c for c in fig.axes[0].collections if len(c.get_paths()) == 9]  # the other kab/kota, pale
    assert len(others) == 1 and others[0].get_facecolors()[0][3] < 1.0
    assert alt.startswith("Peta lokasi Kabupaten Rejang Lebong di Bengkulu, 2024: kategori")
    assert maps.has_map("17.02") and maps.has_map("17") and not maps.has_map("polri")
    with pytest.raises(ValueError, match="only provinces and kab/kota have a map"):
        maps.locator_map(entities, "polri", 2024)


def test_maps_are_byte_stable():
    first = plots.to_png(maps.province_map(ENTITIES, "17", 2024)[0])
    assert plots.to_png(maps.province_map(ENTITIES, "17", 2024)[0]) == first


def test_map_words_come_from_the_catalogue_in_the_report_language():
    """Every word drawn on a map (credit, legend title, legend labels without their counts) is a message of the
    report's language, and the two languages draw different words."""
    import re

    drawn = {}
    for lang in messages.LANGS:
        words = set(messages.catalogue(lang).values())
        fig, _ = maps.national_map(ENTITIES, 2024, lang=lang)
        assert [t.get_text() for t in fig.texts] == [messages.text(lang, "map.credit")]
        titles = [leg.get_title().get_text() for leg in fig.legends]
        labels = [re.sub(r" \(\d+\)$", "", t.get_text()) for leg in fig.legends for t in leg.get_texts()]
        assert titles and labels and set(titles) | set(labels) <= words, lang
        drawn[lang] = [*titles, *labels]
    assert all(a != b for a, b in zip(drawn["id"], drawn["en"], strict=True))


# -- the maps in the report views ----------------------------------------------------------------------------

def _alt(image) -> str:
    return image._repr_png_()[1]["alt"]


def test_entity_report_has_a_locator_map_only_where_a_map_exists():
    rejang = report.open_entity("17.02", 2024, "en")
    assert _alt(rejang.locator_map()).startswith("Locator map of Kabupaten Rejang Lebong in Bengkulu, 2024: category ")
    credit = rejang.map_credit().data
    assert '<a href="https://github.com/cahyadsn/wilayah_boundaries">wilayah_boundaries</a>' in credit
    assert credit.startswith('<p class="kp-note">Boundaries: ') and "© 2024 Cahya DSN (MIT)" in credit
    data = rejang.data
    ministry = data.entities.loc[data.entities["entity_type"] == "kementerian"].iloc[0]
    other = report.open_entity(ministry["entity_code"], int(ministry["year"]), "id")
    assert other.locator_map().data == "" and other.map_credit().data == ""


def test_province_report_map_counts_every_kab_kota_of_the_province():
    bengkulu = report.open_province("Bengkulu", 2024, "id")
    alt = _alt(bengkulu.map())
    regencies = bengkulu.data.regions
    n = int(((regencies["province_code"] == "17") & regencies["type"].isin(["kabupaten", "kota"])).sum())
    assert alt.startswith(f"Peta kab/kota di Bengkulu, 2024: {len(bengkulu.listed)} dari {n} kab/kota memiliki")
    assert "Batas wilayah: " in bengkulu.map_credit().data


def test_national_report_is_of_one_year_with_both_maps():
    national = report.open_national(2024, "en")
    entities = national.data.entities
    provinces = entities[(entities["year"] == 2024) & (entities["entity_type"] == "provinsi")]
    assert _alt(national.map("provinsi")).startswith(
        f"Map of Indonesia, 2024: 38 provinces, {provinces['entity_code'].nunique()} with a published result")
    assert _alt(national.map()).startswith("Map of Indonesia, 2024: 514 regencies and cities, ")
    assert "National overview of the compliance assessment, 2024" in national.headline().data
    spread = national.distribution_table().data
    assert "<td>2024</td>" in spread and not re.search(r"<td>20(1\d|2[0-35])</td>", spread)
    opini = report.open_national(2025, "id")
    assert "opini: " in _alt(opini.map())  # 2025 is coloured by opini level


@pytest.mark.parametrize("year, message", [(2020, "2020 had no assessment"), (2014, "2014 is not an assessment year"),
                                           ("2024", "year must be a whole number")])
def test_national_report_refuses_a_year_without_an_assessment(year, message):
    with pytest.raises(report.ReportError, match=message):
        report.open_national(year, "id")


@pytest.mark.parametrize("year", [2019, 2024, 2025])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_legends_and_credit_stay_inside_every_map_and_apart(entities, year, lang):
    for fig, _ in (maps.national_map(entities, year, lang=lang, title="t"),
                   maps.national_map(entities, year, level="provinsi", lang=lang),
                   maps.province_map(entities, "17", year, lang=lang), maps.locator_map(entities, "17.02", year, lang)):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        page = fig.bbox
        legend = fig.legends[0].get_window_extent(renderer)
        credit = fig.texts[0].get_window_extent(renderer)
        for box in (legend, credit):
            assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
        assert not legend.overlaps(credit)
        assert not legend.overlaps(fig.axes[0].get_window_extent(renderer))


def test_the_page_legend_is_the_figure_legend_and_says_not_in_the_data():
    """The legend a report writes beside the image holds the entries the figure draws, word for word."""
    for lang, hatched in (("id", "tidak ada dalam data"), ("en", "not in the data")):
        fig, _ = maps.province_map(ENTITIES, "17", 2024, lang=lang)
        title, frame = maps.map_legend(ENTITIES, 2024, "17", lang)
        assert title == fig.legends[0].get_title().get_text()
        assert dict(zip(frame["text"], frame["n"], strict=True)) == _legend(fig)
        assert frame.loc[frame["hatched"], "text"].tolist() == [hatched]
        assert frame["n"].sum() == len(BENGKULU)
    fig, _ = maps.province_map(ENTITIES, "17", 2024, legend=False)
    assert fig.legends == [] and [t.get_text() for t in fig.texts] == [messages.Formatter("id")("map.credit")]
    assert maps.locator_scope("17.02") == "17" and maps.locator_scope("17") == "17"
    assert maps.region_codes("17") == BENGKULU and len(maps.region_codes("provinsi")) == 38


def test_a_report_writes_its_map_legend_as_text_under_the_image(entities, shipped):
    view = report.ProvinceReport(shipped, "17", 2024, "en")
    image, legend = view.map(), view.map_legend().data
    assert image.format == "png"
    year = entities[(entities["year"] == 2024) & entities["entity_code"].isin(BENGKULU)]
    published = year["category"].replace("", None).dropna()
    counted = dict(re.findall(r"</span>([^<]+?) \((\d+)\)</li>", legend))
    assert counted["not in the data"] == str(len(BENGKULU) - year["entity_code"].nunique())
    assert sum(map(int, counted.values())) == len(BENGKULU)
    assert {k: int(v) for k, v in counted.items() if k != "not in the data" and int(v)} == \
        {f"{c} ({'green' if c in 'AB' else 'yellow' if c == 'C' else 'red'})": n
         for c, n in published.value_counts().items()}
    assert '<p class="kp-legend-title">Category</p>' in legend
