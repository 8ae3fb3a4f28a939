"""One build per reports folder: a POSIX record lock in `OUT/.build/lock` that dies with its driver.

A lockf lock belongs to the driver process alone: it is not inherited by workers and vanishes the
moment the driver exits or is killed, so it never outlives the build. The lock file is opened with
O_NOFOLLOW and `.build` must be a real folder: a symbolic link planted there would otherwise make the
build write its PID over whatever file the link points at.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BuildLocked, DataError, Problem
from .guards import resolved

BUILD_DIR = ".build"

_LOCKED: set[Path] = set()  # folders this process is building into (a POSIX lock cannot see its own holder)


def cannot_write(path: Path, exc: OSError) -> DataError:
    """The one-line error of a file or folder the build cannot write."""
    return DataError([Problem(str(path), None, "", f"cannot write: {exc.strerror or exc}; the build stopped "
                                                   "and left nothing partial (finished reports are kept)")])


def _symlink(path: Path) -> DataError:
    return DataError([Problem(str(path), None, "", "is a symbolic link; refusing to follow it (remove it, or "
                                                   "give another --out)")])


def _state_dir(out: Path) -> Path:
    """`OUT/.build`, created if missing; a symbolic link there is refused, never followed."""
    state = out / BUILD_DIR
    try:
        state.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a dangling symbolic link, or a file
        pass
    except OSError as exc:
        raise cannot_write(state, exc) from None
    try:
        info = state.lstat()
    except OSError as exc:
        raise cannot_write(state, exc) from None
    if stat.S_ISLNK(info.st_mode):
        raise _symlink(state)
    if not stat.S_ISDIR(info.st_mode):
        raise cannot_write(state, OSError(errno.ENOTDIR, "not a folder"))
    return state


def _another_build(out: Path, holder: str) -> BuildLocked:
    return BuildLocked([Problem(str(out), None, "", f"another kepatuhan build (pid {holder}) is writing here; "
                                                    "wait for it to finish")])


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Hold the folder's lock for the duration of a build; `BuildLocked` names the PID of the holder."""
    lock_path = _state_dir(out) / "lock"
    key = resolved(lock_path)
    if key in _LOCKED:
        raise _another_build(out, str(os.getpid()))
    try:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
            raise _symlink(lock_path) from None
        raise cannot_write(lock_path, exc) from None
    with open(descriptor, "r+") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            raise _another_build(out, handle.read().strip() or "?") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        _LOCKED.add(key)
        try:
            yield
        finally:
            _LOCKED.discard(key)
