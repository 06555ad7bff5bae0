"""A batch killed with SIGKILL mid-run, re-run, finishes without redoing or losing work."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from pipeline.files import TEMPORARY_PATTERNS
from tests.conftest import save_image
from tests.test_tasks import arkhiv

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LINES = [["Совершенно секретно", "Товарищу ФИЛИППОВУ"], ["Передано по радио", "Москва, Кремль"]]


def valid_file(path: Path) -> bool:
    if path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif path.suffix == ".png":
        return cv2.imread(str(path)) is not None
    return True


def test_sigkill_then_rerun_completes_without_redoing(scans_dir: Path, out_dir: Path, typed_page) -> None:
    for n in range(6):
        save_image(scans_dir / "long" / f"p{n + 1}.png", typed_page(LINES[n % 2], seed=20 + n))
    save_image(scans_dir / "short.png", typed_page(LINES[0], seed=30))
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", str(scans_dir), "--out", str(out_dir)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(out_dir.glob("long/work/ocr-[0-9]*.json"))) < 2:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = sorted(out_dir.glob("long/work/ocr-[0-9]*.json"))
    assert 2 <= len(finished) < 6, "the kill should land mid-batch"
    for path in out_dir.rglob("*"):
        if path.is_file() and not any(path.match(pattern) for pattern in TEMPORARY_PATTERNS):
            assert valid_file(path), path
    stamps = {p: p.stat().st_mtime_ns for p in finished}

    arkhiv("run", scans_dir, "--out", out_dir, check_code=0)
    assert {p: p.stat().st_mtime_ns for p in finished} == stamps, "finished pages were redone"
    assert len(list(out_dir.glob("long/work/ocr-[0-9]*.json"))) == 6
    assert (out_dir / "long" / "corrected.txt").read_text(encoding="utf-8").count("\f") == 5
    assert not [p for pattern in TEMPORARY_PATTERNS for p in out_dir.rglob(pattern)]
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"done": 2, "failed": 0, "incomplete": 0}


def test_a_page_image_cut_short_is_made_again(scans_dir: Path, out_dir: Path, typed_page) -> None:
    # Page images are written without a flush to disk. A power cut after a page was
    # preprocessed and before it was read can leave the image short: the next run must not take
    # it for finished work.
    save_image(scans_dir / "doc.png", typed_page(LINES[0], seed=40))
    arkhiv("run", scans_dir, "--out", out_dir, check_code=0)
    work = out_dir / "doc" / "work"
    for marker in work.glob("*.json"):
        if not marker.name.startswith("preprocess-"):
            marker.unlink()  # the cut came before the OCR stage finished
    page = out_dir / "doc" / "pages" / "0001.png"
    whole = page.read_bytes()
    page.write_bytes(whole[: len(whole) // 3])
    arkhiv("run", scans_dir, "--out", out_dir, check_code=0)
    assert page.read_bytes() == whole
    assert "Секретно" in (out_dir / "doc" / "ocr.txt").read_text(encoding="utf-8").title()
