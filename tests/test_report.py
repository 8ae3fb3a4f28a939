"""Reports a reader trusts: one language each, every word from the catalogue, sources and method linked,
no warnings, byte-identical rebuilds. Built through `kepatuhan build` (id) and papermill + the page
template (en), as a user would."""

import re
import string
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import papermill
import pytest

from kepatuhan import __version__, build, dataset, messages, page, paths
from kepatuhan.notebooks import notebook_path

SRC = Path(__file__).parents[1] / "src" / "kepatuhan"
CODE_WORDS = ("measure", "entity_type", "built", "lowest", "ombudsman", "majority", "label", "nan", "None", "NaN",
              "kantor_pertanahan", "zone_basis")
ENGLISH = {"the", "and", "of", "with", "score", "scores", "rank", "from", "in", "is", "not", "change", "zone", "green",
           "source", "sources", "year", "weakest", "points"}
INDONESIAN = {"dan", "yang", "dari", "pada", "nilai", "tahun", "tidak", "untuk", "dengan", "sumber", "peringkat",
              "naik", "turun", "terlemah", "dinilai"}


class _Text(HTMLParser):
    """Visible text of a page, minus style/script and minus the text of links to outside sources."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        self._skip.append(tag in ("style", "script") or (tag == "a" and href.startswith("http")))

    def handle_endtag(self, tag):
        if self._skip:
            self._skip.pop()

    def handle_data(self, data):
        if not any(self._skip):
            self.parts.append(data)


def visible(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [p.strip() for p in parser.parts if p.strip()]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Rejang Lebong, Kota Manado, Kabupaten Lebak, Bengkulu 2024 and the national overview, in id; Rejang
    Lebong also in en."""
    out = tmp_path_factory.mktemp("site")
    data = dataset.load()
    tasks = [t for e in ("17.02", "Kota Manado", "Kabupaten Lebak")
             for t in [t for t in build.plan(data, only="entity", entity=e, langs=("id",))
                       if t.meta["score"] is not None][-1:]]  # the latest year with a score
    tasks += build.plan(data, only="province", province="Bengkulu", year=2024, langs=("id",))
    tasks += build.plan(data, only="national", year=2025, langs=("id",))
    outcomes = build.run(tasks, out, data, workers=2, progress=False)
    assert all(o.status == "built" for o in outcomes), outcomes
    executed = tmp_path_factory.mktemp("en") / "en.ipynb"
    parameters = {"entity": "17.02", "year": 2024, "lang": "en"}
    papermill.execute_notebook(str(notebook_path("entity_report")), str(executed), parameters=parameters,
                               cwd=str(paths.NOTEBOOKS_DIR), progress_bar=False)
    english = page.to_html(nbformat.read(executed, as_version=4),
                           {"slug": "en/entity/17.02/2024", "parameters": parameters, "title": "Rejang Lebong 2024"},
                           {"data_version": data.version, "package_version": __version__})
    (out / "en" / "entity" / "17.02").mkdir(parents=True, exist_ok=True)
    (out / "en" / "entity" / "17.02" / "2024.html").write_bytes(english)
    return out, data, tasks


def _pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if p.name not in ("index.html", "methodology.html", "404.html")
                  and "ranking" not in p.relative_to(out).parts)  # the ranking pages: tests/test_navigation.py


def _data_names(data) -> list[str]:
    names = [*data.entities["entity_name"], *data.units["unit_name"], *data.entities["province_name"].dropna()]
    return sorted({str(n) for n in names}, key=len, reverse=True)


def test_every_message_exists_in_both_languages_with_the_same_fields():
    id_, en = messages.catalogue("id"), messages.catalogue("en")
    assert set(id_) == set(en) and len(id_) > 100
    fields = string.Formatter()
    for key in id_:
        assert id_[key].strip() and en[key].strip(), key
        assert {f[1] for f in fields.parse(id_[key]) if f[1]} == {f[1] for f in fields.parse(en[key]) if f[1]}, key


def test_every_message_the_code_asks_for_is_in_the_catalogue():
    used = set()
    for module in ("report/entity.py", "report/province.py", "report/national.py", "report/comparison.py",
                   "report/words.py", "report/tables.py", "report/view.py", "plots.py", "page.py", "maps.py"):
        used |= set(re.findall(r'\bf\("([a-z_.]+)"', (SRC / module).read_text(encoding="utf-8")))
    assert len(used) > 60
    assert used - set(messages.catalogue("id")) == set()


def test_every_report_links_its_sources_and_the_methodology_page(site):
    out = site[0]
    pages = _pages(out)
    assert len(pages) == 6
    for report in pages:
        html = report.read_text(encoding="utf-8")
        assert re.search(r'<a href="https?://[^"]+">', html), report
        link = re.search(r'<a href="([^"]*methodology\.html)"', html).group(1)
        assert (report.parent / link).resolve().is_file(), (report, link)


def test_methodology_pages_come_from_the_grading_scheme():
    id_, en = page.methodology_html("id").decode(), page.methodology_html("en").decode()
    assert '<html lang="id">' in id_ and "88,00–100,00" in id_ and "disimpulkan" in id_
    assert '<html lang="en">' in en and "88.00–100.00" in en and "inferred from printed scores" in en
    assert en.count("81.00–100.00") == 2  # the 2015–2021 band: once inferred (2015–2019), once published (2021)


def test_no_warning_or_stderr_reaches_a_report(site):
    for report in _pages(site[0]):
        html = report.read_text(encoding="utf-8")
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html, report
        assert "Warning" not in " ".join(visible(html)), report
        assert "No description has been provided" not in html


def test_no_code_word_reaches_a_report(site):
    for report in _pages(site[0]):
        text = visible(report.read_text(encoding="utf-8"))
        joined = " ".join(text)
        assert not re.findall(r"\b[a-z]+_[a-z_]+\b", joined), report
        assert not [t for t in text if t in CODE_WORDS], report
        assert not re.search(r"\b(measure|entity_type|built)\b", joined), report


def _words(text: list[str], data) -> set[str]:
    joined = " ".join(text)
    for name in _data_names(data):
        joined = joined.replace(name, " ")
    return set(re.findall(r"[a-z]+", joined.lower()))


def test_indonesian_report_has_no_english(site):
    out, data, _ = site
    text = visible((out / "entity" / "17.02" / "2024.html").read_text(encoding="utf-8"))
    assert _words(text, data) & ENGLISH == set()
    assert "93,07" in " ".join(text) and "93.07" not in " ".join(text)


def test_english_report_has_no_indonesian_sentence(site):
    out, data, _ = site
    text = visible((out / "en" / "entity" / "17.02" / "2024.html").read_text(encoding="utf-8"))
    assert _words(text, data) & INDONESIAN == set()
    joined = " ".join(text)
    assert "93.07" in joined and "93,07" not in joined
    assert "green zone (zona hijau)" in joined and joined.count("(zona hijau)") == 1  # explained once
    assert "The assessment method changed in 2022" in joined  # 2019→2023 crosses the 2022 change


def test_ranks_separate_the_province_from_its_regencies(site):
    html = (site[0] / "province" / "17" / "2024.html").read_text(encoding="utf-8")
    text = " ".join(visible(html))
    assert "dari 10 kabupaten/kota di Provinsi Bengkulu" in text
    assert re.search(r"Peringkat \d+ dari \d+ provinsi", text)
    table = html[html.index("Kabupaten/kota di Provinsi Bengkulu, 2024 (n = 10)"):]
    table = table[:table.index("</table>")]
    assert "Provinsi Bengkulu</td>" not in table


def test_every_pemda_and_national_report_shows_its_maps_described_and_credited(site):
    out = site[0]
    maps = {"entity/17.02/2024.html": ["Peta lokasi Kabupaten Rejang Lebong di Bengkulu, 2024: kategori "],
            "province/17/2024.html": ["Peta kab/kota di Bengkulu, 2024: "],
            "national/2025.html": ["Peta Indonesia, 2025: 514 kab/kota, ", "Peta Indonesia, 2025: 38 provinsi, "],
            "en/entity/17.02/2024.html": ["Locator map of Kabupaten Rejang Lebong in Bengkulu, 2024: category "]}
    link = '<a href="https://github.com/cahyadsn/wilayah_boundaries">wilayah_boundaries</a>, © 2024 Cahya DSN (MIT)'
    for name, alts in maps.items():
        html = (out / name).read_text(encoding="utf-8")
        for alt in alts:
            assert html.count(f'alt="{alt}') == 1, (name, alt)
        assert html.count(("Boundaries: " if name.startswith("en/") else "Batas wilayah: ") + link) == 1, name


def test_two_builds_of_one_report_are_byte_identical(site, tmp_path):
    out, data, tasks = site
    again = [t for t in tasks if t.slug == "entity/17.02/2024"]
    build.run(again, tmp_path, data, workers=1, progress=False, force=True)
    assert (tmp_path / "entity/17.02/2024.html").read_bytes() == (out / "entity/17.02/2024.html").read_bytes()


def test_strings_from_data_are_escaped_in_the_page_and_alt_text():
    import pandas as pd
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from kepatuhan import plots, report
    from kepatuhan.messages import Formatter

    units = pd.DataFrame({"unit_code": ["u"], "unit_name": ["x"], "score": [90.0], "year": [2024]})
    image = report.figure(plots.unit_figure(units, "t", Formatter("id")), alt='Unit "><script>alert(1)</script>')
    data, metadata = image._repr_png_()
    encoded = data if isinstance(data, str) else data.decode()
    cell = new_code_cell("x", outputs=[new_output("display_data", data={"image/png": encoded},
                                                  metadata={"image/png": metadata})])
    task = {"slug": "entity/x", "parameters": {"entity": "<b>Atlantis</b>", "year": 2024, "lang": "id"},
            "title": "<i>Atlantis</i>"}
    html = page.to_html(new_notebook(cells=[cell]), task, {"data_version": "v1", "package_version": "0"}).decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<b>Atlantis</b>" not in html and "&lt;b&gt;Atlantis&lt;/b&gt;" in html
    assert "alt='Unit \"&gt;&lt;script&gt;alert(1)&lt;/script&gt;'" in html  # the real alt, escaped


def test_a_source_that_printed_only_a_zone_is_listed_in_words_in_the_conflicts_table():
    import pandas as pd

    from kepatuhan import reconcile, report

    rows = pd.DataFrame({"year": [2018, 2018], "entity_code": ["16.73", "16.73"], "score": [48.15, float("nan")],
                         "zone": [None, "kuning"], "category": [None, None],
                         "source_url": ["https://a.example/1", "https://b.example/2"]})
    _, conflicts = reconcile.reconcile(rows, ["year", "entity_code"], "score")
    conflicts = conflicts.assign(name="Kota Pagar Alam")
    shown = {lang: report.conflicts_table(conflicts, messages.Formatter(lang)).data for lang in ("id", "en")}
    assert "48,15" in shown["id"] and "48.15" in shown["en"]
    assert messages.text("id", "grade.no_score") in shown["id"] and "no score" not in shown["id"]
    assert messages.text("en", "grade.no_score") in shown["en"] and "kuning" in shown["en"]


def test_every_reconciliation_rule_has_words_in_both_languages():
    from kepatuhan import reconcile

    for lang in ("id", "en"):
        assert {f"rule.{rule}" for rule in reconcile.RULES} <= set(messages.catalogue(lang))


def test_every_conflict_of_the_shipped_data_can_be_shown():
    from kepatuhan import report

    conflicts = dataset.load().conflicts
    assert (conflicts["values"].str.contains("no score")).any()  # the case that once broke three reports
    for lang in ("id", "en"):
        shown = report.conflicts_table(conflicts, messages.Formatter(lang)).data
        assert shown.count("<tr") == len(conflicts) + 1
