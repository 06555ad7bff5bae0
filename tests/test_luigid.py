"""Worker processes sharing one real luigid: every page processed exactly once, failures kept."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import save_image

pytestmark = [pytest.mark.integration, pytest.mark.slow]

LINES = [["Совершенно секретно", "Товарищу ФИЛИППОВУ"], ["Передано по радио", "Москва, Кремль"]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"luigid did not listen on {port}")


@pytest.fixture
def luigid(tmp_path: Path):
    port = free_port()
    luigid_bin = Path(sys.executable).with_name("luigid")
    server = subprocess.Popen(
        [
            str(luigid_bin),
            "--address",
            "127.0.0.1",
            "--port",
            str(port),
            "--logdir",
            str(tmp_path),
            "--state-path",
            str(tmp_path / "luigi-state.pickle"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def start_worker(scans: Path, out: Path, port: int, log: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pipeline.cli", "run", str(scans), "--out", str(out)]
    command += ["--scheduler-host", "127.0.0.1", "--scheduler-port", str(port), "--log-file", str(log)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_workers_on_luigid_process_each_page_once(
    scans_dir: Path, out_dir: Path, tmp_path: Path, luigid: int, typed_page
) -> None:
    for doc in range(4):
        for page in range(2):
            save_image(scans_dir / f"doc{doc}" / f"p{page + 1}.png", typed_page(LINES[page], seed=40 + 2 * doc + page))
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = [start_worker(scans_dir, out_dir, luigid, log) for log in logs]
    codes = [w.wait(timeout=600) for w in workers]
    assert codes == [0, 0], [w.stderr.read() for w in workers]
    ocr_runs = Counter()
    for log in logs:
        ocr_runs.update(re.findall(r"pipeline\.tasks: (doc\d p\d+): \d+ words", log.read_text(encoding="utf-8")))
    assert sorted(ocr_runs) == [f"doc{d} p{p}" for d in range(4) for p in (1, 2)]
    assert set(ocr_runs.values()) == {1}, ocr_runs
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"done": 4, "failed": 0, "incomplete": 0}


def truncated_png(image: np.ndarray) -> bytes:
    """A PNG whose header is whole (so planning accepts it) but whose pixels stop halfway."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()[: len(buffer.getvalue()) // 2]


def summary_counts(out_dir: Path) -> tuple[dict[str, int], dict[str, str]]:
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    return summary["counts"], {d["doc_id"]: d["status"] for d in summary["documents"]}


def test_late_worker_reports_the_failure_and_a_fixed_file_is_retried(
    scans_dir: Path, out_dir: Path, tmp_path: Path, luigid: int, typed_page
) -> None:
    for doc in range(3):
        save_image(scans_dir / f"good{doc}.png", typed_page(LINES[doc % 2], seed=60 + doc))
    bad = scans_dir / "bad.png"
    bad.write_bytes(truncated_png(typed_page(LINES[0], seed=70)))
    first = start_worker(scans_dir, out_dir, luigid, tmp_path / "first.log")
    deadline = time.monotonic() + 300
    while not (out_dir / "bad" / "error.json").exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (out_dir / "bad" / "error.json").exists(), first.communicate()
    # Started after the failure: luigid has the failed task disabled and does not hand it out again.
    second = start_worker(scans_dir, out_dir, luigid, tmp_path / "second.log")
    reports = {}
    pending = {"first": first, "second": second}
    while pending:
        for name, worker in list(pending.items()):
            if worker.poll() is not None:
                # Both write the same summary.json: read each one as its worker finishes.
                reports[name] = (worker.returncode, *worker.communicate(), summary_counts(out_dir))
                del pending[name]
        assert time.monotonic() < deadline + 300, "workers did not finish"
        time.sleep(0.05)
    expected_counts = {"done": 3, "failed": 1, "incomplete": 0}
    for name, (code, stdout, stderr, (counts, statuses)) in reports.items():
        assert code == 1, (name, stderr)
        assert counts == expected_counts, (name, counts, stderr)
        assert statuses["bad"] == "failed"
        assert "3 done, 1 failed, 0 incomplete" in stdout
        assert any(line.startswith("error:") and "bad.png" in line for line in stderr.splitlines()), (name, stderr)
    attempts = sum(
        len(re.findall(r"ERROR pipeline\.tasks: .*bad\.png", (tmp_path / f"{name}.log").read_text(encoding="utf-8")))
        for name in ("first", "second")
    )
    assert attempts == 1, "the bad page was tried more than once"

    # Fix the file: new contents give new task ids, which luigid has not disabled.
    save_image(bad, typed_page(LINES[0], seed=70))
    os.utime(bad, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    fixed = start_worker(scans_dir, out_dir, luigid, tmp_path / "fixed.log")
    stdout, stderr = fixed.communicate(timeout=300)
    assert fixed.returncode == 0, stderr
    assert summary_counts(out_dir)[0] == {"done": 4, "failed": 0, "incomplete": 0}
    assert not (out_dir / "bad" / "error.json").exists()
    assert "good0 p1" not in (tmp_path / "fixed.log").read_text(encoding="utf-8"), "finished work was redone"
