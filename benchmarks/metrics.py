"""The corpus's scoring rule, shared by the benchmarks.

NFC, every whitespace run collapsed to one space (line breaks and indentation do not
count), then Levenshtein distance over code points divided by the reference length,
micro-averaged over pages. WER is the same over space-separated words.
"""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def char_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance, reference length) on normalised text."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    return Levenshtein.distance(ref, hyp), len(ref)


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    ref, hyp = normalise(reference).split(), normalise(hypothesis).split()
    return Levenshtein.distance(ref, hyp), len(ref)


def rate(errors: int, total: int) -> float:
    return errors / total if total else 0.0
