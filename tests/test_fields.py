"""The telegram header and footer field rules, as pure functions on a line's token texts."""

from __future__ import annotations

import pytest

from pipeline import fields


@pytest.mark.parametrize(
    ("token", "following", "previous", "expected"),
    [
        ("М", "3261", "", True),  # the sign read as a capital М before a number
        ("Мо", "17", "", True),
        ("м", "3261", "телеграмма", True),  # a small м only before a telegram's number
        ("м", "3261", "40", False),  # 40 м 3261: metres after a number
        ("м", "12", "", False),  # too short for a telegram's number
        ("М", "Ким", "", False),  # no number follows
    ],
)
def test_number_sign_read(token: str, following: str, previous: str, expected: bool) -> None:
    assert fields.number_sign_read(token, following, previous) is expected


def test_copies_line_restores_label_counts_and_commas() -> None:
    texts = ["Копии;", "Сталину", "(2};", "Молотову."]
    assert fields.copies_line(texts) == {0: "Копии:", 1: "Сталину", 2: "(2),", 3: "Молотову"}


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Копии:", "Сталину:", "(2),", "Молотову"], ["Копии:", "Сталину", "(2),", "Молотову"]),
        (["Копии:", "Сталину,,", "Молотову:"], ["Копии:", "Сталину,", "Молотову"]),
        (["Копии:", "Сталину", "(2),", "Молотову,,"], ["Копии:", "Сталину", "(2),", "Молотову,"]),  # goes on
        (["Копии:", "Сталину", "(2).", "Молотову"], ["Копии:", "Сталину", "(2),", "Молотову"]),
        # A comma lost between entries; a name before its count, or a short scrap, takes none.
        (["Копии:", "Сталину", "(2)", "Молотову,"], ["Копии:", "Сталину", "(2),", "Молотову,"]),
        (["Копии:", "Микояну", "Берия,", "Вышинскому"], ["Копии:", "Микояну,", "Берия,", "Вышинскому"]),
        (["Копии:", "Булга", "нину,", "Берия"], ["Копии:", "Булга", "нину,", "Берия"]),
    ],
)
def test_copies_line_marks_after_names(texts: list[str], expected: list[str]) -> None:
    assert list(fields.copies_line(texts).values()) == expected


@pytest.mark.parametrize(
    ("token", "previous", "expected"),
    [
        ("2),", "Сталину", "(2),"),
        ("(2,", "Сталину", "(2),"),
        ("(2.", "Сталину", "(2)"),
        ("(2),", "Сталину", None),  # balanced: stays
        ("2)", "", None),  # a numbered point first on a line: stays
        ("2)", "15", None),  # after a number, not a word
    ],
)
def test_parenthesised_count(token: str, previous: str, expected: str | None) -> None:
    assert fields.parenthesised_count(token, previous) == expected


def test_unit_stop_after_a_year() -> None:
    assert fields.unit_stop(["1951", "г,", "Пекин"], 0) == {1: "г."}
    assert fields.unit_stop(["1951", "г,", "в"], 0) == {1: "г.,"}
    assert fields.unit_stop(["1951", "г.", "Пекин"], 0) == {}


def test_unit_stop_lost_after_a_year() -> None:
    assert fields.unit_stop(["1952", "г", "дополнительно"], 0) == {1: "г."}
    assert fields.unit_stop(["14.3.1952", "г"], 0) == {1: "г."}  # a date's year, the line's end
    assert fields.unit_stop(["500", "г", "муки"], 0) == {}  # grams


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["ноября", "с.г", "меня"], {1: "с.г."}),
        (["ноября", "с.г,", "на", "аэродроме"], {1: "с.г."}),  # the stop read as a comma
        (["декабре", "с.г,", "-", "январе"], {1: "с.г."}),
        (["марте", "с.г,", "когда"], {1: "с.г.,"}),  # a clause opens: the stop was lost
        (["марте", "с.г,", "которые"], {1: "с.г.,"}),
        (["марте", "с.г.", "меня"], {}),  # read right
        (["марте", "с.г.,", "когда"], {}),
        (["от", "28.6.с.г,", "говорится"], {1: "28.6.с.г."}),  # closing a date
        (["радио", "23.6.с.г", "вызвало"], {1: "23.6.с.г."}),
        (["от", "28.6.с.г,", "когда"], {1: "28.6.с.г.,"}),
        (["от", "28.6.51,", "говорится"], {}),  # a year, no с.г.
        (["радио", "23.6.с.г", "..", "вызвало"], {}),  # its stop read apart
    ],
)
def test_this_year_stop(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.this_year_stop(texts, 1) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["9", "ч.", "25м.", "23.10.1951"], {2: "25 м."}),
        (["4", "ч.", "20м,"], {2: "20 м."}),  # the line's end
        (["9", "ч.", "25м.", "противник"], {}),  # a sentence goes on: no header's time
        (["9", "ч.", "75м."], {}),  # no such minute
        (["9", "м.", "25м."], {}),  # the hours' unit must read right
        (["9", "ч.", "25", "м."], {}),  # written apart already
    ],
)
def test_glued_minutes(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.glued_minutes(texts, 0) == expected


def test_time_units_need_one_unit_read_right() -> None:
    assert fields.time_units(["23", "н.", "40", "м.", "29.6.51"], 0) == {1: "ч."}
    assert fields.time_units(["23", "ч.", "40", "и.", "29.6.51"], 0) == {3: "м."}
    assert fields.time_units(["10", "и", "15", "и", "20"], 0) == {}  # no unit reads right
    assert fields.time_units(["25", "н.", "40", "м.", "29.6.51"], 0) == {}  # no 25th hour


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["29.", "6.", "51"], 3),
        (["8.8.", "51"], 2),
        (["28.", "6.", "с.г."], 3),
        (["32.", "6.", "51"], 0),  # no 32nd day
        (["29.", "13.", "51"], 0),  # no 13th month
        (["29", "6", "51"], 0),  # no stops: three numbers
    ],
)
def test_split_date_size(texts: list[str], expected: int) -> None:
    line_tokens = [(0, 0, text) for text in texts]
    assert fields.split_date_size(line_tokens, 0) == expected


def test_after_header() -> None:
    header = [[(0, 8, "Товарищу"), (9, 18, "ФИЛИППОВУ")], [(0, 7, "сообщаю")]]
    prose = [[(0, 5, "Прошу"), (6, 9, "Вас")], [(0, 7, "сообщить")]]
    assert fields.after_header(header, 1) is True
    assert fields.after_header(prose, 1) is False
    assert fields.after_header(header, 0) is False


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Расш.", "Гусев", "9,30", "17.11.51"], {2: "9.30", 3: "17.11.51"}),
        (["Отп.", "Смирнова", "17.30", "14:7."], {2: "17.30", 3: "14.7"}),
        (["Отп.", "Смирнова", "17;30"], {2: "17.30"}),
        (["Расш.", "Елезов", "12.60", "30:6"], {3: "30.6"}),  # no 60th minute: the time stays
        (["Расш.", "Елезов", "12.00", "30:13"], {2: "12.00"}),  # no 13th month: the date stays
    ],
)
def test_footer_numbers(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.footer_layout(texts, 0)
    assert fields.footer_numbers(texts, 0) == expected


@pytest.mark.parametrize(
    "texts",
    [
        ["Расш.", "9,30", "17.11.51"],  # no surname
        ["Расш.", "гусев", "9.30"],  # a surname is capitalised
        ["Расш.", "Гусев", "930"],  # no clock time
        ["Расш.", "Гусев"],
    ],
)
def test_no_footer_layout(texts: list[str]) -> None:
    assert not fields.footer_layout(texts, 0)


@pytest.mark.parametrize(
    ("texts", "small_labels", "expected"),
    [
        (["отп.", "Ермолаев", "00.20", "1.7"], False, {0: "Отп."}),
        (["отп.", "Ермолаев", "00.20", "1.7"], True, {}),  # the page writes its labels so
        (["ОТП.", "Корнюшина", "12.15"], True, {0: "Отп."}),  # no page writes them in capitals
        (["Зашифр.", "тарасова", "23,55", "30.6"], False, {1: "Тарасова"}),
        (["отп.", "тарасова", "23.55"], True, {1: "Тарасова"}),
        (["Расш.", "ЕЛеЗоВ", "23.20"], False, {1: "Елезов"}),
        (["отп.", "3", "экз."], False, {0: "Отп."}),  # the copies typed
        (["Расш.", "Елезов", "23.20"], False, {}),  # read right
        (["тов.", "сталин", "12.00"], False, {}),  # no footer label
        (["Отп.", "И.", "Смирнова", "17.30"], False, {}),  # an initial: no surname where it should be
        (["отп.", "Корнюшина", "1.160", "8.5"], False, {0: "Отп."}),  # a clock time misread
        (["расш.", "агафонов", "сообщил"], False, {}),  # no clock time after the surname
        (["отп.", "3", "дня"], False, {}),  # a count of something else
    ],
)
def test_footer_case(texts: list[str], small_labels: bool, expected: dict[int, str]) -> None:
    assert fields.footer_case(texts, 0, small_labels) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["отп.", "смирнова", "17,30"], "surname"),
        (["ОТП.", "3", "экз."], "copies"),
        (["тов.", "Сталин", "12.00"], None),
        (["Отп.", "Смирнова"], None),
    ],
)
def test_footer_field(texts: list[str], expected: str | None) -> None:
    assert fields.footer_field(texts, 0) == expected


@pytest.mark.parametrize(
    ("token", "expected"), [("Смирнова.", "Смирнова"), ("Агафонов:", "Агафонов"), ("Елезов", "Елезов")]
)
def test_footer_surname(token: str, expected: str) -> None:
    assert fields.footer_surname(token) == expected
    assert fields.footer_layout(["Расш.", token, "17.10"], 0)


def test_labels_capitalised() -> None:
    assert fields.labels_capitalised([["Расш.", "Елезов", "12.00"], ["отп.", "Корнюшина", "12.15"]])
    assert not fields.labels_capitalised([["расш.", "Елезов", "12.00"], ["отп.", "Корнюшина", "12.15"]])
    assert not fields.labels_capitalised([["РАСШ.", "Елезов"], ["Тов.", "Сталину"]])


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Из", "ПЕКИНА", "получена", "3", "ч."], {2: "Получена"}),
        (["из", "ПХЕНЬЯНА", "Получена", "9", "ч."], {0: "Из"}),
        (["Из", "МОСКВЫ", "ОТПРАВЛЕНА", "23", "ч."], {2: "Отправлена"}),
        (["Из", "ПЕКИНА", "Получена", "3", "ч."], {}),  # read right
        (["из", "Вашингтона", "получена", "3"], {}),  # no city in capitals: a sentence
        (["из", "ПЕКИНА", "получена", "телеграмма"], {}),  # no hour follows
        (["Из", "ПЕКИНА", "попучена", "3", "ч."], {2: "Получена"}),  # two letters misread
        (["из", "МУКДЕНА", "Полу-зена", "22", "ч."], {0: "Из", 2: "Получена"}),
        (["Из.", "ПХЕНЬЯНА", "получен?", "3", "ч."], {0: "Из", 2: "Получена"}),  # specks after both
        (["Из", "ПЕКИНА", "вспучена", "3", "ч."], {}),  # three letters from any field word
        (["Из", "ПЕКИНА", "прибыл", "3", "ч."], {}),  # no field word
    ],
)
def test_from_line(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.from_line(texts) == expected


def test_from_line_without_case_mends_letters_only() -> None:
    assert fields.from_line(["из", "ПЕКИНА", "попучена", "3", "ч."], fix_case=False) == {2: "получена"}
    assert fields.from_line(["из", "ПЕКИНА", "получена", "3", "ч."], fix_case=False) == {}


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["СЕРИЯ", '“Г"'], {1: '"Г"'}),  # another opening quote
        (["СЕРИЯ", '*Г"'], {1: '"Г"'}),  # a speck for the quote
        (["СЕРИЯ", '"Г'], {1: '"Г"'}),  # the closing quote lost
        (["СЕРИЯ", '"г"'], {1: '"Г"'}),  # the series is a capital
        (["СЕРИИ", '"Г".'], {0: "СЕРИЯ", 1: '"Г"'}),  # the label one letter off, a stop after
        (["СЕРИЯ", '"Г"'], {}),  # read right
        (["СЕРИЯ", "Г"], {}),  # no mark: maybe no series letter
        (["СЕРИИ", '"ФД"'], {}),  # two letters: a locomotive's series, not a telegram's
        (["ПАРОВОЗЫ", "СЕРИИ", '"Э"'], {}),  # not alone on its line
        (["Серии", '"Г"'], {}),  # the header writes its label in capitals
    ],
)
def test_series_line(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.series_line(texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Товарищу", "ФИЛИППОВУ."], {1: "ФИЛИППОВУ"}),
        (["Това-ищу", "ФИЛИППОВУ"], {0: "Товарищу"}),
        (["Товарищу", "ФИЛИППОВУ"], {}),  # read right
        (["Товарищу", "Филиппову."], {}),  # small letters: a transcription's own stop
        (["Товарищ", "СТАЛИН"], {}),  # another form of the title
        (["Товарищу", "ФИЛИППОВУ", "лично"], {}),  # not alone on its line
    ],
)
def test_addressee_line(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.addressee_line(texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["22", "ч.", "50", "9.1.1952", "г."], {2: "50 м."}),
        (["6", "ч.", "35", "2.9.51"], {2: "35 м."}),
        (["22", "ч.", "50", "м.", "9.1.1952"], {}),  # the unit is there
        (["22", "ч.", "50", "дивизий"], {}),  # no date follows: no header's time
        (["22", "ч.", "75", "9.1.1952"], {}),  # no 75th minute
        (["22", "н.", "50", "9.1.1952"], {}),  # the hours' unit must read right
    ],
)
def test_lost_minutes_unit(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.lost_minutes_unit(texts, 0) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["СЕРИЯ.", '"Г"'], {0: "СЕРИЯ"}),
        (["СЕРИЯ", '"Г".'], {1: '"Г"'}),
        (["ВТОРОЕ", "ГЛАВНОЕ", "УПРАВЛЕНИЕ", "ГСНШТАБА", "СОВЕТСКОЙ", "АРМИИ:"], {5: "АРМИИ"}),
        (["ШИФРТЕЛЕГРАММА:", "№", "24406"], {0: "ШИФРТЕЛЕГРАММА"}),
        (["ПЕКИН,", "СЕРИЯ"], {}),  # a comma may stand in a header
        (["ПРОШУ", "СООБЩИТЬ", "ВАШЕ", "МНЕНИЕ."], {}),  # a sentence in capitals, no header
        (["СЕРИЯ.", '"Г".', "[ее"], {}),  # small letters: no header line
        (["ГЕНШТАБА", "СОВЕТСКОЙ?", "АРМИИ"], {1: "СОВЕТСКОЙ"}),  # a question mark is a speck there too
    ],
)
def test_header_marks(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.header_marks(texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Экз,", "№", "1-2", "-", "адресату,", "3", "-", "депо."], {0: "Экз.", 7: "дело"}),
        (["Экз.", "М", "1-2", "-", "Сталину,", "4", "-", "Дело"], {7: "дело"}),
        (["экз.", "№", "3-4", "-", "дело"], {}),  # the archive's small label stays
        (["Экз.", "№", "3-4", "-", "дело."], {4: "дело"}),
        (["Экз.", "№", "1-2", "-", "депо"], {4: "дело"}),
        (["Экз.", "№", "1", "-", "Ведо"], {}),  # capitalised: a name
        (["экз.", "книги", "-", "депо"], {}),  # no numbered copies: no such line
    ],
)
def test_distribution_line(texts: list[str], expected: dict[int, str]) -> None:
    assert fields.distribution_line(texts) == expected


def test_from_line_past_a_speck() -> None:
    assert fields.from_line(["`из", "ПЕКИНА", "Получена", "14", "ч."]) == {0: "Из"}


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Копии:", "Сталину", "(2)"], True),
        (['`копии".', "Сталину"], True),  # the label read right, whatever marks stick to it
        (["Кочии:", "Стапону", "2),", "Молотову"], True),  # one letter misread, a list follows
        (["коии:", "Сталину", "Молотову.", "Булганину,"], True),  # one letter lost, a list follows
        (["Кони:", "Сталину,", "Молотову"], False),  # two letters from the label
        (["Копия", "верна,", "печать"], False),  # one letter off, but no capitalised name follows
        (["Кочии:", "Сталину"], False),  # one letter off and no list
        (["Клуии{", "Сталиму", "{2},", "мопотову,"], False),  # two letters off
    ],
)
def test_copies_label(texts: list[str], expected: bool) -> None:
    assert fields.copies_label(texts) is expected


@pytest.mark.parametrize(
    ("texts", "previous", "expected"),
    [
        (["17.2.51."], ["№", "2056"], {0: "17.2.51"}),
        (["30:6.51."], ["№", "3317"], {0: "30.6.51"}),
        (["12.2,52"], ["№", "412"], {0: "12.2.52"}),
        (["17.2.51"], ["№", "2056"], {}),  # read right
        (["17.2.51."], ["прибыл", "в"], {}),  # a sentence ending on a date
        (["41.2.51."], ["№", "2056"], {}),  # no such day: left as read
        (["17.2."], ["№", "2056"], {}),  # no year: not the footer's date
    ],
)
def test_footer_date_line(texts: list[str], previous: list[str], expected: dict[int, str]) -> None:
    assert fields.footer_date_line(texts, previous) == expected
