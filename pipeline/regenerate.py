"""Rebuild ``transcript.txt`` from ``corrected.txt`` and the reviewer's decisions, without OCR.

A decision names a hunk by id (a hash of the hunk's texts and the transcription around
it) and keeps a copy of those texts, so after a new run (new OCR, new correction rules)
it can be re-anchored to the hunk that still matches. A decision that matches nothing is
kept in ``decisions.json`` under ``"unanchored"`` and reported, never dropped.

Everything here is pure: ``pipeline/documents.py`` reads and writes a document's files
around it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

SIDES = ("ocr", "transcript", "corrected")
CHOICES = (*SIDES, "manual")
DECISIONS_VERSION = 1


def _fold(text: str) -> str:
    return " ".join(text.split())


def empty_decisions(doc_id: str = "") -> dict[str, Any]:
    """A decisions.json with nothing decided yet."""
    return {"version": DECISIONS_VERSION, "doc_id": doc_id, "decisions": {}, "unanchored": []}


def as_file(decisions: dict[str, Any]) -> dict[str, Any]:
    """Accept either a whole decisions.json or the bare ``{hunk_id: decision}`` mapping."""
    if "decisions" in decisions and isinstance(decisions["decisions"], dict):
        out = dict(decisions)
        out.setdefault("unanchored", [])
        return out
    return {**empty_decisions(), "decisions": dict(decisions)}


def hunk_snapshot(hunk: dict[str, Any]) -> dict[str, Any]:
    """What a decision remembers of its hunk, to find it again after a re-run."""
    return {k: hunk.get(k, "") for k in ("ocr", "transcript", "corrected", "context_before", "context_after")}


def make_decision(hunk: dict[str, Any], choice: str, text: str | None = None, now: str | None = None) -> dict[str, Any]:
    """A decision record for ``hunk``; ``choice`` 'suggestion' resolves to the suggested side.

    Raises ValueError for an unknown choice, a suggestion-less hunk, or manual without text.
    """
    via = ""
    if choice == "suggestion":
        if hunk.get("suggestion") not in SIDES:
            raise ValueError(f"hunk {hunk.get('id')} has no suggestion")
        choice, via = hunk["suggestion"], "suggestion"
    if choice not in CHOICES:
        raise ValueError(f"unknown choice {choice!r}; expected one of {', '.join((*CHOICES, 'suggestion'))}")
    if choice == "manual" and text is None:
        raise ValueError("a manual decision needs its text")
    record: dict[str, Any] = {
        "choice": choice,
        "hunk": hunk_snapshot(hunk),
        "decided_at": now or datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if via:
        record["via"] = via
    if choice == "manual":
        record["text"] = text
    return record


def apply_decision(
    decisions: dict[str, Any], diff: dict[str, Any], hunk_id: str, choice: str | None, text: str | None = None
) -> dict[str, Any]:
    """A new decisions.json with one hunk decided (``choice`` None undoes the decision)."""
    hunk = next((h for h in diff.get("hunks", []) if h["id"] == hunk_id), None)
    if hunk is None:
        raise KeyError(hunk_id)
    out = as_file(decisions)
    mapping = dict(out["decisions"])
    if choice is None:
        mapping.pop(hunk_id, None)
    else:
        mapping[hunk_id] = make_decision(hunk, choice, text)
    out["decisions"] = mapping
    return out


def progress(diff: dict[str, Any], decisions: dict[str, Any]) -> dict[str, int]:
    """Hunks to review (those where the transcription and Arkhiv disagree) and how many are decided."""
    mapping = as_file(decisions)["decisions"]
    review = [h for h in diff.get("hunks", []) if not h.get("agreed")]
    return {
        "total": len(review),
        "decided": sum(1 for h in review if h["id"] in mapping),
        "unanchored": len(as_file(decisions)["unanchored"]),
    }


def resolve_text(hunk: dict[str, Any], decision: dict[str, Any]) -> str:
    """The text a decision puts in place of the hunk's corrected text."""
    choice = decision["choice"]
    if choice == "manual":
        return str(decision.get("text", ""))
    if choice == "corrected":
        return str(hunk["corrected"])
    # The archive's and Tesseract's line breaks are not the corrected text's: keep words, fold spaces.
    chosen = str(hunk[choice])
    if not chosen.strip():
        return ""
    lead = " " if chosen[:1].isspace() else ""
    tail = " " if chosen[-1:].isspace() else ""
    return lead + _fold(chosen) + tail


def _matches(decision: dict[str, Any], hunk: dict[str, Any], with_context: bool) -> bool:
    old = decision.get("hunk", {})
    if _fold(old.get("transcript", "")) != _fold(hunk.get("transcript", "")):
        return False
    if with_context and (
        old.get("context_before", "") != hunk.get("context_before", "")
        or old.get("context_after", "") != hunk.get("context_after", "")
    ):
        return False
    choice = decision.get("choice")
    # Choosing OCR or Arkhiv's text only still means the same thing if that text is unchanged.
    if choice in ("ocr", "corrected") and _fold(old.get(choice, "")) != _fold(hunk.get(choice, "")):
        return False
    if not with_context and _fold(old.get("corrected", "")) != _fold(hunk.get("corrected", "")):
        return False
    return True


def reanchor_decisions(old_decisions: dict[str, Any], new_diff: dict[str, Any]) -> tuple[dict[str, Any], list[dict]]:
    """Attach earlier decisions to the hunks of a new diff.

    A decision keeps its hunk when the id is unchanged; otherwise it moves to the one new
    hunk with the same transcription text and context (and, for OCR/Arkhiv choices, the
    same chosen text), or else the one with the same transcription and corrected texts.
    Returns the new decisions.json content and the decisions that found no hunk; those
    are also kept in its ``"unanchored"`` list.
    """
    old = as_file(old_decisions)
    hunks = {h["id"]: h for h in new_diff.get("hunks", [])}
    pending = [(hid, d) for hid, d in old["decisions"].items()]
    pending += [
        (u.get("hunk_id", ""), {k: v for k, v in u.items() if k not in ("hunk_id", "reason")})
        for u in old["unanchored"]
    ]
    placed: dict[str, dict[str, Any]] = {}
    unanchored: list[dict] = []
    for hid, decision in pending:
        hunk = hunks.get(hid)
        if hunk is not None and hid not in placed and _matches(decision, hunk, with_context=False):
            placed[hid] = decision
            continue
        target = None
        for with_context in (True, False):
            found = [h for h in hunks.values() if h["id"] not in placed and _matches(decision, h, with_context)]
            if len(found) == 1:
                target = found[0]
                break
        if target is None:
            unanchored.append({"hunk_id": hid, **decision, "reason": "no hunk with the same texts in the new diff"})
            continue
        log.info("decision for hunk %s re-anchored to %s", hid, target["id"])
        placed[target["id"]] = {**decision, "hunk": hunk_snapshot(target)}
    out = {**old, "decisions": placed, "unanchored": unanchored}
    return out, unanchored


def regenerate(corrected: str, diff: dict[str, Any], decisions: dict[str, Any]) -> tuple[str, list[dict]]:
    """The transcript: ``corrected`` with every re-anchored decision applied.

    Returns the text and the decisions that could not be applied (re-anchoring failed, or
    ``corrected`` no longer holds the hunk's text at its offsets).
    """
    anchored, unanchored = reanchor_decisions(decisions, diff)
    mapping = anchored["decisions"]
    edits: list[tuple[int, int, str]] = []
    for hunk in diff.get("hunks", []):
        decision = mapping.get(hunk["id"])
        if decision is None:
            continue
        start, end = hunk["corrected_span"]
        if corrected[start:end] != hunk["corrected"]:
            unanchored.append({"hunk_id": hunk["id"], **decision, "reason": "corrected.txt does not match diff.json"})
            continue
        edits.append((start, end, resolve_text(hunk, decision)))
    pieces: list[str] = []
    pos = 0
    for start, end, text in sorted(edits):
        if start < pos:
            continue  # overlapping hunks cannot come from one diff; be safe anyway
        pieces.append(corrected[pos:start])
        pieces.append(text)
        pos = end
    pieces.append(corrected[pos:])
    return "".join(pieces), unanchored
