"""Every word a reader sees, from one gettext catalogue per language, and numbers in that language's format.

The catalogues are `locale/<lang>/LC_MESSAGES/kepatuhan.po`, read with Babel. Message ids are stable
keys (``finding.rank``); the translation is a Python format string whose fields the view fills with
already formatted values. A key missing from a catalogue is a bug, so it raises.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

LANGS = ("id", "en")
LOCALES = {"id": "id_ID", "en": "en_US"}
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "kepatuhan"


def lang_root(lang: str) -> str:
    """The folder of a language's site below the reports folder ("" for Indonesian, "en/" for English)."""
    return "" if lang == LANGS[0] else f"{lang}/"


def twin(slug: str, lang: str, other: str) -> str:
    """The slug of the same report in the `other` language."""
    return lang_root(other) + slug[len(lang_root(lang)):]


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """{message id: text} of one language (read once per process)."""
    from babel.messages.pofile import read_po

    with open(catalogue_path(lang), "rb") as handle:
        po = read_po(handle, locale=LOCALES[lang], domain=DOMAIN)
    return {str(message.id): str(message.string) for message in po if message.id}


def text(lang: str, key: str, **values) -> str:
    """The message `key` in `lang` with its fields filled."""
    return catalogue(lang)[key].format(**values)


class Formatter:
    """Words and numbers of one report language: 93,07 in Indonesian, 93.07 in English."""

    def __init__(self, lang: str):
        self.lang, self.locale = lang, LOCALES[lang]
        self._explained: set[str] = set()

    def __call__(self, key: str, **values) -> str:
        return text(self.lang, key, **values)

    def has(self, key: str) -> bool:
        return key in catalogue(self.lang)

    def num(self, value, signed: bool = False) -> str:
        """Two decimals in the report's locale; an en dash for a missing value."""
        from babel.numbers import format_decimal

        if value is None or value != value:
            return "–"
        pattern = "+0.00;-0.00" if signed else "0.00"
        return format_decimal(value, format=pattern, locale=self.locale)

    def int(self, value) -> str:
        from babel.numbers import format_decimal

        if value is None or value != value:
            return "–"
        return format_decimal(int(value), format="#,##0", locale=self.locale)

    def p_value(self, p: float) -> str:
        """'p < 0,001' when small, else three decimals."""
        if p < 0.001:
            return "p < " + self.num3(0.001)
        return "p = " + self.num3(p)

    def num3(self, value: float) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, format="0.000", locale=self.locale)

    def zone(self, zone: str) -> str:
        """The zone's name; in English the Indonesian name is added the first time it appears."""
        return self._once(f"zone.{zone}")

    def category(self, category: str) -> str:
        return self._once(f"category.{category}")

    def _once(self, key: str) -> str:
        if key in self._explained:
            return self(key)
        self._explained.add(key)
        return self(key + ".first")
