"""``arkhiv review DIR``: a local web page to decide every hunk of every document in DIR.

A stdlib ``ThreadingHTTPServer`` (no extra dependency, nothing exposed beyond 127.0.0.1
by default). Each decision is written to ``<doc>/decisions.json`` as soon as it is made,
atomically (temporary file + rename), so a reload or a crash loses nothing. Only
documents found in DIR are served, by name; any other id or path is refused. The decision
logic (validation, progress) lives in the pure functions of ``regenerate.py``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pipeline import files, report
from pipeline.documents import document_dirs
from pipeline.regenerate import (
    apply_decision,
    empty_decisions,
    progress,
    reanchor_decisions,
)

log = logging.getLogger(__name__)

_PAGE_IMAGE = re.compile(r"\d{4}\.png")
_MAX_BODY = 1_000_000


class ReviewStore:
    """The documents of one output folder and their decisions (files are read on every request)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir.resolve()
        self._lock = threading.Lock()

    def documents(self) -> dict[str, Path]:
        """Reviewable documents: those with a ``diff.json``."""
        return {k: p for k, p in document_dirs(self.out_dir).items() if (p / "diff.json").is_file()}

    def doc_dir(self, doc_id: str) -> Path | None:
        """The folder of a known document, or None (unknown ids and odd names never touch the disk)."""
        path = self.documents().get(doc_id)
        if path is None or path.resolve().parent != self.out_dir:
            return None
        return path

    def load(self, doc_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
        """diff.json and the decisions re-anchored to it (a newer run may have changed hunk ids)."""
        diff = files.read_json(doc_dir / "diff.json")
        path = doc_dir / "decisions.json"
        decisions = files.read_json(path) if path.is_file() else empty_decisions(doc_dir.name)
        anchored, _ = reanchor_decisions(decisions, diff)
        anchored["doc_id"] = doc_dir.name
        return diff, anchored

    def decide(self, doc_dir: Path, hunk_id: str, choice: str | None, text: str | None) -> dict[str, Any]:
        """Record one decision at once; returns the new decisions.json content."""
        with self._lock:
            diff, decisions = self.load(doc_dir)
            updated = apply_decision(decisions, diff, hunk_id, choice, text)
            files.write_json_atomic(doc_dir / "decisions.json", updated)
        log.info("%s: hunk %s -> %s", doc_dir.name, hunk_id, choice or "undecided")
        return updated


def render_review_page(doc_id: str, diff: dict[str, Any], decisions: dict[str, Any], pages: list[int]) -> str:
    """The review page of one document (the hunks that need a decision, with their crops)."""
    quoted = urllib.parse.quote(doc_id, safe="")
    views = [v for v in report.hunk_views(diff) if not v["hunk"].get("agreed")]
    page_images = {n: f"/doc/{quoted}/pages/{n:04d}.png" for n in pages}
    state = {"doc_id": doc_id, "api": f"/api/doc/{quoted}/decide", "decisions": decisions["decisions"]}
    return (
        report.environment()
        .get_template("review.html.j2")
        .render(
            doc_id=doc_id,
            diff=diff,
            views=views,
            total=len(views),
            agreed=sum(1 for h in diff.get("hunks", []) if h.get("agreed")),
            page_styles=report.page_styles(page_images),
            pages_known=set(pages),
            state=state,
        )
    )


def _pages(doc_dir: Path) -> list[int]:
    folder = doc_dir / "pages"
    if not folder.is_dir():
        return []
    return sorted(int(p.stem) for p in folder.iterdir() if _PAGE_IMAGE.fullmatch(p.name))


class _Handler(BaseHTTPRequestHandler):
    store: ReviewStore
    server_version = "ArkhivReview"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _html(self, text: str) -> None:
        self._send(HTTPStatus.OK, text.encode("utf-8"), "text/html; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": message})

    def _route(self) -> tuple[list[str], Path | None] | None:
        """Path segments and the document folder; answers 400/404 itself and returns None."""
        raw = urllib.parse.urlsplit(self.path).path
        segments = [urllib.parse.unquote(s) for s in raw.split("/") if s]
        if any(s in (".", "..") or "/" in s or "\\" in s or "\x00" in s for s in segments):
            self._error(HTTPStatus.BAD_REQUEST, "bad path")
            return None
        doc_dir = None
        doc_at = 2 if segments[:2] == ["api", "doc"] else (1 if segments[:1] == ["doc"] else -1)
        if doc_at >= 0:
            if len(segments) <= doc_at:
                self._error(HTTPStatus.NOT_FOUND, "no document given")
                return None
            doc_dir = self.store.doc_dir(segments[doc_at])
            if doc_dir is None:
                self._error(HTTPStatus.NOT_FOUND, f"no document {segments[doc_at]!r} in this folder")
                return None
        return segments, doc_dir

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        routed = self._route()
        if routed is None:
            return
        seg, doc_dir = routed
        if not seg:
            self._html(self._index())
        elif seg[0] == "doc" and doc_dir is not None and len(seg) == 2:
            diff, decisions = self.store.load(doc_dir)
            self._html(render_review_page(doc_dir.name, diff, decisions, _pages(doc_dir)))
        elif seg[0] == "doc" and doc_dir is not None and len(seg) == 4 and seg[2] == "pages":
            image = doc_dir / "pages" / seg[3]
            if not _PAGE_IMAGE.fullmatch(seg[3]) or not image.is_file():
                self._error(HTTPStatus.NOT_FOUND, "no such page image")
                return
            self._send(HTTPStatus.OK, image.read_bytes(), "image/png")
        elif seg[:2] == ["api", "doc"] and doc_dir is not None and len(seg) == 3:
            diff, decisions = self.store.load(doc_dir)
            self._json(HTTPStatus.OK, {"decisions": decisions["decisions"], "progress": progress(diff, decisions)})
        else:
            self._error(HTTPStatus.NOT_FOUND, "not found")

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        routed = self._route()
        if routed is None:
            return
        seg, doc_dir = routed
        if not (seg[:2] == ["api", "doc"] and doc_dir is not None and seg[3:] == ["decide"] and len(seg) == 4):
            self._error(HTTPStatus.NOT_FOUND, "not found")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 < length <= _MAX_BODY:
            self._error(HTTPStatus.BAD_REQUEST, "request body missing or too large")
            return
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            hunk_id, choice, text = body["hunk"], body.get("choice"), body.get("text")
            if not isinstance(hunk_id, str) or (text is not None and not isinstance(text, str)):
                raise ValueError("hunk and text must be strings")
            updated = self.store.decide(doc_dir, hunk_id, choice or None, text)
        except KeyError as e:
            self._error(
                HTTPStatus.NOT_FOUND if e.args and e.args[0] == body.get("hunk") else HTTPStatus.BAD_REQUEST,
                f"unknown hunk or missing field: {e}",
            )
            return
        except (ValueError, UnicodeDecodeError, TypeError, AttributeError) as e:
            self._error(HTTPStatus.BAD_REQUEST, str(e))
            return
        diff = files.read_json(doc_dir / "diff.json")
        self._json(HTTPStatus.OK, {"decisions": updated["decisions"], "progress": progress(diff, updated)})

    def _index(self) -> str:
        docs = []
        for doc_id, doc_dir in self.store.documents().items():
            diff, decisions = self.store.load(doc_dir)
            docs.append(
                {
                    "doc_id": doc_id,
                    "href": "/doc/" + urllib.parse.quote(doc_id, safe=""),
                    "cer": diff.get("cer"),
                    "progress": progress(diff, decisions),
                }
            )
        return (
            report.environment().get_template("review_index.html.j2").render(docs=docs, out_dir=str(self.store.out_dir))
        )


def make_server(out_dir: Path, port: int = 8765, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """The review server, bound but not yet serving (port 0 picks a free port)."""
    handler = type("ReviewHandler", (_Handler,), {"store": ReviewStore(out_dir)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve_review(out_dir: Path, port: int = 8765, host: str = "127.0.0.1") -> None:
    """Serve the review app over every ``<doc>/diff.json`` in ``out_dir`` until interrupted."""
    server = make_server(out_dir, port, host)
    log.info("review %s at http://%s:%d/ (Ctrl-C to stop)", out_dir, host, server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log.info("review stopped")
    finally:
        server.server_close()
