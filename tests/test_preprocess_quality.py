"""Preprocessing guarantees on pages from the project's scan generator (``render_page``).

Punched holes go with the border, a page turned 90°/180°/270° comes back upright, a warped
page (halves skewed apart) is not rotated, and a bilevel line image is not resampled. Each
test asserts a measured effect on pixels or on what Tesseract reads.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from functools import lru_cache

import cv2
import numpy as np
import pytest

from benchmarks.make_scans import render_page
from pipeline import preprocess as pp
from pipeline.preprocess import NO_PREPROCESSING, PreprocessSettings, preprocess_page
from tests.sample_text import TELEGRAM_LINES

LINES = [*TELEGRAM_LINES, "Разослано: тт. Сталину, Молотову, Берия."]
TEXT = "\n".join(LINES)
DPI = 150
MM = DPI / 25.4


@lru_cache(maxsize=2)
def _a4(dpi: int = DPI) -> np.ndarray:
    return render_page(LINES, seed=5, level="mild", dpi=dpi, color=False, marks=False)


@lru_cache(maxsize=2)
def _small(seed: int = 2) -> np.ndarray:
    return render_page(LINES, seed=seed, level="mild", color=False, page_size=None)


def _cer(reference: str, hypothesis: str) -> float:
    from rapidfuzz.distance import Levenshtein

    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()

    return Levenshtein.distance(norm(reference), norm(hypothesis)) / len(norm(reference))


def punch(gray: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Two dark holes (black scanner lid) in the left margin, one white hole on the right."""
    h, w = gray.shape
    out = gray.copy()
    r = int(3 * MM)  # 6 mm holes
    holes = [(int(12 * MM), h // 2 - int(40 * MM), 20), (int(12 * MM), h // 2 + int(40 * MM), 20)]
    holes.append((w - int(12 * MM), h // 3, 255))
    for x, y, level in holes:
        cv2.circle(out, (x, y), r, level, -1, lineType=cv2.LINE_AA)
        # The cut's rim: a thin shadow ring, as a hole in real paper shows.
        cv2.circle(out, (x, y), r + 1, 120, 1, lineType=cv2.LINE_AA)
    return out, [(x, y, r, level) for x, y, level in holes]


# --- punched holes ---------------------------------------------------------------------------


def test_punched_holes_are_found_and_painted_as_paper() -> None:
    clean = _a4()
    holed, holes = punch(clean)
    out, meta = pp.remove_border(holed)
    assert out.shape == holed.shape  # no scanner border here: nothing cropped
    assert len(meta["holes"]) == 3
    paper = float(np.median(clean))
    for x, y, r, _level in holes:
        patch = out[y - r - 2 : y + r + 3, x - r - 2 : x + r + 3].astype(float)
        # Dark holes gone (nothing ink-dark left) and the white one back to paper level.
        assert patch.min() > paper - 40
        assert abs(float(np.median(patch)) - paper) < 8
    # The text is untouched: every ink pixel of the clean page is still ink.
    ink = clean < 128
    assert np.mean(out[ink] < 128) > 0.999


def test_hole_sized_blob_inside_the_text_block_is_kept() -> None:
    """A round blot among the lines is not a hole (holes sit in the margins)."""
    gray = _a4().copy()
    h, w = gray.shape
    cv2.circle(gray, (w // 2, int(0.3 * h)), int(3 * MM), 30, -1)
    _out, meta = pp.remove_border(gray)
    assert meta["holes"] == []


def test_holes_off_leaves_them() -> None:
    holed, _ = punch(_a4())
    out, meta = pp.remove_border(holed, holes=False)
    assert meta["holes"] == [] and np.array_equal(out, holed)


@pytest.mark.integration
def test_holes_do_not_reach_tesseract_and_text_reads_as_well() -> None:
    from pipeline.ocr import OcrSettings, ocr_page, page_text

    clean = _a4()
    holed, _ = punch(clean)
    out_clean, _ = preprocess_page(clean, PreprocessSettings())
    out_holed, meta = preprocess_page(holed, PreprocessSettings())
    assert len(meta["remove_border"]["holes"]) == 3
    cer_clean = _cer(TEXT, page_text(ocr_page(out_clean, 1, OcrSettings())))
    cer_holed = _cer(TEXT, page_text(ocr_page(out_holed, 1, OcrSettings())))
    assert cer_holed <= cer_clean + 0.01
    assert cer_holed < 0.1


# --- orientation --------------------------------------------------------------------------------


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_rendered_page_turned_90_180_270_comes_back_upright(turns: int) -> None:
    upright = _small()
    turned = np.ascontiguousarray(np.rot90(upright, turns))
    out, meta = preprocess_page(turned, dataclasses.replace(NO_PREPROCESSING, orient=True))
    applied = (meta["orient_quarter"]["rotation"] + meta["orient_half"]["rotation"]) % 360
    assert applied == (90 * turns) % 360
    assert out.shape == upright.shape
    assert np.mean(np.abs(out.astype(int) - upright.astype(int))) < 1.0


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_full_chain_turns_a_skewed_rendered_page_upright(turns: int) -> None:
    """Orientation and deskew together: a page typed 1.5° off and turned by 90° * turns."""
    page = render_page(LINES, seed=4, level="mild", color=False, page_size=None, skew_deg=1.5)
    out, meta = preprocess_page(np.ascontiguousarray(np.rot90(page, turns)), PreprocessSettings())
    applied = (meta["orient_quarter"]["rotation"] + meta["orient_half"]["rotation"]) % 360
    assert applied == (90 * turns) % 360
    assert meta["deskew"]["applied"]
    # Whatever the turn, the same deskew angle (the page's own skew) is found.
    assert meta["deskew"]["angle"] == pytest.approx(-1.5, abs=0.2)


# --- warped pages ---------------------------------------------------------------------------------


def two_columns(left_deg: float, right_deg: float) -> np.ndarray:
    """Two columns of typed lines side by side, each rotated by its own angle (a folded sheet)."""
    col = _small()
    a = pp.rotate(col, left_deg, int(np.median(col)))
    b = pp.rotate(col, right_deg, int(np.median(col)))
    h = max(a.shape[0], b.shape[0])
    a = cv2.copyMakeBorder(a, 0, h - a.shape[0], 0, 0, cv2.BORDER_REPLICATE)
    # The right column sits half a line lower, as columns set independently do.
    b = cv2.copyMakeBorder(b, 20, h - b.shape[0], 0, 0, cv2.BORDER_REPLICATE)[:h]
    return np.hstack([a, b])


def test_warped_page_is_not_rotated_and_not_flipped() -> None:
    gray = two_columns(3.0, -2.5)
    out, meta = preprocess_page(gray, PreprocessSettings())
    assert meta["deskew"]["warped"] is True
    assert meta["deskew"]["spread"] > pp.MAX_SKEW_SPREAD_DEG
    assert meta["deskew"]["applied"] is False
    assert meta["orient_half"]["rotation"] == 0


def test_page_whose_columns_agree_is_still_deskewed() -> None:
    gray = two_columns(2.0, 2.0)
    _out, meta = preprocess_page(gray, PreprocessSettings())
    assert meta["deskew"]["warped"] is False
    assert meta["deskew"]["applied"] is True
    assert meta["deskew"]["angle"] == pytest.approx(-2.0, abs=0.2)


# --- bilevel input ----------------------------------------------------------------------------------


def test_bilevel_line_with_mid_sized_capitals_is_not_resampled() -> None:
    line = render_page(LINES[3:4], seed=1, level="clean", color=False, page_size=None)
    line = cv2.resize(line, None, fx=0.75, fy=0.75, interpolation=cv2.INTER_AREA)
    binary = np.where(line < 128, 0, 255).astype(np.uint8)
    out, meta = preprocess_page(binary, PreprocessSettings())
    assert meta["bilevel_input"] is True
    # Capitals well under the target (scale > 1.4 for grey input) and still no resize.
    assert PreprocessSettings().target_cap_height / meta["char_height_in"] > 1.4
    assert meta["normalize_scale"]["scale"] == 1.0
    assert set(np.unique(out)) <= {0, 255}
    # The same line in grey is enlarged.
    _out, grey_meta = preprocess_page(line, PreprocessSettings())
    assert grey_meta["normalize_scale"]["scale"] > 1.4


# --- rotation by shears ---------------------------------------------------------------------------


@pytest.mark.parametrize("degrees", [0.7, -2.5, 6.0])
def test_shear_rotation_matches_the_warp_without_resampling(degrees: float) -> None:
    gray = _small()
    warped = pp.rotate(gray, degrees, 230, cv2.INTER_LINEAR)
    sheared = pp.shear_rotate(gray, degrees, 230)
    assert sheared.shape == warped.shape
    # Same geometry: the text lands where the warp puts it (ink overlaps almost entirely)...
    ink_w, ink_s = warped < 128, sheared < 128
    assert np.sum(ink_w & ink_s) > 0.8 * min(ink_w.sum(), ink_s.sum())
    # ...and no new grey levels: whole rows and columns are moved, never interpolated.
    assert set(np.unique(sheared)) <= set(np.unique(gray)) | {230}
    # A box renders exactly that part of the whole sheared canvas.
    box = (40, 30, sheared.shape[1] - 90, sheared.shape[0] - 70)
    part = pp.shear_rotate(gray, degrees, 230, box)
    assert np.array_equal(part, sheared[30 : 30 + box[3], 40 : 40 + box[2]])


def test_deskew_by_shears_levels_the_lines() -> None:
    gray = pp.rotate(_small(), 2.0, 230, cv2.INTER_CUBIC)
    char_h = pp.measure_char_height(gray)
    angle = pp.measure_skew(*_mask(gray, char_h))[0]
    assert angle == pytest.approx(-2.0, abs=0.2)
    level = pp.shear_rotate(gray, angle, 230)
    assert abs(pp.measure_skew(*_mask(level, char_h))[0]) <= 0.2


def _mask(gray: np.ndarray, char_h: float) -> tuple[np.ndarray, float]:
    mask, f = pp.measure_mask(gray, char_h)
    return mask, char_h / f
