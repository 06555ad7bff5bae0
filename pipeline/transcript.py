"""Existing transcriptions: decode the bytes archives really use and find the Russian body.

Archives hand out UTF-8 (with or without a BOM) and, for older Russian material, cp1251
or KOI8-R. The two legacy code pages decode almost any byte string, so the choice is made
by how Russian the result looks (how frequent its letters are in Russian, case-blind, so that a
text typed in capitals decodes as well), with charset-normalizer's guess as a tie-breaker. UTF-8
with a few damaged bytes is refused, naming the first: read as a code page it would be nonsense.
A digital-archive record (title, citation, summary, original text, English translation) is
reduced to its longest Cyrillic stretch.
"""

from __future__ import annotations

import codecs
import logging
import math
import unicodedata

import charset_normalizer

from pipeline.errors import UnreadableTranscript

log = logging.getLogger(__name__)

LEGACY_ENCODINGS = ("cp1251", "koi8_r", "cp866")
# Letter frequencies of Russian running text (per cent; the usual corpus figures). A wrong
# code page maps letters onto others -- capitals onto small letters of other letters, in
# texts typed in capitals too -- and the text then scores as improbable Russian.
_LETTER_PERCENT = {
    "о": 10.97, "е": 8.45, "а": 8.01, "и": 7.35, "н": 6.70, "т": 6.26, "с": 5.47, "р": 4.73,
    "в": 4.54, "л": 4.40, "к": 3.49, "м": 3.21, "д": 2.98, "п": 2.81, "у": 2.62, "я": 2.01,
    "ы": 1.90, "ь": 1.74, "г": 1.70, "з": 1.65, "б": 1.59, "ч": 1.44, "й": 1.21, "х": 0.97,
    "ж": 0.94, "ш": 0.73, "ю": 0.64, "ц": 0.48, "щ": 0.36, "э": 0.32, "ф": 0.26, "ъ": 0.04,
    "ё": 0.04, "і": 0.5, "ѣ": 0.5, "ѳ": 0.01, "ѵ": 0.01,  # the last four: pre-1918 spelling
}  # fmt: skip
_LETTER_LOG = {c: math.log(p / 100) for c, p in _LETTER_PERCENT.items()}
_OTHER_LOG = math.log(0.0002)  # any other non-ASCII character: box drawing, Latin-1, symbols
# Non-ASCII punctuation Russian typography uses: says nothing about the code page.
_TYPOGRAPHY = frozenset("«»—–…№“”„‘’\u00a0")
# Mean log-frequency per letter: Russian text scores about -3.0, a wrong code page about -4.
_MIN_RUSSIAN_SCORE = -3.6
_MIN_LATIN_LETTERS = 4  # a line with fewer letters ("№ 326I") says nothing about its language
# A file that is not valid UTF-8 but has this many times more valid multi-byte characters than
# invalid bytes is damaged UTF-8: text in a legacy code page hardly ever forms a valid sequence.
_DAMAGED_UTF8_RATIO = 4


def _russian_score(text: str) -> float:
    """Mean log-frequency, as Russian letters, of the non-ASCII characters (case-blind; any that
    is no Russian letter counts as a rare one), less a penalty for control characters; -inf
    without such characters."""
    sample = text[:20000]
    # ASCII (an archive record's English, digits, punctuation) reads the same in every code page.
    chars = [c.lower() for c in sample if not c.isascii() and c not in _TYPOGRAPHY]
    if not chars:
        return -math.inf
    if _mixed_share(sample) > 0.5:
        return -math.inf  # Latin text whose accented letters a Cyrillic code page made Cyrillic
    mean = sum(_LETTER_LOG.get(c, _OTHER_LOG) for c in chars) / len(chars)
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    return mean - 50 * controls / len(sample)


def _mixed_share(sample: str) -> float:
    """Share of the words with non-ASCII letters that have ASCII letters too (``PriХre``)."""
    words = [w for w in sample.split() if any(c.isalpha() and not c.isascii() for c in w)]
    if not words:
        return 0.0
    return sum(1 for w in words if any(c.isascii() and c.isalpha() for c in w)) / len(words)


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample.strip():
        return False
    controls = sum(1 for c in sample if unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\r\t\f")
    letters = sum(1 for c in sample if c.isalpha())
    spaces = sum(1 for c in sample if c.isspace())
    return controls <= len(sample) * 0.01 and letters >= len(sample) * 0.3 and (spaces > 0 or len(sample) < 40)


def decode_transcript(data: bytes, source: str) -> str:
    """Text of a transcription file: UTF-8 (BOM stripped), UTF-16 with BOM, cp1251 or KOI8-R.

    Raises UnreadableTranscript (one line, naming ``source``) for empty, binary or
    undecodable files.
    """
    if not data.strip():
        raise UnreadableTranscript(source, "transcription file is empty")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(enc).lstrip("\ufeff")
            except UnicodeDecodeError as e:
                raise UnreadableTranscript(source, f"not valid {enc} despite its byte-order mark ({e.reason})") from e
            return _checked(text, source, enc)
    if b"\x00" in data:
        raise UnreadableTranscript(source, "binary file (contains NUL bytes), not a text transcription")
    try:
        return _checked(data.decode("utf-8"), source, "utf-8")
    except UnicodeDecodeError as e:
        _refuse_damaged_utf8(data, e, source)
    candidates: dict[str, str] = {}
    for enc in LEGACY_ENCODINGS:
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            continue
    guess = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    guessed = guess.encoding if guess is not None else None
    ranked = sorted(
        candidates.items(),
        key=lambda kv: _russian_score(kv[1]) + (0.01 if kv[0] == guessed else 0.0),
        reverse=True,
    )
    if not ranked or _russian_score(ranked[0][1]) < _MIN_RUSSIAN_SCORE:
        raise UnreadableTranscript(source, "cannot decode as UTF-8, cp1251 or KOI8-R Russian text")
    enc, text = ranked[0]
    log.info("%s: transcription decoded as %s", source, enc)
    return _checked(text, source, enc)


def _refuse_damaged_utf8(data: bytes, error: UnicodeDecodeError, source: str) -> None:
    """Raise for UTF-8 text with a few bad bytes: read as a legacy code page it would become
    nonsense throughout, and which bytes are wrong is something only the user can settle."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    multibyte = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    if multibyte > _DAMAGED_UTF8_RATIO * damaged:
        raise UnreadableTranscript(
            source,
            f"UTF-8 text with {damaged} invalid byte sequence(s), the first at byte {error.start}: "
            "repair or re-save the file as UTF-8",
        )


def _checked(text: str, source: str, encoding: str) -> str:
    if not _looks_like_text(text):
        raise UnreadableTranscript(source, f"does not look like text when decoded as {encoding}")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _script(line: str) -> str:
    """'cyr', 'lat' or '' (too few letters to tell) for one line."""
    letters = [c for c in line if c.isalpha()]
    cyr = sum(1 for c in letters if "CYRILLIC" in unicodedata.name(c, ""))
    if cyr and cyr * 2 >= len(letters):
        return "cyr"
    if len(letters) - cyr >= _MIN_LATIN_LETTERS:
        return "lat"
    return ""


def extract_body(text: str) -> str:
    """The original-language (Russian) body of a transcription.

    Plain Russian text passes through (stripped of blank edges). In an archive record the
    body is the longest run of Cyrillic lines, continuing over lines without enough
    letters to judge (dates, numbers) and blank lines, and stopping at Latin-script lines
    (title, citation, summary, translation). A short Latin line between two Cyrillic ones
    (a quoted name) stays in the body.
    """
    lines = text.split("\n")
    kinds = [_script(line) for line in lines]
    if "lat" not in kinds:
        return text.strip("\n").rstrip()
    # Short Latin lines sandwiched between Cyrillic lines belong to the body.
    for i, kind in enumerate(kinds):
        if kind != "lat" or len(lines[i].split()) > 3:
            continue
        prev = next((k for k in reversed(kinds[:i]) if k), "")
        nxt = next((k for k in kinds[i + 1 :] if k), "")
        if prev == nxt == "cyr":
            kinds[i] = "cyr-bridge"
    best: tuple[int, int, int] = (0, 0, 0)  # (cyrillic letters, start, end)
    i = 0
    while i < len(lines):
        if not kinds[i].startswith("cyr"):
            i += 1
            continue
        start = i
        while start > 0 and kinds[start - 1] == "":
            start -= 1
        end = i
        while end < len(lines) and kinds[end] != "lat":
            end += 1
        weight = sum(sum(1 for c in lines[k] if c.isalpha()) for k in range(start, end) if kinds[k] == "cyr")
        if weight > best[0]:
            best = (weight, start, end)
        i = end
    if best[0] == 0:
        return ""
    body = "\n".join(lines[best[1] : best[2]])
    return body.strip("\n").rstrip()
