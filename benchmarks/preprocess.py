"""Benchmark preprocessing: Tesseract CER per set for no preprocessing, each step alone, chains.

Run from the project root:

    OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/preprocess.py \
        [--configs "none,full (default)"] [--sets synthetic] [--psm 4,6] [--pages] \
        [--tesseract-cpu] [--step-times] [--skew-nudge=-0.03,0.03]

``--pages`` adds CER per page for every config (changes of more than one point against
``none`` marked); ``--tesseract-cpu`` times the Tesseract CLI on each preprocessed page to give
preprocessing's share per page; ``--step-times`` prints CPU ms per step of the default chain
per page and runs no OCR. ``--skew-nudge`` runs every config again with each measured skew
angle offset by the given degrees and prints each config's CER averaged over the offsets: on
heavy pages Tesseract's output moves by several CER points when the rotation moves by 0.03°,
so a change of a few thousandths in one run is not evidence either way; the average is.

OCR results are cached in ``benchmarks/cache/preprocess/`` keyed by the preprocessed image's
hash and the Tesseract settings, so re-runs only OCR what changed. CER: Levenshtein over
code points after NFC and collapsing whitespace runs to one space, micro-averaged over pages
(the corpus README's scoring). Prints markdown tables; ``--json FILE`` also writes all figures.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import json
import logging
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline import preprocess as preprocess_module  # noqa: E402
from pipeline.noise import NoiseSettings, mark_noise_words  # noqa: E402
from pipeline.ocr import OcrSettings, ocr_page, page_text, renumber_lines  # noqa: E402
from pipeline.preprocess import NO_PREPROCESSING, PreprocessSettings, preprocess_page  # noqa: E402
from pipeline.types import Word  # noqa: E402

log = logging.getLogger("benchmarks.preprocess")

CORPUS = Path(os.environ.get("ARKHIV_CORPUS", ROOT.parent / "shared" / "corpus"))
CACHE = ROOT / "benchmarks" / "cache" / "preprocess"

OFF = NO_PREPROCESSING
STEPS = (
    "remove_color",
    "remove_border",
    "flatten",
    "orient",
    "deskew",
    "normalize_scale",
    "despeckle",
    "remove_marks",
    "binarize",
    "crop",
)
FULL = PreprocessSettings()


def _configs() -> dict[str, PreprocessSettings]:
    configs = {"none": OFF}
    for step in STEPS:
        configs[f"only {step}"] = dataclasses.replace(OFF, **{step: True})
    configs["only median"] = dataclasses.replace(OFF, median=3)
    configs["only binarize otsu"] = dataclasses.replace(OFF, binarize=True, binarize_method="otsu")
    configs["full (default)"] = FULL
    configs["full + sauvola"] = dataclasses.replace(FULL, binarize=True, binarize_method="sauvola")
    configs["full + wolf"] = dataclasses.replace(FULL, binarize=True, binarize_method="wolf")
    configs["full + otsu"] = dataclasses.replace(FULL, binarize=True, binarize_method="otsu")
    configs["full - scale"] = dataclasses.replace(FULL, normalize_scale=False)
    configs["full - crop"] = dataclasses.replace(FULL, crop=False)
    configs["full - despeckle"] = dataclasses.replace(FULL, despeckle=False)
    configs["full - median"] = dataclasses.replace(FULL, median=0)
    configs["full - deskew"] = dataclasses.replace(FULL, deskew=False)
    configs["full - flatten"] = dataclasses.replace(FULL, flatten=False)
    configs["full + marks"] = dataclasses.replace(FULL, remove_marks=True)
    return configs


def normalize(text: str) -> str:
    """NFC and one space for every whitespace run: line breaks and indentation do not count."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def cer_counts(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance, reference length) on normalised code points, for micro-averaging."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    return Levenshtein.distance(ref, hyp), len(ref)


def read_image(path: Path) -> np.ndarray:
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise SystemExit(f"{path}: cannot read image")
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2RGB if image.shape[2] == 4 else cv2.COLOR_BGR2RGB)
    return image


def corpus_sets(line_sample: int) -> dict[str, tuple[list[Path], int]]:
    """Set name -> (images with a .gt.txt, Tesseract psm for the set)."""
    synthetic = sorted((CORPUS / "synthetic").glob("*.tif"))
    capsules = CORPUS / "real" / "soviet_time_capsules_1972"
    typed = sorted(capsules.glob("novosibirsk_*typewritten*.jpg"))
    leaflet = sorted(capsules.glob("rostov_*.jpg"))
    lines = sorted((CORPUS / "real" / "jze_cyrillic_print_lines").rglob("*.png"))
    if line_sample and len(lines) > line_sample:
        # Every k-th line: a fixed, spread sample over the three books.
        step = len(lines) / line_sample
        lines = [lines[int(i * step)] for i in range(line_sample)]
    sets = {
        "synthetic": (synthetic, 3),
        "real typewritten": (typed, 3),
        "real leaflet": (leaflet, 3),
        "real print lines": (lines, 7),
    }
    return {name: ([p for p in paths if gt_path(p).exists()], psm) for name, (paths, psm) in sets.items()}


def gt_path(image: Path) -> Path:
    return image.with_name(image.name.split(".")[0] + ".gt.txt")


def cached_ocr(image: np.ndarray, settings: OcrSettings) -> tuple[list[Word], float]:
    """OCR words for an image, from the cache when this image and settings were read before."""
    digest = hashlib.sha1(image.tobytes() + str(image.shape).encode()).hexdigest()[:20]
    tag = hashlib.sha1(json.dumps(dataclasses.asdict(settings), sort_keys=True).encode()).hexdigest()[:8]
    path = CACHE / f"{digest}_{tag}.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Word.from_dict(w) for w in data["words"]], data["seconds"]
    t = time.perf_counter()
    words = ocr_page(image, 1, settings)
    seconds = time.perf_counter() - t
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"seconds": seconds, "words": [w.as_dict() for w in words]}), encoding="utf-8")
    tmp.replace(path)
    return words, seconds


def tesseract_cpu_seconds(image: np.ndarray, ocr: OcrSettings) -> float:
    """CPU seconds (user + system) of one Tesseract CLI run on the image, on one thread.

    The issue's cost target compares preprocessing with this: the same page, Tesseract alone,
    one page at a time (OMP_THREAD_LIMIT=1), no Python in between.
    """
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        cv2.imwrite(str(png), image)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            ["tesseract", str(png), "-", "-l", ocr.lang, "--psm", str(ocr.psm)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@contextlib.contextmanager
def skew_nudged(degrees: float) -> Any:
    """While inside, every measured skew angle is offset by ``degrees`` (0: unchanged)."""
    original = preprocess_module.skew_decision

    def nudged(*args: Any, **kwargs: Any) -> dict[str, Any]:
        meta = original(*args, **kwargs)
        meta["angle"] = round(meta["angle"] + degrees, 3)
        return meta

    if degrees:
        preprocess_module.skew_decision = nudged
    try:
        yield
    finally:
        preprocess_module.skew_decision = original


def run_config(
    paths: list[Path],
    pre: PreprocessSettings,
    ocr: OcrSettings,
    noise: NoiseSettings,
    tesseract_cpu: bool = False,
) -> dict[str, Any]:
    """CER (raw, and with noise words dropped), per page, and seconds per page of one config."""
    dist = dist_noise = total = 0
    pre_s = ocr_s = tess_cpu = 0.0
    pages = []
    for path in paths:
        image = read_image(path)
        page_pre = math.inf
        for _ in range(3 if tesseract_cpu else 1):
            # Best of three when timing matters: the first call of a process also pays for
            # OpenCV's and numpy's first allocations, and the machine is shared.
            t = time.process_time()
            out, _meta = preprocess_page(image, pre)
            page_pre = min(page_pre, time.process_time() - t)
        pre_s += page_pre
        page_tess = tesseract_cpu_seconds(out, ocr) if tesseract_cpu else None
        tess_cpu += page_tess or 0.0
        words, seconds = cached_ocr(out, ocr)
        ocr_s += seconds
        reference = gt_path(path).read_text(encoding="utf-8")
        d, n = cer_counts(reference, page_text(words))
        cleaned = renumber_lines(mark_noise_words(words, out.shape[:2], noise))
        dn, _ = cer_counts(reference, page_text(cleaned))
        dist, dist_noise, total = dist + d, dist_noise + dn, total + n
        pages.append(
            {
                "page": path.name,
                "cer": d / max(n, 1),
                "cer_noise": dn / max(n, 1),
                "pre_s": page_pre,
                "tesseract_cpu_s": page_tess,
            }
        )
    k = max(len(paths), 1)
    return {
        "cer": dist / max(total, 1),
        "cer_noise": dist_noise / max(total, 1),
        "pre_s": pre_s / k,
        "ocr_s": ocr_s / k,
        "tesseract_cpu_s": tess_cpu / k if tesseract_cpu else None,
        "pages": pages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", help="comma-separated config names (default: all)")
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument("--psm", default="", help="extra psm values to compare on none/full, e.g. 4,6")
    parser.add_argument("--line-sample", type=int, default=30, help="print lines sampled (0 = all)")
    parser.add_argument("--lang", default="rus")
    parser.add_argument("--tesseract-config", default="", help="extra Tesseract options, e.g. '--user-words FILE'")
    parser.add_argument("--label", default="", help="suffix for config names in the table")
    parser.add_argument("--json", type=Path, help="write all figures here")
    parser.add_argument(
        "--tesseract-cpu",
        action="store_true",
        help="also time the Tesseract CLI (CPU s, one thread) on every preprocessed page",
    )
    parser.add_argument("--pages", action="store_true", help="also print CER per page against 'none'")
    parser.add_argument(
        "--skew-nudge",
        default="",
        help="comma-separated skew offsets (degrees) to rerun every config with, e.g. -0.03,0.03",
    )
    parser.add_argument(
        "--step-times",
        action="store_true",
        help="print CPU ms per preprocessing step of the full chain per page (no OCR) and exit",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    cv2.setNumThreads(1)  # measure preprocessing on one core, like one Tesseract process

    if args.step_times:
        sets = corpus_sets(args.line_sample)
        if args.sets:
            sets = {name: sets[name] for name in args.sets.split(",")}
        print_step_times(sets, FULL)
        return 0
    configs = _configs()
    if args.configs:
        wanted = [c.strip() for c in args.configs.split(",")]
        configs = {name: configs[name] for name in wanted}
    sets = corpus_sets(args.line_sample)
    if args.sets:
        sets = {name: sets[name] for name in args.sets.split(",")}
    noise = NoiseSettings()
    results: dict[str, dict[str, dict[str, Any]]] = {}
    runs = [(name + args.label, pre, None, 0.0) for name, pre in configs.items()]
    for psm in filter(None, args.psm.split(",")):
        for name in ("none", "full (default)"):
            runs.append((f"{name} psm {psm}", _configs()[name], int(psm), 0.0))
    nudges = [float(n) for n in filter(None, args.skew_nudge.split(","))]
    base = list(runs)
    runs += [(f"{name} skew {n:+g}°", pre, psm, n) for n in nudges if n for name, pre, psm, _ in base if pre.deskew]
    for name, pre, psm, nudge in runs:
        results[name] = {}
        for set_name, (paths, set_psm) in sets.items():
            ocr = OcrSettings(
                lang=args.lang,
                psm=psm if psm is not None and set_psm != 7 else set_psm,
                extra_config=args.tesseract_config,
            )
            with skew_nudged(nudge):
                results[name][set_name] = run_config(paths, pre, ocr, noise, args.tesseract_cpu)
            r = results[name][set_name]
            log.info(
                "%-24s %-18s CER %.4f  noise-filtered %.4f  pre %.2fs  ocr %.2fs",
                name,
                set_name,
                r["cer"],
                r["cer_noise"],
                r["pre_s"],
                r["ocr_s"],
            )
    print_tables(results, sets)
    if nudges:
        print_nudged(results, sets, [(name, n) for name, _pre, _psm, n in runs])
    if args.pages:
        print_pages(results, sets)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def print_tables(results: dict[str, dict[str, dict[str, Any]]], sets: dict[str, tuple[list[Path], int]]) -> None:
    """Markdown: CER per set (noise-filtered in brackets), pages worse than 'none', s/page."""
    names = list(sets)
    header = " | ".join(f"{s} (n={len(sets[s][0])})" for s in names)
    print(f"| config | {header} | pages worse than none by >1 pt |")
    print("|---" * (len(names) + 2) + "|")
    base = results.get("none") or next((r for n, r in results.items() if n.startswith("none")), None)
    for name, per_set in results.items():
        cells = [f"{per_set[s]['cer']:.4f} ({per_set[s]['cer_noise']:.4f})" for s in names]
        worse = []
        if base:
            for s in names:
                for p, b in zip(per_set[s]["pages"], base[s]["pages"], strict=True):
                    if p["cer"] > b["cer"] + 0.01:
                        worse.append(p["page"][:24])
        listed = f"{len(worse)}" + (f" ({', '.join(worse[:3])}{', ...' if len(worse) > 3 else ''})" if worse else "")
        print(f"| {name} | " + " | ".join(cells) + f" | {listed} |")
    print("\nCER micro-averaged; in brackets: after marking noise words (pipeline.noise defaults).\n")
    print("| config | " + " | ".join(f"{s} pre / OCR s/page" for s in names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for name, per_set in results.items():
        cells = [f"{per_set[s]['pre_s']:.2f} / {per_set[s]['ocr_s']:.2f}" for s in names]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nPreprocessing: CPU seconds, OpenCV on one thread; OCR: wall seconds when first read.")
    timed = [(n, r) for n, r in results.items() if any(r[s]["tesseract_cpu_s"] for s in names)]
    if timed:
        header = " | ".join(f"{s} pre / Tesseract CPU s (ratio; worst page)" for s in names)
        print(f"\n| config | {header} |")
        print("|---" * (len(names) + 1) + "|")
        for name, per_set in timed:
            cells = []
            for s in names:
                pre_s, tess = per_set[s]["pre_s"], per_set[s]["tesseract_cpu_s"] or 0.0
                worst = max(p["pre_s"] / max(p["tesseract_cpu_s"] or 0.0, 1e-9) for p in per_set[s]["pages"])
                cells.append(f"{pre_s:.3f} / {tess:.2f} ({pre_s / max(tess, 1e-9):.0%}; {worst:.0%})")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print("\nTesseract CPU: the CLI on the preprocessed page, OMP_THREAD_LIMIT=1, one at a time.")


def print_nudged(
    results: dict[str, dict[str, dict[str, Any]]],
    sets: dict[str, tuple[list[Path], int]],
    runs: list[tuple[str, float]],
) -> None:
    """Markdown: each deskewing config's CER averaged over its skew offsets (0 included)."""
    names = list(sets)
    base = {name for name, n in runs if n == 0.0}
    groups: dict[str, list[str]] = {}
    for name, n in runs:
        root = name if n == 0.0 else name.rsplit(" skew ", 1)[0]
        if root in base:
            groups.setdefault(root, []).append(name)
    print("\n| config (mean over skew offsets) | " + " | ".join(f"{s} mean [min, max]" for s in names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for root, members in groups.items():
        if len(members) < 2:
            continue
        cells = []
        for s in names:
            cers = [results[m][s]["cer"] for m in members]
            cells.append(f"{np.mean(cers):.4f} [{min(cers):.4f}, {max(cers):.4f}]")
        print(f"| {root} (n={len(members)}) | " + " | ".join(cells) + " |")


def print_pages(results: dict[str, dict[str, dict[str, Any]]], sets: dict[str, tuple[list[Path], int]]) -> None:
    """Markdown: CER of every page for every config, 'none' first; a change > 1 pt is marked."""
    names = list(results)
    base = next((n for n in names if n.startswith("none")), None)
    print("\n| set | page | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 2) + "|")
    for s in sets:
        for i, page in enumerate(results[names[0]][s]["pages"]):
            cells = []
            for n in names:
                cer = results[n][s]["pages"][i]["cer"]
                mark = ""
                if base and n != base:
                    b = results[base][s]["pages"][i]["cer"]
                    mark = " **worse**" if cer > b + 0.01 else ""
                cells.append(f"{cer:.4f}{mark}")
            print(f"| {s} | {page['page'][:40]} | " + " | ".join(cells) + " |")


class _StepClock(dict):  # type: ignore[type-arg]
    """A ``debug`` dict for preprocess_page that notes the CPU time since the previous step."""

    def __init__(self) -> None:
        super().__init__()
        self.last = time.process_time()
        self.ms: dict[str, float] = {}

    def __setitem__(self, key: str, value: Any) -> None:
        now = time.process_time()
        self.ms[key] = self.ms.get(key, 0.0) + (now - self.last) * 1000
        self.last = now
        super().__setitem__(key, value)


def print_step_times(sets: dict[str, tuple[list[Path], int]], pre: PreprocessSettings) -> None:
    """CPU ms of each step per page (a step's time includes the measuring done just before it:
    character height and the shared thumbnail with ``flatten``, skew, the text box and the
    rotation into it with ``deskew``, the line ends of the deskewed page with ``orient_half``).
    The total is a run without the clock: with it, deskew also renders the whole rotated page
    for its debug image, so its column overstates the real cost by one full-page rotation."""
    steps = ["remove_border", "flatten", "normalize_scale", "median", "orient_quarter", "deskew"]
    steps += ["despeckle", "orient_half", "crop"]
    print("| set | page | " + " | ".join(steps) + " | total ms |")
    print("|---" * (len(steps) + 3) + "|")
    for s, (paths, _psm) in sets.items():
        for path in paths:
            image = read_image(path)
            preprocess_page(image, pre)  # warm caches, so the clock sees steady-state cost
            t = time.process_time()
            preprocess_page(image, pre)
            total = (time.process_time() - t) * 1000
            clock = _StepClock()
            preprocess_page(image, pre, clock)
            cells = [f"{clock.ms[k]:.0f}" if k in clock.ms else "-" for k in steps]
            print(f"| {s} | {path.name[:32]} | " + " | ".join(cells) + f" | {total:.0f} |")


if __name__ == "__main__":
    raise SystemExit(main())
