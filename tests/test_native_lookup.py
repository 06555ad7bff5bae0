"""The delete-index lookup in C (pipeline/_lookup.c) finds exactly what its Python twin finds."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from functools import lru_cache
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import native
from pipeline.lexicon import FAR_DISTANCE, PREFIX_LENGTH, Lexicon, delete_index, far_keys, load_lexicon

# Cyrillic (two bytes a letter in CPython), Latin (one), and a sign outside the BMP (four).
LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя" + "АЦЮ" + "aeo" + "-1" + "\U0001d400"
SMALL_WORDS = ["отправка", "отправку", "правка", "справка", "рота", "а", "ая", "Цзе-дун", "xerox", "\U0001d400ба"]
SMALL_WORDS.append("с" + "тол" * 100)  # longer than the C table's stack cells


def compiled_lookup() -> ModuleType:
    """The C module of the build for the current sources, built if missing (about a minute)."""
    so = next((native.build() / "pipeline").glob("_lookup.*.so"))
    spec = importlib.util.spec_from_file_location("pipeline._lookup", so)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def lookup() -> ModuleType:
    return compiled_lookup()


def small_lexicon() -> Lexicon:
    counts = {w: 10 for w in SMALL_WORDS}
    return Lexicon(SMALL_WORDS, counts, 100.0, {}, {}, [], delete_index(SMALL_WORDS), {})


def both(lookup: ModuleType, lex: Lexicon, word: str, distance: int) -> tuple[list, list]:
    in_c = lookup.candidate_ids(word, distance, PREFIX_LENGTH, lex.deletes, lex.words, lex._lengths)
    return sorted(in_c), sorted(lex._candidate_ids_python(word, distance))


@settings(max_examples=300, deadline=None)
@given(word=st.text(alphabet=LETTERS, min_size=0, max_size=12), distance=st.integers(0, 3))
def test_same_candidates_in_a_small_index(lookup: ModuleType, word: str, distance: int) -> None:
    in_c, in_python = both(lookup, small_lexicon(), word, distance)
    assert in_c == in_python


@settings(max_examples=300, deadline=None)
@given(data=st.data(), distance=st.integers(0, 2))  # the index holds deletes up to two
def test_same_candidates_near_listed_words(lookup: ModuleType, data: st.DataObject, distance: int) -> None:
    lex = load_lexicon()
    word = list(lex.words[data.draw(st.integers(0, len(lex.words) - 1))])
    for _ in range(data.draw(st.integers(0, 3))):  # a few misreads: letters dropped, added, swapped
        at = data.draw(st.integers(0, len(word)))
        letter = data.draw(st.sampled_from(LETTERS))
        edit = data.draw(st.sampled_from(["drop", "add", "swap"]))
        if edit == "add":
            word.insert(at, letter)
        elif word:
            at = min(at, len(word) - 1)
            word[at : at + 1] = [] if edit == "drop" else [letter]
    in_c, in_python = both(lookup, lex, "".join(word), distance)
    assert in_c == in_python


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_same_distant_candidates_near_long_listed_words(lookup: ModuleType, data: st.DataObject) -> None:
    lex = load_lexicon()
    word = list(data.draw(st.sampled_from(long_words())))
    for _ in range(data.draw(st.integers(1, 4))):
        at = min(data.draw(st.integers(0, len(word))), len(word) - 1)
        word[at] = data.draw(st.sampled_from(LETTERS))
    read = "".join(word)
    keys = far_keys(read)
    in_c = lookup.ids_of_keys(read, keys, FAR_DISTANCE, lex.far, lex.words, lex._lengths)
    assert sorted(in_c) == sorted(lex._ids_of_keys_python(read, keys, lex.far, FAR_DISTANCE))


@lru_cache(maxsize=1)
def long_words() -> list[str]:
    return [w for w in load_lexicon().words if len(w) >= 10]


def test_finds_what_the_index_holds(lookup: ModuleType) -> None:
    found = dict(both(lookup, small_lexicon(), "отправкa", 2)[0])  # a Latin a at the end
    assert found == {0: 1, 1: 1}  # not правка: three edits away
    long_word = SMALL_WORDS[-1]
    assert dict(both(lookup, small_lexicon(), long_word[:-1] + "ы", 1)[0]) == {len(SMALL_WORDS) - 1: 1}


def test_a_corrupt_index_is_an_error_not_a_crash(lookup: ModuleType) -> None:
    with pytest.raises(IndexError):
        lookup.candidate_ids("рота", 1, PREFIX_LENGTH, {"рота": 5}, ["рота"], b"\x04")
    with pytest.raises(TypeError):
        lookup.candidate_ids("рота", 1, PREFIX_LENGTH, {"рота": "x"}, ["рота"], b"\x04")
    with pytest.raises(ValueError):
        lookup.candidate_ids("рота", 1, PREFIX_LENGTH, {}, ["рота"], b"")
    with pytest.raises(IndexError):
        lookup.ids_of_keys("рота", {"к"}, 1, {"к": 5}, ["рота"], b"\x04")
    with pytest.raises(ValueError):
        lookup.ids_of_keys("рота", {"к"}, 1, {}, ["рота"], b"")


def test_the_compiled_lexicon_uses_it() -> None:
    native.build()
    probe = "import pipeline.lexicon as L, pipeline.native as n; print(n.is_active(), L._native_candidate_ids)"
    env = {**os.environ, native.DISABLE_ENV: ""}
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert run.stdout.split() == ["True", "<built-in", "function", "candidate_ids>"]
