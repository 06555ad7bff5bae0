"""A batch run: plan documents, run the Luigi DAG in chunks, follow progress, judge from disk."""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from pipeline import failures, files, tasks
from pipeline.discover import Document, discover
from pipeline.errors import DocumentError
from pipeline.settings import Settings, stage_fingerprints

log = logging.getLogger(__name__)

# Luigi's scheduler slows down badly with very many pending tasks; keep each build below this.
MAX_TASKS_PER_BUILD = 10_000


@dataclass
class BatchOptions:
    """How to run a batch (not what to compute: that is Settings)."""

    out_dir: Path
    config: str = ""
    workers: int = 1
    scheduler_host: str | None = None
    scheduler_port: int = 8082
    dry_run: bool = False
    progress: bool = True
    debug_images: bool = False


def input_stamp(paths: list[str], fingerprints: dict[str, str] | None = None) -> str:
    """Short hash of the files' sizes and modification times and of the settings.

    It goes into every task id (``tasks.DocumentTask.stamp``), so that a central scheduler
    that disabled a failed task sees a fixed file, or new settings, as new work.
    """
    digest = hashlib.blake2b(digest_size=6)
    for name in paths:
        try:
            stat = Path(name).stat()
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{name}\0missing\n".encode())
    for stage, fingerprint in sorted((fingerprints or {}).items()):
        digest.update(f"{stage}={fingerprint}\n".encode())
    return digest.hexdigest()


def plan_document(doc: Document, fingerprints: dict[str, str] | None = None) -> dict[str, Any]:
    """Turn a discovered document into task parameters; raises DocumentError if it can't be read."""
    if doc.problem:
        raise DocumentError(doc.source, doc.problem)
    pages: list[tuple[str, int]] = []
    sources = doc.pages or [None]
    for page_source in sources:
        path = page_source.path if page_source else doc.source
        count = files.count_pages(path)
        pages.extend((str(path), index) for index in range(1, count + 1))
    transcript = str(doc.transcript) if doc.transcript else ""
    inputs = sorted({name for name, _ in pages} | ({transcript} if transcript else set()))
    return {
        "doc_id": doc.doc_id,
        "source": str(doc.source),
        "pages": tuple(pages),
        "transcript": transcript,
        "stamp": input_stamp(inputs, fingerprints),
    }


def forget_stale_failure(doc_dir: Path, plan: dict[str, Any]) -> None:
    """Drop failure records no task of the new plan can clear: planning now works, the
    transcription is gone, or the document has fewer pages."""

    def obsolete(record: dict[str, Any]) -> bool:
        stage, page = record.get("stage"), record.get("page") or 0
        return stage == "discover" or (stage == "diff" and not plan["transcript"]) or page > len(plan["pages"])

    if failures.forget_failures(doc_dir, obsolete):
        log.info("%s: earlier failures no longer apply", plan["doc_id"])


def plan_batch(
    scans: Path, out_dir: Path, fingerprints: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Plans for every document; documents that fail planning get ``error.json`` at once.

    Other failures are left alone: only the task a failure record names removes it, when
    it succeeds, so a run that does not retry a failure (a late worker of ``luigid``, which
    keeps a failed task disabled) still reports it.
    """
    plans, failed = [], []
    for doc in discover(scans):
        doc_dir = out_dir / doc.doc_id
        try:
            plan = plan_document(doc, fingerprints)
        except DocumentError as e:
            failures.record_failure(doc_dir, "discover", e, str(doc.source))
            failed.append({"doc_id": doc.doc_id, "source": str(doc.source), "pages": (), "transcript": ""})
            continue
        forget_stale_failure(doc_dir, plan)
        plans.append(plan)
    return plans, failed


def tasks_per_document(plan: dict[str, Any]) -> int:
    return 2 * len(plan["pages"]) + (3 if plan["transcript"] else 2)


def chunks(plans: list[dict[str, Any]], limit: int = MAX_TASKS_PER_BUILD) -> Iterator[list[dict[str, Any]]]:
    """Split plans so that no single Luigi build holds more than ``limit`` tasks."""
    chunk: list[dict[str, Any]] = []
    size = 0
    for plan in plans:
        cost = tasks_per_document(plan)
        if chunk and size + cost > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(plan)
        size += cost
    if chunk:
        yield chunk


def final_tasks(plans: list[dict[str, Any]], options: BatchOptions) -> list[tasks.DocumentTask]:
    common = {"out_dir": str(options.out_dir), "config": options.config}
    return [tasks.final_task({**common, **plan}) for plan in plans]


def forget_preprocessing(plans: list[dict[str, Any]], options: BatchOptions) -> None:
    """Make preprocessing run again for its debug images; it is deterministic, so OCR is not redone."""
    common = {"out_dir": str(options.out_dir), "config": options.config}
    for plan in plans:
        for page in range(1, len(plan["pages"]) + 1):
            tasks.PreprocessPage(**common, **plan, page=page).marker_path().unlink(missing_ok=True)


def pending_pages(plans: list[dict[str, Any]], options: BatchOptions) -> list[Path]:
    """Markers of the OCR page tasks that still have to run (for the progress display)."""
    pending = []
    common = {"out_dir": str(options.out_dir), "config": options.config}
    for plan in plans:
        for page in range(1, len(plan["pages"]) + 1):
            task = tasks.OcrPage(**common, **plan, page=page)
            if not task.complete():
                pending.append(task.marker_path())
    return pending


class Progress:
    """Pages done/failed/remaining with rate and ETA, from markers on disk (works across processes).

    A failure is shown when it is written during this run (since ``since``); failures already
    on disk are shown at the end if they are still there, because this run may retry them
    (or, with ``luigid``, not: then they are still this batch's failures).
    """

    def __init__(
        self,
        pending: list[Path],
        plans: list[dict[str, Any]],
        out_dir: Path,
        enabled: bool,
        since: float | None = None,
    ) -> None:
        self.waiting = set(pending)  # markers not seen yet; each is checked until it appears
        self.done = 0
        self.error_files = [out_dir / p["doc_id"] / failures.ERROR_FILE for p in plans]
        self.started = time.time()
        self.since = (self.started if since is None else since) - 1  # file times may lag the clock
        self.seen_errors: set[Path] = set()
        self.bar = tqdm(total=len(pending), unit="page", disable=not enabled, dynamic_ncols=True)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Progress:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self._update(final=True)
        self.bar.close()

    def _loop(self) -> None:
        while not self.stop.wait(0.5):
            self._update()

    def _update(self, final: bool = False) -> None:
        appeared = {p for p in self.waiting if p.exists() and p.stat().st_mtime >= self.started - 1}
        self.waiting -= appeared
        self.done += len(appeared)
        for error_file in self.error_files:
            if error_file in self.seen_errors:
                continue
            try:
                written = error_file.stat().st_mtime
            except OSError:
                continue
            if written < self.since and not final:
                continue
            failure = failures.read_error_file(error_file.parent)
            if failure is None:
                continue
            self.seen_errors.add(error_file)
            message = failure.get("message", "")
            self.bar.write(f"error: {message}", file=sys.stderr)
            log.warning("%s", message)
        self.bar.set_postfix(failed_docs=len(self.seen_errors), refresh=False)
        self.bar.n = self.done
        self.bar.refresh()


def run_batch(scans: Path, settings: Settings, options: BatchOptions) -> dict[str, Any]:
    """Run every document of ``scans``; returns the summary written to ``summary.json``."""
    started = time.time()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    removed = files.remove_stale_temporaries(options.out_dir)
    if removed:
        log.info("removed %d temporary files left by an interrupted run", removed)
    plans, failed = plan_batch(scans, options.out_dir, stage_fingerprints(settings))
    log.info("%d documents, %d pages", len(plans), sum(len(p["pages"]) for p in plans))
    if options.dry_run:
        return dry_run_summary(plans, failed, options)
    if options.debug_images:
        forget_preprocessing(plans, options)
    with Progress(pending_pages(plans, options), plans + failed, options.out_dir, options.progress, since=started):
        for chunk in chunks(plans):
            final = final_tasks(chunk, options)
            if options.workers > 1 and not all(task.complete() for task in final):
                _preload(settings)
            tasks.build(
                final,
                workers=options.workers,
                scheduler_host=options.scheduler_host,
                scheduler_port=options.scheduler_port,
                debug_images=options.debug_images,
            )
            if options.scheduler_host:
                tasks.wait_for_other_workers(final, options.scheduler_host, options.scheduler_port)
    summary = build_summary_from_disk(scans, plans + failed, settings, options.out_dir)
    files.write_json_atomic(options.out_dir / "summary.json", summary)
    from pipeline import report

    files.write_text_atomic(options.out_dir / "index.html", report.render_index_html(summary))
    return summary


def build_summary_from_disk(
    scans: Path, plans: list[dict[str, Any]], settings: Settings, out_dir: Path
) -> dict[str, Any]:
    from pipeline.summary import build_summary

    return build_summary(out_dir, plans, stage_fingerprints(settings), str(scans))


def _preload(settings: Settings) -> None:
    # With several workers Luigi forks a process per task: load the dictionaries once in the
    # parent so that each child inherits them instead of loading again (0.7 s each). With one
    # worker the tasks run in this process, and the first OCR task has them loaded while it
    # waits for Tesseract (``correct.load_in_background``); a run with nothing left to do
    # never loads them.
    from pipeline.correct import Corrector

    Corrector.load(settings.correct)


def dry_run_summary(plans: list[dict[str, Any]], failed: list[dict[str, Any]], options: BatchOptions) -> dict[str, Any]:
    """Build the task graph without running anything; count tasks and what is already complete."""
    started = time.monotonic()
    total = complete = 0
    n_chunks = 0
    for chunk in chunks(plans):
        n_chunks += 1
        stack: list[Any] = list(final_tasks(chunk, options))
        seen: set[str] = set()
        while stack:
            task = stack.pop()
            if task.task_id in seen:
                continue
            seen.add(task.task_id)
            total += 1
            complete += bool(task.complete())
            required = task.requires() if hasattr(task, "requires") else []
            stack.extend(required if isinstance(required, list) else [required] if required else [])
    return {
        "dry_run": True,
        "documents": len(plans),
        "unreadable": len(failed),
        "pages": sum(len(p["pages"]) for p in plans),
        "tasks": total,
        "complete": complete,
        "chunks": n_chunks,
        "seconds": round(time.monotonic() - started, 3),
    }
