"""Pages per minute with 1 and 2 Luigi workers, and Arkhiv's overhead over bare Tesseract.

Builds a batch from the synthetic corpus (its 12 pages repeated under new names, 40 by
default), then, ``--repeat`` times (2 by default), one round of: ``arkhiv run`` from scratch
with 1 worker, the bare ``tesseract`` CLI (one thread, TSV output like pytesseract's data
call) on the pages Arkhiv preprocessed, one page at a time, then the same with 2 processes
side by side, then ``arkhiv run --workers 2``. The best of each is kept: the runs are
interleaved so that both sides see the same state of a shared machine, whose speed drifts by
10-20% over minutes.

Overhead = Arkhiv's time / bare Tesseract's time - 1, in all and split into preprocessing
(the preprocess stage's seconds from summary.json), OCR against bare Tesseract (the OCR
stage's seconds minus the bare time) and the rest (start-up, planning, Luigi, gathering,
correction, summary). Peak memory is the largest resident set of any process of an Arkhiv
run (the CLI, a Luigi worker or a Tesseract), from ``wait4`` on the run's process.

    .venv/bin/python -m benchmarks.throughput [--pages 40] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.accuracy import DEFAULT_CORPUS, ROOT

CACHE = ROOT / "benchmarks" / "cache" / "throughput"
TESSERACT = ["-l", "rus", "--oem", "1", "--psm", "3", "tsv"]


def make_batch(corpus: Path, pages: int, scans: Path) -> None:
    sources = sorted(corpus.glob("*.tif"))
    if scans.exists():
        shutil.rmtree(scans)
    scans.mkdir(parents=True)
    for n in range(pages):
        shutil.copyfile(sources[n % len(sources)], scans / f"page{n:03d}.tif")


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    return timed_rss(command, env)[0]


def timed_rss(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and the largest resident set (MB) of the process or any it waited for."""
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped by wait4; keeps Popen from waiting again
    return time.monotonic() - started, usage.ru_maxrss / 1024


PEAK_RSS: dict[int, float] = {}


def run_arkhiv(scans: Path, out: Path, workers: int) -> float:
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "pipeline.cli", "run", str(scans), "--out", str(out)]
    seconds, rss = timed_rss([*command, "--workers", str(workers), "--no-progress"])
    PEAK_RSS[workers] = max(PEAK_RSS.get(workers, 0.0), rss)
    if not (out / "summary.json").is_file():
        raise SystemExit(f"arkhiv run --workers {workers} wrote no summary.json; see {out}")
    return seconds


def run_bare_tesseract(pages: list[Path], processes: int) -> float:
    """Wall time of ``tesseract`` over every page, ``processes`` of them at a time."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.monotonic()
    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(lambda page: timed(["tesseract", str(page), "-", *TESSERACT], env), pages))
    return time.monotonic() - started


def stage_seconds(out: Path) -> dict[str, float]:
    """Seconds per stage, summed over the batch, from summary.json."""
    totals: dict[str, float] = {}
    for doc in json.loads((out / "summary.json").read_text(encoding="utf-8"))["documents"]:
        for stage, seconds in doc["timings"].items():
            totals[stage] = round(totals.get(stage, 0.0) + seconds, 2)
    return totals


def overhead_split(arkhiv: float, bare: float, stages: dict[str, float]) -> dict[str, float]:
    """Arkhiv's time over bare Tesseract's, in all and by where it goes (fractions of ``bare``)."""
    preprocessing = stages.get("preprocess", 0.0)
    ocr = stages.get("ocr", 0.0)
    return {
        "all": arkhiv / bare - 1,
        "preprocessing": preprocessing / bare,
        "ocr_vs_bare": (ocr - bare) / bare,
        "rest": (arkhiv - preprocessing - ocr) / bare,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=2, help="rounds of interleaved runs; the best of each kept")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    scans = CACHE / "scans"
    make_batch(args.corpus, args.pages, scans)
    out1, out2 = CACHE / "out1", CACHE / "out2"
    runs: dict[str, Callable[[], float]] = {
        "arkhiv run --workers 1": lambda: run_arkhiv(scans, out1, 1),
        "bare tesseract CLI, 1 process": lambda: run_bare_tesseract(sorted(out1.glob("*/pages/*.png")), 1),
        "bare tesseract CLI, 2 processes": lambda: run_bare_tesseract(sorted(out1.glob("*/pages/*.png")), 2),
        "arkhiv run --workers 2": lambda: run_arkhiv(scans, out2, 2),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    stages: dict[str, float] = {}
    best_one_worker = float("inf")
    for round_no in range(1, args.repeat + 1):
        for name, run in runs.items():
            seconds = run()
            times[name].append(seconds)
            if name == "arkhiv run --workers 1" and seconds < best_one_worker:
                best_one_worker, stages = seconds, stage_seconds(out1)
            print(f"round {round_no}: {name}: {seconds:.1f} s", file=sys.stderr)
    best = {name: min(values) for name, values in times.items()}
    print(f"{args.pages} pages (A4, 300 dpi), best of {args.repeat} interleaved rounds\n")
    print("| run | seconds (best) | all runs | pages/min |")
    print("|---|---:|---|---:|")
    for name, values in times.items():
        all_runs = ", ".join(f"{v:.1f}" for v in values)
        print(f"| {name} | {best[name]:.1f} | {all_runs} | {args.pages / best[name] * 60:.1f} |")
    print(f"\npeak RSS of any process of a run: 1 worker {PEAK_RSS[1]:.0f} MB, 2 workers {PEAK_RSS[2]:.0f} MB")
    print(f"stage seconds inside Arkhiv (best 1-worker run): {stages}")
    one = overhead_split(best["arkhiv run --workers 1"], best["bare tesseract CLI, 1 process"], stages)
    two = best["arkhiv run --workers 2"] / best["bare tesseract CLI, 2 processes"] - 1
    print(
        f"Arkhiv (1 worker) over bare Tesseract (1 process): {one['all']:+.1%} in all = "
        f"preprocessing {one['preprocessing']:+.1%} + OCR stage vs bare {one['ocr_vs_bare']:+.1%} "
        f"+ the rest {one['rest']:+.1%}"
    )
    print(f"Arkhiv (2 workers) over bare Tesseract (2 processes): {two:+.1%}")
    speedup = best["arkhiv run --workers 1"] / best["arkhiv run --workers 2"]
    print(f"2 workers / 1 worker: {speedup:.2f}x")


if __name__ == "__main__":
    main()
