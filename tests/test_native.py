"""The correction engine compiled with mypyc corrects exactly as its Python source does."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import native
from pipeline.lexicon import DEFAULT_MODELS_DIR, read_confusions
from tests.sample_text import TELEGRAM_LINES

GOLDEN = Path(__file__).parent / "resources" / "corrections" / "golden.json"

# Corrects stdin's JSON list of texts in a fresh process; prints the results and the mode.
CORRECT_ALL = """
import json, sys
from pipeline import native
from pipeline.correct import CorrectSettings, Corrector

corrector = Corrector.load(CorrectSettings())
results = [corrector.correct_page(text) for text in json.load(sys.stdin)]
out = [[text, [change.as_dict() for change in changes]] for text, changes in results]
print(json.dumps({"compiled": native.is_active(), "out": out}, ensure_ascii=False))
"""


def misread_telegrams(count: int) -> list[str]:
    """The sample telegram with letters swapped by the confusion table's own pairs (seeded)."""
    pairs = [(c.truth, c.ocr) for c in read_confusions(DEFAULT_MODELS_DIR / "confusions.tsv") if c.truth]
    text = "\n".join(TELEGRAM_LINES)
    out = []
    for seed in range(count):
        rng = random.Random(seed)
        page = text
        for truth, ocr in rng.sample(pairs, 12):
            at = page.find(truth, rng.randrange(len(page)))
            if at >= 0:
                page = page[:at] + ocr + page[at + len(truth) :]
        out.append(page)
    return out


def correct_in_subprocess(texts: list[str], pure: bool) -> dict:
    env = {**os.environ, native.DISABLE_ENV: "1" if pure else ""}
    run = subprocess.run(
        [sys.executable, "-c", CORRECT_ALL],
        input=json.dumps(texts, ensure_ascii=False),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=600,
    )
    return json.loads(run.stdout)


@pytest.mark.slow
def test_compiled_engine_corrects_exactly_as_the_source() -> None:
    native.build()  # in place after `make`; built here otherwise (about a minute)
    texts = [case["input"] for case in json.loads(GOLDEN.read_text(encoding="utf-8"))["cases"]]
    texts += misread_telegrams(40)
    compiled = correct_in_subprocess(texts, pure=False)
    pure = correct_in_subprocess(texts, pure=True)
    assert compiled["compiled"] is True
    assert pure["compiled"] is False
    changed = sum(1 for text, (out, _changes) in zip(texts, pure["out"], strict=True) if out != text)
    assert changed >= 100, "the comparison must cover texts the engine changes"
    assert compiled["out"] == pure["out"]


def test_edited_source_never_runs_stale_compiled_code(tmp_path: Path) -> None:
    sources = [f"{name}.py" for name in native.MODULES] + [f"{name}.c" for name in native.C_MODULES]
    for source in sources:
        shutil.copy2(native.PACKAGE_DIR / source, tmp_path / source)
    seen = {native.build_dir(tmp_path)}
    for source, comment in (("correct.py", "# edited"), ("_lookup.c", "/* edited */")):
        with (tmp_path / source).open("a", encoding="utf-8") as f:
            f.write(f"\n{comment}\n")
        seen.add(native.build_dir(tmp_path))
    assert len(seen) == 3


def test_pure_python_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(native.DISABLE_ENV, "1")
    path: list[str] = []
    assert native.activate(path) is False
    assert path == []
