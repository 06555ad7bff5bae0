"""Rebuild ``ru_frequency.txt``: wordfreq's Russian list in SymSpell's "word count" format.

Only purely Cyrillic words (optionally hyphenated) are kept: wordfreq's list also holds
mixed-script tokens such as ``чтo`` (Latin o) that OCR produces and that must never count
as words. Counts are frequencies scaled to parts per 10^9, so they are integers >= 1.

Run: ``.venv/bin/python models/build_frequency.py [N]`` (N = how many words, default 120000).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import wordfreq

HERE = Path(__file__).resolve().parent
WORD = re.compile(r"^[а-яё]+(?:-[а-яё]+)*$")


def build(n_words: int = 120_000) -> list[tuple[str, int]]:
    """Most frequent Cyrillic words with integer counts, most frequent first."""
    rows: list[tuple[str, int]] = []
    for word in wordfreq.iter_wordlist("ru", wordlist="large"):
        if not WORD.match(word):
            continue
        count = round(wordfreq.word_frequency(word, "ru", wordlist="large") * 1e9)
        if count < 1:
            break
        rows.append((word, count))
        if len(rows) >= n_words:
            break
    return rows


def main() -> None:
    n_words = int(sys.argv[1]) if len(sys.argv) > 1 else 120_000
    rows = build(n_words)
    out = HERE / "ru_frequency.txt"
    out.write_text("".join(f"{w} {c}\n" for w, c in rows), encoding="utf-8")
    print(f"{out}: {len(rows)} words, {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
