"""Shared fixtures: output folders and small typed pages made with the project's own generator."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = Path(__file__).parent / "resources"
SHARED = ROOT.parent / "shared"

sys.path.insert(0, str(ROOT))  # the generator lives in benchmarks/
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from benchmarks.make_scans import render_page  # noqa: E402


@pytest.fixture
def resources() -> Path:
    return RESOURCES


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.fixture
def scans_dir(tmp_path: Path) -> Path:
    path = tmp_path / "scans"
    path.mkdir()
    return path


TypedPage = Callable[..., np.ndarray]


@pytest.fixture
def typed_page() -> TypedPage:
    """Render a few typed lines as a small page (no A4 margins, so Tesseract is quick)."""

    def make(lines: list[str], seed: int = 1, level: str = "mild", **options: object) -> np.ndarray:
        options.setdefault("page_size", None)
        return render_page(lines, seed=seed, level=level, **options)

    return make


def save_image(path: Path, image: np.ndarray) -> Path:
    """Write RGB or gray uint8 to PNG/JPEG/TIFF by suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    assert cv2.imwrite(str(path), image)
    return path
