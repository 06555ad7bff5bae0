"""Each preprocessing step has a measurable effect on degraded fixtures rendered here.

Fixtures are typed with FreeMono (the synthetic corpus's typewriter face) on a small page, then
degraded with OpenCV: rotation, dark scanner border, uneven light, faint ink, dust, low dpi.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline import preprocess as pp
from pipeline.preprocess import NO_PREPROCESSING, PreprocessSettings, preprocess_page
from tests.sample_text import TELEGRAM_LINES

FONT = Path("/usr/share/fonts/truetype/freefont/FreeMono.ttf")
PAPER, INK = 232, 40
LINES = TELEGRAM_LINES
TEXT = "\n".join(LINES)
OFF = NO_PREPROCESSING

pytestmark = pytest.mark.skipif(not FONT.exists(), reason="FreeMono font not installed")


def typed(lines: list[str], size: int, spacing: float, width: int) -> np.ndarray:
    """``lines`` typed in FreeMono at ``size``, ``spacing`` sizes apart, on a page ``width`` sizes wide."""
    font = ImageFont.truetype(str(FONT), size)
    pitch = int(size * spacing)
    img = Image.new("L", (int(size * width), pitch * len(lines) + 3 * size), PAPER)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((size * 1.5, size * 1.5 + i * pitch), line, font=font, fill=INK)
    return np.array(img)


@lru_cache(maxsize=4)
def _page(size: int = 30) -> np.ndarray:
    return typed(LINES, size, 2.1, 26)


def page(size: int = 30) -> np.ndarray:
    """A clean typed page (fresh copy); capitals are about 0.6 * size px high."""
    return _page(size).copy()


def cap_height(size: int = 30) -> int:
    box = ImageFont.truetype(str(FONT), size).getbbox("Н")
    return box[3] - box[1]


def skew(gray: np.ndarray, degrees: float) -> np.ndarray:
    return pp.rotate(gray, degrees, PAPER)


def uneven_light(gray: np.ndarray, low: float = 0.45) -> np.ndarray:
    h, w = gray.shape
    ramp = np.linspace(low, 1.0, w, dtype=np.float32)[None, :] * np.linspace(0.8, 1.0, h, dtype=np.float32)[:, None]
    return np.clip(gray.astype(np.float32) * ramp, 0, 255).astype(np.uint8)


def faint(gray: np.ndarray, contrast: float = 0.35) -> np.ndarray:
    return (PAPER - (PAPER - gray.astype(np.float32)) * contrast).astype(np.uint8)


def with_dark_border(gray: np.ndarray, width: int = 40) -> np.ndarray:
    return cv2.copyMakeBorder(gray, width, width, width, width, cv2.BORDER_CONSTANT, value=25)


def with_dust(gray: np.ndarray, n: int = 300, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = gray.copy()
    ys = rng.integers(0, gray.shape[0], n)
    xs = rng.integers(0, gray.shape[1], n)
    out[ys, xs] = 20
    return out


def text_angle(gray: np.ndarray) -> float:
    char_h = pp.measure_char_height(gray)
    mask, f = pp.measure_mask(gray, char_h)
    return pp.measure_skew(mask, char_h / f)[0]


# --- measurements ------------------------------------------------------------------------


def test_char_height_is_measured_within_15_percent() -> None:
    for size in (24, 30, 48):
        assert pp.measure_char_height(page(size)) == pytest.approx(cap_height(size), rel=0.15)


def test_char_height_of_blank_page_is_zero() -> None:
    assert pp.measure_char_height(np.full((400, 300), PAPER, np.uint8)) == 0.0


# --- deskew ------------------------------------------------------------------------------


@pytest.mark.parametrize("degrees", [0.5, -0.5, 1.3, -2.0, 3.0, -5.0])
def test_deskew_finds_the_angle_within_0_2_degrees(degrees: float) -> None:
    gray = skew(page(), degrees)
    char_h = pp.measure_char_height(gray)
    out, meta = pp.deskew(gray, char_h)
    # A counter-clockwise rotation by d shows as a skew of -d (lines falling to the right).
    assert meta["angle"] == pytest.approx(-degrees, abs=0.2)
    assert abs(text_angle(out)) <= 0.2


def test_deskew_leaves_a_straight_page_alone() -> None:
    out, meta = pp.deskew(page(), pp.measure_char_height(page()))
    assert abs(meta["angle"]) <= 0.1
    assert out.shape == page().shape


# --- orientation ----------------------------------------------------------------------------


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_orientation_restores_upright_page(turns: int) -> None:
    upright = page()
    turned = np.ascontiguousarray(np.rot90(upright, turns))
    settings = dataclasses.replace(OFF, orient=True)
    out, meta = preprocess_page(turned, settings)
    assert out.shape == upright.shape
    # Upright again: nearly identical to the original pixels.
    assert np.mean(np.abs(out.astype(int) - upright.astype(int))) < 1.0
    applied = (meta["orient_quarter"]["rotation"] + meta["orient_half"]["rotation"]) % 360
    assert applied == (90 * turns) % 360


def dense_page(size: int = 24, copies: int = 10) -> np.ndarray:
    """A long page of single-spaced typing, lines of some 70 characters: about 4,700
    characters, four times more than the quarter-turn test asks about."""
    lines = [f"{a} {b}" for a, b in zip(LINES, LINES[1:] + LINES[:1], strict=True)] * copies
    return typed(lines, size, 1.45, 46)


@pytest.mark.parametrize("turns", [0, 1])
def test_quarter_turn_is_found_on_a_dense_long_page(turns: int) -> None:
    gray = np.ascontiguousarray(np.rot90(dense_page(), turns))
    char_h = pp.measure_char_height(gray)
    _out, meta = pp.orient_quarter(gray, char_h)
    assert meta["horizontal_neighbours"] + meta["vertical_neighbours"] >= 1100
    assert meta["rotation"] == 90 * turns


# --- border, illumination, speckle -------------------------------------------------------------


def test_remove_border_paints_scanner_bed_as_paper_and_crops_it() -> None:
    gray = with_dark_border(skew(page(), 1.5), 40)
    out, meta = pp.remove_border(gray)
    assert meta["border_fraction"] > 0.02
    assert out.shape[0] < gray.shape[0] and out.shape[1] < gray.shape[1]
    ring = np.concatenate([out[:5].ravel(), out[-5:].ravel(), out[:, :5].ravel(), out[:, -5:].ravel()])
    assert np.mean(ring < 100) < 0.01  # no dark edge left
    # The text survives: about as much ink inside as before.
    ink_before = np.sum(page() < 128)
    assert np.sum(out < 128) == pytest.approx(ink_before, rel=0.2)


def test_remove_border_keeps_dim_paper_under_uneven_light() -> None:
    gray = uneven_light(page(), 0.6)
    out, meta = pp.remove_border(gray)
    assert meta["border_fraction"] == 0.0
    assert out.shape == gray.shape


def test_remove_border_changes_nothing_on_a_clean_page() -> None:
    out, meta = pp.remove_border(page())
    assert meta["border_fraction"] == 0.0
    assert np.array_equal(out, page())


def test_flatten_makes_paper_even_and_keeps_ink_dark() -> None:
    gray = uneven_light(page())
    char_h = pp.measure_char_height(gray)
    out, _meta = pp.flatten_illumination(gray, char_h)
    paper = page() > 200
    ink = page() < 100
    # Paper brightness across the page: left (dark) and right (bright) halves now agree.
    half = gray.shape[1] // 2
    before = abs(np.median(gray[:, :half][paper[:, :half]]) - np.median(gray[:, half:][paper[:, half:]]))
    after = abs(np.median(out[:, :half][paper[:, :half]]) - np.median(out[:, half:][paper[:, half:]]))
    assert before > 50
    assert after < 10
    assert np.median(out[ink]) < np.median(out[paper]) - 100


def test_despeckle_removes_isolated_dust_but_not_text() -> None:
    clean = page()
    dusty = with_dust(clean)
    char_h = pp.measure_char_height(clean)
    out, meta = pp.despeckle(dusty, char_h)
    dust = (dusty < 128) & (clean >= 128)
    assert meta["removed"] > 100
    assert np.mean(out[dust] < 128) < 0.35  # most dust gone (dots touching letters may stay)
    text = clean < 128
    assert np.mean(out[text] < 128) > 0.99  # strokes, full stops and the № survive


def test_remove_marks_erases_rule_ring_and_underline_but_keeps_text() -> None:
    clean = page()
    marked = clean.copy()
    h, w = clean.shape
    char_h = pp.measure_char_height(clean)
    cv2.circle(marked, (w - 140, h - 140), 110, INK, 4)  # a stamp's ring in the margin
    cv2.line(marked, (15, 40), (15, h - 40), INK, 3)  # a margin bar
    # An underline touching the letters of line 4 (baseline at about 1.5 + 3 * 2.1 sizes + cap).
    y = int(30 * 1.5 + 3 * 63 + 0.85 * 30)
    cv2.line(marked, (40, y), (w - 300, y), INK, 3)
    out, meta = pp.remove_marks(marked, char_h)
    added = (marked < 128) & (clean >= 128)
    assert meta["sparse"] >= 1 and meta["rules"] >= 1
    assert np.mean(out[added] < 128) < 0.1
    text = clean < 128
    assert np.mean(out[text] < 128) > 0.95


# --- binarization and scale ----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["sauvola", "wolf", "otsu"])
def test_binarize_gives_black_text_on_white(method: str) -> None:
    gray = faint(page(), 0.5)
    out, meta = pp.binarize(gray, pp.measure_char_height(gray), method)
    assert set(np.unique(out)) <= {0, 255}
    text = page() < 100
    assert np.mean(out[text] == 0) > 0.9
    assert np.mean(out[~text] == 255) > 0.97
    assert meta["method"] == method


def test_sauvola_survives_uneven_light_where_otsu_fails() -> None:
    gray = uneven_light(faint(page(), 0.6), 0.35)
    char_h = pp.measure_char_height(gray)
    paper = page() > 200
    sauvola, meta = pp.binarize(gray, char_h, "sauvola")
    otsu, _ = pp.binarize(gray, char_h, "otsu")
    assert meta["window_px"] >= 2 * char_h
    assert np.mean(sauvola[paper] == 0) < 0.01
    assert np.mean(otsu[paper] == 0) > 0.1  # the dark side of the page turned black


def test_binarize_rejects_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown binarize method"):
        pp.binarize(page(), 18.0, "magic")


def test_low_resolution_page_is_scaled_to_target_cap_height() -> None:
    small = cv2.resize(page(30), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)  # "150 dpi"
    out, meta = preprocess_page(small, dataclasses.replace(OFF, normalize_scale=True))
    assert meta["normalize_scale"]["scale"] > 1.5
    assert pp.measure_char_height(out) == pytest.approx(PreprocessSettings().target_cap_height, rel=0.2)


def test_crop_to_text_drops_empty_margins_and_keeps_all_text() -> None:
    gray = cv2.copyMakeBorder(page(), 300, 300, 300, 300, cv2.BORDER_CONSTANT, value=PAPER)
    out, meta = pp.crop_to_text(gray, pp.measure_char_height(gray))
    assert out.size < 0.6 * gray.size
    assert np.sum(out < 128) == np.sum(gray < 128)


def test_remove_color_erases_a_red_stamp_over_text() -> None:
    gray = page()
    rgb = np.dstack([gray] * 3)
    stamp = np.zeros_like(gray)
    cv2.circle(stamp, (300, 200), 120, 255, 8)
    rgb[stamp > 0] = (200, 40, 60)
    out, meta = pp.remove_color(rgb)
    assert meta["removed_fraction"] > 0.005
    stamp_only = (stamp > 0) & (gray > 200)
    assert np.mean(out[stamp_only] > 200) > 0.95
    assert np.mean(out[gray < 100] < 128) > 0.85  # neutral ink kept


# --- the whole chain ---------------------------------------------------------------------


def degraded_page() -> np.ndarray:
    gray = faint(page(), 0.55)
    gray = uneven_light(gray, 0.6)
    gray = skew(gray, 2.5)
    gray = with_dust(gray, 200, seed=3)
    return with_dark_border(gray, 30)


def test_full_chain_records_every_step_and_fills_debug_images() -> None:
    debug: dict[str, np.ndarray] = {}
    settings = dataclasses.replace(PreprocessSettings(), remove_color=True, binarize=True)
    out, meta = preprocess_page(degraded_page(), settings, debug)
    assert out.dtype == np.uint8 and out.ndim == 2
    assert meta["blank"] is False
    assert meta["deskew"]["angle"] == pytest.approx(-2.5, abs=0.2)
    assert meta["remove_border"]["border_fraction"] > 0
    assert set(debug) == set(meta["steps"])
    assert {"flatten", "deskew", "normalize_scale", "despeckle", "binarize", "crop"} <= set(debug)
    import json

    json.dumps(meta)  # serialisable as is


def test_bilevel_input_is_not_smoothed_or_flattened() -> None:
    binary = np.where(page() < 136, 0, 255).astype(np.uint8)
    _out, meta = preprocess_page(binary, PreprocessSettings())
    assert meta["bilevel_input"] is True
    assert "median" not in meta["steps"] and "flatten" not in meta["steps"]
    _out, meta = preprocess_page(page(), PreprocessSettings())
    assert meta["bilevel_input"] is False and "median" in meta["steps"]


def test_blank_page_returns_normally_and_says_blank() -> None:
    blank = np.full((600, 400), 240, np.uint8)
    out, meta = preprocess_page(blank, PreprocessSettings())
    assert meta["blank"] is True
    assert out.shape == blank.shape


@pytest.mark.parametrize("shape", [(1, 1), (3, 2), (1, 500)])
def test_tiny_images_do_not_crash(shape: tuple[int, int]) -> None:
    _out, meta = preprocess_page(np.zeros(shape, np.uint8), PreprocessSettings())
    assert meta["blank"] is True


def test_pure_noise_page_finishes_without_blowing_up_the_image() -> None:
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (1200, 900), dtype=np.uint8)
    out, meta = preprocess_page(noise, PreprocessSettings())
    assert meta["blank"] is True
    assert out.shape == noise.shape


def test_rgba_and_rgb_inputs_are_accepted() -> None:
    gray = page()
    for image in (np.dstack([gray] * 3), np.dstack([gray] * 3 + [np.full_like(gray, 255)])):
        out, meta = preprocess_page(image, PreprocessSettings())
        assert out.ndim == 2 and not meta["blank"]


def test_wrong_dtype_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="uint8"):
        preprocess_page(page().astype(np.float32), PreprocessSettings())


# --- Tesseract: the chain must not make reading worse ---------------------------------------


def _cer(reference: str, hypothesis: str) -> float:
    from rapidfuzz.distance import Levenshtein

    def norm(s: str) -> str:
        return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()

    return Levenshtein.distance(norm(reference), norm(hypothesis)) / len(norm(reference))


@pytest.mark.integration
def test_full_chain_reads_a_degraded_page_better_than_no_preprocessing() -> None:
    from pipeline.ocr import OcrSettings, ocr_page, page_text

    image = degraded_page()
    raw = _cer(TEXT, page_text(ocr_page(image, 1, OcrSettings())))
    out, _ = preprocess_page(image, PreprocessSettings())
    processed = _cer(TEXT, page_text(ocr_page(out, 1, OcrSettings())))
    assert processed <= raw
    assert processed < 0.1


# --- shared measurement and the one-pass deskew/crop ----------------------------------------


def test_histogram_percentile_equals_numpy() -> None:
    rng = np.random.default_rng(7)
    gray = rng.integers(0, 256, (97, 131), dtype=np.uint8)
    mask = (rng.random(gray.shape) < 0.3).astype(np.uint8) * 255
    for q in (0.5, 10, 50, 75, 90, 100):
        assert pp.percentile_u8(gray, q) == pytest.approx(np.percentile(gray, q))
        assert pp.percentile_u8(gray, q, mask) == pytest.approx(np.percentile(gray[mask > 0], q))
    assert pp.percentile_u8(gray[::3, ::3], 50) == pytest.approx(np.median(gray[::3, ::3]))


def test_one_pass_deskew_and_crop_matches_the_steps_run_one_by_one() -> None:
    """Rotating straight into the text box gives the page that deskew-then-crop gives."""
    gray = cv2.copyMakeBorder(page(), 200, 260, 240, 180, cv2.BORDER_CONSTANT, value=PAPER)
    gray = skew(gray, 2.0)
    settings = dataclasses.replace(OFF, deskew=True, crop=True)
    out, meta = preprocess_page(gray, settings)
    char_h = meta["char_height_in"]
    rotated, info = pp.deskew(gray, char_h)
    assert info["applied"] and meta["deskew"]["angle"] == info["angle"]
    expected, crop = pp.crop_to_text(rotated, char_h)
    assert out.size < 0.5 * rotated.size
    box, want = meta["crop"]["crop_box"], crop["crop_box"]
    assert all(abs(a - b) <= 2 * char_h / 12 + 1 for a, b in zip(box, want, strict=True))
    # Same pixels where the two crops overlap (the warp is the same resampling).
    dy, dx = want[1] - box[1], want[0] - box[0]
    h, w = min(out.shape[0], expected.shape[0]), min(out.shape[1], expected.shape[1])
    a = out[max(dy, 0) : max(dy, 0) + h, max(dx, 0) : max(dx, 0) + w]
    b = expected[max(-dy, 0) : max(-dy, 0) + h, max(-dx, 0) : max(-dx, 0) + w]
    hh, ww = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    assert np.mean(np.abs(a[:hh, :ww].astype(int) - b[:hh, :ww].astype(int))) < 1.0
    assert np.sum(out < 128) == pytest.approx(np.sum(rotated < 128), rel=0.01)  # no text cut


def test_debug_images_show_the_whole_deskewed_page() -> None:
    gray = cv2.copyMakeBorder(page(), 200, 200, 200, 200, cv2.BORDER_CONSTANT, value=PAPER)
    debug: dict[str, np.ndarray] = {}
    settings = dataclasses.replace(OFF, deskew=True, crop=True)
    out, meta = preprocess_page(skew(gray, 3.0), settings, debug)
    assert debug["deskew"].size > 1.5 * debug["crop"].size
    assert np.array_equal(debug["crop"], out)


# --- the cheaper chain: fast thumbnails, half-size speck labels, one thumbnail per page -------


@pytest.mark.parametrize("factor", [2, 4, 6])
def test_thumbnail_by_halvings_is_the_area_mean_to_one_level(factor: int) -> None:
    rng = np.random.default_rng(factor)
    gray = cv2.GaussianBlur(rng.integers(0, 256, (403, 517), dtype=np.uint8), (0, 0), 1.5)
    h, w = 403 - 403 % factor, 517 - 517 % factor
    direct = cv2.resize(gray[:h, :w], (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    fast = pp._thumbnail(gray, factor)
    assert fast.shape == direct.shape
    assert np.abs(fast.astype(int) - direct.astype(int)).max() <= 1
    assert np.array_equal(pp._thumbnail(gray, factor, exact=True), direct)


def test_despeckle_removes_every_isolated_speck_and_counts_them() -> None:
    clean = cv2.copyMakeBorder(page(), 0, 0, 0, 300, cv2.BORDER_CONSTANT, value=PAPER)
    char_h = pp.measure_char_height(clean)
    dusty = clean.copy()
    h, w = clean.shape
    rng = np.random.default_rng(3)
    # 2x2 to 3x3 specks in the empty right margin, far from text and from each other.
    for y in range(40, h - 40, 60):
        x = int(rng.integers(w - 260, w - 40))
        s = int(rng.integers(2, 4))
        dusty[y : y + s, x : x + s] = INK
    drawn = len(range(40, h - 40, 60))
    out, meta = pp.despeckle(dusty, char_h)
    on_clean = pp.despeckle(clean, char_h)[1]["removed"]  # the page's own stray dots (one)
    assert meta["removed"] == drawn + on_clean
    assert np.all(out[:, w - 280 :] >= PAPER - 40)  # the margin is clean again
    text = clean < 128
    assert np.mean(out[text] < 128) > 0.99


def test_despeckle_of_odd_sized_and_speckless_images() -> None:
    gray = page()[:401, :-3]  # odd height and width; the first lines hold no stray dot
    char_h = pp.measure_char_height(page())
    out, meta = pp.despeckle(gray, char_h)
    assert meta["removed"] == 0 and out is gray  # nothing to remove: no copy either
    dusty = with_dust(gray, 100)
    out, meta = pp.despeckle(dusty, char_h)
    assert out.shape == gray.shape and meta["removed"] > 50


def test_is_bilevel_counts_the_grey_pixels() -> None:
    binary = np.where(page() < 136, 0, 255).astype(np.uint8)
    assert pp.is_bilevel(binary)
    grey = binary.copy()
    grey[::10] = 128  # a tenth of the rows grey
    assert not pp.is_bilevel(grey)
    assert not pp.is_bilevel(page())


def test_skew_and_crop_measured_before_flatten_match_the_flattened_page() -> None:
    """The chain measures on the thumbnail made for the character height (before flatten and
    the median); on an unevenly lit, skewed page that gives flatten-then-measure's answers."""
    gray = uneven_light(skew(cv2.copyMakeBorder(page(), 150, 150, 150, 150, cv2.BORDER_CONSTANT, value=PAPER), 2.0))
    # Unscaled (a rescaled page is measured again, after flatten); no border to remove.
    settings = dataclasses.replace(PreprocessSettings(), normalize_scale=False, remove_border=False)
    out, meta = preprocess_page(gray, settings)
    char_h = meta["char_height_in"]
    flat, _ = pp.flatten_illumination(gray, char_h)
    flat = cv2.medianBlur(flat, 3)
    expected = pp.skew_decision(pp.Measure(flat, char_h))
    assert meta["deskew"]["angle"] == pytest.approx(expected["angle"], abs=0.1)
    rotated = pp.rotate(flat, meta["deskew"]["angle"], 255, cv2.INTER_CUBIC)  # small page: cubic
    _, crop = pp.crop_to_text(rotated, char_h)
    box, want = meta["crop"]["crop_box"], crop["crop_box"]
    assert all(abs(a - b) <= char_h / 2 for a, b in zip(box, want, strict=True))
    assert np.sum(out < 128) == pytest.approx(np.sum(rotated < 128), rel=0.02)  # no text cut


def test_upside_down_is_judged_on_the_moved_character_boxes() -> None:
    """The 180° test reads the line ends of the deskewed page from the thumbnail of the
    skewed one; a skewed upside-down page is still found out, an upright one left alone."""
    padded = cv2.copyMakeBorder(page(), 100, 100, 100, 100, cv2.BORDER_CONSTANT, value=PAPER)
    settings = dataclasses.replace(OFF, orient=True, deskew=True, crop=True)
    for turns, rotation in ((2, 180), (0, 0)):
        gray = skew(np.ascontiguousarray(np.rot90(padded, turns)), 2.5)
        _out, meta = preprocess_page(gray, settings)
        assert meta["orient_half"]["rotation"] == rotation
        assert meta["orient_half"]["lines"] >= 8


@pytest.mark.parametrize("degrees", [8.0, -7.5, 0.4])
def test_moved_character_boxes_stay_on_the_rotated_canvas(degrees: float) -> None:
    """Boxes in the page's corners, moved by the deskew rotation, land inside the grown
    canvas (the line-end profile indexes rows by them) and still cover the rotated box."""
    h, w = 300, 200
    stats = np.array([[0, 0, 12, 20, 150], [w - 12, h - 20, 12, 20, 150], [90, 140, 10, 16, 100]])
    matrix, nw, nh = pp._rotation((h, w), degrees)
    moved = pp._rotated_stats(stats, 1.0, matrix, (nw, nh))
    assert np.all(moved[:, :2] >= 0)
    assert np.all(moved[:, 0] + moved[:, 2] <= nw) and np.all(moved[:, 1] + moved[:, 3] <= nh)
    # The middle box's corners, rotated, lie within its moved box.
    x, y, bw, bh = stats[2, :4]
    corners = np.array([[x, y], [x + bw, y], [x, y + bh], [x + bw, y + bh]], float) @ matrix[:, :2].T + matrix[:, 2]
    mx, my, mw, mh = moved[2, :4]
    assert corners[:, 0].min() >= mx - 1 and corners[:, 0].max() <= mx + mw + 1
    assert corners[:, 1].min() >= my - 1 and corners[:, 1].max() <= my + mh + 1
