"""diff.html and index.html: escaping, crops, sorting data, self-containment."""

from __future__ import annotations

import math
import re

from pipeline.align import AlignSettings, diff_document
from pipeline.report import crop_style, render_diff_html, render_index_html

CORRECTED = "Прошу Вас срочио"
TRANSCRIPT = "Прощу <script>alert('x')</script> Вас срочно"
WORDS = [
    {
        "page": 1,
        "line": 1,
        "text": "Прошу",
        "conf": 90.0,
        "box": {"left": 100, "top": 200, "width": 150, "height": 40},
        "noise": "",
    },
]


def _diff() -> dict:
    return diff_document(CORRECTED, TRANSCRIPT, ocr=CORRECTED, words=WORDS, corrections=[], settings=AlignSettings())


def test_transcription_markup_renders_as_text() -> None:
    html = render_diff_html(_diff(), "doc<&>", {1: "pages/0001.png"}, CORRECTED, TRANSCRIPT)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "doc&lt;&amp;&gt;" in html


def test_self_contained_and_highlighted() -> None:
    html = render_diff_html(_diff(), "d", {1: "data:image/png;base64,iVBORw0KGgo="}, CORRECTED, TRANSCRIPT)
    assert not re.search(r"(src|href)=\"https?://", html) and "<link" not in html
    assert "<mark>щ</mark>" in html and "<mark>ш</mark>" in html
    assert html.count("iVBORw0KGgo=") == 1  # the page image once, shared by every crop
    assert 'class="crop-in pg-1"' in html


def test_hostile_image_reference_is_quoted() -> None:
    html = render_diff_html(_diff(), "d", {1: 'pages/")}</style><script>x()</script>.png'}, CORRECTED, TRANSCRIPT)
    assert "<script>x()" not in html and "</style><script>" not in html
    assert 'url("pages/%22%29%7D%3C/style%3E%3Cscript%3Ex%28%29%3C/script%3E.png")' in html


def test_crop_geometry() -> None:
    crop = crop_style([100, 200, 150, 40])
    assert crop is not None and "background-position:-20px -176px" in crop["inner"]
    wide = crop_style([0, 0, 2000, 40])
    assert wide is not None and "scale(0.2" in wide["inner"]
    assert crop_style(None) is None


def test_index_links_and_sort_keys() -> None:
    summary = {
        "documents": [
            {"doc_id": "a&b", "status": "done", "pages": 2, "cer": 0.25, "wer": 0.5, "timings": {"ocr": 3.0}},
            {"doc_id": "z", "status": "done", "pages": 1, "cer": math.inf, "wer": math.inf, "timings": {}},
            {"doc_id": "<b>", "status": "failed", "error": {"error": "x.png: not an image"}, "pages": 0},
        ]
    }
    html = render_index_html(summary)
    assert 'href="a%26b/diff.html"' in html and "&lt;b&gt;" in html and "<b>" not in html
    assert 'data-sort="0.25"' in html and 'data-sort="1e309"' in html and "∞" in html
    assert "x.png: not an image" in html
    assert 'href="%3Cb%3E/diff.html"' not in html  # failed document: no report link
