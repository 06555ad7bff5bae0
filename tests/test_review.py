"""The review server over HTTP: pages, decisions saved at once, refused paths and ids."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.align import AlignSettings, diff_document
from pipeline.review import make_server

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
LINES = ["Прощу Вас срочио сообщить", "Ваше мненне по вопросу. Кнм Ир Сен"]
TRANSCRIPT = "Прошу Вас срочно сообщить\nВаше мнение по вопросу. <script>Ким</script> Ир Сен"


def build_out_dir(root: Path) -> Path:
    """A one-page document as `arkhiv run` leaves it (no OCR: words placed where we drew them)."""
    doc = root / "doc1"
    (doc / "pages").mkdir(parents=True)
    image = Image.new("L", (1200, 260), 245)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 36)
    words = []
    for line_no, line in enumerate(LINES, start=1):
        x, y = 40, 40 + (line_no - 1) * 90
        for token in line.split(" "):
            left, top, right, bottom = draw.textbbox((x, y), token, font=font)
            draw.text((x, y), token, font=font, fill=20)
            words.append(
                {
                    "page": 1,
                    "line": line_no,
                    "text": token,
                    "conf": 80.0,
                    "box": {"left": left, "top": top, "width": right - left, "height": bottom - top},
                    "block": 1,
                    "par": 1,
                    "noise": "",
                }
            )
            x = right + 22
    image.save(doc / "pages" / "0001.png")
    ocr = "\n".join(LINES)
    diff = diff_document(ocr, TRANSCRIPT, ocr=ocr, words=words, corrections=[], settings=AlignSettings())
    (doc / "ocr.txt").write_text(ocr, encoding="utf-8")
    (doc / "corrected.txt").write_text(ocr, encoding="utf-8")
    (doc / "words.json").write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    (doc / "corrections.json").write_text("[]", encoding="utf-8")
    (doc / "diff.json").write_text(json.dumps(diff, ensure_ascii=False), encoding="utf-8")
    plain = root / "plain"  # no transcription: nothing to review
    plain.mkdir()
    (plain / "corrected.txt").write_text("Текст", encoding="utf-8")
    (root / "secret.txt").write_text("not for the browser", encoding="utf-8")
    return root


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    out = build_out_dir(tmp_path / "out")
    server = make_server(out, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", out
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _post(url: str, data: object) -> tuple[int, dict]:
    request = urllib.request.Request(url, json.dumps(data).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_pages_are_served_and_escaped(served: tuple[str, Path]) -> None:
    base, _ = served
    status, index = _get(base + "/")
    assert status == 200 and b"/doc/doc1" in index and b"/doc/plain" not in index
    status, page = _get(base + "/doc/doc1")
    assert status == 200 and b"&lt;script&gt;" in page and "<script>Ким".encode() not in page
    status, png = _get(base + "/doc/doc1/pages/0001.png")
    assert status == 200 and png.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/doc/nope", 404),
        ("/doc/plain", 404),
        ("/doc/..%2Fsecret.txt", 400),
        ("/doc/doc1/pages/..%2F..%2Fsecret.txt", 400),
        ("/doc/doc1/pages/diff.json", 404),
        ("/doc/doc1/../secret.txt", 400),
        ("/api/doc/%2E%2E/decide", 400),
    ],
)
def test_refuses_paths_outside_and_unknown_ids(served: tuple[str, Path], path: str, code: int) -> None:
    base, _ = served
    status, body = _get(base + path)
    assert status == code and b"not for the browser" not in body


def test_decision_saved_at_once(served: tuple[str, Path]) -> None:
    base, out = served
    diff = json.loads((out / "doc1" / "diff.json").read_text(encoding="utf-8"))
    hid = diff["hunks"][0]["id"]
    status, answer = _post(base + "/api/doc/doc1/decide", {"hunk": hid, "choice": "transcript"})
    assert status == 200 and answer["progress"]["decided"] == 1
    saved = json.loads((out / "doc1" / "decisions.json").read_text(encoding="utf-8"))
    assert saved["decisions"][hid]["choice"] == "transcript"
    assert not [p for p in (out / "doc1").iterdir() if p.name.endswith(".tmp")]
    assert _post(base + "/api/doc/doc1/decide", {"hunk": "nope", "choice": "ocr"})[0] == 404
    assert _post(base + "/api/doc/doc1/decide", {"hunk": hid, "choice": "banana"})[0] == 400
    assert _post(base + "/api/doc/nope/decide", {"hunk": hid, "choice": "ocr"})[0] == 404
    status, state = _get(base + "/api/doc/doc1")
    assert status == 200 and hid in json.loads(state)["decisions"]
