"""Private vs shared memory of each gunicorn worker, from /proc/<pid>/smaps_rollup (Linux).

Serves a fitted catalog with ``lookbook serve --workers 4``, sends rotating requests so
every worker has loaded the model and answered, then reads each worker's
``smaps_rollup`` (whole process) and, from ``smaps``, the mappings of the model's
``.npy`` files: the arrays are memory-mapped, so their pages should be shared between
workers (one copy in the page cache), not private.

Usage: python bench/bench_memory.py [--bags 100000] [--outfits 1000] [--workers 4]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_http import _free_port, _serve, build_catalog, outfit_skus, write_scripts  # noqa: E402

WARM_LIMIT_SECONDS = 60  # longest extra warm-up until every worker has mapped the model
FIELDS = ("Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty")


def worker_pids(master: int) -> list[int]:
    """Return the pids of a gunicorn master's workers."""
    pids: list[int] = []
    for task in Path(f"/proc/{master}/task").iterdir():
        pids += [int(p) for p in (task / "children").read_text().split()]
    return sorted(pids)


def _parse(lines: list[str]) -> dict[str, int]:
    out = dict.fromkeys(FIELDS, 0)
    for line in lines:
        name, _sep, rest = line.partition(":")
        if name in out:
            out[name] += int(rest.split()[0])  # kB
    return out


def rollup(pid: int) -> dict[str, int]:
    """Return a process's memory totals in kB."""
    return _parse(Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines())


def mapped_under(pid: int, folder: Path) -> dict[str, int]:
    """Sum the memory (kB) of a process's mappings of files under ``folder``."""
    lines, keep = [], False
    prefix = str(folder.resolve())
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5 and not line.rstrip().endswith(" kB"):
            keep = len(head) >= 6 and head[5].startswith(prefix)  # a mapping's header line
            continue
        if keep:
            lines.append(line)
    return _parse(lines)


def measure(env: dict[str, str], work: Path, models: Path, workers: int = 4,
            warm_seconds: int = 5) -> list[dict]:
    """Serve with ``workers`` workers, warm every worker, return each worker's figures (MB)."""
    port = _free_port()
    server = _serve([sys.executable, "-m", "lookbook.cli", "serve", "--port", str(port),
                     "--workers", str(workers)], env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        rotate, _adhoc = write_scripts(work, outfit_skus(base))
        subprocess.run(["wrk", "-t2", f"-c{4 * workers}", f"-d{warm_seconds}s", "-s", str(rotate), base],
                       capture_output=True, check=True)
        # On a busy machine some workers may not have answered yet (nothing mapped): keep
        # asking, briefly, until every worker has loaded the model.
        deadline = time.monotonic() + WARM_LIMIT_SECONDS
        while time.monotonic() < deadline and any(
                mapped_under(pid, models)["Rss"] == 0 for pid in worker_pids(server.pid)):
            subprocess.run(["wrk", "-t2", f"-c{4 * workers}", "-d2s", "-s", str(rotate), base],
                           capture_output=True, check=True)
        rows = []
        for pid in worker_pids(server.pid):
            whole, model = rollup(pid), mapped_under(pid, models)
            rows.append({
                "pid": pid,
                "rss": whole["Rss"] / 1024, "pss": whole["Pss"] / 1024,
                "private": (whole["Private_Clean"] + whole["Private_Dirty"]) / 1024,
                "shared": (whole["Shared_Clean"] + whole["Shared_Dirty"]) / 1024,
                "model_rss": model["Rss"] / 1024,
                "model_private": (model["Private_Clean"] + model["Private_Dirty"]) / 1024,
                "model_shared": (model["Shared_Clean"] + model["Shared_Dirty"]) / 1024,
            })
        return rows
    finally:
        server.terminate()
        server.wait()


def table(rows: list[dict]) -> str:
    """Format the per-worker figures."""
    head = (f"{'worker':>8}{'RSS MB':>9}{'PSS MB':>9}{'private':>9}{'shared':>9}"
            f"{'model RSS':>11}{'model priv':>11}{'model shared':>13}")
    lines = [head]
    for r in rows:
        lines.append(f"{r['pid']:>8}{r['rss']:>9.0f}{r['pss']:>9.0f}{r['private']:>9.0f}{r['shared']:>9.0f}"
                     f"{r['model_rss']:>11.1f}{r['model_private']:>11.1f}{r['model_shared']:>13.1f}")
    return "\n".join(lines)


def arrays_mb(models: Path) -> float:
    """Return the size of the current model's arrays on disk (MB)."""
    folders = sorted(models.glob("arrays-*"), key=lambda p: p.stat().st_mtime)
    return sum(f.stat().st_size for f in folders[-1].glob("*.npy")) / 1e6 if folders else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bags", type=int, default=100_000)
    parser.add_argument("--outfits", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lookbook-mem-"))
    models = work / "models"
    env = {**os.environ, "LOOKBOOK_INSTANCE": str(work / "instance"), "LOOKBOOK_MODELS_DIR": str(models),
           "LOOKBOOK_SECRET_KEY": "bench", "LOOKBOOK_RATE_LIMIT": "off"}
    try:
        build_catalog(work, env, args.bags, args.outfits)
        rows = measure(env, work, models, args.workers)
        print(f"{args.bags:,} bags; model arrays on disk {arrays_mb(models):.1f} MB; "
              f"{args.workers} workers")
        print(table(rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
