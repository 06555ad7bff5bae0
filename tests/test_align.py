"""Alignment, CER/WER (cross-checked with dinglehopper) and hunks."""

from __future__ import annotations

import math

import pytest
from dinglehopper.character_error_rate import character_error_rate_n
from dinglehopper.word_error_rate import word_error_rate_n, words_normalized
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.align import (
    AlignSettings,
    align_units,
    character_error_rate,
    diff_document,
    normalise,
    word_error_rate,
)

PAIRS = [
    ("Прошу Вас срочно сообщить", "Прощу Вас срочио сообщить"),
    ("Тов. Мао Цзе-дун! 29.6.51 г.", "Тов. Мао Изе-дун! 29.6.51 г"),
    ("№ 326I 30.6 экз. № 3-4 - дело", "N 3261 30.6 экз. N 3-4 дело"),
    ("е\u0301ж", "ё ж"),  # combining accent: one grapheme cluster
    ("", "abc"),
    ("", ""),
    ("abc", ""),
    ('ООН".\n\nКак мы', 'ООН". Как мы должны'),
]


@pytest.mark.parametrize(("reference", "hypothesis"), PAIRS)
def test_cer_wer_match_dinglehopper(reference: str, hypothesis: str) -> None:
    ours, n = character_error_rate(reference, hypothesis)
    theirs, m = character_error_rate_n(reference, hypothesis)
    assert n == m
    assert (math.isinf(ours) and math.isinf(theirs)) or ours == pytest.approx(theirs, abs=1e-3)
    ours_w, nw = word_error_rate(reference, hypothesis)
    theirs_w, mw = word_error_rate_n(list(words_normalized(reference)), list(words_normalized(hypothesis)))
    assert nw == mw
    assert (math.isinf(ours_w) and math.isinf(theirs_w)) or ours_w == pytest.approx(theirs_w, abs=1e-3)


def test_cer_edge_cases() -> None:
    assert character_error_rate("", "abc") == (math.inf, 0)
    assert character_error_rate("", "") == (0.0, 0)
    assert character_error_rate("abc", "") == (1.0, 3)
    assert character_error_rate("Прошу", "Прощу") == (pytest.approx(0.2), 5)


def test_normalise_folds_whitespace_and_maps_back() -> None:
    text = "  Прошу\n\n Вас\fсрочно  "
    n = normalise(text, AlignSettings())
    assert n.units == "Прошу Вас срочно"
    assert text[n.starts[5] : n.ends[5]] == "\n\n "
    assert text[slice(*n.span(6, 9))] == "Вас"


def test_normalise_optional_folding() -> None:
    n = normalise("Ким Ир Сен, 29.6.51 г.", AlignSettings(fold_case=True, fold_punctuation=True))
    assert n.units == "ким ир сен 29651 г"


def _replay(a: str, b: str) -> tuple[str, str]:
    left, right = [], []
    for _tag, i1, i2, j1, j2 in align_units(a, b):
        left.append(a[i1:i2])
        right.append(b[j1:j2])
    return "".join(left), "".join(right)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="абвгд еж.", max_size=60), st.text(alphabet="абвгд еж.", max_size=60))
def test_alignment_reproduces_both_inputs(a: str, b: str) -> None:
    assert _replay(a, b) == (a, b)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="абв гд", max_size=40), st.text(alphabet="абв гд", max_size=40))
def test_alignment_cost_is_levenshtein(a: str, b: str) -> None:
    from rapidfuzz.distance import Levenshtein

    ops = align_units(a, b)
    cost = sum(max(i2 - i1, j2 - j1) for t, i1, i2, j1, j2 in ops if t != "equal")
    assert cost >= Levenshtein.distance(a, b)
    d = diff_document(a, b, ocr=a, words=[], corrections=[], settings=AlignSettings())
    assert d["distance"] == Levenshtein.distance(" ".join(a.split()), " ".join(b.split()))


def test_alignment_edge_cases() -> None:
    assert align_units("", "") == []
    assert align_units("", "abc") == [("insert", 0, 0, 0, 3)]
    assert align_units("abc", "") == [("delete", 0, 3, 0, 0)]
    assert align_units("abc", "abc") == [("equal", 0, 3, 0, 3)]


WORDS = [
    {
        "page": 1,
        "line": 1,
        "text": "Прошу",
        "conf": 91.0,
        "box": {"left": 100, "top": 200, "width": 150, "height": 40},
        "noise": "",
    },
    {
        "page": 1,
        "line": 1,
        "text": "Вас",
        "conf": 95.0,
        "box": {"left": 270, "top": 202, "width": 90, "height": 38},
        "noise": "",
    },
    {
        "page": 1,
        "line": 2,
        "text": "срочио",
        "conf": 40.0,
        "box": {"left": 100, "top": 260, "width": 160, "height": 40},
        "noise": "",
    },
    {
        "page": 1,
        "line": 0,
        "text": "~~",
        "conf": 10.0,
        "box": {"left": 5, "top": 5, "width": 9, "height": 9},
        "noise": "speck",
    },
    {
        "page": 2,
        "line": 1,
        "text": "сообшить",
        "conf": 50.0,
        "box": {"left": 300, "top": 400, "width": 220, "height": 44},
        "noise": "",
    },
]
OCR = "Прошу Вас\nсрочио\fсообшить"
CORRECTED = "Прошу Вас\nсрочио\fсообщить"
CORRECTIONS = [
    {
        "page": 2,
        "line": 1,
        "start": 0,
        "end": 8,
        "original": "сообшить",
        "replacement": "сообщить",
        "reason": "confusion ш→щ",
        "score": 0.9,
        "candidates": [],
    },
]
TRANSCRIPT = "Прощу Вас срочно сообщить"


def _diff(transcript: str = TRANSCRIPT, corrected: str = CORRECTED) -> dict:
    return diff_document(corrected, transcript, ocr=OCR, words=WORDS, corrections=CORRECTIONS, settings=AlignSettings())


def test_hunks_carry_texts_pages_boxes_and_corrections() -> None:
    diff = _diff()
    by_tr = {h["transcript"]: h for h in diff["hunks"]}
    assert set(by_tr) == {"Прощу", "срочно", "сообщить"}
    first = by_tr["Прощу"]
    assert (first["corrected"], first["ocr"], first["page"], first["box"]) == ("Прошу", "Прошу", 1, [100, 200, 150, 40])
    assert CORRECTED[slice(*first["corrected_span"])] == "Прошу"
    second = by_tr["срочно"]
    assert second["page"] == 1 and second["box"] == [100, 260, 160, 40]
    assert second["suggestion"] == "transcript" and "срочио" in second["why"]
    agreed = by_tr["сообщить"]
    assert agreed["agreed"] and agreed["ocr"] == "сообшить" and agreed["page"] == 2
    assert agreed["corrections"] == [0] and agreed["suggestion"] == "corrected"
    assert diff["n_chars"] == len(TRANSCRIPT) and diff["cer"] == pytest.approx(2 / len(TRANSCRIPT))
    assert diff["n_words"] == 4 and diff["wer"] == pytest.approx(0.5)


def test_transcript_agreeing_with_ocr_against_correction_is_suggested() -> None:
    corrected = "Прошу Вас\nсрочио\fсообщать"
    diff = diff_document(
        corrected,
        "Прошу Вас срочио сообшить",
        ocr=OCR,
        words=WORDS,
        corrections=[],
        settings=AlignSettings(),
        is_word=lambda word: True,  # the dictionary is silent: agreement decides
    )
    (hunk,) = diff["hunks"]
    assert hunk["suggestion"] == "transcript" and "raw OCR agree" in hunk["why"]


def test_dictionary_word_beats_a_non_word_shared_by_ocr_and_transcript() -> None:
    diff = diff_document(
        "Юнайтед пресс",
        "Онайтед пресс",
        ocr="Онайтед пресс",
        words=[],
        corrections=[],
        settings=AlignSettings(),
        is_word=lambda word: word.lower() in {"юнайтед", "пресс"},
    )
    (hunk,) = diff["hunks"]
    assert hunk["suggestion"] == "corrected" and "«Онайтед» (transcription) is not in the dictionary" in hunk["why"]


def test_a_letter_inside_a_number_loses() -> None:
    diff = diff_document("№ 3261", "№ 326I", ocr="№ 326I", words=[], corrections=[], settings=AlignSettings())
    (hunk,) = diff["hunks"]
    assert hunk["suggestion"] == "corrected" and "letter inside a number" in hunk["why"]


def test_hunk_ids_are_stable_when_surroundings_are_unchanged() -> None:
    before = {h["transcript"]: h["id"] for h in _diff()["hunks"]}
    # OCR of an unrelated word changed on page 1: other hunks keep their ids.
    changed = diff_document(
        "Прошу Вас\nсрочио\fсообщить", TRANSCRIPT, ocr=OCR, words=WORDS, corrections=[], settings=AlignSettings()
    )
    after = {h["transcript"]: h["id"] for h in changed["hunks"]}
    assert after["Прощу"] == before["Прощу"] and after["срочно"] == before["срочно"]
    assert len(set(before.values())) == len(before)


def test_inserted_words_bring_their_own_space() -> None:
    diff = diff_document(
        "Ким Ир Сен.",
        "Ким Ир Сен.\n\nмао цзе-дун",
        ocr="Ким Ир Сен.",
        words=[],
        corrections=[],
        settings=AlignSettings(),
    )
    (hunk,) = diff["hunks"]
    assert hunk["corrected"] == "" and hunk["transcript"].split() == ["мао", "цзе-дун"]
    assert hunk["corrected_span"] == [11, 11]


def test_identical_texts_have_no_hunks() -> None:
    diff = diff_document(
        "Прошу\nВас", "Прошу Вас", ocr="Прошу\nВас", words=[], corrections=[], settings=AlignSettings()
    )
    assert diff["hunks"] == [] and diff["cer"] == 0.0 and diff["wer"] == 0.0
