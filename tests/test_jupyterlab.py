"""JupyterLab in a real browser: open the explorer, run all, change the province, see its table follow.

A `jupyter lab` server runs on 127.0.0.1 with a random token over a temporary copy of the explorer
notebook; Debian's headless Chromium (Playwright) drives it. Every wait is on a DOM or server event with a
generous limit (a loaded two-core machine starts a kernel slowly), never a fixed sleep. The server and its
kernel are shut down through the server's API and the test checks that no process of theirs survives.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from conftest import ARGS, CHROMIUM, alive

from kepatuhan import paths, query

SRC = Path(__file__).resolve().parents[1] / "src"
WAIT_MS = 240_000  # the longest any one step may take on a loaded machine before the test gives up
YEAR, FIRST, SECOND = 2024, "Bengkulu", "Jambi"  # the notebook's defaults are Bengkulu, kab/kota, 2024

# The explorer's live box: ipywidgets renders it as `.jupyter-widgets` elements in the last cell's output;
# the static tables above it (show_static) are plain HTML outputs, outside any widget.
PROVINCE_SELECT = ".jupyter-widgets.widget-dropdown select"
RANKS_TABLE = ".jupyter-widgets.widget-vbox .widget-html table"  # the first table of the box: the ranks
KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return Boolean(w && w.context && w.context.isReady && kernel && kernel.status === 'idle'); }"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def jupyter_lab(root: Path):
    """A running `jupyter lab` over `root`: yields (base url, token, its process, the server's psutil handle).

    Isolated from the user's JupyterLab settings and workspaces; the project's `src` on PYTHONPATH so the
    kernel imports this checkout. On the way out, whatever the test did, nothing of it is left running.
    """
    import psutil

    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
           "MPLBACKEND": "Agg", "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTER_CONFIG_DIR": str(root / ".config"), "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".ws")}
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
               "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run commands as the menu does
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    quiet = root / ".settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    quiet.parent.mkdir(parents=True)
    quiet.write_text('{"fetchNews": "false", "checkForUpdates": false}')  # no news toast over the explorer
    log = (root / ".server.log").open("w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + WAIT_MS / 1000
        while True:  # the server is up when its REST API answers
            assert server.poll() is None, (root / ".server.log").read_text()
            try:
                with urllib.request.urlopen(f"{base}/api?token={token}", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, "jupyter lab did not answer on /api"
            time.sleep(0.25)
        yield base, token, server, psutil.Process(server.pid)
    finally:
        if server.poll() is None:  # the test failed before its clean shutdown: stop the whole group
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()


def _shut_down(base: str, token: str, server: subprocess.Popen, family: list) -> list[str]:
    """Stop the server as a user would (`/api/shutdown` also stops its kernels); what is still running."""
    request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                     headers={"Authorization": f"token {token}"})
    urllib.request.urlopen(request, timeout=30).close()
    server.wait(WAIT_MS / 1000)
    deadline = time.monotonic() + 30
    while alive(family) and time.monotonic() < deadline:  # a kernel may take a moment after its server
        time.sleep(0.2)
    return [f"{p.pid} {' '.join(p.cmdline()[:4])}" for p in alive(family)]


def _expected_codes(province: str) -> set[str]:
    """Regencies and cities of the province with a score that year, from the query API's tidy rows."""
    rows = query.scores(year=YEAR, province=province)
    rows = rows[rows["entity_type"].isin(("kabupaten", "kota")) & rows["score"].notna()]
    return {str(code) for code in rows["entity_code"]}


def _scored_codes(page) -> set[str]:
    """The entity codes of the scored rows of the live ranks table as the page shows it."""
    table = page.locator(RANKS_TABLE).first
    heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    code, score = heads.index("entity_code"), heads.index("score")
    codes = set()
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        if cells[score]:
            codes.add(cells[code])
    return codes


def test_the_explorer_follows_the_province_dropdown_in_jupyterlab(tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: `make chromium` (run by `make test`) installs it"
    first, second = _expected_codes(FIRST), _expected_codes(SECOND)
    assert first and second and not first & second  # so a table that did not follow could not pass
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(paths.NOTEBOOKS_DIR / "explorer.ipynb", root / "explorer.ipynb")
    shots = tmp_path / "shots"
    shots.mkdir()
    with jupyter_lab(root) as (base, token, server, handle):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.set_default_timeout(WAIT_MS)
                page.goto(f"{base}/lab/tree/explorer.ipynb?token={token}", timeout=WAIT_MS)
                page.wait_for_function(KERNEL_IDLE, timeout=WAIT_MS)
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                province = page.locator(PROVINCE_SELECT).first
                province.wait_for(state="attached")
                assert province.input_value() == FIRST
                assert SECOND in province.locator("option").all_inner_texts()
                page.locator(RANKS_TABLE).first.wait_for(state="attached")
                before = page.locator(RANKS_TABLE).first.inner_text()
                assert _scored_codes(page) == first
                province.select_option(label=SECOND)
                page.wait_for_function("([selector, before]) => { const t = document.querySelector(selector);"
                                       " return t !== null && t.innerText !== before; }",
                                       arg=[RANKS_TABLE, before], timeout=WAIT_MS)
                assert _scored_codes(page) == second
                page.set_viewport_size({"width": 1280, "height": 2600})  # the whole live box in one picture
                box = page.locator(".jupyter-widgets.widget-vbox").first
                box.evaluate("element => element.scrollIntoView({block: 'start'})")
                page.screenshot(path=str(shots / f"explorer-{SECOND.lower()}-1280.png"))
            finally:
                browser.close()
        family = [handle, *handle.children(recursive=True)]
        assert any("ipykernel" in " ".join(p.cmdline()) for p in alive(family)), "no kernel ran the notebook"
        assert _shut_down(base, token, server, family) == []
