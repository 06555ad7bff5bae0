"""A document's failures on disk: one record per failed task, and ``error.json`` made from them.

A failed task writes its own record, ``<doc>/work/failed/<stage>-<page>.json``, and removes
only that record when it later succeeds. ``<doc>/error.json``, the file users and the summary
read, is rewritten from the records whenever they change and again when the summary is
built. With one shared ``error.json``, two tasks of one document on different workers, one
failing and one succeeding at the same moment, could lose the failure (the success removing
the file the failure had just written); records per task cannot be lost that way, and a stale
``error.json`` is brought back in line with them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline import files
from pipeline.errors import DocumentError

log = logging.getLogger(__name__)

ERROR_FILE = "error.json"
RECORDS_DIR = Path("work") / "failed"


def describe_failure(error: BaseException, source: str) -> str:
    """One line naming the file and what is wrong with it."""
    if isinstance(error, DocumentError):
        return str(error)
    detail = " ".join(str(error).split()) or type(error).__name__
    return f"{source}: {type(error).__name__}: {detail}"


def _record_path(doc_dir: Path, stage: str, page: int) -> Path:
    return doc_dir / RECORDS_DIR / f"{stage}-{page:04d}.json"


def record_failure(doc_dir: Path, stage: str, error: BaseException, source: str, page: int = 0) -> dict[str, Any]:
    """Record that ``stage`` (of ``page``, 0 for the whole document) failed, and update ``error.json``."""
    record = {
        "stage": stage,
        "page": page or None,
        "type": type(error).__name__,
        "message": describe_failure(error, source),
    }
    files.write_json_atomic(_record_path(doc_dir, stage, page), record)
    sync_error_file(doc_dir)
    return record


def clear_failure(doc_dir: Path, stage: str, page: int = 0) -> bool:
    """Remove this task's failure record (its work has now succeeded); True if there was one."""
    path = _record_path(doc_dir, stage, page)
    if not path.exists():
        return False
    path.unlink(missing_ok=True)
    sync_error_file(doc_dir)
    log.info("%s: earlier %s failure cleared", doc_dir.name, stage)
    return True


def failure_records(doc_dir: Path) -> list[dict[str, Any]]:
    """Every failure record of the document, by page (the whole-document ones first), then stage."""
    records_dir = doc_dir / RECORDS_DIR
    if not records_dir.is_dir():
        return _adopt_legacy_error_file(doc_dir)
    records = []
    for path in sorted(records_dir.glob("*.json")):
        try:
            record = files.read_json(path)
        except (OSError, ValueError):
            continue  # being replaced this instant; the next read sees it
        if isinstance(record, dict):
            records.append(record)
    return sorted(records, key=lambda r: (r.get("page") or 0, str(r.get("stage"))))


def _adopt_legacy_error_file(doc_dir: Path) -> list[dict[str, Any]]:
    """An ``error.json`` written before records existed becomes the document's one record."""
    error = read_error_file(doc_dir)
    if error is None or "stage" not in error:
        return []
    record = {k: error.get(k) for k in ("stage", "page", "type", "message")}
    files.write_json_atomic(_record_path(doc_dir, str(record["stage"]), record.get("page") or 0), record)
    return [record]


def sync_error_file(doc_dir: Path) -> dict[str, Any] | None:
    """Rewrite (or remove) ``error.json`` from the records; returns what it now holds.

    ``error.json`` names the first failure (lowest page); ``other_failures`` counts the rest.
    """
    records = failure_records(doc_dir)
    path = doc_dir / ERROR_FILE
    if not records:
        path.unlink(missing_ok=True)
        return None
    error = dict(records[0])
    if len(records) > 1:
        error["other_failures"] = len(records) - 1
    if read_error_file(doc_dir) != error:
        files.write_json_atomic(path, error)
    return error


def read_error_file(doc_dir: Path) -> dict[str, Any] | None:
    """The document's ``error.json`` as it stands, or None when there is none (or it cannot be read)."""
    try:
        data = files.read_json(doc_dir / ERROR_FILE)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def forget_failures(doc_dir: Path, obsolete: Callable[[dict[str, Any]], bool]) -> int:
    """Drop the records ``obsolete`` says no task can clear any more; returns how many."""
    dropped = 0
    for record in failure_records(doc_dir):
        if obsolete(record):
            _record_path(doc_dir, str(record["stage"]), record.get("page") or 0).unlink(missing_ok=True)
            dropped += 1
    if dropped:
        sync_error_file(doc_dir)
    return dropped
