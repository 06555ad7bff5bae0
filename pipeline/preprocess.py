"""Page preprocessing before Tesseract: make a degraded typewriter scan look like clean print.

Every step is a pure function on numpy arrays that returns the new image and a small dict of
what it did, so the page's metadata can say why Tesseract saw what it saw. The chain is
driven by ``PreprocessSettings`` (one switch per step; defaults chosen by
``benchmarks/preprocess.py``). Sizes (windows, kernels, speck areas) are derived from the
measured character height, so a 95 dpi photocopy and a 600 dpi scan get the same treatment.
"""

from __future__ import annotations

import logging
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
# full pages the benchmark showed no CER difference (synthetic 0.0949 bilinear vs 0.0970
# bicubic, typewritten 0.0382 vs 0.0371: within Tesseract's page-to-page noise), and a
# rotation by shears (no resampling at all) is cheaper still, so pages are sheared; images
# up to this many pixels (text lines, small crops) keep bicubic, where it costs nothing and
# two slightly rotated print lines read better with it.
CUBIC_MAX_PIXELS = 2_000_000
SHEAR = -1  # ``rotate`` interpolation flag: three shears of whole rows/columns
# Bilevel input is rescaled only when its capitals are off by more than this factor.
BILEVEL_SCALE_TOLERANCE = 2.0
# ...and deskewed only from this angle on.
BILEVEL_MIN_SKEW_DEG = 1.0


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
    remove_holes: bool = True  # with remove_border: punched holes (round blobs in a margin) too
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
    # The box filters read the uint8 page and write float32: the same sums (exact in float32
    # for windows under 250 px) at about half the cost of filtering a float32 copy.
    # The rest is computed in place (same operations, same order): every new float image
    # is also fresh memory for the kernel to map, which costs as much as the arithmetic.
    g = gray
    mean = cv2.boxFilter(g, cv2.CV_32F, (window, window), borderType=cv2.BORDER_REFLECT)
    sq = cv2.sqrBoxFilter(g, cv2.CV_32F, (window, window), borderType=cv2.BORDER_REFLECT)
    var = cv2.subtract(sq, cv2.multiply(mean, mean), dst=sq)
    std = cv2.sqrt(cv2.max(var, 0.0, dst=var), dst=var)
    return g, mean, std


def sauvola_threshold(gray: np.ndarray, window: int, k: float = 0.2, r: float = 128.0) -> np.ndarray:
    """Sauvola's local threshold (float32), computed with box filters in O(pixels)."""
    _, mean, std = _local_stats(gray, window)
    # mean * (1 + k * (std / r - 1)), written with in-place OpenCV arithmetic for speed.
    out = cv2.add(cv2.multiply(mean, std, scale=k / r, dst=std), mean, dst=std, dtype=cv2.CV_32F)
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
    return gray < _threshold_u8(gray, window, k, f)


def _threshold_u8(gray: np.ndarray, window: int, k: float, f: int) -> np.ndarray:
    """Sauvola's threshold surface from a thumbnail ``f`` times smaller, enlarged as uint8.

    gray < t  <=>  gray < ceil(t) for integer gray, so the surface can be enlarged as uint8
    (OpenCV's fixed-point path), never as a full-page float32 image.
    """
    thr = sauvola_threshold(_thumbnail(gray, f), _odd(window / f), k)
    thr8 = np.clip(np.ceil(thr), 0, 255).astype(np.uint8)
    return cv2.resize(thr8, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)


def _ink_u8(gray: np.ndarray, window: int, k: float = 0.2) -> np.ndarray:
    """``ink_mask`` as uint8, 255 on ink (what OpenCV's own functions take)."""
    f = int(window / 16.0)
    thr = sauvola_threshold(gray, window, k) if f < 2 else _threshold_u8(gray, window, k, f)
    return cv2.compare(gray, thr, cv2.CMP_LT) if f >= 2 else (gray < thr).view(np.uint8) * np.uint8(255)


# Measurements (character size, skew, orientation, text block) are made on a thumbnail where
# capitals are about this high: accurate enough, and 5-10x cheaper than full resolution.
MEASURE_CHAR_PX = 12.0
# A lower Sauvola k than for output: measurements need faint characters whole, not clean edges.
MEASURE_K = 0.1


def _thumbnail(gray: np.ndarray, factor: float, exact: bool = False) -> np.ndarray:
    """Area-averaged thumbnail; the factor is rounded down to an integer (OpenCV's fast path).

    Even factors go by halvings first: OpenCV's 2x area reduction is vectorised and about 6x
    faster than its general integer path (1 ms against 6 on a 300 dpi page), and two
    halvings average the same 4x4 blocks as one quartering, to within a rounding step
    (each halving rounds half up). ``exact`` skips them, for a thumbnail that shapes the
    output pixels (``flatten``'s background) rather than a measurement.
    """
    f = int(factor)
    if f <= 1:
        return gray
    h, w = gray.shape
    h, w = h - h % f, w - w % f
    src = gray[:h, :w]
    while f % 2 == 0 and not exact:
        h, w, f = h // 2, w // 2, f // 2
        src = cv2.resize(src, (w, h), interpolation=cv2.INTER_AREA)
    if f == 1:
        return src
    return cv2.resize(src, (w // f, h // f), interpolation=cv2.INTER_AREA)


def _even_factor(x: float) -> int:
    """``int(x)`` (at least 1), made even when odd above 1: the size of a thumbnail that only
    has to be about right, on ``_thumbnail``'s fast path (3x or 5x costs as much as 6x and more
    than 4x)."""
    f = max(1, int(x))
    return f + 1 if f > 1 and f % 2 else f


def measure_mask(gray: np.ndarray, char_h: float) -> tuple[np.ndarray, float]:
    """Ink mask of a thumbnail with capitals of MEASURE_CHAR_PX px or more, and its factor."""
    m = Measure(gray, char_h)
    return m.mask, m.factor


def _components(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = mask.view(np.uint8) if mask.dtype == bool else mask
    # Grana's block-based labelling: same labels, about half the time of the default on pages.
    # 16-bit labels cost a third less than 32-bit (memory traffic); OpenCV refuses them past
    # 65535 components (a noise page), and then 32-bit labels it is.
    try:
        _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(m, 8, cv2.CV_16U, cv2.CCL_GRANA)
    except cv2.error:
        _, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(m, 8, cv2.CV_32S, cv2.CCL_GRANA)
    return labels, stats[1:]  # drop the background component


class Measure:
    """A thumbnail of the working page, its ink mask and components, shared by measuring steps.

    Character height, orientation, skew, the text block and the upside-down test are all
    judged on the same thumbnail (capitals about MEASURE_CHAR_PX high), made once per page
    by ``measure_char_height``; a quarter turn turns the thumbnail along with the page, and
    the deskewed page's text box and line ends are its character boxes moved by the
    rotation, so each page is thresholded and labelled at full resolution only once
    (despeckle, at half size).
    """

    def __init__(self, gray: np.ndarray, char_h: float, thumbnails: dict[int, np.ndarray] | None = None) -> None:
        """``thumbnails`` (factor -> ``_thumbnail(gray, factor)``) saves making one again."""
        self.factor = float(max(1, int(char_h / MEASURE_CHAR_PX)))
        self.char_h = char_h / self.factor  # in thumbnail pixels
        small = (thumbnails or {}).get(int(self.factor))
        self._set(small if small is not None else _thumbnail(gray, self.factor))

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

    def refit(self, char_h: float) -> bool:
        """Serve a page of the same geometry whose characters are now known to be ``char_h``
        high: True (and ``char_h`` updated) when that asks for the same thumbnail factor.

        The character height is measured on this thumbnail of the page before ``flatten``
        and ``median``; it serves the later measurements too. Sauvola's threshold scales
        with the local mean, so dividing by a smooth background barely moves the mask, and
        the thumbnail averages away what the median smooths (same CER on the benchmark).
        """
        if max(1, int(char_h / MEASURE_CHAR_PX)) != int(self.factor):
            return False
        self.char_h = char_h / self.factor
        return True


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
    return estimate_char_height_of(_components(mask)[1], mask.shape[0], prior)


def estimate_char_height_of(stats: np.ndarray, h_img: int, prior: float = 0.0) -> tuple[float, int]:
    """``estimate_char_height`` on component stats rows of a mask ``h_img`` pixels high."""
    if len(stats) == 0:
        return 0.0, 0
    # On a page, anything taller than an eighth of it is a stamp or a border, not type; a
    # line image (a few hundred px or less) is all text.
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

    First on a thumbnail with the long side about 1000 px (smooths scanner noise, which would
    otherwise pass for tiny characters; only a first guess, so coarse is enough: same
    heights as at 1500 px on every benchmark page, in half the time), then again on a
    thumbnail fitted to the text.
    """
    return _measure_char_height(gray)[0]


def _measure_char_height(gray: np.ndarray) -> tuple[float, Measure | None]:
    """``measure_char_height`` and the ``Measure`` of its second pass (None without text).

    The chain measures orientation, skew and the text block on that same thumbnail instead
    of thresholding and labelling a second one (see ``Measure.refit``).
    """
    factor = _even_factor(max(gray.shape) / 1000.0 + 0.5)
    # The halving on the way to this thumbnail is the 2x thumbnail that ``Measure`` uses for
    # 24-35 px characters: kept, not made twice.
    thumbnails = {1: gray}
    if factor % 2 == 0:
        thumbnails[2] = _thumbnail(gray, 2)
        thumbnails[factor] = _thumbnail(thumbnails[2], factor // 2)
    else:
        thumbnails[factor] = _thumbnail(gray, factor)
    small = cv2.GaussianBlur(thumbnails[factor], (0, 0), 0.7)
    # The window is a fortieth of the page's short side, as it was at 1500 px (a sixtieth).
    mask = ink_mask(small, _odd(min(small.shape) / 40, 15), MEASURE_K)
    if mask.mean() > MAX_INK_FRACTION:
        return 0.0, None  # a third of the page "ink": noise or a photo, not typescript
    char_h, _ = estimate_char_height(mask)
    if not char_h or char_h * factor < MIN_CHAR_PX:
        return 0.0, None
    char_h *= factor
    measure = Measure(gray, char_h, thumbnails)
    f2 = measure.factor
    char_h2, _ = estimate_char_height_of(measure.components()[1], measure.mask.shape[0], char_h / f2)
    return (char_h2 * f2 if char_h2 else char_h), measure


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
    # Every third row, counted by OpenCV (rows with a stride are still a matrix to it; every
    # third column would make it copy): a third of the cost of numpy on a 3x3 sample.
    sample = gray[::3]
    between = cv2.countNonZero(cv2.inRange(sample, 1, 254))
    return between <= 0.02 * sample.size


def paper_level(gray: np.ndarray) -> int:
    """Gray level of the paper: the brightest well-populated level (robust to ink and borders)."""
    return int(percentile_u8(gray[::4, ::4], 90))


# Punched holes are 5-8 mm across, centred about 12 mm from the edge: 2.4-3.8% and 6% of an
# A4 sheet's width. The ranges below leave room for other formats and a cropped scan.
HOLE_MIN_DIAMETER = 0.02  # of the page's short side
HOLE_MAX_DIAMETER = 0.05
HOLE_MARGIN = 0.12  # the hole's centre lies within this fraction of the short side from an edge


def find_holes(
    small: np.ndarray, paper: float, short_side: int, dark_stats: np.ndarray | None = None
) -> list[tuple[int, int, int, int]]:
    """Boxes (x, y, w, h, thumbnail pixels) of punched holes: round blobs in the margins.

    ``small`` is the closed, blurred thumbnail (text wiped out). A hole shows the scanner lid
    through the sheet: much darker than the paper (black lid) or brighter (white lid behind
    yellowed paper). It is round (fills about pi/4 of its square box) and sits in a margin;
    a blot or a stamp in the text block is neither. ``dark_stats`` (components of the pixels
    under half the paper's level, background row dropped) saves labelling them again.
    """
    holes = []
    sh, sw = small.shape
    lo, hi = HOLE_MIN_DIAMETER * short_side, HOLE_MAX_DIAMETER * short_side
    margin = HOLE_MARGIN * short_side
    if dark_stats is None:
        dark_stats = cv2.connectedComponentsWithStats((small < 0.5 * paper).astype(np.uint8), connectivity=4)[2][1:]
    candidates = [dark_stats]
    # A white lid shows clearly brighter than the (yellowed) paper; paper's own bright
    # patches (photocopy glare, a crease catching the light) stay within a few levels.
    bright = small > paper + max(25.0, 0.5 * (255.0 - paper))
    if bright.any():
        candidates.append(cv2.connectedComponentsWithStats(bright.astype(np.uint8), connectivity=4)[2][1:])
    for stats in candidates:
        for x, y, bw, bh, area in stats:
            d = (bw + bh) / 2.0
            if not (lo <= d <= hi) or max(bw, bh) > 1.2 * min(bw, bh):
                continue
            if not 0.68 <= area / (bw * bh) <= 0.88:  # a disc fills 0.785 of its box
                continue
            if x == 0 or y == 0 or x + bw >= sw or y + bh >= sh:
                continue  # cut by the edge: the border's business
            cx, cy = x + bw / 2.0, y + bh / 2.0
            if min(cx, cy, sw - cx, sh - cy) <= margin:
                holes.append((int(x), int(y), int(bw), int(bh)))
    return holes


def remove_border(gray: np.ndarray, holes: bool = True) -> tuple[np.ndarray, dict[str, Any]]:
    """Paint dark regions touching the image edge (scanner bed, shadows) and punched holes as
    paper; crop the border off.

    Works on a heavily blurred thumbnail so text never counts as border; the border is what
    stays much darker than the paper over a large area and touches the edge; a hole is a
    round dark or bright blob in a margin (``find_holes``).
    """
    h, w = gray.shape
    f = float(_even_factor(max(h, w) / 600.0))
    plain = _thumbnail(gray, f)
    # The closing wipes out text strokes (dark, thin); wide dark areas (borders) survive.
    small = cv2.morphologyEx(plain, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9)))
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
    found = find_holes(small, paper, min(sh, sw), stats[1:]) if holes and min(sh, sw) >= 40 else []
    if fraction == 0.0 and not found:
        return gray, {"border_fraction": 0.0, "crop_box": [0, 0, w, h], "holes": []}
    if fraction > 0.0:
        # Grow the border past its blurred edge (the grey ramp between bed and paper reads as
        # a rule of "ыыы"): about 0.5% of the page, at least 3 thumbnail pixels.
        grow = _odd(max(3.0, 0.005 * max(h, w) / f))
        border = cv2.dilate(border, np.ones((grow, grow), np.uint8))
    hole_mask = np.zeros_like(border)
    for hx, hy, hw, hh in found:
        # The rim (shadow or glare round the cut) goes too: a quarter of the diameter more.
        r = (hw + hh) / 4.0
        cv2.circle(hole_mask, (int(hx + hw / 2), int(hy + hh / 2)), int(r * 1.25 + 2), 1, -1)
    # Crop to the bounding box of the page (rows/columns that are mostly not border), judged
    # on the thumbnail: exact to one of its pixels, and no full-page reductions.
    row_mean = cv2.reduce(border, 1, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
    col_mean = cv2.reduce(border, 0, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel()
    if found:
        border = cv2.max(border, hole_mask)
    rows = np.flatnonzero(row_mean < 0.5)
    cols = np.flatnonzero(col_mean < 0.5)
    if len(rows) and len(cols):
        y0, y1 = int(rows[0] * h / sh), min(h, int(np.ceil((rows[-1] + 1) * h / sh)))
        x0, x1 = int(cols[0] * w / sw), min(w, int(np.ceil((cols[-1] + 1) * w / sw)))
    else:
        x0, y0, x1, y1 = 0, 0, w, h
    # The paper's level from the thumbnail's non-border pixels (a median: ink barely moves it).
    not_border = cv2.compare(border, 0, cv2.CMP_EQ)
    paper = int(percentile_u8(plain, 50, not_border)) if cv2.countNonZero(not_border) else 255
    out = gray[y0:y1, x0:x1].copy()
    _paint_enlarged(out, border, (h, w), (y0, x0), paper)  # the border becomes paper
    return out, {
        "border_fraction": round(fraction, 4),
        "crop_box": [x0, y0, x1 - x0, y1 - y0],
        "holes": [[int(v * f) for v in b] for b in found],
    }


def _paint_enlarged(
    out: np.ndarray, small: np.ndarray, shape: tuple[int, int], origin: tuple[int, int], value: int
) -> None:
    """Set ``value`` in ``out`` where ``small``, enlarged to ``shape`` by nearest neighbour
    and cut at ``origin`` to ``out``'s size, is nonzero; without enlarging it.

    Each thumbnail pixel is a block of page pixels, so runs of equal thumbnail rows and the
    runs of nonzero pixels along them are painted as rectangles: a border along the edges
    is a few dozen slice assignments instead of a page-sized mask (same pixels: the blocks
    are read off OpenCV's own nearest-neighbour index maps).
    """
    oh, ow = out.shape
    if oh == 0 or ow == 0:
        return
    sh, sw = small.shape
    y0, x0 = origin
    rows = cv2.resize(np.arange(sh, dtype=np.int32)[:, None], (1, shape[0]), interpolation=cv2.INTER_NEAREST)
    cols = cv2.resize(np.arange(sw, dtype=np.int32)[None, :], (shape[1], 1), interpolation=cv2.INTER_NEAREST)
    rows, cols = rows[y0 : y0 + oh, 0], cols[0, x0 : x0 + ow]
    t0, c0 = int(rows[0]), int(cols[0])
    sub = small[t0 : int(rows[-1]) + 1, c0 : int(cols[-1]) + 1] != 0
    r_of = np.searchsorted(rows, np.arange(t0, t0 + sub.shape[0] + 1))  # first page row of each
    c_of = np.searchsorted(cols, np.arange(c0, c0 + sub.shape[1] + 1))
    change = np.flatnonzero(np.any(sub[1:] != sub[:-1], axis=1)) + 1
    starts = np.concatenate([[0], change]).tolist()
    ends = np.concatenate([change, [len(sub)]]).tolist()
    for a, b in zip(starts, ends, strict=True):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], sub[a].view(np.int8), [0]])))
        for s, e in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            out[r_of[a] : r_of[b], c_of[s] : c_of[e]] = value


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
    # Characters about 8 px high. Neither rounded to an even factor nor reduced by halvings as
    # measuring thumbnails are: the closing keeps the brightest block means, whose noise
    # depends on the block size (and rounding), and that sets the ink level of the output
    # (heavy synthetic pages: 0.38 at 3x, 0.33 at 4x), so this step stays as it was.
    f = float(max(1, int(char_h / 8.0)))
    small = _thumbnail(gray, f, exact=True)
    k = _odd(window_chars * char_h / f)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    # The blur (sigma half the window) is smooth at a quarter of the thumbnail's size, where
    # it costs a sixteenth; the enlargement to the page interpolates it back.
    q = 4 if min(bg.shape) >= 64 and k >= 8 else 1
    if q > 1:
        bg = _thumbnail(bg, q, exact=True)
    # No zero divisors: raised on the thumbnail, as linear interpolation between levels of
    # at least 1 never yields 0 (one full-page pass fewer).
    bg = cv2.max(cv2.GaussianBlur(bg, (0, 0), k / 2 / q), 1)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    ratio = cv2.divide(gray, bg, scale=255.0)  # uint8, saturating: paper -> 255
    # Stretch so the darkest ink (0.5th percentile) becomes black: faint pages regain contrast.
    lo = min(percentile_u8(ratio[::3, ::3], 0.5) / 255.0, 0.8)
    lut = np.clip((np.arange(256) / 255.0 - lo) / (1.0 - lo) * 255.0, 0, 255).astype(np.uint8)
    out = cv2.LUT(ratio, lut, dst=ratio)
    return out, {"window_px": int(round(k * f)), "ink_level": round(lo, 3)}


def _rotate_points_score(xs: np.ndarray, ys: np.ndarray, angle_deg: float, bin_px: float) -> float:
    a = np.deg2rad(angle_deg)
    # float32 and the bin size folded into the factors: half the memory traffic of float64.
    proj = ys * np.float32(np.cos(a) / bin_px) - xs * np.float32(np.sin(a) / bin_px)
    idx = (proj - proj.min()).astype(np.int32)
    counts = np.bincount(idx).astype(np.float64)
    return float(np.dot(counts, counts))


def _char_pixels(
    mask: np.ndarray,
    char_h: float,
    limit: int = 60_000,
    components: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of pixels belonging to character-sized components, subsampled (deterministic)."""
    labels, stats = components or _components(mask)
    keep = np.zeros(len(stats) + 1, bool)
    keep[1:] = _char_like(stats, char_h)
    # A page thumbnail holds a few times ``limit`` such pixels: reading every other column
    # of the labels gives that subsample for half the lookups; small images are read whole.
    # (Not every other row: rows two pixels apart alias with the profile's bins and make
    # 0° look sharpest.)
    s = 2 if labels.size >= 16 * limit else 1
    # Ink is a tenth of the thumbnail: look up the labels of ink pixels only (same points,
    # same raster order as ``np.nonzero(keep[labels])``). numpy finds the nonzero entries of
    # a boolean array several times faster than of integers, and of a flat one than in 2-D.
    idx = np.flatnonzero(labels > 0)
    ys, xs = np.divmod(idx, labels.shape[1])
    on_grid = xs % s == 0
    idx, ys, xs = idx[on_grid], ys[on_grid], xs[on_grid] // s
    sel = keep[labels.reshape(-1)[idx]]
    ys, xs = ys[sel], xs[sel]
    if len(xs) > limit:
        step = len(xs) // limit + 1
        xs, ys = xs[::step], ys[::step]
    return xs.astype(np.float32) * s, ys.astype(np.float32)


def _best_angle(xs: np.ndarray, ys: np.ndarray, bin_px: float, max_deg: float, fine: bool = True) -> float:
    """Angle of the sharpest projection profile: coarse sweep, a 0.1° sweep, then a parabola."""

    def sweep(
        px: np.ndarray, py: np.ndarray, center: float, half: float, step: float
    ) -> tuple[np.ndarray, list[float]]:
        angles = np.arange(center - half, center + half + step / 2, step)
        return angles, [_rotate_points_score(px, py, a, bin_px) for a in angles]

    # The coarse sweep only has to land within 0.25° of the peak: a quarter of the points do.
    angles, scores = sweep(xs[::4], ys[::4], 0.0, max_deg, 0.5)
    angles, scores = sweep(xs, ys, float(angles[int(np.argmax(scores))]), 0.5, 0.1)
    i = int(np.argmax(scores))
    a = float(angles[i])
    if fine and 0 < i < len(scores) - 1:
        # The peak of the parabola through the best score and its neighbours: as close as a
        # 0.02° sweep (within 0.03° on rotated fixtures) for none of its 11 projections.
        s0, s1, s2 = scores[i - 1], scores[i], scores[i + 1]
        denom = s0 - 2 * s1 + s2
        if denom < 0:
            a += 0.1 * float(np.clip(0.5 * (s0 - s2) / denom, -0.5, 0.5))
    return a


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
    angle, conf, _ = measure_skew_spread(mask, char_h, max_deg, components, halves=False)
    return angle, conf


# Halves of a page whose skews differ by more than this are warped (a camera photo of a
# folded sheet, two columns pasted at different angles): no single rotation fits them.
# Flat scans, even unevenly skewed synthetic ones, stay under about 1.7° (benchmark pages).
MAX_SKEW_SPREAD_DEG = 3.0


def measure_skew_spread(
    mask: np.ndarray,
    char_h: float,
    max_deg: float = 8.0,
    components: tuple[np.ndarray, np.ndarray] | None = None,
    halves: bool = True,
    min_check_deg: float = 0.0,
) -> tuple[float, float, float]:
    """(angle, confidence, spread): spread is the largest skew difference between page halves.

    The halves are left/right and top/bottom of the character pixels (split at their
    medians, so each half holds as much text). A projection profile over two columns whose
    lines sit at different heights can peak at an angle that aligns the columns' lines with
    each other rather than with themselves; the halves disagree there, which a global angle
    cannot fix.
    """
    xs, ys = _char_pixels(mask, char_h, components=components)
    if len(xs) < 200:
        return 0.0, 0.0, 0.0
    bin_px = max(1.0, char_h / 8)
    a = _best_angle(xs, ys, bin_px, max_deg)
    s0 = _rotate_points_score(xs, ys, 0.0, bin_px)
    conf = _rotate_points_score(xs, ys, a, bin_px) / max(s0, 1.0) - 1.0
    spread = 0.0
    # Only a rotation that would be applied needs the halves' agreement.
    if halves and len(xs) >= 2000 and abs(a) >= min_check_deg and conf >= 0.05:
        mx, my = float(np.median(xs)), float(np.median(ys))
        left = xs < mx
        a_left = _best_angle(xs[left], ys[left], bin_px, max_deg)
        a_right = _best_angle(xs[~left], ys[~left], bin_px, max_deg)
        # Top and bottom on every other point: 0.1° is plenty to tell 3° apart.
        top = ys < my
        a_top = _best_angle(xs[top][::2], ys[top][::2], bin_px, max_deg, fine=False)
        a_bottom = _best_angle(xs[~top][::2], ys[~top][::2], bin_px, max_deg, fine=False)
        spread = max(abs(a_left - a_right), abs(a_top - a_bottom))
        mean = (a_left + a_right) / 2
        if abs(a_left - a_right) <= 0.3 and abs(a - mean) > 0.2:
            # Two columns whose lines sit at different heights: the whole page's profile
            # also peaks where one column's lines meet the other's (2.39° on a fixture
            # skewed 2.0°); each column alone has only its own lines.
            a = mean
    return a, conf, spread


def _skew_interpolation(pixels: int, enlarged: bool = False) -> int:
    """Bicubic for small images; on pages, shears, or bilinear if the page was enlarged.

    An enlarged page's edges are interpolated ramps already; there bilinear reads better
    (real typewritten pages, x2: CER 0.039 bilinear vs 0.044 sheared), while native 300 dpi
    pages read better sheared (synthetic 0.095 vs 0.109, and 20 ms cheaper).
    """
    if pixels <= CUBIC_MAX_PIXELS:
        return cv2.INTER_CUBIC
    return cv2.INTER_LINEAR if enlarged else SHEAR


def _bands(shifts: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, end, shift) of the runs of equal values in a monotonic integer array."""
    cut = np.flatnonzero(np.diff(shifts)) + 1
    starts = np.concatenate([[0], cut]).astype(np.int64)
    ends = np.concatenate([cut, [len(shifts)]]).astype(np.int64)
    return list(zip(starts.tolist(), ends.tolist(), shifts[starts].tolist(), strict=True))


def shear_rotate(
    gray: np.ndarray, angle_deg: float, fill: int, box: tuple[int, int, int, int] | None = None
) -> np.ndarray:
    """``rotate`` by three shears of whole rows and columns (Paeth), without resampling.

    Rotation = x-shear by tan(a/2), y-shear by -sin(a), x-shear by tan(a/2); with integer
    shifts each shear only moves runs of rows or columns, so strokes keep their sharpness
    (no interpolation blur, 1 px steps instead) and a page costs a few block copies instead
    of a warp (Leptonica rotates this way too). Only the rows that ``box`` needs are built.
    Same canvas and geometry as ``rotate`` to within a pixel.
    """
    h, w = gray.shape
    _, nw, nh = _rotation(gray.shape, angle_deg)
    x0, y0, bw, bh = box if box is not None else (0, 0, nw, nh)
    a = np.deg2rad(angle_deg)
    alpha, beta = float(np.tan(a / 2)), float(-np.sin(a))
    cx, cy = w / 2, h / 2
    s1 = np.round(alpha * (np.arange(h) + 0.5 - cy)).astype(np.int64)
    pad = int(np.abs(s1).max())
    wa = w + 2 * pad
    s2 = np.round(beta * (np.arange(wa) + 0.5 - pad - cx)).astype(np.int64)
    # Rows of the y-sheared image (in source row numbers) that the box covers.
    yb0 = int(np.floor(y0 - nh / 2 + cy))
    yb1 = yb0 + bh
    s3 = np.round(alpha * (np.arange(yb0, yb1) + 0.5 - cy)).astype(np.int64)
    lo, hi = max(0, yb0 - int(s2.max())), min(h, yb1 - int(s2.min()))
    # Columns (of the x-sheared canvas) that the last shear reads for the box; the first two
    # shears build only those (a crop to the text drops a tenth to a third of the page).
    base = int(round(x0 - nw / 2 + cx)) + pad
    c_lo = max(0, base - int(s3.max())) if len(s3) else 0
    c_hi = min(wa, base - int(s3.min()) + bw) if len(s3) else 0
    c_hi = max(c_hi, c_lo)
    cw = c_hi - c_lo
    sheared = np.empty((max(hi - lo, 0), cw), np.uint8)
    for r0, r1, sh in _bands(s1[lo:hi]):
        # Canvas column c holds source column c - pad - sh.
        j0 = min(cw, max(0, pad + sh - c_lo))
        j1 = max(j0, min(cw, pad + sh + w - c_lo))
        sheared[r0:r1, :j0] = fill
        sheared[r0:r1, j0:j1] = gray[lo + r0 : lo + r1, c_lo + j0 - pad - sh : c_lo + j1 - pad - sh]
        sheared[r0:r1, j1:] = fill
    # The y-shear moves columns: on the transposed image they are rows, contiguous to copy.
    src_t = cv2.transpose(sheared) if sheared.size else sheared.reshape(cw, 0)
    tall_t = np.empty((cw, bh), np.uint8)
    for c0, c1, sh in _bands(s2[c_lo:c_hi]) if cw else []:
        d0, d1 = max(yb0, lo + sh), min(yb1, hi + sh)
        if d1 <= d0:
            tall_t[c0:c1] = fill
            continue
        tall_t[c0:c1, : d0 - yb0] = fill
        tall_t[c0:c1, d0 - yb0 : d1 - yb0] = src_t[c0:c1, d0 - sh - lo : d1 - sh - lo]
        tall_t[c0:c1, d1 - yb0 :] = fill
    tall = cv2.transpose(tall_t) if tall_t.size else tall_t.reshape(bh, cw)
    out = np.empty((bh, bw), np.uint8)
    for r0, r1, sh in _bands(s3):
        src = base - sh - c_lo
        j0, j1 = max(0, -src), min(bw, cw - src)
        out[r0:r1, :j0] = fill
        if j1 > j0:
            out[r0:r1, j0:j1] = tall[r0:r1, src + j0 : src + j1]
        out[r0:r1, max(j0, j1) :] = fill
    return out


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
    resampling, with no full-page intermediate. ``interpolation=SHEAR`` rotates by shears
    (``shear_rotate``) instead of resampling.
    """
    if interpolation == SHEAR:
        return shear_rotate(gray, angle_deg, fill, box)
    m, nw, nh = _rotation(gray.shape, angle_deg)
    if box is not None:
        m[0, 2] -= box[0]
        m[1, 2] -= box[1]
        nw, nh = box[2], box[3]
    return cv2.warpAffine(gray, m, (nw, nh), flags=interpolation, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def skew_decision(
    measure: Measure, max_deg: float = 8.0, min_deg: float = 0.15, check_spread: bool = True
) -> dict[str, Any]:
    """Measured skew of a page's thumbnail and whether it is worth a rotation.

    Angles under ``min_deg`` or without a clearly sharper profile are left alone: every
    rotation resamples (blurs) the strokes, which costs more than a tiny skew. A warped page
    (halves skewed more than MAX_SKEW_SPREAD_DEG apart) is left alone too: Tesseract fits
    each line's own baseline, and one global rotation only tilts half the page further.
    """
    angle, conf, spread = measure_skew_spread(
        measure.mask,
        measure.char_h,
        max_deg,
        components=measure.components(),
        halves=check_spread,
        min_check_deg=min_deg,
    )
    meta: dict[str, Any] = {"angle": round(angle, 3), "confidence": round(conf, 3), "spread": round(spread, 2)}
    warped = spread > MAX_SKEW_SPREAD_DEG
    meta["warped"] = warped
    meta["applied"] = bool(abs(angle) >= min_deg and conf >= 0.05 and not warped)
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
    pts = np.ascontiguousarray(np.stack([cx, cy], 1), dtype=np.float32)
    # At most 1200 characters ask for their neighbour, among all of them: a thinned page's
    # nearest character would be on the next line as often as on its own (a dense page of
    # 4,000 characters, thinned to every third, read as turned).
    own = np.linspace(0, len(pts) - 1, min(len(pts), 1200)).astype(int)
    query = np.ascontiguousarray(pts[own])
    # OpenCV's brute-force 2-nearest search in C++; the nearest is the point itself.
    _, idx = cv2.batchDistance(query, pts, cv2.CV_32F, normType=cv2.NORM_L2SQR, K=2)
    nearest = np.where(idx[:, 0] == own, idx[:, 1], idx[:, 0])
    nn = pts[nearest] - query
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
    return _upside_down(flush), flush


def _upside_down(flush: dict[str, Any]) -> bool:
    return bool(
        flush["lines"] >= 8 and flush["right_flush"] >= 0.5 and flush["right_flush"] - flush["left_flush"] >= 0.25
    )


def _flush_sides(
    mask: np.ndarray, char_h: float, components: tuple[np.ndarray, np.ndarray] | None = None
) -> dict[str, Any]:
    """How aligned the left and right ends of text lines are (fraction near the modal tab stop).

    Lines are found in the row profile of character-sized components only, so specks and
    rules neither split nor lengthen a line; a line's ends are its outermost characters.
    """
    _, stats = components or _components(mask)
    return _flush_sides_of(stats, mask.shape[0], char_h)


def _flush_sides_of(stats: np.ndarray, height: int, char_h: float) -> dict[str, Any]:
    """``_flush_sides`` on component stats rows (x, y, w, h, area) of a page ``height`` high."""
    if len(stats) == 0:
        return {"left_flush": 0.0, "right_flush": 0.0, "lines": 0}
    sel = _char_like(stats, char_h)
    st = stats[sel]
    if len(st) < MIN_TEXT_COMPONENTS:
        return {"left_flush": 0.0, "right_flush": 0.0, "lines": 0}
    profile = np.zeros(height + 1, np.float64)
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

    Components are labelled on a half-size mask (a pixel is ink when any of its 2x2 block
    is): a quarter of the pixels of the full-size labelling, which was half of this step's
    cost. A component's area is still counted in full-size ink pixels; its extent is exact
    to a pixel. Marks less than two pixels apart join there, so a speck touching a letter
    is kept (as it mostly was: it is near text). An odd last row or column is left as is.
    """
    h, w = gray.shape
    small_area = max(3.0, max_area * char_h * char_h)
    h2, w2 = h - h % 2, w - w % 2
    if h2 < 2 or w2 < 2:
        return gray, {"removed": 0, "max_area_px": round(small_area, 1)}
    ink = _ink_u8(gray, _odd(2.5 * char_h, 15))  # 0 / 255
    # 2x2 means of 0/255 are 0, 64, 128, 191 or 255: the block's ink count times 64, rounded.
    pooled = cv2.resize(ink[:h2, :w2], (w2 // 2, h2 // 2), interpolation=cv2.INTER_AREA)
    labels, stats = _components(pooled)
    if len(stats) == 0:
        return gray, {"removed": 0, "max_area_px": round(small_area, 1)}
    # A few percent of the page: work on those only (a boolean array's nonzero entries are
    # found several times faster than a uint8 one's).
    idx = np.flatnonzero(pooled > 0)
    lab = labels.reshape(-1)[idx]
    counts = (pooled.reshape(-1)[idx].astype(np.int32) + 32) >> 6
    area = np.bincount(lab, weights=counts, minlength=len(stats) + 1)[1:]
    extent = 2 * np.maximum(stats[:, 2], stats[:, 3]) - 1
    tiny = (area <= small_area) & (extent <= 0.5 * char_h)

    def paint(flags: np.ndarray) -> np.ndarray:
        """A half-size uint8 image, 255 on the components flagged."""
        lut = np.zeros(len(stats) + 1, np.uint8)
        lut[1:] = flags * 255
        img = np.zeros(pooled.size, np.uint8)
        img[idx] = lut[lab]
        return img.reshape(pooled.shape)

    # Near text = within about 0.8 character heights of a non-speck component (a full stop
    # sits half a pitch from its word), judged on a 4x coarser grid: exact to a few pixels,
    # and 16x cheaper to dilate.
    c = 4
    coarse = _thumbnail(paint(~tiny), c // 2)
    reach = _odd(1.6 * char_h / c)
    near = cv2.dilate(coarse, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach)))
    cx = np.clip((2 * stats[:, 0] + stats[:, 2]) // c, 0, near.shape[1] - 1)
    cy = np.clip((2 * stats[:, 1] + stats[:, 3]) // c, 0, near.shape[0] - 1)
    isolated = near[cy, cx] == 0
    # Dust smaller than a pen's dot is never type, even next to a letter.
    dust = area <= max(2.0, 0.003 * char_h * char_h)
    remove = tiny & (isolated | dust)
    if not remove.any():
        return gray, {"removed": 0, "max_area_px": round(small_area, 1)}
    # The ink pixels of removed components become paper: each of their half-size pixels is a
    # 2x2 block of the page, and only those blocks are looked at (specks are a few hundred
    # pixels of a five-million-pixel page).
    drop = np.zeros(len(stats) + 1, bool)
    drop[1:] = remove
    blocks = idx[drop[lab]]
    by, bx = np.divmod(blocks, pooled.shape[1])
    corner = 2 * by * w + 2 * bx
    pixels = (corner[:, None] + np.array([0, 1, w, w + 1])).ravel()
    pixels = pixels[ink.reshape(-1)[pixels] > 0]
    out = gray.copy()
    out.reshape(-1)[pixels] = paper_level(gray)
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


def text_chars(measure: Measure) -> tuple[np.ndarray, int] | None:
    """Stats rows (x, y, w, h, area; thumbnail pixels) of the characters that make up text,
    and the smear radius; None when the page holds no text.

    Character-sized components are smeared by about one character height; a smear holding
    three or more of them is text (a word, a line, a block), one holding one or two is a
    speck or a tick.
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
    reach = _odd(1.2 * ch)
    # The smears are drawn on every other row and column when characters are big enough
    # (8 px or more) to leave pixels on that grid: a quarter of the lookups, dilation and
    # labelling, and the same grouping to within a pixel.
    s = 2 if ch >= 8 else 1
    chars = keep[labels[::s, ::s]]
    r = _odd(reach / s, 1)
    smear = cv2.dilate(chars, cv2.getStructuringElement(cv2.MORPH_RECT, (r, r)))
    n, blob = cv2.connectedComponentsWithAlgorithm(smear, 8, cv2.CV_32S, cv2.CCL_GRANA)
    # Count the characters in each smear by their centres.
    st = stats[keep[1:] > 0]
    cx = np.clip((st[:, 0] + st[:, 2] // 2) // s, 0, chars.shape[1] - 1)
    cy = np.clip((st[:, 1] + st[:, 3] // 2) // s, 0, chars.shape[0] - 1)
    which = blob[cy, cx]
    per_blob = np.bincount(which, minlength=n)
    in_text = (per_blob[which] >= 3) & (which > 0)
    if not in_text.any():
        return None
    return st[in_text], reach // 2


def text_box(measure: Measure) -> tuple[int, int, int, int] | None:
    """Bounding box (x0, y0, x1, y1, thumbnail pixels) of the text on a measured page.

    The union of the text smears (``text_chars``, each character grown by the smear
    radius), so no word is ever cut. None when there is no such text.
    """
    found = text_chars(measure)
    if found is None:
        return None
    st, pad = found
    h, w = measure.mask.shape
    return (
        max(0, int(st[:, 0].min()) - pad),
        max(0, int(st[:, 1].min()) - pad),
        min(w, int((st[:, 0] + st[:, 2]).max()) + pad),
        min(h, int((st[:, 1] + st[:, 3]).max()) + pad),
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


def _rotated_stats(stats: np.ndarray, factor: float, matrix: np.ndarray | None, size: tuple[int, int]) -> np.ndarray:
    """Component stats rows (thumbnail pixels) moved by a page rotation: each box keeps its
    centre's new place and grows to hold the rotated box (x, y, w, h, area; int64), cut to
    the rotated canvas, ``size`` (w, h) thumbnail pixels."""
    if matrix is None or len(stats) == 0:
        return stats.astype(np.int64)
    w, h = stats[:, 2].astype(np.float64), stats[:, 3].astype(np.float64)
    centres = np.stack([stats[:, 0] + w / 2, stats[:, 1] + h / 2], 1) * factor
    moved = (centres @ matrix[:, :2].T + matrix[:, 2]) / factor
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    rw, rh = w * cos + h * sin, h * cos + w * sin
    x, y = np.floor(moved[:, 0] - rw / 2), np.floor(moved[:, 1] - rh / 2)
    x0, y0 = np.clip(x, 0, size[0]), np.clip(y, 0, size[1])
    x1, y1 = np.clip(x + np.ceil(rw), x0, size[0]), np.clip(y + np.ceil(rh), y0, size[1])
    return np.stack([x0, y0, x1 - x0, y1 - y0, stats[:, 4]], 1).astype(np.int64)


def _deskew_despeckle_orient_crop(
    gray: np.ndarray,
    char_h: float,
    settings: PreprocessSettings,
    measure: Measure,
    record: Any,
    debug_on: bool = False,
    skew: dict[str, Any] | None = None,
    enlarged: bool = False,
) -> np.ndarray:
    """Deskew, despeckle, turn upside-down pages and crop to the text, rendering the page once.

    Everything is decided on the thumbnail of the straight page: the angle, and then the
    text box and the line ends of the deskewed page, from the characters' boxes moved by
    the rotation (no second thumbnail, threshold and labelling of the rotated page). The
    page is then rotated straight into the crop box, and despeckle works on that box only.
    Debug images show each step as if it had run on the whole page.
    """
    h, w = gray.shape
    if skew is None:
        skew = {"angle": 0.0, "applied": False}
        if settings.deskew:
            skew = skew_decision(measure, settings.deskew_max_deg, settings.deskew_min_deg)
    log.debug("preprocess: deskew %.2f°", skew["angle"])
    angle = skew["angle"] if skew["applied"] else 0.0
    matrix, nw, nh = _rotation(gray.shape, angle) if angle else (None, w, h)
    f = measure.factor
    canvas = (int(nw / f), int(nh / f))  # the rotated page in thumbnail pixels
    region = [0, 0, nw, nh]
    if settings.crop and nh >= 4 * char_h:
        box = None
        found = text_chars(measure)
        if found is not None:
            st, pad = found
            st = _rotated_stats(st, f, matrix, canvas)
            box = (
                max(0, int(st[:, 0].min()) - pad),
                max(0, int(st[:, 1].min()) - pad),
                min(canvas[0], int((st[:, 0] + st[:, 2]).max()) + pad),
                min(canvas[1], int((st[:, 1] + st[:, 3]).max()) + pad),
            )
        region = _crop_box(box, f, (nw, nh), char_h, settings.crop_margin_chars)
    fill = paper_level(gray)
    if angle:
        interpolation = _skew_interpolation(region[2] * region[3], enlarged)
        out = rotate(gray, angle, fill, interpolation, box=tuple(region))  # type: ignore[arg-type]
    else:
        out = gray[region[1] : region[1] + region[3], region[0] : region[0] + region[2]]
    if settings.deskew:
        full = rotate(gray, angle, fill, _skew_interpolation(nw * nh, enlarged)) if angle and debug_on else out
        record("deskew", full, skew)
    if settings.despeckle:
        out = record("despeckle", *despeckle(out, char_h, settings.speckle_max_area))
    crop = region
    if settings.orient:
        stats = _rotated_stats(measure.components()[1], f, matrix, canvas)
        half = _flush_sides_of(stats, max(canvas[1], measure.mask.shape[0]), measure.char_h)
        flip = _upside_down(half)
        if flip and skew.get("warped"):
            # Line ends on a warped page are not aligned whichever way up it is; a flip
            # decided on them is a coin toss that costs the whole page when wrong.
            flip, half["reason"] = False, "warped page: line ends not comparable"
        half["rotation"] = 180 if flip else 0
        if flip:
            out = np.ascontiguousarray(np.rot90(out, 2))
            crop = [nw - crop[0] - crop[2], nh - crop[1] - crop[3], crop[2], crop[3]]
        record("orient_half", out, half)
    if settings.crop:
        record("crop", out, {"crop_box": crop})
    return out


def _redo_without_flatten(gray: np.ndarray, current: np.ndarray, meta: dict[str, Any]) -> np.ndarray:
    """The page again from before ``flatten``, through the same scale, median and quarter turn."""
    meta["flatten"] = {**meta["flatten"], "undone": "warped page"}
    turned = bool(meta.get("orient_quarter", {}).get("rotation"))
    h, w = current.shape[::-1] if turned else current.shape
    if gray.shape != (h, w):
        interp = cv2.INTER_CUBIC if h > gray.shape[0] else cv2.INTER_AREA
        gray = cv2.resize(gray, (w, h), interpolation=interp)
    if "median" in meta:
        gray = cv2.medianBlur(gray, meta["median"]["kernel"])
    if turned:
        gray = np.ascontiguousarray(np.rot90(gray, -1))
    return gray


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
        gray = record("remove_border", *remove_border(gray, settings.remove_holes))
    char_h, measured = _measure_char_height(gray)
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
    unflattened = gray
    measured_shape = gray.shape
    if settings.flatten and not bilevel:
        gray = record("flatten", *flatten_illumination(gray, char_h, settings.flatten_window_chars))
    # Scale before rotating: rotating a 95 dpi page blurs its thin strokes, an enlarged one not.
    # (A quarter turn commutes with scaling and the median, so it is decided after them, on
    # the one thumbnail that also serves skew, the upside-down test and the text block.)
    if settings.normalize_scale:
        # Enlarging a bilevel image only interpolates its staircase edges into grey ramps; on
        # the 154 real binarised print lines that cost 5 lines a point of CER and gained none
        # (capitals 19-34 px, scale 1-1.8), so those are enlarged only when tiny.
        tolerance = max(settings.scale_tolerance, BILEVEL_SCALE_TOLERANCE) if bilevel else settings.scale_tolerance
        gray, info = normalize_scale(gray, char_h, settings.target_cap_height, tolerance)
        char_h *= info["scale"]
        gray = record("normalize_scale", gray, info)
    if settings.median >= 3 and not bilevel:
        # Scanner noise and JPEG blocks at the working scale; the median keeps stroke edges.
        k = _odd(settings.median)
        gray = record("median", cv2.medianBlur(gray, k), {"kernel": k})
    if settings.deskew or settings.crop or settings.orient:
        # The thumbnail measured for the character height serves, unless the page has since
        # been rescaled (then it is measured again, at the new scale).
        reuse = measured is not None and measured_shape == gray.shape and measured.refit(char_h)
        measure = measured if reuse and measured is not None else Measure(gray, char_h)
        if settings.orient:
            gray = record("orient_quarter", *orient_quarter(gray, char_h, measure))
        skew = None
        if settings.deskew:
            # Rotating a bilevel image resamples its staircase edges as enlarging does; below
            # BILEVEL_MIN_SKEW_DEG Tesseract's own line fitting copes better (a 0.5° print line:
            # CER 0.102 unrotated, 0.114 rotated).
            min_deg = max(settings.deskew_min_deg, BILEVEL_MIN_SKEW_DEG) if bilevel else settings.deskew_min_deg
            skew = skew_decision(measure, settings.deskew_max_deg, min_deg)
            if skew["warped"] and "flatten" in meta:
                # A warped page is a photo of a folded or curved sheet. Flattening it evens
                # the light but also erases the shading in the gutters, and Tesseract then
                # runs lines across the columns (benchmark: the 1972 leaflet, 0.35 -> 0.70
                # CER); its own Otsu copes with a photo's light. Same geometry, so the
                # measurements stand.
                gray = _redo_without_flatten(unflattened, gray, meta)
        enlarged = meta.get("normalize_scale", {}).get("scale", 1.0) > 1.0
        gray = _deskew_despeckle_orient_crop(gray, char_h, settings, measure, record, debug is not None, skew, enlarged)
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
