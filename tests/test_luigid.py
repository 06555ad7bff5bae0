"""Two worker processes share one real luigid: every page is processed exactly once."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

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


def test_two_workers_on_luigid_process_each_page_once(
    scans_dir: Path, out_dir: Path, tmp_path: Path, luigid: int, typed_page
) -> None:
    for doc in range(4):
        for page in range(2):
            save_image(scans_dir / f"doc{doc}" / f"p{page + 1}.png", typed_page(LINES[page], seed=40 + 2 * doc + page))
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.cli",
                "run",
                str(scans_dir),
                "--out",
                str(out_dir),
                "--scheduler-host",
                "127.0.0.1",
                "--scheduler-port",
                str(luigid),
                "--log-file",
                str(log),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for log in logs
    ]
    codes = [w.wait(timeout=600) for w in workers]
    assert codes == [0, 0], [w.stderr.read() for w in workers]
    ocr_runs = Counter()
    for log in logs:
        ocr_runs.update(re.findall(r"pipeline\.tasks: (doc\d p\d+): \d+ words", log.read_text(encoding="utf-8")))
    assert sorted(ocr_runs) == [f"doc{d} p{p}" for d in range(4) for p in (1, 2)]
    assert set(ocr_runs.values()) == {1}, ocr_runs
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"] == {"done": 4, "failed": 0, "incomplete": 0}
