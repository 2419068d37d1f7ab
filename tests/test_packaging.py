"""A wheel is a real install: templates, assets and migrations travel inside it.

Builds the wheel from a copy of the checkout, installs it into a fresh venv outside the
checkout, then runs ``lookbook init``, ``lookbook demo --no-serve`` and a served page and
API request against it.  The fresh venv gets the wheel alone (``--no-deps``) and sees the
test venv's third-party packages through a path file, so no network is needed; the
checkout itself is never on its path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PG_URL

CHECKOUT = Path(__file__).resolve().parent.parent
PORTS = range(5690, 5700)  # this port range (5600-5699)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(PG_URL), reason="engine-independent; runs in the SQLite pass"),
]


def _copy_sources(target: Path) -> None:
    """Copy what a source distribution would hold (no venv, no build output, no data)."""
    ignore = shutil.ignore_patterns(".venv", ".git", "instance", "build", "dist", "*.egg-info",
                                    "__pycache__", "node_modules", "_bundled", ".pytest_cache",
                                    ".ruff_cache", ".hypothesis")
    shutil.copytree(CHECKOUT, target, ignore=ignore)
    for stale in (target / "models").glob("*"):
        if stale.name != "README.md":
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 5690-5699")


def _get(url: str) -> tuple[int, bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - our own local server
        return resp.status, resp.read(), resp.headers.get_content_type()


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """Build the wheel and install it into a fresh venv; return its paths and environment."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    _copy_sources(src)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"),
                    str(src)], check=True, capture_output=True, cwd=work)
    wheel = next((work / "dist").glob("lookbook-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # Third-party packages from the test venv; a plain path line, so its editable-install
    # hook (which would import the checkout) is not run.
    (Path(site) / "lookbook_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    home = work / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOKBOOK_")}
    env.update(PATH=f"{venv / 'bin'}:{env.get('PATH', '')}", PYTHONDONTWRITEBYTECODE="1",
               LOOKBOOK_SECRET_KEY="wheel-test-secret-" + "x" * 32)
    return {"wheel": wheel, "venv": venv, "python": python, "home": home, "env": env}


def _run(installed: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(installed["venv"] / "bin" / "lookbook"), *args], cwd=installed["home"],
                          env=installed["env"], capture_output=True, text=True, timeout=600)


def test_the_wheel_carries_templates_assets_and_migrations(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for required in ("lookbook/_bundled/templates/base.html", "lookbook/_bundled/assets/site.css",
                     "lookbook/_bundled/migrations/env.py", "lookbook/styling/markets.json"):
        assert required in names
    assert any(n.startswith("lookbook/_bundled/migrations/versions/0001_") for n in names)
    where = subprocess.run([str(installed["python"]), "-c",
                            "import lookbook, lookbook.paths as p; print(lookbook.__file__, p.TEMPLATES)"],
                           cwd=installed["home"], env=installed["env"], capture_output=True, text=True,
                           check=True).stdout
    assert str(installed["venv"]) in where and str(CHECKOUT) not in where


def test_the_installed_package_inits_builds_the_demo_and_serves(installed):
    init = _run(installed, "init")
    assert init.returncode == 0, init.stderr
    assert "database ready" in init.stdout
    demo = _run(installed, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    assert re.search(r'"lookbooks": [1-9]', demo.stdout), demo.stdout  # curated lookbooks were built
    home = installed["home"]
    assert (home / "instance" / "lookbook.db").is_file()
    assert (home / "instance" / "models" / "model-card.json").is_file()  # never into site-packages

    port = _free_port()
    log = home / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen([str(installed["venv"] / "bin" / "lookbook"), "serve", "--port", str(port)],
                                  cwd=home, env=installed["env"], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if _get(f"{base}/health/ready")[0] == 200:
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(log.read_text())
                time.sleep(0.1)
        status, page, kind = _get(f"{base}/")
        assert status == 200 and kind == "text/html" and b"</html>" in page
        assert _get(f"{base}/assets/site.css")[0] == 200
        outfits = json.loads(_get(f"{base}/api/v1/items?kind=outfit&per_page=1")[1])
        sku = outfits["items"][0]["sku"]
        status, body, kind = _get(f"{base}/api/v1/outfits/{sku}/bags")
        answer = json.loads(body)
        assert status == 200 and kind == "application/json"
        assert answer["outfit"]["sku"] == sku and answer["results"]
    finally:
        server.terminate()
        server.wait(timeout=30)
