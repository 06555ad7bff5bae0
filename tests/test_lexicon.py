"""The models loader: files, the delete index, the cache, and what counts as a word."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from pipeline.lexicon import (
    DEFAULT_MODELS_DIR,
    FAR_DISTANCE,
    FAR_MIN_LENGTH,
    build_lexicon,
    load_lexicon,
    read_confusions,
)


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def test_memoised_per_process(lexicon) -> None:
    assert load_lexicon() is lexicon
    assert load_lexicon(DEFAULT_MODELS_DIR) is lexicon


@pytest.mark.parametrize(
    "word", ["прошу", "филиппову", "булганину", "пхеньяну", "риджуэю", "цзе-дун", "юнайтед", "военнопленными"]
)
def test_known_words(lexicon, word: str) -> None:
    assert lexicon.is_word(word)


@pytest.mark.parametrize("word", ["онайтед", "изе-дун", "проверия", "дейсгвий", "чтo"])
def test_ocr_errors_are_not_words(lexicon, word: str) -> None:
    assert not lexicon.is_word(word)


# Forms Russian makes of every word of their kind, which the lists hold for only some: a case
# of a listed adjective (полувековой), an adjective made from a surname OpenCorpora knows
# (Костов) or the lexicon lists (Червенков). Misreadings shaped like them stay non-words: a
# noun's к read х (начальних) is no form of начальный, шкафов- is no surname.
@pytest.mark.parametrize(
    ("word", "known"),
    [
        ("полувекового", True),
        ("полувековыми", True),
        ("костовской", True),
        ("червенковской", True),
        ("начальних", False),
        ("противних", False),
        ("шкафовской", False),
    ],
)
def test_forms_made_of_listed_words(lexicon, word: str, known: bool) -> None:
    assert lexicon.is_word(word) is known


def test_candidates_within_distance(lexicon) -> None:
    found = dict(lexicon.candidates("дейсгвий", 2))
    assert found["действий"] == 1
    assert all(d <= 2 for d in found.values())
    assert dict(lexicon.candidates("онайтед", 1))["юнайтед"] == 1


def test_domain_forms_are_indexed_with_their_written_case(lexicon) -> None:
    assert lexicon.domain["цзе-дун"] == "Цзе-дун"
    assert lexicon.domain_kind["риджуэй"] == "person"
    assert lexicon.log_prob("риджуэю") > lexicon.log_prob("несуществующееслово")


def test_confusion_table_has_learned_and_prior_rows() -> None:
    rows = read_confusions(DEFAULT_MODELS_DIR / "confusions.tsv")
    pairs = {(r.ocr, r.truth) for r in rows}
    assert ("И", "Ц") in pairs and ("I", "1") in pairs
    assert all(0 < r.prob <= 0.5 for r in rows)


def test_missing_model_file_is_an_error(tmp_path: Path) -> None:
    for name in ("lexicon.txt", "confusions.tsv"):
        shutil.copy(DEFAULT_MODELS_DIR / name, tmp_path / name)
    with pytest.raises(FileNotFoundError, match="ru_frequency.txt"):
        build_lexicon(tmp_path)


def test_index_cache_is_written_and_reused(tmp_path: Path) -> None:
    (tmp_path / "ru_frequency.txt").write_text("прошу 100\nвопросу 50\n", encoding="utf-8")
    shutil.copy(DEFAULT_MODELS_DIR / "lexicon.txt", tmp_path / "lexicon.txt")
    shutil.copy(DEFAULT_MODELS_DIR / "confusions.tsv", tmp_path / "confusions.tsv")
    first = load_lexicon(tmp_path)
    cached = list((tmp_path / "cache").glob("lexicon-*.marshal"))
    assert len(cached) == 1
    from pipeline import lexicon as module

    module._load_cached.cache_clear()
    second = load_lexicon(tmp_path)
    assert second is not first and second.counts == first.counts
    assert second.realword.get("прощу") == first.realword.get("прощу")


def test_candidate_index_agrees_with_symspellpy(lexicon) -> None:
    """The index is SymSpell's symmetric-delete algorithm, kept compact and cached for speed;
    symspellpy over the same words is the reference and must find the same candidates."""
    from symspellpy import SymSpell, Verbosity

    reference = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word in lexicon.words:
        reference.create_dictionary_entry(word, lexicon.counts.get(word, 1))
    for read in ["вызвацо", "ночальником", "трварищу", "созетской", "риджузю", "делс", "мас", "отзоде"]:
        ours = sorted(lexicon.candidates(read, 2))
        # symspellpy measures Damerau (OSA) distance, the index plain Levenshtein: a swap of two
        # letters is one edit there, two here (the noisy channel prices it either way).
        theirs = sorted(
            (s.term, Levenshtein.distance(read, s.term))
            for s in reference.lookup(read, Verbosity.ALL, max_edit_distance=2)
            if Levenshtein.distance(read, s.term) <= 2
        )
        assert ours == theirs, read
        assert ours, read


@given(data=st.data())
@settings(max_examples=200, deadline=None)
def test_distant_candidates_are_every_long_word_within_three_edits(lexicon, long_words, data) -> None:
    """The halves index finds exactly what a scan of every long listed word finds, for a listed
    word of ten letters or more misread by two to four random edits."""
    word = list(data.draw(st.sampled_from(long_words)))
    for _ in range(data.draw(st.integers(2, 4))):
        at = data.draw(st.integers(0, len(word) - 1))
        letter = data.draw(st.sampled_from("абвгдежзиклмнопрстуфхцчшщыьэюя"))
        edit = data.draw(st.sampled_from(["substitute", "delete", "insert"]))
        if edit == "substitute":
            word[at] = letter
        elif edit == "delete" and len(word) > 1:
            del word[at]
        else:
            word.insert(at, letter)
    read = "".join(word)
    found = {(w, d) for _p, w, d in lexicon.far_candidates_by_prob(read)}
    expected = {
        (w, d)
        for w in lexicon.words
        if len(w) >= FAR_MIN_LENGTH and (d := Levenshtein.distance(read, w, score_cutoff=FAR_DISTANCE)) <= FAR_DISTANCE
    }
    assert found == expected


@pytest.mark.parametrize(
    "read",
    [
        "прозивовоздукиой",  # three substitutions
        # A letter inserted before the first half shifts where it ends in the word read; the
        # second half has the two other edits: found only by cutting the word a letter later.
        "хпротивовозжушнсй",
        "протвовоздушнсйй",  # a letter lost in the first half, one substitution and one added in the second
    ],
)
def test_distant_candidates_likeliest_first(lexicon, read: str) -> None:
    found = lexicon.far_candidates_by_prob(read)
    assert ("противовоздушной", 3) in {(w, d) for _p, w, d in found}
    assert [p for p, _w, _d in found] == sorted((p for p, _w, _d in found), reverse=True)


@pytest.fixture(scope="module")
def long_words(lexicon) -> list[str]:
    return [w for w in lexicon.words if len(w) >= 10 and w.isalpha()]


def test_opencorpora_forms_spelt_with_e_for_yo(lexicon) -> None:
    """OpenCorpora spells пролётные, the telegrams пролетные: both are its forms, and its prefixes."""
    graph = lexicon.morph.dictionary.words
    assert "пролетные" not in graph and "пролётные" in graph
    assert lexicon.opencorpora_form("пролетные") and lexicon.opencorpora_form("пролётные")
    assert lexicon.opencorpora_prefix("пролетн") and lexicon.opencorpora_prefix("скороподъемн")
    assert not lexicon.opencorpora_form("пролетнае") and not lexicon.opencorpora_prefix("пролетнх")
    assert lexicon.opencorpora_form("правительства")
