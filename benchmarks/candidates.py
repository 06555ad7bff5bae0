"""Candidate lookup: Arkhiv's compact delete index against symspellpy over the same words.

Both implement SymSpell's symmetric-delete lookup (edit distance 2, prefix 7) and return the same
candidates (``tests/test_lexicon.py``); this prints how long each takes per misread word, and
symspellpy's build and pickle load times, to show why the pipeline keeps its own cached index.

    .venv/bin/python -m benchmarks.candidates
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from symspellpy import SymSpell, Verbosity

from pipeline.lexicon import load_lexicon

# Misreadings of the kind Tesseract makes on typescript (one or two wrong letters).
WORDS = [
    "вызвацо",
    "ночальником",
    "шачальник",
    "нейрерывно",
    "трварищу",
    "делс",
    "переговаров",
    "тсропливости",
    "арислать",
    "отпразлена",
    "отзоде",
    "проекг",
    "созетской",
    "риджузю",
    "генерапок",
    "азериканских",
]


def per_word_us(lookup, repeat: int = 20) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        for word in WORDS:
            lookup(word)
    return (time.perf_counter() - started) / repeat / len(WORDS) * 1e6


def main() -> None:
    lexicon = load_lexicon()
    started = time.perf_counter()
    reference = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in lexicon.words:
        reference.create_dictionary_entry(word, lexicon.counts.get(word, 1))
    build = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        pickle = Path(tmp) / "index.pickle"
        reference.save_pickle(pickle, compressed=False)
        started = time.perf_counter()
        SymSpell().load_pickle(pickle, compressed=False)
        load = time.perf_counter() - started
    ours = per_word_us(lambda w: lexicon.candidates(w, 2))
    theirs = per_word_us(lambda w: reference.lookup(w, Verbosity.ALL, max_edit_distance=2))
    print(f"{len(lexicon.words)} words indexed")
    print("| lookup | µs per misread word |\n|---|---:|")
    print(f"| Arkhiv's index (pipeline/lexicon.py) | {ours:.0f} |\n| symspellpy 6.10.1 | {theirs:.0f} |")
    print(f"\nsymspellpy: build {build:.1f} s, pickle load {load:.2f} s")


if __name__ == "__main__":
    main()
