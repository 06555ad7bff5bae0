"""The correction benchmark's word counts: what counts as fixed and as broken."""

from __future__ import annotations

from benchmarks.correction import evaluate_page


def test_a_mended_word_is_fixed_and_a_spoilt_one_broken() -> None:
    t = evaluate_page("page", "прощу срочно сообщить", "прошу срочно сообщить", "прошу срочно сообщит")
    assert (t.fixed, t.broken) == (1, 1)


def test_a_word_left_as_read_is_never_broken_when_the_alignment_pairs_it_differently() -> None:
    # One token changes (the first "x" becomes "b"); difflib then matches the GT's words to
    # other tokens, and a word the corrector did not touch would count as broken by alignment
    # alone.
    gt, raw, corrected = "d c a x x", "x x c d x", "b x c d x"
    t = evaluate_page("page", raw, gt, corrected)
    assert t.broken == 0
    assert t.fixed == 0
