"""The command line surface of CONTRACT.md: correct, diff, exit codes."""

from __future__ import annotations

import codecs
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


def test_correct_keeps_the_layout_and_the_report_undoes_it(tmp_path: Path) -> None:
    from pipeline.correct import undo_corrections
    from pipeline.types import Correction

    source = tmp_path / "t.txt"
    data = codecs.BOM_UTF8 + "Прощу Вас\r\nагентства Онайтед пресс\r\nбез конца".encode()
    source.write_bytes(data)
    report = tmp_path / "c.json"
    out = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "correct", source, "--report", report], capture_output=True, check=True
    ).stdout
    assert out == codecs.BOM_UTF8 + "Прошу Вас\r\nагентства Юнайтед пресс\r\nбез конца".encode()
    changes = [Correction(**c) for c in json.loads(report.read_text(encoding="utf-8"))]
    text = out.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
    restored = undo_corrections(text, changes).replace("\n", "\r\n")
    assert codecs.BOM_UTF8 + restored.encode() == data


def test_correct_gives_blank_input_back(tmp_path: Path) -> None:
    for data in (b"", b"  \n\n\t\n"):
        (tmp_path / "b.txt").write_bytes(data)
        result = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "correct", tmp_path / "b.txt"], capture_output=True, check=True
        )
        assert result.stdout == data


def test_correct_report_that_cannot_be_written_fails_before_any_text(tmp_path: Path) -> None:
    source = tmp_path / "t.txt"
    source.write_text("Прощу Вас\n", encoding="utf-8")
    result = arkhiv("correct", source, "--report", tmp_path, check_code=2)
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "cannot write the report" in result.stderr


def test_diff_output_that_cannot_be_written_fails_before_any_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Прошу Вас", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Прощу Вас", encoding="utf-8")
    result = arkhiv("diff", tmp_path / "a.txt", tmp_path / "b.txt", "--json", tmp_path, check_code=2)
    assert result.stdout == "" and "cannot write the JSON" in result.stderr


def test_correct_bad_input_files_exit_2_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    for name, problem in ((tmp_path, "is a directory"), (tmp_path / "img.png", "binary file")):
        result = arkhiv("correct", name, check_code=2)
        assert problem in result.stderr and result.stderr.strip().count("\n") == 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert "no such file" in arkhiv("correct", tmp_path / "missing.txt", check_code=2).stderr
    assert "no such folder" in arkhiv("run", tmp_path / "nowhere", check_code=2).stderr
    assert arkhiv("run", tmp_path, "--workers", "0", check_code=2).stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[ocr]\npsm = 3\nbogus = 1\n", encoding="utf-8")
    assert "unknown setting(s) bogus" in arkhiv("run", tmp_path, "--config", bad, check_code=2).stderr
