"""The typewritten-scan generator: deterministic, the right shapes, readable, and really skewed."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from benchmarks.make_scans import (
    OCR_CONFUSIONS,
    TEXTS,
    add_ocr_errors,
    font_path,
    ground_truth,
    paginate,
    render_page,
    typing_grid,
    wrap_text,
)

ROOT = Path(__file__).resolve().parent.parent
TWO_LINES = ["Прошу Вас срочно сообщить Ваше", "конкретное мнение по этому вопросу."]
RULE = ["Ш" * 40]


def _tilt_degrees(image: np.ndarray) -> float:
    """Angle of a single typed line, counter-clockwise positive, from the ink's column centroids."""
    ink = image < 128
    cols = np.flatnonzero(ink.any(axis=0))
    ys = np.array([np.flatnonzero(ink[:, c]).mean() for c in cols])
    slope = np.polyfit(cols, ys, 1)[0]
    return -math.degrees(math.atan(slope))


def test_same_seed_same_pixels():
    a = render_page(TWO_LINES, seed=7, dpi=150, level="heavy", page_size=None, skew_deg=1.5)
    b = render_page(TWO_LINES, seed=7, dpi=150, level="heavy", page_size=None, skew_deg=1.5)
    assert np.array_equal(a, b)


def test_other_seed_other_pixels():
    a = render_page(TWO_LINES, seed=7, dpi=150, level="mild", page_size=None)
    b = render_page(TWO_LINES, seed=8, dpi=150, level="mild", page_size=None)
    assert a.shape == b.shape
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("level", ["clean", "mild", "medium", "heavy"])
def test_a4_shape_and_dtype(level):
    color = render_page(TWO_LINES, seed=1, dpi=100, level=level, border=level == "heavy")
    gray = render_page(TWO_LINES, seed=1, dpi=100, level=level, color=False)
    assert color.shape == (1169, 827, 3)  # A4 at 100 dpi
    assert gray.shape == (1169, 827)
    assert color.dtype == gray.dtype == np.uint8


def test_a4_at_300_dpi_is_2480_by_3508():
    grid = typing_grid(TWO_LINES, font_path("FreeMono"), 300, 12, 1.5, "A4")
    assert (grid.width, grid.height) == (2480, 3508)
    assert grid.pitch == 25.0  # 12 characters per inch


def test_fitted_page_holds_just_the_lines():
    image = render_page(TWO_LINES, seed=1, dpi=150, level="clean", page_size=None, color=False)
    assert image.shape[1] < 827 // 1.2  # narrower than A4 at 150 dpi
    assert image.shape[0] < 200


def test_clean_level_is_white_paper_and_black_ink():
    image = render_page(TWO_LINES, seed=1, dpi=150, level="clean", page_size=None, color=False)
    assert image[0, 0] == 255
    assert image.min() == 0
    assert np.mean(image == 255) > 0.8


def test_degraded_levels_yellow_the_paper():
    image = render_page(TWO_LINES, seed=1, dpi=100, level="medium", page_size=None)
    r, g, b = (float(np.median(image[..., c])) for c in range(3))
    assert r > b + 15


def test_skew_is_applied():
    straight = render_page(RULE, seed=3, dpi=150, level="clean", page_size=None, color=False)
    tilted = render_page(RULE, seed=3, dpi=150, level="clean", page_size=None, color=False, skew_deg=2.0)
    assert abs(_tilt_degrees(straight)) < 0.1
    assert _tilt_degrees(tilted) == pytest.approx(2.0, abs=0.3)


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="unknown level"):
        render_page(TWO_LINES, seed=1, level="ruined")


def test_too_many_lines_for_a4_are_refused():
    with pytest.raises(ValueError, match="do not fit"):
        render_page(["x"] * 200, seed=1, dpi=100)


def test_wrap_text_respects_the_carriage_and_keeps_every_word():
    body = "     " + " ".join(["телеграмма"] * 30)
    text = body + "\n^ЦЕНТР\nИз ПЕКИНА\tПолучена 30.6\n\n>ПОДПИСЬ"
    lines = wrap_text(text, cols=40)
    assert all(len(line) <= 40 for line in lines)
    assert lines[0].startswith("     телеграмма")
    assert sum(line.split().count("телеграмма") for line in lines) == 30
    assert "ЦЕНТР".center(40).rstrip() in lines
    assert "Из ПЕКИНА" + "Получена 30.6".rjust(31) in lines
    assert lines[-2:] == ["", "ПОДПИСЬ".rjust(40)]


def test_paginate_numbers_later_pages_and_loses_no_line():
    lines = [f"строка {i}" for i in range(25)]
    pages = paginate(lines, per_page=10)
    assert len(pages) == 3
    assert pages[1][0].strip() == "- 2 -"
    typed = [line for page in pages for line in page if line.startswith("строка")]
    assert typed == lines


def test_ground_truth_strips_blanks_but_keeps_empty_lines():
    assert ground_truth(["  ШИФРТЕЛЕГРАММА ", "", "     Текст"]) == "ШИФРТЕЛЕГРАММА\n\nТекст\n"


def test_ocr_errors_are_seeded_confusions_only():
    text = "Мао Цзе-дун. Прошу сообщить 1951 г. Юнайтед пресс. Заморов."
    noisy = add_ocr_errors(text, seed=5, count=4)
    assert noisy == add_ocr_errors(text, seed=5, count=4)
    changed = [(a, b) for a, b in zip(text, noisy, strict=True) if a != b]
    assert len(changed) == 4
    assert set(changed) <= set(OCR_CONFUSIONS)


@pytest.mark.parametrize(("source", "gt"), [("21336.txt", "scans/21336.gt.txt")])
def test_bundled_ground_truth_matches_its_source_text(source, gt):
    lines = wrap_text((TEXTS / source).read_text(encoding="utf-8"), cols=72)
    assert (ROOT / gt).read_text(encoding="utf-8") == ground_truth(lines)


@pytest.mark.integration
def test_clean_page_is_read_exactly_by_tesseract():
    pytesseract = pytest.importorskip("pytesseract")
    image = render_page(TWO_LINES, seed=1, dpi=300, level="clean", page_size=None, color=False)
    text = pytesseract.image_to_string(image, lang="rus", config="--psm 6")
    assert text.split() == " ".join(TWO_LINES).split()
