"""Noise-word marking: specks, stamps, scribbles and borders read as text are marked, kept."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.noise import NoiseSettings, mark_noise_words
from pipeline.ocr import page_text, renumber_lines
from pipeline.types import Box, Word

PAGE = (3500, 2500)


def word(text: str, left: int, top: int, conf: float = 92.0, height: int = 30, line: int = 1) -> Word:
    return Word(
        page=1,
        line=line,
        text=text,
        conf=conf,
        box=Box(left, top, 20 * max(len(text), 1), height),
        block=1,
        par=1,
    )


def typed_page() -> list[Word]:
    """Six lines of confidently read telegram text, a block from (300, 300) to about (1500, 900)."""
    lines = [
        ["ШИФРТЕЛЕГРАММА", "№", "21336"],
        ["Товарищу", "Филиппову."],
        ["Прошу", "Вас", "срочно", "сообщить"],
        ["Экз.", "№", "3-4", "-", "дело"],
        ["Получена", "11", "ч.", "30", "м."],
        ["Ким", "Ир", "Сен."],
    ]
    words = []
    for i, texts in enumerate(lines):
        x = 300
        for t in texts:
            words.append(word(t, x, 300 + 100 * i, line=i + 1))
            x += 20 * len(t) + 25
    return words


def reasons(words: list[Word]) -> dict[str, str]:
    return {w.text: w.noise for w in words}


def test_clean_typed_words_are_all_kept() -> None:
    words = typed_page()
    marked = mark_noise_words(words, PAGE, NoiseSettings())
    assert [w.noise for w in marked] == [""] * len(words)
    assert marked == words


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (word("а", 700, 510, conf=60, height=6), "tiny box"),
        (word("ОДИН", 900, 500, conf=70, height=160), "huge box"),
        (word("|", 1200, 400, conf=95), "no letters"),
        (word("`~", 1200, 600, conf=30), "no letters"),
        (word("*.", 1250, 700, conf=20), "no letters"),
        (word('г.-".', 600, 800, conf=5), "low confidence"),
        (word("Ш", 2300, 3300, conf=40), "outside text block"),
    ],
)
def test_noise_word_is_marked_with_its_reason(extra: Word, reason: str) -> None:
    words = [*typed_page(), extra]
    marked = mark_noise_words(words, PAGE, NoiseSettings())
    assert marked[-1].noise == reason
    assert all(not w.noise for w in marked[:-1])


def test_typed_symbols_and_confident_outliers_are_kept() -> None:
    words = [
        *typed_page(),
        word("-", 800, 600, conf=80, height=4),  # a typed dash is small and has no letters
        word("№", 300, 1000, conf=88),
        word("ДЕЛО", 2300, 3300, conf=95),  # far away but read with confidence: a real note
        word("друзей,", 400, 700, conf=0),  # LSTM confidence 0 on a real word: not enough alone
    ]
    marked = mark_noise_words(words, PAGE, NoiseSettings())
    assert reasons(marked[-4:]) == {"-": "", "№": "", "ДЕЛО": "", "друзей,": ""}


def test_nothing_is_deleted_and_order_is_kept() -> None:
    words = [*typed_page(), word("|", 10, 10, conf=90), word("‚", 20, 3400, conf=10, height=3)]
    marked = mark_noise_words(words, PAGE, NoiseSettings())
    assert len(marked) == len(words)
    assert [w.text for w in marked] == [w.text for w in words]
    assert [w.box for w in marked] == [w.box for w in words]


def test_marked_words_leave_the_text_and_lines_are_renumbered() -> None:
    speck_line = [word("`", 300, 200, conf=10, line=1)]
    words = speck_line + [dataclasses.replace(w, line=w.line + 1) for w in typed_page()]
    marked = renumber_lines(mark_noise_words(words, PAGE, NoiseSettings()))
    text = page_text(marked)
    assert text.splitlines()[0] == "ШИФРТЕЛЕГРАММА № 21336"
    assert "`" not in text
    assert all(w.line == 0 for w in marked if w.noise)


def test_disabled_settings_mark_nothing() -> None:
    words = [*typed_page(), word("|", 10, 10, conf=1)]
    assert mark_noise_words(words, PAGE, NoiseSettings(enabled=False)) == words


def test_existing_reasons_are_kept_and_empty_input_is_fine() -> None:
    words = [dataclasses.replace(typed_page()[0], noise="manual"), *typed_page()[1:]]
    assert mark_noise_words(words, PAGE, NoiseSettings())[0].noise == "manual"
    assert mark_noise_words([], PAGE, NoiseSettings()) == []


def test_page_of_only_symbols_is_all_noise() -> None:
    words = [word("|", 10 * i, 10, conf=50) for i in range(3)]
    assert {w.noise for w in mark_noise_words(words, PAGE, NoiseSettings())} == {"no letters"}
