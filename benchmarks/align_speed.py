"""How long alignment takes on a 100-page document (~300,000 characters); issue 5 asks < 5 s.

The transcription is the synthetic corpus's ground truth repeated to ~300,000 characters
(paragraphs joined, archive-style line breaks); the "corrected OCR" is the same text with
typewriter-OCR noise: ~4 % of letters confused (ш/щ, и/н, о/с, ...), some words split or
joined, page breaks every ~3,000 characters. Run: .venv/bin/python benchmarks/align_speed.py [NOISE, default 0.04]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from pipeline.align import AlignSettings, character_error_rate, default_is_word, diff_document

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "synthetic"
CONFUSIONS = {"ш": "щ", "щ": "ш", "и": "н", "н": "и", "о": "с", "е": "с", "З": "3", "б": "6", "л": "п", "Ц": "И"}


def make_pair(target: int = 300_000, seed: int = 5, noise: float = 0.04) -> tuple[str, str]:
    rng = random.Random(seed)
    source = " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.gt.txt")))
    words = source.split()
    transcript_words: list[str] = []
    while sum(len(w) + 1 for w in transcript_words) < target:
        transcript_words.extend(words)
    transcript = " ".join(transcript_words)[:target]
    noisy: list[str] = []
    for w in transcript.split(" "):
        chars = [CONFUSIONS.get(c, c) if rng.random() < noise else c for c in w]
        w2 = "".join(chars)
        r = rng.random()
        if r < 0.01 and len(w2) > 3:
            w2 = w2[:2] + " " + w2[2:]
        elif r < 0.02 and noisy:
            noisy[-1] += w2
            continue
        noisy.append(w2)
    lines, line = [], []
    for w in noisy:
        line.append(w)
        if sum(len(x) + 1 for x in line) > 62:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line))
    pages = ["\n".join(lines[i : i + 48]) for i in range(0, len(lines), 48)]
    transcript_lines = [" ".join(transcript_words[i : i + 90]) for i in range(0, len(transcript_words), 90)]
    return "\f".join(pages), "\n\n".join(transcript_lines)[:target]


def main() -> None:
    noise = float(sys.argv[1]) if len(sys.argv) > 1 else 0.04
    corrected, transcript = make_pair(noise=noise)
    print(f"corrected {len(corrected)} chars, {corrected.count(chr(12)) + 1} pages; transcript {len(transcript)} chars")
    default_is_word("прошу")  # load the dictionary outside the timing
    t0, c0 = time.perf_counter(), time.process_time()
    diff = diff_document(corrected, transcript, ocr=corrected, words=[], corrections=[], settings=AlignSettings())
    t1, c1 = time.perf_counter(), time.process_time()
    print(
        f"diff_document: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU, {len(diff['hunks'])} hunks, "
        f"CER {diff['cer']:.4f}, WER {diff['wer']:.4f}"
    )
    t0, c0 = time.perf_counter(), time.process_time()
    cer, n = character_error_rate(" ".join(transcript.split()), " ".join(corrected.split()))
    t1, c1 = time.perf_counter(), time.process_time()
    print(f"character_error_rate: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU, CER {cer:.4f} over {n} clusters")


if __name__ == "__main__":
    main()
