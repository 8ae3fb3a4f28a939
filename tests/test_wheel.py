"""`pip install kepatuhan` works outside the checkout: the wheel carries data, notebooks, catalogue and templates.

The wheel is built from the checkout and installed into a fresh venv (no system site-packages). Its
dependencies are not installed again (that alone takes minutes): the fresh venv sees the test venv's
site-packages as a plain path *after* its own, so `kepatuhan` itself can only come from the wheel (the test
venv's editable hook is a .pth there that a plain path does not run). Then, from an empty temp folder,
`kepatuhan validate`, one report and `kepatuhan notebooks` run as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from kepatuhan import dataset, paths

ROOT = paths.PROJECT_ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next((base / "dist").glob("kepatuhan-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # else a checkout on it counts as installed
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300, env=clean)
    site_packages = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        check=True, capture_output=True, text=True).stdout.strip())
    (site_packages / "zz_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    # what pip would have put in the venv's share/: nbconvert's templates, and a kernel of the fresh venv
    (venv / "share" / "jupyter").mkdir(parents=True)
    (venv / "share" / "jupyter" / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    subprocess.run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                   check=True, capture_output=True, timeout=120)
    work = base / "elsewhere"
    work.mkdir()
    (base / "home").mkdir()
    env = {k: v for k, v in os.environ.items() if k not in (paths.DATA_ENV, "PYTHONPATH", "JUPYTER_PATH")}
    env.update(HOME=str(base / "home"), XDG_CACHE_HOME=str(base / "cache"), PATH=f"{venv / 'bin'}:{env['PATH']}")
    return {"wheel": wheel, "venv": venv, "python": python, "work": work, "env": env, "base": base}


def _run(installed, *args, timeout=300):
    return subprocess.run([str(installed["venv"] / "bin" / "kepatuhan"), *args], cwd=installed["work"],
                          env=installed["env"], capture_output=True, text=True, timeout=timeout)


def test_the_wheel_carries_the_data_byte_for_byte(installed):
    with zipfile.ZipFile(installed["wheel"]) as wheel:
        names = set(wheel.namelist())
        for source in dataset.raw_files() + [ROOT / "data/reference/regions.csv", ROOT / "data/RELEASE",
                                             ROOT / "data/reference/boundaries/kabkota.geojson"]:
            inside = "kepatuhan/_data/" + source.relative_to(ROOT / "data").as_posix()
            assert wheel.read(inside) == source.read_bytes(), inside
        assert {f"kepatuhan/_notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")} <= names
        assert "kepatuhan/locale/en/LC_MESSAGES/kepatuhan.po" in names
        assert any(n.endswith("licenses/LICENSE") for n in names)


def test_installed_package_finds_its_packaged_data_from_a_temp_folder(installed):
    probe = ("import json, kepatuhan, kepatuhan.paths as p, kepatuhan.dataset as d; ds = d.load(); "
             "print(json.dumps([kepatuhan.__file__, p.IN_CHECKOUT, str(p.data_root()), len(ds.entities), ds.release]))")
    done = subprocess.run([str(installed["python"]), "-c", probe], cwd=installed["work"], env=installed["env"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    where, in_checkout, root, rows, release = json.loads(done.stdout)
    assert where.startswith(str(installed["venv"])) and not in_checkout
    assert root.startswith(str(installed["venv"])) and root.endswith("_data")
    assert rows == len(dataset.load().entities) and release == dataset.data_release()


def test_kepatuhan_validate_and_one_report_run_outside_the_checkout(installed):
    checked = _run(installed, "validate")
    assert checked.returncode == 0, checked.stderr
    assert f"{len(dataset.load().entity_sources)} rows" in checked.stdout
    out = installed["base"] / "site"
    built = _run(installed, "build", "--entity", "Pemkab Rejang Lebong", "--year", "2024", "--lang", "en",
                 "--out", str(out), "-j", "1")
    assert built.returncode == 0, built.stderr
    page = (out / "en/entity/17.02/2024.html").read_text(encoding="utf-8")
    assert "Rejang Lebong" in page and dataset.data_release() in page
    assert (out / "downloads/datapackage.json").is_file()
    assert not (installed["work"] / "reports").exists()  # --out was honoured
    assert any((installed["base"] / "cache").rglob("entities.parquet"))  # processed tables in the user's cache


def test_notebooks_command_copies_the_notebooks_and_keeps_existing_ones(installed):
    target = installed["work"] / "my-notebooks"
    copied = _run(installed, "notebooks", str(target))
    assert copied.returncode == 0, copied.stderr
    shipped = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in target.iterdir()) == shipped
    assert (target / "entity_report.ipynb").read_bytes() == (ROOT / "notebooks/entity_report.ipynb").read_bytes()
    again = _run(installed, "notebooks", str(target))
    assert again.returncode == 2 and "already exists; use --force" in again.stderr
    assert _run(installed, "notebooks", str(target), "--force").returncode == 0


def test_kepatuhan_data_points_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.DATA_ENV, str(tmp_path))
    assert paths.data_root() == tmp_path.resolve()
    assert paths.data_root(ROOT / "data") == (ROOT / "data").resolve()  # an explicit data_dir wins
    monkeypatch.delenv(paths.DATA_ENV)
    assert paths.data_root() == (ROOT / "data").resolve()  # the checkout reads data/ directly
