"""The review page in a real browser: Debian's chromium driven by Playwright.

Starts ``arkhiv review`` (the real CLI) over a small output folder the test builds
itself, decides one hunk with the mouse, one with the keyboard and types one correction,
reloads to see them kept, then runs ``arkhiv regenerate`` and reads transcript.txt.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.test_review import build_out_dir

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (apt-get install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _arkhiv(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline.cli", *args]


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"arkhiv review exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("arkhiv review did not start")


def test_review_in_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    out = build_out_dir(tmp_path / "out")
    hunks = json.loads((out / "doc1" / "diff.json").read_text(encoding="utf-8"))["hunks"]
    first, second, third = [h for h in hunks if not h["agreed"]][:3]
    port = _free_port()
    server = subprocess.Popen(_arkhiv("review", str(out), "--port", str(port)), cwd=Path(__file__).parent.parent)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/", server)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/")
            page.click("text=doc1")
            page.wait_for_selector("section.hunk.current")

            # Mouse: accept the transcription of the first hunk.
            page.click(f"#h-{first['id']} button[data-choice=transcript]")
            page.wait_for_selector(f"#h-{first['id']}.decided")
            # Keyboard: the app moved on to the next undecided hunk; accept its suggestion
            # (or the OCR when it has none).
            assert page.get_attribute(f"#h-{second['id']}", "class").split().count("current") == 1
            page.keyboard.press("a" if second["suggestion"] else "o")
            page.wait_for_selector(f"#h-{second['id']}.decided")
            # Type a correction for the third.
            page.keyboard.press("e")
            page.keyboard.press("Control+A")
            page.keyboard.type("мнение!")
            page.keyboard.press("Enter")
            page.wait_for_selector(f"#h-{third['id']}.decided")

            page.reload()
            page.wait_for_selector("section.hunk")
            for hunk in (first, second, third):
                assert "decided" in page.get_attribute(f"#h-{hunk['id']}", "class").split()
            assert page.input_value(f"#h-{third['id']} input.manual") == "мнение!"
            assert page.text_content("#count").startswith("3 /")
            shot = tmp_path / "review.png"
            page.screenshot(path=str(shot), full_page=True)
            shutil.copy(shot, "/tmp/review.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    decisions = json.loads((out / "doc1" / "decisions.json").read_text(encoding="utf-8"))["decisions"]
    assert decisions[first["id"]]["choice"] == "transcript"
    assert decisions[third["id"]] == {**decisions[third["id"]], "choice": "manual", "text": "мнение!"}
    done = subprocess.run(
        _arkhiv("regenerate", str(out)), cwd=Path(__file__).parent.parent, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    transcript = (out / "doc1" / "transcript.txt").read_text(encoding="utf-8")
    second_text = (
        second["transcript"]
        if second["suggestion"] == "transcript"
        else (second["corrected"] if second["suggestion"] == "corrected" else second["ocr"])
    )
    for expected in (first["transcript"], second_text, "мнение!"):
        assert expected in transcript
