"""The command line surface of CONTRACT.md: correct, diff, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.test_tasks import arkhiv


def test_correct_file_writes_text_and_report(tmp_path: Path) -> None:
    source = tmp_path / "t.txt"
    source.write_bytes("Прощу Вас срочно сообщить. № 326I от 29.6.51".encode("cp1251"))
    report = tmp_path / "c.json"
    result = arkhiv("correct", source, "--report", report, check_code=0)
    assert result.stdout.strip() == "Прошу Вас срочно сообщить. № 3261 от 29.6.51"
    changes = json.loads(report.read_text(encoding="utf-8"))
    assert {(c["original"], c["replacement"]) for c in changes} == {("Прощу", "Прошу"), ("326I", "3261")}


def test_correct_reads_standard_input() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "correct", "-"],
        input="агентства Онайтед пресс\n",
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == "агентства Юнайтед пресс\n"


def test_diff_prints_cer_and_wer_last_and_writes_reports(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Прошу Вас срочно сообщить", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Прощу Вас срочио сообщить", encoding="utf-8")
    result = arkhiv(
        "diff",
        tmp_path / "a.txt",
        tmp_path / "b.txt",
        "--json",
        tmp_path / "d.json",
        "--html",
        tmp_path / "d.html",
        check_code=0,
    )
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"CER \d\.\d{4} WER \d\.\d{4}", last)
    assert last == "CER 0.0800 WER 0.5000"
    assert len(json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["hunks"]) == 2
    assert "срочио" in (tmp_path / "d.html").read_text(encoding="utf-8")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert "no such file" in arkhiv("correct", tmp_path / "missing.txt", check_code=2).stderr
    assert "no such folder" in arkhiv("run", tmp_path / "nowhere", check_code=2).stderr
    assert arkhiv("run", tmp_path, "--workers", "0", check_code=2).stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[ocr]\npsm = 3\nbogus = 1\n", encoding="utf-8")
    assert "unknown setting(s) bogus" in arkhiv("run", tmp_path, "--config", bad, check_code=2).stderr
