"""Plain data passed between stages: words read by OCR, corrections, and their JSON forms."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Box:
    """Pixel rectangle on the preprocessed page image (left, top, width, height)."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass(frozen=True)
class Word:
    """One word as Tesseract read it.

    ``page`` is 1-based; ``line`` is the 1-based line number within the page's text as
    written to ``ocr.txt`` (blank lines between blocks count), so a word can be found in
    the text by (page, line) and in the image by ``box``. ``noise`` marks words judged to
    be specks, stamps or borders: they stay in ``words.json`` but not in the text.
    """

    page: int
    line: int
    text: str
    conf: float
    box: Box
    block: int = 0
    par: int = 0
    noise: str = ""

    def as_dict(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: its deep copies were a tenth of OCR's Python time.
        record = {f.name: getattr(self, f.name) for f in fields(self)}
        record["box"] = {f.name: getattr(self.box, f.name) for f in fields(self.box)}
        return record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Word:
        values = dict(data)
        values["box"] = Box(**values["box"])
        return cls(**values)


@dataclass(frozen=True)
class Correction:
    """One change made by the corrector; enough to show it, audit it and undo it.

    ``start``/``end`` are code-point offsets of ``original`` within its line of the
    uncorrected page text; ``line`` and ``page`` are 1-based.
    """

    page: int
    line: int
    start: int
    end: int
    original: str
    replacement: str
    reason: str
    score: float
    candidates: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Correction:
        return cls(**data)
