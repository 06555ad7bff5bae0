"""Tesseract, once per page, through pytesseract's data output: words, boxes, confidences.

The page text is built from those words (never from a second OCR call), so every
character of ``ocr.txt`` can be traced to a box on the scan. Only this module imports
pytesseract.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytesseract

from pipeline.errors import OcrFailed, TesseractLanguageMissing, TesseractMissing
from pipeline.types import Box, Word

log = logging.getLogger(__name__)

DEBIAN_LANGUAGE_PACKAGE = "tesseract-ocr-{lang}"


@dataclass(frozen=True)
class OcrSettings:
    """How Tesseract is called; every field changes the OCR output, so all are fingerprinted."""

    lang: str = "rus"
    psm: int = 3
    oem: int = 1
    timeout_s: float = 180.0
    extra_config: str = ""

    def tesseract_config(self) -> str:
        return f"--oem {self.oem} --psm {self.psm} {self.extra_config}".strip()


@lru_cache(maxsize=8)
def check_tesseract(lang: str) -> str:
    """Fail fast, with the Debian package to install, when Tesseract or a language is missing.

    Returns Tesseract's version string.
    """
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise TesseractMissing("tesseract not found on PATH; install it: apt-get install tesseract-ocr")
    try:
        version = str(pytesseract.get_tesseract_version())
        available = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as e:
        raise TesseractMissing(f"tesseract cannot run ({e}); install: apt-get install tesseract-ocr") from e
    for code in lang.split("+"):
        if code not in available:
            package = DEBIAN_LANGUAGE_PACKAGE.format(lang=code.lower().replace("_", "-"))
            raise TesseractLanguageMissing(
                f"Tesseract has no '{code}' language data; install it: apt-get install {package}"
            )
    return version


def _limit_tesseract_threads() -> None:
    # Tesseract's OpenMP threads fight with Luigi workers; one thread per process
    # lets N workers use N cores.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def ocr_page(image: np.ndarray | Path, page: int, settings: OcrSettings, source: str = "") -> list[Word]:
    """Read one preprocessed page; words carry (block, par) and a line number in page text.

    ``image`` may be the path of an image file already on disk: pytesseract then hands it to
    Tesseract as it is, instead of encoding an array to a temporary PNG (about 0.8 s for an A4
    page at 300 dpi, half of Tesseract's own time).
    """
    _limit_tesseract_threads()
    try:
        data = pytesseract.image_to_data(
            str(image) if isinstance(image, Path) else image,
            lang=settings.lang,
            config=settings.tesseract_config(),
            output_type=pytesseract.Output.DICT,
            timeout=settings.timeout_s,
        )
    except RuntimeError as e:
        # pytesseract signals its timeout with a bare RuntimeError.
        if "timeout" in str(e).lower():
            raise OcrFailed(
                source or f"page {page}", f"Tesseract timed out after {settings.timeout_s:g} s on page {page}"
            ) from e
        raise OcrFailed(source or f"page {page}", f"Tesseract failed on page {page}: {e}") from e
    except pytesseract.TesseractError as e:
        raise OcrFailed(source or f"page {page}", f"Tesseract failed on page {page}: {e.message}") from e
    words: list[Word] = []
    keys: list[tuple[int, int, int]] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        if data["level"][i] != 5 or not text:
            continue
        box = Box(int(data["left"][i]), int(data["top"][i]), int(data["width"][i]), int(data["height"][i]))
        block, par, line = int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i])
        words.append(Word(page=page, line=0, text=text, conf=float(data["conf"][i]), box=box, block=block, par=par))
        keys.append((block, par, line))
    return number_lines(words, keys)


def number_lines(words: list[Word], keys: list[tuple[int, int, int]]) -> list[Word]:
    """Give each word the 1-based line it will have in ``page_text`` (blank line between blocks)."""
    numbered: list[Word] = []
    line_no = 0
    previous: tuple[int, int, int] | None = None
    for word, key in zip(words, keys, strict=True):
        if key != previous:
            if previous is not None and key[0] != previous[0]:
                line_no += 1  # the blank line separating blocks
            line_no += 1
            previous = key
        numbered.append(replace(word, line=line_no))
    return numbered


def renumber_lines(words: list[Word]) -> list[Word]:
    """Renumber lines after some words were marked as noise, so text and words still agree."""
    kept = [w for w in words if not w.noise]
    keys = [(w.block, w.par, w.line) for w in kept]
    renumbered = iter(number_lines(kept, keys))
    return [replace(w, line=0) if w.noise else next(renumbered) for w in words]


def page_text(words: list[Word]) -> str:
    """The page's text: line k holds the non-noise words numbered k, joined by single spaces."""
    lines: dict[int, list[str]] = {}
    for word in words:
        if not word.noise:
            lines.setdefault(word.line, []).append(word.text)
    if not lines:
        return ""
    return "\n".join(" ".join(lines.get(n, [])) for n in range(1, max(lines) + 1))
