"""Correction: golden cases as data, the issue's literals, and invariants checked by hypothesis."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.correct import DIGIT_PREPOSITIONS, Corrector, CorrectSettings, _apply, _compose, undo_corrections
from pipeline.types import Correction

GOLDEN = Path(__file__).parent / "resources" / "corrections"


def golden_cases() -> list[dict[str, str]]:
    cases: list[dict[str, str]] = []
    for path in sorted(GOLDEN.glob("*.json")):
        cases += json.loads(path.read_text(encoding="utf-8"))["cases"]
    return cases


@pytest.fixture(scope="module")
def corrector() -> Corrector:
    # Hyphenation joining is off by default (corrected.txt stays line for line with the
    # scan); the golden cases exercise it.
    return Corrector.load(CorrectSettings(join_hyphenation=True))


def test_default_keeps_the_typists_hyphens() -> None:
    text = "конкретное мне-\nние по вопросу"
    assert Corrector.load(CorrectSettings()).correct_page(text)[0] == text


def test_compound_names_keep_their_capitals(corrector: Corrector) -> None:
    assert corrector.correct_page("в Ростов-на-Дону, 1972")[0] == "в Ростов-на-Дону, 1972"


@pytest.mark.parametrize("case", golden_cases(), ids=lambda c: c["id"])
def test_golden(corrector: Corrector, case: dict[str, str]) -> None:
    corrected, changes = corrector.correct_page(case["input"])
    assert corrected == case["expected"]
    assert undo_corrections(corrected, changes) == case["input"]
    if case["input"] == case["expected"]:
        assert changes == []


@pytest.mark.parametrize("path", sorted((GOLDEN / "clean").glob("*.txt")), ids=lambda p: p.stem)
def test_correct_text_is_left_alone(corrector: Corrector, path: Path) -> None:
    """Whole texts written right, never OCR'd: telegrams (one in capitals), prose with and without
    ё, rare inflections and names no dictionary has. Every change would break a right word, but
    for joining a typist's line-end hyphenation when that is asked for."""
    text = path.read_text(encoding="utf-8")
    _text, changes = Corrector.load(CorrectSettings()).correct_text(text)
    assert [(c.original, c.replacement, c.reason) for c in changes] == []
    _text, changes = corrector.correct_text(text)
    assert [(c.original, c.replacement) for c in changes if c.reason != "hyphenation"] == []


@pytest.mark.parametrize(
    ("original", "expected", "reason"),
    [
        ("Прощу", "Прошу", "real-word"),
        ("Изе-дун", "Цзе-дун", "lexicon"),
        ("Онайтед", "Юнайтед", "lexicon"),
        ("326I", "3261", "number"),
    ],
)
def test_issue_literals(corrector: Corrector, original: str, expected: str, reason: str) -> None:
    # At a sentence's start, where the capitals of Прощу and Онайтед are the sentence's.
    corrected, changes = corrector.correct_page(f"Получено. {original} слово", page=3)
    assert corrected == f"Получено. {expected} слово"
    (change,) = changes
    assert (change.page, change.line, change.start, change.end) == (3, 1, 10, 10 + len(original))
    assert (change.original, change.replacement, change.reason) == (original, expected, reason)


def test_records_are_json_ready_and_list_candidates(corrector: Corrector) -> None:
    _text, changes = corrector.correct_page("агентства Онайтед пресс")
    data = json.loads(json.dumps([c.as_dict() for c in changes], ensure_ascii=False))
    assert Correction.from_dict(data[0]) == changes[0]
    words = [c["word"] for c in changes[0].candidates]
    assert "юнайтед" in words and "онайтед" in words  # the kept form is among those considered


def test_confidence_protects_a_confident_unknown_word(corrector: Corrector) -> None:
    text = "военных дейсгвий"
    low, _ = corrector.correct_page(text, confidences={(1, 1): 20.0})
    high, _ = corrector.correct_page(text, confidences={(1, 1): 99.0})
    assert low == "военных действий"
    assert high == "военных действий" or high == text  # confidence may only ever keep more


def test_a_tie_between_words_is_settled_by_the_page(corrector: Corrector) -> None:
    # зовода is as near завода as повода: alone it stays, beside a form of завод it is завода.
    alone = "Рабочие зовода выполнили план."
    assert corrector.correct_page(alone) == (alone, [])
    text = "Завод работает круглые сутки. Рабочие зовода выполнили план."
    corrected, changes = corrector.correct_page(text)
    assert corrected == "Завод работает круглые сутки. Рабочие завода выполнили план."
    (change,) = changes
    assert (change.original, change.replacement, change.reason) == ("зовода", "завода", "page-context")
    assert {"завода", "повода"} <= {c["word"] for c in change.candidates}
    assert undo_corrections(corrected, changes) == text


# A page's worth of words Tesseract read right, for the rules that judge the whole page.
CLEAN_PAGE = (
    "Сообщаю, что переговоры о перемирии идут медленно, противник затягивает решение вопроса о "
    "пленных и требует новых уступок от нашей делегации. Прошу дать указания по этому вопросу до "
    "конца недели. "
)


def test_a_clean_page_keeps_a_name_a_plain_substitution_from_a_listed_one(corrector: Corrector) -> None:
    # Every small-letter word is a word: Булггнину is likelier a name the lexicon lacks.
    line = "Доложите товарищу Булггнину о ходе переговоров."
    assert corrector.correct_page(CLEAN_PAGE + line) == (CLEAN_PAGE + line, [])
    # One line is no page to judge by, and on a page of misreadings the name is one too.
    assert "Булганину" in corrector.correct_page(line)[0]
    noisy = "Доложнте товарпщу Булггнину о ходе перегвооров. " * 6
    assert corrector.correct_page(noisy)[0].count("Булганину") == 6
    # Along a listed confusion (л read as п) the name changes on a clean page too.
    fixed, _ = corrector.correct_page(CLEAN_PAGE + "Передайте тов. Стапину, что противник отошел.")
    assert fixed == CLEAN_PAGE + "Передайте тов. Сталину, что противник отошел."


def test_clean_page_rule_can_be_turned_off() -> None:
    corrector = Corrector.load(CorrectSettings(clean_page_share=1.01))
    fixed, _ = corrector.correct_page(CLEAN_PAGE + "Доложите товарищу Булггнину о ходе переговоров.")
    assert fixed == CLEAN_PAGE + "Доложите товарищу Булганину о ходе переговоров."


def test_page_ties_can_be_turned_off() -> None:
    corrector = Corrector.load(CorrectSettings(page_tie_min_length=0))
    text = "Завод работает круглые сутки. Рабочие зовода выполнили план."
    assert corrector.correct_page(text) == (text, [])


def test_sole_candidates_can_be_turned_off() -> None:
    corrector = Corrector.load(CorrectSettings(sole_candidate_length=0))
    text = "Прибыла китвйстая делегация."
    assert corrector.correct_page(text) == (text, [])


# A page OCR misread much: fewer than 95% of its small-letter words are dictionary words.
NOISY_PAGE = (
    "Испытываем большие трудностм с перазозками грузов по железной дорсге.\n"
    "Составы стоят на станциях по несксльку суток, руководители дороги\n"
    "ссылаются на нехзатку паровозов и вагснов, которые заняты военными перевозками."
)


def test_long_misreading_is_corrected_on_a_noisy_page_and_kept_on_a_clean_one(corrector: Corrector) -> None:
    # Two plain substitutions in eleven letters: a misreading where OCR misread much, a rare
    # word the lists lack where it did not, or where too few words tell which.
    noisy = NOISY_PAGE
    corrected, changes = corrector.correct_page(noisy)
    assert "с перевозками грузов" in corrected
    assert {c.original: c.replacement for c in changes}["перазозками"] == "перевозками"
    clean = noisy.replace("трудностм", "трудности").replace("дорсге", "дороге").replace("несксльку", "несколько")
    clean = clean.replace("нехзатку", "нехватку").replace("вагснов", "вагонов")
    assert corrector.correct_page(clean) == (clean, [])
    line = "Испытываем трудности с перазозками грузов"
    assert corrector.correct_page(line) == (line, [])
    gentle = Corrector(
        CorrectSettings(noisy_long_word_keep_drop=CorrectSettings().long_word_keep_drop), corrector.lexicon
    )
    assert "перазозками" in gentle.correct_page(noisy)[0]


def test_word_three_edits_away_is_corrected_on_a_noisy_page_only(corrector: Corrector) -> None:
    noisy = NOISY_PAGE + "\nЧасти прозивовоздукиой\nобороны просят орудий."
    corrected, changes = corrector.correct_page(noisy)
    assert "Части противовоздушной\nобороны" in corrected
    change = next(c for c in changes if c.original == "прозивовоздукиой")
    assert (change.replacement, change.reason) == ("противовоздушной", "spelling-distant")
    assert corrector.lexicon.is_word("противовоздушной") and not corrector.lexicon.candidates("прозивовоздукиой", 2)
    clean = "Составы стоят на станциях по несколько суток, части прозивовоздукиой\nобороны ссылаются на нехватку."
    assert corrector.correct_page(clean) == (clean, [])
    near_only = Corrector(CorrectSettings(min_length_distant=0), corrector.lexicon)
    assert "прозивовоздукиой" in near_only.correct_page(noisy)[0]


def test_small_word_two_edits_away_that_may_be_a_name_changes_on_a_noisy_page_only(corrector: Corrector) -> None:
    # The guesser takes сдяако (-ко) for a surname as well: a transcription may write one small.
    assert corrector._maybe_name("сдяако")
    noisy = NOISY_PAGE + "\nПереговоры идут трудно, сдяако стороны согласились продолжить их."
    corrected, changes = corrector.correct_page(noisy)
    assert "трудно, однако стороны" in corrected
    assert {c.original: c.replacement for c in changes}["сдяако"] == "однако"
    clean = "Переговоры идут трудно, сдяако стороны согласились продолжить их в понедельник утром."
    assert corrector.correct_page(clean) == (clean, [])


def test_five_letter_word_two_confusions_away_changes_on_a_noisy_page_only(corrector: Corrector) -> None:
    # охопо: х read for к and п for л; no listed word is one edit from it, and the search at
    # one edit is all a word of five letters gets.
    line = "Беседа продолжалась охопо пяти часов с перерывом на ужин."
    corrected, changes = corrector.correct_page(NOISY_PAGE + "\n" + line)
    assert "продолжалась около пяти часов" in corrected
    assert {c.original: c.replacement for c in changes}["охопо"] == "около"
    clean = "Беседа продолжалась охопо пяти часов с перерывом на ужин, после чего стороны разошлись."
    assert corrector.correct_page(clean) == (clean, [])


def test_a_page_is_corrected_alike_whatever_page_came_before(corrector: Corrector) -> None:
    # Tesseract's confidence moves the keep prior: перазозками changes at 87 and stays at 88.
    # The token cache must not hand the second page the first one's answer for the same ten.
    page = NOISY_PAGE + "\nОпять задержка с перазозками угля."
    lone = Corrector(CorrectSettings(), corrector.lexicon)
    after = Corrector(CorrectSettings(), corrector.lexicon)
    assert "с перевозками угля" in after.correct_page(page, 1, {(4, 3): 87.0})[0]
    assert after.correct_page(page, 1, {(4, 3): 88.0}) == lone.correct_page(page, 1, {(4, 3): 88.0})
    assert "с перазозками угля" in lone.correct_page(page, 1, {(4, 3): 88.0})[0]


def test_no_grammar_change_builds_on_a_word_three_edits_away(corrector: Corrector) -> None:
    # The second pass reads решающего, the first pass's guess, as written: its ending is no
    # ground to change the noun after it (the scan has разрешающего выход).
    noisy = (
        NOISY_PAGE + "\nопубликования постановления, ра зреваощего выход из кооперати 08 0 окончании года,\n"
        "крестьяне ссылаются на нехзатку зерна."
    )
    corrected, changes = corrector.correct_page(noisy)
    assert "решающего выход из" in corrected
    assert [c.reason for c in changes if c.original == "зреваощего"] == ["spelling-distant"]


def test_second_pass_folds_into_records_of_the_page_as_read(corrector: Corrector) -> None:
    text = "ВТОРОЕ ГИАВНОЕ УПРАВЛЕНИЕ ГЕНШТАБА `ОВЕТСКОЙ АРМИИ\nИз КАЭСОНА Попучена 7 ч. 15 и: 3.8.1951 г."
    once = Corrector(CorrectSettings(second_pass=False), corrector.lexicon)
    first, _ = once.correct_page(text)
    corrected, changes = corrector.correct_page(text)
    assert corrected == once.correct_page(first)[0] != first  # the same as correcting twice
    assert undo_corrections(corrected, changes) == text
    lines = text.split("\n")
    for c in changes:  # each record names the text as read, on the line as read
        assert lines[c.line - 1][c.start : c.end] == c.original
    assert {c.reason for c in changes} >= {"phrase+noise", "punctuation+record-field"}


def test_disabled_changes_nothing() -> None:
    corrector = Corrector.load(CorrectSettings(enabled=False))
    assert corrector.correct_page("Прощу Вас") == ("Прощу Вас", [])


def test_correct_text_numbers_pages(corrector: Corrector) -> None:
    text = "Прощу Вас\fагентства Онайтед\f№ 326I"
    corrected, changes = corrector.correct_text(text)
    assert corrected == "Прошу Вас\fагентства Юнайтед\f№ 3261"
    assert [(c.page, c.line) for c in changes] == [(1, 1), (2, 1), (3, 1)]
    assert undo_corrections(corrected, changes) == text


def test_hyphenation_is_reversible_and_keeps_lines(corrector: Corrector) -> None:
    text = "Ваше конкретное мне-\nние по этому вопросу.\nКим Ир Сен."
    corrected, changes = corrector.correct_page(text)
    assert corrected.count("\n") == text.count("\n")
    assert "мнение" in corrected
    assert {c.reason for c in changes} == {"hyphenation"}
    assert undo_corrections(corrected, changes) == text


WORDS = [
    "Прощу",
    "Вас",
    "срочно",
    "сообщить",
    "Изе-дун",
    "Онайтед",
    "пресс",
    "мне-",
    "ние",
    "дейсгвий",
    "Булганину",
    "ФИЛИППОВУ",
    "Расш.",
    "с.г.",
    "тов.",
    "№",
    "пре",
    "кращения",
    "‚по",
    "Kорее",
    "войск",
    # the header and footer fields, spacing, phrase and case rules
    "Расы.",
    "Елезоз",
    "ч.",
    "н.",
    "м.",
    "и",
    "СЕРИЯ",
    "т",
    "итов.",
    "имени-тов.",
    "Ким",
    "ИР",
    "Сена",
    "Ру",
    "‚джуэй",
    "он.",
    "Мы",
    "Должны",
]
NUMBERS = [
    "326I",
    "3261",
    "29.6.51",
    "30.6.1951",
    "12.00",
    "I917-й",
    "38-й",
    "3-4",
    "№1402",
    "0",
    "1О",
    "4021",
    "12.15",
    "23",
    "40",
    "поставить.1800",
    "14.7.1951-г.",
    "4-",
    "1-2-",
    "23.6.с.г",
    "12.3.с.г..",
    "3261.",
]
token = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(NUMBERS),
    st.text(alphabet="абвгдежзийклмнопрстуфхцчшщъыьэюяIО0123456789.-", min_size=1, max_size=9),
)
line = st.lists(token, max_size=8).map(" ".join)
page_text = st.lists(line, min_size=1, max_size=5).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(page_text)
def test_undo_restores_input_and_outside_is_untouched(text: str) -> None:
    corrector = Corrector.load(CorrectSettings())
    corrected, changes = corrector.correct_page(text)
    assert undo_corrections(corrected, changes) == text
    lines = text.split("\n")
    spans: dict[int, list[tuple[int, int]]] = {}
    for c in changes:
        assert lines[c.line - 1][c.start : c.end] == c.original
        spans.setdefault(c.line, []).append((c.start, c.end))
    out_lines = corrected.split("\n")
    assert len(out_lines) == len(lines)
    for n, original in enumerate(lines, start=1):
        if n not in spans:
            assert out_lines[n - 1] == original


@settings(max_examples=150, deadline=None)
@given(page_text)
def test_digits_only_change_by_known_confusions(text: str) -> None:
    corrector = Corrector.load(CorrectSettings())
    _corrected, changes = corrector.correct_page(text)
    for c in changes:
        if "number" in c.reason.split("+"):
            # only letters read for digits become digits; every digit stays where it was (a mark
            # the punctuation rule takes off the front goes first: .00I -> 001)
            original = c.original.lstrip(".,:;") if "punctuation" in c.reason else c.original
            assert len(original) == len(c.replacement)
            for a, b in zip(original, c.replacement, strict=True):
                assert a == b or (not a.isdigit() and b.isdigit())
        elif c.reason == "letters-for-digits":
            # the preposition о or об read in digits, the one way a digit becomes a letter
            assert c.original in DIGIT_PREPOSITIONS and c.replacement.lower() == DIGIT_PREPOSITIONS[c.original]
        elif c.reason != "hyphenation":
            assert re.findall(r"\d", c.original) == re.findall(r"\d", c.replacement)


def test_word_tail_after_line_end_hyphen_is_left_alone() -> None:
    """With joining off (the default), the tail of a hyphenated word is not judged as a word."""
    text = "детских коммунис-\nтических групп"
    assert Corrector.load(CorrectSettings()).correct_page(text)[0] == text


@given(st.text(alphabet=st.sampled_from(list("аб ё.\t\u00a0\u2009x")), max_size=30))
@settings(max_examples=300, deadline=None)
def test_tokens_agree_with_the_whitespace_regex(line: str) -> None:
    from pipeline.correct import TOKEN, _tokens

    assert _tokens(line) == [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(line)]


@pytest.mark.parametrize("whole", [False, True], ids=["body", "whole record"])
def test_archive_transcription_of_21336_changes_only_its_errors(whole: bool) -> None:
    """The archive's own noisy transcription (bundled as scans/21336.transcript.txt): its known
    errors are fixed, the lower-cased signature gets its capitals, and nothing else changes --
    not the lower-cased surname ваморов, not a number, not a date. The whole record, as
    ``arkhiv correct`` reads it, is a noisy page, where a small-letter word two edits from a
    common one may change (ваморов had become выборов there)."""
    record = (Path(__file__).parents[1] / "scans" / "21336.transcript.txt").read_text(encoding="utf-8")
    body = record[record.index("ВТОРОЕ ГЛАВНОЕ") : record.index("SECOND MAIN ADMINISTRATION")]
    _text, changes = Corrector.load(CorrectSettings()).correct_text(record if whole else body)
    assert sorted((c.original, c.replacement) for c in changes) == sorted(
        [
            ("Изе-дун!", "Цзе-дун!"),
            ("Онайтед", "Юнайтед"),
            ("Прощу", "Прошу"),
            ("326I", "3261"),
            ("проверия:", "проверил:"),
            ("мао", "Мао"),
            ("цзе-дун", "Цзе-дун"),
        ]
    )


@st.composite
def two_passes(draw: st.DrawFn) -> tuple[str, list[Correction], list[Correction]]:
    """A line, disjoint edits on it, and disjoint edits on the line they make."""

    def edits_on(line: str) -> list[Correction]:
        cuts = sorted(draw(st.lists(st.integers(0, len(line)), max_size=6)))
        # Every change the corrector makes spans text (a token or more); none is a bare insertion.
        spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
        return [
            Correction(0, 0, a, b, "", draw(st.text("абв ", max_size=3)), draw(st.sampled_from("xyz")), 0.0, [])
            for a, b in spans
        ]

    line = draw(st.text("абвгд ", max_size=12))
    first = edits_on(line)
    return line, first, edits_on(_apply([line], first))


@settings(max_examples=300, deadline=None)
@given(two_passes())
def test_two_passes_fold_into_edits_of_the_line_as_read(case: tuple[str, list[Correction], list[Correction]]) -> None:
    line, first, second = case
    once = _apply([line], first)
    folded = _compose([once], first, second)
    assert _apply([line], folded) == _apply([once], second)
    spans = sorted((e.start, e.end) for e in folded)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # still disjoint


def test_the_second_pass_builds_no_grammar_change_on_a_guessed_preposition(corrector: Corrector) -> None:
    # The first pass guesses ет -> от (a short function word); read as typed, от would make the
    # right словам a misread слова. The second pass leaves the noun as it was read.
    text = "станции Анджу и Синанджу. Пс ет словам, за последние три недели"
    corrected, changes = corrector.correct_page(text)
    assert "словам," in corrected.split()
    assert ("ет", "от") in {(c.original, c.replacement) for c in changes}
    # A preposition read right still governs its noun in either pass.
    assert corrector.correct_page("помощь для фронте")[0] == "помощь для фронта"
