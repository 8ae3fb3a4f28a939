"""Service units found inside a published entity list: they become unit rows, not entity rows.

A regional list often names the Kantor Pertanahan (land offices of the Kementerian ATR/BPN) or the
Polres (units of Polri) beside the pemda it rated. Such a row is not a pemda's result: it is moved
to a unit file (`unit_scores`) with the code rules of data/README.md — `atr-bpn/<regency code>`,
`polri/<regency code>` — and the regency or province it sits in as its location.
"""

from __future__ import annotations

import re

from .names import NameIndex, NameNotFound

#: Unit types of a national parent that a published entity list may name, with the code prefix,
#: the parent's code and the words a name starts with before its location ("Kantor Pertanahan Kota Ambon").
NATIONAL_UNITS = {
    "kantor_pertanahan": ("atr-bpn", "kementerian-atr-bpn",
                          r"^(?:kantor\s+pertanahan|kantah|kantor\s+wilayah\s+(?:atr\s*/\s*bpn|bpn)|kanwil\s+"
                          r"(?:atr\s*/\s*bpn|bpn))\s+"),
    "polres": ("polri", "polri", r"^(?:polres(?:ta)?|polresta)\s+"),
}
#: The columns a unit row is written with (data/raw/unit_scores*.csv), after source_row.
UNIT_OUTPUT_COLUMNS = ("source_row", "year", "unit_code", "unit_name", "unit_type", "parent_code", "location_code",
                       "province_code", "score", "zone", "category", "source_url")


def unit_type_of(type_cell: str, name: str) -> str | None:
    """The unit type a row stands for (from its type column, else from its name), or None for an entity."""
    cleaned = type_cell.strip().casefold().replace(" ", "_")
    if cleaned in NATIONAL_UNITS:
        return cleaned
    if cleaned:
        return None  # the list says what it is: provinsi, kabupaten, kota, kementerian, lembaga
    for unit_type, (_, _, words) in NATIONAL_UNITS.items():
        if re.match(words, name.strip(), re.IGNORECASE):
            return unit_type
    return None


def unit_row(unit_type: str, name: str, province: str | None, names: NameIndex) -> dict:
    """Code, parent and location of a unit, from the region its name ends with.

    Raises NameNotFound (with the closest names) when that region is not in the region list.
    """
    prefix, parent, words = NATIONAL_UNITS[unit_type]
    place = re.sub(words, "", name.strip(), flags=re.IGNORECASE)
    if place == name.strip():
        raise NameNotFound(f"{name!r} does not name the region of the {unit_type} (e.g. "
                           f"'Kantor Pertanahan Kota Ambon')")
    region = names.match(place, province=province or None).entity
    return {
        "unit_code": f"{prefix}/{region.code}",
        "unit_name": name.strip(),
        "unit_type": unit_type,
        "parent_code": parent,
        "location_code": region.code,
        "province_code": region.province_code or region.code,
    }
