"""Names in the key findings lead to their reports (issue 16, item 1), escaped like every string from data."""

import re

from kepatuhan import dataset, report
from kepatuhan.report.markup import linked


def test_a_name_becomes_a_link_and_everything_else_stays_escaped():
    text = linked("Tertinggi: Kota Medan <b> (90,00); Kabupaten Sumedang", {"Kota Medan": "../12.71/2024.html"})
    assert str(text) == 'Tertinggi: <a href="../12.71/2024.html">Kota Medan</a> &lt;b&gt; (90,00); Kabupaten Sumedang'


def test_only_whole_names_link_and_the_longer_name_wins():
    links = {"Medan": "medan.html", "Kota Medan": "kota-medan.html"}
    assert str(linked("Sumedang", links)) == "Sumedang"  # "Medan" inside a word is not a name
    assert str(linked("Kota Medan", links)) == '<a href="kota-medan.html">Kota Medan</a>'


def test_a_link_address_from_data_is_escaped():
    assert str(linked("X", {"X": '"><script>'})) == '<a href="&#34;&gt;&lt;script&gt;">X</a>'


def test_a_province_report_links_its_best_and_worst_kab_kota_in_its_findings():
    data = dataset.load()
    e = data.entities
    kabkota = e[(e["year"] == 2024) & (e["province_code"] == "17") & e["entity_type"].isin(["kabupaten", "kota"])
                & e["score"].notna()].sort_values("score")
    html = report.open_province("Bengkulu", 2024, "id").headline().data
    for row in (kabkota.iloc[0], kabkota.iloc[-1]):
        assert f'<a href="../../entity/{row["entity_code"]}/2024.html">{row["entity_name"]}</a>' in html


def test_an_entity_report_never_links_its_own_name():
    html = report.open_entity("Kabupaten Rejang Lebong", 2024, "id").headline().data
    assert not re.search(r'<a [^>]*>Kabupaten Rejang Lebong</a>', html)
