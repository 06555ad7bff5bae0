"""Errors that carry their exit code and a one-line message naming the file and the fix.

Shaped after OCRmyPDF's ``exceptions.py``: ``cli.py`` has the only ``except ArkhivError``
that turns these into exit codes (see CONTRACT.md).
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit codes promised by CONTRACT.md."""

    ok = 0
    documents_failed = 1
    usage = 2


class ArkhivError(Exception):
    """Base of every error Arkhiv raises on purpose; the message is one line."""

    exit_code = ExitCode.usage

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


class UsageError(ArkhivError):
    """The command line or a config file is wrong."""


class EnvironmentProblem(ArkhivError):
    """Something the machine lacks; the message says how to install it."""


class TesseractMissing(EnvironmentProblem):
    """The tesseract binary is not on PATH; fix: apt-get install tesseract-ocr."""


class TesseractLanguageMissing(EnvironmentProblem):
    """Tesseract has no data for a language; fix: apt-get install tesseract-ocr-<lang>."""


class DocumentError(ArkhivError):
    """This document (or one of its pages) cannot be processed; the batch goes on."""

    exit_code = ExitCode.documents_failed

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = " ".join(str(problem).split())
        super().__init__(f"{self.path}: {self.problem}")


class UnreadableImage(DocumentError):
    """Not an image we can decode: empty, truncated, wrong format, encrypted PDF, ..."""


class ImageTooLarge(DocumentError):
    """The image's declared size exceeds the pixel limit (decompression-bomb guard)."""


class OcrFailed(DocumentError):
    """Tesseract failed or timed out on a page."""


class UnreadableTranscript(DocumentError):
    """A transcription file that cannot be decoded as text."""
