"""Benchmark the corrector on raw Tesseract output against ground truth; prints a markdown report.

Sets: the synthetic telegram pages and the real 1972 typewritten pages (raw Tesseract ``rus`` on
the unprocessed scan, cached under ``benchmarks/cache/ocr``). Words are compared after
collapsing whitespace: a GT word is "right" in a text when a token-level alignment
(difflib) matches it exactly. Fixed = right after correction but not before; broken = right
before but not after; changed-still-wrong = tokens the corrector changed that match no GT word.
CER = Levenshtein distance over code points (NFC, whitespace runs collapsed) / GT length,
micro-averaged per set.

Run: ``.venv/bin/python benchmarks/correction.py``
"""

from __future__ import annotations

import difflib
import re
import logging
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "models"))

from build_confusions import raw_ocr_words  # noqa: E402

from pipeline.correct import Corrector, CorrectSettings  # noqa: E402
from pipeline.lexicon import load_lexicon  # noqa: E402
from pipeline.ocr import page_text  # noqa: E402

SETS = {
    "synthetic": (Path("/work/shared/corpus/synthetic"), "*.tif"),
    "real typewritten 1972": (Path("/work/shared/corpus/real/soviet_time_capsules_1972"), "novosibirsk*.jpg"),
}
SEED = Path("/work/shared/seeds/telegram-21336.txt")


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


HYPHENATED = re.compile(r"([а-яёА-ЯЁ])-[ \t]*\n[ \t]*([а-яё])")


def dehyphenate(gt: str) -> str:
    """Join line-end hyphenation in a GT that keeps it (the 1972 letters), as the corrector does."""
    return HYPHENATED.sub(r"\1\2", gt)


def matched(tokens: list[str], gt: list[str]) -> set[int]:
    """Indices of GT tokens matched exactly by ``tokens`` in a difflib alignment."""
    out: set[int] = set()
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(None, gt, tokens, autojunk=False).get_opcodes():
        if tag == "equal":
            out.update(range(i1, i2))
            del j1
    return out


def changed_tokens(raw: list[str], corrected: list[str]) -> set[int]:
    """Indices of corrected tokens that are not carried over unchanged from the raw text."""
    out: set[int] = set()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, raw, corrected, autojunk=False).get_opcodes():
        if tag != "equal":
            out.update(range(j1, j2))
    return out


def matched_hyp(tokens: list[str], gt: list[str]) -> set[int]:
    out: set[int] = set()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, gt, tokens, autojunk=False).get_opcodes():
        if tag == "equal":
            out.update(range(j1, j2))
    return out


@dataclass
class Tally:
    gt_words: int = 0
    right_before: int = 0
    wrong_before: int = 0
    wrong_read: int = 0
    fixed: int = 0
    broken: int = 0
    changed_wrong: int = 0
    edits_raw: int = 0
    edits_corrected: int = 0
    gt_chars: int = 0
    pages: list[tuple[str, float, float, int]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("gt_words", "right_before", "wrong_before", "wrong_read", "fixed", "broken", "changed_wrong",
                     "edits_raw", "edits_corrected", "gt_chars"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def evaluate_page(corrector: Corrector, name: str, raw: str, gt: str, conf: dict[tuple[int, int], float]) -> Tally:
    corrected, _changes = corrector.correct_page(raw, 1, conf)
    g, r, c = normalise(gt).split(), normalise(raw).split(), normalise(corrected).split()
    before, after = matched(r, g), matched(c, g)
    changed = changed_tokens(r, c)
    wrong_changed = changed - matched_hyp(c, g)
    t = Tally()
    t.gt_words = len(g)
    t.right_before = len(before)
    t.wrong_before = len(g) - len(before)
    # Wrongly read = GT words Tesseract produced something for (replace), not words it lost.
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, g, r, autojunk=False).get_opcodes():
        if tag == "replace":
            t.wrong_read += i2 - i1
    t.fixed = len(after - before)
    t.broken = len(before - after)
    t.changed_wrong = len(wrong_changed)
    n = normalise(gt)
    t.gt_chars = len(n)
    t.edits_raw = Levenshtein.distance(n, normalise(raw))
    t.edits_corrected = Levenshtein.distance(n, normalise(corrected))
    t.pages.append((name, t.edits_raw / max(1, len(n)), t.edits_corrected / max(1, len(n)), len(g)))
    return t


def load_set(directory: Path, pattern: str) -> list[tuple[str, str, str, dict[tuple[int, int], float]]]:
    pages = []
    for image in sorted(directory.glob(pattern)):
        gt_file = image.with_name(image.stem + ".gt.txt")
        if not gt_file.exists():
            continue
        words = [w for w in raw_ocr_words(image) if not w.noise]
        raw = page_text(words)
        conf: dict[tuple[int, int], float] = {}
        index: dict[int, int] = {}
        for w in words:
            k = index.get(w.line, 0)
            conf[(w.line, k)] = w.conf
            index[w.line] = k + 1
        pages.append((image.stem, raw, dehyphenate(gt_file.read_text(encoding="utf-8")), conf))
    return pages


def seed_body(text: str) -> str:
    """The Russian body of the archive record: between the contents list and the English text."""
    start = text.index("ВТОРОЕ ГЛАВНОЕ")
    end = text.index("SECOND MAIN ADMINISTRATION")
    return text[start:end].strip()


def load_time() -> float:
    code = (
        "import time; t=time.perf_counter(); from pipeline.correct import Corrector, CorrectSettings; "
        "Corrector.load(CorrectSettings()); print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def speed(texts: list[str]) -> tuple[float, int]:
    """Words per second of a fresh Corrector (no per-word memo yet) over ``texts``."""
    corrector = Corrector(CorrectSettings(), load_lexicon())
    n_words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    for text in texts:
        corrector.correct_page(text)
    return n_words / (time.perf_counter() - t0), n_words


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    corrector = Corrector.load(CorrectSettings())
    print("## Correction benchmark (raw Tesseract `rus`, unprocessed scans)\n")
    print("| set | pages | GT words | right before | wrong before (read / lost) | fixed (% of read wrong) | broken (% of right) | changed, still wrong | CER raw | CER corrected |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    all_pages: list[tuple[str, float, float, int]] = []
    raw_texts: list[str] = []
    gt_texts: list[str] = []
    for set_name, (directory, pattern) in SETS.items():
        total = Tally()
        for name, raw, gt, conf in load_set(directory, pattern):
            total.add(page := evaluate_page(corrector, name, raw, gt, conf))
            total.pages += page.pages
            raw_texts.append(raw)
            gt_texts.append(gt)
        all_pages += total.pages
        print(
            f"| {set_name} | {len(total.pages)} | {total.gt_words} | {total.right_before} | "
            f"{total.wrong_read} / {total.wrong_before - total.wrong_read} | "
            f"{total.fixed} ({pct(total.fixed, total.wrong_read)}) | {total.broken} ({pct(total.broken, total.right_before)}) | "
            f"{total.changed_wrong} | {total.edits_raw / total.gt_chars:.4f} | {total.edits_corrected / total.gt_chars:.4f} |"
        )
    print("\n### Per page\n\n| page | GT words | CER raw | CER corrected |\n|---|---:|---:|---:|")
    for name, raw_cer, cor_cer, n in all_pages:
        flag = "" if cor_cer < raw_cer else (" (=)" if cor_cer == raw_cer else " **worse**")
        print(f"| {name} | {n} | {raw_cer:.4f} | {cor_cer:.4f}{flag} |")

    print("\n### telegram-21336.txt (the archive's own transcription), Russian body\n")
    body = seed_body(SEED.read_text(encoding="utf-8"))
    _text, changes = corrector.correct_text(body)
    print("| line | original | replacement | reason | score |\n|---:|---|---|---|---:|")
    for c in changes:
        print(f"| {c.line} | `{c.original}` | `{c.replacement}` | {c.reason} | {c.score:.2f} |")

    print("\n### Speed\n")
    ocr_speed, ocr_words = speed(raw_texts)
    gt_speed, gt_words = speed(gt_texts)
    print(f"- load (fresh process, warm index cache): {load_time():.2f} s")
    print(f"- raw OCR text: {ocr_speed:,.0f} words/s ({ocr_words} words, fresh corrector, one core)")
    print(f"- clean GT text: {gt_speed:,.0f} words/s ({gt_words} words)")


if __name__ == "__main__":
    main()
