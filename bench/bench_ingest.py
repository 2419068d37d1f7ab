"""Measure photo ingest of a 12-megapixel JPEG against a floor measured in the same run.

Usage: python bench/bench_ingest.py [--runs 7] [--palette-shots 60]

The floor (DESIGN §6) is the least any ingest must do: Pillow open + draft + one
resize to the largest served width + one save (as WebP, the format we serve, with the
same settings).  Ingest is the whole pipeline: validate, orient, normalise to sRGB,
render every size (WebP and the JPEG fallback), hash, and read the palette.  Targets:
ingest at >= 50 % of the floor's speed; palette <= 30 ms per image.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lookbook.images.ingest import process  # noqa: E402
from lookbook.images.palette import read_palette  # noqa: E402
from lookbook.images.render import WEBP_METHOD, WEBP_QUALITY, WIDTHS  # noqa: E402
from lookbook.images.service import ImageService  # noqa: E402
from lookbook.images.storage import LocalStorage  # noqa: E402
from tests.image_samples import accuracy_cases, product_shot  # noqa: E402


def camera_jpeg(seed: int = 1) -> bytes:
    """Return a 4000x3000 JPEG that looks like a product photo: a shot, upscaled, with grain."""
    rng = np.random.default_rng(seed)
    shot = product_shot("camel", "gold", "tote", "off-white", rng, size=(1000, 750)).convert("RGB")
    big = shot.resize((4000, 3000), Image.Resampling.BICUBIC)
    grain = rng.standard_normal((3000, 4000, 3), dtype=np.float32) * 2.5
    arr = np.clip(np.asarray(big, dtype=np.float32) + grain, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # portrait, as phones store it
    Image.fromarray(arr).save(buf, "JPEG", quality=92, exif=exif)
    return buf.getvalue()


def floor(data: bytes, size: tuple[int, int]) -> None:
    """Open + draft + one resize + one save: the least an ingest can do.

    ``size`` is the pixel size of our largest rendition, in the file's stored
    orientation, so the floor encodes exactly as many pixels as the pipeline does.
    """
    im = Image.open(io.BytesIO(data))
    im.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
    im = im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    im.save(io.BytesIO(), "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Return the median wall time and the median CPU time (all threads) of ``fn``."""
    fn()  # warm up (imports, thread pools, lcms)
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def child_peak_mb(path: Path, ingest: bool) -> float:
    """Return the peak RSS (MB) of a new interpreter that imports the pipeline (and ingests)."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from this (big) parent.
    code = ("import sys; from lookbook.images.ingest import process; "
            "data = open(sys.argv[1], 'rb').read(); "
            + ("process(data); " if ingest else "")
            + "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    return int(out.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--palette-shots", type=int, default=60)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")

    data = camera_jpeg()
    print(f"input: 4000x3000 JPEG (EXIF orientation 6), {len(data) / 1e6:.1f} MB; "
          f"{args.runs} runs, medians; WebP quality {WEBP_QUALITY} method {WEBP_METHOD} for both")
    served = process(data)
    stored_size = (served.height, served.width)  # orientation 6: stored landscape, served portrait
    floor_s, floor_cpu = timed(lambda: floor(data, stored_size), args.runs)
    ingest_s, ingest_cpu = timed(lambda: process(data), args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalStorage(Path(tmp))

        service = ImageService(storage)

        def process_and_store() -> None:
            service.store_files(process(data))

        stored_s, stored_cpu = timed(process_and_store, args.runs)

    shots = [c["image"] for c in accuracy_cases(per_colour=3)][: args.palette_shots]
    thumbs = [s.convert("RGB").resize((320, round(s.height * 320 / s.width))) for s in shots]
    for t in thumbs[:3]:
        read_palette(t)
    palette_ms = []
    for t in thumbs:
        start = time.perf_counter()
        read_palette(t)
        palette_ms.append((time.perf_counter() - start) * 1000)

    rows = [
        ("floor: open+draft+resize+save WebP", floor_s, floor_cpu, ""),
        ("ingest (validate..palette), in memory", ingest_s, ingest_cpu, ">= 0.50"),
        ("ingest + write files (LocalStorage)", stored_s, stored_cpu, ""),
    ]
    print(f"\n{'what':<40}{'wall ms':>9}{'floor/x':>9}{'CPU ms':>9}{'floor/x':>9}  target (wall)")
    for name, wall, cpu, target in rows:
        print(f"{name:<40}{wall * 1000:>9.1f}{floor_s / wall:>9.2f}{cpu * 1000:>9.1f}"
              f"{floor_cpu / cpu:>9.2f}  {target}")
    p50 = statistics.median(palette_ms)
    p95 = float(np.percentile(palette_ms, 95))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "camera.jpg"
        path.write_bytes(data)
        baseline, peak = child_peak_mb(path, ingest=False), child_peak_mb(path, ingest=True)
    print(f"\npeak RSS of a fresh process: {baseline:.0f} MB after imports, {peak:.0f} MB after one "
          f"ingest: {peak - baseline:.0f} MB for the 12 MP upload")
    print(f"palette on {len(palette_ms)} product shots (320 px): p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms, max {max(palette_ms):.1f} ms  (target <= 30 ms)")


if __name__ == "__main__":
    main()
