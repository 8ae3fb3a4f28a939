import pytest

from kepatuhan.names import NameNotFound, split_name


@pytest.mark.parametrize(
    "text, code",
    [
        ("Pemerintah Kabupaten Rejang Lebong", "17.02"), ("Pemkab Rejang Lebong", "17.02"),
        ("Kab. Rejang Lebong", "17.02"), ("KAB. REJANG LEBONG", "17.02"),
        ("Kabupaten Rejang Lebong", "17.02"), ("17.02", "17.02"),
        ("Pemerintah Kota Bengkulu", "17.71"), ("Pemkot Bengkulu", "17.71"), ("Pemko Bengkulu", "17.71"),
        ("KOTA BENGKULU", "17.71"), ("Pemerintah Provinsi Bengkulu", "17"), ("Pemprov Bengkulu", "17"),
        ("Provinsi Bengkulu", "17"), ("Prov. Bengkulu", "17"),
        ("Pemerintah Kepulauan Aru", "81.07"),
        ("Kota Tanjung Balai", "12.74"), ("Kota Tanjungbalai", "12.74"),
        ("Kabupaten Deliserdang", "12.07"), ("Kabupaten Deli Serdang", "12.07"),
        ("Kabupaten Tolitoli", "72.04"), ("Kabupaten Toli-Toli", "72.04"),
        ("Kota Padang Sidempuan", "12.77"), ("Kota Padangsidimpuan", "12.77"),
        ("Kabupaten Toba Samosir", "12.12"), ("Kota Bau-Bau", "74.72"), ("Kota Baubau", "74.72"),
        ("Kota Pangkalpinang", "19.71"), ("DI Yogyakarta", "34"),
        ("Kepolisian Negara Republik Indonesia (Polri)", "polri"),
    ],
)
def test_published_spellings_match(names, text, code):
    assert names.match(text).entity.code == code


def test_type_is_part_of_identity(names):
    assert names.match("Kota Malang").entity.code == "35.73"
    assert names.match("Kabupaten Malang").entity.code == "35.07"
    with pytest.raises(NameNotFound, match="ambiguous") as caught:
        names.match("Malang")
    assert {e.code for e in caught.value.suggestions} == {"35.07", "35.73"}


def test_province_disambiguates(names):
    # "Bengkulu" alone is both a province and a kota.
    with pytest.raises(NameNotFound, match="ambiguous"):
        names.match("Bengkulu")
    assert names.match("Pemerintah Bengkulu", province="Bengkulu", entity_type="kota").entity.code == "17.71"
    assert names.province_code("Sumut") == "12"
    assert names.province_code("Sultra") == "74"  # Sulawesi Tenggara, whatever some pages say


def test_province_filter_excludes_other_provinces(names):
    with pytest.raises(NameNotFound):
        names.match("Kabupaten Malang", province="Bengkulu")


def test_unknown_names_get_suggestions_and_no_guess(names):
    with pytest.raises(NameNotFound) as caught:
        names.match("Kabupaten Atlantis")
    assert "no entity named 'Kabupaten Atlantis'" in str(caught.value)
    with pytest.raises(NameNotFound) as caught:
        names.match("Kabupaten Rejang Lebonk Selatan")
    assert "17.02" in [e.code for e in caught.value.suggestions]


def test_small_typos_are_accepted_as_fuzzy(names):
    match = names.match("Kabupaten Rejang Lebongg")
    assert (match.entity.code, match.method) == ("17.02", "fuzzy")


def test_fuzzy_never_crosses_type(names):
    # Only Kota Bima and Kabupaten Bima exist; a typo in a kota name must not land on the kabupaten.
    with pytest.raises(NameNotFound) as caught:
        names.match("Kota Bimaa")  # too short to be sure: suggested, not guessed
    codes = [e.code for e in caught.value.suggestions]
    assert codes[0] == "52.72" and "52.06" not in codes


def test_split_name():
    assert split_name("Pemerintah Kabupaten Kepulauan Selayar") == ("kabupaten", "kepulauanselayar")
    assert split_name("Kota Administrasi Jakarta Pusat") == ("kota", "jakartapusat")
    assert split_name("Kotabaru") == (None, "kotabaru")


@pytest.mark.parametrize("text, expected", [("Bogor Regency", ("kabupaten", "bogor")),
                                            ("Medan City", ("kota", "medan")),
                                            ("Central Java Province", ("provinsi", "centraljava")),
                                            ("Kota Administrasi Jakarta Pusat", ("kota", "jakartapusat")),
                                            ("city", (None, "city"))])
def test_english_puts_the_type_after_the_name(text, expected):
    assert split_name(text) == expected


def test_english_province_names_and_ministry_short_forms_reach_their_entity():
    import csv

    from kepatuhan import dataset, paths

    data = dataset.load()
    with open(paths.reference_dir() / paths.ALIASES_FILE, encoding="utf-8", newline="") as handle:
        english = [r for r in csv.DictReader(handle) if r["reason"].startswith("English")]
    assert len(english) > 38
    for row in english:
        assert data.names.match(row["alias"]).entity.code == row["code"], row
        assert row["reason"].count("(") >= 1  # a source or the full name beside every English name
    assert data.names.match("Kemenkeu").entity.code == "kemenkeu"
    assert data.names.match("Central Java Province").entity.name == "Jawa Tengah"
    assert data.names.match("Bogor City").entity.code != data.names.match("Bogor Regency").entity.code
