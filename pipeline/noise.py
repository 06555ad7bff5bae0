"""Mark OCR words that are not typed text: specks, stamps, scribbles and scanner borders.

Tesseract reads every dark mark as something; on archive scans those readings make a large
share of the remaining errors. The words are kept (``words.json`` records them with the
reason) but marked, so ``page_text`` leaves them out. Call ``pipeline.ocr.renumber_lines``
afterwards so line numbers match the text. Thresholds are relative to the page's own median
word height and to the block of confidently read words, so they hold at any resolution.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, replace

from pipeline.types import Word

log = logging.getLogger(__name__)

# Marks Tesseract makes of specks, scratches and ruling; never typed on a Russian typewriter.
JUNK_CHARS = frozenset("|_`'‘’‚‛~^°©®#\\¦¬<>{}[]“”„")


@dataclass(frozen=True)
class NoiseSettings:
    """When a word counts as noise; set ``enabled = false`` to keep everything.

    Heights are fractions of the page's median word height. Tesseract's word confidence
    is unreliable on its own (real words often score 0 on faint typescript), so it only
    condemns words that are also mostly not letters.
    """

    enabled: bool = True
    tiny_height: float = 0.4
    huge_height: float = 2.6
    min_conf: float = 30.0
    symbol_min_conf: float = 50.0
    block_min_conf: float = 70.0
    block_margin: float = 2.0
    outside_max_conf: float = 60.0


def _has_alnum(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _reason(
    word: Word,
    median_h: float,
    block: tuple[float, float, float, float] | None,
    settings: NoiseSettings,
) -> str:
    text = word.text
    h = word.box.height
    n_alnum = sum(ch.isalnum() for ch in text)
    if h > settings.huge_height * median_h:
        return "huge box"
    if n_alnum == 0:
        if all(ch in JUNK_CHARS for ch in text) or word.conf < settings.symbol_min_conf:
            return "no letters"
        return ""
    if h < settings.tiny_height * median_h:
        return "tiny box"
    if word.conf < settings.min_conf and (n_alnum <= 1 or n_alnum < 0.5 * len(text)):
        return "low confidence"
    if block is not None and word.conf < settings.outside_max_conf:
        x0, y0, x1, y1 = block
        cx = word.box.left + word.box.width / 2
        cy = word.box.top + word.box.height / 2
        if not (x0 <= cx <= x1 and y0 <= cy <= y1):
            return "outside text block"
    return ""


def text_block(words: list[Word], median_h: float, settings: NoiseSettings) -> tuple[float, float, float, float] | None:
    """Bounding box of the confidently read real words, grown by a margin of a few line heights."""
    trusted = [w for w in words if w.conf >= settings.block_min_conf and sum(ch.isalpha() for ch in w.text) >= 3]
    # Only a page has a block: on a line image every word is on the one line.
    if len(trusted) < 5 or len({(w.block, w.par, w.line) for w in trusted}) < 3:
        return None
    m = settings.block_margin * median_h
    return (
        min(w.box.left for w in trusted) - m,
        min(w.box.top for w in trusted) - m,
        max(w.box.right for w in trusted) + m,
        max(w.box.bottom for w in trusted) + m,
    )


def mark_noise_words(words: list[Word], page_shape: tuple[int, int], settings: NoiseSettings) -> list[Word]:
    """Return the same words, with ``noise`` set to a short reason for those that are not text.

    Nothing is deleted and words already marked keep their reason. ``page_shape`` (height,
    width) bounds the text block when too few words are trusted to estimate it.
    """
    if not settings.enabled or not words:
        return list(words)
    heights = [w.box.height for w in words if _has_alnum(w.text) and w.conf >= settings.block_min_conf]
    if len(heights) < 5:
        heights = [w.box.height for w in words if _has_alnum(w.text)]
    if not heights:
        return [w if w.noise else replace(w, noise="no letters") for w in words]
    median_h = float(statistics.median(heights))
    block = text_block(words, median_h, settings)
    if block is not None:
        h, w_ = page_shape
        block = (
            max(0.0, block[0]),
            max(0.0, block[1]),
            min(float(w_), block[2]),
            min(float(h), block[3]),
        )
    marked = []
    for word in words:
        reason = word.noise or _reason(word, median_h, block, settings)
        marked.append(replace(word, noise=reason) if reason != word.noise else word)
    n = sum(1 for w in marked if w.noise)
    if n:
        log.debug("noise: %d of %d words marked", n, len(marked))
    return marked
