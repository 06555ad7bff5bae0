"""Planning a batch: chunks for the scheduler, dry runs, and Tesseract's per-page timeout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.batch import chunks, tasks_per_document
from tests.conftest import save_image
from tests.test_tasks import TELEGRAM, arkhiv


def plan(doc: int, pages: int, transcript: bool = False) -> dict:
    return {
        "doc_id": f"d{doc}",
        "source": "x",
        "pages": tuple(("x", n) for n in range(pages)),
        "transcript": "t" if transcript else "",
    }


def test_chunks_keep_every_build_under_the_task_limit() -> None:
    plans = [plan(n, pages=1 + n % 7, transcript=n % 2 == 0) for n in range(500)]
    built = list(chunks(plans, limit=200))
    assert [p for chunk in built for p in chunk] == plans
    assert all(sum(tasks_per_document(p) for p in chunk) <= 200 for chunk in built)
    assert len(built) > 1


def test_dry_run_plans_without_running(scans_dir: Path, out_dir: Path) -> None:
    page = np.full((60, 80), 255, np.uint8)
    for n in range(300):
        save_image(scans_dir / f"doc{n:03d}.png", page)
    (scans_dir / "broken.png").write_bytes(b"")
    result = arkhiv("run", scans_dir, "--out", out_dir, "--dry-run", check_code=0)
    report = json.loads(result.stdout)
    assert report["documents"] == 300 and report["unreadable"] == 1
    assert report["tasks"] == 300 * 4 and report["complete"] == 0
    assert not list(out_dir.glob("doc*/pages"))


@pytest.mark.integration
def test_tesseract_timeout_fails_the_page_not_the_batch(
    scans_dir: Path, out_dir: Path, typed_page, tmp_path: Path
) -> None:
    save_image(scans_dir / "slow.png", typed_page(TELEGRAM, seed=2))
    config = tmp_path / "c.toml"
    config.write_text("[ocr]\ntimeout_s = 0.001\n", encoding="utf-8")
    result = arkhiv("run", scans_dir, "--out", out_dir, "--config", config, check_code=1)
    error = json.loads((out_dir / "slow" / "error.json").read_text(encoding="utf-8"))
    assert error["stage"] == "ocr" and error["page"] == 1
    assert "timed out" in error["message"] and "slow.png" in error["message"]
    assert any(line.startswith("error:") and "timed out" in line for line in result.stderr.splitlines())
