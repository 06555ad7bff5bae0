"""Arkhiv: OCR and transcription correction for typewritten Russian archival documents."""

__version__ = "0.1.0"
