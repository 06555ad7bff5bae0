"""Page preprocessing before Tesseract: make a degraded typewriter scan look like clean print.

Every step is a pure function on numpy arrays that returns the new image and a small dict of
what it did, so the page's metadata can say why Tesseract saw what it saw. The chain is
driven by ``PreprocessSettings`` (one switch per step; defaults chosen by
``benchmarks/preprocess.py``). Sizes (windows, kernels, speck areas) are derived from the
measured character height, so a 95 dpi photocopy and a 600 dpi scan get the same treatment.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

log = logging.getLogger(__name__)

BINARIZE_METHODS = ("sauvola", "wolf", "otsu")
# Output never exceeds this many pixels, whatever the scale step asks for (memory guard).
MAX_OUTPUT_PIXELS = 40_000_000
# Below this many character-like components a page is treated as blank / not text.
MIN_TEXT_COMPONENTS = 8
# Text pages have at most about a quarter of their pixels inked (bold print lines); uniform
# noise has ~40%. Characters under 6 px are not readable by Tesseract at any scale.
MAX_INK_FRACTION = 0.33
MIN_CHAR_PX = 6.0
# Deskew resampling: bicubic costs 3x bilinear (about 90 vs 30 ms on a 300 dpi page). On
# full pages the benchmark shows no CER difference (synthetic 0.0949 bilinear vs 0.0970
# bicubic, typewritten 0.0382 vs 0.0371: within Tesseract's page-to-page noise), so pages
# get bilinear; images up to this many pixels (text lines, small crops) keep bicubic, where
# it costs nothing and two slightly rotated print lines read better with it.
CUBIC_MAX_PIXELS = 2_000_000


@dataclass(frozen=True)
class PreprocessSettings:
    """Which steps run and how; scalar fields only (TOML config, fingerprinted).

    Steps run in this order: remove_color, remove_border, (measure character height),
    flatten, normalize_scale, median, orient (90°), deskew, despeckle, crop, orient (180°),
    remove_marks, binarize. Deskew and crop are one resampling into the text box, and
    despeckle works on that box only. Sizes are in character heights unless named
    ``_px``/``_deg``.
    """

    remove_color: bool = False  # colour scans only: stamps and coloured pencil become paper
    color_min_saturation: int = 70  # HSV saturation (0-255) above which a pixel is coloured ink
    remove_border: bool = True  # dark scanner bed touching the edges: painted as paper, cropped
    flatten: bool = True  # divide by a morphological background estimate
    flatten_window_chars: float = 1.5  # closing window: wider than a stroke, narrower than a stain
    orient: bool = True  # 90° by neighbour direction, 180° by which side is flush
    deskew: bool = True  # projection-profile angle search
    deskew_max_deg: float = 8.0
    deskew_min_deg: float = 0.15  # smaller angles are not worth a resampling
    normalize_scale: bool = True  # resize so capitals are target_cap_height px
    target_cap_height: int = 34
    scale_tolerance: float = 1.4  # no resize when within this factor of the target
    median: int = 3  # median filter kernel (px) at the working scale; 0 = off
    despeckle: bool = True  # isolated specks smaller than speckle_max_area * char_h**2
    speckle_max_area: float = 0.06
    remove_marks: bool = False  # rules, rings, scribbles, underlines (off: costs on real pages)
    binarize: bool = False  # off: Tesseract reads the flattened greyscale better (benchmark)
    binarize_method: str = "sauvola"  # sauvola | wolf | otsu
    binarize_window_chars: float = 2.5
    binarize_k: float = 0.2
    crop: bool = True  # to the text plus crop_margin_chars
    crop_margin_chars: float = 2.0


# Every step switched off: plain Tesseract input, the baseline of benchmarks and tests.
NO_PREPROCESSING = PreprocessSettings(
    remove_color=False,
    remove_border=False,
    flatten=False,
    orient=False,
    deskew=False,
    normalize_scale=False,
    median=0,
    despeckle=False,
    binarize=False,
    crop=False,
)


def to_gray(image: np.ndarray) -> np.ndarray:
    """Grayscale uint8 from gray, RGB or RGBA input."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_RGBA2GRAY)
    if image.shape[2] <= 2:  # gray, or gray + alpha
        return np.ascontiguousarray(image[:, :, 0])
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def remove_color(image: np.ndarray, min_saturation: int = 70) -> tuple[np.ndarray, dict[str, Any]]:
    """Gray page with strongly coloured pixels (stamps, coloured pencil) turned into paper.

    Typewriter ribbon and carbon are neutral; a violet stamp or red pencil is saturated, so
    colour is the one cue that separates a stamp from the text it overlaps.
    """
    gray = to_gray(image)
    if image.ndim != 3 or image.shape[2] < 3:
        return gray, {"removed_fraction": 0.0, "reason": "not colour"}
    rgb = image[:, :, :3]
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    sat, val = hsv[:, :, 1], hsv[:, :, 2]
    # Dark pixels have unreliable hue/saturation (JPEG noise), so only reasonably bright ones count.
    mask = (sat >= min_saturation) & (val >= 60)
    fraction = float(mask.mean())
    if not mask.any():
        return gray, {"removed_fraction": 0.0}
    paper = int(np.median(gray[~mask])) if (~mask).any() else 255
    out = gray.copy()
    out[cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = paper
    return out, {"removed_fraction": round(fraction, 5)}


def _odd(n: float, minimum: int = 3) -> int:
    k = max(minimum, int(round(n)))
    return k if k % 2 else k + 1


def _local_stats(gray: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = gray.astype(np.float32)
    mean = cv2.boxFilter(g, cv2.CV_32F, (window, window), borderType=cv2.BORDER_REFLECT)
    sq = cv2.sqrBoxFilter(g, cv2.CV_32F, (window, window), borderType=cv2.BORDER_REFLECT)
    std = cv2.sqrt(cv2.max(cv2.subtract(sq, cv2.multiply(mean, mean)), 0.0))
    return g, mean, std


def sauvola_threshold(gray: np.ndarray, window: int, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola's local threshold (float32), computed with box filters in O(pixels)."""
    _, mean, std = _local_stats(gray, window)
    # mean * (1 + k * (std / r - 1)), written with in-place OpenCV arithmetic for speed.
    out = cv2.add(cv2.multiply(mean, std, scale=k / r), mean, dtype=cv2.CV_32F)
    return cv2.scaleAdd(mean, -k, out, dst=out)


def wolf_threshold(gray: np.ndarray, window: int, k: float = 0.5) -> np.ndarray:
    """Wolf-Jolion threshold: Sauvola normalised by the page's contrast, for low-contrast ink."""
    g, mean, std = _local_stats(gray, window)
    max_std = max(float(std.max()), 1e-3)
    darkest = float(g.min())
    return mean - k * (1.0 - std / max_std) * (mean - darkest)


def ink_mask(gray: np.ndarray, window: int, k: float = 0.2) -> np.ndarray:
    """Boolean mask of ink by Sauvola; flat paper (tiny local contrast) never counts as ink.

    The threshold surface is smooth at the scale of the window, so it is computed on a
    thumbnail (window about 16 px) and interpolated back: same mask, a fraction of the cost.
    """
    f = int(window / 16.0)
    if f < 2:
        return gray < sauvola_threshold(gray, window, k)
    small = _thumbnail(gray, f)
    thr = sauvola_threshold(small, _odd(window / f), k)
    # gray < t  <=>  gray < ceil(t) for integer gray, so the surface can be enlarged as uint8
    # (OpenCV's fixed-point path), never as a full-page float32 image.
    thr8 = np.clip(np.ceil(thr), 0, 255).astype(np.uint8)
    thr8 = cv2.resize(thr8, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return gray < thr8


# Measurements (character size, skew, orientation, text block) are made on a thumbnail where
# capitals are about this high: accurate enough, and 5-10x cheaper than full resolution.
MEASURE_CHAR_PX = 12.0
# A lower Sauvola k than for output: measurements need faint characters whole, not clean edges.
MEASURE_K = 0.1


def _thumbnail(gray: np.ndarray, factor: float) -> np.ndarray:
    """Area-averaged thumbnail; the factor is rounded down to an integer (OpenCV's fast path)."""
    f = int(factor)
    if f <= 1:
        return gray
    h, w = gray.shape
    h, w = h - h % f, w - w % f
    return cv2.resize(gray[:h, :w], (w // f, h // f), interpolation=cv2.INTER_AREA)


def measure_mask(gray: np.ndarray, char_h: float) -> tuple[np.ndarray, float]:
    """Ink mask of a thumbnail with capitals of MEASURE_CHAR_PX px or more, and its factor."""
    m = Measure(gray, char_h)
    return m.mask, m.factor


def _components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = mask.view(np.uint8) if mask.dtype == bool else mask
    # Grana's block-based labelling: same labels, about half the time of the default on pages.
    _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(m, 8, cv2.CV_32S, cv2.CCL_GRANA)
    return labels, stats[1:]  # drop the background component


class Measure:
    """A thumbnail of the working page, its ink mask and components, shared by measuring steps.

    Orientation, skew and the text block are all judged on the same thumbnail (capitals about
    MEASURE_CHAR_PX high); geometric steps transform the thumbnail along with the page
    instead of measuring the full page again, so each page is thresholded and labelled at
    full resolution only once (despeckle).
    """

    def __init__(self, gray: np.ndarray, char_h: float) -> None:
        self.factor = float(max(1, int(char_h / MEASURE_CHAR_PX)))
        self.char_h = char_h / self.factor  # in thumbnail pixels
        self._set(_thumbnail(gray, self.factor))

    def _set(self, small: np.ndarray) -> None:
        self.small = small
        blurred = cv2.GaussianBlur(small, (0, 0), 0.7)
        self.mask = ink_mask(blurred, _odd(2.5 * self.char_h, 15), MEASURE_K)
        self._cc: tuple[np.ndarray, np.ndarray] | None = None

    def components(self) -> tuple[np.ndarray, np.ndarray]:
        if self._cc is None:
            self._cc = _components(self.mask)
        return self._cc

    def rotate(self, angle_deg: float) -> None:
        """Follow a deskew rotation of the page (same angle, canvas grown the same way)."""
        self._set(rotate(self.small, angle_deg, paper_level(self.small), cv2.INTER_LINEAR))

    def rot90(self, k: int) -> None:
        self._set(np.ascontiguousarray(np.rot90(self.small, k)))


def _char_like(stats: np.ndarray, char_h: float | None = None) -> np.ndarray:
    """Boolean index of components shaped like typed characters (not specks, rules or stamps)."""
    w, h, area = (
        stats[:, cv2.CC_STAT_WIDTH],
        stats[:, cv2.CC_STAT_HEIGHT],
        stats[:, cv2.CC_STAT_AREA],
    )
    sel = (h >= 5) & (area >= 12) & (w <= 4 * h) & (h <= 3 * np.maximum(w, 2))
    if char_h:
        sel &= (h >= 0.35 * char_h) & (h <= 1.8 * char_h)
    return sel


def estimate_char_height(mask: np.ndarray, prior: float = 0.0) -> tuple[float, int]:
    """Typical cap height of the text in a binary ink mask, and how many characters back it.

    The median component height mixes x-height and capitals; the 80th percentile of
    heights near the median lands on capitals/ascenders, which is the size Tesseract cares about.
    Returns (0.0, n) when there are too few character-like components (blank or noise page).
    """
    _, stats = _components(mask)
    if len(stats) == 0:
        return 0.0, 0
    # On a page, anything taller than an eighth of it is a stamp or a border, not type; a
    # line image (a few hundred px or less) is all text.
    h_img = mask.shape[0]
    limit = h_img / 8 if h_img > 400 else h_img
    sel = _char_like(stats) & (stats[:, cv2.CC_STAT_HEIGHT] < limit)
    heights = stats[sel, cv2.CC_STAT_HEIGHT].astype(np.float64)
    if prior:
        heights = heights[(heights >= 0.5 * prior) & (heights <= 2.0 * prior)]
    if len(heights) < MIN_TEXT_COMPONENTS:
        return 0.0, int(len(heights))
    med = float(np.median(heights))
    near = heights[(heights >= 0.6 * med) & (heights <= 2.0 * med)]
    return float(np.percentile(near, 80)), int(len(near))


def measure_char_height(gray: np.ndarray) -> float:
    """Character (cap) height in pixels of a gray page, 0.0 when no text is found.

    First on a thumbnail with the long side about 1500 px (smooths scanner noise, which would
    otherwise pass for tiny characters), then again on a thumbnail fitted to the text.
    """
    factor = float(max(1, int(max(gray.shape) / 1500.0 + 0.5)))
    small = cv2.GaussianBlur(_thumbnail(gray, factor), (0, 0), 0.7)
    mask = ink_mask(small, _odd(min(small.shape) / 60, 15), MEASURE_K)
    if mask.mean() > MAX_INK_FRACTION:
        return 0.0  # a third of the page "ink": noise or a photo, not typescript
    char_h, _ = estimate_char_height(mask)
    if not char_h or char_h * factor < MIN_CHAR_PX:
        return 0.0
    char_h *= factor
    mask, f2 = measure_mask(gray, char_h)
    char_h2, _ = estimate_char_height(mask, char_h / f2)
    return char_h2 * f2 if char_h2 else char_h


def percentile_u8(gray: np.ndarray, q: float, mask: np.ndarray | None = None) -> float:
    """``np.percentile(gray[mask], q)`` of a uint8 image, from its 256-bin histogram.

    One pass over the pixels instead of numpy's partial sort (10-20x faster on a full page),
    with the same linear interpolation between order statistics. 255.0 when nothing is selected.
    """
    hist = cv2.calcHist([np.ascontiguousarray(gray)], [0], mask, [256], [0, 256]).ravel()
    cum = np.cumsum(hist.astype(np.int64))
    n = int(cum[-1])
    if n == 0:
        return 255.0
    pos = q / 100.0 * (n - 1)
    lo = int(np.floor(pos))
    v_lo = int(np.searchsorted(cum, lo, side="right"))
    v_hi = int(np.searchsorted(cum, min(lo + 1, n - 1), side="right"))
    return v_lo + (pos - lo) * (v_hi - v_lo)


def is_bilevel(gray: np.ndarray) -> bool:
    """Whether the image is already black and white (at least 98% of pixels at 0 or 255)."""
    sample = gray[::3, ::3]
    return bool(np.mean((sample == 0) | (sample == 255)) >= 0.98)


def paper_level(gray: np.ndarray) -> int:
    """Gray level of the paper: the brightest well-populated level (robust to ink and borders)."""
    return int(percentile_u8(gray[::4, ::4], 90))


def remove_border(gray: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """Paint dark regions touching the image edge (scanner bed, shadows) as paper; crop them off.

    Works on a heavily blurred thumbnail so text never counts as border; the border is what
    stays much darker than the paper over a large area and touches the edge.
    """
    h, w = gray.shape
    f = float(max(1, int(max(h, w) / 600.0)))
    small = _thumbnail(gray, f)
    # The closing wipes out text strokes (dark, thin); wide dark areas (borders) survive.
    small = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
    small = cv2.medianBlur(small, 5)
    paper = percentile_u8(small, 75)
    # The scanner bed is under half the paper's brightness; dim paper under uneven light is not.
    dark = (small < 0.5 * paper).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    sh, sw = small.shape
    x, y, bw, bh = (stats[:, i] for i in range(4))
    touches = ((x == 0) | (y == 0) | (x + bw >= sw) | (y + bh >= sh)).astype(np.uint8)
    touches[0] = 0  # the background (paper) component
    border = touches[labels]
    fraction = float(border.mean())
    if fraction == 0.0:
        return gray, {"border_fraction": 0.0, "crop_box": [0, 0, w, h]}
    # Grow the border past its blurred edge (the grey ramp between bed and paper reads as a
    # rule of "ыыы"): about 0.5% of the page, at least 3 thumbnail pixels.
    grow = _odd(max(3.0, 0.005 * max(h, w) / f))
    border = cv2.dilate(border, np.ones((grow, grow), np.uint8))
    full = cv2.resize(border, (w, h), interpolation=cv2.INTER_NEAREST)
    # Crop to the bounding box of the page (rows/columns that are mostly not border); the
    # means come from OpenCV's row/column reductions, not a full-page float copy.
    row_mean = cv2.reduce(full, 1, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
    col_mean = cv2.reduce(full, 0, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
    rows = np.flatnonzero(row_mean < 0.5)
    cols = np.flatnonzero(col_mean < 0.5)
    if len(rows) and len(cols):
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    else:
        x0, y0, x1, y1 = 0, 0, w, h
    not_border = cv2.compare(full, 0, cv2.CMP_EQ)
    paper = int(percentile_u8(gray, 50, not_border)) if cv2.countNonZero(not_border) else 255
    out = gray[y0:y1, x0:x1].copy()
    cv2.copyTo(np.full_like(out, paper), full[y0:y1, x0:x1], out)  # paint the border as paper
    return out, {"border_fraction": round(fraction, 4), "crop_box": [x0, y0, x1 - x0, y1 - y0]}


def flatten_illumination(
    gray: np.ndarray, char_h: float, window_chars: float = 1.5
) -> tuple[np.ndarray, dict[str, Any]]:
    """Divide by a morphological estimate of the paper so uneven light, yellowing and stains go.

    A gray closing wider than a stroke but narrower than a stain removes the text from the
    image, leaving the background; dividing by it puts the paper at 255 everywhere and keeps
    faint ink's contrast relative to its own neighbourhood. Done on a thumbnail for speed.
    """
    h, w = gray.shape
    char_h = char_h or min(h, w) / 60
    f = float(max(1, int(char_h / 8.0)))  # thumbnail with characters about 8 px high
    small = _thumbnail(gray, f)
    k = _odd(window_chars * char_h / f)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    bg = cv2.GaussianBlur(bg, (0, 0), k / 2)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    bg = cv2.max(bg, 1)
    ratio = cv2.divide(gray, bg, scale=255.0)  # uint8, saturating: paper -> 255
    # Stretch so the darkest ink (0.5th percentile) becomes black: faint pages regain contrast.
    lo = min(percentile_u8(ratio[::3, ::3], 0.5) / 255.0, 0.8)
    lut = np.clip((np.arange(256) / 255.0 - lo) / (1.0 - lo) * 255.0, 0, 255).astype(np.uint8)
    out = cv2.LUT(ratio, lut)
    return out, {"window_px": int(round(k * f)), "ink_level": round(lo, 3)}


def _rotate_points_score(xs: np.ndarray, ys: np.ndarray, angle_deg: float, bin_px: float) -> float:
    a = np.deg2rad(angle_deg)
    proj = ys * np.cos(a) - xs * np.sin(a)
    idx = ((proj - proj.min()) / bin_px).astype(np.int64)
    counts = np.bincount(idx).astype(np.float64)
    return float(np.dot(counts, counts))


def _char_pixels(
    mask: np.ndarray,
    char_h: float,
    limit: int = 150_000,
    components: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of pixels belonging to character-sized components, subsampled (deterministic)."""
    labels, stats = components or _components(mask)
    keep = np.zeros(len(stats) + 1, bool)
    keep[1:] = _char_like(stats, char_h)
    ys, xs = np.nonzero(keep[labels])
    if len(xs) > limit:
        step = len(xs) // limit + 1
        xs, ys = xs[::step], ys[::step]
    return xs.astype(np.float64), ys.astype(np.float64)


def measure_skew(
    mask: np.ndarray,
    char_h: float,
    max_deg: float = 8.0,
    components: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, float]:
    """Skew of the text lines in degrees (positive: lines fall to the right), by projection profile.

    Ink pixels of character-sized components are projected onto the vertical axis at trial
    angles; text lines give the sharpest profile (largest sum of squares) when horizontal.
    Coarse search then two refinements reach about 0.05°. Returns (angle, confidence), where
    confidence is the best score over the score at 0° minus one.
    """
    xs, ys = _char_pixels(mask, char_h, components=components)
    if len(xs) < 200:
        return 0.0, 0.0
    bin_px = max(1.0, char_h / 8)

    def best(center: float, half: float, step: float) -> float:
        angles = np.arange(center - half, center + half + step / 2, step)
        scores = [_rotate_points_score(xs, ys, a, bin_px) for a in angles]
        return float(angles[int(np.argmax(scores))])

    # The coarse sweep only has to land within 0.25° of the peak: a quarter of the points do.
    xs_all, ys_all = xs, ys
    xs, ys = xs_all[::4], ys_all[::4]
    a = best(0.0, max_deg, 0.5)
    xs, ys = xs_all, ys_all
    a = best(a, 0.5, 0.1)
    a = best(a, 0.1, 0.02)
    s0 = _rotate_points_score(xs, ys, 0.0, bin_px)
    conf = _rotate_points_score(xs, ys, a, bin_px) / max(s0, 1.0) - 1.0
    return a, conf


def _skew_interpolation(pixels: int) -> int:
    return cv2.INTER_CUBIC if pixels <= CUBIC_MAX_PIXELS else cv2.INTER_LINEAR


def _rotation(shape: tuple[int, ...], angle_deg: float) -> tuple[np.ndarray, int, int]:
    """Affine matrix rotating about the centre by ``angle_deg``, and the grown canvas (w, h)."""
    h, w = shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return m, nw, nh


def rotate(
    gray: np.ndarray,
    angle_deg: float,
    fill: int,
    interpolation: int = cv2.INTER_LINEAR,
    box: tuple[int, int, int, int] | None = None,
) -> np.ndarray:
    """Rotate about the centre by ``angle_deg`` (the measured skew undone), canvas grown to fit.

    ``box`` (x, y, w, h in the grown canvas) renders only that part: deskew and crop in one
    resampling, with no full-page intermediate.
    """
    m, nw, nh = _rotation(gray.shape, angle_deg)
    if box is not None:
        m[0, 2] -= box[0]
        m[1, 2] -= box[1]
        nw, nh = box[2], box[3]
    return cv2.warpAffine(gray, m, (nw, nh), flags=interpolation, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def skew_decision(measure: Measure, max_deg: float = 8.0, min_deg: float = 0.15) -> dict[str, Any]:
    """Measured skew of a page's thumbnail and whether it is worth a rotation.

    Angles under ``min_deg`` or without a clearly sharper profile are left alone: every
    rotation resamples (blurs) the strokes, which costs more than a tiny skew.
    """
    angle, conf = measure_skew(measure.mask, measure.char_h, max_deg, components=measure.components())
    meta: dict[str, Any] = {"angle": round(angle, 3), "confidence": round(conf, 3)}
    meta["applied"] = bool(abs(angle) >= min_deg and conf >= 0.05)
    return meta


def deskew(
    gray: np.ndarray, char_h: float, max_deg: float = 8.0, min_deg: float = 0.15
) -> tuple[np.ndarray, dict[str, Any]]:
    """Rotate so text lines are horizontal; records the measured angle (see ``skew_decision``)."""
    meta = skew_decision(Measure(gray, char_h), max_deg, min_deg)
    if not meta["applied"]:
        return gray, meta
    # Lines are level at y' = y cos a - x sin a, i.e. they run at +a in image coordinates
    # (rows down), which is -a in cv2's counter-clockwise convention; rotating by +a undoes it.
    interpolation = _skew_interpolation(gray.size)
    return rotate(gray, meta["angle"], paper_level(gray), interpolation), meta


def detect_quarter_turn(
    mask: np.ndarray, char_h: float, components: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[bool, dict[str, Any]]:
    """Whether text lines run vertically (page scanned at 90°), from character neighbours.

    On a typed page a character's nearest neighbour is the next one on its line (pitch <
    line spacing), so the majority direction of nearest-neighbour vectors is the line
    direction; it does not depend on skew, so it runs before deskew.
    """
    _, stats = components or _components(mask)
    sel = _char_like(stats, char_h) if len(stats) else np.zeros(0, bool)
    st = stats[sel]
    if len(st) < 30:
        return False, {"decided": False, "reason": "too few characters"}
    cx = st[:, 0] + st[:, 2] / 2.0
    cy = st[:, 1] + st[:, 3] / 2.0
    if len(cx) > 1200:
        idx = np.linspace(0, len(cx) - 1, 1200).astype(int)
        cx, cy = cx[idx], cy[idx]
    pts = np.ascontiguousarray(np.stack([cx, cy], 1), dtype=np.float32)
    # OpenCV's brute-force 2-nearest search in C++; the nearest is the point itself.
    _, idx = cv2.batchDistance(pts, pts, cv2.CV_32F, normType=cv2.NORM_L2SQR, K=2)
    own = np.arange(len(pts))
    nearest = np.where(idx[:, 0] == own, idx[:, 1], idx[:, 0])
    nn = pts[nearest] - pts
    horizontal = int((np.abs(nn[:, 0]) > np.abs(nn[:, 1])).sum())
    vertical = int((np.abs(nn[:, 1]) > np.abs(nn[:, 0])).sum())
    meta: dict[str, Any] = {"horizontal_neighbours": horizontal, "vertical_neighbours": vertical}
    return vertical > 1.5 * horizontal, meta


def detect_upside_down(
    mask: np.ndarray, char_h: float, components: tuple[np.ndarray, np.ndarray] | None = None
) -> tuple[bool, dict[str, Any]]:
    """Whether a page with horizontal lines is upside down, from which side is flush.

    Typewriters cannot justify: line starts cluster on the margin and tab stops while line
    ends are ragged. Upside down, the ragged side is on the left. Justified or centred print
    gives no clear answer, and then the page is left alone.
    """
    flush = _flush_sides(mask, char_h, components)
    upside_down = (
        flush["lines"] >= 8 and flush["right_flush"] >= 0.5 and flush["right_flush"] - flush["left_flush"] >= 0.25
    )
    return upside_down, flush


def _flush_sides(
    mask: np.ndarray, char_h: float, components: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[str, Any]:
    """How aligned the left and right ends of text lines are (fraction near the modal tab stop).

    Lines are found in the row profile of character-sized components only, so specks and
    rules neither split nor lengthen a line; a line's ends are its outermost characters.
    """
    _, stats = components or _components(mask)
    if len(stats) == 0:
        return {"left_flush": 0.0, "right_flush": 0.0, "lines": 0}
    sel = _char_like(stats, char_h)
    st = stats[sel]
    if len(st) < MIN_TEXT_COMPONENTS:
        return {"left_flush": 0.0, "right_flush": 0.0, "lines": 0}
    profile = np.zeros(mask.shape[0] + 1, np.float64)
    np.add.at(profile, st[:, 1], 1.0)
    np.add.at(profile, st[:, 1] + st[:, 3], -1.0)
    profile = np.cumsum(profile)[:-1]  # characters covering each row
    k = max(1, int(char_h / 3))
    profile = np.convolve(profile, np.ones(k) / k, mode="same")
    rows = profile >= max(2.0, 0.15 * profile.max())
    cy = st[:, 1] + st[:, 3] / 2.0
    starts, ends = [], []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], rows.astype(np.int8), [0]])))
    for y0, y1 in zip(edges[::2], edges[1::2], strict=True):
        if y1 - y0 < 0.4 * char_h:
            continue
        on_line = st[(cy >= y0) & (cy < y1)]
        if len(on_line) < 3:
            continue
        starts.append(int(on_line[:, 0].min()))
        ends.append(int((on_line[:, 0] + on_line[:, 2]).max()))
    if len(starts) < 4:
        return {"left_flush": 0.0, "right_flush": 0.0, "lines": len(starts)}
    tol = max(2.0, 0.5 * char_h)

    def flushness(values: list[int]) -> float:
        v = np.asarray(values, float)
        best = max(float(np.mean(np.abs(v - c) <= tol)) for c in v)
        return round(best, 3)

    return {"left_flush": flushness(starts), "right_flush": flushness(ends), "lines": len(starts)}


def orient_quarter(
    gray: np.ndarray, char_h: float, measure: Measure | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Turn a page whose lines run vertically by 90° (``orient_half`` settles the direction).

    A given ``measure`` (thumbnail of ``gray``) is used and turned along with the page.
    """
    m = measure or Measure(gray, char_h)
    quarter, meta = detect_quarter_turn(m.mask, m.char_h, m.components())
    meta["rotation"] = 90 if quarter else 0
    if quarter:
        gray = np.ascontiguousarray(np.rot90(gray, -1))
        m.rot90(-1)
    return gray, meta


def orient_half(gray: np.ndarray, char_h: float, measure: Measure | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """Turn an upside-down (deskewed) page by 180°."""
    m = measure or Measure(gray, char_h)
    flip, meta = detect_upside_down(m.mask, m.char_h, m.components())
    meta["rotation"] = 180 if flip else 0
    if flip:
        gray = np.ascontiguousarray(np.rot90(gray, 2))
        m.rot90(2)
    return gray, meta


def normalize_scale(
    gray: np.ndarray, char_h: float, target: int = 34, tolerance: float = 1.4
) -> tuple[np.ndarray, dict[str, Any]]:
    """Resize so capitals are about ``target`` px high, the size Tesseract reads best.

    Pages already within ``tolerance`` (a factor) of the target are left alone: resampling
    costs more than it gains there (benchmark: 300 dpi pages read better unscaled, 95 dpi
    pages much better enlarged).
    """
    scale = target / char_h if char_h else 1.0
    scale = float(np.clip(scale, 0.25, 4.0))
    h, w = gray.shape
    if h * w * scale * scale > MAX_OUTPUT_PIXELS:
        scale = (MAX_OUTPUT_PIXELS / (h * w)) ** 0.5
    if 1.0 / tolerance <= scale <= tolerance:
        return gray, {"scale": 1.0, "char_height": round(char_h, 1)}
    interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    out = cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=interp)
    return out, {"scale": round(scale, 4), "char_height": round(char_h, 1)}


def despeckle(gray: np.ndarray, char_h: float, max_area: float = 0.06) -> tuple[np.ndarray, dict[str, Any]]:
    """Paint as paper the ink specks that are too small to be type and far from any text.

    Small marks next to characters (full stops, commas, the dots of ё) stay; an isolated
    speck of dust or dropout is removed. Size and distance are relative to the character height.
    """
    mask = ink_mask(gray, _odd(2.5 * char_h, 15))
    labels, stats = _components(mask)
    if len(stats) == 0:
        return gray, {"removed": 0, "max_area_px": 0.0}
    area = stats[:, cv2.CC_STAT_AREA]
    small_area = max(3.0, max_area * char_h * char_h)
    tiny = (area <= small_area) & (np.maximum(stats[:, 2], stats[:, 3]) <= 0.5 * char_h)
    big = ~tiny
    # Near text = within about 0.8 character heights of a non-speck component (a full stop
    # sits half a pitch from its word).
    big_mask = np.zeros(len(stats) + 1, np.uint8)
    big_mask[1:] = big
    # "Near" is judged on a 4x coarser grid: exact to a few pixels, and 16x cheaper to dilate;
    # the grid is filled from every other label (a 2x2 sample of each 4x4 cell).
    c = 4
    coarse = _thumbnail(big_mask[labels[::2, ::2]] * 255, c // 2)
    reach = _odd(1.6 * char_h / c)
    near = cv2.dilate(coarse, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach)))
    cx = np.clip((stats[:, 0] + stats[:, 2] // 2) // c, 0, near.shape[1] - 1)
    cy = np.clip((stats[:, 1] + stats[:, 3] // 2) // c, 0, near.shape[0] - 1)
    isolated = near[cy, cx] == 0
    # Dust smaller than a pen's dot is never type, even next to a letter.
    dust = area <= max(2.0, 0.003 * char_h * char_h)
    remove = tiny & (isolated | dust)
    out = gray.copy()
    paper = paper_level(gray)
    gone = np.flatnonzero(remove)
    if len(gone) > 1000:  # heavy noise: one lookup over the label image
        drop = np.zeros(len(stats) + 1, bool)
        drop[1:] = remove
        out[drop[labels]] = paper
    else:  # specks are tiny: paint each inside its own box
        for i in gone:
            x, y, bw, bh = (int(v) for v in stats[i, :4])
            box = out[y : y + bh, x : x + bw]
            box[labels[y : y + bh, x : x + bw] == i + 1] = paper
    return out, {"removed": int(remove.sum()), "max_area_px": round(small_area, 1)}


def remove_marks(gray: np.ndarray, char_h: float) -> tuple[np.ndarray, dict[str, Any]]:
    """Paint as paper the marks no typewriter makes: long rules, margin bars, rings and scribbles.

    A typed character is at most about one character high and never a long thin line; a
    stamp's ring or a pencil scribble is large and sparse (little ink in its bounding box).
    Letters touching such a mark go with it, which costs less than Tesseract reading the
    mark as a line of garbage.
    """
    mask, factor = measure_mask(gray, char_h)
    ch = char_h / factor
    labels, stats = _components(mask)
    if len(stats) == 0:
        return gray, {"removed": 0}
    w, h, area = stats[:, 2], stats[:, 3], stats[:, 4]
    rule = ((w >= 6 * ch) & (h <= 0.4 * ch)) | ((h >= 3 * ch) & (w <= 0.4 * ch))
    fill = area / np.maximum(w * h, 1)
    sparse = (np.maximum(w, h) >= 3 * ch) & (fill < 0.12)
    drop = np.zeros(len(stats) + 1, np.uint8)
    drop[1:] = rule | sparse
    small = drop[labels] * 255
    # Underlines touching the letters above them are one component with the text; a
    # horizontal opening longer than any letter stroke picks out just the line.
    long_run = _odd(2.5 * ch)
    lines = cv2.morphologyEx(mask.astype(np.uint8) * 255, cv2.MORPH_OPEN, np.ones((1, long_run), np.uint8))
    # ...but not solid blobs (a heavy smudge): the line must be thin.
    thick = cv2.morphologyEx(lines, cv2.MORPH_OPEN, np.ones((_odd(0.5 * ch), 1), np.uint8))
    small = cv2.max(small, cv2.subtract(lines, thick))
    small = cv2.dilate(small, np.ones((3, 3), np.uint8))
    full = cv2.resize(small, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_NEAREST) > 0
    out = gray.copy()
    out[full & (gray < paper_level(gray))] = paper_level(gray)
    return out, {
        "rules": int(rule.sum()),
        "sparse": int(sparse.sum()),
        "line_fraction": round(float((small > 0).mean()), 5),
    }


def binarize(
    gray: np.ndarray,
    char_h: float,
    method: str = "sauvola",
    window_chars: float = 2.5,
    k: float = 0.2,
) -> tuple[np.ndarray, dict[str, Any]]:
    """Black ink on white paper; the local window is sized from the character height."""
    if method not in BINARIZE_METHODS:
        raise ValueError(f"unknown binarize method {method!r}; use one of {', '.join(BINARIZE_METHODS)}")
    if method == "otsu":
        t, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return out, {"method": "otsu", "threshold": float(t)}
    window = _odd(window_chars * char_h, 15)
    thr = sauvola_threshold(gray, window, k) if method == "sauvola" else wolf_threshold(gray, window, 0.5)
    out = np.where(gray.astype(np.float32) < thr, 0, 255).astype(np.uint8)
    return out, {"method": method, "window_px": window, "k": k}


def text_box(measure: Measure) -> tuple[int, int, int, int] | None:
    """Bounding box (x0, y0, x1, y1, thumbnail pixels) of the text on a measured page.

    Character-sized components are smeared by about one character height; a smear holding
    three or more of them is text (a word, a line, a block), one holding one or two is a
    speck or a tick. The box is the union of the text smears, so no word is ever cut.
    None when there is no such text.
    """
    labels, stats = measure.components()
    if len(stats) == 0:
        return None
    ch = measure.char_h
    keep = np.zeros(len(stats) + 1, np.uint8)
    # Headlines (up to four times the body size) are text too.
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    keep[1:] = _char_like(stats) & (heights >= 0.35 * ch) & (heights <= 4 * ch)
    if keep.sum() < MIN_TEXT_COMPONENTS:
        return None
    chars = keep[labels]
    reach = _odd(1.2 * ch)
    smear = cv2.dilate(chars, cv2.getStructuringElement(cv2.MORPH_RECT, (reach, reach)))
    n, blob, blob_stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(smear, 8, cv2.CV_32S, cv2.CCL_GRANA)
    # Count the characters in each smear by their centres.
    st = stats[keep[1:] > 0]
    cx = np.clip(st[:, 0] + st[:, 2] // 2, 0, chars.shape[1] - 1)
    cy = np.clip(st[:, 1] + st[:, 3] // 2, 0, chars.shape[0] - 1)
    per_blob = np.bincount(blob[cy, cx], minlength=n)
    text = np.where(per_blob >= 3)[0]
    text = text[text > 0]
    if len(text) == 0:
        return None
    bs = blob_stats[text]
    return (
        int(bs[:, 0].min()),
        int(bs[:, 1].min()),
        int((bs[:, 0] + bs[:, 2]).max()),
        int((bs[:, 1] + bs[:, 3]).max()),
    )


def _crop_box(
    box: tuple[int, int, int, int] | None,
    scale: float,
    size: tuple[int, int],
    char_h: float,
    margin_chars: float,
) -> list[int]:
    """A thumbnail text box (x0, y0, x1, y1) in page pixels as [x, y, w, h], margin added.

    ``scale`` is page pixels per thumbnail pixel; line images and pages without a text box
    keep the whole page.
    """
    w, h = size
    if box is None or h < 4 * char_h:
        return [0, 0, w, h]  # a line image is already cropped; Tesseract wants its margin
    a = scale
    m = margin_chars * char_h
    x0 = int(max(0, box[0] * a - m))
    y0 = int(max(0, box[1] * a - m))
    x1 = int(min(w, box[2] * a + m))
    y1 = int(min(h, box[3] * a + m))
    if x1 <= x0 or y1 <= y0:
        return [0, 0, w, h]
    return [x0, y0, x1 - x0, y1 - y0]


def crop_to_text(
    gray: np.ndarray, char_h: float, margin_chars: float = 2.0, measure: Measure | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Crop to the text plus a margin; a stray mark alone in the margin does not stretch the box."""
    h, w = gray.shape
    if h < 4 * char_h:
        return gray, {"crop_box": [0, 0, w, h]}
    m = measure or Measure(gray, char_h)
    x, y, bw, bh = _crop_box(text_box(m), m.factor, (w, h), char_h, margin_chars)
    return gray[y : y + bh, x : x + bw], {"crop_box": [x, y, bw, bh]}


def _grid(char_h: float) -> int:
    """A period that every thumbnail grid used on a page of this character size divides."""
    measure_f = max(1, int(char_h / MEASURE_CHAR_PX))
    speck_f = max(1, int(_odd(2.5 * char_h, 15) / 16.0))
    return math.lcm(measure_f, speck_f, 4)


def _deskew_despeckle_orient_crop(
    gray: np.ndarray,
    char_h: float,
    settings: PreprocessSettings,
    measure: Measure,
    record: Any,
    debug_on: bool = False,
) -> np.ndarray:
    """Deskew, despeckle, turn upside-down pages and crop to the text, rendering the page once.

    The angle and a generous text box come from the thumbnail of the straight page; the page
    is rotated straight into that box (no full-page intermediate), and the slower steps
    (despeckle, the exact text box) then work on that region only. The region starts on the
    thumbnail grids' common period, so every measurement inside it equals the one made on
    the whole rotated page. Debug images show each step as if it had run on the whole page.
    """
    h, w = gray.shape
    skew: dict[str, Any] = {"angle": 0.0, "applied": False}
    if settings.deskew:
        skew = skew_decision(measure, settings.deskew_max_deg, settings.deskew_min_deg)
        log.debug("preprocess: deskew %.2f°", skew["angle"])
    angle = skew["angle"] if skew["applied"] else 0.0
    matrix, nw, nh = _rotation(gray.shape, angle) if angle else (None, w, h)
    region = [0, 0, nw, nh]
    box = text_box(measure) if settings.crop and nh >= 4 * char_h else None
    if box is not None:
        f = measure.factor
        corners = np.array([[box[0], box[1]], [box[2], box[1]], [box[0], box[3]], [box[2], box[3]]], np.float64) * f
        if matrix is not None:
            corners = corners @ matrix[:, :2].T + matrix[:, 2]
        slack = (settings.crop_margin_chars + 1.0) * char_h + 2 * f
        period = _grid(char_h)
        x0 = max(0, int(corners[:, 0].min() - slack) // period * period)
        y0 = max(0, int(corners[:, 1].min() - slack) // period * period)
        x1 = min(nw, int(corners[:, 0].max() + slack) + 1)
        y1 = min(nh, int(corners[:, 1].max() + slack) + 1)
        if x1 > x0 and y1 > y0:
            region = [x0, y0, x1 - x0, y1 - y0]
    fill = paper_level(gray)
    if angle:
        out = rotate(gray, angle, fill, _skew_interpolation(region[2] * region[3]), box=tuple(region))  # type: ignore[arg-type]
    else:
        out = gray[region[1] : region[1] + region[3], region[0] : region[0] + region[2]]
    if settings.deskew:
        full = rotate(gray, angle, fill, _skew_interpolation(nw * nh)) if angle and debug_on else out
        record("deskew", full, skew)
    if settings.despeckle:
        out = record("despeckle", *despeckle(out, char_h, settings.speckle_max_area))
    if not (settings.orient or settings.crop):
        return out
    after = Measure(out, char_h)
    crop = [0, 0, nw, nh]
    if settings.crop and nh >= 4 * char_h:
        x, y, bw, bh = _crop_box(
            text_box(after),
            after.factor,
            (region[2], region[3]),
            char_h,
            settings.crop_margin_chars,
        )
        out = out[y : y + bh, x : x + bw]
        crop = [x + region[0], y + region[1], bw, bh]
    if settings.orient:
        flip, half = detect_upside_down(after.mask, after.char_h, after.components())
        half["rotation"] = 180 if flip else 0
        if flip:
            out = np.ascontiguousarray(np.rot90(out, 2))
            crop = [nw - crop[0] - crop[2], nh - crop[1] - crop[3], crop[2], crop[3]]
        record("orient_half", out, half)
    if settings.crop:
        record("crop", out, {"crop_box": crop})
    return out


def preprocess_page(
    image: np.ndarray, settings: PreprocessSettings, debug: dict[str, np.ndarray] | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Return the uint8 image for Tesseract and a JSON-serialisable record of each step.

    Args:
        image: uint8 gray (H, W) or RGB/RGBA (H, W, C) as read from file.
        settings: which steps run and their parameters.
        debug: if a dict, receives each step's intermediate image under the step's name.

    A page without text (blank, or pure noise) returns the gray page with ``meta["blank"]``
    true; every step is O(pixels), so noise cannot make it hang.
    """
    if image.ndim not in (2, 3) or image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"not an image array: shape {image.shape}")
    if image.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {image.dtype}")
    meta: dict[str, Any] = {"input_shape": list(image.shape), "steps": []}

    def record(name: str, img: np.ndarray, info: dict[str, Any]) -> np.ndarray:
        meta[name] = info
        meta["steps"].append(name)
        if debug is not None:
            debug[name] = img
        return img

    if settings.remove_color:
        gray, info = remove_color(image, settings.color_min_saturation)
        gray = record("remove_color", gray, info)
    else:
        gray = to_gray(image)
    if min(gray.shape) < 8:
        meta["blank"] = True
        meta["reason"] = "image too small to hold text"
        return np.ascontiguousarray(gray), meta
    if settings.remove_border:
        gray = record("remove_border", *remove_border(gray))
    char_h = measure_char_height(gray)
    meta["char_height_in"] = round(char_h, 2)
    if not char_h:
        meta["blank"] = True
        meta["reason"] = "no text-like marks found"
        log.info("preprocess: no text found (blank or noise page)")
        return np.ascontiguousarray(gray), meta
    meta["blank"] = False
    # An already binarised image (bilevel) has no uneven light or grain to remove; smoothing
    # it only rounds off strokes.
    bilevel = is_bilevel(gray)
    meta["bilevel_input"] = bilevel
    if settings.flatten and not bilevel:
        gray = record("flatten", *flatten_illumination(gray, char_h, settings.flatten_window_chars))
    # Scale before rotating: rotating a 95 dpi page blurs its thin strokes, an enlarged one not.
    # (A quarter turn commutes with scaling and the median, so it is decided after them, on
    # the one thumbnail that also serves skew, the upside-down test and the text block.)
    if settings.normalize_scale:
        gray, info = normalize_scale(gray, char_h, settings.target_cap_height, settings.scale_tolerance)
        char_h *= info["scale"]
        gray = record("normalize_scale", gray, info)
    if settings.median >= 3 and not bilevel:
        # Scanner noise and JPEG blocks at the working scale; the median keeps stroke edges.
        k = _odd(settings.median)
        gray = record("median", cv2.medianBlur(gray, k), {"kernel": k})
    if settings.deskew or settings.crop or settings.orient:
        measure = Measure(gray, char_h)
        if settings.orient:
            gray = record("orient_quarter", *orient_quarter(gray, char_h, measure))
        gray = _deskew_despeckle_orient_crop(gray, char_h, settings, measure, record, debug is not None)
    elif settings.despeckle:
        gray = record("despeckle", *despeckle(gray, char_h, settings.speckle_max_area))
    if settings.remove_marks:
        gray = record("remove_marks", *remove_marks(gray, char_h))
    if settings.binarize:
        gray = record(
            "binarize",
            *binarize(
                gray,
                char_h,
                settings.binarize_method,
                settings.binarize_window_chars,
                settings.binarize_k,
            ),
        )
    meta["output_shape"] = list(gray.shape)
    return np.ascontiguousarray(gray), meta
