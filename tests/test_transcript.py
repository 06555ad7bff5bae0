"""Decoding transcription files and finding the Russian body of archive records."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from pipeline.errors import UnreadableTranscript
from pipeline.transcript import decode_transcript, extract_body

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "telegram-21336.txt"
TEXT = "Телеграмма тов. Ким Ир Сена.\nПрошу Вас срочно сообщить Ваше конкретное мнение.\n29.6.51 г."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8_r", "utf-16"])
def test_decodes_what_archives_use(encoding: str) -> None:
    assert decode_transcript(TEXT.encode(encoding), "t.txt") == TEXT


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_short_legacy_text(encoding: str) -> None:
    assert decode_transcript("Прошу Вас.".encode(encoding), "t.txt") == "Прошу Вас."


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_text_typed_in_capitals(encoding: str) -> None:
    # Each code page's capitals are the other's small letters: the case cannot decide.
    text = TEXT.upper()
    assert decode_transcript(text.encode(encoding), "t.txt") == text


def test_utf8_with_damaged_bytes_is_refused_naming_the_first() -> None:
    data = TEXT.encode("utf-8")
    damaged = data[:20] + b"\xff\xfe" + data[20:]
    with pytest.raises(UnreadableTranscript) as info:
        decode_transcript(damaged, "t.txt")
    assert "byte 20" in str(info.value) and "UTF-8" in str(info.value)


def test_latin1_text_is_not_read_as_cyrillic() -> None:
    french = "Prière de répondre à la lettre déjà envoyée. Très élégant café, très cher.\n" * 3
    with pytest.raises(UnreadableTranscript):
        decode_transcript(french.encode("latin-1"), "t.txt")


def test_crlf_and_bom_removed() -> None:
    assert decode_transcript(codecs.BOM_UTF8 + "Прошу\r\nВас".encode(), "t.txt") == "Прошу\nВас"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        bytes(random.Random(1).randrange(1, 32) for _ in range(500)),
    ],
    ids=["empty", "blank", "png", "control-bytes"],
)
def test_unreadable_is_one_line_naming_the_file(data: bytes) -> None:
    with pytest.raises(UnreadableTranscript) as info:
        decode_transcript(data, "scans/doc.transcript.txt")
    message = str(info.value)
    assert message.startswith("scans/doc.transcript.txt: ") and "\n" not in message


def test_plain_text_passes_through() -> None:
    assert extract_body("\n" + TEXT + "\n\n") == TEXT


def test_seed_record_body() -> None:
    body = extract_body(decode_transcript(SEED.read_bytes(), str(SEED)))
    assert body.startswith("ВТОРОЕ ГЛАВНОЕ УПРАВЛЕНИЕ ГЕНШТАБА")
    assert body.rstrip().endswith("полковник ваморов")
    assert "№ 326I 30.6" in body  # a line with too few letters to judge stays inside the body
    for foreign in ("Citation", "Summary", "Wilson Center", "SECOND MAIN", "Comrade", "Original Scan"):
        assert foreign not in body


def test_unseen_record_layout() -> None:
    record = (
        "Letter from Molotov, 1952\n"
        'Citation: "Letter", Archive, f. 3, op. 1\n'
        "Summary:\nMolotov asks about the harvest.\n"
        "Original Language: Russian\n"
        "Тов. Сталину.\n"
        "Прошу сообщить сведения об урожае\n"
        "United Press\n"
        "в районах Сибири.\n"
        "12.7.52\n"
        "Translation - English\n"
        "To Comrade Stalin. I ask you to report on the harvest in Siberia.\n"
    )
    body = extract_body(record)
    assert body.splitlines() == [
        "Тов. Сталину.",
        "Прошу сообщить сведения об урожае",
        "United Press",
        "в районах Сибири.",
        "12.7.52",
    ]


def test_no_cyrillic_gives_empty_body() -> None:
    assert extract_body("Title\n\nEnglish only text here.") == ""
