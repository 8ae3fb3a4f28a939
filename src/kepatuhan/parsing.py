"""Reading numbers and labels the way Indonesian sources print them."""

from __future__ import annotations

import re
from typing import NamedTuple

#: An http(s) address, as every source_url must be.
URL_PATTERN = r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$"
# "93,07", "99, 23", "91.01", "51", "50.39%": one to three digits, an optional decimal comma or point
# (spaces around it tolerated, as news pages print them), at most two decimals.
_PUBLISHED_NUMBER = re.compile(r"^(\d{1,3})(?:\s*[.,]\s*(\d{1,2}))?\s*%?$", re.ASCII)  # 0-9 only, not ٩٣
_CANONICAL_SCORE = re.compile(r"^\d{1,3}(\.\d{1,2})?$", re.ASCII)

ZONE_WORDS = {
    "hijau": "hijau", "green": "hijau", "zona hijau": "hijau",
    "kuning": "kuning", "yellow": "kuning", "zona kuning": "kuning",
    "merah": "merah", "red": "merah", "zona merah": "merah",
}
OPINION_CATEGORY = {
    "kualitas tertinggi": "A", "tertinggi": "A",
    "kualitas tinggi": "B", "tinggi": "B",
    "kualitas sedang": "C", "sedang": "C",
    "kualitas rendah": "D", "rendah": "D",
    "kualitas terendah": "E", "terendah": "E",
}


def parse_number(text: object) -> float:
    """A published score as a float; ValueError with the offending text otherwise."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        cleaned = str(text).strip()
        found = _PUBLISHED_NUMBER.match(cleaned)
        if not found:
            raise ValueError(f"{cleaned!r} is not a number")
        whole, decimals = found.groups()
        value = float(f"{whole}.{decimals}" if decimals else whole)
    return value


def parse_canonical_score(text: str) -> float:
    """Raw files hold scores with a decimal point only, so a stray comma is caught, not guessed."""
    cleaned = text.strip()
    if "," in cleaned and _PUBLISHED_NUMBER.match(cleaned):
        raise ValueError(f"{cleaned!r} uses a decimal comma; raw files use a point")
    if cleaned.startswith("-") and _CANONICAL_SCORE.match(cleaned[1:]):
        raise ValueError(f"{cleaned!r} must be between 0 and 100")
    if not _CANONICAL_SCORE.match(cleaned):
        raise ValueError(f"{cleaned!r} is not a number")
    return float(cleaned)


def _from_words(text: object, words: dict[str, str], expected: str) -> str | None:
    """The label a printed word stands for: None for a blank cell, ValueError quoting the text otherwise."""
    cleaned = _clean_label(text)
    if not cleaned:
        return None
    if cleaned in words:
        return words[cleaned]
    raise ValueError(f"{str(text).strip()!r} is not {expected}")


def parse_zone(text: object) -> str | None:
    return _from_words(text, ZONE_WORDS, "a zone (hijau, kuning, merah)")


def parse_category(text: object) -> str | None:
    cleaned = _clean_label(text)
    if not cleaned:
        return None
    cleaned = re.sub(r"^(kategori|category|opini)\s+", "", cleaned)
    if cleaned.upper() in ("A", "B", "C", "D", "E"):
        return cleaned.upper()
    if cleaned in OPINION_CATEGORY:
        return OPINION_CATEGORY[cleaned]
    raise ValueError(f"{str(text).strip()!r} is not a category (A–E)")


def _clean_label(text: object) -> str:
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


OPINION_LEVELS = ("Kualitas Tertinggi", "Kualitas Tinggi", "Kualitas Sedang", "Kualitas Rendah", "Kualitas Terendah")
SERVICE_QUALITY = ("Sangat Baik", "Baik", "Cukup", "Kurang")
_SERVICE_QUALITY_WORDS = {quality.casefold(): quality for quality in SERVICE_QUALITY}
FLAG_WORDS = {
    "tanpa_maladministrasi": "tanpa_maladministrasi", "tanpa maladministrasi": "tanpa_maladministrasi",
    "without_qualifier": "without_qualifier", "not_stated": "not_stated", "uncertain": "uncertain",
}
_OPINI_PREFIX = re.compile(r"^(?:(?:opini|ombudsman|ri|predikat|kategori|dengan|kualitas pelayanan)\s+)+")
_TANPA = re.compile(r"\s*\btanpa\s+mal-?administrasi\b\s*")


class Opini(NamedTuple):
    """A printed opini, normalised: level, the separate flag as printed, service-quality word."""

    level: str | None
    tanpa_maladministrasi: bool
    service_quality: str | None


def parse_opini(text: object) -> Opini | None:
    """ "Opini Kualitas Tertinggi Tanpa Maladministrasi", "kualitas sedang", "Sangat Baik" → Opini.

    None for a blank cell; ValueError quoting the text for anything else.
    """
    cleaned = _clean_label(text)
    if not cleaned:
        return None
    tanpa = bool(_TANPA.search(cleaned))
    rest = _OPINI_PREFIX.sub("", _TANPA.sub(" ", cleaned).strip())
    for quality in SERVICE_QUALITY:
        if rest == quality.casefold():
            return Opini(None, tanpa, quality)
    for level in OPINION_LEVELS:
        short = level.casefold().removeprefix("kualitas ")
        if rest in (level.casefold(), short):
            return Opini(level, tanpa, None)
    raise ValueError(f"{str(text).strip()!r} is not an opini (Kualitas Tertinggi, Tinggi, Sedang, Rendah, "
                     "Terendah, optionally Tanpa Maladministrasi)")


def parse_service_quality(text: object) -> str | None:
    return _from_words(text, _SERVICE_QUALITY_WORDS, f"a kualitas pelayanan ({', '.join(SERVICE_QUALITY)})")


def parse_flag(text: object) -> str | None:
    return _from_words(text, FLAG_WORDS, "a maladministrasi flag "
                                         "(tanpa_maladministrasi, without_qualifier, not_stated, uncertain)")
