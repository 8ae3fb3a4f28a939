"""The Makefile brings what the tests need and starts JupyterLab as root too (run with stand-in commands)."""

import os
import shutil
import subprocess

import pytest

from kepatuhan import paths

MAKE = shutil.which("make")


def _bin(tmp_path, **scripts):
    folder = tmp_path / "bin"
    folder.mkdir()
    os.symlink(shutil.which("id"), folder / "id")
    for name, body in scripts.items():
        (folder / name).write_text(f"#!/bin/bash\n{body}\n")
        (folder / name).chmod(0o755)
    return folder


def _stamp(folder) -> str:
    """A set-up stamp newer than pyproject.toml, so make does not try to (re)install .venv."""
    stamp = folder / "installed"
    stamp.touch()
    return f"STAMP={stamp}"


def _make(folder, *targets):
    return subprocess.run([MAKE, "-s", "-C", str(paths.PROJECT_ROOT), *targets, _stamp(folder)],
                          env={"PATH": str(folder), "HOME": os.environ.get("HOME", "/tmp")},
                          capture_output=True, text=True, timeout=60)


def test_make_test_installs_chromium_when_missing_and_permitted(tmp_path):
    log = tmp_path / "apt.log"
    folder = _bin(tmp_path, **{"apt-get": f'echo "$*" >> {log}'})
    done = _make(folder, "chromium")
    if os.getuid() == 0:
        assert done.returncode == 0, done.stderr
        assert log.read_text().splitlines() == ["update -qq", "install -y --no-install-recommends chromium -qq"]
    else:
        assert done.returncode != 0 and not log.exists()
        assert "run: sudo apt-get install -y --no-install-recommends chromium" in done.stderr


def test_make_test_stops_with_the_command_when_it_cannot_install(tmp_path):
    folder = _bin(tmp_path)  # no chromium, no apt-get
    done = _make(folder, "chromium")
    assert done.returncode != 0
    assert "make: the browser tests need Chromium; run: sudo apt-get install -y --no-install-recommends chromium" \
        in done.stderr.splitlines()


def test_make_test_depends_on_chromium(tmp_path):
    """Run `make test` with stand-in ruff and pytest: without Chromium (and no way to install it) neither runs;
    with a chromium on PATH both run, ruff first."""
    log = tmp_path / "ran.log"
    folder = _bin(tmp_path, ruff=f'echo "ruff $*" >> {log}', python=f'echo "python $*" >> {log}')
    stopped = _make(folder, "test", f"BIN={folder}")
    assert stopped.returncode != 0 and "the browser tests need Chromium" in stopped.stderr
    assert not log.exists()
    (folder / "chromium").write_text("#!/bin/bash\n")
    (folder / "chromium").chmod(0o755)
    done = _make(folder, "test", f"BIN={folder}")
    assert done.returncode == 0, done.stderr
    assert log.read_text().splitlines() == ["ruff check src tests", "python -m pytest"]


@pytest.mark.parametrize("uid", [0, 1000], ids=["root", "not root"])
def test_make_lab_passes_allow_root_only_as_root(tmp_path, uid):
    """Both branches on any machine: a fake `id` ahead on PATH says who runs make."""
    folder = _bin(tmp_path, jupyter='echo "jupyter $*"')
    fake = tmp_path / "fake-id"
    fake.mkdir()
    (fake / "id").write_text(f'#!/bin/sh\nif [ "$1" = -u ]; then echo {uid}; else exec {shutil.which("id")} "$@"; fi\n')
    (fake / "id").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"}
    done = subprocess.run([MAKE, "-s", "-C", str(paths.PROJECT_ROOT), "lab", f"BIN={folder}", _stamp(folder)],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("jupyter lab --notebook-dir=notebooks")
    assert ("--allow-root" in done.stdout) == (uid == 0)
