"""Deterministic generator of typewritten Russian telegram scans, and the bundled ``scans/``.

The pipeline needs sample documents whose exact text is known, that look like what an archive
actually scans: a monospace typeface struck on a fixed character grid, uneven strikes, ribbon
texture, yellowed paper under uneven light, a small page skew, scanner artefacts and the odd
stamp or pencil mark. Every random choice comes from one ``numpy`` generator seeded by the
caller, so the same call always gives the same pixels.

Run ``python -m benchmarks.make_scans [--out scans]`` to rewrite the bundled samples.
"""

from __future__ import annotations

import argparse
import logging
import math
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TEXTS = Path(__file__).resolve().parent / "texts"
SEED_21336 = ROOT.parent / "shared" / "seeds" / "telegram-21336.txt"

FONTS = {
    "FreeMono": Path("/usr/share/fonts/truetype/freefont/FreeMono.ttf"),
    "LiberationMono": Path("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf"),
}
STAMP_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
PENCIL_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf")

A4_MM = (210.0, 297.0)
WHITE = (255.0, 255.0, 255.0)
BLACK = (0.0, 0.0, 0.0)
# Fabric ribbon ink on a carbon-era typewriter is not pure black; a faint violet cast survives.
RIBBON_INK = (38.0, 34.0, 46.0)
STAMP_INK = (92.0, 62.0, 150.0)
PENCIL_GREY = (105.0, 105.0, 112.0)

LEVELS = ("clean", "mild", "medium", "heavy")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


# --------------------------------------------------------------------------------------------
# Degradation levels
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Degradation:
    """How much a page is degraded; pixel sizes are given at 300 dpi and scaled to the page."""

    jitter_sd: float = 0.0  # per-character offset from the grid (px)
    line_drift_px: float = 0.0  # per-line baseline offset and tilt (px)
    ink: float = 1.0  # mean ink density of a strike (1 = full)
    ink_sd: float = 0.0  # per-character spread of ink density
    faint_prob: float = 0.0  # strike fades towards one side of the letter
    heavy_prob: float = 0.0  # over-inked strike: thicker, counters filling in
    faulty_letters: int = 0  # letters whose type bar sits off the line, consistently
    embolden_px: float = 0.0  # ribbon ink spreads the thin outline font into a typed stroke
    ribbon: float = 0.0  # strength of the fabric texture inside strokes
    bleed_px: float = 0.0  # ink spread into paper (Gaussian sigma)
    paper: tuple[float, float, float] = WHITE
    ink_rgb: tuple[float, float, float] = BLACK
    fibres: float = 0.0  # paper grain amplitude (grey levels)
    illum: float = 0.0  # uneven illumination, fraction of brightness lost at worst
    stains: int = 0
    crease_prob: float = 0.0
    blur_px: float = 0.0  # scanner optics
    noise: float = 0.0  # sensor noise (grey levels)
    speckle: float = 0.0  # dust and dropouts per megapixel
    jpeg_quality: int = 0  # 0 = no JPEG round trip
    stamp_prob: float = 0.0
    pencil_prob: float = 0.0
    marks_over_text: bool = False


LEVEL_DEGRADATION: dict[str, Degradation] = {
    "clean": Degradation(),
    "mild": Degradation(
        jitter_sd=0.6,
        line_drift_px=0.8,
        ink=0.93,
        ink_sd=0.07,
        faint_prob=0.04,
        heavy_prob=0.03,
        embolden_px=1.0,
        ribbon=0.22,
        bleed_px=0.6,
        paper=(238.0, 229.0, 205.0),
        ink_rgb=RIBBON_INK,
        fibres=2.5,
        illum=0.07,
        blur_px=0.5,
        noise=2.5,
        speckle=20.0,
        stamp_prob=0.7,
        pencil_prob=0.7,
    ),
    "medium": Degradation(
        jitter_sd=1.0,
        line_drift_px=2.0,
        ink=0.86,
        ink_sd=0.12,
        faint_prob=0.08,
        heavy_prob=0.06,
        faulty_letters=2,
        embolden_px=1.0,
        ribbon=0.35,
        bleed_px=0.8,
        paper=(230.0, 216.0, 184.0),
        ink_rgb=RIBBON_INK,
        fibres=5.0,
        illum=0.14,
        stains=2,
        crease_prob=0.6,
        blur_px=0.8,
        noise=6.0,
        speckle=60.0,
        jpeg_quality=78,
        stamp_prob=1.0,
        pencil_prob=1.0,
    ),
    "heavy": Degradation(
        jitter_sd=1.5,
        line_drift_px=3.5,
        ink=0.72,
        ink_sd=0.18,
        faint_prob=0.15,
        heavy_prob=0.1,
        faulty_letters=4,
        embolden_px=1.4,
        ribbon=0.5,
        bleed_px=1.1,
        paper=(216.0, 199.0, 160.0),
        ink_rgb=RIBBON_INK,
        fibres=7.0,
        illum=0.26,
        stains=4,
        crease_prob=1.0,
        blur_px=1.2,
        noise=10.0,
        speckle=150.0,
        jpeg_quality=55,
        stamp_prob=1.0,
        pencil_prob=1.0,
        marks_over_text=True,
    ),
}


def degradation_for(level: str) -> Degradation:
    """The degradation settings of a named level; unknown names are a caller bug."""
    try:
        return LEVEL_DEGRADATION[level]
    except KeyError:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}") from None


# --------------------------------------------------------------------------------------------
# Text layout
# --------------------------------------------------------------------------------------------


def wrap_text(text: str, cols: int = 72) -> list[str]:
    """Lay out source text as a typist would on a ``cols``-wide carriage, one typed line each.

    Each source line is a paragraph, with a little markup for telegram forms:
    an empty line stays empty; ``^text`` is centred; ``>text`` is flush right;
    ``left<TAB>right`` puts ``right`` flush right on the same line (tabulated header fields);
    leading spaces indent the first line of a paragraph. Paragraphs wrap greedily at spaces,
    and a word longer than the carriage is broken.
    """
    lines: list[str] = []
    for source in text.splitlines():
        lines.extend(_layout_paragraph(source.rstrip(), cols))
    return lines


def _layout_paragraph(source: str, cols: int) -> list[str]:
    """Typed lines for one source line; see ``wrap_text`` for the markup."""
    if not source.strip():
        return [""]
    if source.startswith("^"):
        return [line.center(cols).rstrip() for line in _wrap_words(source[1:].strip(), cols)]
    if source.startswith(">"):
        return [line.rjust(cols) for line in _wrap_words(source[1:].strip(), cols)]
    if "\t" in source:
        left, right = (part.strip() for part in source.split("\t", 1))
        if len(left) + len(right) + 1 <= cols:
            return [left + right.rjust(cols - len(left))]
        source = f"{left} {right}"
    indent = len(source) - len(source.lstrip(" "))
    return _wrap_words(source.strip(), cols, indent)


def _wrap_words(text: str, cols: int, indent: int = 0) -> list[str]:
    """Greedy word wrap; the first line carries ``indent`` spaces."""
    lines: list[str] = []
    current = " " * indent
    for word in text.split():
        while len(word) > cols:  # no carriage can hold it: the typist breaks it
            if current.strip():
                lines.append(current)
            lines.append(word[:cols])
            word, current = word[cols:], ""
        gap = " " if current.strip() else ""
        if len(current) + len(gap) + len(word) <= cols:
            current += gap + word
        else:
            lines.append(current)
            current = word
    if current.strip():
        lines.append(current)
    return lines


def paginate(lines: list[str], per_page: int, header: str = "^- {n} -") -> list[list[str]]:
    """Split typed lines into pages; pages after the first open with a centred page number.

    Blank lines at a page break are dropped, as a typist would not start a sheet with them.
    ``header`` uses the ``wrap_text`` markup and ``{n}`` for the page number; ``""`` for none.
    """
    cols = max((len(line) for line in lines), default=0)
    pages: list[list[str]] = []
    rest = list(lines)
    while rest:
        page: list[str] = []
        if pages and header:
            page = [*wrap_text(header.format(n=len(pages) + 1), cols), ""]
        while rest and not rest[0].strip():
            rest.pop(0)
        take = max(1, per_page - len(page))
        page.extend(rest[:take])
        rest = rest[take:]
        while page and not page[-1].strip():
            page.pop()
        pages.append(page)
    return pages


def ground_truth(lines: list[str]) -> str:
    """The evaluation text of a page: one typed line per line, blanks stripped, empty lines kept."""
    return "\n".join(line.strip() for line in lines) + "\n"


# --------------------------------------------------------------------------------------------
# Page geometry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """Where typed characters go: the typewriter's pitch, line feed and margins, in pixels."""

    width: int
    height: int
    left: float
    top: float
    pitch: float
    line_pitch: float
    font_px: float


def typing_grid(lines: list[str], font: Path, dpi: int, cpi: int, spacing: float, page_size: str | None) -> Grid:
    """The page size and character grid; ``page_size=None`` fits the page tightly to the lines."""
    pitch = dpi / cpi
    line_pitch = spacing * dpi / 6.0  # single spacing is six lines per inch on every typewriter
    advance = ImageFont.truetype(str(font), 100).getlength("M") / 100.0
    font_px = pitch / advance
    cols = max((len(line) for line in lines), default=1)
    text_w = cols * pitch
    text_h = max(len(lines), 1) * line_pitch
    if page_size is None:
        margin = 0.25 * dpi
        return Grid(
            width=math.ceil(text_w + 2 * margin),
            height=math.ceil(text_h + 2 * margin),
            left=margin,
            top=margin,
            pitch=pitch,
            line_pitch=line_pitch,
            font_px=font_px,
        )
    if page_size != "A4":
        raise ValueError(f"unknown page size {page_size!r}; use 'A4' or None")
    width, height = (round(mm / 25.4 * dpi) for mm in A4_MM)
    left = max(0.3 * dpi, min(1.2 * dpi, (width - text_w) * 0.6))
    top = 0.9 * dpi
    if left + text_w > width or top + text_h > height - 0.4 * dpi:
        raise ValueError(
            f"{len(lines)} lines of {cols} columns do not fit an A4 page at {cpi} cpi, "
            f"spacing {spacing}; paginate() them or use page_size=None"
        )
    return Grid(width, height, left, top, pitch, line_pitch, font_px)


def lines_per_page(dpi: int = 300, spacing: float = 1.5) -> int:
    """How many typed lines fit one A4 page with ``typing_grid``'s margins."""
    height = round(A4_MM[1] / 25.4 * dpi)
    return int((height - 1.3 * dpi) // (spacing * dpi / 6.0))


# --------------------------------------------------------------------------------------------
# Typing: the ink layer
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _font(path: str, size: float) -> ImageFont.FreeTypeFont:
    """A loaded font; cached because every glyph and mark asks for one."""
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=4096)
def _glyph(path: str, size: float, char: str, stroke: int) -> tuple[np.ndarray, int, int]:
    """A character's coverage mask (0..1) and its offset from the pen position on the baseline."""
    font = _font(path, size)
    x0, y0, x1, y1 = font.getbbox(char, anchor="ls", stroke_width=stroke)
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 0), np.float32), 0, 0
    canvas = Image.new("L", (x1 - x0 + 2, y1 - y0 + 2), 0)
    ImageDraw.Draw(canvas).text(
        (1 - x0, 1 - y0),
        char,
        font=font,
        fill=255,
        anchor="ls",
        stroke_width=stroke,
        stroke_fill=255,
    )
    mask = np.asarray(canvas, np.float32) / 255.0
    mask.setflags(write=False)
    return mask, x0 - 1, y0 - 1


def _strike(mask: np.ndarray, rng: np.random.Generator, deg: Degradation, scale: float) -> np.ndarray:
    """One key strike: the glyph with this strike's ink density, fading or over-inking."""
    density = float(np.clip(rng.normal(deg.ink, deg.ink_sd), 0.25, 1.0)) if deg.ink_sd else deg.ink
    strike = mask * density
    roll = rng.random()
    if roll < deg.faint_prob:
        # The type bar hits at an angle: one side of the letter prints weaker.
        h, w = mask.shape
        low = rng.uniform(0.15, 0.55)
        if rng.random() < 0.5:
            ramp = np.linspace(low, 1.0, w, dtype=np.float32)[None, :]
        else:
            ramp = np.linspace(low, 1.0, h, dtype=np.float32)[:, None]
        strike = strike * (ramp if rng.random() < 0.5 else ramp[::-1, ::-1])
    elif roll < deg.faint_prob + deg.heavy_prob:
        # Over-inked: counters start to fill and the stroke spreads by about a pixel.
        size = max(3, round(3 * scale)) | 1
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
        closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        spread = np.clip(cv2.GaussianBlur(closed, (0, 0), 0.7 * scale) * 1.4, 0.0, 1.0)
        strike = np.maximum(mask, spread) * min(1.0, density + 0.15)
    return strike


def _stamp_into(layer: np.ndarray, patch: np.ndarray, x: int, y: int) -> None:
    """Overstrike ``patch`` into ``layer`` at (x, y), clipped to the page; ink saturates."""
    h, w = patch.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, layer.shape[1]), min(y + h, layer.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    region = layer[y0:y1, x0:x1]
    np.maximum(region, patch[y0 - y : y1 - y, x0 - x : x1 - x], out=region)


def type_lines(
    lines: list[str], grid: Grid, font: Path, rng: np.random.Generator, deg: Degradation, dpi: int
) -> np.ndarray:
    """The ink coverage (0..1, float32) of the typed lines, before ribbon texture and bleed."""
    scale = dpi / 300.0
    layer = np.zeros((grid.height, grid.width), np.float32)
    stroke = round(deg.embolden_px * scale)
    faulty = _faulty_letters(lines, rng, deg, scale)
    for row, line in enumerate(lines):
        baseline = grid.top + (row + 0.8) * grid.line_pitch
        drift = rng.normal(0.0, deg.line_drift_px * scale) if deg.line_drift_px else 0.0
        tilt = rng.normal(0.0, deg.line_drift_px * scale / 2) if deg.line_drift_px else 0.0
        for col, char in enumerate(line):
            if char.isspace():
                continue
            mask, dx, dy = _glyph(str(font), grid.font_px, char, stroke)
            if mask.size == 0:
                continue
            jx, jy = rng.normal(0.0, deg.jitter_sd * scale, 2) if deg.jitter_sd else (0.0, 0.0)
            x = grid.left + col * grid.pitch + dx + jx
            y = baseline + dy + jy + drift + tilt * col / max(len(line), 1) + faulty.get(char, 0.0)
            _stamp_into(layer, _strike(mask, rng, deg, scale), round(x), round(y))
    return layer


def _faulty_letters(lines: list[str], rng: np.random.Generator, deg: Degradation, scale: float) -> dict[str, float]:
    """Letters whose type bar is bent on this machine: a fixed vertical offset for the page."""
    letters = sorted({c for line in lines for c in line if c.isalpha()})
    if not deg.faulty_letters or not letters:
        return {}
    chosen = rng.choice(letters, size=min(deg.faulty_letters, len(letters)), replace=False)
    return {str(c): float(rng.choice([-1, 1]) * rng.uniform(2.0, 4.0) * scale) for c in chosen}


def ink_texture(layer: np.ndarray, rng: np.random.Generator, deg: Degradation, scale: float) -> np.ndarray:
    """Fabric ribbon grain, ribbon wear along the line, and ink bleeding into the paper."""
    if deg.ribbon:
        grain = _smooth_noise(layer.shape, rng, 0.8 * scale)
        wear = _low_frequency(layer.shape, rng, cells=(24, 6))
        layer = layer * np.clip(1.0 - deg.ribbon * (grain + 0.6 * wear), 0.0, 1.0)
    if deg.bleed_px:
        layer = cv2.GaussianBlur(layer, (0, 0), deg.bleed_px * scale)
    return np.clip(layer, 0.0, 1.0)


# --------------------------------------------------------------------------------------------
# Paper, marks, scanner
# --------------------------------------------------------------------------------------------


def _smooth_noise(shape: tuple[int, ...], rng: np.random.Generator, sigma: float) -> np.ndarray:
    """Zero-mean noise with unit-ish spread, correlated over ``sigma`` pixels."""
    noise = rng.standard_normal(shape[:2], dtype=np.float32)
    if sigma > 0.3:
        noise = cv2.GaussianBlur(noise, (0, 0), sigma)
        noise /= max(float(noise.std()), 1e-6)
    return noise


def _low_frequency(shape: tuple[int, ...], rng: np.random.Generator, cells: tuple[int, int]) -> np.ndarray:
    """A smooth random field in [0, 1] varying over ``cells`` (rows, cols) across the page."""
    coarse = rng.random(cells, dtype=np.float32)
    return cv2.resize(coarse, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC).clip(0.0, 1.0)


def make_paper(shape: tuple[int, int], rng: np.random.Generator, deg: Degradation, scale: float) -> np.ndarray:
    """Yellowed paper (H, W, 3 float32): tone, grain, stains and an optional fold crease."""
    h, w = shape
    paper = np.empty((h, w, 3), np.float32)
    paper[:] = np.asarray(deg.paper, np.float32)
    if deg.fibres:
        paper += (deg.fibres * _smooth_noise(shape, rng, 1.2 * scale))[..., None]
    for _ in range(deg.stains):
        _add_stain(paper, rng, scale)
    if deg.crease_prob and rng.random() < deg.crease_prob:
        _add_crease(paper, rng, scale)
    return paper


def _add_stain(paper: np.ndarray, rng: np.random.Generator, scale: float) -> None:
    """A faint brownish water or grease stain with a darker rim."""
    h, w = paper.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
    axes = (int(rng.uniform(80, 320) * scale), int(rng.uniform(60, 240) * scale))
    cv2.ellipse(mask, centre, axes, float(rng.uniform(0, 180)), 0, 360, 255, -1)
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), 25 * scale)
    rim = np.clip(soft * (1.0 - soft) * 4.0, 0.0, 1.0)
    strength = rng.uniform(0.04, 0.1)
    tint = np.array([0.7, 0.9, 1.4], np.float32)  # browner: blue absorbs most
    paper *= 1.0 - (strength * (0.5 * soft + rim))[..., None] * tint


def _add_crease(paper: np.ndarray, rng: np.random.Generator, scale: float) -> None:
    """A horizontal fold: a dark line with a light ridge beside it."""
    h, w = paper.shape[:2]
    y = int(rng.uniform(0.3, 0.7) * h)
    band = np.zeros(h, np.float32)
    band[y] = -1.0
    band[min(y + int(3 * scale) + 1, h - 1)] = 0.6
    band = cv2.GaussianBlur(band[:, None], (0, 0), 2.5 * scale)[:, 0]
    band /= max(float(np.abs(band).max()), 1e-6)
    paper += (rng.uniform(10, 20) * band)[:, None, None]


def make_marks(
    grid: Grid, n_lines: int, rng: np.random.Generator, deg: Degradation, scale: float
) -> list[tuple[np.ndarray, tuple[float, float, float]]]:
    """Non-text marks as (coverage, colour) layers: a rubber stamp and pencil strokes.

    They sit in the margins unless the level allows marks over the text; they are never in the
    ground truth.
    """
    marks: list[tuple[np.ndarray, tuple[float, float, float]]] = []
    if deg.stamp_prob and rng.random() < deg.stamp_prob:
        marks.append((_rubber_stamp(grid, n_lines, rng, deg, scale), STAMP_INK))
    if deg.pencil_prob and rng.random() < deg.pencil_prob:
        marks.append((_pencil(grid, n_lines, rng, deg, scale), PENCIL_GREY))
    return marks


def _rubber_stamp(grid: Grid, n_lines: int, rng: np.random.Generator, deg: Degradation, scale: float) -> np.ndarray:
    """A rectangular registry stamp, slightly rotated and unevenly inked."""
    month = ROMAN_MONTHS[int(rng.integers(12))]
    words = [
        "СЕКРЕТНО",
        f"Вх. № {int(rng.integers(100, 999))}",
        f"«{int(rng.integers(1, 29))}» {month} 195{int(rng.integers(0, 3))} г.",
    ]
    font = _font(str(STAMP_FONT), 34 * scale)
    pad = int(18 * scale)
    width = int(max(font.getlength(t) for t in words)) + 2 * pad
    height = int(len(words) * 44 * scale) + 2 * pad
    stamp = Image.new("L", (width + 2 * pad, height + 2 * pad), 0)
    draw = ImageDraw.Draw(stamp)
    draw.rectangle((pad, pad, pad + width, pad + height), outline=255, width=max(2, int(5 * scale)))
    for i, text in enumerate(words):
        tx = pad + (width - font.getlength(text)) / 2
        draw.text((tx, 2 * pad + i * 44 * scale), text, font=font, fill=255)
    mask = _rotate_patch(np.asarray(stamp, np.float32) / 255.0, float(rng.uniform(-12, 12)))
    mask *= np.clip(0.75 + 0.5 * _smooth_noise(mask.shape, rng, 2.0 * scale), 0.0, 1.0)
    mask *= _low_frequency(mask.shape, rng, (3, 3)) * 0.6 + 0.4
    layer = np.zeros((grid.height, grid.width), np.float32)
    h, w = mask.shape
    if deg.marks_over_text:
        x = rng.uniform(0.3, 0.7) * (grid.width - w)
        y = grid.top + rng.uniform(0.2, 0.6) * n_lines * grid.line_pitch
    else:  # the top margin, right of centre, where registries stamped incoming telegrams
        x = rng.uniform(0.45, 0.62) * grid.width
        y = max(0.0, (grid.top - h) * rng.uniform(0.2, 0.8))
    _stamp_into(layer, mask * 0.85, int(x), int(y))
    return layer


def _pencil(grid: Grid, n_lines: int, rng: np.random.Generator, deg: Degradation, scale: float) -> np.ndarray:
    """An archivist's folio number in the corner and a reader's pencil bar in the left margin."""
    layer = np.zeros((grid.height, grid.width), np.uint8)
    img = Image.fromarray(layer)
    draw = ImageDraw.Draw(img)
    folio = str(int(rng.integers(2, 400)))
    font = _font(str(PENCIL_FONT), 56 * scale)
    draw.text((grid.width - rng.uniform(170, 230) * scale, rng.uniform(60, 120) * scale), folio, font=font, fill=255)
    x = grid.left - rng.uniform(60, 110) * scale
    y0 = grid.top + rng.uniform(0.1, 0.5) * n_lines * grid.line_pitch
    y1 = y0 + rng.uniform(3, 8) * grid.line_pitch
    wobble = [(x + rng.normal(0, 4 * scale), y0 + (y1 - y0) * t) for t in np.linspace(0, 1, 8)]
    draw.line(wobble, fill=255, width=max(2, int(4 * scale)), joint="curve")
    if deg.marks_over_text:  # an underline struck through a typed line
        row = int(rng.integers(0, max(n_lines, 1)))
        y = grid.top + (row + 0.95) * grid.line_pitch
        xa = grid.left + rng.uniform(0, 20) * grid.pitch
        draw.line(
            [(xa, y), (xa + rng.uniform(15, 40) * grid.pitch, y + rng.normal(0, 6 * scale))],
            fill=255,
            width=max(2, int(4 * scale)),
        )
    mask = np.asarray(img, np.float32) / 255.0
    grain = np.clip(0.55 + 0.35 * _smooth_noise(mask.shape, rng, 0.7 * scale), 0.0, 1.0)
    return cv2.GaussianBlur(mask * grain, (0, 0), 0.8 * scale) * 0.8


def _rotate_patch(patch: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate a small coverage patch about its centre, growing the canvas to keep corners."""
    h, w = patch.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(patch, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=0.0)


def compose(paper: np.ndarray, layer: np.ndarray, colour: tuple[float, float, float]) -> np.ndarray:
    """Lay ink of ``colour`` with coverage ``layer`` over ``paper``; absorption, not paint."""
    ink = np.asarray(colour, np.float32) / 255.0
    return paper * (1.0 - layer[..., None] * (1.0 - ink))


def illuminate(page: np.ndarray, rng: np.random.Generator, deg: Degradation) -> np.ndarray:
    """Uneven scanner light: a smooth field plus falloff towards one edge of the bed."""
    if not deg.illum:
        return page
    h, w = page.shape[:2]
    field = _low_frequency((h, w), rng, (3, 4))
    ramp = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]
    if rng.random() < 0.5:
        ramp = ramp[:, ::-1]
    light = 1.0 - deg.illum * (0.55 * field + 0.45 * ramp**2)
    return page * light[..., None]


def skew_page(page: np.ndarray, degrees: float, border: bool, rng: np.random.Generator, scale: float) -> np.ndarray:
    """Rotate the sheet by ``degrees`` (counter-clockwise positive); optionally on a dark bed.

    With ``border`` the sheet is shrunk a little and laid, rotated, on the dark scanner lid so
    dark margins show around it, as on a careless flatbed scan.
    """
    h, w = page.shape[:2]
    if not border:
        if not degrees:
            return page
        m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
        return cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    shrink = rng.uniform(0.94, 0.97)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, shrink)
    m[0, 2] += rng.uniform(-0.01, 0.01) * w
    m[1, 2] += rng.uniform(-0.01, 0.01) * h
    sheet = cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    cover = cv2.warpAffine(np.ones((h, w), np.float32), m, (w, h), flags=cv2.INTER_LINEAR)
    bed = 34.0 + 10.0 * _low_frequency((h, w), rng, (4, 4))
    bed += 3.0 * _smooth_noise((h, w), rng, 2 * scale)
    # The sheet's edge casts a shadow on the lid.
    shadow = cv2.GaussianBlur(cover, (0, 0), 6 * scale)
    bed = bed * (1.0 - 0.5 * shadow)
    return sheet + ((1.0 - cover) * bed)[..., None]


def scan(page: np.ndarray, rng: np.random.Generator, deg: Degradation, scale: float) -> np.ndarray:
    """Scanner optics and sensor: blur, noise, dust and dropouts, 8-bit quantisation, JPEG."""
    if deg.blur_px:
        page = cv2.GaussianBlur(page, (0, 0), deg.blur_px * scale)
    if deg.noise:
        # Sensor noise reaches the file through demosaicing and compression: slightly correlated.
        page = page + (deg.noise * _smooth_noise(page.shape, rng, 0.5 * scale))[..., None]
    if deg.speckle:
        _speckle(page, rng, deg.speckle, scale)
    out = np.clip(page + 0.5, 0, 255).astype(np.uint8)
    if deg.jpeg_quality:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, deg.jpeg_quality])
        if ok:
            out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED).reshape(out.shape)
    return out


def _speckle(page: np.ndarray, rng: np.random.Generator, per_mp: float, scale: float) -> None:
    """Dark dust specks and light dropouts, a few pixels across."""
    h, w = page.shape[:2]
    count = int(rng.poisson(per_mp * h * w / 1e6))
    for _ in range(count):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = max(1, int(rng.uniform(0.6, 2.5) * scale))
        value = float(rng.uniform(40, 120)) if rng.random() < 0.7 else float(rng.uniform(235, 255))
        cv2.circle(page, (x, y), r, (value, value, value), -1)


# --------------------------------------------------------------------------------------------
# The public entry point
# --------------------------------------------------------------------------------------------


def font_path(font: str) -> Path:
    """A font name from ``FONTS`` (or a path to a monospace .ttf) as a path that exists."""
    path = FONTS.get(font, Path(font))
    if not path.is_file():
        raise FileNotFoundError(f"{path}: font not found; known names: {', '.join(FONTS)}")
    return path


def render_page(
    lines: list[str],
    *,
    seed: int,
    font: str = "FreeMono",
    dpi: int = 300,
    skew_deg: float = 0.0,
    level: str = "mild",
    border: bool = False,
    color: bool = True,
    cpi: int = 12,
    spacing: float = 1.5,
    page_size: str | None = "A4",
    marks: bool | None = None,
) -> np.ndarray:
    """Render typed ``lines`` as a scanned typewritten page, deterministically from ``seed``.

    Args:
        lines: the typed lines, already laid out on the grid (see ``wrap_text``).
        seed: every random choice derives from it; same arguments, same pixels.
        font: a ``FONTS`` name or a path to a monospace TrueType font.
        dpi: scan resolution; A4 at 300 dpi is 2480 x 3508 pixels.
        skew_deg: page rotation, counter-clockwise positive (applied at every level).
        level: ``clean`` (no degradation: white page, black ink), ``mild``, ``medium``, ``heavy``.
        border: lay the sheet on a dark scanner lid, so dark margins show.
        color: RGB (H, W, 3) if true, else greyscale (H, W); uint8 either way.
        cpi: characters per inch of the typewriter (10 pica, 12 elite).
        spacing: line spacing in typewriter lines (1 = six lines per inch).
        page_size: ``"A4"``, or ``None`` for a page just big enough for the lines (fast fixtures).
        marks: stamp and pencil marks; ``None`` lets the level decide.
    """
    deg = degradation_for(level)
    if marks is False or page_size is None:
        deg = replace(deg, stamp_prob=0.0, pencil_prob=0.0)
    elif marks and not deg.stamp_prob:
        deg = replace(deg, stamp_prob=1.0, pencil_prob=1.0)
    rng = np.random.default_rng(seed)
    scale = dpi / 300.0
    path = font_path(font)
    grid = typing_grid(lines, path, dpi, cpi, spacing, page_size)
    ink = ink_texture(type_lines(lines, grid, path, rng, deg, dpi), rng, deg, scale)
    page = compose(make_paper((grid.height, grid.width), rng, deg, scale), ink, deg.ink_rgb)
    for layer, colour in make_marks(grid, len(lines), rng, deg, scale):
        page = compose(page, layer, colour)
    page = illuminate(page, rng, deg)
    page = skew_page(page, skew_deg, border, rng, scale)
    out = scan(page, rng, deg, scale)
    if color:
        return out
    return cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)


# --------------------------------------------------------------------------------------------
# Transcriptions with archive-style OCR errors
# --------------------------------------------------------------------------------------------

# Confusions an archive's own OCR typically makes on typewritten Cyrillic.
OCR_CONFUSIONS = (
    ("Ц", "И"),
    ("ц", "и"),
    ("щ", "ш"),
    ("Ю", "О"),
    ("ю", "о"),
    ("1", "I"),
    ("З", "3"),
    ("л", "я"),
)


def add_ocr_errors(text: str, seed: int, count: int = 8) -> str:
    """Make ``count`` typical OCR confusions at seeded places, as in an archive's own transcript.

    Every kind of confusion that can occur in ``text`` is used once before any is used twice,
    so a short text still shows the whole repertoire.
    """
    rng = np.random.default_rng(seed)
    by_kind = [
        [(m.start(), replacement) for m in re.finditer(re.escape(source), text)]
        for source, replacement in OCR_CONFUSIONS
    ]
    by_kind = [spots for spots in by_kind if spots]
    chosen: dict[int, str] = {}
    while len(chosen) < count and any(by_kind):
        for spots in by_kind:
            if spots and len(chosen) < count:
                pos, replacement = spots.pop(int(rng.integers(len(spots))))
                chosen[pos] = replacement
    chars = list(text)
    for pos, replacement in chosen.items():
        chars[pos] = replacement
    return "".join(chars)


# --------------------------------------------------------------------------------------------
# The bundled scans/
# --------------------------------------------------------------------------------------------


def save_png_gray(path: Path, image: np.ndarray, levels: int = 16) -> None:
    """Save a greyscale page as a compact PNG: few grey levels keep ``scans/`` small."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    step = 256 // levels
    quantised = (gray // step) * step + step // 2
    with _atomic(path) as tmp:
        Image.fromarray(quantised.astype(np.uint8)).save(tmp, format="PNG", optimize=True)


def save_pdf(path: Path, pages: list[np.ndarray], dpi: int = 300, quality: int = 75) -> None:
    """Save raster pages as one multi-page PDF (JPEG-compressed, like a scanner's PDF)."""
    images = [Image.fromarray(p) for p in pages]
    with _atomic(path) as tmp:
        images[0].save(
            tmp,
            format="PDF",
            save_all=True,
            append_images=images[1:],
            resolution=dpi,
            quality=quality,
        )


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 text with a single trailing newline."""
    with _atomic(path) as tmp:
        tmp.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it on success: no half-written pages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def make_21336(out: Path) -> None:
    """Telegram 21336 (Mao to Filippov, 30.6.1951) typed from its corrected text."""
    lines = wrap_text((TEXTS / "21336.txt").read_text(encoding="utf-8"), cols=72)
    image = render_page(lines, seed=21336, level="medium", skew_deg=1.1, color=False)
    save_png_gray(out / "21336.png", image)
    write_text(out / "21336.gt.txt", ground_truth(lines))
    with _atomic(out / "21336.transcript.txt") as tmp:
        shutil.copyfile(SEED_21336, tmp)


def make_1402(out: Path) -> None:
    """A two-page telegram of our own, as a folder of pages, with a noisy archive transcript."""
    source = (TEXTS / "telegram-1402.txt").read_text(encoding="utf-8")
    lines = wrap_text(source, cols=72)
    folder = out / "telegram-1402"
    pages = paginate(lines, lines_per_page(spacing=2.0))
    for n, (page, skew) in enumerate(zip(pages, (-1.2, 0.9), strict=False), start=1):
        image = render_page(page, seed=1402 + n, dpi=200, level="medium", skew_deg=skew, spacing=2.0, color=False)
        save_png_gray(folder / f"p{n}.png", image)
        write_text(folder / f"p{n}.gt.txt", ground_truth(page))
    plain = "\n".join(line.lstrip("^>").replace("\t", "  ").strip() for line in source.splitlines())
    write_text(folder / "transcript.txt", add_ocr_errors(plain, seed=1402, count=10))


def make_report_pdf(out: Path) -> None:
    """A 1952 report as one multi-page raster PDF: Liberation Mono, 10 cpi, dark scanner bed."""
    lines = wrap_text((TEXTS / "report-1952.txt").read_text(encoding="utf-8"), cols=62)
    pages = paginate(lines, lines_per_page(spacing=1.5))
    images = [
        render_page(
            page,
            seed=1952 + n,
            font="LiberationMono",
            dpi=200,
            level="mild",
            cpi=10,
            skew_deg=(0.4, -0.8, 1.5)[n % 3],
            border=True,
            color=False,
        )
        for n, page in enumerate(pages)
    ]
    save_pdf(out / "report-1952.pdf", images, dpi=200)


def main(argv: list[str] | None = None) -> None:
    """Rewrite the bundled sample documents."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "scans", help="scans folder (default: scans/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for make in (make_21336, make_1402, make_report_pdf):
        make(args.out)
        log.info("%s: written to %s", make.__name__, args.out)


if __name__ == "__main__":
    main()
