"""CER/WER of raw OCR and of corrected output, per page and overall, over a corpus with GT.

Runs the real pipeline (``arkhiv run``) over a folder of page images that have
``<stem>.gt.txt`` beside them, then scores ``ocr.txt`` and ``corrected.txt`` of each page
against its GT with the corpus's scoring rule (benchmarks/metrics.py).

    .venv/bin/python -m benchmarks.accuracy [--corpus ../shared/corpus/synthetic] [--out DIR] [--workers 2]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.metrics import char_errors, rate, word_errors

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "synthetic"


def run_pipeline(corpus: Path, out: Path, workers: int, config: str | None) -> float:
    # From scratch: the pipeline's markers follow settings, not code, and a benchmark must see
    # the code as it is now.
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "--out", str(out), "--workers", str(workers)]
    if config:
        command += ["--config", config]
    started = time.monotonic()
    subprocess.run(command, check=False)
    return time.monotonic() - started


def score(
    corpus: Path, out: Path
) -> list[tuple[str, tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]]:
    rows = []
    for gt_file in sorted(corpus.glob("*.gt.txt")):
        stem = gt_file.name[: -len(".gt.txt")]
        doc = out / stem
        if not (doc / "corrected.txt").is_file():
            print(f"{stem}: no output (see {doc / 'error.json'})", file=sys.stderr)
            continue
        gt = gt_file.read_text(encoding="utf-8")
        raw = (doc / "ocr.txt").read_text(encoding="utf-8")
        fixed = (doc / "corrected.txt").read_text(encoding="utf-8")
        rows.append((stem, char_errors(gt, raw), char_errors(gt, fixed), word_errors(gt, raw), word_errors(gt, fixed)))
    return rows


def table(rows: list) -> str:
    lines = ["| page | CER raw | CER corrected | WER raw | WER corrected |", "|---|---:|---:|---:|---:|"]
    sums = [[0, 0] for _ in range(4)]
    for stem, *pairs in rows:
        cells = []
        for total, (errors, n) in zip(sums, pairs, strict=True):
            total[0] += errors
            total[1] += n
            cells.append(f"{rate(errors, n):.4f}")
        lines.append(f"| {stem} | " + " | ".join(cells) + " |")
    lines.append("| **all (micro)** | " + " | ".join(f"**{rate(e, n):.4f}**" for e, n in sums) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "cache" / "accuracy")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--config")
    args = parser.parse_args(argv)
    seconds = run_pipeline(args.corpus, args.out, args.workers, args.config)
    rows = score(args.corpus, args.out)
    print(table(rows))
    print(f"\n{len(rows)} pages, pipeline wall time {seconds:.1f} s with {args.workers} workers")


if __name__ == "__main__":
    main()
