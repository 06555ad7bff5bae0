"""Plan a 5,000-document batch with ``arkhiv run --dry-run`` and time it.

The documents are small PNG files (the planning cost does not depend on page size: only
headers are read). Shows that chunking keeps each Luigi build under 10,000 tasks.

    .venv/bin/python -m benchmarks.dry_run [--documents 5000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time

import cv2
import numpy as np

from benchmarks.accuracy import ROOT

CACHE = ROOT / "benchmarks" / "cache" / "dry_run"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=5000)
    args = parser.parse_args(argv)
    scans = CACHE / "scans"
    if scans.exists():
        shutil.rmtree(scans)
    scans.mkdir(parents=True)
    ok, png = cv2.imencode(".png", np.full((100, 80), 255, np.uint8))
    for n in range(args.documents):
        (scans / f"doc{n:05d}.png").write_bytes(png.tobytes())
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", str(scans), "--out", str(CACHE / "out"), "--dry-run"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.monotonic() - started
    report = json.loads(result.stdout)
    print(
        f"| documents | tasks | Luigi builds (chunks) | wall time (s) |\n|---:|---:|---:|---:|\n"
        f"| {report['documents']} | {report['tasks']} | {report['chunks']} | {seconds:.1f} |"
    )


if __name__ == "__main__":
    main()
