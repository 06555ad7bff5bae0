"""Applying review decisions, re-anchoring them after a re-run, and regenerate_dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.align import AlignSettings, diff_document
from pipeline.documents import regenerate_dir
from pipeline.errors import UsageError
from pipeline.regenerate import (
    apply_decision,
    empty_decisions,
    progress,
    reanchor_decisions,
    regenerate,
)

TRANSCRIPT = "Прошу Вас срочно сообщить Ваше мнение. Тов. Ким Ир Сен"
CORRECTED = "Прощу Вас срочио сообщить\fВаше мненне. Тов. Кнм Ир Сен"


def _diff(corrected: str = CORRECTED) -> dict:
    return diff_document(corrected, TRANSCRIPT, ocr=corrected, words=[], corrections=[], settings=AlignSettings())


def _hunk(diff: dict, transcript: str) -> dict:
    return next(h for h in diff["hunks"] if h["transcript"] == transcript)


def test_regenerate_applies_each_kind_of_choice() -> None:
    diff = _diff()
    d = empty_decisions("doc")
    d = apply_decision(d, diff, _hunk(diff, "Прошу")["id"], "transcript")
    d = apply_decision(d, diff, _hunk(diff, "срочно")["id"], "ocr")
    d = apply_decision(d, diff, _hunk(diff, "мнение.")["id"], "manual", "мнение!")
    text, problems = regenerate(CORRECTED, diff, d)
    assert problems == []
    assert text == "Прошу Вас срочио сообщить\fВаше мнение! Тов. Кнм Ир Сен"  # undecided hunk keeps Arkhiv's text
    assert progress(diff, d) == {"total": 4, "decided": 3, "unanchored": 0}


def test_undo_and_bad_choices() -> None:
    diff = _diff()
    hid = _hunk(diff, "Прошу")["id"]
    d = apply_decision(empty_decisions(), diff, hid, "transcript")
    assert apply_decision(d, diff, hid, None)["decisions"] == {}
    with pytest.raises(ValueError):
        apply_decision(d, diff, hid, "banana")
    with pytest.raises(ValueError):
        apply_decision(d, diff, hid, "manual")
    with pytest.raises(KeyError):
        apply_decision(d, diff, "nope", "ocr")


def test_decisions_survive_a_rerun_and_unmatched_ones_are_listed() -> None:
    diff = _diff()
    d = empty_decisions("doc")
    for transcript in ("Прошу", "срочно", "Ким"):
        d = apply_decision(d, diff, _hunk(diff, transcript)["id"], "transcript")
    d = apply_decision(d, diff, _hunk(diff, "мнение.")["id"], "ocr")
    # New OCR: "срочио" is now read right (its hunk disappears); "мненне." reads "мнеине."
    new_corrected = "Прощу Вас срочно сообщить\fВаше мнеине. Тов. Кнм Ир Сен"
    new_diff = _diff(new_corrected)
    anchored, lost = reanchor_decisions(d, new_diff)
    kept = {new_diff_h["transcript"] for new_diff_h in new_diff["hunks"] if new_diff_h["id"] in anchored["decisions"]}
    assert kept == {"Прошу", "Ким"}
    assert sorted(u["hunk"]["transcript"] for u in lost) == ["мнение.", "срочно"]
    assert anchored["unanchored"] == lost
    text, problems = regenerate(new_corrected, new_diff, d)
    assert text == "Прошу Вас срочно сообщить\fВаше мнеине. Тов. Ким Ир Сен"
    assert len(problems) == 2
    # Unanchored decisions are retried later, never dropped.
    again, _ = reanchor_decisions(anchored, diff)
    assert len(again["decisions"]) == 4 and again["unanchored"] == []


def test_decision_moves_when_context_elsewhere_changes_its_id() -> None:
    diff = _diff()
    hid = _hunk(diff, "Ким")["id"]
    d = apply_decision(empty_decisions(), diff, hid, "transcript")
    transcript2 = TRANSCRIPT.replace("мнение.", "мнение по вопросу.")
    diff2 = diff_document(CORRECTED, transcript2, ocr=CORRECTED, words=[], corrections=[], settings=AlignSettings())
    new = _hunk(diff2, "Ким")
    assert new["id"] != hid
    anchored, lost = reanchor_decisions(d, diff2)
    assert lost == [] and list(anchored["decisions"]) == [new["id"]]


def _write_doc(out: Path, doc_id: str, corrected: str, with_diff: bool) -> Path:
    doc = out / doc_id
    doc.mkdir(parents=True)
    (doc / "corrected.txt").write_text(corrected, encoding="utf-8")
    if with_diff:
        (doc / "diff.json").write_text(json.dumps(_diff(corrected), ensure_ascii=False), encoding="utf-8")
    return doc


def test_regenerate_dir(tmp_path: Path) -> None:
    doc = _write_doc(tmp_path, "doc1", CORRECTED, with_diff=True)
    _write_doc(tmp_path, "plain", "Текст без транскрипции", with_diff=False)
    diff = json.loads((doc / "diff.json").read_text(encoding="utf-8"))
    d = apply_decision(empty_decisions("doc1"), diff, _hunk(diff, "Ким")["id"], "transcript")
    (doc / "decisions.json").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    assert regenerate_dir(tmp_path) == []
    assert "Ким Ир Сен" in (doc / "transcript.txt").read_text(encoding="utf-8")
    assert (tmp_path / "plain" / "transcript.txt").read_text(encoding="utf-8") == "Текст без транскрипции"
    assert regenerate_dir(tmp_path, ["plain"]) == []
    with pytest.raises(UsageError, match="no such document"):
        regenerate_dir(tmp_path, ["../etc"])
    with pytest.raises(UsageError):
        regenerate_dir(tmp_path / "missing")
