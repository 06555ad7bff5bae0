"""The real Luigi DAG with real Tesseract on small pages made by the project's generator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from tests.conftest import save_image

pytestmark = pytest.mark.integration

TELEGRAM = [
    "ШИФРТЕЛЕГРАММА № 21336",
    "Товарищу ФИЛИППОВУ",
    "Прошу Вас срочно сообщить Ваше мнение.",
]
PAGE_ONE = ["Совершенно секретно", "Москва, Кремль"]
PAGE_TWO = ["Посольство СССР в Пекине", "Передано по радио"]


def arkhiv(*args: str | Path, check_code: int | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *map(str, args)], capture_output=True, text=True, timeout=600
    )
    if check_code is not None:
        assert result.returncode == check_code, result.stderr
    return result


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    return Levenshtein.distance(ref, hyp) / len(ref)


@pytest.fixture
def batch(scans_dir: Path, typed_page) -> Path:
    save_image(scans_dir / "tele.png", typed_page(TELEGRAM, seed=3))
    (scans_dir / "tele.transcript.txt").write_text("\n".join(TELEGRAM).replace("Прошу", "Прощу"), encoding="utf-8")
    save_image(scans_dir / "two" / "p1.png", typed_page(PAGE_ONE, seed=4))
    save_image(scans_dir / "two" / "p2.png", typed_page(PAGE_TWO, seed=5))
    (scans_dir / "empty.png").write_bytes(b"")
    (scans_dir / "text.jpg").write_text("not an image at all\n", encoding="utf-8")
    return scans_dir


def summary_of(out_dir: Path) -> dict[str, dict]:
    data = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    return {d["doc_id"]: d for d in data["documents"]}


def mtimes(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_batch_reads_words_records_failures_and_resumes(batch: Path, out_dir: Path) -> None:
    result = arkhiv("run", batch, "--out", out_dir, check_code=1)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert any(line.endswith("empty.png: empty file (0 bytes)") for line in errors), result.stderr
    assert any("text.jpg: not a PNG, JPEG, TIFF or PDF file" in line for line in errors), result.stderr

    docs = summary_of(out_dir)
    assert {k: v["status"] for k, v in docs.items()} == {
        "tele": "done",
        "two": "done",
        "empty": "failed",
        "text": "failed",
    }
    assert docs["empty"]["error"]["stage"] == "discover"
    tele = out_dir / "tele"
    ocr_text = (tele / "ocr.txt").read_text(encoding="utf-8")
    assert "ФИЛИППОВУ" in ocr_text and "21336" in ocr_text
    assert cer("\n".join(TELEGRAM), ocr_text) < 0.1
    words = json.loads((tele / "words.json").read_text(encoding="utf-8"))
    assert {"page", "line", "box", "conf", "text"} <= set(words[0])
    for name in ("pages/0001.png", "corrected.txt", "corrections.json", "diff.json", "diff.html"):
        assert (tele / name).is_file(), name
    diff = json.loads((tele / "diff.json").read_text(encoding="utf-8"))
    assert 0 < diff["cer"] < 0.2
    two = (out_dir / "two" / "ocr.txt").read_text(encoding="utf-8")
    assert two.count("\f") == 1 and "Москва" in two and "Пекине" in two
    assert (out_dir / "index.html").is_file()

    before = mtimes(out_dir / "tele") | mtimes(out_dir / "two")
    arkhiv("run", batch, "--out", out_dir, check_code=1)
    after = mtimes(out_dir / "tele") | mtimes(out_dir / "two")
    assert before == after, "a re-run redid finished work"


def test_changed_setting_reruns_its_stage_and_later_only(batch: Path, out_dir: Path, tmp_path: Path) -> None:
    for bad in ("empty.png", "text.jpg"):
        (batch / bad).unlink()
    arkhiv("run", batch, "--out", out_dir, check_code=0)
    before = mtimes(out_dir / "tele")
    config = tmp_path / "psm6.toml"
    config.write_text("[ocr]\npsm = 6\n", encoding="utf-8")
    arkhiv("run", batch, "--out", out_dir, "--config", config, check_code=0)
    after = mtimes(out_dir / "tele")
    assert after["pages/0001.png"] == before["pages/0001.png"]
    assert after["work/preprocess-0001.json"] == before["work/preprocess-0001.json"]
    assert after["work/ocr-0001.json"] != before["work/ocr-0001.json"]
    assert after["corrected.txt"] != before["corrected.txt"]


def test_missing_language_is_an_environment_error(batch: Path, out_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "klingon.toml"
    config.write_text('[ocr]\nlang = "tlh"\n', encoding="utf-8")
    result = arkhiv("run", batch, "--out", out_dir, "--config", config, check_code=2)
    assert "apt-get install tesseract-ocr-tlh" in result.stderr
    assert not (out_dir / "tele").exists()


def test_rerun_with_new_rules_keeps_human_decisions(batch: Path, out_dir: Path, tmp_path: Path) -> None:
    from pipeline.regenerate import apply_decision, empty_decisions

    for bad in ("empty.png", "text.jpg"):
        (batch / bad).unlink()
    arkhiv("run", batch, "--out", out_dir, check_code=0)
    tele = out_dir / "tele"
    diff = json.loads((tele / "diff.json").read_text(encoding="utf-8"))
    hunk = next(h for h in diff["hunks"] if "Прощу" in h["transcript"])
    decisions = apply_decision(empty_decisions("tele"), diff, hunk["id"], "manual", "ПРОШУ")
    gone = {**hunk, "id": "0" * 12, "transcript": "текст, которого нет", "corrected": "нет"}
    decisions = apply_decision(decisions, {"hunks": [gone]}, gone["id"], "transcript")
    (tele / "decisions.json").write_text(json.dumps(decisions, ensure_ascii=False), encoding="utf-8")

    config = tmp_path / "no-correction.toml"
    config.write_text("[correct]\nenabled = false\n", encoding="utf-8")
    arkhiv("run", batch, "--out", out_dir, "--config", config, check_code=0)
    assert "ПРОШУ" in (tele / "transcript.txt").read_text(encoding="utf-8")
    kept = json.loads((tele / "decisions.json").read_text(encoding="utf-8"))
    assert [d["choice"] for d in kept["decisions"].values()] == ["manual"]
    assert [u["hunk_id"] for u in kept["unanchored"]] == ["0" * 12]
    assert [u["hunk_id"] for u in summary_of(out_dir)["tele"]["unanchored_decisions"]] == ["0" * 12]
