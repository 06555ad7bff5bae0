"""Pages per minute with 1 and 2 Luigi workers, and Arkhiv's overhead over bare Tesseract.

Builds a 40-page batch from the synthetic corpus (its 12 pages repeated under new names),
runs ``arkhiv run`` on it from scratch with 1 and with 2 workers, then runs the bare
``tesseract`` CLI (one thread, TSV output like pytesseract's data call) on the pages Arkhiv
preprocessed. Overhead = Arkhiv's time with 1 worker / bare Tesseract's time - 1.
Peak memory is the largest resident set of any process of the run (the CLI, a Luigi worker
or a Tesseract), from ``getrusage(RUSAGE_CHILDREN)``.

    .venv/bin/python -m benchmarks.throughput [--pages 40]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.accuracy import DEFAULT_CORPUS, ROOT

CACHE = ROOT / "benchmarks" / "cache" / "throughput"


def make_batch(corpus: Path, pages: int, scans: Path) -> None:
    sources = sorted(corpus.glob("*.tif"))
    if scans.exists():
        shutil.rmtree(scans)
    scans.mkdir(parents=True)
    for n in range(pages):
        shutil.copyfile(sources[n % len(sources)], scans / f"page{n:03d}.tif")


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def run_arkhiv(scans: Path, out: Path, workers: int) -> tuple[float, float]:
    if out.exists():
        shutil.rmtree(out)
    seconds = timed(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            str(scans),
            "--out",
            str(out),
            "--workers",
            str(workers),
            "--no-progress",
        ]
    )
    return seconds, peak_rss_mb()


def run_bare_tesseract(out: Path) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    total = 0.0
    for page in sorted(out.glob("*/pages/*.png")):
        total += timed(["tesseract", str(page), "-", "-l", "rus", "--oem", "1", "--psm", "3", "tsv"], env)
    return total


def stage_seconds(out: Path) -> dict[str, float]:
    """Seconds per stage, summed over the batch, from summary.json."""
    totals: dict[str, float] = {}
    for doc in json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"]:
        for stage, seconds in doc["timings"].items():
            totals[stage] = round(totals.get(stage, 0.0) + seconds, 1)
    return totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    scans = CACHE / "scans"
    make_batch(args.corpus, args.pages, scans)
    rows = []
    for workers in (1, 2):
        seconds, rss = run_arkhiv(scans, CACHE / f"out{workers}", workers)
        rows.append((f"arkhiv run --workers {workers}", seconds, rss))
    # Twice, best taken: a shared 2-core machine's speed drifts by 10-20% over minutes.
    bare = min(run_bare_tesseract(CACHE / "out1") for _ in range(2))
    rows.append(("bare tesseract CLI, 1 process (best of 2)", bare, float("nan")))
    stages = stage_seconds(CACHE / "out1")
    print(f"{args.pages} pages (A4, 300 dpi)\n")
    print("| run | seconds | pages/min | peak RSS of a process (MB) |")
    print("|---|---:|---:|---:|")
    for name, seconds, rss in rows:
        rss_cell = "–" if rss != rss else f"{rss:.0f}"
        print(f"| {name} | {seconds:.1f} | {args.pages / seconds * 60:.1f} | {rss_cell} |")
    overhead = rows[0][1] / bare - 1
    without_preprocessing = (rows[0][1] - stages["preprocess"]) / bare - 1
    print(f"\nstage seconds inside Arkhiv (1 worker): {stages}")
    print(
        f"Arkhiv (1 worker) over bare Tesseract: {overhead:+.1%} in all, "
        f"{without_preprocessing:+.1%} without the preprocessing stage"
    )


if __name__ == "__main__":
    main()
