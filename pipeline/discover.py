"""Find the documents in a scans folder, as CONTRACT.md defines them.

A document is one image/PDF file directly in SCANS (id = file stem) or a subfolder of page
images (id = folder name, pages in natural order). A transcription sits beside it as
``<id>.transcript.txt`` or inside the folder as ``transcript.txt``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import UsageError
from pipeline.files import DOCUMENT_SUFFIXES, IMAGE_SUFFIXES

log = logging.getLogger(__name__)

TRANSCRIPT_SUFFIX = ".transcript.txt"
FOLDER_TRANSCRIPT = "transcript.txt"


@dataclass(frozen=True)
class PageSource:
    """Where one page comes from: a file, and the page's 1-based index inside it."""

    path: Path
    index: int = 1


@dataclass
class Document:
    """One document to process; ``problem`` is set when it cannot even be planned."""

    doc_id: str
    source: Path
    transcript: Path | None = None
    pages: list[PageSource] = field(default_factory=list)
    problem: str = ""


def natural_key(name: str) -> list[object]:
    """Sort key that puts p2 before p10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _is_page_file(path: Path) -> bool:
    name = path.name.lower()
    return path.suffix.lower() in DOCUMENT_SUFFIXES and not name.startswith(".")


def _escapes(path: Path, root: Path) -> bool:
    """True for a symlink (or a path through one) that leads outside the scans folder."""
    try:
        path.resolve().relative_to(root)
    except ValueError:
        return True
    return False


def _folder_document(folder: Path, root: Path) -> Document | None:
    page_files = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES),
        key=lambda p: natural_key(p.name),
    )
    transcript = folder / FOLDER_TRANSCRIPT
    doc = Document(
        doc_id=folder.name,
        source=folder,
        transcript=transcript if transcript.is_file() else None,
        pages=[PageSource(p) for p in page_files],
    )
    if not page_files:
        return None
    escaping = [p.name for p in page_files if _escapes(p, root)]
    if escaping:
        doc.problem = f"symlink points outside the scans folder: {escaping[0]}"
    return doc


def discover(scans: Path) -> list[Document]:
    """Every document in ``scans``, sorted by id; documents that cannot be planned carry a problem."""
    if not scans.is_dir():
        raise UsageError(f"{scans}: not a folder of scans")
    root = scans.resolve()
    documents: dict[str, Document] = {}
    for entry in sorted(scans.iterdir(), key=lambda p: natural_key(p.name)):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            doc = _folder_document(entry, root)
        elif entry.is_file() and _is_page_file(entry):
            transcript = entry.with_name(entry.stem + TRANSCRIPT_SUFFIX)
            doc = Document(
                doc_id=entry.stem,
                source=entry,
                transcript=transcript if transcript.is_file() else None,
            )
        else:
            continue
        if doc is None:
            continue
        if _escapes(entry, root):
            doc.problem = "symlink points outside the scans folder"
        if doc.doc_id in documents:
            doc.doc_id = entry.name  # a.png beside a.pdf: keep both, the later by full name
        documents[doc.doc_id] = doc
    return list(documents.values())
