"""Luigi tasks: thin wiring from stage functions to files. Only this module imports luigi.

Each task writes its outputs atomically and then a marker ``work/<stage>.json`` holding the
settings fingerprint and the stage's timing; a task is complete when its marker's
fingerprint matches the current settings, so a re-run redoes nothing finished and a
changed setting reruns exactly the stages it affects. A failure is recorded on disk
(``pipeline.failures``: a record per task, and ``<doc>/error.json`` made from them) before
Luigi hears of it: Arkhiv judges a run from disk.

A failure record is removed only by its own task, when that task runs again and succeeds
(or by planning, for a document that now plans). So a document's failure survives every run
that does not retry it: in particular a second worker of a central scheduler (``luigid``)
started after the failure, which is not given the failed task again, still reports it.

Failed tasks and ``luigid``: a task has ``retry_count = 1``, so its first failure makes the
central scheduler *disable* it for ``[scheduler] disable_persist`` seconds (a day by
default), and no worker is given it again in that time, which is what keeps several workers
from each retrying the same bad file. The scheduler forgets a task once no worker has wanted
it for ``remove_delay`` seconds (ten minutes by default), and then the next run retries it.
To retry at once, every task parameter set carries ``stamp``, a hash of the input files'
sizes and modification times and of the settings: replacing or editing a bad file, or
``touch``-ing it, or changing a setting, gives new task ids that ``luigid`` has never seen,
while finished work is still recognised from its markers and not redone. A local scheduler
(no ``--scheduler-host``) lives for one run only and retries every failure each time.
"""

from __future__ import annotations

import logging
import time
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import luigi

from pipeline import correct, files, noise, ocr, preprocess
from pipeline.failures import clear_failure, describe_failure, failure_records, record_failure
from pipeline.settings import Settings, load_settings, stage_fingerprints
from pipeline.types import Word

log = logging.getLogger(__name__)

WORK_DIR = "work"


@cache
def settings_for(config: str) -> Settings:
    return load_settings(config or None)


def page_name(page: int) -> str:
    return f"{page:04d}"


class arkhiv(luigi.Config):  # noqa: N801 - Luigi names a config section after its class
    """Run-wide switches that change no result, so they are no task parameter."""

    debug_images: bool = luigi.BoolParameter(default=False)


class DocumentTask(luigi.Task):
    """Common parameters and the marker/fingerprint protocol of every per-document task."""

    out_dir: str = luigi.Parameter()
    config: str = luigi.Parameter(default="")
    doc_id: str = luigi.Parameter()
    source: str = luigi.Parameter()
    pages: tuple[tuple[str, int], ...] = luigi.ListParameter()
    transcript: str = luigi.Parameter(default="")
    # Which version of the inputs and settings this is (see the module docstring): part of the
    # task id only, so that a central scheduler retries a fixed file; completeness is judged
    # from the markers, never from it.
    stamp: str = luigi.Parameter(default="")

    stage: ClassVar[str] = ""
    fingerprint_stage: ClassVar[str] = ""
    # A failure is a property of the input, recorded on disk; retrying it within a run only
    # keeps a central scheduler's workers waiting. The next `arkhiv run` tries again.
    retry_count = 1

    @property
    def doc_dir(self) -> Path:
        return Path(self.out_dir) / self.doc_id

    @property
    def settings(self) -> Settings:
        return settings_for(self.config)

    def marker_path(self) -> Path:
        return self.doc_dir / WORK_DIR / f"{self.stage}.json"

    def fingerprint(self) -> str:
        return stage_fingerprints(self.settings)[self.fingerprint_stage or self.stage]

    def product_paths(self) -> list[Path]:
        """Files this task makes besides its marker."""
        return []

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.marker_path()))

    def complete(self) -> bool:
        marker = self.marker_path()
        if not marker.is_file() or not all(p.is_file() for p in self.product_paths()):
            return False
        try:
            record = files.read_json(marker)
            return record.get("fingerprint") == self.fingerprint() and self.products_intact(record)
        except (OSError, ValueError):
            return False

    def products_intact(self, record: dict[str, Any]) -> bool:
        """Whether the products still match what the marker ``record`` says of them."""
        return True

    def failure_page(self) -> int:
        return 0

    def failure_source(self) -> str:
        return self.source

    def run(self) -> None:
        started = time.monotonic()
        try:
            record = self.work() or {}
        except Exception as e:
            record_failure(self.doc_dir, self.stage, e, self.failure_source(), self.failure_page())
            log.error("%s", describe_failure(e, self.failure_source()))
            raise
        record.update({"fingerprint": self.fingerprint(), "seconds": round(time.monotonic() - started, 3)})
        files.write_compact_json_atomic(self.marker_path(), record)
        clear_failure(self.doc_dir, self.stage, self.failure_page())

    def work(self) -> dict[str, Any] | None:
        raise NotImplementedError


class PageTask(DocumentTask):
    """A task about one page of a document."""

    page: int = luigi.IntParameter()

    def marker_path(self) -> Path:
        return self.doc_dir / WORK_DIR / f"{self.stage}-{page_name(self.page)}.json"

    def failure_page(self) -> int:
        return self.page

    def failure_source(self) -> str:
        return self.pages[self.page - 1][0]

    def image_path(self) -> Path:
        return self.doc_dir / "pages" / f"{page_name(self.page)}.png"


class PreprocessPage(PageTask):
    """Decode one page and prepare it for Tesseract."""

    stage = "preprocess"

    def product_paths(self) -> list[Path]:
        return [self.image_path()]

    def work(self) -> dict[str, Any]:
        page_file, index = self.pages[self.page - 1]
        image = files.read_page(Path(page_file), int(index))
        debug: dict[str, Any] | None = {} if arkhiv().debug_images else None
        prepared, meta = preprocess.preprocess_page(image, self.settings.preprocess, debug)
        for number, (step, step_image) in enumerate((debug or {}).items(), start=1):
            name = f"{page_name(self.page)}-{number:02d}-{step}.png"
            files.write_png_atomic(self.doc_dir / "pages" / "debug" / name, step_image)
        size = files.write_png_atomic(self.image_path(), prepared, compress=False, durable=False)
        log.info("%s p%d: preprocessed", self.doc_id, self.page)
        return {"page": self.page, "source": page_file, "source_page": index, "image_bytes": size, "steps": meta}

    def products_intact(self, record: dict[str, Any]) -> bool:
        # The page image is written without a flush to disk (10 ms a page); the marker's
        # record of its size shows a file that a power cut left short, and it is made again.
        expected = record.get("image_bytes")
        return expected is None or self.image_path().stat().st_size == expected


class OcrPage(PageTask):
    """Tesseract on one preprocessed page, once; words with boxes and confidences."""

    stage = "ocr"
    resources = {"tesseract": 1}

    def requires(self) -> PreprocessPage:
        return self.clone(PreprocessPage)

    def work(self) -> dict[str, Any]:
        shape = files.image_shape(self.image_path())
        if self.settings.correct.enabled:
            correct.load_in_background(self.settings.correct)  # while Tesseract reads the page
        words = ocr.ocr_page(self.image_path(), self.page, self.settings.ocr, source=self.failure_source())
        words = ocr.renumber_lines(noise.mark_noise_words(words, shape, self.settings.noise))
        log.info("%s p%d: %d words", self.doc_id, self.page, len(words))
        return {"page": self.page, "words": [w.as_dict() for w in words]}


class OcrDocument(DocumentTask):
    """Gather the pages' words into ``ocr.txt`` and ``words.json``."""

    stage = "gather"
    fingerprint_stage = "ocr"

    def requires(self) -> list[OcrPage]:
        return [self.clone(OcrPage, page=n) for n in range(1, len(self.pages) + 1)]

    def product_paths(self) -> list[Path]:
        return [self.doc_dir / "ocr.txt", self.doc_dir / "words.json"]

    def work(self) -> dict[str, Any]:
        pages = [files.read_json(Path(t.path))["words"] for t in self.input()]
        words = [w for page in pages for w in page]
        text = "\f".join(ocr.page_text([Word.from_dict(w) for w in page]) for page in pages)
        files.write_json_lines_atomic(self.doc_dir / "words.json", words)
        files.write_text_atomic(self.doc_dir / "ocr.txt", text)
        blank = [n for n, page in enumerate(pages, start=1) if not any(not w["noise"] for w in page)]
        return {"pages": len(pages), "words": len(words), "blank_pages": blank}


def confidences_by_page(words: list[dict[str, Any]]) -> dict[int, dict[tuple[int, int], float]]:
    """Tesseract confidence of each (line, token index) of each page's text."""
    result: dict[int, dict[tuple[int, int], float]] = {}
    counters: dict[tuple[int, int], int] = {}
    for word in words:
        if word["noise"]:
            continue
        key = (word["page"], word["line"])
        index = counters.get(key, 0)
        counters[key] = index + 1
        result.setdefault(word["page"], {})[(word["line"], index)] = float(word["conf"])
    return result


class CorrectDocument(DocumentTask):
    """Correct typical OCR errors; every change recorded in ``corrections.json``."""

    stage = "correct"

    def requires(self) -> OcrDocument:
        return self.clone(OcrDocument)

    def product_paths(self) -> list[Path]:
        return [self.doc_dir / "corrected.txt", self.doc_dir / "corrections.json"]

    def work(self) -> dict[str, Any]:
        text = (self.doc_dir / "ocr.txt").read_text(encoding="utf-8")
        words = files.read_json(self.doc_dir / "words.json")
        corrector = correct.Corrector.load(self.settings.correct)
        confidences = confidences_by_page(words)
        pages, changes = [], []
        for number, page in enumerate(text.split("\f"), start=1):
            fixed, records = corrector.correct_page(page, number, confidences.get(number, {}))
            pages.append(fixed)
            changes.extend(records)
        files.write_json_atomic(self.doc_dir / "corrections.json", [c.as_dict() for c in changes])
        files.write_text_atomic(self.doc_dir / "corrected.txt", "\f".join(pages))
        return {"corrections": len(changes)}


class DiffDocument(DocumentTask):
    """Align ``corrected.txt`` with the existing transcription; ``diff.json`` and ``diff.html``."""

    stage = "diff"

    def requires(self) -> CorrectDocument:
        return self.clone(CorrectDocument)

    def product_paths(self) -> list[Path]:
        return [self.doc_dir / "diff.json", self.doc_dir / "diff.html"]

    def failure_source(self) -> str:
        return self.transcript

    def work(self) -> dict[str, Any]:
        from pipeline import align, documents, report, transcript

        path = Path(self.transcript)
        body = transcript.extract_body(transcript.decode_transcript(path.read_bytes(), str(path)))
        corrected = (self.doc_dir / "corrected.txt").read_text(encoding="utf-8")
        diff = align.diff_document(
            corrected,
            body,
            ocr=(self.doc_dir / "ocr.txt").read_text(encoding="utf-8"),
            words=files.read_json(self.doc_dir / "words.json"),
            corrections=files.read_json(self.doc_dir / "corrections.json"),
            settings=self.settings.align,
            is_word=known_word,
        )
        diff["transcript_source"] = str(path)
        page_images = {n: f"pages/{page_name(n)}.png" for n in range(1, len(self.pages) + 1)}
        html = report.render_diff_html(diff, self.doc_id, page_images, corrected=corrected, transcript=body)
        files.write_json_atomic(self.doc_dir / "diff.json", diff)
        files.write_text_atomic(self.doc_dir / "diff.html", html)
        record: dict[str, Any] = {"cer": diff.get("cer"), "wer": diff.get("wer"), "hunks": len(diff["hunks"])}
        if (self.doc_dir / "decisions.json").is_file():
            # New OCR or new rules: keep every human decision whose hunk still matches.
            unanchored = documents.regenerate_document(self.doc_dir)
            record["unanchored_decisions"] = unanchored
        return record


def known_word(word: str) -> bool:
    """A word of the corrector's dictionary or domain lexicon, in any case."""
    from pipeline.lexicon import load_lexicon

    return load_lexicon().is_word(word.lower())


def final_task(params: dict[str, Any]) -> DocumentTask:
    """The last task of a document: the diff when it has a transcription, else the correction."""
    return DiffDocument(**params) if params.get("transcript") else CorrectDocument(**params)


def build(
    tasks: list[luigi.Task],
    *,
    workers: int,
    scheduler_host: str | None,
    scheduler_port: int,
    debug_images: bool = False,
) -> Any:
    """Run Luigi; its own return code is not trusted (the CLI reads the outcome from disk)."""
    luigi_config = luigi.configuration.get_config()
    if not luigi_config.has_section("arkhiv"):
        luigi_config.add_section("arkhiv")
    luigi_config.set("arkhiv", "debug_images", str(debug_images).lower())
    if not luigi_config.has_section("resources"):
        luigi_config.add_section("resources")
    luigi_config.set("resources", "tesseract", str(max(1, workers)))
    if not luigi_config.has_section("core"):
        luigi_config.add_section("core")
    luigi_config.set("core", "no_configure_logging", "true")  # the CLI's handlers decide what is shown
    options: dict[str, Any] = {
        "workers": max(1, workers),
        "detailed_summary": True,
        "no_lock": True,  # several workers of one batch may run on the same host
    }
    if scheduler_host:
        # Stay until the batch is finished, also where another machine's worker holds the tasks.
        if not luigi_config.has_section("worker"):
            luigi_config.add_section("worker")
        luigi_config.set("worker", "keep_alive", "true")
        luigi_config.set("worker", "wait_interval", "1.0")
        options.update(scheduler_host=scheduler_host, scheduler_port=scheduler_port)
    else:
        options["local_scheduler"] = True
    return luigi.build(tasks, **options)


def running_elsewhere(scheduler_host: str, scheduler_port: int, out_dir: str, doc_ids: set[str]) -> int:
    """How many tasks of these documents the central scheduler has running (on any worker)."""
    from luigi.rpc import RemoteScheduler

    scheduler = RemoteScheduler(url=f"http://{scheduler_host}:{scheduler_port}")
    running = scheduler.task_list(status="RUNNING", upstream_status="", limit=False) or {}
    return sum(
        1
        for info in running.values()
        if isinstance(info, dict)
        and info.get("params", {}).get("out_dir") == out_dir
        and info.get("params", {}).get("doc_id") in doc_ids
    )


def wait_for_other_workers(
    final: list[DocumentTask], scheduler_host: str, scheduler_port: int, interval: float = 1.0, idle_checks: int = 3
) -> None:
    """Block while another worker still runs a task of a document this build wanted.

    A Luigi worker leaves ``build`` once it has nothing left to run itself, even where a
    task it needs is still running on another worker; its summary would then call that
    document incomplete. Between two tasks of a document the other worker runs none for a
    moment, so only ``idle_checks`` checks in a row with nothing running end the wait. A task
    whose worker dies is failed by luigid, so this ends.
    """
    idle = 0
    while True:
        waiting = {t.doc_id for t in final if not t.complete() and not failure_records(t.doc_dir)}
        if not waiting:
            return
        count = running_elsewhere(scheduler_host, scheduler_port, final[0].out_dir, waiting)
        idle = 0 if count else idle + 1
        if idle >= idle_checks:
            return
        if count:
            log.info("waiting for %d task(s) of %d document(s) running on other workers", count, len(waiting))
        time.sleep(interval)
