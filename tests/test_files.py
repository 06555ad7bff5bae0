"""Atomic writes and guarded page reading."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline import files
from pipeline.errors import ImageTooLarge, UnreadableImage
from tests.test_bad_inputs import png_header


def test_write_text_atomic_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.txt"
    files.write_text_atomic(target, "old")
    files.write_text_atomic(target, "новый текст")
    assert target.read_text(encoding="utf-8") == "новый текст"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_failed_write_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    files.write_json_atomic(target, {"a": 1})
    with pytest.raises(TypeError):
        files.write_json_atomic(target, {"a": object()})
    assert files.read_json(target) == {"a": 1}
    assert len(list(tmp_path.iterdir())) == 1


def dead_pid() -> int:
    """The pid of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_remove_stale_temporaries_of_dead_writers_only(tmp_path: Path) -> None:
    """A run killed on this machine leaves temporaries to remove; a worker still running beside
    the starting one (a shared output folder) is writing its own, which must stay."""
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "words.json").write_text("[]")
    host = files._owner().rpartition("-")[0]
    killed = folder / f".words.json.{host}-{dead_pid()}.abc123.tmp"
    live = folder / f".ocr-0001.json.{files._owner()}.def456.tmp"
    other_machine = folder / ".0001.png.otherhost-12.ghi789.tmp.png"
    old_other_machine = folder / ".0002.png.otherhost-12.jkl012.tmp.png"
    for path in (killed, live, other_machine, old_other_machine):
        path.write_text("half")
    an_hour_ago = time.time() - files.FOREIGN_TEMPORARY_AGE_S - 60
    os.utime(old_other_machine, (an_hour_ago, an_hour_ago))
    assert files.remove_stale_temporaries(tmp_path) == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted(["words.json", live.name, other_machine.name])


def test_atomic_write_names_its_writer(tmp_path: Path) -> None:
    seen: list[str] = []
    original = os.replace

    def spy(src: str, dst: object) -> None:
        seen.append(Path(src).name)
        original(src, dst)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "replace", spy)
        files.write_json_atomic(tmp_path / "x.json", {"a": 1})
    (name,) = seen
    assert name.startswith(f".x.json.{files._owner()}.") and name.endswith(".tmp")


def test_read_gray_and_rgb_pages(tmp_path: Path) -> None:
    gray = np.full((40, 60), 200, np.uint8)
    Image.fromarray(gray).save(tmp_path / "g.png")
    rgb = np.zeros((40, 60, 3), np.uint8)
    rgb[..., 0] = 255
    Image.fromarray(rgb).save(tmp_path / "c.jpg")
    assert files.read_page(tmp_path / "g.png", 1).shape == (40, 60)
    page = files.read_page(tmp_path / "c.jpg", 1)
    assert page.shape == (40, 60, 3) and page[0, 0, 0] > 200  # RGB order, red first


def test_multipage_tiff_and_pdf(tmp_path: Path) -> None:
    frames = [Image.fromarray(np.full((50, 40), v, np.uint8)) for v in (10, 120, 240)]
    frames[0].save(tmp_path / "m.tif", save_all=True, append_images=frames[1:])
    assert files.count_pages(tmp_path / "m.tif") == 3
    assert files.read_page(tmp_path / "m.tif", 2)[0, 0] == 120
    rgb = [f.convert("RGB") for f in frames[:2]]
    rgb[0].save(tmp_path / "m.pdf", save_all=True, append_images=rgb[1:], resolution=72)
    assert files.count_pages(tmp_path / "m.pdf") == 2
    assert files.read_page(tmp_path / "m.pdf", 2).ndim == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.png", b"", "empty file (0 bytes)"),
        ("text.png", "просто текст\n".encode(), "not a PNG, JPEG, TIFF or PDF file"),
        ("fake.pdf", b"%PDF-1.4 nothing else", "not a valid PDF"),
        ("words.pdf", b"hello, not a pdf", "not a valid PDF"),
    ],
)
def test_bad_files_give_one_line_naming_the_file(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableImage) as info:
        files.count_pages(path)
    text = str(info.value)
    assert text.startswith(str(path)) and message in text and "\n" not in text


def test_truncated_png_fails_when_decoded(tmp_path: Path) -> None:
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), np.uint8)).save(tmp_path / "t.png")
    data = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableImage, match="damaged image data"):
        files.read_page(tmp_path / "t.png", 1)


def test_decompression_bomb_is_refused_from_the_header(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(50_000, 50_000))
    with pytest.raises(ImageTooLarge, match="50000x50000"):
        files.count_pages(path)


def test_one_pixel_image_is_refused(tmp_path: Path) -> None:
    Image.fromarray(np.zeros((1, 1), np.uint8)).save(tmp_path / "dot.png")
    with pytest.raises(UnreadableImage, match="too small"):
        files.count_pages(tmp_path / "dot.png")


def test_atomic_outputs_get_the_mode_of_any_new_file(tmp_path: Path) -> None:
    # mkstemp makes its files private; an output must be as readable as any file the user makes.
    files.write_text_atomic(tmp_path / "out.txt", "текст")
    (tmp_path / "plain.txt").write_text("текст", encoding="utf-8")
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == (tmp_path / "plain.txt").stat().st_mode & 0o777
