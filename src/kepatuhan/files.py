"""Writing files: atomically, with the modes the user's umask asks for, under temp names we can recognise.

Every file the package writes (reports, processed tables, import output, notebooks) goes through
`atomic_write_bytes`, so a reader never sees half a file and a killed write leaves only a temp file
whose name says it is ours: `remove_stale_temp_files` deletes those and nothing else.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

#: Every temp file this package makes ends with this; nothing else is ever deleted as "stale".
TEMP_SUFFIX = ".kepatuhan.tmp"


def current_umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask alone must set it)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        status = ""
    found = re.search(r"^Umask:\s*([0-7]+)", status, re.M)
    if found:
        return int(found.group(1), 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: readers never see half a file.

    The file gets the mode a plain `open(path, "w")` would give (0644 under umask 022), not
    mkstemp's private 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """`atomic_write_bytes` unless the file already holds exactly `data` (an unchanged page keeps its
    time stamp, so a host or an rsync sees nothing new). Returns whether it wrote."""
    if path.is_file() and path.read_bytes() == data:
        return False
    atomic_write_bytes(path, data)
    return True


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete the temp files a killed write of ours left in `folder` (not below it); others stay."""
    removed = []
    for path in sorted(folder.glob(f".*{TEMP_SUFFIX}")):
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
