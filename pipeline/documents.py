"""A document's folder in the output: reading and writing its files around the pure stages.

``regenerate.py`` decides what ``transcript.txt`` says; this module finds the documents of an
output folder, reads ``corrected.txt``, ``diff.json`` and ``decisions.json``, and writes the
transcript and the re-anchored decisions atomically.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline import files
from pipeline.errors import UsageError
from pipeline.regenerate import as_file, empty_decisions, reanchor_decisions, regenerate

log = logging.getLogger(__name__)


def regenerate_document(doc_dir: Path) -> list[dict]:
    """Write ``transcript.txt`` (and the re-anchored ``decisions.json``) for one document.

    Returns the decisions that could not be re-anchored, each with ``doc_id``. A document
    without ``diff.json`` (no transcription) gets ``corrected.txt`` as its transcript.
    """
    doc_id = doc_dir.name
    corrected = (doc_dir / "corrected.txt").read_text(encoding="utf-8")
    diff_path, decisions_path = doc_dir / "diff.json", doc_dir / "decisions.json"
    diff = files.read_json(diff_path) if diff_path.exists() else {"hunks": []}
    decisions = files.read_json(decisions_path) if decisions_path.exists() else empty_decisions(doc_id)
    text, problems = regenerate(corrected, diff, decisions)
    anchored, _ = reanchor_decisions(decisions, diff)
    if decisions_path.exists() and anchored != as_file(decisions):
        anchored["doc_id"] = doc_id
        files.write_json_atomic(decisions_path, anchored)
    files.write_text_atomic(doc_dir / "transcript.txt", text)
    for p in problems:
        log.warning("%s: decision for hunk %s not applied: %s", doc_id, p.get("hunk_id"), p.get("reason"))
    return [{"doc_id": doc_id, **p} for p in problems]


def document_dirs(out_dir: Path) -> dict[str, Path]:
    """Documents in an output folder: subfolders holding a ``corrected.txt``."""
    if not out_dir.is_dir():
        return {}
    return {p.name: p for p in sorted(out_dir.iterdir()) if p.is_dir() and (p / "corrected.txt").is_file()}


def regenerate_dir(out_dir: Path, doc_ids: list[str] | None = None) -> list[dict]:
    """``arkhiv regenerate DIR [DOC ...]``: every (or the named) document's transcript.txt.

    Raises UsageError when DIR has no documents or a named document is not in it.
    Returns the decisions not applied (``doc_id``, ``hunk_id``, ``choice``, ``reason``...).
    """
    known = document_dirs(out_dir)
    if not known:
        raise UsageError(f"{out_dir}: no documents (no <doc>/corrected.txt); run 'arkhiv run' first")
    wanted = doc_ids or list(known)
    missing = [d for d in wanted if d not in known]
    if missing:
        raise UsageError(f"{out_dir}: no such document(s): {', '.join(missing)}")
    problems: list[dict] = []
    for doc_id in wanted:
        problems.extend(regenerate_document(known[doc_id]))
    return problems
