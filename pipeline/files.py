"""File I/O at the edges of the pipeline: atomic writes and guarded reading of page images.

Stage modules never touch files; this module does, so that every output is written
atomically (temporary file in the same folder, fsync, rename) and every unreadable input
becomes a one-line ``DocumentError`` naming the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.errors import ImageTooLarge, UnreadableImage

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
PDF_SUFFIXES = {".pdf"}
DOCUMENT_SUFFIXES = IMAGE_SUFFIXES | PDF_SUFFIXES
MAX_PIXELS = 120_000_000  # a 600 dpi A3 page is ~70 MP; anything far bigger is a mistake or a bomb
PDF_DPI = 300


def _new_file_mode() -> int:
    """The mode ``open`` gives a new file under this process's umask (read once, at import)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


NEW_FILE_MODE = _new_file_mode()

# We check sizes ourselves, from the header, before decoding.
Image.MAX_IMAGE_PIXELS = None


@contextlib.contextmanager
def _atomic_path(path: Path, suffix: str = ".tmp", durable: bool = True) -> Iterator[str]:
    """A temporary file beside ``path`` to write, renamed over ``path`` once written.

    ``path`` is only ever absent, the old file, or the whole new file. ``durable`` flushes the
    file to disk before the rename; without it a killed process still leaves no half file,
    only a power cut could.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_owner()}.", suffix=suffix, dir=path.parent)
    # mkstemp makes the file private (0600); the output gets the mode any new file would.
    os.fchmod(fd, NEW_FILE_MODE)
    os.close(fd)
    try:
        yield tmp
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so that ``path`` is either absent, the old file, or the whole new file."""
    with _atomic_path(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json_atomic(path: Path, data: Any) -> None:
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def write_compact_json_atomic(path: Path, data: Any) -> None:
    """JSON on one line: C-encoded, several times faster than the indented form for word lists."""
    write_text_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


def write_json_lines_atomic(path: Path, items: list[Any]) -> None:
    """A JSON list with one item a line (``words.json``): still easy to read and to diff."""
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    write_text_atomic(path, f"[\n{lines}\n]\n" if items else "[]\n")


# Stored, not deflated: 11 ms instead of 100 ms for an A4 page at 300 dpi (about a twentieth of its
# Tesseract time; Tesseract reads either as fast), at 2.7 times the disk space.
UNCOMPRESSED_PNG = [cv2.IMWRITE_PNG_COMPRESSION, 0, cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]


def write_png_atomic(path: Path, image: np.ndarray, compress: bool = True, durable: bool = True) -> int:
    """Write a PNG atomically (OpenCV writes the temporary file itself, half the time of
    encoding to memory first); returns its size in bytes.

    ``durable=False`` skips the flush to disk: for a large intermediate whose size its marker
    records, so that a file a power cut left short is seen and made again.
    """
    with _atomic_path(path, ".tmp.png", durable) as tmp:
        if not cv2.imwrite(tmp, image, [] if compress else UNCOMPRESSED_PNG):
            raise OSError(f"{path}: could not encode PNG")
        size = os.path.getsize(tmp)
    return size


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def image_shape(path: Path) -> tuple[int, int]:
    """(height, width) of an image file, from its header."""
    with Image.open(path) as image:
        return image.height, image.width


TEMPORARY_PATTERNS = (".*.tmp", ".*.tmp.png")
# A temporary file of another machine (or of a name without its writer) is taken for a killed
# run's only once it is this old: no write of the pipeline takes anywhere near as long.
FOREIGN_TEMPORARY_AGE_S = 3600.0


def _owner() -> str:
    """``host-pid`` of the writing process, put in each temporary file's name, so that a run
    starting beside others on a shared output folder removes only the leftovers of dead ones."""
    return f"{socket.gethostname().replace('.', '_').replace('-', '_')}-{os.getpid()}"


def _writer_alive(tmp: Path, now: float) -> bool:
    """Whether the process that is writing ``tmp`` may still be at it."""
    parts = tmp.name.removesuffix(".png").removesuffix(".tmp").rsplit(".", 2)  # name, owner, random
    host, _, pid = parts[-2].rpartition("-") if len(parts) == 3 else ("", "", "")
    if host == _owner().rpartition("-")[0] and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # another user's live process
        return True
    try:
        return now - tmp.stat().st_mtime < FOREIGN_TEMPORARY_AGE_S
    except FileNotFoundError:
        return True  # renamed into place meanwhile: nothing to remove


def remove_stale_temporaries(folder: Path) -> int:
    """Delete the temporary files (``.*.tmp``, ``.*.tmp.png``) a killed run left behind; returns how many.

    Several workers may share ``folder`` (``--scheduler-host``): a temporary file of a live
    process on this machine is another worker's write in progress and stays, as does a recent
    one of another machine.
    """
    removed = 0
    now = time.time()
    if folder.is_dir():
        for pattern in TEMPORARY_PATTERNS:
            for tmp in folder.rglob(pattern):
                if _writer_alive(tmp, now):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
                    removed += 1
    return removed


# --- reading pages ---------------------------------------------------------------------------


def _check_nonempty(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as e:
        raise UnreadableImage(path, f"cannot read file ({e.strerror})") from e
    if size == 0:
        raise UnreadableImage(path, "empty file (0 bytes)")


def _check_pixels(path: Path, width: int, height: int, page: int, max_pixels: int) -> None:
    if width < 8 or height < 8:
        raise UnreadableImage(path, f"page {page} is {width}x{height} px, too small to hold text")
    if width * height > max_pixels:
        raise ImageTooLarge(path, f"page {page} is {width}x{height} px, over the limit of {max_pixels // 1_000_000} MP")


def _open_pdf(path: Path) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        text = str(e).lower()
        if "password" in text:
            raise UnreadableImage(path, "encrypted PDF (needs a password)") from e
        raise UnreadableImage(path, f"not a valid PDF ({e})") from e


def _open_image(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Image.open(path)
    except UnidentifiedImageError as e:
        raise UnreadableImage(path, "not a PNG, JPEG, TIFF or PDF file") from e
    except OSError as e:
        raise UnreadableImage(path, f"cannot open image ({e})") from e


def count_pages(path: Path, max_pixels: int = MAX_PIXELS) -> int:
    """Number of pages in a document file, from headers only (cheap; nothing is decoded)."""
    _check_nonempty(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        pdf = _open_pdf(path)
        try:
            count = len(pdf)
            for index in range(count):
                width, height = pdf.get_page_size(index)
                _check_pixels(path, int(width / 72 * PDF_DPI), int(height / 72 * PDF_DPI), index + 1, max_pixels)
        finally:
            pdf.close()
    else:
        with _open_image(path) as image:
            count = getattr(image, "n_frames", 1)
            _check_pixels(path, image.width, image.height, 1, max_pixels)
    if count < 1:
        raise UnreadableImage(path, "document has no pages")
    return count


def _to_array(frame: Image.Image) -> np.ndarray:
    if frame.mode == "L":
        return np.asarray(frame)  # already 8-bit gray: no converted copy
    if frame.mode in ("1", "I;16", "I", "F"):
        gray = frame.convert("L")
        return np.asarray(gray)
    return np.asarray(frame.convert("RGB"))


def read_page(path: Path, page: int, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Decode page ``page`` (1-based) of an image or PDF file as uint8 gray or RGB."""
    _check_nonempty(path)
    if path.suffix.lower() in PDF_SUFFIXES:
        return _read_pdf_page(path, page, max_pixels)
    with _open_image(path) as image:
        frames: Iterator[Image.Image] = ImageSequence.Iterator(image)
        for index, frame in enumerate(frames, start=1):
            if index != page:
                continue
            _check_pixels(path, frame.width, frame.height, page, max_pixels)
            try:
                frame.load()
                return _to_array(frame)
            except (OSError, ValueError, SyntaxError) as e:
                raise UnreadableImage(path, f"page {page}: damaged image data ({e})") from e
    raise UnreadableImage(path, f"has no page {page}")


def _read_pdf_page(path: Path, page: int, max_pixels: int) -> np.ndarray:
    pdf = _open_pdf(path)
    try:
        if not 1 <= page <= len(pdf):
            raise UnreadableImage(path, f"has no page {page}")
        pdf_page = pdf[page - 1]
        width, height = pdf_page.get_size()
        _check_pixels(path, int(width / 72 * PDF_DPI), int(height / 72 * PDF_DPI), page, max_pixels)
        bitmap = pdf_page.render(scale=PDF_DPI / 72, grayscale=False)
        return np.array(bitmap.to_pil().convert("RGB"))
    except UnreadableImage:
        raise
    except Exception as e:  # pdfium raises its own errors for damaged page streams
        raise UnreadableImage(path, f"page {page}: cannot render ({e})") from e
    finally:
        pdf.close()
