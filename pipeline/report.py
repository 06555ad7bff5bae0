"""HTML reports: ``diff.html`` per document and the batch's ``index.html``.

Jinja2 templates with autoescaping, so every text from OCR or an archive renders as text.
The pages are self-contained (inline CSS and JS, no network). Scan crops are done in CSS:
each page image is referenced once, as a CSS class holding it as ``background-image``
(a ``data:`` URI or a relative path such as ``pages/0001.png``, as the caller chooses),
and each hunk shows a box of that background shifted to the word's position and scaled
down to fit. Relative paths keep diff.html small; data URIs make it a single file.
"""

from __future__ import annotations

import json
import math
import re
import urllib.parse
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from rapidfuzz.distance import Levenshtein

TEMPLATES = Path(__file__).parent / "templates"
CROP_MARGIN_X = 80
CROP_MARGIN_Y = 24
CROP_MAX_WIDTH = 520
_DATA_URI = re.compile(r"data:image/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment (autoescape on for every template)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
    )
    env.filters["rate"] = format_rate
    env.filters["tojson_script"] = json_for_script
    return env


def format_rate(value: Any) -> str:
    """A CER/WER for display: 4 decimals, '∞' for an empty reference, '–' when unknown."""
    if value is None or isinstance(value, jinja2.Undefined):
        return "–"
    value = float(value)
    if math.isinf(value):
        return "∞"
    return f"{value:.4f}"


def json_for_script(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` break-out)."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=_json_default)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _json_default(value: Any) -> Any:
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def css_url(ref: str) -> str:
    """A page image reference made safe for ``url("...")`` in a style block."""
    if ref.startswith("data:"):
        if not _DATA_URI.fullmatch(ref):
            raise ValueError("page image data URI must be base64 image data")
        return re.sub(r"\s+", "", ref)
    return urllib.parse.quote(ref, safe="/._-~")


def page_styles(page_images: dict[int, str]) -> Markup:
    """One CSS class per page image, so each image appears once however many crops use it."""
    rules = [f'.pg-{int(n)}{{background-image:url("{css_url(ref)}")}}' for n, ref in sorted(page_images.items())]
    return Markup("\n".join(rules))


def crop_style(box: list[int] | None, max_width: int = CROP_MAX_WIDTH) -> dict[str, Any] | None:
    """Geometry of a hunk's crop: the words' box plus a margin, scaled to ``max_width``."""
    if not box:
        return None
    left, top, width, height = (int(v) for v in box)
    x, y = max(0, left - CROP_MARGIN_X), max(0, top - CROP_MARGIN_Y)
    w, h = width + (left - x) + CROP_MARGIN_X, height + (top - y) + CROP_MARGIN_Y
    scale = min(1.0, max_width / max(w, 1))
    return {
        "outer": f"width:{w * scale:.0f}px;height:{h * scale:.0f}px",
        "inner": f"width:{w}px;height:{h}px;background-position:{-x}px {-y}px;transform:scale({scale:.4f})",
    }


def mark_changes(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts as (segment, changed) runs, from a character alignment of the two."""
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for op in Levenshtein.opcodes(a, b):
        changed = op.tag != "equal"
        if op.src_end > op.src_start:
            left.append((a[op.src_start : op.src_end], changed))
        if op.dest_end > op.dest_start:
            right.append((b[op.dest_start : op.dest_end], changed))
    return left, right


def _full_text(text: str, spans: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """The whole text cut into plain runs and hunk runs (each hunk run knows its id)."""
    out: list[dict[str, Any]] = []
    pos = 0
    for start, end, hid in sorted(spans):
        if start < pos:
            continue
        if start > pos:
            out.append({"text": text[pos:start], "hunk": None})
        out.append({"text": text[start:end], "hunk": hid})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "hunk": None})
    return out


def hunk_views(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """Per hunk, what the templates show: highlighted texts and crop geometry."""
    views = []
    for number, hunk in enumerate(diff.get("hunks", []), start=1):
        tr_marks, co_marks = mark_changes(hunk.get("transcript", ""), hunk.get("corrected", ""))
        ocr_marks, _ = mark_changes(hunk.get("ocr", ""), hunk.get("corrected", ""))
        views.append(
            {
                "n": number,
                "hunk": hunk,
                "transcript_marks": tr_marks,
                "corrected_marks": co_marks,
                "ocr_marks": ocr_marks,
                "crop": crop_style(hunk.get("box")),
            }
        )
    return views


def render_diff_html(
    diff: dict[str, Any],
    doc_id: str,
    page_images: dict[int, str],
    corrected: str | None = None,
    transcript: str | None = None,
) -> str:
    """``diff.html``: hunks with their scan crops, then (given the texts) both texts side by side."""
    full = None
    if corrected is not None and transcript is not None:
        hunks = diff.get("hunks", [])
        full = {
            "corrected": _full_text(corrected, [(*h["corrected_span"], h["id"]) for h in hunks]),
            "transcript": _full_text(
                transcript, [(*h["transcript_span"], h["id"]) for h in hunks if h.get("transcript_span")]
            ),
        }
    template = environment().get_template("diff.html.j2")
    return template.render(
        doc_id=doc_id,
        diff=diff,
        views=hunk_views(diff),
        page_styles=page_styles(page_images),
        pages_known=set(page_images),
        full=full,
    )


def _sort_value(value: Any) -> str:
    if value is None:
        return ""
    value = float(value)
    return "1e309" if math.isinf(value) else repr(value)


def render_index_html(summary: dict[str, Any]) -> str:
    """``index.html``: every document of the batch, sortable by CER, linking its diff.html."""
    rows = []
    for doc in summary.get("documents", []):
        timings = doc.get("timings") or {}
        total = sum(float(v) for v in timings.values() if isinstance(v, int | float))
        rows.append(
            {
                "doc": doc,
                "href": urllib.parse.quote(str(doc.get("doc_id", "")))
                + ("/diff.html" if doc.get("cer") is not None else "/corrected.txt"),
                "linked": doc.get("status") == "done",
                "cer_sort": _sort_value(doc.get("cer")),
                "wer_sort": _sort_value(doc.get("wer")),
                "seconds": total,
                "timings": ", ".join(f"{k} {float(v):.1f}s" for k, v in timings.items() if isinstance(v, int | float)),
            }
        )
    extra = {k: v for k, v in summary.items() if k != "documents" and isinstance(v, str | int | float)}
    return environment().get_template("index.html.j2").render(rows=rows, extra=extra)
