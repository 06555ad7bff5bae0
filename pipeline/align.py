"""Align Arkhiv's corrected text with an existing transcription: CER, WER and reviewable hunks.

Both texts are normalised (NFC grapheme clusters, whitespace runs folded to one space,
optional case and punctuation folding) and every normalised unit remembers the span of the
original text it came from, so a difference found in normalised space can be shown, and
replaced, in the original files. Alignment is rapidfuzz's C++ Levenshtein in two levels
(words first, then characters between the words that agree), so a 300,000-character
document aligns in about a second instead of the minutes a single character-level
Hirschberg pass needs. CER/WER follow dinglehopper's definitions (edit distance over NFC
grapheme clusters / UAX #29 words, divided by the reference length).
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex
from rapidfuzz.distance import Levenshtein

log = logging.getLogger(__name__)

_GRAPHEME = regex.compile(r"\X")
_WORD_BREAK = regex.compile(r"(?V1w)\b")
_TOKEN = regex.compile(r"\S+")
_LETTERS = regex.compile(r"\p{L}+(?:-\p{L}+)*")
# Multi-code-point grapheme clusters become one code point of this plane, so rapidfuzz can
# align plain strings (its fastest path) while each cluster still counts as one unit.
_CLUSTER_PLANE = 0xF0000

Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class AlignSettings:
    """How texts are normalised before alignment, and how hunks are shaped."""

    fold_case: bool = False
    fold_punctuation: bool = False
    context_chars: int = 24
    max_hunk_chars: int = 80


@dataclass(frozen=True)
class Normalised:
    """Normalised text, one code point per unit, with each unit's span in the original."""

    units: str
    starts: list[int]
    ends: list[int]

    def span(self, i1: int, i2: int) -> tuple[int, int]:
        """Original offsets of units ``[i1, i2)``; an empty range maps to an insertion point."""
        if i2 > i1:
            return self.starts[i1], self.ends[i2 - 1]
        if i1 > 0:
            return self.ends[i1 - 1], self.ends[i1 - 1]
        return (self.starts[0], self.starts[0]) if self.starts else (0, 0)


def normalise(text: str, settings: AlignSettings, codebook: dict[str, str] | None = None) -> Normalised:
    """NFC grapheme clusters, whitespace runs as one space (none at the ends), optional folding.

    ``codebook`` maps multi-code-point clusters to single code points; share one between the
    two texts being aligned so equal clusters get equal codes.
    """
    book = {} if codebook is None else codebook
    fast = _normalise_simple(text, settings)
    if fast is not None:
        return fast
    units: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    space: tuple[int, int] | None = None
    for m in _GRAPHEME.finditer(text):
        g = m.group()
        if g.isspace():
            if units:
                space = (space[0] if space else m.start(), m.end())
            continue
        g = unicodedata.normalize("NFC", g)
        if settings.fold_punctuation and unicodedata.category(g[0])[0] == "P":
            continue
        if settings.fold_case:
            g = g.casefold()
        if space is not None:
            units.append(" ")
            starts.append(space[0])
            ends.append(space[1])
            space = None
        if len(g) != 1:
            g = book.setdefault(g, chr(_CLUSTER_PLANE + len(book)))
        units.append(g)
        starts.append(m.start())
        ends.append(m.end())
    return Normalised("".join(units), starts, ends)


# Anything that can make a grapheme cluster longer than one code point, or change under NFC.
_COMPLEX = regex.compile(r"[\p{M}\p{Cf}\p{Cs}\u1100-\u11FF\U0001F1E6-\U0001F1FF]")


def _normalise_simple(text: str, settings: AlignSettings) -> Normalised | None:
    """The common case (no combining marks, no punctuation folding) without a per-character loop."""
    if settings.fold_punctuation or _COMPLEX.search(text) or unicodedata.normalize("NFC", text) != text:
        return None
    folded = text.casefold() if settings.fold_case else text
    if len(folded) != len(text):
        return None
    starts: list[int] = []
    ends: list[int] = []
    pieces: list[str] = []
    previous_end = -1
    for m in _TOKEN.finditer(folded):
        s, e = m.span()
        if previous_end >= 0:
            pieces.append(" ")
            starts.append(previous_end)
            ends.append(s)
        pieces.append(m.group())
        starts.extend(range(s, e))
        ends.extend(range(s + 1, e + 1))
        previous_end = e
    return Normalised("".join(pieces), starts, ends)


def _distance(a: Sequence[Any], b: Sequence[Any]) -> int:
    """Exact Levenshtein distance; a growing band keeps similar long texts fast."""
    longest = max(len(a), len(b))
    cutoff = max(64, longest // 32)
    while True:
        d = Levenshtein.distance(a, b, score_cutoff=cutoff)
        if d <= cutoff or cutoff >= longest:
            return int(d)
        cutoff *= 4


def _char_opcodes(a: str, b: str, a0: int, b0: int) -> list[Opcode]:
    if not a and not b:
        return []
    if a == b:
        return [("equal", a0, a0 + len(a), b0, b0 + len(b))]
    hint = _distance(a, b) if max(len(a), len(b)) > 4096 else None
    return [
        (op.tag, a0 + op.src_start, a0 + op.src_end, b0 + op.dest_start, b0 + op.dest_end)
        for op in Levenshtein.opcodes(a, b, score_hint=hint)
    ]


def align_units(a: str, b: str) -> list[Opcode]:
    """Opcodes turning ``a`` into ``b``: words aligned first, characters between anchor words.

    Runs of words that agree are anchors; only the stretches between anchors are aligned
    character by character, which keeps long documents fast and the hunks word-shaped.
    """
    if a == b:
        return [("equal", 0, len(a), 0, len(b))] if a else []
    ta = [(m.start(), m.end()) for m in _TOKEN.finditer(a)]
    tb = [(m.start(), m.end()) for m in _TOKEN.finditer(b)]
    ids: dict[str, int] = {}
    wa = [ids.setdefault(a[s:e], len(ids)) for s, e in ta]
    wb = [ids.setdefault(b[s:e], len(ids)) for s, e in tb]
    hint = _distance(wa, wb) if max(len(wa), len(wb)) > 4096 else None
    word_ops = Levenshtein.opcodes(wa, wb, score_hint=hint) if wa or wb else []
    out: list[Opcode] = []
    pa = pb = 0  # end of the last anchor, in characters
    for op in word_ops:
        if op.tag != "equal":
            continue
        sa, ea = ta[op.src_start][0], ta[op.src_end - 1][1]
        sb, eb = tb[op.dest_start][0], tb[op.dest_end - 1][1]
        out.extend(_char_opcodes(a[pa:sa], b[pb:sb], pa, pb))
        out.append(("equal", sa, ea, sb, eb))
        pa, pb = ea, eb
    out.extend(_char_opcodes(a[pa:], b[pb:], pa, pb))
    merged: list[Opcode] = []
    for tag, i1, i2, j1, j2 in out:
        if i1 == i2 and j1 == j2:
            continue
        if merged and merged[-1][0] == tag == "equal":
            merged[-1] = ("equal", merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append((tag, i1, i2, j1, j2))
    return merged


def _clusters(text: str) -> list[str]:
    return _GRAPHEME.findall(unicodedata.normalize("NFC", text))


def _rate(distance: int, n: int) -> float:
    if distance == 0:
        return 0.0
    return float("inf") if n == 0 else distance / n


def character_error_rate(reference: str, hypothesis: str) -> tuple[float, int]:
    """CER over NFC grapheme clusters, and the reference length, as dinglehopper defines it.

    (inf, 0) when the reference is empty and the hypothesis is not; (0.0, 0) when both are.
    """
    ref, hyp = _clusters(reference), _clusters(hypothesis)
    return _rate(_distance(ref, hyp), len(ref)), len(ref)


def words(text: str) -> list[str]:
    """UAX #29 words of the NFC text, skipping whitespace/punctuation-only segments (dinglehopper)."""
    out = []
    for w in _WORD_BREAK.split(unicodedata.normalize("NFC", text)):
        if w and not all(_unwanted(c) for c in w):
            out.append(w)
    return out


def _unwanted(c: str) -> bool:
    cat = unicodedata.category(c)
    return cat[0] in "OMPZS" or cat in ("Cc", "Cf")


def word_error_rate(reference: str, hypothesis: str) -> tuple[float, int]:
    """WER over UAX #29 words, and the reference word count, as dinglehopper defines it."""
    ref, hyp = words(reference), words(hypothesis)
    return _rate(_distance(ref, hyp), len(ref)), len(ref)


def _fold_ws(text: str) -> str:
    return " ".join(text.split())


def comparison_key(text: str, settings: AlignSettings) -> str:
    """The form in which two hunk texts count as equal (the alignment's normalisation)."""
    text = unicodedata.normalize("NFC", text)
    if settings.fold_punctuation:
        text = "".join(c for c in text if unicodedata.category(c)[0] != "P")
    if settings.fold_case:
        text = text.casefold()
    return " ".join(text.split())


def normalise_text(text: str, settings: AlignSettings) -> str:
    """The normalised text as a readable string (clusters decoded back)."""
    book: dict[str, str] = {}
    units = normalise(text, settings, book).units
    if not book:
        return units
    decode = {v: k for k, v in book.items()}
    return "".join(decode.get(u, u) for u in units)


# --- hunks --------------------------------------------------------------------------------


@dataclass
class _Span:
    i1: int
    i2: int
    j1: int
    j2: int


def _expand(a: str, b: str, s: _Span) -> _Span:
    """Grow a difference to whole words; within agreeing text both sides grow alike."""
    i1, i2, j1, j2 = s.i1, s.i2, s.j1, s.j2
    sides = [x for x in (a[i1:i2], b[j1:j2]) if x]
    # A whole inserted or deleted word brings its own space: do not swallow the neighbour.
    grow_left = not all(x.startswith(" ") for x in sides)
    grow_right = not all(x.endswith(" ") for x in sides)
    while grow_left and i1 > 0 and j1 > 0 and a[i1 - 1] == b[j1 - 1] and a[i1 - 1] != " ":
        i1 -= 1
        j1 -= 1
    while grow_right and i2 < len(a) and j2 < len(b) and a[i2] == b[j2] and a[i2] != " ":
        i2 += 1
        j2 += 1
    return _Span(i1, i2, j1, j2)


def group_hunks(a: str, b: str, opcodes: list[Opcode], max_chars: int = 80) -> list[_Span]:
    """Differences grown to whole words; neighbours one space apart become one hunk."""
    spans: list[_Span] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        s = _expand(a, b, _Span(i1, i2, j1, j2))
        if spans:
            last = spans[-1]
            touching = s.i1 <= last.i2 or s.j1 <= last.j2
            one_space = a[last.i2 : s.i1] == " " and b[last.j2 : s.j1] == " "
            small = max(s.i2 - last.i1, s.j2 - last.j1) <= max_chars
            if touching or (one_space and small):
                spans[-1] = _Span(last.i1, max(last.i2, s.i2), last.j1, max(last.j2, s.j2))
                continue
        spans.append(s)
    return spans


def _offset_mapper(opcodes: list[Opcode]) -> Callable[[int, bool], int]:
    """Map an offset of the first text to the second through opcodes (start or end side)."""
    starts = [op[1] for op in opcodes]

    def mapped(x: int, is_end: bool) -> int:
        if not opcodes:
            return 0
        k = bisect.bisect_right(starts, x) - 1
        if is_end and k > 0 and opcodes[k][1] == x:
            k -= 1  # an end offset belongs to the block it closes
        k = max(k, 0)
        tag, i1, i2, j1, j2 = opcodes[k]
        if tag == "equal":
            return j1 + min(max(x - i1, 0), i2 - i1)
        return j2 if (is_end or x >= i2) else j1

    return mapped


def _word_offsets(ocr: str, words: list[dict]) -> list[tuple[int, int, dict]]:
    """Each non-noise word's span in ``ocr`` (pages split by form feed, lines by newline)."""
    page_starts: list[int] = []
    pos = 0
    for page in ocr.split("\f"):
        page_starts.append(pos)
        pos += len(page) + 1
    line_cache: dict[int, list[int]] = {}
    cursor: dict[tuple[int, int], int] = {}
    out: list[tuple[int, int, dict]] = []
    for w in words:
        if w.get("noise") or not w.get("text"):
            continue
        p, ln = int(w.get("page", 1)), int(w.get("line", 0))
        if not 1 <= p <= len(page_starts):
            continue
        if p not in line_cache:
            base = page_starts[p - 1]
            end = page_starts[p] - 1 if p < len(page_starts) else len(ocr)
            offs = [base]
            for k in range(base, end):
                if ocr[k] == "\n":
                    offs.append(k + 1)
            offs.append(end + 1)
            line_cache[p] = offs
        offs = line_cache[p]
        if not 1 <= ln < len(offs):
            continue
        line_start, line_end = offs[ln - 1], offs[ln] - 1
        at = ocr.find(w["text"], cursor.get((p, ln), line_start), line_end)
        if at < 0:
            continue
        cursor[(p, ln)] = at + len(w["text"])
        out.append((at, at + len(w["text"]), w))
    out.sort(key=lambda t: t[0])
    return out


def _line_offsets(text: str) -> dict[tuple[int, int], int]:
    """(page, line) -> absolute offset of that line's start in ``text``."""
    out: dict[tuple[int, int], int] = {}
    pos = 0
    for p, page in enumerate(text.split("\f"), start=1):
        for ln, line in enumerate(page.split("\n"), start=1):
            out[(p, ln)] = pos
            pos += len(line) + 1
    return out


def _region(
    os_: int, oe: int, located: list[tuple[int, int, dict]], located_starts: list[int]
) -> tuple[int | None, list[int] | None]:
    """Page and union box of the words covering OCR offsets [os_, oe), or the nearest word."""
    k = bisect.bisect_left(located_starts, oe)
    hits = [t for t in located[max(0, k - 64) : k + 1] if t[0] < oe and t[1] > os_]
    if not hits:
        before = bisect.bisect_right(located_starts, os_) - 1
        near = located[before] if before >= 0 else (located[0] if located else None)
        hits = [near] if near else []
    if not hits:
        return None, None
    page = int(hits[0][2].get("page", 1))
    boxes = [t[2]["box"] for t in hits if int(t[2].get("page", 1)) == page and t[2].get("box")]
    if not boxes:
        return page, None
    left = min(int(b["left"]) for b in boxes)
    top = min(int(b["top"]) for b in boxes)
    right = max(int(b["left"]) + int(b["width"]) for b in boxes)
    bottom = max(int(b["top"]) + int(b["height"]) for b in boxes)
    return page, [left, top, right - left, bottom - top]


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def default_is_word(word: str) -> bool:
    """Whether pymorphy3's Russian dictionary knows the word (a cheap, offline lexicon)."""
    return bool(_morph().word_is_known(word.lower()))


def suggest(
    ocr: str, transcript: str, corrected: str, settings: AlignSettings, is_word: Callable[[str], bool]
) -> tuple[str | None, str]:
    """Which side probably wins a hunk, and why; (None, "") when nothing speaks for either."""
    k_ocr, k_tr, k_co = (comparison_key(t, settings) for t in (ocr, transcript, corrected))
    winner, why = _suggest_number(transcript, corrected)
    if winner:
        return winner, why
    if k_tr == k_co:
        if k_ocr != k_co:
            return "corrected", "the transcription and Arkhiv's correction agree against the raw OCR"
        return None, ""
    by_dictionary = _suggest_by_dictionary(transcript, corrected, is_word)
    if by_dictionary[0]:
        return by_dictionary
    if k_ocr == k_tr and k_ocr != k_co:
        return "transcript", "the transcription and the raw OCR agree; Arkhiv's correction differs"
    return None, ""


def _suggest_by_dictionary(transcript: str, corrected: str, is_word: Callable[[str], bool]) -> tuple[str | None, str]:
    """A dictionary word against a non-word; numbers and inserted text are no evidence."""
    if any(c.isdigit() for c in transcript + corrected):
        return None, ""
    tr_words, co_words = _LETTERS.findall(transcript), _LETTERS.findall(corrected)
    known = {w: is_word(w) for w in {*tr_words, *co_words}}
    tr_known = bool(tr_words) and all(known[w] for w in tr_words)
    co_known = bool(co_words) and all(known[w] for w in co_words)
    if tr_known and co_words and not co_known:
        bad = next(w for w in co_words if not known[w])
        return "transcript", f"«{bad}» is not in the dictionary; «{' '.join(tr_words)}» is"
    if co_known and tr_words and not tr_known:
        bad = next(w for w in tr_words if not known[w])
        return "corrected", f"«{bad}» (transcription) is not in the dictionary; «{' '.join(co_words)}» is"
    return None, ""


# Letters a typewriter or an OCR engine puts where a digit belongs (Latin I/l/O, Cyrillic З/О/б).
_DIGIT_LOOKALIKES = regex.compile(r"(?<=\d)[IlOoЗзОоб]|[IlOoЗзОоб](?=\d)")


def _suggest_number(transcript: str, corrected: str) -> tuple[str | None, str]:
    """A number with a look-alike letter inside (326I) loses to the same number in digits."""
    tr_mixed, co_mixed = bool(_DIGIT_LOOKALIKES.search(transcript)), bool(_DIGIT_LOOKALIKES.search(corrected))
    if tr_mixed and not co_mixed and corrected.strip():
        return "corrected", f"«{transcript.strip()}» has a letter inside a number"
    if co_mixed and not tr_mixed and transcript.strip():
        return "transcript", f"«{corrected.strip()}» has a letter inside a number"
    return None, ""


def _hunk_id(before: str, transcript: str, corrected: str, after: str) -> str:
    # Context comes from the transcription, which does not change when OCR or correction
    # rules do, so a decision keeps its id as long as this stretch of text is unchanged.
    payload = "\x1f".join((_fold_ws(before), _fold_ws(transcript), _fold_ws(corrected), _fold_ws(after)))
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]


def diff_document(
    corrected: str,
    transcript: str,
    *,
    ocr: str,
    words: list[dict],
    corrections: list[dict],
    settings: AlignSettings,
    is_word: Callable[[str], bool] | None = None,
) -> dict:
    """The content of ``diff.json``: metrics (reference = transcript) and reviewable hunks.

    ``corrected``/``ocr`` separate pages with a form feed; ``words`` are words.json dicts and
    ``corrections`` corrections.json dicts. Metrics are computed on the normalised texts
    (whitespace and line breaks folded, plus the optional folding), because the archive's
    line breaks are not the typed ones. Hunks include places where Arkhiv's correction
    agrees with the transcription against the raw OCR (``"agreed": true``), so those
    changes are visible, but they need no decision.
    """
    check_word = is_word or default_is_word
    book: dict[str, str] = {}
    na = normalise(corrected, settings, book)
    nb = normalise(transcript, settings, book)
    ops = align_units(na.units, nb.units)
    upper = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")
    # The two-level alignment can miss the optimum by a little; the exact distance is cheap
    # once its upper bound is known (rapidfuzz then only computes a band of that width).
    distance = int(Levenshtein.distance(na.units, nb.units, score_cutoff=upper)) if upper else 0
    n_chars = len(nb.units)
    decode = {v: k for k, v in book.items()}
    plain_a = "".join(decode.get(u, u) for u in na.units)
    plain_b = "".join(decode.get(u, u) for u in nb.units)
    wer, n_words = word_error_rate(plain_b, plain_a)

    to_ocr = _offset_mapper(align_units(corrected, ocr)) if corrected != ocr else None
    located = _word_offsets(ocr, words)
    located_starts = [t[0] for t in located]
    line_starts = _line_offsets(ocr)
    spans_of_corrections: list[tuple[int, int]] = []
    for c in corrections:
        base = line_starts.get((int(c.get("page", 1)), int(c.get("line", 1))))
        if base is None:
            spans_of_corrections.append((-1, -1))
        else:
            spans_of_corrections.append((base + int(c["start"]), base + int(c["end"])))

    spans = group_hunks(na.units, nb.units, ops, settings.max_hunk_chars)
    spans.extend(_agreed_spans(na, nb, ops, corrected, ocr, spans, to_ocr))
    spans.sort(key=lambda s: (s.i1, s.j1))

    page_breaks = [k for k, ch in enumerate(corrected) if ch == "\f"]
    hunks: list[dict] = []
    seen: dict[str, int] = {}
    ctx = settings.context_chars
    for s in spans:
        cs, ce = na.span(s.i1, s.i2)
        ts, te = nb.span(s.j1, s.j2)
        c_text, t_text = corrected[cs:ce], transcript[ts:te]
        if to_ocr is None:
            os_, oe = cs, ce
        else:
            os_, oe = to_ocr(cs, False), to_ocr(ce, True)
            oe = max(oe, os_)
        o_text = ocr[os_:oe]
        page, box = _region(os_, oe, located, located_starts)
        if page is None:
            page = bisect.bisect_right(page_breaks, cs - 1) + 1
        touched = [
            k
            for k, (a1, a2) in enumerate(spans_of_corrections)
            if a1 >= 0 and a1 <= oe and a2 >= os_ and (a1 < oe and a2 > os_ or os_ == oe or a1 == a2)
        ]
        before = transcript[nb.span(max(0, s.j1 - ctx), s.j1)[0] : ts]
        after = transcript[te : nb.span(s.j2, min(len(nb.units), s.j2 + ctx))[1]]
        hid = _hunk_id(before, t_text, c_text, after)
        seen[hid] = seen.get(hid, 0) + 1
        if seen[hid] > 1:
            hid = f"{hid}-{seen[hid]}"
        winner, why = suggest(o_text, t_text, c_text, settings, check_word)
        hunks.append(
            {
                "id": hid,
                "page": page,
                "box": box,
                "ocr": o_text,
                "transcript": t_text,
                "corrected": c_text,
                "suggestion": winner,
                "why": why,
                "agreed": comparison_key(t_text, settings) == comparison_key(c_text, settings),
                "corrections": touched,
                "corrected_span": [cs, ce],
                "transcript_span": [ts, te],
                "ocr_span": [os_, oe],
                "context_before": _fold_ws(before),
                "context_after": _fold_ws(after),
            }
        )
    log.debug("aligned %d/%d units: %d hunks", len(na.units), len(nb.units), len(hunks))
    return {
        "cer": _rate(distance, n_chars),
        "wer": wer,
        "n_chars": n_chars,
        "n_words": n_words,
        "distance": distance,
        "settings": {
            "fold_case": settings.fold_case,
            "fold_punctuation": settings.fold_punctuation,
        },
        "hunks": hunks,
    }


def _agreed_spans(
    na: Normalised,
    nb: Normalised,
    ops: list[Opcode],
    corrected: str,
    ocr: str,
    taken: list[_Span],
    to_ocr: Callable[[int, bool], int] | None,
) -> list[_Span]:
    """Places where the corrector changed the OCR and the transcription agrees with the change."""
    if to_ocr is None:
        return []
    changed = [op for op in align_units(corrected, ocr) if op[0] != "equal"]
    if not changed:
        return []
    unit_of = na.starts
    to_b = _offset_mapper(ops)
    out: list[_Span] = []
    for _tag, c1, c2, _o1, _o2 in changed:
        i1 = bisect.bisect_left(unit_of, c1)
        i2 = max(i1, bisect.bisect_left(unit_of, c2))
        s = _expand(na.units, na.units, _Span(i1, i2, i1, i2))
        if any(t.i1 <= s.i2 and s.i1 <= t.i2 for t in taken + out):
            continue
        j1, j2 = to_b(s.i1, False), to_b(s.i2, True)
        if nb.units[j1:j2] != na.units[s.i1 : s.i2] or s.i1 == s.i2:
            continue
        out.append(_Span(s.i1, s.i2, j1, j2))
    return out


def diff_texts(reference: str, hypothesis: str, settings: AlignSettings) -> dict:
    """Align two plain texts (``arkhiv diff A B``): reference plays the transcription."""
    return diff_document(hypothesis, reference, ocr=hypothesis, words=[], corrections=[], settings=settings)
