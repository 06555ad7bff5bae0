"""The ``arkhiv`` command line (CONTRACT.md). The only module that calls ``sys.exit``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.errors import ArkhivError, ExitCode, UsageError

log = logging.getLogger("pipeline.cli")


def configure_logging(verbose: bool, log_file: str | None) -> None:
    """Warnings to the terminal (everything with -v); the full log to ``--log-file``."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    if not verbose:
        # Luigi's own failure reports are tracebacks; ours are one line per file.
        console.addFilter(lambda record: not record.name.startswith("luigi"))
        console.addFilter(lambda record: record.name != "pipeline.batch")
    root.addHandler(console)
    if log_file:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    for noisy in ("PIL", "matplotlib", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.batch import BatchOptions, run_batch
    from pipeline.ocr import check_tesseract
    from pipeline.settings import load_settings

    settings = load_settings(args.config)
    scans = Path(args.scans)
    if not scans.is_dir():
        raise UsageError(f"{scans}: no such folder of scans")
    if not args.dry_run:
        check_tesseract(settings.ocr.lang)
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    options = BatchOptions(
        out_dir=Path(args.out),
        config=str(Path(args.config).resolve()) if args.config else "",
        workers=args.workers,
        scheduler_host=args.scheduler_host,
        scheduler_port=args.scheduler_port,
        dry_run=args.dry_run,
        debug_images=args.debug_images,
        progress=sys.stderr.isatty() and not args.no_progress,
    )
    summary = run_batch(scans, settings, options)
    if args.dry_run:
        print(json.dumps(summary, indent=1))
        return ExitCode.ok
    for doc in summary["documents"]:
        if doc.get("unanchored_decisions"):
            print(
                f"warning: {doc['doc_id']}: {len(doc['unanchored_decisions'])} review decision(s) no longer match "
                "the new diff; kept under 'unanchored' in decisions.json",
                file=sys.stderr,
            )
    counts = summary["counts"]
    print(
        f"{counts['done']} done, {counts['failed']} failed, {counts['incomplete']} incomplete; "
        f"see {Path(args.out) / 'summary.json'}"
    )
    return ExitCode.ok if counts["done"] == len(summary["documents"]) else ExitCode.documents_failed


def _read_bytes_arg(name: str) -> tuple[bytes, str]:
    """The bytes of a file named on the command line (``-``: stdin) and the name to report."""
    if name == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(name)
    if path.is_dir():
        raise UsageError(f"{path}: is a directory, not a text file")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        return path.read_bytes(), str(path)
    except OSError as e:
        raise UsageError(f"{path}: cannot read it ({e.strerror})") from e


def _decoded(data: bytes, source: str) -> str:
    """``data`` as text; "" for blank input. A file the user named that is no text is a usage
    error (exit 2), not a failed document of a batch."""
    from pipeline.errors import UnreadableTranscript
    from pipeline.transcript import decode_transcript

    if not data.strip():
        return ""
    try:
        return decode_transcript(data, source)
    except UnreadableTranscript as e:
        raise UsageError(str(e)) from e


def _read_text_arg(name: str) -> str:
    return _decoded(*_read_bytes_arg(name))


def _newline(data: bytes) -> str:
    """The line ending ``data`` uses: CRLF or CR where every line ends so, else LF."""
    if b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n"):
        return "\r\n"
    if b"\r" in data and b"\n" not in data:
        return "\r"
    return "\n"


def _as_written(corrected: str, data: bytes) -> str:
    """``corrected`` laid out as the input was: its line ending and its BOM (the corrector
    works on LF text without a BOM; the report's offsets are within lines, so they hold)."""
    import codecs

    newline = _newline(data)
    out = corrected if newline == "\n" else corrected.replace("\n", newline)
    return ("\ufeff" + out) if data.startswith(codecs.BOM_UTF8) else out


def _write_output(path: Path, write: Callable[[Path], None], what: str) -> None:
    """``write(path)``, a file the user named: one that cannot be written is a usage error."""
    try:
        write(path)
    except OSError as e:
        raise UsageError(f"{path}: cannot write the {what} there ({e.strerror})") from e


def cmd_correct(args: argparse.Namespace) -> int:
    from pipeline.correct import Corrector
    from pipeline.files import write_json_atomic
    from pipeline.settings import load_settings

    settings = load_settings(args.config)
    data, source = _read_bytes_arg(args.file)
    text = _decoded(data, source)
    if not text:
        changes: list[Any] = []
        out = data.decode("utf-8", errors="replace")  # blank input: given back as it came
    else:
        corrected, changes = Corrector.load(settings.correct).correct_text(text)
        out = _as_written(corrected, data)
    if args.report:
        if not unicodedata.is_normalized("NFC", data.decode("utf-8", errors="ignore")):
            log.warning(
                "%s: letters typed as a letter and a combining mark (й, ё) were joined into one; "
                "the report's offsets count them so",
                source,
            )
        # Before the text: a report that cannot be written fails the command with nothing printed.
        _write_output(Path(args.report), lambda p: write_json_atomic(p, [c.as_dict() for c in changes]), "report")
    sys.stdout.write(out)
    sys.stdout.flush()
    log.info("%d corrections", len(changes))
    return ExitCode.ok


def cmd_diff(args: argparse.Namespace) -> int:
    from pipeline import align, report
    from pipeline.files import write_json_atomic, write_text_atomic
    from pipeline.settings import load_settings

    settings = load_settings(args.config)
    reference, hypothesis = _read_text_arg(args.a), _read_text_arg(args.b)
    diff = align.diff_texts(reference, hypothesis, settings.align)
    # The files first: one that cannot be written fails the command before anything is printed.
    if args.json:
        _write_output(Path(args.json), lambda p: write_json_atomic(p, diff), "JSON")
    if args.html:
        html = report.render_diff_html(diff, Path(args.b).name, {})
        _write_output(Path(args.html), lambda p: write_text_atomic(p, html), "HTML")
    for hunk in diff["hunks"]:
        print(f"- {hunk['transcript']!r}\n+ {hunk['corrected']!r}")
    print(f"CER {diff['cer']:.4f} WER {diff['wer']:.4f}")
    return ExitCode.ok


def cmd_review(args: argparse.Namespace) -> int:
    from pipeline.review import serve_review

    out_dir = Path(args.dir)
    if not out_dir.is_dir():
        raise UsageError(f"{out_dir}: no such output folder")
    serve_review(out_dir, port=args.port, host=args.host)
    return ExitCode.ok


def cmd_regenerate(args: argparse.Namespace) -> int:
    from pipeline.documents import regenerate_dir

    out_dir = Path(args.dir)
    if not out_dir.is_dir():
        raise UsageError(f"{out_dir}: no such output folder")
    problems = regenerate_dir(out_dir, args.docs or None)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    return ExitCode.ok


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arkhiv", description="OCR and transcription correction for typewritten Russian archival documents."
    )
    parser.add_argument("--version", action="version", version=f"arkhiv {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="log progress to the terminal")
    common.add_argument("--log-file", help="write the full log to this file")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", parents=[common], help="run the pipeline over a folder of scans")
    run.add_argument("scans")
    run.add_argument("--out", default="output")
    run.add_argument("--workers", type=int, default=1)
    run.add_argument("--scheduler-host", help="use the central luigid scheduler on this host")
    run.add_argument("--scheduler-port", type=int, default=8082)
    run.add_argument("--config", help="TOML settings file")
    run.add_argument("--dry-run", action="store_true", help="plan the task graph, run nothing")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument(
        "--debug-images", action="store_true", help="also write each preprocessing step to <doc>/pages/debug/"
    )
    run.set_defaults(func=cmd_run)

    cor = sub.add_parser("correct", parents=[common], help="correct a plain-text transcription; result to stdout")
    cor.add_argument("file", help="a text file, or - for standard input")
    cor.add_argument("--report", help="write the corrections as JSON here")
    cor.add_argument("--config", help="TOML settings file")
    cor.set_defaults(func=cmd_correct)

    dif = sub.add_parser("diff", parents=[common], help="align two texts (A = reference, B = hypothesis); CER and WER")
    dif.add_argument("a")
    dif.add_argument("b")
    dif.add_argument("--html")
    dif.add_argument("--json")
    dif.add_argument("--config", help="TOML settings file")
    dif.set_defaults(func=cmd_diff)

    rev = sub.add_parser("review", parents=[common], help="review the differences in a local web page")
    rev.add_argument("dir")
    rev.add_argument("--port", type=int, default=8765)
    rev.add_argument("--host", default="127.0.0.1")
    rev.set_defaults(func=cmd_review)

    reg = sub.add_parser(
        "regenerate", parents=[common], help="write transcript.txt from corrected.txt and decisions.json"
    )
    reg.add_argument("dir")
    reg.add_argument("docs", nargs="*")
    reg.set_defaults(func=cmd_regenerate)
    return parser


def main(argv: list[str] | None = None) -> None:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose, args.log_file)
    try:
        code = args.func(args)
    except ArkhivError as e:
        print(f"arkhiv: {e}", file=sys.stderr)
        code = e.exit_code
    except KeyboardInterrupt:
        print("arkhiv: interrupted; run the same command again to finish", file=sys.stderr)
        code = 130
    sys.exit(int(code))


if __name__ == "__main__":
    main()
