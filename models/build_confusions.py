"""Rebuild ``confusions.tsv``: OCR character confusions learned from raw-OCR / ground-truth pairs.

Each page of ``/work/shared/corpus/synthetic`` (or a corpus given as arguments) is read by
Tesseract ``rus`` on the unprocessed scan (cached under ``benchmarks/cache/ocr``, one page at a
time with ``OMP_THREAD_LIMIT=1``), its text aligned with the GT at character level
(Levenshtein opcodes on whitespace-collapsed text), and every short substitution (1-2 code
points on either side, no spaces) is counted. ``prob`` estimates P(OCR reads ``ocr`` | the page
has ``truth``) = count / occurrences of ``truth`` in the GT. A few confusions known from
Cyrillic OCR in general (``PRIORS``) are added with a small pseudo-count so that the table is
usable for pairs the development pages happen not to show; their rows say ``source=prior``.

Besides the corpus, pages are generated from the project's own texts in
``models/confusion_texts/`` (written for this purpose, in the register of the telegrams) with
``benchmarks/make_scans.render_page`` over a fixed plan of fonts, degradation levels and seeds
(``GENERATED_PLAN``), read by Tesseract the same way (cached under
``benchmarks/cache/ocr/generated__*.json``, keyed by a hash of text and plan), and their
confusions added: the synthetic corpus alone shows two fonts, and the held-out set has others.

Run: ``.venv/bin/python models/build_confusions.py [CORPUS_DIR ...]`` (``--no-generated`` skips the
generated pages).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.types import Word  # noqa: E402

CACHE = ROOT / "benchmarks" / "cache" / "ocr"
DEFAULT_CORPORA = [Path(__file__).resolve().parents[2] / "shared" / "corpus" / "synthetic"]
TEXTS = ROOT / "models" / "confusion_texts"
# (font, level, seed): fonts beyond the corpus's two, levels Tesseract still reads without
# preprocessing (heavy pages align as noise, not as confusions).
GENERATED_PLAN = [
    ("FreeMono", "mild", 101),
    ("FreeMono", "medium", 102),
    ("LiberationMono", "mild", 103),
    ("LiberationMono", "medium", 104),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "mild", 105),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "medium", 106),
]
MAX_GROUP = 2
PRIOR_COUNT = 2
# (ocr, truth): confusions typical of Tesseract on Cyrillic typewriting (general knowledge).
PRIORS = [
    ("И", "Ц"),
    ("и", "ц"),
    ("ш", "щ"),
    ("щ", "ш"),
    ("О", "Ю"),
    ("о", "ю"),
    ("ьı", "ы"),
    ("ьi", "ы"),
    ("ь1", "ы"),
    ("I", "1"),
    ("l", "1"),
    ("|", "1"),
    ("О", "0"),
    ("O", "0"),
    ("о", "0"),
    ("З", "3"),
    ("з", "3"),
    ("б", "6"),
    ("rn", "m"),
    ("п", "л"),
    ("л", "п"),
    ("н", "и"),
    ("и", "н"),
    ("з", "в"),
    ("в", "з"),
    ("е", "с"),
    ("с", "е"),
    ("т", "г"),
    ("г", "т"),
    ("ц", "п"),
    ("ии", "ш"),
    ("ш", "ии"),
    ("м", "и"),
    ("й", "и"),
    ("и", "й"),
    ("ы", "м"),
    ("к", "х"),
    ("х", "к"),
    ("а", "д"),
    ("ю", "к"),
    ("Н", "П"),
    ("П", "Н"),
    ("Б", "В"),
    ("В", "Б"),
    ("ф", "Ф"),
    ("9", "о"),
    ("0", "о"),
    ("3", "з"),
    ("1", "I"),
    ("о", "е"),
    ("е", "о"),
    ("а", "о"),
    ("о", "а"),
    ("ь", "ъ"),
    ("ъ", "ь"),
    ("т", "ш"),
    # Letters whose capital is its small letter grown, in a monospace typewriter face: OCR reads
    # them in either case (the table learns the others: в/В, п/П, с/С ...).
    ("Ч", "ч"),
    ("ч", "Ч"),
    ("Щ", "щ"),
    ("щ", "Щ"),
    ("Ц", "ц"),
    ("ц", "Ц"),
    ("Ю", "ю"),
    ("ю", "Ю"),
]


def ocr_cache_path(image: Path) -> Path:
    """Where the raw Tesseract words of one corpus page are cached."""
    return CACHE / f"{image.parent.name}__{image.stem}.json"


def raw_ocr_words(image: Path) -> list[Word]:
    """Tesseract ``rus`` words of an unprocessed page, from the cache or by running Tesseract once."""
    cached = ocr_cache_path(image)
    if cached.exists():
        return [Word.from_dict(d) for d in json.loads(cached.read_text(encoding="utf-8"))]
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    import cv2

    from pipeline.ocr import OcrSettings, ocr_page
    from pipeline.preprocess import to_gray

    gray = to_gray(cv2.imread(str(image), cv2.IMREAD_UNCHANGED))
    words = ocr_page(gray, 1, OcrSettings(), str(image))
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps([w.as_dict() for w in words], ensure_ascii=False), encoding="utf-8")
    return words


def generated_pages() -> list[tuple[str, str]]:
    """(OCR text, GT text) of every page generated from ``confusion_texts`` over ``GENERATED_PLAN``."""
    from benchmarks.make_scans import ground_truth, render_page, wrap_text

    out: list[tuple[str, str]] = []
    for source in sorted(TEXTS.glob("*.txt")):
        lines = wrap_text(source.read_text(encoding="utf-8"))
        gt = ground_truth(lines)
        for font, level, seed in GENERATED_PLAN:
            key = hashlib.sha256(f"{gt}|{font}|{level}|{seed}".encode()).hexdigest()[:12]
            cached = CACHE / f"generated__{source.stem}__{Path(font).stem}__{level}__{key}.json"
            if not cached.exists():
                os.environ.setdefault("OMP_THREAD_LIMIT", "1")
                from pipeline.ocr import OcrSettings, ocr_page

                image = render_page(lines, seed=seed, font=font, level=level, color=False)
                words = ocr_page(image, 1, OcrSettings(), cached.stem)
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text(json.dumps([w.as_dict() for w in words], ensure_ascii=False), encoding="utf-8")
            words = [Word.from_dict(d) for d in json.loads(cached.read_text(encoding="utf-8"))]
            out.append((" ".join(w.text for w in words if not w.noise), gt))
    return out


def gt_path(image: Path) -> Path:
    return image.with_name(image.stem + ".gt.txt")


def collapse(text: str) -> str:
    return " ".join(text.split())


def count_confusions(ocr: str, gt: str, counts: Counter[tuple[str, str]]) -> None:
    """Add the short substitutions of one aligned page to ``counts`` as (ocr, truth)."""
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(gt, ocr):
        if tag != "replace":
            continue
        truth, read = gt[i1:i2], ocr[j1:j2]
        if " " in truth or " " in read:
            continue
        if len(truth) == len(read):
            # Levenshtein pairs equal-length replaces position by position; keep them single.
            for t, r in zip(truth, read, strict=True):
                counts[(r, t)] += 1
        elif len(truth) <= MAX_GROUP and len(read) <= MAX_GROUP:
            counts[(read, truth)] += 1


def build(corpora: list[Path], generated: bool = True) -> list[tuple[str, str, int, float, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    gt_all: list[str] = []
    pairs: list[tuple[str, str]] = []
    for corpus in corpora:
        for image in sorted(p for p in corpus.iterdir() if p.suffix.lower() in {".tif", ".tiff", ".png", ".jpg"}):
            if not gt_path(image).exists():
                continue
            words = raw_ocr_words(image)
            pairs.append(
                (
                    " ".join(w.text for w in words if not w.noise),
                    gt_path(image).read_text(encoding="utf-8"),
                )
            )
    if generated:
        pairs += generated_pages()
    for raw, truth in pairs:
        gt, ocr = collapse(truth), collapse(raw)
        if len(ocr) < 0.5 * len(gt) or Levenshtein.normalized_distance(gt, ocr) > 0.5:
            continue  # a page Tesseract mostly lost aligns as noise, not as confusions
        count_confusions(ocr, gt, counts)
        gt_all.append(gt)
    corpus_text = "\n".join(gt_all)
    rows: list[tuple[str, str, int, float, str]] = []
    learned = set(counts)
    for ocr, truth in PRIORS:
        counts[(ocr, truth)] += PRIOR_COUNT
    for (ocr, truth), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        occurrences = len(re.findall(re.escape(truth), corpus_text)) + 2 * PRIOR_COUNT
        prob = min(0.5, n / occurrences)
        source = "learned" if (ocr, truth) in learned else "prior"
        rows.append((ocr, truth, n, prob, source))
    return rows


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--no-generated"]
    corpora = [Path(a) for a in args] or DEFAULT_CORPORA
    rows = build(corpora, generated="--no-generated" not in sys.argv)
    out = ROOT / "models" / "confusions.tsv"
    lines = ["# ocr\ttruth\tcount\tprob\tsource  (prob = P(OCR reads ocr | page has truth))\n"]
    lines += [f"{o}\t{t}\t{n}\t{p:.5f}\t{s}\n" for o, t, n, p, s in rows]
    out.write_text("".join(lines), encoding="utf-8")
    print(f"{out}: {len(rows)} confusions")


if __name__ == "__main__":
    main()
