"""A batch of bad inputs beside good documents: one line each, exit 1, the good ones complete."""

from __future__ import annotations

import io
import json
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import save_image
from tests.test_tasks import TELEGRAM, arkhiv

pytestmark = pytest.mark.integration


def png_header(width: int, height: int) -> bytes:
    """A valid PNG header that claims a huge size (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def encrypted_pdf() -> bytes:
    """A one-page PDF protected by a password we don't know (Standard security handler, R2)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"00" * 32 + b"> /U <" + b"11" * 32 + b"> /P -4 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    file_id = b"<" + b"ab" * 16 + b">"
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>\n" % (len(objects) + 1, file_id, file_id)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def truncated(image: np.ndarray, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format=fmt)
    data = buffer.getvalue()
    return data[: len(data) // 2]


# file name -> (expected status, text expected in the error message or None)
EXPECTED = {
    "good": ("done", None),
    'Телеграмма "Пекин" 1951': ("done", None),
    "cp1251": ("done", None),
    "white": ("done", None),
    "noise": ("done", None),
    "zero": ("failed", "empty file (0 bytes)"),
    "text": ("failed", "not a PNG, JPEG, TIFF or PDF file"),
    "cut-png": ("failed", "damaged image data"),
    "cut-jpeg": ("failed", "damaged image data"),
    "notpdf": ("failed", "not a valid PDF"),
    "locked": ("failed", "encrypted PDF"),
    "bomb": ("failed", "over the limit"),
    "nopages": ("failed", "not a PNG, JPEG, TIFF or PDF file"),
    "garbage-transcript": ("failed", "transcript"),
    "escape": ("failed", "symlink points outside the scans folder"),
}


@pytest.fixture
def bad_batch(scans_dir: Path, typed_page, tmp_path: Path) -> Path:
    page = typed_page(TELEGRAM, seed=7)
    save_image(scans_dir / "good.png", page)
    save_image(scans_dir / 'Телеграмма "Пекин" 1951.png', typed_page(TELEGRAM[:2], seed=8))
    save_image(scans_dir / "cp1251.png", typed_page(TELEGRAM[1:], seed=9))
    (scans_dir / "cp1251.transcript.txt").write_bytes("\n".join(TELEGRAM[1:]).encode("cp1251"))
    save_image(scans_dir / "white.png", np.full((600, 500), 255, np.uint8))
    save_image(scans_dir / "noise.png", np.random.default_rng(0).integers(0, 256, (800, 700), dtype=np.uint8))
    (scans_dir / "zero.png").write_bytes(b"")
    (scans_dir / "text.png").write_text("Это текст, а не картинка.\n", encoding="utf-8")
    gray = page if page.ndim == 2 else page[..., 0]
    (scans_dir / "cut-png.png").write_bytes(truncated(gray, "PNG"))
    (scans_dir / "cut-jpeg.jpg").write_bytes(truncated(gray, "JPEG"))
    (scans_dir / "notpdf.pdf").write_text("%PDF? no, a note\n", encoding="utf-8")
    (scans_dir / "locked.pdf").write_bytes(encrypted_pdf())
    (scans_dir / "bomb.png").write_bytes(png_header(50_000, 50_000))
    (scans_dir / "nopages.tif").write_bytes(b"II*\x00\x00\x00\x00\x00")
    save_image(scans_dir / "garbage-transcript.png", typed_page(TELEGRAM[:1], seed=10))
    (scans_dir / "garbage-transcript.transcript.txt").write_bytes(bytes(range(256)) * 8)
    outside = save_image(tmp_path / "outside" / "secret.png", typed_page(TELEGRAM[:1], seed=11))
    (scans_dir / "escape.png").symlink_to(outside)
    return scans_dir


def test_every_bad_input_is_one_line_and_the_rest_completes(bad_batch: Path, out_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[ocr]\ntimeout_s = 120\n", encoding="utf-8")
    result = arkhiv("run", bad_batch, "--out", out_dir, "--config", config, check_code=1)
    assert "Traceback" not in result.stderr
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    docs = {d["doc_id"]: d for d in summary["documents"]}
    assert set(docs) == set(EXPECTED)
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    for doc_id, (status, message) in EXPECTED.items():
        assert docs[doc_id]["status"] == status, (doc_id, docs[doc_id])
        if message is None:
            assert (out_dir / doc_id / "corrected.txt").is_file()
            continue
        error = docs[doc_id]["error"]
        assert message in error["message"], (doc_id, error)
        assert "\n" not in error["message"]
        assert json.loads((out_dir / doc_id / "error.json").read_text(encoding="utf-8")) == error
        assert any(doc_id in line and message in line for line in error_lines), (doc_id, result.stderr)
    assert "Прошу" in (out_dir / "good" / "ocr.txt").read_text(encoding="utf-8")
    assert docs["white"]["notes"] == ["page 1 is blank"]
    assert docs["cp1251"]["cer"] is not None and docs["cp1251"]["cer"] < 0.2
    assert not list(out_dir.rglob("*.tmp"))
