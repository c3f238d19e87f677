"""A real browser for the tests: Debian's headless Chromium, driven by selenium through the
chromedriver built from the same Chromium release (so the pair always matches and nothing
is downloaded), and JupyterLab served from .venv on 127.0.0.1.

Everything stays on this machine: JupyterLab listens on the loopback address only and
Chromium starts with its background networking off (on a closed network its own
connections would be refused anyway).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).parent.parent / "artifacts" / "browser"  # git-ignored; kept by CI
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def missing() -> str:
    """Why the browser test cannot run here ('' when it can)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).exists() and os.access(path, os.X_OK)):
            return f"no {path}: apt-get install -y chromium chromium-driver"
    try:
        import jupyterlab  # noqa: F401
        import selenium  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (make .venv/.installed)"
    return ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator:
    """A headless Chromium (selenium WebDriver) with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium's manager never looks for a driver online
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@contextlib.contextmanager
def jupyterlab(root: Path) -> Iterator[str]:
    """JupyterLab on ``root``, from this Python, on 127.0.0.1; yields its base URL with the
    token. Its settings, data and runtime folders are fresh: notebooks are rendered whole
    (no windowing), as they are not trusted (as a user opening a file would see them)."""
    home = Path(tempfile.mkdtemp(prefix="jupyter-home-"))
    for extension, name, value in (
        ("notebook-extension", "tracker", {"windowingMode": "none"}),
        ("apputils-extension", "notification", {"fetchNews": "false", "checkForUpdates": False}),
    ):
        folder = home / "settings" / "@jupyterlab" / extension
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(value))
    env = os.environ | {
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    port, token = _free_port(), secrets.token_hex(16)
    log = (home / "lab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",  # never asks PyPI about extensions
            # window.jupyterapp: the next notebooks open in the loaded app, not a new page load
            "--LabApp.expose_app_in_browser=True",
            "--ServerApp.allow_root=True",  # CI runs as root
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    tail = (home / "lab.log").read_text()[-2000:]
                    raise RuntimeError(f"JupyterLab did not start: {tail}") from None
                time.sleep(0.5)
        yield f"{base}|{token}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


# Run in the page: typeset maths in table cells, anywhere, and the text of the page.
PAGE_FACTS = """
const root = arguments[0] ? document.querySelector(arguments[0]) : document.body;
return {
  typeset_in_tables: root.querySelectorAll('table mjx-container, table .MathJax').length,
  typeset_anywhere: root.querySelectorAll('mjx-container, .MathJax').length,
  tables: root.querySelectorAll('table').length,
  images: root.querySelectorAll('img').length,
  figure_text: (root.innerText.match(/<Figure size/g) || []).length,
  shaded_cells: Array.from(root.querySelectorAll('td')).filter(
      td => getComputedStyle(td).backgroundColor === 'rgb(255, 244, 229)').length,
};
"""


# Open notebook ``arguments[0]`` in the loaded app and make it the current widget.
OPEN_IN_APP = """
const app = window.jupyterapp;
app.commands.execute('docmanager:open', {path: arguments[0]}).then(w => app.shell.activateById(w.id));
"""
# The id of the current notebook's panel once it is ``arguments[0]`` (null until then).
CURRENT_PANEL = """
const shell = window.jupyterapp && window.jupyterapp.shell;
const widget = shell && shell.currentWidget;
return widget && widget.context && widget.context.path === arguments[0] ? widget.node.id : null;
"""


def open_notebook(driver: object, lab: str, name: str, timeout: float = 90) -> dict:
    """Open notebook ``name`` in JupyterLab, wait until its outputs are drawn and MathJax has
    had its turn, and return :data:`PAGE_FACTS` of the notebook panel. The first notebook
    loads the app; the next ones open in it (a page load of JupyterLab costs about 15 s of
    CPU on a busy machine)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, token = lab.split("|")
    if driver.current_url.startswith(base):  # type: ignore[attr-defined]
        driver.execute_script(OPEN_IN_APP, name)  # type: ignore[attr-defined]
    else:  # the single-document view: the notebook alone, as wide as the window
        driver.get(f"{base}/doc/tree/{name}?token={token}&reset")  # type: ignore[attr-defined]
    wait = WebDriverWait(driver, timeout)
    panel_id = wait.until(lambda d: d.execute_script(CURRENT_PANEL, name))
    panel = f'[id="{panel_id}"] .jp-Notebook'
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{panel} .jp-OutputArea-output"))
    # outputs keep arriving while the notebook model loads: wait until their count settles
    last, steady = -1, 0
    while steady < 3:
        count = len(driver.find_elements(By.CSS_SELECTOR, f"{panel} .jp-OutputArea-output"))  # type: ignore[attr-defined]
        steady, last = (steady + 1, last) if count == last else (0, count)
        time.sleep(0.5)
    time.sleep(2)  # MathJax typesets after the outputs are attached
    return driver.execute_script(PAGE_FACTS, panel)  # type: ignore[attr-defined]


def screenshots(driver: object, stem: str, shots: int = 6) -> list[Path]:
    """Screenshots of the open notebook from top to bottom, under :data:`ARTIFACTS`."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(shots):
        driver.execute_script(  # type: ignore[attr-defined]
            "const node = window.jupyterapp.shell.currentWidget.node;"
            "const s = node.querySelector('.jp-WindowedPanel-outer') || node.querySelector('.jp-Notebook');"
            "s.scrollTop = (s.scrollHeight - s.clientHeight) * arguments[0];",
            i / max(shots - 1, 1),
        )
        time.sleep(0.5)
        path = ARTIFACTS / f"{stem}-{i + 1}.png"
        driver.save_screenshot(str(path))  # type: ignore[attr-defined]
        out.append(path)
    return out
