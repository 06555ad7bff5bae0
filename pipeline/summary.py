"""The batch's ``summary.json``, built from what is on disk, never from Luigi's return value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pipeline import __version__, failures, files

STAGES = ("preprocess", "ocr", "correct", "diff")


def _read_marker(path: Path) -> dict[str, Any] | None:
    try:
        return files.read_json(path)
    except (OSError, ValueError):
        return None


def _stage_timings(work: Path) -> dict[str, float]:
    timings: dict[str, float] = {}
    for stage in STAGES:
        markers = [work / f"{stage}.json"] + sorted(work.glob(f"{stage}-*.json"))
        seconds = [m.get("seconds", 0.0) for m in map(_read_marker, markers) if m]
        if seconds:
            timings[stage] = round(sum(seconds), 3)
    return timings


def document_summary(out_dir: Path, plan: dict[str, Any], fingerprints: dict[str, str]) -> dict[str, Any]:
    """Status of one planned document: done, failed (with its error) or incomplete."""
    doc_dir = out_dir / plan["doc_id"]
    work = doc_dir / "work"
    final_stage = "diff" if plan.get("transcript") else "correct"
    final = _read_marker(work / f"{final_stage}.json")
    error = failures.sync_error_file(doc_dir)  # the records are the truth; error.json follows them
    done = bool(final) and final.get("fingerprint") == fingerprints[final_stage] and not error
    entry: dict[str, Any] = {
        "doc_id": plan["doc_id"],
        "source": plan["source"],
        "transcript": plan.get("transcript") or None,
        "status": "done" if done else ("failed" if error else "incomplete"),
        "error": error,
        "pages": len(plan.get("pages", [])),
        "timings": _stage_timings(work),
    }
    ocr_marker = _read_marker(work / "gather.json") or {}
    if ocr_marker.get("blank_pages"):
        entry["notes"] = [f"page {n} is blank" for n in ocr_marker["blank_pages"]]
    correct_marker = _read_marker(work / "correct.json") or {}
    if "corrections" in correct_marker:
        entry["corrections"] = correct_marker["corrections"]
    diff_marker = _read_marker(work / "diff.json") or {}
    if diff_marker:
        entry["cer"], entry["wer"] = diff_marker.get("cer"), diff_marker.get("wer")
        entry["report"] = f"{plan['doc_id']}/diff.html"
        entry["hunks"] = diff_marker.get("hunks")
        if diff_marker.get("unanchored_decisions"):
            entry["unanchored_decisions"] = diff_marker["unanchored_decisions"]
    return entry


def build_summary(
    out_dir: Path, plans: list[dict[str, Any]], fingerprints: dict[str, str], scans: str
) -> dict[str, Any]:
    """The whole batch: every planned document with its status, and counts."""
    documents = [document_summary(out_dir, plan, fingerprints) for plan in plans]
    counts = {status: sum(d["status"] == status for d in documents) for status in ("done", "failed", "incomplete")}
    return {
        "arkhiv": __version__,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scans": scans,
        "counts": counts,
        "pages": sum(d["pages"] for d in documents),
        "documents": documents,
    }
