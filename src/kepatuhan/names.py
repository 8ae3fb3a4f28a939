"""Match published entity names ("Pemkab Rejang Lebong", "KAB. DELI SERDANG") to their codes.

A name is split into a type marker (Kabupaten/Kota/Provinsi and their abbreviations) and a base name
compared without case, spaces, dots or hyphens, so "Tanjung Balai" and "Tanjungbalai" meet. The type
is part of identity: "Kota Malang" never becomes "Kabupaten Malang". A province, when given, narrows
the candidates. What does not match exactly or through the alias table gets rapidfuzz suggestions;
it is accepted only when one candidate is clearly ahead and above a high threshold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .errors import NameNotFound  # noqa: F401  (re-exported: callers catch names.NameNotFound)

#: A fuzzy match at or above this score (0–100), clearly ahead of the next one, is accepted.
ACCEPT_SCORE = 90.0
#: How far ahead of the runner-up an accepted fuzzy match must be.
ACCEPT_MARGIN = 4.0
#: Candidates at or above this score are offered as suggestions (the three closest at most).
SUGGEST_SCORE = 30.0

REGION_TYPES = ("provinsi", "kabupaten", "kota")
ENTITY_TYPES = ("kementerian", "lembaga", *REGION_TYPES)

# Longest first so that "pemerintah kabupaten" wins over "pemerintah".
_PREFIXES: tuple[tuple[str, str | None], ...] = (
    ("pemerintah kabupaten", "kabupaten"),
    ("kabupaten administrasi", "kabupaten"),
    ("pemerintah kota administrasi", "kota"),
    ("pemerintah kota", "kota"),
    ("pemerintah provinsi", "provinsi"),
    ("pemerintah daerah", None),
    ("kota administrasi", "kota"),
    ("kabupaten", "kabupaten"),
    ("provinsi", "provinsi"),
    ("pemerintah", None),
    ("pemprov", "provinsi"),
    ("pemkab", "kabupaten"),
    ("pemkot", "kota"),
    ("pemko", "kota"),
    ("pemda", None),
    ("prov", "provinsi"),
    ("kab", "kabupaten"),
    ("kota", "kota"),
)
_PREFIX_RE = re.compile(
    r"^(?P<prefix>" + "|".join(re.escape(p) for p, _ in _PREFIXES) + r")(?:\.\s*|\s+)(?=\S)"
)
_TYPE_OF_PREFIX = dict(_PREFIXES)
# English usage puts the type after the name: "Bogor Regency", "Medan City", "Central Java Province".
_SUFFIXES: tuple[tuple[str, str], ...] = (("regency", "kabupaten"), ("city", "kota"), ("province", "provinsi"))
_SUFFIX_RE = re.compile(r"(?<=\S)\s+(?P<suffix>" + "|".join(s for s, _ in _SUFFIXES) + r")$")
_TYPE_OF_SUFFIX = dict(_SUFFIXES)
_CODE_RE = re.compile(r"^\d{2}(\.\d{2})?$")


@dataclass(frozen=True)
class Entity:
    code: str
    name: str
    type: str
    province_code: str

    def label(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class Match:
    entity: Entity
    method: str  # "code", "exact", "alias" or "fuzzy"
    score: float  # 100 for exact matches




def split_name(text: str) -> tuple[str | None, str]:
    """Return (type marker or None, comparison key of the base name)."""
    type_hint, words = split_words(text)
    return type_hint, words.replace(" ", "")


def split_words(text: str) -> tuple[str | None, str]:
    """Return (type marker or None, the base name's words in lower case, one space apart).

    The comparison key of `split_name` is these words run together; the landing page's search keeps the
    words apart so that a match at the start of a word ("Medan" in "Kota Medan") ranks above one inside
    a word ("medan" in "Sumedang").
    """
    cleaned = unicodedata.normalize("NFKC", str(text)).casefold().strip()
    cleaned = re.sub(r"\s+", " ", cleaned)
    type_hint = None
    found = _PREFIX_RE.match(cleaned)
    if found:
        type_hint = _TYPE_OF_PREFIX[found.group("prefix")]
        cleaned = cleaned[found.end():]
    else:
        found = _SUFFIX_RE.search(cleaned)
        if found:
            type_hint = _TYPE_OF_SUFFIX[found.group("suffix")]
            cleaned = cleaned[:found.start()]
    cleaned = re.sub(r"\(.*?\)", " ", cleaned)  # "(Polri)", "(Kabupaten)": annotations, not names
    return type_hint, " ".join(re.sub(r"[^0-9a-z]+", " ", cleaned).split())


@dataclass
class NameIndex:
    entities: dict[str, Entity]
    _by_key: dict[str, set[str]] = field(default_factory=dict)
    _alias_keys: set[tuple[str, str]] = field(default_factory=set)
    _pools: dict[frozenset[str], tuple[list[str], list[str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, entities: Iterable[Entity], aliases: Iterable[tuple[str, str]] = ()) -> NameIndex:
        index = cls(entities={e.code: e for e in entities})
        for entity in index.entities.values():
            index._add(split_name(entity.name)[1], entity.code)
        for alias, code in aliases:
            if code not in index.entities:
                raise ValueError(f"alias {alias!r} points to unknown code {code!r}")
            key = split_name(alias)[1]
            index._add(key, code)
            index._alias_keys.add((key, code))
        return index

    def _add(self, key: str, code: str) -> None:
        self._by_key.setdefault(key, set()).add(code)

    def match(
        self, text: str, province: str | None = None, entity_type: str | None = None
    ) -> Match:
        """Resolve one published name (or a code) to one entity, or raise NameNotFound."""
        raw = str(text).strip()
        if not raw:
            raise NameNotFound("the name is empty")
        if _CODE_RE.match(raw) or raw in self.entities:
            if raw in self.entities:
                return Match(self.entities[raw], "code", 100.0)
            raise NameNotFound(f"no region has the code {raw!r}")
        type_hint, key = split_name(raw)
        wanted_type = entity_type or type_hint
        province_code = self.province_code(province) if province else None
        pool = [
            e for e in self.entities.values()
            if (wanted_type is None or e.type == wanted_type)
            and (province_code is None or e.province_code == province_code)
        ]
        pool_codes = {e.code for e in pool}
        exact = sorted(self._by_key.get(key, set()) & pool_codes)
        if len(exact) == 1:
            method = "alias" if (key, exact[0]) in self._alias_keys else "exact"
            return Match(self.entities[exact[0]], method, 100.0)
        if len(exact) > 1:
            options = [self.entities[c] for c in exact]
            raise NameNotFound(
                f"{raw!r} is ambiguous: it could be "
                + " or ".join(e.label() for e in options)
                + "; say Kabupaten, Kota or Provinsi, or give the province",
                options,
            )
        return self._fuzzy(raw, key, pool, wanted_type, province_code)

    def _choices(self, pool_codes: frozenset[str]) -> tuple[list[str], list[str]]:
        """(comparison keys, their codes) of one candidate pool, built once per pool, not once per name."""
        cached = self._pools.get(pool_codes)
        if cached is None:
            pairs = sorted((k, c) for k, codes in self._by_key.items() for c in codes if c in pool_codes)
            cached = self._pools[pool_codes] = ([k for k, _ in pairs], [c for _, c in pairs])
        return cached

    def _fuzzy(self, raw, key, pool, wanted_type, province_code) -> Match:
        keys, codes = self._choices(frozenset(e.code for e in pool))
        scored = process.extract(key, keys, scorer=fuzz.ratio, limit=20)
        best_per_code: dict[str, float] = {}
        for _, score, position in scored:
            code = codes[position]
            best_per_code[code] = max(best_per_code.get(code, 0.0), score)
        ranked = sorted(best_per_code.items(), key=lambda item: (-item[1], item[0]))
        if ranked:
            top_code, top_score = ranked[0]
            runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
            if top_score >= ACCEPT_SCORE and top_score - runner_up >= ACCEPT_MARGIN:
                return Match(self.entities[top_code], "fuzzy", round(top_score, 1))
        suggestions = [self.entities[c] for c, s in ranked[:3] if s >= SUGGEST_SCORE]
        where = []
        if wanted_type:
            where.append(wanted_type)
        if province_code:
            where.append(f"in {self.entities[province_code].name}")
        scope = f" ({' '.join(where)})" if where else ""
        hint = "; closest: " + ", ".join(e.label() for e in suggestions) if suggestions else ""
        raise NameNotFound(f"no entity named {raw!r}{scope}{hint}", suggestions)

    def province_code(self, province: str) -> str:
        """The code of a province given by code, name or abbreviation."""
        return self.match(province, entity_type="provinsi").entity.code

    def code_for(self, text: str, province: str | None = None) -> str:
        return self.match(text, province=province).entity.code
