"""The build manifest (`OUT/.build/manifest.json`): what each report was built from, and how it went.

A report is skipped when its recorded hash is unchanged and all of its files are on disk. A manifest
that cannot be trusted (truncated, not a mapping of records, or holding numbers no build can use,
such as 1e308 or a 400-digit integer) is kept aside as `manifest.json.bad` and every report rebuilt.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from .files import atomic_write_bytes
from .lock import cannot_write

#: Largest magnitude of a number in a manifest: scores, years and seconds are far below it; beyond it a
#: float loses its cents and an integer no longer converts to one.
LARGEST = 1e12


def _number(text: str, convert) -> float | int:
    value = convert(text)
    if not math.isfinite(value) or abs(value) > LARGEST:
        raise ValueError(f"{text[:20]} is no number a build records")
    return value


def _parse(raw: bytes):
    def no_constant(name: str):
        raise ValueError(f"{name} is no number a build records")

    def parse_int(text: str) -> int:
        if len(text.lstrip("-")) > 13:
            raise ValueError(f"{text[:20]}… is no number a build records")
        return _number(text, int)

    return json.loads(raw, parse_float=lambda t: _number(t, float), parse_int=parse_int,
                      parse_constant=no_constant)


def read_manifest(path: Path) -> dict:
    """The previous build's record; an unreadable one is kept aside (`manifest.json.bad`) and ignored."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    try:
        manifest = _parse(raw)
    except ValueError:  # JSONDecodeError, UnicodeDecodeError and the number checks above
        manifest = None
    if isinstance(manifest, dict) and all(isinstance(v, dict) for v in manifest.values()):
        return manifest
    copy = path.with_name(path.name + ".bad")
    try:
        atomic_write_bytes(copy, raw)
    except OSError as exc:
        raise cannot_write(copy, exc) from None
    print(f"{path}: unreadable build manifest (kept as {copy.name}); rebuilding every report", file=sys.stderr)
    return {}


def up_to_date(entry: dict, digest: str, files: tuple[Path, ...]) -> bool:
    """A report is up to date when its record says built from the same inputs and all its `files` (its page
    and its CSV, `build.report_files`) are there."""
    return entry.get("hash") == digest and entry.get("status") == "built" and all(p.is_file() for p in files)
