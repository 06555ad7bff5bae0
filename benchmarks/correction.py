"""Benchmark the corrector on raw Tesseract output against ground truth; prints a markdown report.

Sets: the synthetic telegram pages, the real 1972 typewritten pages and leaflet, and for each
telegram in ``GENERATED_SETS`` six pages the project's generator renders from its text in
``benchmarks/texts/`` (telegrams written for this benchmark, not to write rules from),
each read two ways: Tesseract ``rus``
on the unprocessed scan (cached under ``benchmarks/cache/ocr``) and Arkhiv's OCR stage. Words are compared after
collapsing whitespace: a GT word is "right" in a text when a token-level alignment
(difflib) matches it exactly. Fixed = right after correction but not before; broken = right
before but not after; changed-still-wrong = tokens the corrector changed that match no GT word.
CER = Levenshtein distance over code points (NFC, whitespace runs collapsed) / GT length,
micro-averaged per set.

Beside our corrector the same figures are given for a naive SymSpell (symspellpy, edit distance
2, wordfreq's top 200,000 Russian words, every unknown lower-cased word core replaced by its
top suggestion): the failure the corrector exists to beat. "Clean GT" rows run each corrector on
the ground truth itself, where every change breaks a right word. Coverage is the share of the
GT's Cyrillic word tokens that the dictionary knows (frequency list, domain lexicon, or
OpenCorpora via pymorphy3). The breakdown sorts the GT words still wrong after correction by
what is wrong with them.

Run: ``.venv/bin/python benchmarks/correction.py [--no-naive] [--examples N] [--speed-only]``
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import hashlib
import json
import logging
import math
import os
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "models"))

from build_confusions import raw_ocr_words  # noqa: E402

from pipeline.correct import Corrector, CorrectSettings  # noqa: E402
from pipeline.files import read_page  # noqa: E402
from pipeline.lexicon import load_lexicon  # noqa: E402
from pipeline.noise import mark_noise_words  # noqa: E402
from pipeline.ocr import ocr_page, page_text, renumber_lines  # noqa: E402
from pipeline.preprocess import preprocess_page  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from pipeline.types import Word  # noqa: E402

CACHE = ROOT / "benchmarks" / "cache"
# Pages the project's own generator renders from telegrams written for this benchmark (not from
# the corpora, and not looked at while the correction rules were written): unseen text in the
# genre. Each set: its text, its pages as (seed, font, degradation).
GENERATED = CACHE / "generated"
GENERATED_SETS = {
    "generated telegram 18452": (
        ROOT / "benchmarks" / "texts" / "telegram-18452.txt",
        (
            (101, "FreeMono", "mild"),
            (102, "FreeMono", "medium"),
            (103, "FreeMono", "heavy"),
            (104, "LiberationMono", "medium"),
            (105, "LiberationMono", "heavy"),
            (106, "FreeMono", "medium"),
        ),
    ),
    # Written in round 6, after the rules of that round; measured once.
    "generated telegram 27305": (
        ROOT / "benchmarks" / "texts" / "telegram-27305.txt",
        (
            (201, "LiberationMono", "mild"),
            (202, "FreeMono", "medium"),
            (203, "LiberationMono", "heavy"),
            (204, "LiberationMono", "medium"),
            (205, "FreeMono", "heavy"),
            (206, "FreeMono", "mild"),
        ),
    ),
    # Written in round 7, after the rules of that round; measured once.
    "generated telegram 31577": (
        ROOT / "benchmarks" / "texts" / "telegram-31577.txt",
        (
            (301, "FreeMono", "mild"),
            (302, "LiberationMono", "medium"),
            (303, "FreeMono", "heavy"),
            (304, "FreeMono", "medium"),
            (305, "LiberationMono", "heavy"),
            (306, "LiberationMono", "mild"),
        ),
    ),
    # Written in round 8, after the rules of that round; measured once.
    "generated telegram 40216": (
        ROOT / "benchmarks" / "texts" / "telegram-40216.txt",
        (
            (401, "LiberationMono", "mild"),
            (402, "FreeMono", "medium"),
            (403, "FreeMono", "heavy"),
            (404, "LiberationMono", "medium"),
            (405, "LiberationMono", "heavy"),
            (406, "FreeMono", "mild"),
        ),
    ),
    # Written in round 9, after the rules of that round, by a helper that read none of the code,
    # the tests or the other texts; measured once.
    "generated telegram 63894": (
        ROOT / "benchmarks" / "texts" / "telegram-63894.txt",
        (
            (501, "FreeMono", "medium"),
            (502, "LiberationMono", "mild"),
            (503, "LiberationMono", "heavy"),
            (504, "FreeMono", "mild"),
            (505, "FreeMono", "heavy"),
            (506, "LiberationMono", "medium"),
        ),
    ),
    # Written at the end of round 9, after all its rules and the second pass, by a helper that
    # read none of the code, the tests or the README; measured once.
    "generated telegram 52739": (
        ROOT / "benchmarks" / "texts" / "telegram-52739.txt",
        (
            (601, "LiberationMono", "medium"),
            (602, "FreeMono", "mild"),
            (603, "FreeMono", "heavy"),
            (604, "LiberationMono", "mild"),
            (605, "LiberationMono", "heavy"),
            (606, "FreeMono", "medium"),
        ),
    ),
    # Written in round 10 by a helper that read none of the code, the tests or the README, before
    # that round's gazetteer was measured; measured once, on the round's final engine.
    "generated telegram 74152": (
        ROOT / "benchmarks" / "texts" / "telegram-74152.txt",
        (
            (701, "FreeMono", "medium"),
            (702, "LiberationMono", "mild"),
            (703, "LiberationMono", "heavy"),
            (704, "FreeMono", "mild"),
            (705, "FreeMono", "heavy"),
            (706, "LiberationMono", "medium"),
        ),
    ),
    # Written in round 10 by another helper that read none of the code, the tests or the README,
    # after 74152 had been measured; kept unread until measured once, on round 10's final engine.
    "generated telegram 85317": (
        ROOT / "benchmarks" / "texts" / "telegram-85317.txt",
        (
            (801, "LiberationMono", "medium"),
            (802, "FreeMono", "mild"),
            (803, "FreeMono", "heavy"),
            (804, "LiberationMono", "mild"),
            (805, "LiberationMono", "heavy"),
            (806, "FreeMono", "medium"),
        ),
    ),
    # Written in round 12 by a fifth helper that read none of the code, the tests or the README;
    # kept unread until measured once near the round's end (the rules after that measure left its
    # figures as they were).
    "generated telegram 47902": (
        ROOT / "benchmarks" / "texts" / "telegram-47902.txt",
        (
            (901, "FreeMono", "mild"),
            (902, "LiberationMono", "medium"),
            (903, "LiberationMono", "heavy"),
            (904, "FreeMono", "medium"),
            (905, "FreeMono", "heavy"),
            (906, "LiberationMono", "mild"),
        ),
    ),
    # Written in round 13 by a sixth helper that read none of the code, the tests or the README;
    # kept unread until measured once on the round's final engine.
    "generated telegram 36158": (
        ROOT / "benchmarks" / "texts" / "telegram-36158.txt",
        (
            (1001, "LiberationMono", "medium"),
            (1002, "FreeMono", "heavy"),
            (1003, "FreeMono", "mild"),
            (1004, "LiberationMono", "heavy"),
            (1005, "LiberationMono", "mild"),
            (1006, "FreeMono", "medium"),
        ),
    ),
    # Written in round 14 by a seventh helper that read none of the code, the tests or the README;
    # kept unread until measured once on the round's final engine.
    "generated telegram 58204": (
        ROOT / "benchmarks" / "texts" / "telegram-58204.txt",
        (
            (1101, "FreeMono", "medium"),
            (1102, "LiberationMono", "heavy"),
            (1103, "LiberationMono", "mild"),
            (1104, "FreeMono", "heavy"),
            (1105, "FreeMono", "mild"),
            (1106, "LiberationMono", "medium"),
        ),
    ),
    # Written in round 15 by an eighth helper that read none of the code, the tests or the README,
    # as one long telegram; its first six paragraphs, two by two under the same header and footer,
    # make three telegrams of a page each. Kept unread until measured once on the round's final engine.
    "generated telegram 69417": (
        ROOT / "benchmarks" / "texts" / "telegram-69417.txt",
        (
            (1201, "LiberationMono", "mild"),
            (1202, "FreeMono", "heavy"),
            (1203, "FreeMono", "medium"),
            (1204, "LiberationMono", "heavy"),
            (1205, "FreeMono", "mild"),
            (1206, "LiberationMono", "medium"),
        ),
    ),
    "generated telegram 69418": (
        ROOT / "benchmarks" / "texts" / "telegram-69418.txt",
        (
            (1301, "FreeMono", "medium"),
            (1302, "LiberationMono", "heavy"),
            (1303, "LiberationMono", "mild"),
            (1304, "FreeMono", "heavy"),
            (1305, "LiberationMono", "medium"),
            (1306, "FreeMono", "mild"),
        ),
    ),
    "generated telegram 69419": (
        ROOT / "benchmarks" / "texts" / "telegram-69419.txt",
        (
            (1401, "LiberationMono", "heavy"),
            (1402, "FreeMono", "mild"),
            (1403, "LiberationMono", "medium"),
            (1404, "FreeMono", "medium"),
            (1405, "LiberationMono", "mild"),
            (1406, "FreeMono", "heavy"),
        ),
    ),
    # Written in round 16 by a ninth helper that read none of the code, the tests or the README:
    # three telegrams of a page each, on other matters than the sets above (Peking 1950, Berlin
    # 1953, Pyongyang 1952). Kept unread until measured once on round 15's final engine.
    "generated telegram 71203": (
        ROOT / "benchmarks" / "texts" / "telegram-71203.txt",
        (
            (1501, "FreeMono", "mild"),
            (1502, "LiberationMono", "heavy"),
            (1503, "FreeMono", "medium"),
            (1504, "LiberationMono", "medium"),
            (1505, "FreeMono", "heavy"),
            (1506, "LiberationMono", "mild"),
        ),
    ),
    "generated telegram 71204": (
        ROOT / "benchmarks" / "texts" / "telegram-71204.txt",
        (
            (1601, "LiberationMono", "medium"),
            (1602, "FreeMono", "heavy"),
            (1603, "LiberationMono", "mild"),
            (1604, "FreeMono", "medium"),
            (1605, "LiberationMono", "heavy"),
            (1606, "FreeMono", "mild"),
        ),
    ),
    "generated telegram 71205": (
        ROOT / "benchmarks" / "texts" / "telegram-71205.txt",
        (
            (1701, "FreeMono", "heavy"),
            (1702, "LiberationMono", "mild"),
            (1703, "FreeMono", "medium"),
            (1704, "LiberationMono", "heavy"),
            (1705, "FreeMono", "mild"),
            (1706, "LiberationMono", "medium"),
        ),
    ),
    # Written in round 16 by a tenth helper that read none of the code, the tests, the README or
    # the other texts: three more telegrams (Mukden 1951, Budapest 1953, the Viet Bac 1954), kept
    # unread until measured once on round 16's engine, after all its rules.
    "generated telegram 72301": (
        ROOT / "benchmarks" / "texts" / "telegram-72301.txt",
        (
            (1801, "LiberationMono", "mild"),
            (1802, "FreeMono", "medium"),
            (1803, "LiberationMono", "heavy"),
            (1804, "FreeMono", "mild"),
            (1805, "LiberationMono", "medium"),
            (1806, "FreeMono", "heavy"),
        ),
    ),
    "generated telegram 72302": (
        ROOT / "benchmarks" / "texts" / "telegram-72302.txt",
        (
            (1901, "FreeMono", "heavy"),
            (1902, "LiberationMono", "medium"),
            (1903, "FreeMono", "mild"),
            (1904, "LiberationMono", "heavy"),
            (1905, "FreeMono", "medium"),
            (1906, "LiberationMono", "mild"),
        ),
    ),
    "generated telegram 72303": (
        ROOT / "benchmarks" / "texts" / "telegram-72303.txt",
        (
            (2001, "LiberationMono", "medium"),
            (2002, "FreeMono", "mild"),
            (2003, "LiberationMono", "mild"),
            (2004, "FreeMono", "heavy"),
            (2005, "LiberationMono", "heavy"),
            (2006, "FreeMono", "medium"),
        ),
    ),
    # Written in round 17 by an eleventh helper that read none of the code, the tests, the README
    # or the other texts: three more telegrams (Sofia 1950, Ulan Bator 1952, Kaesong 1951), kept
    # unread until measured once on round 16's final engine.
    "generated telegram 73401": (
        ROOT / "benchmarks" / "texts" / "telegram-73401.txt",
        (
            (2101, "FreeMono", "medium"),
            (2102, "LiberationMono", "heavy"),
            (2103, "FreeMono", "mild"),
            (2104, "LiberationMono", "mild"),
            (2105, "FreeMono", "heavy"),
            (2106, "LiberationMono", "medium"),
        ),
    ),
    "generated telegram 73402": (
        ROOT / "benchmarks" / "texts" / "telegram-73402.txt",
        (
            (2201, "LiberationMono", "heavy"),
            (2202, "FreeMono", "mild"),
            (2203, "LiberationMono", "medium"),
            (2204, "FreeMono", "heavy"),
            (2205, "LiberationMono", "mild"),
            (2206, "FreeMono", "medium"),
        ),
    ),
    "generated telegram 73403": (
        ROOT / "benchmarks" / "texts" / "telegram-73403.txt",
        (
            (2301, "FreeMono", "mild"),
            (2302, "LiberationMono", "medium"),
            (2303, "FreeMono", "heavy"),
            (2304, "LiberationMono", "heavy"),
            (2305, "FreeMono", "medium"),
            (2306, "LiberationMono", "mild"),
        ),
    ),
    # Written in round 18 by a twelfth helper that read none of the code, the tests, the README
    # or the other texts: three more telegrams (Prague 1952, Peking 1953, Berlin 1953), kept
    # unread until measured once on round 17's final engine.
    "generated telegram 75601": (
        ROOT / "benchmarks" / "texts" / "telegram-75601.txt",
        (
            (2401, "LiberationMono", "medium"),
            (2402, "FreeMono", "heavy"),
            (2403, "LiberationMono", "mild"),
            (2404, "FreeMono", "mild"),
            (2405, "LiberationMono", "heavy"),
            (2406, "FreeMono", "medium"),
        ),
    ),
    "generated telegram 75602": (
        ROOT / "benchmarks" / "texts" / "telegram-75602.txt",
        (
            (2501, "FreeMono", "heavy"),
            (2502, "LiberationMono", "mild"),
            (2503, "FreeMono", "medium"),
            (2504, "LiberationMono", "heavy"),
            (2505, "FreeMono", "mild"),
            (2506, "LiberationMono", "medium"),
        ),
    ),
    "generated telegram 75603": (
        ROOT / "benchmarks" / "texts" / "telegram-75603.txt",
        (
            (2601, "LiberationMono", "mild"),
            (2602, "FreeMono", "medium"),
            (2603, "LiberationMono", "heavy"),
            (2604, "FreeMono", "heavy"),
            (2605, "LiberationMono", "medium"),
            (2606, "FreeMono", "mild"),
        ),
    ),
    # Written in round 20 by a thirteenth helper that read none of the code, the tests, the README
    # or the other texts: three more telegrams (Warsaw 1952, Vienna 1954, Tehran 1951), kept
    # unread until measured once on round 19's final engine.
    "generated telegram 76701": (
        ROOT / "benchmarks" / "texts" / "telegram-76701.txt",
        (
            (2701, "FreeMono", "medium"),
            (2702, "LiberationMono", "heavy"),
            (2703, "FreeMono", "mild"),
            (2704, "LiberationMono", "mild"),
            (2705, "FreeMono", "heavy"),
            (2706, "LiberationMono", "medium"),
        ),
    ),
    "generated telegram 76702": (
        ROOT / "benchmarks" / "texts" / "telegram-76702.txt",
        (
            (2801, "FreeMono", "mild"),
            (2802, "LiberationMono", "mild"),
            (2803, "FreeMono", "heavy"),
            (2804, "LiberationMono", "medium"),
            (2805, "FreeMono", "medium"),
            (2806, "LiberationMono", "heavy"),
        ),
    ),
    "generated telegram 76703": (
        ROOT / "benchmarks" / "texts" / "telegram-76703.txt",
        (
            (2901, "FreeMono", "heavy"),
            (2902, "LiberationMono", "medium"),
            (2903, "FreeMono", "medium"),
            (2904, "LiberationMono", "heavy"),
            (2905, "FreeMono", "mild"),
            (2906, "LiberationMono", "mild"),
        ),
    ),
}
SETS = {
    "synthetic": (SHARED / "corpus" / "synthetic", "*.tif"),
    "real typewritten 1972": (
        SHARED / "corpus" / "real" / "soviet_time_capsules_1972",
        "novosibirsk*.jpg",
    ),
    "real printed leaflet 1972": (
        SHARED / "corpus" / "real" / "soviet_time_capsules_1972",
        "rostov*.jpg",
    ),
    **{name: (GENERATED / name.rsplit(" ", 1)[-1], "*.png") for name in GENERATED_SETS},
}
# What the corrector is given: Tesseract on the unprocessed scan, or Arkhiv's own OCR stage
# (default preprocessing, Tesseract, noise words marked) -- the text it corrects in production.
SOURCES = ("unprocessed", "pipeline")
SEED = SHARED / "seeds" / "telegram-21336.txt"
# A page whose raw CER is above this is unreadable without preprocessing; reported apart as well.
UNREADABLE_CER = 0.5
# The degradations the rendered pages (synthetic and generated sets) are named by.
DEGRADATIONS = ("mild", "medium", "heavy")
NAIVE_WORDS = 200_000

Page = tuple[str, str, str, dict[tuple[int, int], float]]
CorrectFn = Callable[[str, dict[tuple[int, int], float]], str]


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def matched(tokens: list[str], gt: list[str], side: str = "gt") -> set[int]:
    """Indices of exact matches in a difflib alignment of ``tokens`` with ``gt``: of the GT
    tokens (``side="gt"``) or of ``tokens`` themselves (``side="tokens"``)."""
    return set(matches(tokens, gt) if side == "gt" else matches(tokens, gt).values())


def paired(a: list[str], b: list[str]) -> dict[int, int]:
    """Index in ``a`` -> index in ``b`` of each token a difflib alignment of the two matches exactly."""
    out: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in opcodes(a, b):
        if tag == "equal":
            out.update((i, j1 + i - i1) for i in range(i1, i2))
    return out


def matches(tokens: list[str], gt: list[str]) -> dict[int, int]:
    """GT token index -> index of the token it is matched to exactly."""
    return paired(gt, tokens)


def carried(raw: list[str], corrected: list[str]) -> dict[int, int]:
    """Raw token index -> index of the same token carried over unchanged into the corrected text."""
    return paired(raw, corrected)


def changed_tokens(raw: list[str], corrected: list[str]) -> set[int]:
    """Indices of corrected tokens that are not carried over unchanged from the raw text."""
    return set(range(len(corrected))) - set(carried(raw, corrected).values())


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
    # Per page: (name, CER raw, CER corrected, GT words, edits raw, edits corrected, GT characters).
    pages: list[tuple[str, float, float, int, int, int, int]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in (
            "gt_words",
            "right_before",
            "wrong_before",
            "wrong_read",
            "fixed",
            "broken",
            "changed_wrong",
            "edits_raw",
            "edits_corrected",
            "gt_chars",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.pages += other.pages


def evaluate_page(name: str, raw: str, gt: str, corrected: str) -> Tally:
    g, r, c = normalise(gt).split(), normalise(raw).split(), normalise(corrected).split()
    right_raw, right_corrected = matches(r, g), matches(c, g)
    before, after = set(right_raw), set(right_corrected)
    # A word the corrector left as read is neither fixed nor broken, even where the alignment
    # of the corrected text pairs it differently (a mended neighbour shifts difflib's choice).
    kept = carried(r, c)
    kept_after = set(kept.values())
    t = Tally()
    t.gt_words = len(g)
    t.right_before = len(before)
    t.wrong_before = len(g) - len(before)
    # Wrongly read = GT words Tesseract produced something for (replace), not words it lost.
    for tag, i1, i2, _j1, _j2 in opcodes(g, r):
        if tag == "replace":
            t.wrong_read += i2 - i1
    t.fixed = sum(1 for i in after - before if right_corrected[i] not in kept_after)
    t.broken = sum(1 for i in before - after if right_raw[i] not in kept)
    t.changed_wrong = len(changed_tokens(r, c) - matched(c, g, side="tokens"))
    n = normalise(gt)
    t.gt_chars = len(n)
    t.edits_raw = Levenshtein.distance(n, normalise(raw))
    t.edits_corrected = Levenshtein.distance(n, normalise(corrected))
    chars = max(1, len(n))
    t.pages.append(
        (name, t.edits_raw / chars, t.edits_corrected / chars, len(g), t.edits_raw, t.edits_corrected, len(n))
    )
    return t


PUNCT = re.compile(r"[^\w-]")


def classify(gt_word: str, read: str) -> str:
    """Why ``read`` (the aligned corrected token) is not ``gt_word``."""
    if read.lower() == gt_word.lower():
        return "case only"
    g, r = PUNCT.sub("", gt_word), PUNCT.sub("", read)
    if g == r:
        return "punctuation only"
    if g.lower() == r.lower():
        return "case + punctuation"
    if re.search(r"\d", gt_word + read):
        return "digits involved"
    d = Levenshtein.distance(g.lower(), r.lower())
    return "letters, 1 edit" if d == 1 else "letters, 2 edits" if d == 2 else "letters, 3+ edits"


def breakdown(gt: str, corrected: str, counts: Counter[str], examples: dict[str, list[str]]) -> None:
    """Count the GT words still wrong after correction by category."""
    g, c = normalise(gt).split(), normalise(corrected).split()
    for tag, i1, i2, j1, j2 in opcodes(g, c):
        if tag == "delete":
            counts["lost (no token)"] += i2 - i1
        elif tag == "replace" and "".join(g[i1:i2]) == "".join(c[j1:j2]):
            # The same characters with blanks elsewhere: mostly a GT typed without a blank after a
            # comma (гова,Герои), which the corrector rightly leaves as Tesseract spaced it.
            counts["blanks only"] += i2 - i1
            examples["blanks only"].append(f"{' '.join(g[i1:i2])} ← {' '.join(c[j1:j2])}")
        elif tag == "replace" and i2 - i1 != j2 - j1:
            counts["split / merged / garbled run"] += i2 - i1
            examples["split / merged / garbled run"].append(f"{' '.join(g[i1:i2])} ← {' '.join(c[j1:j2])}")
        elif tag == "replace":
            for k in range(i2 - i1):
                cat = classify(g[i1 + k], c[j1 + k])
                counts[cat] += 1
                examples[cat].append(f"{c[j1 + k]}→{g[i1 + k]}")


def pipeline_ocr_words(image: Path) -> list[Word]:
    """Arkhiv's OCR stage on ``image`` with default settings, cached by the stage code and settings."""
    settings = Settings()
    stage_code = b"".join((ROOT / "pipeline" / f"{m}.py").read_bytes() for m in ("preprocess", "ocr", "noise"))
    key = hashlib.sha256(
        stage_code + repr((settings.preprocess, settings.ocr, settings.noise)).encode() + image.read_bytes()
    ).hexdigest()[:16]
    cached = CACHE / "pipeline_ocr" / f"{image.stem}__{key}.json"
    if cached.exists():
        return [Word.from_dict(d) for d in json.loads(cached.read_text(encoding="utf-8"))]
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    page, _meta = preprocess_page(read_page(image, 1), settings.preprocess)
    words = ocr_page(page, 1, settings.ocr, str(image))
    words = renumber_lines(mark_noise_words(words, page.shape[:2], settings.noise))
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps([w.as_dict() for w in words], ensure_ascii=False), encoding="utf-8")
    return words


def render_generated() -> None:
    """Render the generated sets' pages and their ground truth once (deterministic from the seeds)."""
    import cv2

    from benchmarks.make_scans import ground_truth, wrap_text

    for name, (text, pages) in GENERATED_SETS.items():
        lines = wrap_text(text.read_text(encoding="utf-8"))
        directory = GENERATED / name.rsplit(" ", 1)[-1]
        directory.mkdir(parents=True, exist_ok=True)
        for seed, font, level in pages:
            image = directory / f"gen{seed}_{font}_{level}.png"
            if not image.exists():
                cv2.imwrite(str(image), render_typed(lines, seed, font, level))
                image.with_name(image.stem + ".gt.txt").write_text(ground_truth(lines), encoding="utf-8")


def render_typed(lines: list[str], seed: int, font: str, level: str) -> Any:
    """A generated page at one and a half spacing, or single-spaced when its lines do not fit an
    A4 page so (a longer telegram: typists single-spaced those), or on a sheet just long enough
    when not even those fit (round 16's 72301-72303, a few lines over: OCR reads a page the same
    whatever its length, and the benchmark compares one page with one ground truth)."""
    from benchmarks.make_scans import render_page

    for spacing, page_size in ((1.5, "A4"), (1.0, "A4"), (1.0, None)):
        try:
            return render_page(
                lines, seed=seed, font=font, level=level, color=False, spacing=spacing, page_size=page_size
            )
        except ValueError as e:
            if "do not fit" not in str(e):
                raise
    raise AssertionError("a page of no size fits")  # page_size=None always fits


def load_set(directory: Path, pattern: str, source: str = "unprocessed") -> list[Page]:
    pages = []
    for image in sorted(directory.glob(pattern)):
        gt_file = image.with_name(image.stem + ".gt.txt")
        if not gt_file.exists():
            continue
        read = pipeline_ocr_words if source == "pipeline" else raw_ocr_words
        words = [w for w in read(image) if not w.noise]
        raw = page_text(words)
        conf: dict[tuple[int, int], float] = {}
        index: dict[int, int] = {}
        for w in words:
            k = index.get(w.line, 0)
            conf[(w.line, k)] = w.conf
            index[w.line] = k + 1
        pages.append((image.stem, raw, gt_file.read_text(encoding="utf-8"), conf))
    return pages


def seed_body(text: str) -> str:
    """The Russian body of the archive record: between the contents list and the English text."""
    start = text.index("ВТОРОЕ ГЛАВНОЕ")
    end = text.index("SECOND MAIN ADMINISTRATION")
    return text[start:end].strip()


# ---- the naive baseline -------------------------------------------------------------------
NAIVE_CORE = re.compile(r"^([^\w]*)([а-яёА-ЯЁ]+(?:-[а-яёА-ЯЁ]+)*)([^\w]*)$")


def naive_symspell() -> CorrectFn:
    """symspellpy over wordfreq's top 200k Russian words: every unknown word core -> top suggestion."""
    import wordfreq
    from symspellpy import SymSpell, Verbosity

    pickle_path = CACHE / f"naive_symspell_{NAIVE_WORDS}.pickle"
    sym = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    if pickle_path.is_file():
        sym.load_pickle(pickle_path)
    else:
        for i, word in enumerate(wordfreq.iter_wordlist("ru", wordlist="large")):
            if i >= NAIVE_WORDS:
                break
            sym.create_dictionary_entry(word, max(1, round(wordfreq.word_frequency(word, "ru", "large") * 1e9)))
        pickle_path.parent.mkdir(parents=True, exist_ok=True)
        sym.save_pickle(pickle_path)
    memo: dict[str, str] = {}

    def fix_token(token: str) -> str:
        m = NAIVE_CORE.match(token)
        if not m:
            return token
        lead, core, trail = m.groups()
        low = core.lower()
        if low not in memo:
            hits = sym.lookup(low, Verbosity.TOP, max_edit_distance=2)
            memo[low] = hits[0].term if hits else low
        best = memo[low]
        if best == low:
            return token
        if core.isupper() and len(core) > 1:
            best = best.upper()
        elif core[0].isupper():
            best = best[:1].upper() + best[1:]
        return lead + best + trail

    def correct(text: str, _conf: dict[tuple[int, int], float]) -> str:
        return "\n".join(" ".join(fix_token(t) for t in line.split()) for line in text.split("\n"))

    return correct


# ---- report ---------------------------------------------------------------------------------
def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def row(label: str, t: Tally) -> str:
    return (
        f"| {label} | {len(t.pages)} | {t.gt_words} | {t.right_before} | "
        f"{t.wrong_read} / {t.wrong_before - t.wrong_read} | "
        f"{t.fixed} ({pct(t.fixed, t.wrong_read)}) | {t.broken} ({pct(t.broken, t.right_before)}) | "
        f"{t.changed_wrong} | {t.edits_raw / max(1, t.gt_chars):.4f} | {t.edits_corrected / max(1, t.gt_chars):.4f} |"
    )


HEADER = (
    "| set | pages | GT words | right before | wrong before (read / lost) | fixed (% of read wrong) | "
    "broken (% of right) | changed, still wrong | CER raw | CER corrected |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def run_sets(correct: CorrectFn, data: dict[str, list[Page]], clean: bool = False) -> dict[str, Tally]:
    """Tallies per set (and its readable pages); ``clean`` feeds the GT itself as the input."""
    out: dict[str, Tally] = {}
    for set_name, pages in data.items():
        total, readable = Tally(), Tally()
        for name, raw, gt, conf in pages:
            source = gt if clean else raw
            page = evaluate_page(name, source, gt, correct(source, {} if clean else conf))
            total.add(page)
            if page.pages[0][1] < UNREADABLE_CER:
                readable.add(page)
        out[set_name] = total
        if not clean and len(readable.pages) < len(total.pages):
            out[f"{set_name}, readable pages (raw CER < {UNREADABLE_CER})"] = readable
    return out


def coverage(data: dict[str, list[Page]], seed: str) -> list[tuple[str, int, int]]:
    lexicon = load_lexicon()
    word = re.compile(r"[а-яёА-ЯЁ]+(?:-[а-яёА-ЯЁ]+)*")
    texts = {name: " ".join(gt for _n, _r, gt, _c in pages) for name, pages in data.items()}
    texts["telegram-21336 (archive transcription)"] = seed
    out = []
    for name, text in texts.items():
        tokens = [t.lower() for t in word.findall(text)]
        known = sum(1 for t in tokens if lexicon.is_word(t) or t in lexicon.domain)
        out.append((name, known, len(tokens)))
    return out


def load_time() -> float:
    code = (
        "import time; t=time.perf_counter(); from pipeline.correct import Corrector, CorrectSettings; "
        "Corrector.load(CorrectSettings()); print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def cold_corrector(settings: CorrectSettings | None = None) -> Corrector:
    """A corrector with empty memos over the loaded lexicon, whose is-word cache is emptied too:
    the first pages of a run."""
    lexicon = load_lexicon()
    lexicon._known_cache.clear()
    return Corrector(settings or CorrectSettings(), lexicon)


def speed(texts: list[str], repeat: int = 3) -> tuple[float, float, int]:
    """Words per second over ``texts`` after loading, best of ``repeat`` runs: (cold, warm, words).

    Cold: a fresh Corrector (empty token and channel memos) over a lexicon whose is-word cache is
    emptied too, i.e. the first pages of a run. Warm: the same texts again through that corrector,
    whose memos now hold every token (OCR text repeats its words; a long run approaches this).
    """
    n_words = sum(len(t.split()) for t in texts)
    cold = warm = 0.0
    for _ in range(repeat):
        corrector = cold_corrector()
        for label in ("cold", "warm"):
            t0 = time.perf_counter()
            for text in texts:
                corrector.correct_page(text)
            rate = n_words / (time.perf_counter() - t0)
            if label == "cold":
                cold = max(cold, rate)
            else:
                warm = max(warm, rate)
    return cold, warm, n_words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-naive", action="store_true", help="skip the naive SymSpell baseline")
    parser.add_argument("--examples", type=int, default=0, help="examples to list per breakdown category")
    parser.add_argument("--speed-only", action="store_true", help="only the speed figures")
    parser.add_argument(
        "--cost-of", metavar="SETTING", help="only the time a boolean [correct] setting costs, on against off"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    render_generated()
    if args.cost_of:
        print_setting_cost({n: load_set(d, p, "pipeline") for n, (d, p) in SETS.items()}, args.cost_of)
        return
    if args.speed_only:
        print_speed({source: {n: load_set(d, p, source) for n, (d, p) in SETS.items()} for source in SOURCES})
        return
    corrector = Corrector.load(CorrectSettings())

    def ours(text: str, conf: dict[tuple[int, int], float]) -> str:
        return corrector.correct_page(text, 1, conf)[0]

    sources = {
        source: {name: load_set(directory, pattern, source) for name, (directory, pattern) in SETS.items()}
        for source in SOURCES
    }
    titles = {
        "pipeline": "Arkhiv's OCR stage (default preprocessing, Tesseract `rus`, noise words marked)",
        "unprocessed": "Tesseract `rus` on the unprocessed scans",
    }
    results: dict[str, dict[str, Tally]] = {}
    for source in ("pipeline", "unprocessed"):
        print(f"## Correction benchmark: {titles[source]}\n")
        print(HEADER)
        results[source] = run_sets(ours, sources[source])
        for name, t in results[source].items():
            print(row(name, t))
        if source == "unprocessed" and not args.no_naive:
            naive = naive_symspell()
            for name, t in run_sets(naive, sources[source]).items():
                print(row(f"naive SymSpell: {name}", t))
        print()
    naive = None if args.no_naive else naive_symspell()
    data = sources["pipeline"]
    print("\n### On the clean ground truth (every change breaks a right word)\n")
    print("| corrector | set | GT words | broken (% of words) |\n|---|---|---:|---:|")
    for label, fn in (("ours", ours), ("naive SymSpell", naive)):
        if fn is None:
            continue
        for name, t in run_sets(fn, data, clean=True).items():
            print(f"| {label} | {name} | {t.gt_words} | {t.broken} ({pct(t.broken, t.right_before)}) |")

    print("\n### Per page\n\n| page | GT words | OCR input | CER raw | CER corrected |\n|---|---:|---|---:|---:|")
    for source in ("pipeline", "unprocessed"):
        for name in SETS:
            for page, raw_cer, cor_cer, n, *_counts in results[source][name].pages:
                flag = "" if cor_cer < raw_cer else (" (=)" if cor_cer == raw_cer else " **worse**")
                print(f"| {page} | {n} | {source} | {raw_cer:.4f} | {cor_cer:.4f}{flag} |")
    print_page_types(results)

    print("\n### GT words still wrong after correction on Arkhiv's OCR, by category (readable pages)\n")
    print("| category | " + " | ".join(SETS) + " |\n|---|" + "---:|" * len(SETS))
    counts = {name: Counter[str]() for name in SETS}
    examples: dict[str, list[str]] = defaultdict(list)
    for name, pages in data.items():
        for page, raw, gt, conf in pages:
            if evaluate_page(page, raw, gt, raw).pages[0][1] < UNREADABLE_CER:
                breakdown(gt, ours(raw, conf), counts[name], examples)
    cats = sorted({c for n in counts.values() for c in n}, key=lambda c: -sum(n[c] for n in counts.values()))
    for cat in cats:
        print(f"| {cat} | " + " | ".join(str(counts[n][cat]) for n in SETS) + " |")
    if args.examples:
        for cat in cats:
            print(f"- {cat}: " + "; ".join(f"`{e}`" for e in examples[cat][: args.examples]))

    body = seed_body(SEED.read_text(encoding="utf-8"))
    print("\n### Dictionary coverage (share of GT Cyrillic word tokens the dictionary knows)\n")
    print("| text | tokens | known |\n|---|---:|---:|")
    for name, known, total in coverage(data, body):
        print(f"| {name} | {total} | {known} ({pct(known, total)}) |")

    print("\n### telegram-21336.txt (the archive's own transcription), Russian body\n")
    _text, changes = corrector.correct_text(body)
    print("| line | original | replacement | reason | score |\n|---:|---|---|---|---:|")
    for c in changes:
        print(f"| {c.line} | `{c.original}` | `{c.replacement}` | {c.reason} | {c.score:.2f} |")

    print_speed(sources)


def degradation(page: str) -> str:
    """A rendered page's degradation, from its name (``dev02_t01_A_heavy``); "" for a real scan."""
    suffix = page.rsplit("_", 1)[-1]
    return suffix if suffix in DEGRADATIONS else ""


def print_page_types(results: dict[str, dict[str, Tally]]) -> None:
    """CER raw and corrected over each page type (micro-averaged), for each OCR input."""
    print("\n### By page type (CER over all pages of the type)\n")
    print("| set | degradation | OCR input | pages | CER raw | CER corrected |\n|---|---|---|---:|---:|---:|")
    for source, tallies in results.items():
        for set_name in SETS:  # not the readable-pages subsets: their pages are in the sets
            by_kind: dict[str, list[int]] = {}
            for page, _raw, _cor, _n, edits_raw, edits_corrected, chars in tallies[set_name].pages:
                totals = by_kind.setdefault(degradation(page), [0, 0, 0, 0])
                for k, value in enumerate((1, edits_raw, edits_corrected, chars)):
                    totals[k] += value
            for kind in sorted(by_kind, key=lambda d: DEGRADATIONS.index(d) if d else -1):
                pages, edits_raw, edits_corrected, chars = by_kind[kind]
                raw, corrected = edits_raw / max(1, chars), edits_corrected / max(1, chars)
                flag = "" if corrected < raw else (" (=)" if corrected == raw else " **worse**")
                print(f"| {set_name} | {kind or '-'} | {source} | {pages} | {raw:.4f} | {corrected:.4f}{flag} |")


def print_speed(sources: dict[str, dict[str, list[Page]]]) -> None:
    from pipeline import native

    mode = "compiled with mypyc" if native.is_active() else "pure Python"
    print(f"\n### Speed (after loading, one core; correction modules {mode})\n")
    print(f"- load (fresh process, warm index cache): {load_time():.2f} s")
    texts = {
        "Arkhiv's OCR": [raw for pages in sources["pipeline"].values() for _n, raw, _g, _c in pages],
        "Tesseract on the unprocessed scans": [
            raw for pages in sources["unprocessed"].values() for _n, raw, _g, _c in pages
        ],
        "clean GT": [gt for pages in sources["pipeline"].values() for _n, _r, gt, _c in pages],
    }
    for label, group in texts.items():
        cold, warm, words = speed(group)
        print(
            f"- {label} ({words} words, best of 3): cold corrector {cold:,.0f} words/s, warm memo {warm:,.0f} words/s"
        )
    by_set = {name: [raw for _n, raw, _g, _c in pages] for name, pages in sources["pipeline"].items()}
    rate, words = batch_speed(by_set)
    print(
        f"- Arkhiv's OCR as a long batch ({words} words, best of 3): {rate:,.0f} words/s, each set corrected"
        " after the other sets through the same corrector"
    )


def print_setting_cost(sets: dict[str, list[Page]], setting: str, repeat: int = 7) -> None:
    """The least CPU time of ``repeat`` cold runs with a boolean setting on and off, the two
    alternated so that the machine's drift falls on both alike."""
    texts = {
        "Arkhiv's OCR": [raw for pages in sets.values() for _n, raw, _g, _c in pages],
        "clean GT": [gt for pages in sets.values() for _n, _r, gt, _c in pages],
    }
    print(f"\n### Cost of `{setting}` (least CPU time of {repeat} cold runs each, alternated)\n")
    for label, group in texts.items():
        best = {True: math.inf, False: math.inf}
        for _ in range(repeat):
            for on in (True, False):
                corrector = cold_corrector(dataclasses.replace(CorrectSettings(), **{setting: on}))
                t0 = time.process_time()
                for text in group:
                    corrector.correct_page(text)
                best[on] = min(best[on], time.process_time() - t0)
        cost = best[True] / best[False] - 1
        print(f"- {label}: {best[True] * 1000:.0f} ms on, {best[False] * 1000:.0f} ms off ({cost:+.0%})")


def batch_speed(sets: dict[str, list[str]], repeat: int = 3) -> tuple[float, int]:
    """Words per second over each set of pages corrected after all the other sets, through one
    corrector: the memo a long batch has built, on pages it has not seen (``speed``'s warm memo
    has seen the very pages it times)."""
    total_words, total_seconds = 0, 0.0
    for held, texts in sets.items():
        best = math.inf
        for _ in range(repeat):
            corrector = cold_corrector()
            for other, other_texts in sets.items():
                if other != held:
                    for text in other_texts:
                        corrector.correct_page(text)
            t0 = time.perf_counter()
            for text in texts:
                corrector.correct_page(text)
            best = min(best, time.perf_counter() - t0)
        total_words += sum(len(t.split()) for t in texts)
        total_seconds += best
    return total_words / total_seconds, total_words


if __name__ == "__main__":
    main()
