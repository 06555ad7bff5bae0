"""Arkhiv: OCR and transcription correction for typewritten Russian archival documents."""

from pipeline import native as _native

__version__ = "0.1.0"

# The correction modules compiled for the current sources, when built (python -m pipeline.native).
_native.activate(__path__)
