"""Existing transcriptions: decode the bytes archives really use and find the Russian body.

Archives hand out UTF-8 (with or without a BOM) and, for older Russian material, cp1251
or KOI8-R. The two legacy code pages decode almost any byte string, so the choice is made
by how Russian the result looks (common lowercase letters, vowels, spaces), with
charset-normalizer's guess as a tie-breaker. A digital-archive record (title, citation,
summary, original text, English translation) is reduced to its longest Cyrillic stretch.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata

import charset_normalizer

from pipeline.errors import UnreadableTranscript

log = logging.getLogger(__name__)

LEGACY_ENCODINGS = ("cp1251", "koi8_r", "cp866")
# The most frequent Russian letters (about 60 % of running text); a wrong code page turns
# them into capitals, box-drawing or Latin-1 symbols.
_COMMON = set("оеаинтсрвлкмдпуяыьгзбч ")
_MIN_LATIN_LETTERS = 4  # a line with fewer letters ("№ 326I") says nothing about its language


def _russian_score(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    common = sum(1 for c in sample if c in _COMMON)
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    return (common - 5 * controls) / len(sample)


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
    except UnicodeDecodeError:
        pass
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
    if not ranked or _russian_score(ranked[0][1]) < 0.25:
        raise UnreadableTranscript(source, "cannot decode as UTF-8, cp1251 or KOI8-R Russian text")
    enc, text = ranked[0]
    log.info("%s: transcription decoded as %s", source, enc)
    return _checked(text, source, enc)


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
