"""The fixed fields of a cipher telegram's header and footer, as OCR reads them.

A telegram's layout says what some tokens must be: the number sign before its number, the
list of who gets copies (``Копии: Сталину (2), Молотову``), a date's parts (``29.6.51``), a
year's or a time's one-letter units (``1951 г.``, ``23 ч. 40 м.``). These pure functions on a
line's token texts say which of those tokens OCR misread and what they must read; the corrector
turns their answers into changes. Digits are never altered here.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

# A capitalised word with its punctuation, as header lines hold (ФИЛИППОВУ, "Г", ПЕКИН,).
HEADER_WORD = re.compile(r"^[^\w]*([А-ЯЁ][а-яёА-ЯЁ-]*)[^\w]*$")
# A date once its blanks are gone: day, month, then a year or с.г. (this year).
SPLIT_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(?:\d{2}|\d{4}|с\.г\.?)[.,;:\"»)]*$")
# Tesseract's readings of the number sign when a number follows.
NUMBER_SIGN_MISREADS = frozenset({"М", "Ме", "Мо", "Nо"})
# Every token number_sign_read may take for the sign (it asks more of the small м and %).
NUMBER_SIGN_TOKENS = NUMBER_SIGN_MISREADS | {"м", "%"}
# The hours and the minutes of a time in a telegram's header or footer (16 ч. 05 м.), and the
# one-letter unit after each (ч. м., or a misreading of it).
TIME_NUMBER = re.compile(r"^\d{1,2}$")
MINUTES = re.compile(r"^\d{2}$")
# Minutes glued to their unit (25м.), its stop perhaps read as a comma or lost.
GLUED_MINUTES = re.compile(r"^(\d{2})м[.,]?$")
TIME_UNIT = re.compile(r"^[а-яёА-ЯЁ][.,]?$")
# The header field listing who gets copies (Копии: Сталину (2), Молотову): its label as OCR reads
# it, one letter perhaps misread or lost (Кочии:, копчи:, коии:), any marks around it.
COPIES_LABEL = re.compile(r"^[^\w]*([Кк][а-яё]{3,5})[^\w]*$")
# A copies list's entry: a surname in the dative, capitalised or in capitals; a count after one.
COPIES_NAME = re.compile(r"[А-ЯЁ][а-яё]{3,}|[А-ЯЁ]{4,}")
COUNT_IN_PARENTHESES = re.compile(r"\(\d{1,2}\)")
# A count whose parentheses OCR read as braces: {2}, (2}, {2).
COUNT_BRACES = re.compile(r"^[({](\d{1,2})[)}](?=[.,;]?$)")
# A count in parentheses with either parenthesis perhaps lost: (2), 2), (2, (2.
UNBALANCED_COUNT = re.compile(r"^(\(?)(\d{1,2})(\)?)([.,;]?)$")
# A number or date, then a year's, hour's or minute's unit with a comma for its stop (1951 г,).
NUMBER_BEFORE_UNIT = re.compile(r"^\d+(?:\.\d+)*$")
UNIT_WITH_COMMA = frozenset({"г,", "ч,", "м,"})
# A year (1951): a plain number the unit г. (год) follows, not grams.
YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
# Titles before a surname, with their stops (тов. Сталину, тт. Маленкову и Берия).
NAME_TITLES = frozenset({"тов.", "тт.", "т.т."})
# A telegram's number (three to five digits), and a plain number (which a unit may follow).
TELEGRAM_NUMBER = re.compile(r"^\d{3,5}$")
PLAIN_NUMBER = re.compile(r"^\d+$")
# A capitalised or lower-case word of two to six letters and a stop: maybe a footer's label.
FOOTER_LABEL = re.compile(r"^[А-ЯЁа-яё][а-яё]{1,5}[.,]$")
# The words of a telegram's header lines: the agency, the telegram's kind, its series.
HEADER_WORDS = frozenset(
    {"ВТОРОЕ", "ГЛАВНОЕ", "УПРАВЛЕНИЕ", "ГЕНШТАБА", "СОВЕТСКОЙ", "АРМИИ", "ШИФРТЕЛЕГРАММА", "СЕРИЯ"}
)
# A stop, colon, semicolon or question mark after a capital letter or a closing quote.
TRAILING_SPECK = re.compile(r"(?<=[А-ЯЁ\"”»])[.:;?]+$")
# The label of the footer line saying where each copy went (Экз. № 1-2 - адресату), any mark after it.
DISTRIBUTION_LABEL = re.compile(r"^[Ээ]кз[.,:;]$")
# The header field saying where the telegram came from and when it was sent or received
# (Из ПЕКИНА Получена 11 ч. 30 м.): its words in small letters.
FROM_FIELD_WORDS = frozenset({"получена", "отправлена", "поступила"})
# A from-field word OCR misread (Полу-зена, получен?): its letters and a hyphen, any marks after.
FROM_FIELD_MISREAD = re.compile(r"^[А-ЯЁа-яё][а-яёА-ЯЁ-]{4,}[^\w]*$")
# The header's series field (СЕРИЯ "Г"): the series, one capital letter, in marks OCR may read
# as other quotes or specks ("г*, *Г"), or lose one of ("Г).
SERIES_LETTER = re.compile(r"^([\"“”„«»*'`]*)([А-ЯЁа-яё])([\"“”„«»*'`]*)[.,:;]?$")
# The abbreviation "this year" (с.г.), alone or closing a date (23.6.с.г.), read with its closing
# stop lost or read as a comma.
THIS_YEAR_MISREAD = re.compile(r"^((?:\d{1,2}\.\d{1,2}\.)?с\.г)(,?)$")
# Words a comma after с.г. stands before: a clause or a conjunction opens there (с.г., когда).
CLAUSE_OPENERS = frozenset(
    {"что", "когда", "так", "как", "если", "чтобы", "где", "но", "а", "однако", "причем", "хотя", "пока"}
)
# The forms of the title one letter from the address's dative (Товарищ ИВАНОВ heads no telegram).
OTHER_TITLE_FORMS = frozenset({"товарищ", "товарищи", "товарища"})
# A date with its year (9.1.1952, 29.6.51): the unit г. may follow it, and a header's time
# (22 ч. 50 м.) comes before it.
DATE_WITH_YEAR = re.compile(r"^\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})$")
# The labels of a footer's fields, whatever case OCR read them in: who deciphered the telegram
# (Расш.), who typed it out (Отп.), who enciphered it (Зашифр.).
FOOTER_LABELS = frozenset({"расш.", "отп.", "зашифр."})
FOOTER_LABEL_ANY_CASE = re.compile(r"^[А-ЯЁа-яё]{2,6}[.,]$")
# A footer's clock time (12.15) with a comma, colon or semicolon perhaps read for its dot; OCR may
# add a dash before it.
CLOCK_TIME = re.compile(r"^-?(\d{1,2})[.,:;](\d{2})$")
# A footer's date (30.6, 8.8.51), any of its dots perhaps read as a comma, colon or semicolon, and
# perhaps a speck after it: footer fields are no sentences.
FOOTER_DATE = re.compile(r"^(\d{1,2})[.,:;](\d{1,2})(?:[.,:;](\d{2}))?[.,:;]?$")


def number_sign_read(token: str, following: str, previous: str) -> bool:
    """``М 3261``: Tesseract's usual readings of the number sign before a number; a small ``м``
    or ``%`` too, before a telegram's number and not after a number it could measure or count
    (``40 м 300``)."""
    if token in NUMBER_SIGN_MISREADS:
        return following[:1].isdigit()
    return token in ("м", "%") and bool(TELEGRAM_NUMBER.match(following)) and not PLAIN_NUMBER.match(previous)


def line_before(tokens: list[list[tuple[int, int, str]]], li: int) -> list[tuple[int, int, str]] | None:
    """The tokens of the last line with text before line ``li``, or None if there is none."""
    return next((tokens[k] for k in range(li - 1, -1, -1) if tokens[k]), None)


def after_header(tokens: list[list[tuple[int, int, str]]], li: int) -> bool:
    """Whether the last line with text before line ``li`` is a header: every word capitalised,
    one of them in capitals (``Товарищу ФИЛИППОВУ``, ``СЕРИЯ "Г"``); the text opens after it."""
    previous = line_before(tokens, li)
    if previous is None:
        return False
    if previous[-1][2].endswith(","):
        return False  # the line goes on (В. Ф. ГУСЕВ, / полковник в отставке)
    words = [HEADER_WORD.match(text) for _s, _e, text in previous]
    return all(words) and any(len(w.group(1)) > 1 and w.group(1).isupper() for w in words if w)


def copies_label(texts: list[str]) -> bool:
    """Whether a line opens with the copies field's label: ``Копии`` with a mark or before a
    name, or with one letter misread or lost (``Кочии:``, ``коии:``) when a capitalised word and
    a comma follow (a list of names, not ``Копия верна``)."""
    label = COPIES_LABEL.match(texts[0]) if texts else None
    if label is None:
        return False
    misread = Levenshtein.distance(label.group(1).lower(), "копии")
    if misread == 0:
        # ``Копии:`` (``Копии :``), or a name after it (the colon lost); not prose (``Копии отправлены``).
        return texts[0] != label.group(1) or len(texts) == 1 or texts[1][:1].isupper() or texts[1][:1] in ":;.,"
    return misread == 1 and len(texts) > 2 and texts[1][:1].isupper() and any(t.endswith(",") for t in texts)


def copies_line(texts: list[str]) -> dict[int, str]:
    """The header's list of who gets copies, ``Копии: Сталину (2), Молотову, Булганину``: its label
    with a colon, counts in parentheses, commas between the names and nothing after the last.
    Marks read after a name (``Сталин:``, ``Булганину,,``, a stop or semicolon for the comma)
    become that comma, or nothing before its count and at the end (where a comma read stays: the
    list goes on to the next line); braces read for parentheses become them."""
    out = {0: "Копии:"}
    if len(texts) > 1 and texts[1] in (":", ";", ".", ","):
        out[1] = ""  # the label's colon read apart (Копии : Сталину): the label has it now
    for k in range(1 + (1 in out), len(texts)):
        if texts[k].lower() in NAME_TITLES:
            continue  # Копии: тт. Маленкову, ...: the title keeps its stop
        text = COUNT_BRACES.sub(r"(\1)", texts[k])
        text = parenthesised_count(text, texts[k - 1]) or text
        bare = text.rstrip(".,;:")
        if bare != text and (bare[-1:].isalpha() or bare[-1:] == ")"):
            following = texts[k + 1] if k + 1 < len(texts) else ""
            before_count = bare[-1:].isalpha() and following[:1] in "({"
            # At the line's end only a comma stays: the list goes on to the next line.
            goes_on = not following and "," in text[len(bare) :]
            text = bare + ("," if following and not before_count or goes_on else "")
        elif bare == text and k + 1 < len(texts) and _entry_before_entry(text, texts[k + 1]):
            text += ","  # Сталину (2) Молотову: the comma lost between two entries
        out[k] = text
    return out


def _entry_before_entry(entry: str, following: str) -> bool:
    """Whether a copies list's entry with no mark after it (a name, or its count in parentheses)
    stands before another name: a comma was lost between them. Short tokens may be halves of a
    name OCR split (``Булга нину``), and a name before its count takes none."""
    name = COPIES_NAME.fullmatch(entry) is not None
    after = COPIES_NAME.fullmatch(following.rstrip(".,;:")) is not None
    return (name or COUNT_IN_PARENTHESES.fullmatch(entry) is not None) and after


def parenthesised_count(token: str, previous: str) -> str | None:
    """``Сталину 2),`` / ``(2,`` / ``(2.`` -> ``(2),`` / ``(2),`` / ``(2)``: a count in parentheses
    after a word (the copies a recipient gets) that OCR read with one of its parentheses lost or
    read as a stop. Balanced ones, numbered points (``2)`` first on a line), and an opening one
    with a bare number (``(32 летчика)``, an aside the words after it close) stay."""
    m = UNBALANCED_COUNT.match(token)
    if m is None or not previous[-1:].isalpha():
        return None
    opening, number, closing, trail = m.groups()
    if bool(opening) == bool(closing):
        return None
    if opening and not trail:
        return None  # полк (32 летчика): an aside that closes after the words it opens on
    if not closing and trail[:1] in (".", ";"):
        trail = trail[1:]  # the stop where the closing parenthesis was
    return f"({number}){trail}"


def unit_stop(texts: list[str], ti: int) -> dict[int, str]:
    """``1951 г,`` -> ``1951 г.``, ``3 ч, 15 м.`` -> ``3 ч. 15 м.``: a year's or a time's one-letter
    unit after a number is an abbreviation, which always has its stop: a comma there before a
    capital or a number is a misread stop, and before a small letter the stop was lost (``г.,``).
    Not grams after a number that is no year, nor metres after a number that follows no hours.
    The year's unit with its stop lost (``1952 г дополнительно``) gets it back."""
    if ti + 1 < len(texts) and texts[ti + 1] == "г" and (YEAR.match(texts[ti]) or DATE_WITH_YEAR.match(texts[ti])):
        return {ti + 1: "г."}
    if ti + 1 < len(texts) and texts[ti + 1] in UNIT_WITH_COMMA and NUMBER_BEFORE_UNIT.match(texts[ti]):
        unit = texts[ti + 1][0]
        if unit == "г" and "." not in texts[ti] and not YEAR.match(texts[ti]):
            return {}  # 500 г, (grams) has no stop; a date (17.2.195 г,) ends in its year
        if unit == "м" and not (ti and texts[ti - 1] in ("ч.", "ч,")):
            return {}  # 25 м, (metres) has none either: minutes follow hours
        following = texts[ti + 2] if ti + 2 < len(texts) else ""
        return {ti + 1: unit + (".," if following[:1].islower() else ".")}
    return {}


def time_units(texts: list[str], ti: int) -> dict[int, str]:
    """Units to write in a time starting at ``ti`` (``23 н. 40 м.``: {ti + 1: "ч."}), or none.

    Hours up to 24, a one-letter unit, two-digit minutes, a one-letter unit, then a date or the
    line's end; one of the two units must already read right, so ``10 и 15 и 20`` is no time.
    """
    if ti + 3 >= len(texts) or not TIME_NUMBER.match(texts[ti]) or not MINUTES.match(texts[ti + 2]):
        return {}
    hours_unit, minutes_unit = texts[ti + 1], texts[ti + 3]
    following = texts[ti + 4] if ti + 4 < len(texts) else "0"
    if int(texts[ti]) > 24 or int(texts[ti + 2]) > 59 or not following[:1].isdigit():
        return {}
    if not (TIME_UNIT.match(hours_unit) and TIME_UNIT.match(minutes_unit)):
        return {}
    if hours_unit == "ч.":
        return {ti + 3: "м."}
    if minutes_unit == "м.":
        return {ti + 1: "ч."}
    return {}


def glued_minutes(texts: list[str], ti: int) -> dict[int, str]:
    """``9 ч. 25м.`` -> ``9 ч. 25 м.``: the minutes of a time starting at ``ti`` read without the
    blank before their unit, as the archive's headers never write them; then a date or the
    line's end. The digits stay as read."""
    if ti + 2 >= len(texts) or not TIME_NUMBER.match(texts[ti]) or texts[ti + 1] != "ч.":
        return {}
    m = GLUED_MINUTES.match(texts[ti + 2])
    following = texts[ti + 3] if ti + 3 < len(texts) else "0"
    if m is None or int(texts[ti]) > 24 or int(m.group(1)) > 59 or not following[:1].isdigit():
        return {}
    return {ti + 2: f"{m.group(1)} м."}


def this_year_stop(texts: list[str], ti: int) -> dict[int, str]:
    """``18 ноября с.г, на аэродроме`` -> ``с.г.``, ``от 28.6.с.г, говорится`` -> ``28.6.с.г.``: the
    abbreviation "this year", alone or closing a date, always ends in its stop. A comma read after
    it is that stop misread, as a comma seldom follows it; only before a clause or a conjunction
    (``с.г, когда``) was the stop lost and the comma is kept (``с.г.,``)."""
    misread = THIS_YEAR_MISREAD.match(texts[ti])
    following = texts[ti + 1].lower() if ti + 1 < len(texts) else ""
    if misread is None or following[:1] in (".", ","):
        return {}  # 23.6.с.г .. вызвало: the stop read apart, after a blank
    comma = bool(misread.group(2)) and (following in CLAUSE_OPENERS or following.startswith("котор"))
    return {ti: misread.group(1) + (".," if comma else ".")}


def lost_minutes_unit(texts: list[str], ti: int) -> dict[int, str]:
    """``22 ч. 50 9.1.1952 г.`` -> ``22 ч. 50 м. 9.1.1952 г.``: the unit of a time's minutes, which
    OCR lost, written back between the minutes and the date after them (a header's time always
    has it). The digits stay as read."""
    if ti + 3 >= len(texts) or not TIME_NUMBER.match(texts[ti]) or texts[ti + 1] != "ч.":
        return {}
    minutes = texts[ti + 2]
    if not MINUTES.match(minutes) or int(texts[ti]) > 24 or int(minutes) > 59:
        return {}
    return {ti + 2: f"{minutes} м."} if DATE_WITH_YEAR.match(texts[ti + 3]) else {}


def split_date_size(line_tokens: list[tuple[int, int, str]], ti: int) -> int:
    """How many tokens from ``ti`` on make one date split after its stops (3 or 2), or 0."""
    for size in (3, 2):
        parts = [t[2] for t in line_tokens[ti : ti + size]]
        if len(parts) < size or not all(p.endswith(".") for p in parts[:-1]):
            continue
        date = SPLIT_DATE.match("".join(parts))
        if date and 1 <= int(date.group(1)) <= 31 and 1 <= int(date.group(2)) <= 12:
            return size
    return 0


def footer_layout(texts: list[str], ti: int) -> bool:
    """Whether the token at ``ti`` is shaped as a footer field's label and stands where one does:
    before a surname and a clock time (``Расш. Елезов 12.00``); the caller judges which label."""
    if ti + 2 >= len(texts) or not FOOTER_LABEL.match(texts[ti]):
        return False
    surname, time = footer_surname(texts[ti + 1]), texts[ti + 2]
    return surname[:1].isupper() and surname[1:].islower() and surname.isalpha() and bool(CLOCK_TIME.match(time))


def footer_surname(token: str) -> str:
    """A footer field's surname without the speck OCR may read after it (``Смирнова.``,
    ``Агафонов:``): a clock time follows it, never a stop."""
    return token.rstrip(".,:;")


def footer_numbers(texts: list[str], ti: int) -> dict[int, str]:
    """The clock time and the date of the footer field whose label is at ``ti``, with their dots:
    ``Расш. Гусев 9,30 17.11.51`` -> ``9.30``, ``Отп. Смирнова 17.30 14:7.`` -> ``14.7``.

    Footers write both with dots only. A time past 24.59, or a date with no such day or month,
    is left as read (the other one is still mended); so are the digits.
    """
    out: dict[int, str] = {}
    time = CLOCK_TIME.match(texts[ti + 2])
    if time is not None and int(time.group(1)) <= 24 and int(time.group(2)) <= 59:
        out[ti + 2] = re.sub(r"[,:;]", ".", texts[ti + 2])
    date = FOOTER_DATE.match(texts[ti + 3]) if ti + 3 < len(texts) else None
    if date and 1 <= int(date.group(1)) <= 31 and 1 <= int(date.group(2)) <= 12:
        day, month, year = date.groups()
        out[ti + 3] = f"{day}.{month}" + (f".{year}" if year else "")
    return out


def header_marks(texts: list[str]) -> dict[int, str]:
    """``СЕРИЯ. "Г"`` -> ``СЕРИЯ "Г"``, ``... СОВЕТСКОЙ АРМИИ:`` -> ``... АРМИИ``: a telegram's header
    lines (the agency, the telegram's kind and number, its series), in capitals and mostly of
    the header's words, have no stops, colons or semicolons: one there is a speck. Commas stay."""
    if any(t[:1].islower() for t in texts):
        return {}  # most lines: a word in small letters
    words = [t.strip("\"“”«»`'.,:;?") for t in texts]
    letters = [w for w in words if any(c.isalpha() for c in w)]
    if not letters or not all(w.isupper() for w in letters):
        return {}
    long_words = [w for w in letters if len(w) > 1]
    if not long_words or 2 * sum(w in HEADER_WORDS for w in long_words) < len(long_words):
        return {}
    # Only tokens that are a word or a quoted letter: a misread word (АРМ/И.) is the word pass's.
    return {
        k: TRAILING_SPECK.sub("", t)
        for k, (t, w) in enumerate(zip(texts, words, strict=True))
        if TRAILING_SPECK.search(t) and w.isalpha()
    }


def distribution_line(texts: list[str]) -> dict[int, str]:
    """``Экз, № 1-2 - адресату, 3 - депо.`` -> ``Экз. № 1-2 - адресату, 3 - дело``: the footer line
    saying where each copy went. Its label (``Экз.``, copies) has a stop; a copy filed goes to
    ``дело`` (the file), so a word one letter from it after a dash is that; the line ends in no
    stop. The label's case is kept (archive transcriptions write ``экз.``)."""
    if len(texts) < 3 or not DISTRIBUTION_LABEL.match(texts[0]):
        return {}
    if not (texts[1] == "№" or texts[1] in NUMBER_SIGN_MISREADS or texts[1][:1].isdigit()):
        return {}
    out = {0: texts[0][:-1] + "."}
    for k in range(2, len(texts)):
        core = texts[k].rstrip(".,;")
        trail = texts[k][len(core) :]
        if k + 1 == len(texts) and trail == "." and core.isalpha():
            trail = ""  # the line is no sentence
        one_letter_from_file = len(core) == 4 and sum(a != b for a, b in zip(core.lower(), "дело", strict=True)) <= 1
        if texts[k - 1] == "-" and core.isalpha() and one_letter_from_file:
            core = "дело"  # депо, Дело
        out[k] = core + trail
    return {k: text for k, text in out.items() if text != texts[k]}


def from_line(texts: list[str], fix_case: bool = True) -> dict[int, str]:
    """``из ПЕКИНА получена 3 ч.`` -> ``Из ПЕКИНА Получена 3 ч.``: the header field of where the
    telegram came from, a city in capitals, then when it was sent or received, then the hour;
    the field opens its line and its word after the city is capitalised. That word, misread
    (``Полу-зена``, ``получен?``), becomes the one field word it is nearest; without
    ``fix_case`` only those letters are mended, the case kept as read."""
    if len(texts) < 4 or texts[0].strip("`'‘.").lower() != "из" or not texts[3][:1].isdigit():
        return {}
    city, word = texts[1].rstrip(","), from_field_word(texts[2])
    if len(city) < 3 or not (city.isalpha() and city.isupper()) or word is None:
        return {}
    if not fix_case:
        read = texts[2]
        return {} if word == read.lower() else {2: word.capitalize() if read[:1].isupper() else word}
    written = {0: "Из", 2: word.capitalize()}
    return {k: text for k, text in written.items() if text != texts[k]}


def from_field_word(token: str) -> str | None:
    """The from-field's word (``получена``) that ``token`` reads, in small letters: the word itself
    in any case, or the one such word two letters or fewer away from a token of letters (the
    marks after it a speck); None for none or two."""
    if token.lower() in FROM_FIELD_WORDS:
        return token.lower()
    if not FROM_FIELD_MISREAD.match(token):
        return None
    core = token.rstrip(".,:;?!\"'*»”").lower()
    near = [w for w in FROM_FIELD_WORDS if Levenshtein.distance(core, w, score_cutoff=2) <= 2]
    return near[0] if len(near) == 1 else None


def series_line(texts: list[str]) -> dict[int, str]:
    """``СЕРИИ “г*.`` -> ``СЕРИЯ "Г"``: the header's series field, alone on its line: the label
    (one letter of it perhaps misread) and a capital letter in straight quotes. The letter must
    stand in a mark or two, so that it is the series and not a word."""
    if len(texts) != 2:
        return {}
    label = texts[0].rstrip(".,:;")
    letter = SERIES_LETTER.match(texts[1])
    if not label.isupper() or Levenshtein.distance(label, "СЕРИЯ", score_cutoff=1) > 1:
        return {}
    if letter is None or not (letter.group(1) or letter.group(3)):
        return {}
    written = {0: "СЕРИЯ", 1: f'"{letter.group(2).upper()}"'}
    return {k: text for k, text in written.items() if text != texts[k]}


def addressee_line(texts: list[str]) -> dict[int, str]:
    """``Това-ищу ФИЛИППОВУ.`` -> ``Товарищу ФИЛИППОВУ``: the header's address, alone on its line:
    the title in the dative (one letter of it perhaps misread) and a surname in capitals, with no
    stop after it (a transcription that writes the surname in small letters may end it with one:
    ``Товарищу Филиппову.``); a title in capitals stays in capitals. The surname's letters are the
    recipient rule's (``Corrector._addressee``)."""
    title = texts[0].lower() if texts else ""
    if len(texts) != 2 or title in OTHER_TITLE_FORMS or Levenshtein.distance(title, "товарищу", score_cutoff=1) > 1:
        return {}
    surname = texts[1].rstrip(".:;")
    if len(surname) < 3 or not (surname.isalpha() and surname.isupper()):
        return {}
    # A title typed in capitals, as the surname is, stays so (ТОВАРИЩУ ФИЛИППОВУ).
    written = {0: "ТОВАРИЩУ" if texts[0].isupper() else "Товарищу", 1: surname}
    return {k: text for k, text in written.items() if text != texts[k]}


def footer_field(texts: list[str], ti: int) -> str | None:
    """What follows the listed footer label at ``ti``, in whatever case: ``surname`` (then a clock
    time, perhaps misread: ``Расш. Елезов 12.00``), ``copies`` (their number: ``Отп. 3 экз.``);
    None for no label."""
    if ti + 2 >= len(texts) or not FOOTER_LABEL_ANY_CASE.match(texts[ti]):
        return None
    if texts[ti][:-1].lower() + "." not in FOOTER_LABELS:
        return None
    following = texts[ti + 1]
    if footer_surname(following).isalpha() and texts[ti + 2][:1].isdigit():
        return "surname"  # a clock time, perhaps misread (Корнюшина 1.160): the label is listed
    if PLAIN_NUMBER.match(following) and texts[ti + 2][:3].lower() == "экз":
        return "copies"
    return None


def footer_case(texts: list[str], ti: int, small_labels: bool = False) -> dict[int, str]:
    """``Отп. тарасова 23.55`` -> ``Тарасова``, ``ОТП. Корнюшина`` -> ``Отп.``: a footer field's
    listed label, then a surname and a clock time, or the number of copies typed (``Отп. 3
    экз.``). A surname is capitalised; so is a label, unless the page writes its labels in small
    letters (``small_labels``: archive transcriptions do, ``отп. Корнюшина``), when only one in
    capitals is OCR's. A field all in capitals stays so. Letters are not changed."""
    kind = footer_field(texts, ti)
    if kind is None:
        return {}
    label, following = texts[ti], texts[ti + 1]
    if label.isupper() and all(t.isupper() for t in texts[ti + 1 :] if any(c.isalpha() for c in t)):
        return {}  # a footer typed in capitals, as whole telegrams often are (РАСШ. ЕЛЕЗОВ)
    written: dict[int, str] = {}
    if kind == "surname":
        written[ti + 1] = following[0].upper() + following[1:].lower()
    if not (small_labels and label.islower()):
        written[ti] = label[0].upper() + label[1:].lower()
    return {k: text for k, text in written.items() if text != texts[k]}


def labels_capitalised(lines: list[list[str]]) -> bool:
    """Whether a page writes a footer label capitalised (``Расш.``) anywhere: then one read in
    small letters (``отп.``) is OCR's, not the page's way."""
    return any(
        text[:1].isupper() and text[1:-1].islower() and text[:-1].lower() + "." in FOOTER_LABELS
        for texts in lines
        for text in texts
        if text[-1:] in ".,"
    )


def footer_date_line(texts: list[str], previous: list[str] | None) -> dict[int, str]:
    """``№ 2056`` / ``17.2.51.`` -> ``17.2.51``: the date alone on its line under the footer's
    telegram number is written with dots and ends with no mark; a day or month past its range
    is left as read, and so are the digits."""
    if len(texts) != 1 or previous is None or len(previous) != 2 or previous[0] != "№":
        return {}
    if not TELEGRAM_NUMBER.match(previous[1]):
        return {}
    date = FOOTER_DATE.match(texts[0])
    if date is None or date.group(3) is None or not (1 <= int(date.group(1)) <= 31 and 1 <= int(date.group(2)) <= 12):
        return {}
    written = ".".join(date.groups())
    return {0: written} if written != texts[0] else {}
