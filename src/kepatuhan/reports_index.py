"""The landing page's list of reports: this build's tasks plus every earlier report still on disk.

The manifest is read as untrusted input: an entry becomes a row only when its kind is known, its slug is
made of codes alone and its page is on disk, and every value is converted to the type the page expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .lock import BUILD_DIR
from .messages import LANGS, Formatter
from .paths import CODE_PATTERN

#: The kinds of report, in the order the landing page lists them within a year.
KINDS = ("entity", "province", "national")

@dataclass(frozen=True)
class _Listed:
    """A report an earlier build recorded: what the landing page needs of it."""

    kind: str
    slug: str
    title: str
    meta: dict


def _index_entries(tasks: list, out: Path, manifest: dict) -> list:
    """This build's tasks plus every report an earlier build recorded that is still on disk."""
    entries = {task.slug: task for task in tasks}
    for slug, entry in manifest.items():
        meta = entry.get("meta")
        if slug in entries or entry.get("kind") not in KINDS or not isinstance(meta, dict) \
                or not isinstance(slug, str) or not all(CODE_PATTERN.fullmatch(p) for p in slug.split("/")):
            continue
        if (out / f"{slug}.html").is_file():
            entries[slug] = _Listed(entry["kind"], slug, str(entry.get("title", slug)), meta)
    return list(entries.values())


def write_index(tasks: list, out: Path, data, manifest: dict, base_url: str = "") -> None:
    """The landing page of each language (landing.write_landing) over every report of the manifest still on disk.

    Parameters
    ----------
    tasks : list of build.Task
        This build's reports (listed whether built or not).
    out : Path
        The reports folder.
    data : dataset.Dataset
        The data the landing page summarises.
    manifest : dict
        The build record, with earlier builds' reports.
    """
    from . import grading, landing

    opinions = {b.opinion for s in grading.default_schemes().schemes for bs in s.band_sets for b in bs.bands
                if b.opinion}  # the page words an opini by its catalogue key: only a known level is shown
    reports = []
    for task in _index_entries(tasks, out, manifest):
        meta = task.meta
        score = meta.get("score")
        score = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None
        lang = meta.get("lang") if meta.get("lang") in LANGS else LANGS[0]
        province = str(meta.get("province") or "")
        reports.append({
            "slug": task.slug, "kind": task.kind, "lang": lang, "code": str(meta.get("code") or ""),
            "name": str(meta.get("name") or task.title), "type": str(meta.get("type") or ""),
            "province": province, "province_code": str(meta.get("province_code") or ""),
            "year": meta.get("year") if isinstance(meta.get("year"), int) else None,
            "score_value": "" if score is None else f"{score:.2f}",
            "score_shown": "" if score is None else Formatter(lang).num(score),
            "zone": str(meta.get("zone") or ""), "category": str(meta.get("category") or ""),
            "opinion": meta.get("opinion") if meta.get("opinion") in opinions else "",
            "status": str(manifest.get(task.slug, {}).get("status", "")),
            "built": (out / f"{task.slug}.html").is_file()})
    reports.sort(key=lambda r: (-(r["year"] or 0), KINDS.index(r["kind"]), r["province"], r["name"], r["slug"]))
    landing.write_landing(out, data, reports, out / BUILD_DIR, base_url)

