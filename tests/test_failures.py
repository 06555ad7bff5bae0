"""Failure records per task, and the document's error.json made from them."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline import failures
from pipeline.errors import UnreadableImage


def _error(doc_dir: Path) -> dict | None:
    path = doc_dir / failures.ERROR_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def test_a_failure_names_stage_page_and_file(tmp_path: Path) -> None:
    failures.record_failure(tmp_path, "preprocess", UnreadableImage(Path("scan.png"), "is empty"), "scan.png", 2)
    error = _error(tmp_path)
    assert error is not None
    assert (error["stage"], error["page"], error["type"]) == ("preprocess", 2, "UnreadableImage")
    assert "scan.png" in error["message"] and "\n" not in error["message"]


def test_one_task_succeeding_does_not_clear_another_tasks_failure(tmp_path: Path) -> None:
    failures.record_failure(tmp_path, "ocr", RuntimeError("timed out"), "a.tif", 1)
    failures.record_failure(tmp_path, "ocr", RuntimeError("timed out"), "a.tif", 3)
    assert _error(tmp_path)["page"] == 1 and _error(tmp_path)["other_failures"] == 1
    assert failures.clear_failure(tmp_path, "ocr", 1)
    error = _error(tmp_path)
    assert error["page"] == 3 and "other_failures" not in error
    assert not failures.clear_failure(tmp_path, "preprocess", 3)  # not the task that failed
    assert failures.clear_failure(tmp_path, "ocr", 3)
    assert _error(tmp_path) is None and failures.failure_records(tmp_path) == []


def test_a_lost_error_file_is_restored_from_the_records(tmp_path: Path) -> None:
    # Two workers: one task fails while another task of the document succeeds and rewrites
    # error.json from what it saw a moment before. The record survives and wins.
    failures.record_failure(tmp_path, "correct", ValueError("bad"), "doc.txt")
    (tmp_path / failures.ERROR_FILE).unlink()
    error = failures.sync_error_file(tmp_path)
    assert error is not None and error["stage"] == "correct"
    assert _error(tmp_path) == error


def test_an_error_file_from_before_records_is_adopted(tmp_path: Path) -> None:
    legacy = {"stage": "ocr", "page": 2, "type": "OcrFailed", "message": "a.tif: Tesseract failed"}
    (tmp_path / failures.ERROR_FILE).write_text(json.dumps(legacy), encoding="utf-8")
    assert failures.failure_records(tmp_path) == [legacy]
    assert failures.clear_failure(tmp_path, "ocr", 2)
    assert _error(tmp_path) is None


def test_forgetting_obsolete_records(tmp_path: Path) -> None:
    failures.record_failure(tmp_path, "discover", ValueError("no pages"), "doc")
    failures.record_failure(tmp_path, "ocr", ValueError("x"), "doc", 5)
    assert failures.forget_failures(tmp_path, lambda r: r["stage"] == "discover") == 1
    assert _error(tmp_path)["stage"] == "ocr"
