"""OCR-aware correction of Russian archival text that leaves alone whatever it is not sure of.

Plain SymSpell against a frequency list turns names, numbers and rare inflections into common
words. Here a word is changed only when a noisy-channel score -- log P(candidate) minus the
confusion-weighted cost of OCR turning the candidate into what was read -- beats leaving it
as it is by a margin; what is left as it is gets a prior that grows with Tesseract's
confidence. Numbers, dates, ``№`` numbers, Latin words and dotted abbreviations are never
corrected (only letter/digit confusions inside numbers are), capitalised unknown words only
towards the domain lexicon, and case and punctuation are kept. Every change is a
``Correction`` whose offsets refer to the original text, so ``undo_corrections`` restores it.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from rapidfuzz.distance import Hamming, Levenshtein

from pipeline.channel import Channel
from pipeline.fields import (
    FOOTER_LABELS,
    FROM_FIELD_WORDS,
    NAME_TITLES,
    NUMBER_SIGN_TOKENS,
    PLAIN_NUMBER,
    addressee_line,
    after_header,
    copies_label,
    copies_line,
    distribution_line,
    footer_case,
    footer_date_line,
    footer_field,
    footer_layout,
    footer_numbers,
    footer_surname,
    from_line,
    glued_minutes,
    header_marks,
    labels_capitalised,
    line_before,
    lost_minutes_unit,
    number_sign_read,
    parenthesised_count,
    series_line,
    split_date_size,
    this_year_stop,
    time_units,
    unit_stop,
)
from pipeline.lexicon import ABBREVIATION_KINDS, ADVERB_SUFFIX, INDEXED_POS, Lexicon, load_lexicon
from pipeline.types import Correction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CorrectSettings:
    """Correction knobs (log-probabilities are natural logs)."""

    enabled: bool = True
    max_edit_distance: int = 2
    # Words shorter than this are corrected at edit distance 1 only: short words have too many
    # neighbours at distance 2 to choose among.
    min_length_distance2: int = 6
    min_length: int = 4
    # Splitting a merged token (отправкаи -> отправка и) only from this length on.
    min_length_merged: int = 5
    # log prior of "a word we do not know, read correctly" for lower-case words.
    unknown_log_prior: float = -23.0
    # ... lowered by this much per letter beyond long_word_length: a word we do not know is
    # seldom within two edits of one we do, and the longer it is the seldomer (ссобщевию).
    long_word_keep_drop: float = 0.3
    long_word_length: int = 7
    # ... by this much instead on a noisy page (``_is_noisy_page``): where OCR misread many words,
    # a long word no list has is far likelier a misreading than a rare word, which a clean page
    # (a transcription, a mild scan) or one too short to tell keeps.
    noisy_long_word_keep_drop: float = 1.2
    # Tokens shorter than min_length change only into a function word at least this likely
    # (log P), with a gain over keeping them of at least short_function_gain.
    short_function_log_prob: float = -8.0
    short_function_gain: float = 5.0
    # ... and by this much over any other function word within one confusion (ло: по, not до).
    short_function_lead: float = 2.0
    # The same lead for a two-letter non-word before a word in a case: the case has already
    # ruled out the prepositions that govern none (ча складах: на alone), so less is asked of
    # the frequencies (иа участки: на before за).
    preposition_case_lead: float = 1.25
    # A capitalised unknown word may be a name we do not know: keeping it is this much likelier
    # (log), except against a listed name.
    capital_keep_bonus: float = 2.0
    # On a clean page -- at least clean_page_words small-letter words of three letters or more,
    # and this share of them dictionary words -- a name-shaped word changes into a listed name
    # only along listed OCR confusions, and when capitalised inside a sentence into no other name
    # by a plain substitution; nor is it joined with a word after it. On so clean a page a name
    # the lexicon lacks is likelier than a misreading (Кансона stays, though Кайсона is one letter
    # away). Above 1 it never applies.
    clean_page_share: float = 0.95
    clean_page_words: int = 20
    # Tesseract confidence c (0..100) adds confidence_weight * (c/100 - 0.5) to that prior.
    confidence_weight: float = 3.0
    margin: float = 1.5
    # A second candidate within this of the best makes the choice ambiguous: keep the word.
    ambiguity: float = 1.0
    # ... unless another word of the same page is a form of exactly one of the tied words
    # (зовода: завода or повода, on a page that has завод): a candidate of at least this length
    # is then taken (0 turns this off). Shorter words tie with too many others to trust it.
    page_tie_min_length: int = 5
    # An unknown word of at least this many letters, not capitalised inside a sentence, takes its
    # best candidate once it beats keeping the word at all, without the margin, if no other word
    # comes within the ambiguity margin of it (китвйстая -> китайская): with no rival, the margin
    # guards only against an unknown word, and a long string that close to one word is seldom one
    # (0 turns this off).
    sole_candidate_length: int = 8
    # Extra margin for capitalised words at sentence start and all-capitals words.
    capital_margin: float = 1.0
    # A known word is replaced by a likelier one a single confusion away only above this gain,
    # or above the second when that one is a formula word of the genre (Прощу -> Прошу): a
    # common word of its own (Итого, сбои) is seldom a misreading of another.
    realword_margin: float = 3.0
    formula_realword_margin: float = 2.0
    # The same for a form only OpenCorpora knows (пинии -> линии), over ``unlisted_log_prob``.
    unlisted_realword_margin: float = 3.0
    substitution_cost: float = 5.0
    indel_cost: float = 5.5
    split_cost: float = 5.0
    join_hyphenation: bool = False
    fix_numbers: bool = True
    # A second pass over the corrected page, its changes folded into the first's (_compose).
    second_pass: bool = True
    # Inflections the phrase rules out (для фронте, 15 марте, по основные вопросам): _grammar_edits.
    fix_grammar: bool = True
    fix_mixed_script: bool = True
    strip_noise: bool = True
    noise_chars: str = "`‚‘’„|_©®™¬¦•~^{}\\›‹<>°"
    # Stray dots and colons (specks read as punctuation) removed where Russian orthography
    # cannot have them: a dot between a full word and a lower-case word, a colon after a
    # preposition or conjunction, a dot or comma glued before a word, a lone dot between words.
    fix_punctuation: bool = True
    # Mixed case inside a known word (БУЛГанину, вСтречи) is a misread: case of the first letter kept.
    fix_case: bool = True
    # Two tokens joined and spelling-corrected as one (прекр щение -> прекращение) pay this for
    # the lost blank. At 3.0 a non-word and a short word beside it were joined on thin margins
    # (игасы к -> иссык, Анджу и -> Андун); 3.5 stops those and keeps the real joins.
    join_cost: float = 3.5
    # A listed word rarer than this (natural log of its frequency) that is not a preposition,
    # conjunction or particle may be a fragment of a split word (полу чит, пере говоры): two such
    # neighbours are joined when the joined word is much likelier than the pair.
    fragment_log_prob: float = -10.2
    # A word with no listed candidate is compared with OpenCorpora's forms one listed confusion
    # away from this length on; such a form gets this log prior (rarer than any listed word).
    min_length_unlisted: int = 7
    unlisted_log_prob: float = -16.0
    # ... and from this length on any letter may stand for any other there (жизженности ->
    # жизненности): so long a string one letter from a form is seldom anything else.
    min_length_any_letter: int = 10
    # A word of this length or more with no candidate within two edits, on a noisy page, may
    # take a listed word three edits away (``_distant_best``; 0 turns it off).
    min_length_distant: int = 10
    # A misspelt word split in two has a short half: longer pairs are not tried as one word.
    max_split_part: int = 5
    # A corrected adjective that disagrees with the noun after it takes another candidate form
    # of its word that agrees, if that form's score is at most this far below (0 turns it off).
    agreement_window: float = 3.0
    # Extra margin to join two listed words when only one of them is rare (штаб ом -> штабом).
    fragment_margin: float = 2.0
    # A dotted short token likelier than this is a word of its own (им., ул.), never an abbreviation misread.
    abbreviation_max_log_prob: float = -12.5


# Letters Tesseract reads for digits, used only inside tokens that are otherwise numbers.
NUMBER_CONFUSIONS = {
    "I": "1",
    "l": "1",
    "|": "1",
    "О": "0",
    "O": "0",
    "о": "0",
    "o": "0",
    "З": "3",
    "б": "6",
    "@": "0",  # 4@, 34@: the zero of a worn typeface
}
LATIN_TO_CYRILLIC = str.maketrans("aeopcxyAEOPCXBKMHTy", "аеорсхуАЕОРСХВКМНТу")
CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
LATIN = re.compile(r"[a-zA-Z]")
DIGIT = re.compile(r"\d")
TOKEN = re.compile(r"\S+")
# Leading/trailing punctuation kept as it is around the word core.
# An opening quote may be typed or read as a closing one (”постепечно, »Правда»).
LEAD = re.compile(r"^[\"'«»(\[“”„‚‘`|_*/]+")
TRAIL_CHARS = "\"'»)].,;:!?…“”’`|_*/"
TRAIL = re.compile("[" + re.escape(TRAIL_CHARS) + "]+$")
WORD_CORE = re.compile(r"^[а-яёА-ЯЁ]+(?:-[а-яёА-ЯЁ]+)*-?$")
NUMBER_CORE = re.compile(r"^[0-9IlО Oоo|Зб@.,:/-]+$")
NUMBER_SUFFIX = re.compile(r"^(.*?\d.*?)(-[а-яё]{1,3})?$")
SENTENCE_END = re.compile(r"[.!?:\"»]$")
# Its marks, for the page loop's test on tokens (which hold no line break, so ``$`` is the last character).
SENTENCE_END_MARKS = frozenset('.!?:"»')
# Letters of one case (no opening quote), then a mark that may be a misread letter (дол», СОВЕ!).
MARK_FOR_LETTER = re.compile(r"^([а-яё]{2,}|[А-ЯЁ]{2,})[\"»”“'’:;!]$")
# Two words joined by a dot, the second in lower case: с.командующим, заинтересованности.в.
DOT_BETWEEN_WORDS = re.compile(r"^([а-яёА-ЯЁ]+)\.([а-яё]+)$")
# One punctuation mark inside a Cyrillic word (С:алину, АРМ/И, корню'ина, касае.ся): a misread letter.
INNER_PUNCT = re.compile(r"^[а-яёА-ЯЁ]+([:/'!|.])[а-яёА-ЯЁ]+$")
# A short word in small letters, and one with its stop, perhaps before a comma: an abbreviation
# if no dictionary word (``_short_abbreviation``).
SHORT_WORD = re.compile(r"[а-яё]{1,5}")
SHORT_DOTTED = re.compile(r"^([а-яё]{1,5})\.[,;:]?$")
# с.г. (of this year) read with a capital, or its inner stop read as a comma (С.г., С,г., с,г,);
# never a sentence's first word. In capitals (С.Г.) a text typed so.
THIS_YEAR_MISREAD_INSIDE = re.compile(r"^[Сс][.,]г[.,]([,;:]?)$")
# т.е., т.к., т.ч., т.п., т.д. with a letter, a mark or the case misread (т.х., т,е., Т.Ч,).
DOTTED_PAIR_MISREAD = re.compile(r"^([вВ]?)([Тт])[.,]([а-яёА-ЯЁ])[.,]([,;:]?)$")
DOTTED_PAIR_SECONDS = frozenset("кечпд")
# A Roman numeral typed with I's, read as Т by Tesseract's Russian model (в ТТТ квартале), before
# a noun such numerals number.
ROMAN_READ_AS_TE = frozenset({"Т", "ТТ", "ТТТ"})
ROMAN_NUMBERED = frozenset(
    {"квартал", "полугодие", "съезд", "пленум", "созыв", "сессия", "конференция", "конгресс", "век", "интернационал"}
)
# A party's Central Committee, which OCR may read with a letter misread before the party's initialism.
CENTRAL_COMMITTEE = frozenset({"цк"})
# A number in Roman numerals (a century: XIX в.), Latin or Cyrillic letters alike.
ROMAN_NUMERAL = re.compile(r"[IVXLCХ]+")
# A date with its month in Roman numerals (3.III.1958, 11.II), year optional.
ROMAN_MONTH_DATE = re.compile(r"^\d{1,2}\.(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)(?:\.(?:\d{2}|\d{4}))?\.?$")
# A run of underscores, typed as a line to write on (a form's signature or date field).
FILL_LINE = re.compile(r"^_{3,}[.,:;]?$")
# Units or abbreviations over a slash, as typed (кг/га, ц/га, км/ч, в/ч, п/я): short parts in
# small letters. A letter read as a slash sits inside a longer word (АРМ/И, прог/амма).
UNIT_RATIO = re.compile(r"^[а-яё]{1,3}/[а-яё]{1,3}$")
# ``@`` is no punctuation but a blotted round letter (@пыт, раб@та), wherever it stands in a word.
LETTER_SYMBOL = re.compile(r"^[а-яёА-ЯЁ]*(@)[а-яёА-ЯЁ]*$")
UNREAD_LETTER = "\u00b7"  # stands for that letter while candidates are sought; in no word
CYRILLIC_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
NUMBER_SIGN_PUNCT = re.compile(r"^№[.,:;]+$")
STRAY_APOSTROPHE = re.compile(r"^'(?=[а-яёА-ЯЁ])|(?<=[а-яёА-ЯЁ])'$")
STRAY_LEAD = re.compile(r"^[.,:;]+(?=[а-яёА-ЯЁ])")
DOUBLE_STOP = re.compile(r"(?<=[а-яёА-ЯЁ])(?:,\.|\.,)$")
# A colon after a comma or semicolon (следующем;:): one is a speck, and the colon, last, is meant.
# Before one (меся:,) the colon is a misread letter (месяц,).
DOUBLE_COLON = re.compile(r"(?<=[а-яёА-ЯЁ])[,;]:$")
# A list's label: а) б) ... or 1) 2) ...
LIST_LABEL = re.compile(r"^(?:[а-яё]|\d{1,2})\)$")
STRAY_TRAIL = re.compile(r"(?<=[а-яёА-ЯЁ])(\.\.|[.:])$")
# A lower-case word without punctuation (a comma may be a misread stop): the next word is inside its sentence.
MID_SENTENCE_BEFORE = re.compile(r"^[а-яё]+(?:-[а-яё]+)*$")
# A capitalised word or an initialism without punctuation (КНА, Цеденбал).
CAPITALISED_BEFORE = re.compile(r"^[А-ЯЁ][а-яёА-ЯЁ]*(?:-[а-яёА-ЯЁ]+)*$")
# One-letter words read capitalised that a sentence's inside writes small: the prepositions and и.
LONE_CAPITAL_SMALL = frozenset("ВСКОУИ")
# The polite pronoun of letters, capitalised inside sentences (Прошу Вас срочно сообщить).
POLITE_FORMS = frozenset(
    {"Вы", "Вас", "Вам", "Вами", "Ваш", "Ваша", "Ваше", "Вашу", "Вашего", "Вашей", "Ваши", "Ваших"}
)
# The request formula, whose polite pronoun read small gets its capital back.
REQUEST_FORMULA = ("прошу", "вас")
# Its possessive's forms, after which a capitalised common noun is the one it goes with.
POLITE_POSSESSIVES = frozenset(form for form in POLITE_FORMS if form.startswith("Ваш"))
# All its forms in small letters.
POLITE_WORDS = frozenset(form.lower() for form in POLITE_FORMS) | {"вашему", "вашим", "вашем", "вашими"}
# A lower-case or Capitalised word and ! or ? (then perhaps a quote or bracket): a sentence ends.
SENTENCE_BEFORE = re.compile(r"^[а-яёА-ЯЁ][а-яё]{2,}(?:-[а-яё]+)*[!?][\"»)]?$")
# A word of four letters or more (no abbreviation) and a stop: a sentence's end before an opener.
STOP_BEFORE = re.compile(r"^[а-яёА-ЯЁ][а-яё]{3,}(?:-[а-яё]+)*\.[\"»)]?$")
# Personal pronouns in the nominative: after a noun and a stop, the next sentence's subject.
SUBJECT_PRONOUNS = frozenset({"я", "ты", "он", "она", "оно", "мы", "вы", "они"})
# ... and possessive pronouns in the nominative, which open a sentence with its subject (партиями.
# наш советник); their other cases (наших, нашим) often follow a noun inside one.
SUBJECT_POSSESSIVES = frozenset({"наш", "наша", "наше", "наши", "мой", "моя", "мое", "моё", "мои"})
# Words that open a sentence and never continue one without a comma before them; кроме opens one
# only with того (кроме того), see _opener.
SENTENCE_OPENERS = frozenset({"однако", "например", "во-первых", "во-вторых", "в-третьих", "итак", "впрочем"})
# Initials typed glued to a surname, perhaps after an abbreviation (им.В.И.Ленина,): head, surname, mark.
GLUED_INITIALS = re.compile(r"^((?:[а-яё]{1,4}\.)?(?:[А-ЯЁ]\.){1,2})([А-ЯЁ][а-яё]{2,})([,.;:]?)$")
SINGLE_LETTER_DOT = re.compile(r"^[а-яёА-ЯЁ]\.[,;:]?$")
# Parts of speech (pymorphy3) no proper name capitalises inside a sentence.
# Pronouns (Мы, Он) and conjunctions (Как, Если, Но) are left out: they open most sentences,
# and OCR loses the stop before them as often as it misreads a small letter as a capital.
# Verbs and participles, which no surname after a person's noun is (солдата Сокращена); a short
# adjective may be one (сержант Сомов: сомов reads as one).
PREDICATE_POS = frozenset({"VERB", "INFN", "PRTS", "GRND"})
# A predicative or a short adjective, which a question's ли may follow (можно ли, готово ли).
PREDICATIVE_POS = frozenset({"PRED", "ADJS"})
NEVER_CAPITAL_POS = frozenset({"VERB", "INFN", "ADVB", "PREP", "PRCL", "ADJS", "PRTS", "GRND", "PRED", "COMP"})
# Nouns Russian writes in small letters inside a sentence: months and weekdays (конца сентября).
# A holiday after its day's number keeps its capital (1 Мая): that capital follows a digit, and
# the rule on a count's word after its number spares the holidays' dates (HOLIDAYS).
# The months: also the genitive a day's number asks (15 марта); the first three letters are the
# cheap test.
MONTH_ORDER = (
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip
MONTHS = frozenset(MONTH_ORDER)
# A name the page spells alike at least twice mends a one-letter misreading of it this long or longer.
PAGE_NAME_LENGTH = 6
MONTH_GENITIVES = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
# A date in digits (15.7.52, 15.7.1952 г.), its month in the first group.
NUMERIC_DATE = re.compile(r"^\d{1,2}\.(\d{1,2})\.(?:\d{2}|\d{4})(?:\D|$)")
MONTH_STEMS = frozenset({m[:3] for m in MONTHS} | {"мая", "мае", "маю"})
CALENDAR_NOUNS = MONTHS | {"понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"}
# The polite pronouns of letters (Вы, Вас, Ваш): capital or not is the writer's choice.
POLITE_PRONOUNS = frozenset({"вы", "ваш"})
# Nouns and adjectives (lemmas) that the period's usage capitalises inside a sentence by themselves
# (Родины, Правительства, Пленума ЦК, Советской власти): never lower-cased by the case rules.
CAPITALISED_LEMMAS = frozenset(
    {
        "родина", "отечество", "конституция", "правительство", "министерство", "президиум",
        "политбюро", "пленум", "ставка", "совет", "комитет", "секретариат", "академия", "партия",
        "армия", "организация", "ассамблея", "лига", "союз", "республика", "декларация", "устав",
        "революция", "главнокомандующий", "главнокомандование", "председатель", "маршал",
        "советский", "великий", "октябрьский", "отечественный", "верховный", "генеральный",
        "государственный", "соглашение", "договор", "протокол", "конвенция", "указ", "постановление",
        "кодекс", "дворец", "дом", "наркомат", "комиссариат", "совнарком", "госплан", "госбанк",
        "госснаб", "внешторг", "минвнешторг", "совмин", "минфин", "коминформ", "коминтерн",
        "превосходительство", "величество", "высочество", "святейшество", "преосвященство",
    }
)  # fmt: skip
# Nouns heading an institution's name whose next word is capitalised too (Совет Министров).
INSTITUTION_HEADS = frozenset({"совет", "комитет", "министерство", "президиум", "секретариат", "комиссариат"})
# Parts of speech after which a capitalised nominative continues its sentence (что Строительство,
# а Штаб, отмечает Сосредоточение); after any other word it may open one whose stop OCR lost.
NOMINATIVE_AFTER_POS = frozenset({"PREP", "CONJ", "PRCL", "VERB", "INFN", "GRND", "ADVB", "PRED"})
# Parts of speech of a capitalised word between two small ones that a misread case may explain:
# nouns only. A capitalised adjective there is far oftener a name's (Кемеровского совнархоза,
# на Русском кладбище, Главного политического управления) than a misread case.
COMMON_CAPITAL_POS = frozenset({"NOUN"})
LOWER_START = re.compile(r"^[^\w]*[а-яё]")
# An aside in brackets (or the slashes typewriters had for them) may open in small letters after a
# sentence's stop: степь. /монгольская пословица/.
BRACKETS_OPENING = "(/["
PLAIN_WORD = re.compile(r"[а-яёА-ЯЁ]+")
# The small letters, each a letter OCR may have read another as (_short_function_word).
CYRILLIC_SMALL = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
LEAD_CHARS = "\"'«»([“”„‚‘`|_*/"
# A line-end hyphen, perhaps with a speck read after it (коммунис-.).
HYPHEN_END = re.compile(r"[а-яёА-ЯЁ]-[.,:;'`]?$")
# A date with "с.г." (this year) whose closing stop OCR lost, doubled or blurred: 23.6.с.г / 12.3.с.г.. / 28.6.с.г-.
DATE_THIS_YEAR = re.compile(r"^(\d{1,2}\.\d{1,2}\.с\.г)(\.?|[.-]{2,})([,;:\"»)]*)$")
# Blanks OCR read as a dot or a hyphen beside a number (поставить.1800, 40.м., 14.7.1951-г., 4- дело):
# a word, a stop and a number; a number, a mark and a unit; a number and the dash of a list.
WORD_DOT_NUMBER = re.compile(r"^([а-яёА-ЯЁ]{4,}|[иа])\.(\d+(?:\.\d+)*)([,;:]?)$")
NUMBER_MARK_UNIT = re.compile(r"^(\d+(?:\.\d+)*)[.-](г|гг|м|ч|мин|км)\.([,;:]?)$")
NUMBER_DASH = re.compile(r"^(\d+(?:-\d+)?)\.?-$")
# The number sign and its number with a mark read for the blank between them (№.31264).
SIGN_MARK_NUMBER = re.compile(r"^№[.,:;]+(\d+[.,;:]?)$")
# Words after which "2-" is a suspended hyphen (2- и 3-комнатные), not a number and a dash.
SUSPENDED_HYPHEN_NEXT = frozenset({"и", "или", "а"})
# A word and a lower-case abbreviation with the blank between them lost or read as a hyphen.
ABBREVIATION_RUN_IN = re.compile(r"^([а-яёА-ЯЁ]+?)(-?)([а-яё]{2,4})$")
# Conjunctions and prepositions of one letter: a word before which the blank may be lost.
ONE_LETTER_WORDS = frozenset("иавксуо")
# A line's first token that ends a word at least this likely may be that word's tail (its head lost).
LOST_HEAD_LOG_PROB = -14.0
# One-letter conjunctions read with a stop.
CONJUNCTION_STOPS = frozenset({"и.", "а."})
# A number with a stop after it, last on its line after the number sign: "№ 3261." in a footer.
NUMBER_THEN_STOP = re.compile(r"^\d+\.$")
STRIP_PUNCT = "\"'«»()[]“”„‚‘’`|_*/.,;:!?…"
# _join_pair's answer when only a word and a non-word joined and corrected could apply.
WORD_PART = object()
# Letters that are never a word alone: a token of one of them is the end of its neighbour.
NEVER_ALONE = frozenset("йьъы")
# Lexicon kinds that are proper names, written with their capitals.
NAME_KINDS = frozenset({"person", "place", "organisation"})
# Kinds whose names the lexicon cannot list all of: one a letter from a listed one may be another.
# An agency of the era (Политбюро, Совинформбюро) a letter off is a misreading.
PERSON_OR_PLACE = frozenset({"person", "place"})
VERB_POS = frozenset({"VERB", "INFN", "GRND"})  # none of them follows a preposition
# The second pass takes no stop or colon away: a neighbour the first pass mended into small letters
# would make a real stop look like a speck (горючего. а с, its А read small).
SECOND_PASS_SKIPS = frozenset({"punctuation"})
# The vowels that link the parts of a compound (самолето-вылетов, северо-восточный).
LINKING_VOWELS = frozenset("оеё")
QUESTION_PARTICLE = "ли"
# Short words a colon follows to introduce what they point to (река всегда так: сначала ...).
COLON_INTRODUCERS = frozenset({"так", "вот"})
# Capitalised words in a row after which the next is a name's, wherever the row starts.
LONG_NAME_RUN = 2
SOFT_SIGNS = frozenset("ьъ")
# Consonants a Korean name's transliteration may mark as aspirated with an х after them (Чхорвон).
ASPIRATED = frozenset("кптч")
VOWELS = frozenset("аеёиоуыэюя")
# A capitalised verb after a name shorter than this is left alone (Ир Сен Ест: too short to tell).
MIN_VERB_LENGTH = 4
# The endings of a full adjective in the nominative (китайская, советский, новые).
NOMINATIVE_ADJECTIVE_ENDINGS = frozenset({"ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие"})
# Of this length a misread common word of any kind is meant as a function word is (бып -> был,
# пва -> два); shorter ones are left to the function words alone (most two-letter strings are
# one letter from several words).
SHORT_COMMON_LENGTH = 3
# A Chinese or Korean given name of two syllables joined by a hyphen (Жуй-цин, Энь-лай).
HYPHENED_GIVEN_NAME = re.compile(r"^[А-ЯЁ][а-яё]+-[а-яё]+$")
# A recipient's name this long one letter from a listed person's is that person, even on a clean
# page (_recipient).
LONG_RECIPIENT = 7
# A listed word this long may be joined from two long parts (_near_long_entry).
LONG_ENTRY = 12
# How long an unknown word, and how sure pymorphy3's guesser of its reading by its ending, for
# that reading to be as likely as a misread ending (``_other_inflection``).
INFLECTION_GUESS_LENGTH = 12
GUESSED_INFLECTION_SCORE = 0.9
COLUMN_GAP = 3  # blanks between two words of a line that stand in different columns
# A word in small letters this long, two edits from a common word, is a misreading of it
# rather than a name (_name_within_two_edits).
NAME_GUARD_LENGTH = 8
# A surname's neighbours: initials (А. / П.Д.) or a title (тов., тт.) before it, initials after it.
INITIALS = re.compile(r"^[А-ЯЁ]\.(?:[А-ЯЁ]\.)?[,;:]?$")
# ... with no mark after them: a title's or an initial's stop before a name (т. / Минца, Г. Минц).
INITIALS_ONLY = re.compile(r"^[А-ЯЁ]\.(?:[А-ЯЁ]\.)?$")
# The cases each one-letter preposition governs (pymorphy3's names; loc2 and gen2 are the
# locative and genitive in -у: в лесу, с полу).
PREPOSITION_CASES = {
    "у": frozenset({"gent", "gen2"}),
    "в": frozenset({"accs", "loct", "loc2"}),
    "к": frozenset({"datv"}),
    "с": frozenset({"gent", "gen2", "ablt", "accs"}),
    "о": frozenset({"loct", "accs"}),
}
# The most entries a memo keyed by a pair of tokens keeps: words repeat, pairs in a long batch
# keep coming.
PAIR_MEMO_LIMIT = 200_000
# Cases that the prepositions govern, for a noun right after one (для фронта, к штабу, при штабе);
# a noun in none of them is a misread inflection (для фронте).
GOVERNED_CASES = {
    **{p: frozenset({"gent"}) for p in ("для", "из", "от", "до", "без", "около", "после", "кроме", "среди",
                                        "вокруг", "против", "возле", "вдоль", "мимо", "из-за", "из-под", "у")},
    **{p: frozenset({"datv"}) for p in ("к", "ко", "благодаря", "согласно", "вопреки")},
    "по": frozenset({"datv", "loct", "accs"}),
    "при": frozenset({"loct"}),
    "через": frozenset({"accs"}),
    "про": frozenset({"accs"}),
    "над": frozenset({"ablt"}),
    "перед": frozenset({"ablt"}),
    "между": frozenset({"ablt", "gent"}),
    "под": frozenset({"ablt", "accs"}),
    "за": frozenset({"ablt", "accs"}),
    "на": frozenset({"accs", "loct"}),
    "в": frozenset({"accs", "loct"}),
    "во": frozenset({"accs", "loct"}),
    "о": frozenset({"accs", "loct"}),
    "об": frozenset({"accs", "loct"}),
    "с": frozenset({"gent", "ablt", "accs"}),
    "со": frozenset({"gent", "ablt", "accs"}),
}  # fmt: skip
# The second genitive, locative and accusative count as the first (чаю, в лесу).
CASE_FAMILY = {"gen2": "gent", "loc2": "loct", "acc2": "accs", "gen1": "gent", "loc1": "loct"}
# The last two letters of a full adjective's endings (ый, ого, ыми ...): the cheap test before a
# pair is parsed for agreement.
ADJECTIVE_ENDINGS = frozenset(
    {
        "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "го", "му", "ым", "им", "ом", "ем", "ую", "юю",
        "ых", "их", "ми", "ей",
    }
)  # fmt: skip
# Words that join an adjective to another before one noun (корейская и китайская делегации).
COORDINATION = frozenset({"и", "или", "а", "либо"})
# An adverb of nationality or kind (китайски, политически: ADVERB_SUFFIX) made of an adjective
# that lost its last letter (китайски товарищи -> китайские): the letters such an ending may have
# ended with.
LOST_ADJECTIVE_LETTERS = "йеяюмх"
# Single letters no Russian word is, nor any abbreviation, that the confusion table reads for a
# one-letter preposition (з for в, х for к or с): one alone before a word in a case is that
# preposition misread (х затягиванию -> к). Others alone (ы, ь) are specks as often.
LONE_NON_WORDS = frozenset("зх")
# How much cheaper in the channel one preposition's misreading must be to take it over another
# that fits as well (х before боевой: к costs 4.2, с 6.5).
PREPOSITION_LEAD = 1.5
# The prepositions о and об as OCR reads them in digits (О as 0, б as 6), and the letters об
# takes before (об авиации, об итогах).
DIGIT_PREPOSITIONS = {"0": "о", "06": "об", "0б": "об"}
# The preposition в as some typefaces' worn в reads: 8.
EIGHT_FOR_V = "8"
PREPOSITION_VOWELS = frozenset("аоуэиы")
# Words after which a noun is in the genitive plural (тыс. тонн, млн. рублей).
THOUSANDS = frozenset({"тыс.", "млн.", "млрд."})
# The abbreviations of what a count in millions counts: tonnes, roubles, dollars.
COUNTED_BY_MILLIONS = frozenset({"т", "руб", "долл"})
# Words in capitals of these lengths may be a misread organisation's initialism (МИЦ: МИД), unless
# a word at least this likely (log P).
INITIALISM_LENGTHS = (3, 5)
INITIALISM_WORD_LOG_PROB = -11.0
# The count's words themselves, without their stop, and the marks OCR reads for that stop.
COUNT_WORDS = ("тыс", "млн", "млрд")
COUNT_WORD_MARKS = frozenset({"", ".", ",", ";", ":"})
COUNT_WORD_LONGEST = 5  # four letters and a mark
# What a short word two listed confusions from a listed one must beat keeping it by, beyond the
# margin: two misread letters in a word of four or five are far rarer than one.
SECOND_CONFUSION_MARGIN = 3.0
# An amount with a decimal comma or point (11,2 тыс. т), which a count's word may follow too.
DECIMAL_NUMBER = re.compile(r"^\d+[.,]\d+$")
# A number of one or two digits, perhaps with a brace or bracket read for its parenthesis: a list's
# point when an infinitive follows (``_list_point``).
LIST_POINT = re.compile(r"^(\d{1,2})[}\]]?$")
# A list's letter with a brace or bracket read for its parenthesis (а}, б]), after a colon or a
# semicolon or at a line's start.
LETTER_POINT = re.compile(r"^[а-ж][}\]]$")
# Titles before a name (т. Берут, тов. Ракоши).
TITLES_BEFORE_NAMES = frozenset({"тов.", "т.", "тт."})
# Conjunctions a comma may stand before, after an abbreviation as after any word.
CLAUSE_CONJUNCTIONS = frozenset({"и", "а", "но", "или", "что", "чтобы", "как", "если", "когда", "где", "который"})
# The unit of the genre's supply counts, in the genitive plural a count takes (_misread_tonnes).
TONNES = "тонн"
# The Soviet holidays named by their date, whose month keeps its capital (к празднику 1 Мая).
HOLIDAYS = frozenset({("1", "мая"), ("9", "мая"), ("8", "марта"), ("7", "ноября"), ("23", "февраля")})
# The year's unit read as a capital, after a year or a date (1951 Г., 14.3.1951 Г.,).
YEAR_UNIT_CAPITAL = frozenset({"Г.", "Г.,", "Г.;"})
YEAR_OR_DATE = re.compile(r"^(?:\d{1,2}\.\d{1,2}\.)?(?:1[89]\d\d|20\d\d)$")
# Parts of speech of words that stand alone, never half of a split word.
FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL"})
# A stop, colon or semicolon inside a listed phrase (ГЛАВНОЕ. УПРАВЛЕНИЕ, МАО. ЦЗЕ-ДУН) is a speck.
INNER_STOPS = frozenset({".", ":", ";"})
# The cases of a word with none (a verb, an adverb, no word): ``Corrector._cases``'s reading.
NO_CASE: frozenset[str | None] = frozenset({None})
# Two edits along listed confusions cost at most this many plain substitutions (артипперией ->
# артиллерией, 7.45 against 10.0): then a lower-case word is taken for a misreading, not a name.
CONFUSED_TWICE = 1.6
# Words in small letters that make a line prose, not a header with scraps (детской АРМИЛ.).
PROSE_LINE_WORDS = 3
# Letters read exactly that a misread phrase must keep (``_phrase_misreads``): its words this
# long find it.
PHRASE_ANCHOR = 3
# The lexicon's kinds of multi-word entries: names and the genre's titles (``phrase``), and fixed
# expressions of Russian prose (``expression``, вряд ли), which no mark parts.
PHRASE_KINDS = frozenset({"phrase", "expression"})
# Parts of speech that seldom end a sentence: a stop after them before a small letter is a speck.
SELDOM_BEFORE_STOP = frozenset({"ADJF", "INFN"})
# pymorphy3 grammemes of proper names: personal names, surnames, patronymics, places, organisations.
NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
# The endings of Russian surnames in -ов, -ев, -ин, -ын, in any singular case (ваморов, Гуляева).
SURNAME_ENDING = re.compile(r"(?:ов|ев|ёв|ин|ын)(?:а|у|ым|е|ой)?$")
# A person's names among them: what may follow an initial (a place's may not).
PERSON_TAGS = frozenset({"Name", "Surn", "Patr"})
# pymorphy3's grammemes of the relative pronoun (который) and of question words (где, когда): they
# open a clause after a comma, not a sentence, so a comma before one is no misread stop (станки,
# Которые; реки Чхончхон, Где).
RELATIVE_TAGS = frozenset({"Anph", "Ques"})
# Readings that explain a capital inside a sentence, or begin a clause, not a sentence.
NO_SENTENCE_OPENING = NAME_TAGS | RELATIVE_TAGS
# Parts of speech after which a sentence or a list never ends (pymorphy3 tags).
NEVER_BEFORE_STOP = frozenset({"PREP", "CONJ"})
# ... unless another reading, none of these, may end a sentence (так., чем.).
NO_SENTENCE_END_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ"})
assert NEVER_BEFORE_STOP <= INDEXED_POS, "the lexicon must record these parts of speech"


# (candidate, written as the token, score over keeping the token, eligible for the page to settle,
# beats keeping the token): one candidate of a tie (_tie_options).
TieOption = tuple[str, str, float, bool, bool]
# What a token's correction depends on besides the models (``_token_key``).
TokenKey = tuple[str, bool, int, bool]


def _edit(line: int, start: int, end: int, replacement: str, reason: str, score: float, candidates: list) -> Correction:
    """A change while a page is corrected: 0-based line; page and original text are filled in
    when the page's changes are returned (a change may span several tokens)."""
    return Correction(0, line, start, end, "", replacement, reason, score, candidates)


def _case(tag: Any) -> str | None:
    """A reading's case, the second genitive, locative and accusative counted as the first."""
    case = tag.case
    return CASE_FAMILY.get(case, case)


def _one_substitution(a: str, b: str) -> bool:
    """Whether two strings of one length differ in exactly one letter."""
    return len(a) == len(b) and Hamming.distance(a, b, score_cutoff=1) == 1


def _takes_genitive_plural(number: str) -> bool:
    """Whether a count in digits takes the genitive plural (5, 11, 20 тонн; not 1 тонна, 3 тонны)."""
    return number[-1] in "056789" or number[-2:-1] == "1"


def _genitive_plural(parse: Any) -> bool:
    """A noun's reading in the genitive plural (тыс. тонн)."""
    return parse.tag.POS == "NOUN" and _case(parse.tag) == "gent" and parse.tag.number == "plur"


def _month_genitive(parse: Any) -> bool:
    """A month's name in the genitive (15 марта)."""
    return parse.normal_form in MONTHS and _case(parse.tag) == "gent"


def _agree(adjective: Any, noun: Any) -> bool:
    """Whether an adjective's reading agrees with a noun's: case, number and animacy where both
    have one, and gender in the singular (a noun of common or no gender takes either)."""
    if _case(adjective) != _case(noun) or adjective.number != noun.number:
        return False
    if adjective.animacy and noun.animacy and adjective.animacy != noun.animacy:
        return False  # ваших указы: an animate accusative is no inanimate's
    return adjective.number != "sing" or noun.gender is None or "Ms-f" in noun or adjective.gender == noun.gender


def _mixed_case(core: str) -> bool:
    """True for case no typist types inside one word: not lower, not Capitalised, not ALL CAPS."""
    letters = core if core.isalpha() else "".join(c for c in core if c.isalpha())
    rest = letters[1:]
    return bool(rest) and not rest.islower() and not letters.isupper()


def _mostly_capitals(text: str) -> bool:
    """A word in capitals with a letter or two read small (ФиЛИПЛОЗУ): at least four letters,
    the first and three in four of them capitals."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and letters[0].isupper() and 4 * sum(c.isupper() for c in letters) >= 3 * len(letters)


def apply_case(pattern: str, word: str, written: str | None = None) -> str:
    """Give ``word`` the case pattern of ``pattern`` (all caps, capitalised, or the lexicon's form)."""
    letters = [c for c in pattern if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters) or _mostly_capitals(pattern):
        return word.upper()
    if written is not None and written.lower() == word:
        if written.isupper() and len(written) > 1:
            return written  # acronyms (США, ООН) are written in capitals whatever OCR made of them
        if letters and letters[0].isupper():
            return written[0].upper() + written[1:]
        return written if written[0].islower() else word
    if letters and letters[0].isupper():
        return word[:1].upper() + word[1:]
    return word


class Corrector:
    """Loaded models and settings; corrects pages of text, returning changes as data.

    One page at a time: ``correct_page`` keeps the page being corrected (its tokens, whether it
    is clean) on the instance, so one instance must not be shared between threads. Luigi's
    workers are processes, each with its own.
    """

    def __init__(self, settings: CorrectSettings, lexicon: Lexicon) -> None:
        self.settings = settings
        self.lexicon = lexicon
        self.channel = Channel(lexicon.confusions, settings.substitution_cost, settings.indel_cost)
        self._token_cache: dict[TokenKey, tuple[str, str, float, list[dict[str, Any]]] | None] = {}
        self._pos_cache: dict[str, tuple[str | None, bool] | None] = {}
        self._solid_cache: dict[str, bool] = {}
        self._candidate_cache: dict[tuple[str, int, bool], list[tuple[float, str, int]]] = {}
        # The lexicon's own candidates of a word (``_listed_candidates``) and its OpenCorpora forms
        # (``_unlisted_forms``): asked again with and without those forms, and by the grammar pass.
        self._listed_cache: dict[tuple[str, int], list[tuple[float, str, int]]] = {}
        self._unlisted_cache: dict[str, list[tuple[float, str, int]]] = {}
        self._pair_cache: dict[tuple[str, str], Any] = {}
        self._word_part_cache: dict[tuple[str, str], tuple[str, float, list[dict[str, Any]]] | None] = {}
        # Letters the confusion table says a read letter may stand for (single-letter rows).
        self._meant_for: dict[str, list[str]] = {}
        for (read, meant), _cost in sorted(self.channel.table.items(), key=lambda kv: kv[1]):
            if len(read) == 1 and len(meant) == 1 and meant.isalpha():
                self._meant_for.setdefault(read, []).append(meant)
        self._keep_cache: dict[tuple[str, bool], float] = {}
        # Two-letter strings one listed confusion from the particle ли (пи, лн): _question_particle.
        self._particle_misreadings = frozenset(
            QUESTION_PARTICLE[:i] + read + QUESTION_PARTICLE[i + 1 :]
            for i in range(len(QUESTION_PARTICLE))
            for read, meant in self._meant_for.items()
            if QUESTION_PARTICLE[i] in meant and read != QUESTION_PARTICLE[i]
        )
        self._unlisted_word_cache: dict[str, tuple[str, float] | None] = {}
        # Ties the page may settle (``_tie_options``), by the token cache's key, and the one the
        # token being decided met.
        self._tie_cache: dict[TokenKey, list[TieOption]] = {}
        self._last_tie: list[TieOption] | None = None
        # The tokens of the page being corrected and whether it is clean (``_is_clean_page``:
        # None until asked), the token keys whose change a clean page vetoes (a name-shaped
        # word made a listed name by a plain substitution), and whether the token being
        # decided is one.
        self._page_tokens: list[list[tuple[int, int, str]]] = []
        self._page_counts: tuple[int, int] | None = None  # (small words, of them dictionary words)
        self._page_capitalised: Counter[str] | None = None  # capitalised words as read, lower-cased
        self._name_guesses: set[TokenKey] = set()
        self._last_name_guess = False
        # Tokens whose change only a noisy page's lower keep for long words allows (_correct_core).
        self._long_guesses: set[TokenKey] = set()
        self._last_long_guess = False
        # Units the lexicon lists without a stop (км, мм): what a short token after a number may be.
        self._units = frozenset(
            w for w, kind in lexicon.domain_kind.items() if kind == "abbreviation" and "." not in w and w.isalpha()
        )
        # Organisations' initialisms (мид, кндр), by length: what a word in capitals may be misread from.
        self._initialisms: dict[int, tuple[str, ...]] = {}
        for form, kind in lexicon.domain_kind.items():
            if kind == "organisation" and form.isalpha() and lexicon.domain[form].isupper():
                self._initialisms[len(form)] = (*self._initialisms.get(len(form), ()), form)
        # Abbreviations in small letters with a stop inside (т.е., т.к., с.г.): small after a comma.
        self._inner_dot_abbreviations = frozenset(
            k for k, kind in lexicon.domain_kind.items() if "." in k[:-1] and " " not in k and k.islower()
        )
        self._never_capital_cache: dict[str, bool] = {}
        self._lemma_cache: dict[str, frozenset[str]] = {}
        self._recipient_cache: dict[str, bool] = {}
        self._ends_sentence_cache: dict[str, bool] = {}
        self._clause_word_cache: dict[str, bool] = {}
        self._dictionary_cache: dict[str, bool] = {}
        self._cases_cache: dict[str, frozenset[str | None]] = {}
        self._governing_cache: dict[tuple[str, str], tuple[str, str, float, list[dict[str, Any]]] | None] = {}
        self._short_function_cache: dict[tuple[str, bool, bool], str | None] = {}
        self._dative_cache: dict[str, str] = {}  # "" where a name has no one dative form
        self._noiseless_cache: dict[str, str] = {}
        self._common_word_cache: dict[str, bool | None] = {}
        self._grammar_cache: dict[tuple[str, ...], tuple[str | None, str | None, list[dict[str, Any]]] | None] = {}
        self._tags_cache: dict[str, tuple[Any, ...]] = {}
        self._disagree_cache: dict[tuple[str, str], bool] = {}
        # Letters whose capital and small forms Tesseract confuses (learned rows such as в->В).
        self._case_confusable = frozenset(
            c.ocr.lower()
            for c in lexicon.confusions
            if len(c.ocr) == 1 and c.ocr != c.truth and c.ocr.lower() == c.truth.lower() and c.ocr.isalpha()
        )
        chars = settings.noise_chars
        # Listed phrases under each of their words: (lower-case words, written words, position).
        self._phrases = _phrase_table(lexicon)
        # Single-word dotted abbreviations of the lexicon (тов., отп., экз.), without the dot.
        self._abbreviations = sorted(
            k[:-1]
            for k, kind in lexicon.domain_kind.items()
            if kind == "abbreviation" and k.endswith(".") and k.count(".") == 1 and " " not in k
        )
        self._noise = re.compile(f"[{re.escape(chars)}]") if chars else None
        number_chars = chars.replace("°", "")
        self._noise_in_number = re.compile(f"[{re.escape(number_chars)}]") if number_chars else None

    @classmethod
    def load(cls, settings: CorrectSettings, models_dir: Path | None = None) -> Corrector:
        """Corrector over the models in ``models_dir`` (default: the repository's ``models/``)."""
        return _load(settings, models_dir)

    # ---- whole documents -------------------------------------------------------------
    def correct_text(self, text: str) -> tuple[str, list[Correction]]:
        """Correct a document whose pages are separated by form feeds; pages are numbered from 1."""
        pages: list[str] = []
        changes: list[Correction] = []
        for number, page in enumerate(text.split("\f"), start=1):
            corrected, page_changes = self.correct_page(page, number)
            pages.append(corrected)
            changes.extend(page_changes)
        return "\f".join(pages), changes

    def correct_page(
        self, text: str, page: int = 1, confidences: dict[tuple[int, int], float] | None = None
    ) -> tuple[str, list[Correction]]:
        """Correct one page; ``confidences[(line, token_index)]`` are Tesseract word confidences."""
        if not self.settings.enabled or not text:
            return text, []
        lines = text.split("\n")
        edits = self._page_edits(lines, confidences)
        if edits and self.settings.second_pass:
            # Once a word is mended, its neighbours' context has changed (a join made a word, a
            # case or mark mended decides a stop): a second pass over the result decides again,
            # and its changes are folded into the first's, so that each record still maps the
            # page as read to the page as corrected.
            lines_once = _apply(lines, edits).split("\n")
            carried = _carry_confidences(lines, edits, lines_once, confidences)
            # Only the lines the first pass changed and their neighbours are decided again (the
            # neighbours as context, two lines out): a line no edit touched reads as it did.
            edited = {e.line for e in edits}
            near = _lines_around(edited, 1, len(lines_once))
            context = _lines_around(edited, 2, len(lines_once))
            again = [
                e
                for e in self._page_edits(lines_once, carried, context)
                if e.reason not in SECOND_PASS_SKIPS and e.line in near
            ]
            if any(e.reason == "grammar" for e in again):
                again = self._guesses_kept_apart(lines_once, edits, again)
            if again:
                edits = _compose(lines_once, edits, again)
        corrected = _apply(lines, edits)
        changes = [
            Correction(
                page,
                e.line + 1,
                e.start,
                e.end,
                lines[e.line][e.start : e.end],  # what the passes saw may span several tokens
                e.replacement,
                e.reason,
                round(e.score, 3),
                e.candidates,
            )
            for e in sorted(edits, key=lambda e: (e.line, e.start))
        ]
        return corrected, changes

    def _guesses_kept_apart(
        self, lines_once: list[str], first: list[Correction], again: list[Correction]
    ) -> list[Correction]:
        """``again`` without the grammar changes that would build on a word the first pass guessed:
        after a short word or a word three edits away it guessed (``Пс ет словам`` -> ``По от``,
        not ``слова``; ``зреваощего выход`` -> ``решающего``, not ``выхода``), or in an
        adjective its preposition governs as read, before a noun it respelled (``на серьезных
        органи`` -> ``органы``, not ``серьезные``)."""
        guessed = _guessed_spans(first, ("short-word", "spelling-distant"))
        respelled = _guessed_spans(first, ("short-word", "spelling"))
        return [
            e
            for e in again
            if e.reason != "grammar"
            or not (
                _after_span(lines_once[e.line], e.start, guessed.get(e.line, []))
                or _before_span(lines_once[e.line], e.end, respelled.get(e.line, []))
                and self._governed_as_read(lines_once[e.line], e.start, e.end)
            )
        ]

    def _governed_as_read(self, line: str, start: int, end: int) -> bool:
        """Whether the word at ``line[start:end]`` stands, as read, in a case the preposition
        before it governs (``на серьезных``): its own context backs it, whatever the next word."""
        before = line[:start].split()
        preposition = before[-1].lower() if before else ""
        governed = GOVERNED_CASES.get(preposition) if len(preposition) > 1 else None
        word = line[start:end].lower()
        return governed is not None and self._governed_case(word, governed)

    def _page_edits(
        self,
        lines: list[str],
        confidences: dict[tuple[int, int], float] | None,
        only: set[int] | None = None,
    ) -> list[Correction]:
        """One pass over a page's lines: its changes as 0-based line edits (``_edit``). With
        ``only``, the other lines are read as blank, except by what asks the whole page (whether
        it is clean, which of its words back a tie)."""
        page_tokens = [_tokens(line) for line in lines]
        tokens = page_tokens if only is None else [t if li in only else [] for li, t in enumerate(page_tokens)]
        self._page_tokens, self._page_counts, self._page_capitalised = page_tokens, None, None
        edits: list[Correction] = []
        consumed: set[tuple[int, int]] = set()
        if self.settings.join_hyphenation:
            edits += self._join_hyphenation(tokens, consumed)
        listed: set[tuple[int, int]] = set()  # words of listed phrases read right: never joined
        edits += self._fix_phrases(tokens, consumed, listed)
        edits += self._join_hyphen_gaps(tokens, consumed)
        edits += self._join_dates(tokens, consumed)
        edits += self._fix_record_fields(lines, tokens, consumed)
        if self.settings.fix_numbers:
            edits += _fix_list_labels(tokens, consumed)
        word_parts: list[tuple[int, int]] = []
        edits += self._join_split_words(tokens, consumed, listed, word_parts)
        edits += self._join_word_parts(tokens, consumed, word_parts)
        previous_text = ""
        previous_out = ""  # the previous token as corrected: a removed stop ends no sentence
        # What the passes above made of the tokens they took, by (line, end offset): a joined
        # Цзе- -дун! ends its sentence as Цзе-дун! does.
        made = {(e.line, e.end): e.replacement for e in edits}
        order = [(li, ti) for li, line_tokens in enumerate(tokens) for ti in range(len(line_tokens))]
        small_in_capitals: dict[int, int | None] = {}  # by line, asked only of lines that need it
        ties: list[tuple[int, int, list[TieOption]]] = []  # tokens left as read for a tie
        # The polite pronoun inside sentences: how often capitalised, and where in small letters
        # (line, start, end, the token as it stands after this pass).
        polite_capitals = 0
        polite_small: list[tuple[int, int, int, str]] = []
        fix_punct = self.settings.fix_punctuation
        for k, (li, ti) in enumerate(order):
            start, end, token = tokens[li][ti]
            if (li, ti) in consumed:
                previous_text = token
                previous_out = made.get((li, end), token)
                continue
            if fix_punct and ti > 0 and token == "." and k + 1 < len(order) and previous_text[-1:].isalnum():
                # A dot or colon standing alone between words is a speck: no typist puts a blank before it.
                prev_end = tokens[li][ti - 1][1]
                edits.append(_edit(li, prev_end, end, "", "punctuation", 0.0, []))
                continue
            if ti == 0 and HYPHEN_END.search(previous_text) and LOWER_START.match(token):
                # The tail of a word hyphenated at the previous line's end (поли- / тических):
                # not a word alone, so it is judged with its head (многонацио- / нальмой).
                tail = self._hyphenated_tail(previous_text, token)
                if tail is not None:
                    edits.append(_edit(li, start, end, tail[0], tail[1], tail[2], tail[3]))
                previous_text = previous_out = token
                continue
            following = tokens[li][ti + 1][2] if ti + 1 < len(tokens[li]) else None
            # The number of a telegram ends its header's or footer's line (ШИФРТЕЛЕГРАММА № 3261,
            # 12.15 30.6 № 1402), after no word in small letters (в штаб № 5.).
            header_number = following is None and (ti < 2 or not any(c.islower() for c in tokens[li][ti - 2][2]))
            placed = self._placed_token(token, ti, previous_text, previous_out, following, header_number, tokens[li])
            if placed is not None:
                edits.append(_edit(li, start, end, placed[0], placed[1], 0.0, []))
                previous_text = previous_out = placed[0]
                continue
            initial = not previous_text or previous_text[-1] in SENTENCE_END_MARKS
            if initial and previous_text and _name_follows(previous_text, _token_at(tokens, order, k - 2)):
                initial = False  # т. Минца: a title's or an initial's stop ends no sentence
            next_lower = fix_punct and token[-1:] in ".:" and self._next_word_small(token, following, tokens, li, ti)
            conf = confidences.get((li + 1, ti)) if confidences else None
            if conf is not None:
                conf = float(round(conf))  # judged as the token cache knows it (_token_key)
            key = _token_key(token, initial, conf, next_lower)
            edit = self._correct_token(key, token, initial, conf, next_lower)
            if edit is None and (token in PREPOSITION_CASES or token in LONE_NON_WORDS) and following is not None:
                edit = self._governing_preposition(token, following)
            elif edit is None and initial and following is not None and token.lower() in PREPOSITION_CASES:
                # 1. С заготовках зерна: a sentence's first word, the preposition's capital its place's
                small = self._governing_preposition(token.lower(), following)
                edit = None if small is None else (small[0].capitalize(), small[1], small[2], small[3])
            elif edit is None and token in DIGIT_PREPOSITIONS and following is not None:
                edit = self._preposition_read_as_digits(token, following, initial)
            elif edit is None and token == EIGHT_FOR_V and following is not None and not initial:
                edit = self._v_read_as_eight(previous_text, following)
            elif edit is None and following is not None and len(token) == 2 and token.islower():
                edit = self._preposition_for_case(token, following)
                if edit is None and ti:
                    edit = self._question_particle(token, tokens[li][ti - 1][2])
            if edit is not None and self._name_guesses and key in self._name_guesses and self._is_clean_page():
                edit = None  # a name the lexicon lacks: see _correct_core
            if edit is not None and self._long_guesses and key in self._long_guesses and not self._is_noisy_page():
                edit = None  # a rare long word, unless the page shows OCR misread much: see _correct_core
            if edit is not None and edit[1].startswith("spelling") and self._read_alike_again(token):
                edit = None  # Оттлик ... Оттлик: a name the page spells so twice, not Отклик
            if edit is not None and ti == 0 and self._lost_head(token, edit[0]):
                edit = None
            if edit is not None and edit[1].startswith("short-word") and not self._no_scrap_beside(tokens[li], ti):
                edit = None  # воспита ня: a scrap of a word OCR split, no function word
            if (
                edit is not None
                and edit[1].startswith("short-word")
                and following is None
                and (self._pronoun_guess(edit[0]) or not self._listed_confusion(token, edit[0]))
            ):
                # носим выс, отставки вые: a line's last scrap may be a word cut short; a pronoun, or
                # a word no listed confusion reaches, is a weak guess
                edit = None
            if edit is not None and edit[1].startswith("short-word") and _unit_after_count(previous_text, following):
                edit = None  # 3 иад ВВС: a unit's abbreviation after its count, no misread над
            if edit is not None and edit[1].startswith("short-word") and _before_given_name(token, following):
                edit = None  # Ло Жуй-цин: a Chinese surname before the given name, no По
            if (
                edit is not None
                and token[:1].isupper()
                and self._surname_slot(tokens[li], ti, token, edit[0], previous_text)
            ):
                edit = None  # тов. Ухова П.Д.: a surname the lexicon lacks, not Ухода
            if edit is not None and edit[1] == "punctuation" and _colon_before_list(token, edit[0], following):
                edit = None  # согласия на: а) перенос: a colon that opens a list is the writer's
            if edit is not None and self._unknown_initialism(token, edit, tokens[li]):
                edit = None  # агентство Кореи (ЦТАК): an initialism the lexicon lacks, not ТАК
            if edit is not None and ti and self._verb_after_preposition(tokens[li][ti - 1][2], token, edit[0]):
                edit = None  # из Вершни: no verb follows a preposition, so not верни
            if (
                fix_punct
                and token[-1:] == ","  # a semicolon is the writer's: OCR reads a stop as a comma
                and following is not None
                and self._opens_sentence(following)
                and not self._listed_name_opens(following, tokens[li], ti + 1)
                and not _relative_clause(tokens[li], ti + 1)
            ):
                edit = _stop_for_comma(token, edit, _core(token)[1].lower() in self.lexicon.domain)
            if edit is None and self.settings.fix_case:
                edit = self._case_edit(token, tokens, li, ti, previous_out, small_in_capitals)
            elif edit is not None and self.settings.fix_case and edit[0]:
                # The corrected word takes the case its place asks as a word read right would
                # (выстуйление after Цзе-дун! -> Выступление).
                cased = self._case_edit(edit[0], tokens, li, ti, previous_out, small_in_capitals)
                if cased is not None:
                    edit = cased[0], edit[1] + "+case", edit[2], edit[3]
            previous_text = previous_out = token
            if edit is not None:
                replacement, reason, score, candidates = edit
                edits.append(_edit(li, start, end, replacement, reason, score, candidates))
                previous_out = replacement
            elif self._tie_cache:
                tie = self._tie_cache.get(key)
                if tie is not None:
                    ties.append((li, ti, tie))
            if not initial and previous_out[:1] in ("в", "В") and _core(previous_out)[1].lower() in POLITE_WORDS:
                if previous_out[:1].isupper():
                    polite_capitals += 1
                elif not _inside_quotes(lines[li][:start]):  # «Почему у вас говорят...»: another's speech
                    polite_small.append((li, start, end, previous_out))
        if ties:
            edits += self._settle_ties(page_tokens, ties)
        edits += self._names_read_alike(page_tokens, tokens, edits)
        if self.settings.fix_grammar:
            edits = self._agreeing_forms(tokens, edits)
            edits += self._grammar_edits(tokens, edits)
        if self.settings.fix_case and polite_capitals > len(polite_small):
            edits = _polite_capitals(edits, polite_small)
        return edits

    def _names_read_alike(
        self,
        page_tokens: list[list[tuple[int, int, str]]],
        tokens: list[list[tuple[int, int, str]]],
        edits: list[Correction],
    ) -> list[Correction]:
        """``Долазский`` -> ``Доланский`` where the page reads ``Доланский`` twice or more: a
        capitalised non-word read once, one listed confusion from exactly one name the page
        spells the same way at least twice (a name the lexicon lacks, which OCR read right
        elsewhere on the page). The page is its own lexicon for its people and places."""
        forms: Counter[str] = Counter()
        for line in page_tokens:
            for _s, _e, text in line:
                if len(text) < PAGE_NAME_LENGTH or not text[0].isupper():
                    continue  # the cheap test first: most tokens are short or small
                core = text.rstrip(TRAIL_CHARS)  # (a capital first: no leading mark)
                if len(core) >= PAGE_NAME_LENGTH and core[1:].islower() and _name_shaped(core):
                    forms[core] += 1
        established = {f.lower(): f for f, n in forms.items() if n > 1}
        if not established:
            return []
        touched: dict[int, list[tuple[int, int]]] = {}
        for e in edits:
            touched.setdefault(e.line, []).append((e.start, e.end))
        out: list[Correction] = []
        for li, line in enumerate(tokens):
            for start, end, text in line:
                if len(text) < PAGE_NAME_LENGTH or not text[0].isupper():
                    continue
                core = text.rstrip(TRAIL_CHARS)
                if forms.get(core) != 1 or any(s < end and start < e for s, e in touched.get(li, [])):
                    continue
                if self.lexicon.is_word(core.lower()) or core.lower() in self.lexicon.domain:
                    continue
                # One listed confusion before the ending (Готвальде is Готвальда's case, no misreading).
                word = core.lower()
                head, ending = word[:-2], word[-2:]
                heads = {f[:-2] for f in established if f.endswith(ending)}
                alike = self._one_confusion_away(head, heads.__contains__)
                if len(alike) == 1:
                    out.append(
                        _edit(
                            li, start, end, established[alike.pop() + ending] + text[len(core) :], "page-name", 0.0, []
                        )
                    )
        return out

    def _grammar_edits(self, tokens: list[list[tuple[int, int, str]]], edits: list[Correction]) -> list[Correction]:
        """Inflections the phrase rules out, in words the passes left alone: a noun after a
        preposition in no case it governs (для фронте -> фронта), a noun after a day's number or
        ``тыс.`` not in the genitive (15 марте -> марта, тыс. тонны -> тонн), and an adjective
        that agrees with no reading of the noun after it (по основные вопросам -> основным).

        The form meant must be the only listed word one edit away that fits: a form of the
        same word, or another word one listed confusion away (норской десант -> морской)."""
        touched: dict[int, list[tuple[int, int]]] = {}
        for e in edits:
            touched.setdefault(e.line, []).append((e.start, e.end))
        out: list[Correction] = []
        last = ""  # the last token of the line before
        for li, line_tokens in enumerate(tokens):
            spans = touched.get(li, [])
            for ti in range(1, len(line_tokens)):
                (a_start, a_end, a), (b_start, b_end, b) = line_tokens[ti - 1], line_tokens[ti]
                if not (
                    a[-2:] in ADJECTIVE_ENDINGS
                    or a.lower() in GOVERNED_CASES
                    or a in THOUSANDS
                    or a.isdecimal()
                    or a.endswith(ADVERB_SUFFIX)
                ):
                    continue  # the cheap test first: most words are none of these
                if b_start - a_end > 1 or spans and any(s < b_end and a_start < e for s, e in spans):
                    continue
                lead, word, trail = _core(b)
                if len(word) < 4 or lead or not word.islower() or not PLAIN_WORD.fullmatch(word):
                    continue  # (корейских вой: a short word is as often a scrap)
                if word not in self.lexicon.counts:
                    continue  # a word misread into no word is the spelling pass's
                before = (line_tokens[ti - 2][2] if ti > 1 else last).lower()
                fix = self._misinflected(a, word, before)
                if fix is not None and fix[0] is not None:
                    out.append(_edit(li, b_start, b_end, lead + fix[0] + trail, "grammar", 0.0, fix[2]))
                    spans.append((b_start, b_end))
                elif fix is not None and fix[1] is not None:
                    out.append(_edit(li, a_start, a_end, fix[1], "grammar", 0.0, fix[2]))
                    spans.append((a_start, a_end))
            if line_tokens:
                last = line_tokens[-1][2]
        return out

    def _agreeing_forms(self, tokens: list[list[tuple[int, int, str]]], edits: list[Correction]) -> list[Correction]:
        """``корейсхох летчиков`` -> ``корейских``, not ``корейской``: a misread word corrected into
        an adjective that disagrees with the noun after it takes the one other candidate, a form
        of the same word nearly as likely (``agreement_window``), that agrees. The misreading
        hid the ending; the noun shows it."""
        if self.settings.agreement_window <= 0 or not any("spelling" in e.reason for e in edits):
            return edits
        made = {(e.line, e.start): e for e in edits}
        out: list[Correction] = []
        for e in edits:
            if "spelling" in e.reason and len(e.candidates) > 2:
                e = self._agreeing_candidate(e, _word_after(tokens[e.line], e.end, e.line, made)) or e
            out.append(e)
        return out

    def _agreeing_candidate(self, e: Correction, noun: str | None) -> Correction | None:
        """``e`` with its replacement made the one other candidate form that agrees with ``noun``,
        when the adjective it made, standing right before the noun, agrees with no reading of it."""
        lead, core, trail = _core(e.replacement)
        word = core.lower()
        if trail or noun is None or noun not in self.lexicon.counts or self._likeliest_pos(noun) != "NOUN":
            return None
        if self._likeliest_pos(word) != "ADJF" or self._agrees_with(word, noun):
            return None
        best = e.candidates[0].get("score")
        if best is None:
            return None
        forms = [
            c["word"]
            for c in e.candidates[1:]
            if not c.get("keep")
            and c.get("score") is not None
            and c["score"] >= best - self.settings.agreement_window
            and c["word"] != word
            and self._lemmas(c["word"]) & self._lemmas(word)
            and self._agrees_with(c["word"], noun)
        ]
        if len(forms) != 1:
            return None
        replacement = lead + apply_case(core, forms[0]) + trail
        return _edit(e.line, e.start, e.end, replacement, e.reason + "+grammar", e.score, e.candidates)

    def _misinflected(self, a: str, b: str, before: str) -> tuple[str | None, str | None, list[dict[str, Any]]] | None:
        """(form meant for ``b``, form meant for ``a``, options) when the pair's grammar rules
        out the inflection read; None when it does not. The cheap tests on ``a`` come first:
        most pairs are no preposition, number or adjective before a noun."""
        lower = a.lower()
        if len(lower) > 1 and lower in GOVERNED_CASES:
            # A one-letter preposition is as often the misread word (к апреле): _governing_preposition.
            return self._memo_grammar(("prep", lower, b), lambda: self._governed_noun(lower, b))
        if a in THOUSANDS or a.isdecimal() and 0 < int(a) <= 31 and b[:3] in MONTH_STEMS:
            fix = self._memo_grammar(("count", a if a in THOUSANDS else "day", b), lambda: self._counted_noun(a, b))
            if fix is not None or a not in THOUSANDS:
                return fix
        if (a in THOUSANDS or a.isdecimal() and _takes_genitive_plural(a)) and b != TONNES:
            return self._memo_grammar(("tonnes", b), lambda: self._misread_tonnes(b))
        if a.endswith(ADVERB_SUFFIX) and a.islower() and before != "по":  # по китайски: the adverb
            return self._memo_grammar(("adverb", a, b), lambda: self._adjective_for_adverb(a, b))
        # The polite pronoun's capital is the writer's (Ваших указании): it agrees as written small.
        adjective = lower if lower in POLITE_WORDS else a
        if adjective[-2:] not in ADJECTIVE_ENDINGS or adjective not in self.lexicon.counts:
            return None
        if not self._disagree(adjective, b) or self._substantive(adjective):
            return None
        # After и or a comma the adjective may be one of several before a plural noun
        # (корейская и китайская делегации); after a number it takes the number's case
        # (два зенитных полка), and so may an adjective after another (два зенитных
        # артиллерийских полка). Asked only of the few pairs that disagree.
        if (
            before in COORDINATION
            or before.endswith(",")
            or DIGIT.search(before)
            or before[-2:] in ADJECTIVE_ENDINGS
            or self._likeliest_pos(_core(before)[1]) == "NUMR"
        ):
            return None
        governed = GOVERNED_CASES.get(before) if len(before) > 1 else None
        fix = self._memo_grammar(
            ("agree", adjective, b, before if governed else ""), lambda: self._agreeing_form(adjective, b, governed)
        )
        if fix is not None and fix[1] is not None and adjective != a:
            return None  # the pronoun itself is kept as written
        return fix

    def _substantive(self, adjective: str) -> bool:
        """Whether an adjective's form is also a noun's (военнопленных, раненых, рабочих): such a
        word may end its phrase, so a word after it it does not agree with is no sign of a
        misreading (о военнопленных обмен списками). Asked only of pairs that disagree."""
        return any(t.POS == "NOUN" for t in self._tags(adjective))

    def _adjective_for_adverb(self, a: str, b: str) -> tuple[str | None, str | None, list[dict[str, Any]]] | None:
        """``китайски товарищи`` -> ``китайские``: an adverb in -ски before a noun is an adjective
        that lost its last letter, when exactly one letter added makes a listed adjective that
        agrees with the noun. An adverb in -о stays (особенно радиостанции, невозможно
        восстановление): before a noun it is as often the writer's."""
        if self._likeliest_pos(a) != "ADVB" or self._likeliest_pos(b) != "NOUN":
            return None
        nouns = self._noun_tags(b)
        fits = {
            a + letter
            for letter in LOST_ADJECTIVE_LETTERS
            if a + letter in self.lexicon.counts
            and any(_agree(x, y) for x in self._adjective_tags(a + letter) for y in nouns)
        }
        if len(fits) != 1:
            return None
        meant = fits.pop()
        return None, meant, [{"word": meant}, {"word": a, "keep": True}]

    def _memo_grammar(
        self, key: tuple[str, ...], decide: Callable[[], tuple[str | None, str | None, list[dict[str, Any]]] | None]
    ) -> tuple[str | None, str | None, list[dict[str, Any]]] | None:
        hit = self._grammar_cache.get(key, False)
        if hit is False:
            hit = decide()
            if len(self._grammar_cache) < PAIR_MEMO_LIMIT:  # pairs, unlike words, grow with a batch
                self._grammar_cache[key] = hit
        return hit  # type: ignore[return-value]

    def _governed_noun(self, preposition: str, b: str) -> tuple[str | None, str | None, list[dict[str, Any]]] | None:
        """The one form of a noun after a preposition, one edit away, in a case it governs."""
        if self._likeliest_pos(b) != "NOUN":
            return None
        cases = GOVERNED_CASES[preposition]
        if any(_case(t) in cases for t in self._tags(b)):
            return None
        meant = self._form_meant(b, lambda p: p.tag.POS == "NOUN" and _case(p.tag) in cases, same_pos="NOUN")
        return None if meant is None else (meant, None, [{"word": meant}, {"word": b, "keep": True}])

    def _counted_noun(self, a: str, b: str) -> tuple[str | None, str | None, list[dict[str, Any]]] | None:
        """The genitive plural after тыс., the month's genitive after a day's number."""
        meant = self._form_meant(b, _genitive_plural if a in THOUSANDS else _month_genitive, same_pos="NOUN")
        return None if meant is None else (meant, None, [{"word": meant}, {"word": b, "keep": True}])

    def _misread_tonnes(self, b: str) -> tuple[str | None, str | None, list[dict[str, Any]]] | None:
        """``тонн`` misread as another word one edit away after a count in the genitive plural
        (20 тыс. тони, 300 тоны): the genre counts its supplies in tonnes, and none of these
        words is what a count of that case takes. A form of тонна itself (1 тонну) stays."""
        if Levenshtein.distance(b, TONNES, score_cutoff=1) > 1:
            return None
        if any(p.normal_form == "тонна" for p in self.lexicon.morph.parse(b)):
            return None
        return TONNES, None, [{"word": TONNES}, {"word": b, "keep": True}]

    def _tags(self, word: str) -> tuple[Any, ...]:
        """pymorphy3's tags of a lower-case word (memoised; ``tag`` is cheaper than ``parse``)."""
        hit = self._tags_cache.get(word)
        if hit is None:
            hit = self._tags_cache[word] = tuple(self.lexicon.morph.tag(word))
        return hit

    def _disagree(self, a: str, b: str) -> bool:
        """Whether ``a`` is an adjective and ``b`` a noun in no readings that agree (memoised).

        Not participles, which govern the noun after them (предусмотренных соглашением), nor the
        relative pronoun (у которых сроки), nor an instrumental, which may be a predicate
        (остается неудовлетворительным положение)."""
        key = (a, b)
        hit = self._disagree_cache.get(key)
        if hit is None:
            hit = False
            if self._likeliest_pos(a) == "ADJF" and self._likeliest_pos(b) == "NOUN":
                adjectives = self._adjective_tags(a)
                hit = (
                    bool(adjectives)
                    and not any(_case(t) == "ablt" for t in adjectives)
                    and not any(_agree(x, y) for x in adjectives for y in self._noun_tags(b))
                )
            if len(self._disagree_cache) < PAIR_MEMO_LIMIT:
                self._disagree_cache[key] = hit
        return hit

    def _adjective_tags(self, word: str) -> list[Any]:
        """A word's readings as a full adjective, pronoun-adjectives (этого) included, the
        substantivised (рабочие) and the relative pronoun (которых) not."""
        return [t for t in self._tags(word) if t.POS == "ADJF" and ("Subx" not in t or "Apro" in t) and "Anph" not in t]

    def _noun_tags(self, word: str) -> list[Any]:
        """A word's readings as a noun."""
        return [t for t in self._tags(word) if t.POS == "NOUN"]

    def _agreeing_form(
        self, a: str, b: str, governed: frozenset[str] | None
    ) -> tuple[str | None, str | None, list[dict[str, Any]]] | None:
        """For an adjective ``a`` and the noun ``b`` after it that disagree: the one form of
        either, one edit away, that agrees with the other (in a case the preposition before
        governs, if any)."""
        adjectives, nouns = self._adjective_tags(a), self._noun_tags(b)
        if governed is not None:
            nouns_ok = [y for y in nouns if _case(y) in governed]
            adjectives_ok = [x for x in adjectives if _case(x) in governed]
        else:
            nouns_ok, adjectives_ok = nouns, adjectives
        for_b = self._forms_meant(
            b, lambda p: p.tag.POS == "NOUN" and any(_agree(x, p.tag) for x in adjectives_ok), "NOUN"
        )
        for_a = self._forms_meant(a, lambda p: p.tag.POS == "ADJF" and any(_agree(p.tag, y) for y in nouns_ok), "ADJF")
        if len(for_a) + len(for_b) != 1:
            return None  # none fits, or several would: nothing says which word OCR misread
        if for_a:
            meant = for_a.pop()
            return None, meant, [{"word": meant}, {"word": a, "keep": True}]
        meant = for_b.pop()
        return meant, None, [{"word": meant}, {"word": b, "keep": True}]

    def _form_meant(self, word: str, fits: Callable[[Any], bool], same_pos: str) -> str | None:
        """The one form ``_forms_meant`` finds, or None for none or several."""
        found = self._forms_meant(word, fits, same_pos)
        return found.pop() if len(found) == 1 else None

    def _forms_meant(self, word: str, fits: Callable[[Any], bool], same_pos: str) -> set[str]:
        """The listed words one edit from ``word`` with a reading (a pymorphy3 parse) that
        ``fits``: forms of the same word (same dictionary form), or other words one listed
        confusion away; none when a reading of ``word`` itself fits."""
        morph = self.lexicon.morph
        parses = morph.parse(word)
        if any(fits(p) for p in parses):
            return set()
        lemmas = {p.normal_form for p in parses if p.tag.POS in (same_pos, "ADJS", "PRTF", "PRTS")}
        confused = self._one_confusion_away(word, lambda m: m in self.lexicon.counts)
        found = {
            candidate
            for _lp, candidate, _distance in self._listed_candidates(word, 1)
            if candidate != word
            and any(
                fits(p) and (p.normal_form in lemmas or candidate in confused) and p.score >= 0.01
                for p in morph.parse(candidate)
            )
        }
        return found

    def _no_scrap_beside(self, line_tokens: list[tuple[int, int, str]], ti: int) -> bool:
        """Whether the token has no scrap beside it on its line: a neighbour that is no word (nor a
        number, nor marks alone) may be the rest of a word OCR split, the short token its scrap."""
        for k in (ti - 1, ti + 1):
            if 0 <= k < len(line_tokens):
                text = line_tokens[k][2]
                core = _core(text)[1].lower()
                if core and not DIGIT.search(text) and not (self.lexicon.is_word(core) or core in self.lexicon.domain):
                    return False
        return True

    def _surname_slot(
        self, line_tokens: list[tuple[int, int, str]], ti: int, token: str, replacement: str, previous_text: str
    ) -> bool:
        """Whether ``token``, at ``ti``, stands where a surname does (after initials, тов. or a
        given name, or before initials), or a name's second word does (after a capitalised word
        inside a sentence, ``_name_run``), and was made another word, ``replacement``, that is no listed name: a
        name the lexicon lacks, there, is likelier than a misread common word (or a listed name
        only a plain substitution away from a surname-shaped word, ``_surname_shaped``). At a
        line's start the word before is the last of the line above (тов. В. / Коларова)."""
        if _same_letters(token, replacement):
            return False
        before = line_tokens[ti - 1][2] if ti else previous_text
        after = line_tokens[ti + 1][2] if ti + 1 < len(line_tokens) else ""
        if "-" in token and self._chinese_surname(before):
            # ЛИ ФУ-ЧУНЬ: a given name after a listed Chinese or Korean surname becomes only a
            # listed person's (Ли Ли-сань), never a place one or two edits away (ФУШУНЬ).
            return self.lexicon.domain_kind.get(_core(replacement)[1].lower()) != "person"
        slot = (
            INITIALS.match(before)
            or before.lower() in NAME_TITLES
            or INITIALS.match(after)
            or self._given_name(before)
            or _coordinated_name(line_tokens, ti)
        )
        run = not slot and _name_run(line_tokens, ti)
        if not slot and _long_name_run(line_tokens, ti):
            # Генерал Во Нгуен Зиап: a third capitalised word in a row, wherever the row starts,
            # is a name's; it becomes only a listed name.
            return self.lexicon.domain_kind.get(_core(replacement)[1].lower()) not in NAME_KINDS
        if not (slot or run):
            return False
        word = _core(replacement)[1].lower()
        if self.lexicon.domain_kind.get(word) in NAME_KINDS or slot and self._maybe_name(word):
            # A listed name, or in the slot a name the lexicon lacks (Х. Чойбапсана ->
            # Чойбалсана), is taken, unless the word read is shaped as a surname of its own and
            # only a plain substitution makes it the other (А. Лунина is no Ленина, В. Коларова
            # no Комарова; тов. Стапину, along a listed confusion, is Сталину).
            return bool(slot) and self._surname_made_name(_core(token)[1].lower(), word)
        # After a capitalised word inside a sentence only a noun or verb is vetoed: an adjective
        # or pronoun goes with it (Великой Отечествекной -> Отечественной, Прошу Ватих -> Ваших).
        return not run or self._tags(word)[0].POS in NAME_RUN_VETO_POS

    def _unknown_initialism(
        self, token: str, edit: tuple[str, str, float, list[dict[str, Any]]], line_tokens: list[tuple[int, int, str]]
    ) -> bool:
        """Whether ``token`` is a short word in capitals on a line of prose (``PROSE_LINE_WORDS``),
        spelled into a word that is no lexicon entry: an initialism the lexicon lacks (ЦТАК), which
        one edit makes a common word (ТАК) as easily as any. In a header or a text typed in
        capitals a misread word is corrected as usual."""
        core = _core(token)[1]
        if not (2 <= len(core) <= 5 and core.isalpha() and core.isupper()) or not edit[1].startswith("spelling"):
            return False
        if _core(edit[0])[1].lower() in self.lexicon.domain:
            return False
        return sum(_core(text)[1].islower() for _s, _e, text in line_tokens) >= PROSE_LINE_WORDS

    def _chinese_surname(self, token: str) -> bool:
        """Whether ``token`` is a listed person's name of one syllable or two (Ли, Лю, Чжоу, Пэн):
        a Chinese or Korean surname, which a hyphened given name follows."""
        core = _core(token)[1]
        return 1 < len(core) <= 4 and core.isalpha() and self.lexicon.domain_kind.get(core.lower()) == "person"

    def _surname_made_name(self, read: str, name: str) -> bool:
        """Whether a word read shaped as a surname of its own would become the listed ``name``
        only by a plain substitution, not along a listed confusion (А. Лунина is no Ленина;
        тов. Стапину is Сталину)."""
        return self._surname_shaped(read) and self.channel.cost(read, name) >= self.settings.substitution_cost

    def _surname_shaped(self, word: str) -> bool:
        """Whether pymorphy3 reads a word it does not know as a surname (its guesser goes by the
        ending: лунина, ухова)."""
        return any("Surn" in tag for tag in self._tags(word))

    def _given_name(self, token: str) -> bool:
        """Whether ``token`` is a capitalised given name by its likeliest reading (Николай, not
        Надежда): a surname follows it (комбайнер Николай Ступак)."""
        if not _capitalised_word(token):
            return False
        word = token.lower()
        if not self._dictionary_word(word):
            return False  # pymorphy3 guesses unknown words' tags (Великей)
        return "Name" in self.lexicon.morph.parse(word)[0].tag

    def _verb_after_preposition(self, previous: str, token: str, replacement: str) -> bool:
        """Whether ``token`` was made another word, ``replacement``, that can only be a verb, an
        infinitive or a gerund, after a preposition: Russian has no such pair, so the token is
        something else (a name)."""
        if not PLAIN_WORD.fullmatch(previous):
            return False
        if _same_letters(token, replacement):
            return False
        word = _core(replacement)[1].lower()
        pos = self._pos(previous.lower())
        if pos is None or pos[0] != "PREP" or self._adverb_too(previous.lower()):
            return False  # Ниже излагаю: an adverb as well, which a verb may follow
        parses = [p for p in self.lexicon.morph.parse(word) if p.score >= 0.05]
        return bool(parses) and all(p.tag.POS in VERB_POS for p in parses)

    def _adverb_too(self, word: str) -> bool:
        """Whether a likely reading of a preposition (ниже, вокруг) is an adverb or comparative."""
        return any(p.tag.POS in ("ADVB", "COMP") and p.score >= 0.05 for p in self.lexicon.morph.parse(word))

    def _names(self, word: str) -> bool:
        """Whether one of pymorphy3's two likeliest readings of ``word`` is a name (даррен)."""
        return any(NAME_TAGS & p.tag.grammemes for p in self.lexicon.morph.parse(word)[:2])

    def _other_inflection(self, word: str, best: str) -> bool:
        """Whether ``word`` differs from ``best`` only in its ending, and pymorphy3's guesser reads
        it, by its ending, confidently as a form of another part of speech (разъяснителей, a
        noun's genitive, not разъяснителен, an adjective's short form): a word OpenCorpora lacks
        as likely as a misread ending. A clean page vetoes the change."""
        if len(word) != len(best) or word[:-2] != best[:-2] or len(word) < INFLECTION_GUESS_LENGTH:
            return False
        guess = self.lexicon.morph.parse(word)[0]
        return guess.score >= GUESSED_INFLECTION_SCORE and self._likeliest_pos(best) != guess.tag.POS

    def _read_alike_again(self, token: str) -> bool:
        """Whether a capitalised token is read the same way elsewhere on the page (counted when
        first asked): a name the page spells so twice is as written, for OCR seldom misreads a
        word alike twice."""
        if not token[:1].isupper():
            return False
        if self._page_capitalised is None:
            self._page_capitalised = Counter(
                _core(text)[1].lower() for line in self._page_tokens for _s, _e, text in line if text[:1].isupper()
            )
        return self._page_capitalised[_core(token)[1].lower()] > 1

    def _is_clean_page(self) -> bool:
        """Whether at least ``clean_page_share`` of the page's small-letter words of three letters
        or more are dictionary words (names and abbreviations aside, what OCR misread is rare),
        and there are enough of them (``clean_page_words``) to tell: a line is no page. Counted
        when first asked: only a page with a guess a clean page vetoes, or a name before a
        word, asks."""
        words, known = self._current_page_counts()
        return words >= self.settings.clean_page_words and known >= self.settings.clean_page_share * words

    def _is_noisy_page(self) -> bool:
        """Whether the page being corrected has enough small-letter words to tell
        (``clean_page_words``) and fewer than ``clean_page_share`` of them are dictionary words:
        OCR misread much of it. A page too short to tell is neither clean nor noisy."""
        words, known = self._current_page_counts()
        return words >= self.settings.clean_page_words and known < self.settings.clean_page_share * words

    def _current_page_counts(self) -> tuple[int, int]:
        """``_page_known_words`` of the page being corrected, counted once when first asked."""
        if self._page_counts is None:
            self._page_counts = self._page_known_words(self._page_tokens)
        return self._page_counts

    def _page_known_words(self, tokens: list[list[tuple[int, int, str]]]) -> tuple[int, int]:
        """(small-letter words of three letters or more, of them dictionary words) of a page."""
        lex = self.lexicon
        words = known = 0
        for line in tokens:
            for _s, _e, text in line:
                word = text if text.isalpha() else text.strip(STRIP_PUNCT)  # most tokens are bare words
                if len(word) >= 3 and word[0].islower() and word.isalpha():
                    words += 1
                    known += lex.is_word(word)
        return words, known

    def _settle_ties(
        self, tokens: list[list[tuple[int, int, str]]], ties: list[tuple[int, int, list[TieOption]]]
    ) -> list[Correction]:
        """Changes for the tokens a tie between different words left as read, where another word
        of the page backs one of them (``_settle_tie``): the page's topic, not the dictionary's."""
        counts = self.lexicon.counts
        # Only words that begin as a candidate does can back it (``_page_backs``).
        heads = {o[0][:3] for _li, _ti, options in ties for o in options}
        page_words = [
            w
            for line in tokens
            for _s, _e, text in line
            if text.lstrip(LEAD_CHARS)[:3].lower() in heads and (w := _core(text)[1].lower()) in counts
        ]
        edits: list[Correction] = []
        for li, ti, options in ties:
            start, end, token = tokens[li][ti]
            if self._read_alike_again(token):
                continue  # Доланский ... Доланский: a name the page spells so again is as written
            reason = "page-context"
            chosen = self._settle_tie(options, page_words)
            if chosen is None:
                reason = "page-context"
                chosen = self._tie_by_dates(options, tokens)
            if chosen is None and ti and self.settings.fix_grammar:
                reason = "grammar"
                after = tokens[li][ti + 1][2] if ti + 1 < len(tokens[li]) and PLAIN_WORD.fullmatch(token) else ""
                chosen = self._tie_by_grammar(options, tokens[li][ti - 1][2], after)
            if chosen is None:
                continue
            lead, _core_text, trail = _core(token)
            replacement = lead + chosen[1] + trail
            if ti == 0 and self._lost_head(token, replacement):
                continue
            candidates = [{"word": o[0], "score": round(o[2], 3)} for o in options]
            edits.append(_edit(li, start, end, replacement, reason, chosen[2], candidates))
        return edits

    def _next_word_small(
        self, token: str, following: str | None, tokens: list[list[tuple[int, int, str]]], li: int, ti: int
    ) -> bool:
        """Whether the word after ``token`` (which ends in a stop or colon) starts in small letters,
        so that the stop may be a speck.

        Only a word on the same line counts: OCR loses lines, and at a line start a capital read
        as a small letter is as likely as a speck read as a stop (связи. / пропускная). A
        one-letter abbreviation may follow a sentence's stop (слете. г. Ростов-на-Дону); a longer
        one is inside the sentence (августа. с.г.); a listed person's name read small is a
        misread capital (просьбе. ким), and an aside in brackets may open small (степь. /монгольская
        пословица/). Nor does a word that only opens sentences (дорог. кроме того: see
        ``_opener``). A conjunction (и., а.) ends no sentence, and a full
        adjective or an infinitive seldom does (народных. / добровольцев): for them the next
        line's first word counts.
        """
        if (
            following is None
            and li + 1 < len(tokens)
            and tokens[li + 1]
            and (
                token in CONJUNCTION_STOPS
                or LOWER_START.match(tokens[li + 1][0][2])
                and self._seldom_ends_sentence(token)
            )
        ):
            following = tokens[li + 1][0][2]
            after = tokens[li + 1][1][2] if len(tokens[li + 1]) > 1 else None
        else:
            after = tokens[li][ti + 2][2] if ti + 2 < len(tokens[li]) else None  # the word after ``following``
        return (
            following is not None
            and bool(LOWER_START.match(following))
            and following[:1] not in BRACKETS_OPENING
            # по наст. вр.: a stop among abbreviations (not и. тов., a conjunction's speck)
            and (token in CONJUNCTION_STOPS or not self._unknown_abbreviation(following))
            and (token in CONJUNCTION_STOPS or not _opener(following, after))  # и. ends no sentence
            and not SINGLE_LETTER_DOT.match(following)
            and not self._small_name(following)
            and not self._subject_after_noun(token, following)
            and not self._subject_phrase_after_noun(token, following, after)
        )

    def _first_person_verb(self, token: str) -> bool:
        """Whether ``token`` is a verb in the first person in small letters (``прошу``, ``считаю``,
        ``просим``)."""
        core = _core(token)[1]
        if not core.isalpha() or not core.islower() or core not in self.lexicon.counts:
            return False
        tag = self._tags(core)[0]
        return tag.POS == "VERB" and tag.person == "1per"

    def _subject_after_noun(self, token: str, following: str) -> bool:
        """``треть. он также просит``, ``мостов. считаю``, ``партиями. наш``: a personal or
        possessive pronoun in the nominative, or a verb in the first person (with which a report
        opens its sentences, ``_first_person_verb``), after a noun and its stop opens the next
        sentence, its small letter a misread capital; inside a sentence a noun is seldom followed
        by the subject or a first person's verb with nothing between them. After an adverb it
        may be (``поэтому. просим``: a speck)."""
        subject = _core(following)[1].lower()
        if (
            subject not in SUBJECT_PRONOUNS
            and subject not in SUBJECT_POSSESSIVES
            and not self._first_person_verb(following)
        ):
            return False
        word = _core(token)[1].lower().rsplit("-", 1)[-1]  # специалистов-мостовиков: its last part
        return word.isalpha() and self._likeliest_pos(word) == "NOUN"

    def _subject_phrase_after_noun(self, token: str, following: str, after: str | None) -> bool:
        """``самолетов. китайская сторона просит``, ``операции. наступление началось``: an adjective
        and a noun agreeing in the nominative, or a noun in it and its verb, after a noun and its
        stop open the next sentence, its capital misread; inside a sentence a noun is seldom
        followed by a subject with nothing between them."""
        if after is None or not LOWER_START.match(following) or not LOWER_START.match(after):
            return False
        first, second = _core(following)[1].lower(), _core(after)[1].lower()
        if not (self._adjective_and_noun(first, second) or self._noun_and_verb(first, second)):
            return False
        word = _core(token)[1].lower().rsplit("-", 1)[-1]
        return word.isalpha() and self._likeliest_pos(word) == "NOUN"

    def _adjective_and_noun(self, adjective: str, noun: str) -> bool:
        """An adjective and a noun agreeing in the nominative (китайская сторона)."""
        if adjective[-2:] not in NOMINATIVE_ADJECTIVE_ENDINGS:
            return False  # the cheap test first: most words after a stop are no such adjective
        return self._likeliest_pos(noun) == "NOUN" and self._agrees_with(adjective, noun, "nomn")

    def _noun_and_verb(self, noun: str, verb: str) -> bool:
        """A noun in the nominative and a verb in the past agreeing with it (наступление
        началось): a subject and its predicate."""
        if self._likeliest_pos(noun) != "NOUN" or self._likeliest_pos(verb) != "VERB":
            return False
        verbs = [t for t in self._tags(verb) if t.POS == "VERB" and "past" in t]
        return any(
            t.case == "nomn" and v.number == t.number and (v.number == "plur" or v.gender == t.gender)
            for t in self._noun_tags(noun)
            for v in verbs
        )

    def _unknown_abbreviation(self, token: str) -> bool:
        """A short dotted token that is an abbreviation (корр., вр.): then the stop before it ends
        another abbreviation (спец. корр., по наст. вр.)."""
        m = SHORT_DOTTED.match(token)
        return m is not None and self._short_abbreviation(m.group(1))

    def _short_abbreviation(self, core: str) -> bool:
        """Whether ``core``, a word read before a stop, is a short abbreviation: up to five small
        letters that are no dictionary word (нед., атм., корр.) or read as an abbreviation (вр.)."""
        return bool(SHORT_WORD.fullmatch(core)) and (not self._dictionary_word(core) or self._abbreviation(core))

    def _small_name(self, token: str) -> bool:
        """A listed person's name read in small letters (``ким``, no common word): a name's capital
        misread is likelier than a speck read as the stop before it, so that stop ends a sentence.
        Not an organisation (``войск. оон``: a speck, and an acronym read small)."""
        core = _core(token)[1]
        if not core.islower() or self.lexicon.domain_kind.get(core) != "person":
            return False
        return self._name_case(core, core) is not None

    def _case_edit(
        self,
        token: str,
        tokens: list[list[tuple[int, int, str]]],
        li: int,
        ti: int,
        previous_out: str,
        small_in_capitals: dict[int, int | None],
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """A change of case only, for a token the word pass left alone: a sentence's first letter,
        a capital inside a sentence, or the one small word on a line in capitals
        (``small_in_capitals`` memoises that word's index by line)."""
        line_tokens = tokens[li]
        start, end, _text = line_tokens[ti]
        # A word across a column's gap (План, тыс. т     Сдано) is no neighbour in a sentence.
        neighbours = (
            line_tokens[ti - 1][2] if ti and start - line_tokens[ti - 1][1] < COLUMN_GAP else None,
            line_tokens[ti + 1][2] if ti + 1 < len(line_tokens) and line_tokens[ti + 1][0] - end < COLUMN_GAP else None,
        )
        # Asked only of a line's first word in small letters: the only one it can change.
        opens_text = (
            ti == 0
            and bool(LOWER_START.match(token))
            and (
                after_header(tokens, li)
                and not self._title_word_before(tokens, li)
                or self._formula_after_stop(token, previous_out)
            )
        )
        if (
            (token in LONE_CAPITAL_SMALL or token == "Не" and LOWER_START.match(neighbours[1] or ""))
            and ti
            and neighbours[1]
            and (
                MID_SENTENCE_BEFORE.match(previous_out)
                and self._inside_after_lone_letter(neighbours[1])
                or CAPITALISED_BEFORE.match(previous_out)
                and neighbours[1][:1].islower()
                and not self._function(previous_out.lower())
            )
        ):
            # станций В полном, направить В КНДР, кредитам И за: a one-letter preposition or и
            # between a small word with no stop and a word that is no surname is inside the
            # sentence (дел В Каземи: an initial whose stop OCR lost); so is не before a small word
            # (силами Не в; маршалом Не Жун-чжэнем, a Chinese surname, stays). So is one between a
            # capitalised word with no stop and a small word (войск КНА И добровольцев), unless that
            # word is a conjunction or particle, which may open the sentence (Но Не следует).
            return token.lower(), "case", 0.0, []
        if token == "Тов." and ti and MID_SENTENCE_BEFORE.match(previous_out) and previous_out not in self._units:
            # армии Тов. Нам Ир, с Тов. Вэй Го-цином: the title inside a sentence is small (after a
            # unit, км Тов., the unit's stop may be the sentence's, lost)
            return "тов.", "case", 0.0, []
        beyond = line_tokens[ti + 2][2] if neighbours[1] is not None and ti + 2 < len(line_tokens) else None
        edit = self._sentence_case(token, previous_out, neighbours, opens_text, beyond)
        if edit is None and "-" in token and token[:1].islower():
            edit = self._hyphened_case(token, neighbours[1])
        if edit is None and token[:1] in self._case_confusable:
            if li not in small_in_capitals:
                small_in_capitals[li] = _small_among_capitals(line_tokens)
            if small_in_capitals[li] == ti:
                edit = self._capitals_word(token)
        return edit

    def _inside_after_lone_letter(self, after: str) -> bool:
        """Whether ``after``, the word after a capital one-letter word inside a sentence, shows that
        letter to be no initial: a word in small letters or a number, an initialism in capitals
        (КНДР), or a known word no person's name is (Щецинском, Англии)."""
        core = _core(after)[1]
        if not core or not core[:1].isupper() or core.isupper():
            return True
        word = core.lower()
        if self.lexicon.domain_kind.get(word) not in (None, "person"):
            return True
        tags = self._tags(word)[:2] if self._dictionary_word(word) else ()
        return bool(tags) and not any(PERSON_TAGS & tag.grammemes for tag in tags)

    def _hyphened_case(self, token: str, after: str | None) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``северо-Восточного Китая`` -> ``Северо-Восточного``: a hyphened word whose first part is
        small and a later part capitalised has one of them misread; a capitalised word after it
        makes the two a name, a small word after it a common word (``северо-Восточном
        направлении`` -> ``северо-восточном``). Only for a word the dictionary knows."""
        lead, core, trail = _core(token)
        parts = core.split("-")
        if lead or len(parts) < 2 or not all(p.isalpha() for p in parts) or not parts[0].islower():
            return None
        if not any(p[:1].isupper() and p[1:].islower() for p in parts[1:]) or after is None:
            return None
        if not self._dictionary_word(core.lower()):
            return None  # (пов-на-Дону: a scrap of Ростов-на-Дону)
        following = _core(after)[1]
        if following[:1].isupper() and following[1:].islower():
            written = parts[0].capitalize() + core[len(parts[0]) :]
        elif LOWER_START.match(after):
            written = core.lower()
        else:
            return None
        return written + trail, "case", 0.0, []

    def _title_word_before(self, tokens: list[list[tuple[int, int, str]]], li: int) -> bool:
        """Whether the line with text before ``li`` is a document's title in capitals, ending with a
        common noun, of words the lexicon does not list (ОТЧЕТ, ПРИКАЗ, ИЗ ДНЕВНИКА), which the
        next line goes on (ОТЧЕТ / старшего агронома МТС, ИЗ ДНЕВНИКА / посла СССР), unlike a
        telegram's header (СЕРИЯ "Г", Товарищу ФИЛИППОВУ)."""
        previous = line_before(tokens, li)
        if previous is None:
            return False
        words = [_core(text)[1] for _s, _e, text in previous]
        if not all(w.isupper() and self._dictionary_word(w.lower()) for w in words):
            return False
        if any(w.lower() in self.lexicon.domain for w in words):
            return False
        word = words[-1].lower()
        return len(word) >= 3 and self._tags(word)[0].POS == "NOUN"

    def _formula_after_stop(self, token: str, previous: str) -> bool:
        """Whether ``token``, opening a line, is a formula word of the genre (сообщаю, считаю,
        прошу) after a line that ended a sentence: a stop after a dictionary word of four letters
        or more, no abbreviation nor a word no stop follows inside a sentence. Such a word opens
        the telegram's paragraphs, so its small letter is a misread capital (``прекращено.`` /
        ``сообщаю``); any other word there may follow a speck read as a stop."""
        if self.lexicon.domain_kind.get(_core(token)[1]) != "formula" or not STOP_BEFORE.match(previous):
            return False
        word = _word_before_stop(previous)
        if word + "." in self.lexicon.domain or not self._dictionary_word(word):
            return False
        pos = self._pos(word)
        return pos is not None and not pos[1] and pos[0] not in NO_SENTENCE_END_POS

    def _placed_token(
        self,
        token: str,
        ti: int,
        previous_text: str,
        previous_out: str,
        following: str | None,
        header_number: bool,
        line_tokens: list[tuple[int, int, str]],
    ) -> tuple[str, str] | None:
        """(replacement, reason) for a token whose place says what it must be: the number sign read
        as ``М`` before a number, a stop after a telegram's number, a blank lost or added beside a
        number, a unit misread after one, a count with a parenthesis lost, a surname glued to its
        initials; None for other tokens."""
        fix_punct = self.settings.fix_punctuation
        if token in NUMBER_SIGN_TOKENS and following and number_sign_read(token, following, previous_text):
            return "№", "number-sign"
        if fix_punct and previous_out == "№" and header_number and NUMBER_THEN_STOP.match(token):
            # A telegram's number (ШИФРТЕЛЕГРАММА № 3261) ends no sentence: a stop after it is a
            # speck. In prose (в штаб № 5.) a number may end one.
            return token[:-1], "punctuation"
        this_year = THIS_YEAR_MISREAD_INSIDE.match(token) if token[:1] in "Сс" else None
        if this_year is not None and (token[0] == "С" or token[1] == ","):
            # 15 июля С.г., С,г., с,г,: the abbreviation is small, with its two stops (the last
            # mark read is its stop, which it always has).
            return "с.г." + this_year.group(1), "case" if token[0] == "С" else "punctuation"
        pair = DOTTED_PAIR_MISREAD.match(token) if token[:1] in "ТтвВ" else None
        if pair is not None:
            fixed = self._dotted_pair(pair, previous_text, following)
            if fixed is not None and fixed != token:
                return fixed, "abbreviation" if not pair.group(1) else "spacing+abbreviation"
        if following is not None and token in ROMAN_READ_AS_TE and self._numbered_noun(following):
            return "I" * len(token), "roman-numeral"  # в ТТ квартале: a numeral's I read as Т
        if following is not None and self._central_committee_misread(token, following):
            return "ЦК", "lexicon"  # ИК МНРП: Ц read as И before a party's initialism
        if fix_punct and token == "в." and ti > 0 and following and self._preposition_stop(previous_text, following):
            return "в", "punctuation"
        spaced = self._space_number(token, following) if fix_punct and DIGIT.search(token) else None
        if spaced is not None:
            return spaced, "spacing"
        after_number_end = ti > 0 and previous_text[-1:].isdigit()  # the cheap test first
        after_number = after_number_end and bool(PLAIN_NUMBER.match(previous_text))
        unit = self._misread_unit(token, previous_text) if after_number else None
        if unit is not None:
            return unit, "unit"
        month = self._misread_month(token, previous_text) if after_number else None
        if month is not None:
            return month, "date"
        if after_number_end and following and len(token) <= COUNT_WORD_LONGEST:
            count_word = self._count_word_misread(token, previous_text, following)
            if count_word is not None:
                return count_word, "abbreviation"  # 30 мин. рублей, 14 ты, тонн: the count's word misread
        if (
            token[:1].isupper()
            and token.lower() in THOUSANDS
            and (after_number or ti > 0 and bool(DECIMAL_NUMBER.match(previous_text)))
        ):
            after = line_tokens[ti + 2][2] if ti + 2 < len(line_tokens) else None
            if (following or "a")[:1].islower() or following and self._capitalised_count(following, after):
                return token.lower(), "case"  # 59 Тыс. тонн (3 Тыс. Тонн): a count's word is small
        point = LIST_POINT.match(token) if fix_punct and following and token[:1].isdigit() else None
        if point is not None and following is not None and self._list_point(token, previous_text, following):
            return point.group(1) + ")", "punctuation"  # ...; 3 направить, 3} направить: a list's point
        if fix_punct and following and LETTER_POINT.match(token) and (ti == 0 or previous_text[-1:] in ";:"):
            return token[0] + ")", "punctuation"  # указаний: а} допустимо ли: a list's letter, its brace read
        if fix_punct and token[-1:] == "," and following and self._abbreviation_comma(token, previous_text, following):
            return token[:-1] + ".", "punctuation"  # 6,2 тыс, тонн; т.е, не более: the stop read as a comma
        after_thousands = ti > 0 and token[:1].isupper() and previous_text.lower() in THOUSANDS
        if after_thousands and self._capitalised_count(token, following):
            return token.lower(), "case"  # 8 тыс. Человек: what a thousand counts is small
        if (
            token[:1].isupper()
            and not token.isupper()  # Т.Е. in a text typed in capitals stays
            and ti > 0
            and previous_text[-1:] == ","
            and token.lower() in self._inner_dot_abbreviations
        ):
            return token.lower(), "case"  # тонн, Т.е. не более: т.е. after a comma
        if token in YEAR_UNIT_CAPITAL and YEAR_OR_DATE.match(previous_text) and _small_letters(line_tokens):
            return token.lower(), "case"  # 14.3.1951 Г.: the year's unit, on a line not in capitals
        if (
            after_number
            and ti > 1
            and (previous_text, token.lower()) not in HOLIDAYS
            and self._counted_capital(token, line_tokens[ti - 2][2], following)
        ):
            return token.lower(), "case"  # выделить 7 Тысяч рабочих; к празднику 1 Мая stays
        # (the cheap test first: a count starts with a parenthesis or a digit)
        count = (
            parenthesised_count(token, previous_text if ti else "")
            if fix_punct and (token[:1] == "(" or token[:1].isdigit())
            else None
        )
        if count is not None and not _open_parenthesis(line_tokens[:ti]):
            return count, "punctuation"  # not (см. приложение 3): its parenthesis opened before
        if "." in token[:-1] and token[:1].isalpha():
            glued = self._glued_surname(token)
            if glued is not None:
                return glued, "lexicon"
        return None

    def _glued_surname(self, token: str) -> str | None:
        """``В.И.Леника`` -> ``В.И.Ленина``: a surname typed glued to its initials (and perhaps to
        ``им.``), which the dots make no word; corrected only into the one listed name one edit
        away, and not a surname-shaped word a plain substitution away (``_surname_slot``)."""
        match = GLUED_INITIALS.match(token)
        if match is None:
            return None
        head, surname, trail = match.groups()
        word = surname.lower()
        lex = self.lexicon
        if word in lex.counts or word in lex.domain or lex.is_word(word):
            return None
        found = {c for _lp, c, _d in self._listed_candidates(word, 1) if lex.domain_kind.get(c) in NAME_KINDS}
        if len(found) != 1:
            return None
        meant = found.pop()
        if self._surname_made_name(word, meant):
            return None
        return head + self._written(surname, meant) + trail

    # ---- multi-token repairs ------------------------------------------------------------
    def _join_hyphenation(
        self, tokens: list[list[tuple[int, int, str]]], consumed: set[tuple[int, int]]
    ) -> list[Correction]:
        """``мне-`` at a line end + ``ние`` at the next line's start -> ``мнение`` when that is a word."""
        edits: list[Correction] = []
        for li in range(len(tokens) - 1):
            if not tokens[li] or not tokens[li + 1]:
                continue
            start, end, head = tokens[li][-1]
            n_start, n_end, tail = tokens[li + 1][0]
            if not head.endswith("-") or len(head) < 2 or (li, len(tokens[li]) - 1) in consumed:
                continue
            lead = LEAD.match(head)
            head_core = head[lead.end() if lead else 0 : -1]
            trail = TRAIL.search(tail)
            tail_core = tail[: trail.start()] if trail else tail
            if not (WORD_CORE.match(head_core + "-") and tail_core and WORD_CORE.match(tail_core)):
                continue
            if not tail_core[0].islower():
                continue
            joined = (head_core + tail_core).lower()
            hyphened = (head_core + "-" + tail_core).lower()
            if self.lexicon.is_word(hyphened) and not self.lexicon.is_word(joined):
                continue  # a real hyphenated compound (северно-корейских) stays as typed
            if not self.lexicon.is_word(joined):
                continue
            rest_end = n_end
            line_text = tokens[li + 1]
            if len(line_text) > 1:
                rest_end = line_text[1][0]  # take the following blank with the fragment
            moved = head[:-1] + tail
            edits.append(_edit(li, start, end, moved, "hyphenation", 0.0, []))
            edits.append(_edit(li + 1, n_start, rest_end, "", "hyphenation", 0.0, []))
            consumed.add((li, len(tokens[li]) - 1))
            consumed.add((li + 1, 0))
        return edits

    def _join_split_words(
        self,
        tokens: list[list[tuple[int, int, str]]],
        consumed: set[tuple[int, int]],
        listed: set[tuple[int, int]],
        word_parts: list[tuple[int, int]],
    ) -> list[Correction]:
        """``пре кращения`` -> ``прекращения``; ``Энь- лай`` -> ``Энь-лай`` when a part is not a word.
        Words of a listed phrase read right (``listed``) are never joined.

        Pairs of a word and a non-word that could only be joined corrected (``над жда``) are
        appended to ``word_parts`` (line, first token) for ``_join_word_parts``, which runs
        after this pass, so that ``о прекр щении`` first joins the two halves that are no words.
        """
        edits: list[Correction] = []
        for li, line_tokens in enumerate(tokens):
            ti = 0
            while ti < len(line_tokens) - 1:
                (s1, _e1, a), (_s2, e2, b) = line_tokens[ti], line_tokens[ti + 1]
                if (
                    (li, ti) in consumed
                    or (li, ti + 1) in consumed
                    or (self._solid(a) and self._solid(b) and not self._split_after_preposition(a, b))
                    or (li, ti) in listed
                    or (li, ti + 1) in listed
                ):
                    ti += 1
                    continue
                joined = self._pair_cache.get((a, b), False)
                if joined is False:
                    # Specks read as marks no typewriter makes (Ру ‚джуэй) go with the join: the
                    # token pass would strip them, but only after this pass judged the halves.
                    joined = self._join_pair(self._without_noise(a), self._without_noise(b))
                    if len(self._pair_cache) < PAIR_MEMO_LIMIT:
                        self._pair_cache[(a, b)] = joined
                if joined is WORD_PART:
                    word_parts.append((li, ti))
                elif joined is not None and not self._function_beside_short_word(a, b):
                    replacement, score, candidates = joined
                    edits.append(_edit(li, s1, e2, replacement, "split-word", score, candidates))
                    consumed.update({(li, ti), (li, ti + 1)})
                    ti += 1
                ti += 1
        return edits

    def _function_beside_short_word(self, a: str, b: str) -> bool:
        """``гле на`` is где на, not глена: a function word beside a short non-word the short-word
        rule reads as a word of its own."""
        core_a, core_b = _core(a)[1].lower(), _core(b)[1].lower()
        return (
            self._function(core_b) and self._short_word_alone(a) or self._function(core_a) and self._short_word_alone(b)
        )

    def _join_word_parts(
        self,
        tokens: list[list[tuple[int, int, str]]],
        consumed: set[tuple[int, int]],
        word_parts: list[tuple[int, int]],
    ) -> list[Correction]:
        """``над жда`` -> ``надежда``: the pairs ``_join_split_words`` set aside, joined corrected.

        Only those pairs can join here: every other pair that pass judged was joined there, or
        had a token that was taken or stood alone then, and still has. A pair whose token a join
        took since (there or here, left to right) is skipped.
        """
        edits: list[Correction] = []
        for li, ti in word_parts:
            if (li, ti) in consumed or (li, ti + 1) in consumed:
                continue
            (s1, _e1, a), (_s2, e2, b) = tokens[li][ti], tokens[li][ti + 1]
            if self._name_before_word(a, b) and self._is_clean_page():
                continue
            after = tokens[li][ti + 2][2] if ti + 2 < len(tokens[li]) else ""
            if self._preposition_before_its_noun(b, after):
                continue  # Ялуцзян у Аньдуна: у governs the next word, no case ending of the one before
            if self._short_word_alone(a) or self._short_word_alone(b):
                continue  # бып бой: был misread beside a word, not halves of былой
            joined = self._join_word_part(self._without_noise(a), self._without_noise(b))
            if joined is not None:
                replacement, score, candidates = joined
                edits.append(_edit(li, s1, e2, replacement, "split-word", score, candidates))
                consumed.update({(li, ti), (li, ti + 1)})
        return edits

    def _pronoun_guess(self, replacement: str) -> bool:
        """Whether the short word guessed is a pronoun, which many misread scraps are a letter from."""
        word = _core(replacement)[1].lower()
        return len(word) == SHORT_COMMON_LENGTH and self._pronoun(word)

    def _listed_confusion(self, token: str, replacement: str) -> bool:
        """Whether the word guessed differs from the word read by one substitution the confusion
        table lists (дпя: для), not by any letter (вые: все)."""
        read, meant = _core(token)[1].lower(), _core(replacement)[1].lower()
        if len(read) != len(meant):
            return True  # a join or a cut is no single substitution; other guards judge it
        return bool(self._one_confusion_away(read, meant.__eq__))

    def _short_word_alone(self, token: str) -> bool:
        """Whether ``token`` is a short non-word in small letters that the short-word rule reads
        as a word of its own (бып: был)."""
        core = _core(token)[1]
        if not (1 < len(core) <= SHORT_COMMON_LENGTH and core.islower()) or self.lexicon.is_word(core):
            return False
        return self._short_function_word(core, True, True) is not None

    def _governing_preposition(self, token: str, following: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``вопрос с поставке`` -> ``о поставке``: a one-letter preposition before a noun or
        adjective in none of the cases it governs, where the one preposition a listed confusion
        makes of it governs one of them (memoised by the pair). A letter that is no word alone
        governs no case (``приведет х затягиванию`` -> ``к``; ``3 х 4``: no word follows); as it
        cannot be right, a word that may also be in no case (``х себе``) does not keep it, and of
        two prepositions that fit (``х боевой``: к and с) the one OCR misreads it for far oftener
        is taken."""
        key = (token, following)
        if key in self._governing_cache:
            return self._governing_cache[key]
        result: tuple[str, str, float, list[dict[str, Any]]] | None = None
        word = _core(following)[1].lower()
        lone = token in LONE_NON_WORDS
        if PLAIN_WORD.fullmatch(word) and self._dictionary_word(word):
            cases = self._cases(word)
            if (lone or None not in cases) and not cases & PREPOSITION_CASES.get(token, frozenset()):
                fits = self._one_confusion_away(
                    token, lambda m: m in PREPOSITION_CASES and bool(cases & PREPOSITION_CASES[m])
                )
                meant = fits.pop() if len(fits) == 1 else self._likeliest_misreading(token, fits) if lone else None
                if meant is not None:
                    options: list[dict[str, Any]] = [{"word": meant}, {"word": token, "keep": True}]
                    result = (meant, "grammar", 0.0, options)
        self._governing_cache[key] = result
        return result

    def _likeliest_misreading(self, token: str, meant: set[str]) -> str | None:
        """Of the words ``token`` may be misread for, the one the channel makes likelier than the
        next by ``PREPOSITION_LEAD`` (х: к far oftener than с), or None."""
        costs = sorted((self.channel.cost(token, m), m) for m in meant)
        if len(costs) < 2 or costs[1][0] - costs[0][0] < PREPOSITION_LEAD:
            return None
        return costs[0][1]

    def _numbered_noun(self, token: str) -> bool:
        """Whether ``token`` is a form of a noun Roman numerals number (квартал, съезд, век)."""
        _lead, core, _trail = _core(token)
        return (
            core.isalpha()
            and core.islower()
            and any(p.normal_form in ROMAN_NUMBERED for p in self.lexicon.morph.parse(core))
        )

    def _central_committee_misread(self, token: str, following: str) -> bool:
        """Whether ``token`` is ЦК with a letter misread along a listed confusion, before a party."""
        if len(token) != 2 or not token.isupper() or token == "ЦК" or not self._party(following):
            return False
        return bool(self._one_confusion_away(token.lower(), CENTRAL_COMMITTEE.__contains__))

    def _party(self, token: str) -> bool:
        """Whether ``token`` is a listed organisation's initialism in capitals (КПК, ВКП(б), МНРП)."""
        core = token.rstrip(".,;:")
        return len(core) > 1 and core.upper() == core and self.lexicon.domain_kind.get(core.lower()) == "organisation"

    def _dotted_pair(self, pair: re.Match[str], previous: str, following: str | None) -> str | None:
        """``т.х.`` -> ``т.к.``, ``т,е.`` -> ``т.е.``, ``в Т.Ч,`` -> ``в т.ч.``, ``вт.ч.`` -> ``в
        т.ч.``: the genre's abbreviations of two letters (т.е., т.к., т.ч., т.п., т.д.) with a letter
        misread along a listed confusion, a mark read for a stop, a capital inside a sentence
        (kept at a sentence's start, and beside a word in capitals: a text typed so), or the
        preposition в glued to them."""
        glued = pair.group(1)
        if glued:
            previous = glued  # вт.ч.: the abbreviation follows the preposition inside a sentence
        second = pair.group(3).lower()
        fits = (
            {second}
            if second in DOTTED_PAIR_SECONDS
            else self._one_confusion_away(second, DOTTED_PAIR_SECONDS.__contains__)
        )
        if len(fits) != 1:
            return None
        initial = not previous or previous[-1] in SENTENCE_END_MARKS
        in_capitals = any(len(w) > 1 and w.isupper() for w in (_core(previous)[1], _core(following or "")[1]))
        capitals = pair.group(2) == "Т" and (initial or in_capitals)
        first = "Т" if capitals else "т"
        meant = fits.pop()
        if capitals and pair.group(3).isupper() and not initial:
            meant = meant.upper()
        return (glued + " " if glued else "") + first + "." + meant + "." + pair.group(4)

    def _preposition_read_as_digits(
        self, token: str, following: str, initial: bool
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``2. 0 положении`` -> ``О положении``, ``06 авиации`` -> ``Об авиации``: the preposition
        о or об read as digits (О as 0, б as 6) before a word in the prepositional case, which no
        count takes, and before the sound that form of the preposition goes with (о before a
        consonant, об before a vowel). Before a number or an abbreviation (0 ч. 40 м.) it stays."""
        lead, word, trail = _core(following)
        meant = DIGIT_PREPOSITIONS[token]
        if lead or not word.isalpha() or len(word) < 3 or word[:1].isupper() and not word[1:].islower():
            return None
        word = word.lower()
        if (word[0] in PREPOSITION_VOWELS) != (meant == "об") or word + "." in self.lexicon.domain:
            return None
        if not self._dictionary_word(word) or "loct" not in self._cases(word):
            return None
        replacement = meant.capitalize() if initial else meant
        return replacement, "letters-for-digits", 0.0, [{"word": replacement}, {"word": token, "keep": True}]

    def _v_read_as_eight(self, previous: str, following: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``находиться 8 Китае`` -> ``в Китае``: the preposition в read as 8 inside a sentence,
        before a word in the prepositional case that no count of eight takes (восемь takes the
        genitive plural: ``8 рабочих`` stays), after a word that is no preposition or number
        (``на 8 заседании`` is the eighth), in small letters or with a capital only."""
        lead, word, _trail = _core(following)
        if lead or not word.isalpha() or len(word) < 4 or not word[1:].islower():
            return None  # 8 апр: an abbreviation, here a month's
        low = word.lower()
        before = _core(previous)[1].lower()
        pos = self.lexicon.listed_pos(before)
        if not before.isalpha() or before in PREPOSITION_CASES or pos is not None and pos[0] == "PREP":
            return None
        if not self._dictionary_word(low) or "loct" not in self._cases(low):
            return None
        if any(t.case == "gent" and t.number == "plur" for t in self._tags(low)):
            return None
        return "в", "letters-for-digits", 0.0, [{"word": "в"}, {"word": EIGHT_FOR_V, "keep": True}]

    def _question_particle(self, token: str, previous: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``сможет пи он`` -> ``ли``: a two-letter word one listed confusion from the particle
        ``ли`` right after a verb, which the particle follows when it asks a question (число пи
        follows no verb), or after a predicative or a short adjective (готово пи, возможно пи,
        нужно пи), or in вряд ли."""
        if token not in self._particle_misreadings:
            return None  # the cheap test first: most two-letter words are no such misreading
        if previous[-1:] in ",.;:" or not PLAIN_WORD.fullmatch(previous):
            return None
        low = previous.lower()
        if (
            self._likeliest_pos(low) not in PREDICATE_POS
            and not any(tag.POS in PREDICATIVE_POS for tag in self._tags(low))
            and low != "вряд"
        ):
            return None
        return QUESTION_PARTICLE, "short-word", 0.0, [{"word": QUESTION_PARTICLE}, {"word": token, "keep": True}]

    def _preposition_for_case(self, token: str, following: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``ча складах`` -> ``на складах``: two small letters no dictionary has, before a word
        in a case, are the two-letter preposition one letter away that governs that case and is
        far likelier than any other that does (``ва высоте``: на, not во; ``па фронте``: на and
        по both fit, so it stays). Memoised by the pair, which only such tokens enter: the
        commonest words of a page (на, по, не) are dictionary words, asked of once each."""
        lex = self.lexicon
        if not token.isalpha() or token in lex.domain or self._dictionary_word(token):
            return None
        key = (token, following)
        if key in self._governing_cache:
            return self._governing_cache[key]
        result: tuple[str, str, float, list[dict[str, Any]]] | None = None
        word = _core(following)[1].lower()
        known = PLAIN_WORD.fullmatch(word) is not None and self._dictionary_word(word)
        cases = self._cases(word) if known else NO_CASE
        meant = None if None in cases else self._likeliest_preposition(token, cases)
        if meant is not None:
            result = (meant, "grammar", 0.0, [{"word": meant}, {"word": token, "keep": True}])
        self._governing_cache[key] = result
        return result

    def _likeliest_preposition(self, token: str, cases: frozenset[str | None]) -> str | None:
        """The two-letter preposition one substitution from ``token`` that governs one of
        ``cases``, common, and ``preposition_case_lead`` likelier than any other that does."""
        lex, s = self.lexicon, self.settings
        family = {CASE_FAMILY.get(c, c) for c in cases if c is not None}
        fits = sorted(
            (lex.log_prob(p), p)
            for p, governed in GOVERNED_CASES.items()
            if len(p) == 2 and p in lex.counts and governed & family and _one_substitution(token, p)
        )
        if not fits or fits[-1][0] < s.short_function_log_prob:
            return None
        if len(fits) > 1 and fits[-1][0] - fits[-2][0] < s.preposition_case_lead:
            return None
        return fits[-1][1]

    def _list_point(self, token: str, previous: str, following: str) -> bool:
        """Whether ``token``, a number with a brace or bracket for its parenthesis (``3}``), or bare
        after a semicolon or colon (``...; 3``), numbers a point of a list: an infinitive in small
        letters follows (``3) направить``), which no count takes."""
        if token.isdigit() and previous[-1:] not in ";:":
            return False
        return following[:1].islower() and self._likeliest_pos(_core(following)[1]) == "INFN"

    def _abbreviation_comma(self, token: str, previous: str, following: str) -> bool:
        """Whether ``token`` is ``тыс.`` after a count, or a dotted abbreviation (``т.е.``), with its
        stop read as a comma before a word in small letters that no comma would part from it (a
        counted noun, the rest of the clause) or, after a count, before a number (2 тыс, 950);
        before a conjunction the comma may be the writer's. And whether it is a title (``тов,``,
        ``т,``) before a capitalised name, which its stop, never a comma, parts from it."""
        abbreviation = token[:-1].lower() + "."
        if abbreviation in TITLES_BEFORE_NAMES:
            name = _core(following)[1]
            if not token[:1].islower() or not _name_shaped(name):
                return False
            # т, is also tonnes and a comma (млн. т, В Швецию): only after a word, before a surname
            return (
                abbreviation != "т."
                or _core(previous)[1].isalpha()
                and previous.lower() not in THOUSANDS
                and len(name) > 2
            )
        if abbreviation in THOUSANDS:
            if not DIGIT.search(previous):
                return False
            if following[:1].isdigit():
                return True
        elif abbreviation not in self._inner_dot_abbreviations:
            return False
        word = _core(following)[1]
        return word[:1].islower() and following[:1] == word[:1] and word not in CLAUSE_CONJUNCTIONS

    def _preposition_stop(self, previous: str, following: str) -> bool:
        """Whether the stop of ``в.`` between a word and a word in a case ``в`` governs is a speck
        (десант в. районе, переговорам в. Кэсоне): ``в.`` for век follows a century's number or
        an adjective (XIX в., 19 в., прошлого в.), a sentence may open after it with a common
        word (в. Многие), and the initial ``В.`` is a capital before another (В. И. Ленин)."""
        if not PLAIN_WORD.fullmatch(previous) or ROMAN_NUMERAL.fullmatch(previous):
            return False
        core = _core(following)[1]
        if len(core) < 3 or not core[1:].islower():
            return False
        if not core.islower() and core.lower() not in self.lexicon.domain:
            return False
        if any(t.POS in ("ADJF", "NUMR") for t in self._tags(previous.lower())):
            return False
        return self._preposition_before_its_noun("в", core)

    def _preposition_before_its_noun(self, token: str, following: str) -> bool:
        """Whether ``token`` is a one-letter preposition and ``following`` a word in a case it
        governs (у Аньдуна, к Пхеньяну): then it is that preposition, not a misread word's ending."""
        cases = PREPOSITION_CASES.get(token)
        word = _core(following)[1]
        if cases is None or not PLAIN_WORD.fullmatch(word):
            return False
        return bool(self._cases(word.lower()) & cases)

    def _cases(self, word: str) -> frozenset[str | None]:
        """The grammatical cases of pymorphy3's readings of ``word`` (None for a reading with
        none, a verb or an adverb); memoised, as two preposition rules ask it of the same words."""
        hit = self._cases_cache.get(word)
        if hit is None:
            hit = self._cases_cache[word] = frozenset(p.tag.case for p in self.lexicon.morph.parse(word))
        return hit

    def _name_before_word(self, a: str, b: str) -> bool:
        """Whether ``a`` is an unknown name-shaped word and ``b`` a word (``Анджу и``): on a clean
        page a name the lexicon lacks, followed by a word, not two halves of one word."""
        a_core, b_core = _core(a)[1], _core(b)[1]
        lex = self.lexicon
        return _name_shaped(a_core) and not lex.is_word(a_core.lower()) and lex.is_word(b_core.lower())

    def _join_pair(self, a: str, b: str) -> tuple[str, float, list[dict[str, Any]]] | object | None:
        """The joined token for neighbours ``a`` ``b`` (replacement, score, candidates), or None.

        ``WORD_PART`` when only a word and a non-word joined and corrected could apply: that is
        tried in the second pass (``_join_word_part``), so the first pass does not pay for it.
        """
        if not (b[0].islower() or (a.isupper() and b.isupper())):
            return None  # the case test below, on the whole tokens (the stripped punctuation has no case)
        lex = self.lexicon
        lead = LEAD.match(a)
        a_core = a[lead.end() if lead else 0 :]
        trail = TRAIL.search(b)
        b_core = b[: trail.start()] if trail else b
        if not (
            WORD_CORE.match(a_core)
            and b_core
            and WORD_CORE.match(b_core)
            and (b_core[0].islower() or (a_core.isupper() and b_core.isupper()))
            and not b_core.endswith("-")
        ):
            return self._join_through_mark(a, b, b_core)
        la, lb = a_core.lower(), b_core.lower()
        counts = lex.counts
        if len(la) > 1 and la in GOVERNED_CASES and a_core.islower() and self._ungoverned(la, lb):
            return self._join_preposition(a, a_core, b, b_core)
        if la[-1] != "-" and la in counts and lb in counts and la + lb not in counts and la + lb not in lex.domain:
            # Two listed words (and so words) join only into a listed word (the loop below):
            # most pairs that get this far end here, without the fragment tests.
            return None
        options = [la + lb, la[:-1] + lb] if la.endswith("-") else [la + "-" + lb, la + lb]
        a_word = lex.is_word(la.rstrip("-"))
        b_word = lex.is_word(lb)
        # Two listed words may still be halves of one: rare, non-function words
        # (полу чит, пере говоры; штаб ом when the other half is common).
        a_frag, b_frag = a_word and self._fragment(la), b_word and self._fragment(lb)
        fragments = a_word and b_word and (a_frag or b_frag) and not self._function(la) and not self._function(lb)
        join_margin = self.settings.margin + (0.0 if a_frag and b_frag else self.settings.fragment_margin)
        if a_word and b_word and not la.endswith("-") and not fragments:
            return None  # two words: only a listed hyphened name could join them, and not when both stand alone
        long_enough = (
            (len(la.rstrip("-")) >= 2 or not b_word)  # в ремя -> время
            and (len(lb) >= 2 or lb in NEVER_ALONE)
            and len(la) + len(lb) >= 5
        )
        for joined in options:
            known = joined in lex.counts or joined in lex.domain
            if (
                known
                and len(la) == 1
                and not b_word
                and (self._common_near(lb, joined) or self._governed_near(la, lb, joined))
            ):
                continue  # а таке: the conjunction and также misread, not атаке; в реде: в ряде, not вреде
            if "-" in joined and not la.endswith("-"):
                # Дэ хуая -> Дэ-хуая only for lexicon names whose second part is not a word alone
                known = joined in lex.domain and not (b_word and a_word)
            if fragments and "-" not in joined:
                # both parts are words, rare ones: the joined word must be far likelier
                pair = lex.log_prob(la) + lex.log_prob(lb)
                known = known and lex.log_prob(joined) - self.settings.join_cost > pair + join_margin
            if known and long_enough and (la.endswith("-") or "-" in joined or not (a_word and b_word) or fragments):
                replacement = (
                    a[: len(a) - len(a_core)] + apply_case(a_core, joined, lex.domain.get(joined)) + b[len(b_core) :]
                )
                return replacement, lex.log_prob(joined), []
        if a_word and b_word or la.endswith("-"):
            return None
        if b[len(b_core) :].startswith(".") and lex.domain_kind.get(lb + ".") in ABBREVIATION_KINDS:
            return None  # a listed abbreviation with its stop stands alone: перелан тов. is no перелетов
        if not (a_word or b_word):
            return self._join_corrected(a, a_core, b, b_core, a_word, b_word)
        return WORD_PART if self._may_be_half(la, a_word, lb, b_word) else None

    def _split_after_preposition(self, a: str, b: str) -> bool:
        """Whether ``a`` is a preposition of two letters or more and ``b`` a bare word it cannot
        govern (``_ungoverned``): two common words that may yet be halves of one."""
        return len(a) > 1 and a in GOVERNED_CASES and b.isalpha() and b.islower() and self._ungoverned(a, b)

    def _ungoverned(self, preposition: str, word: str) -> bool:
        """Whether ``word`` is a word every reading of which has a case, none of them one
        ``preposition`` governs (во росам, от правку): then the preposition is the head of a
        word OCR split, not a word of its own."""
        if len(word) < 3 or not self.lexicon.is_word(word):
            return False
        if None in self._cases(word):
            return False
        return not self._governed_case(word, GOVERNED_CASES[preposition])

    def _join_preposition(
        self, a: str, a_core: str, b: str, b_core: str
    ) -> tuple[str, float, list[dict[str, Any]]] | None:
        """A preposition and a word it cannot govern joined (``от правку`` -> ``отправку``), or
        joined and corrected (``во росам`` -> ``вопросам``), when the joined word is far
        likelier than the two."""
        lex = self.lexicon
        la, lb = a_core.lower(), b_core.lower()
        joined = la + lb
        if joined in lex.counts:
            pair = lex.log_prob(la) + lex.log_prob(lb)
            if lex.log_prob(joined) - self.settings.join_cost <= pair + self.settings.margin:
                return None
            return a[: len(a) - len(a_core)] + joined + b[len(b_core) :], lex.log_prob(joined), []
        return self._join_corrected(a, a_core, b, b_core, True, True)

    def _join_through_mark(self, a: str, b: str, b_core: str) -> tuple[str, float, list[dict[str, Any]]] | None:
        """``отнес" ись`` -> ``отнестись``: a letter read as a quote mark, and a blank after it.

        The mark stands for a letter no word has, so every candidate pays a substitution for it,
        and the pair is then judged like two misread halves of one word.
        """
        mark = MARK_FOR_LETTER.match(a)
        if mark is None or not b_core or not WORD_CORE.match(b_core):
            return None
        head = mark.group(1)
        if not (b_core.islower() if head.islower() else b_core.isupper()):
            return None
        if self._solid(head) or self._solid(b_core):
            return None  # a word and its closing quote, or a quoted word and the next ("Юнайтед" пресс)
        return self._join_corrected(a, head + UNREAD_LETTER, b, b_core)

    def _join_word_part(self, a: str, b: str) -> tuple[str, float, list[dict[str, Any]]] | None:
        """``над жда`` -> ``надежда``: a word and a non-word joined and corrected (memoised)."""
        key = (a, b)
        if key not in self._word_part_cache:
            lead = LEAD.match(a)
            a_core = a[lead.end() if lead else 0 :]
            trail = TRAIL.search(b)
            b_core = b[: trail.start()] if trail else b
            a_word = self.lexicon.is_word(a_core.lower())
            self._word_part_cache[key] = self._join_corrected(a, a_core, b, b_core, a_word, not a_word)
        return self._word_part_cache[key]

    def _common_near(self, word: str, joined: str) -> bool:
        """Whether a common word other than ``joined`` is one edit from ``word`` (таке: также, так):
        then a one-letter word before ``word`` may stand alone, ``word`` being that word misread."""
        floor = self.settings.short_function_log_prob
        return any(lp >= floor and w != joined for lp, w, _d in self._listed_candidates(word, 1))

    def _governed_guess(self, preposition: str, word: str, is_word: bool) -> bool:
        """Whether ``word``, a non-word, reads by its ending (pymorphy3's guess) in a case
        ``preposition`` governs: a misread word after its preposition, as likely as half of one."""
        governed = GOVERNED_CASES.get(preposition)
        if governed is None or is_word:
            return False
        return self._governed_case(word, governed)

    def _governed_near(self, preposition: str, word: str, joined: str) -> bool:
        """Whether a listed word one edit from ``word``, likelier than ``joined``, stands in a case
        ``preposition`` governs (в реде: ряде, commoner than вреде): then the two may be the
        preposition and that word misread, not halves of one word. (в ремя: время is commoner
        than темя and бремя, which в would govern.)"""
        governed = GOVERNED_CASES.get(preposition)
        if governed is None:
            return False
        floor = self.lexicon.log_prob(joined)
        return any(lp > floor and self._governed_case(w, governed) for lp, w, _d in self._listed_candidates(word, 1))

    def _governed_case(self, word: str, governed: frozenset[str]) -> bool:
        """Whether some reading of ``word`` (a guessed one for a non-word) is in a case of ``governed``."""
        return any(CASE_FAMILY.get(c, c) in governed for c in self._cases(word) if c)

    def _may_be_half(self, la: str, a_word: bool, lb: str, b_word: bool) -> bool:
        """Whether the word of a word/non-word pair may be half of a split word: short (над жда)
        or rare (боепри асов). A common word beside a misreading is left to the token pass."""
        word = la if a_word else lb
        return len(word) <= 3 or self._fragment(word)

    def _keep_score(self, word: str, is_word: bool) -> float:
        """Log-score of a token left as it stands, for comparing against joining it with a neighbour."""
        hit = self._keep_cache.get((word, is_word))
        if hit is None:
            hit = self._keep_cache[(word, is_word)] = self._keep_score_uncached(word, is_word)
        return hit

    def _keep_score_uncached(self, word: str, is_word: bool) -> float:
        if is_word:
            return max(self.lexicon.log_prob(word), self.settings.unknown_log_prior)
        keep = self.settings.unknown_log_prior
        if len(word) >= self.settings.min_length:
            scored = self._score_candidates(word, False, keep)
            if scored and scored[0][2] != "merged-words":
                keep = max(keep, scored[0][1])
        return keep

    def _function(self, word: str) -> bool:
        """A preposition, conjunction or particle (all are listed words)."""
        pos = self.lexicon.listed_pos(word)
        return pos is not None and pos[0] in FUNCTION_POS

    def _solid(self, token: str) -> bool:
        """A common word, perhaps with punctuation: never half of a split word (memoised; most
        tokens are these, and a pair of them is skipped without the join rules)."""
        hit = self._solid_cache.get(token)
        if hit is None:
            core = _core(token)[1] if not PLAIN_WORD.fullmatch(token) else token
            low = core.lower()
            hit = bool(PLAIN_WORD.fullmatch(core)) and self.lexicon.is_word(low) and not self._fragment(low)
            self._solid_cache[token] = hit
        return hit

    def _fragment(self, word: str) -> bool:
        """A rare listed word that is not a function word: maybe half of a split word."""
        if self.lexicon.log_prob(word) >= self.settings.fragment_log_prob:
            return False
        pos = self.lexicon.listed_pos(word)  # function words are all listed: no pymorphy3 call
        return pos is None or pos[0] not in FUNCTION_POS

    def _fix_phrases(
        self,
        tokens: list[list[tuple[int, int, str]]],
        consumed: set[tuple[int, int]],
        listed: set[tuple[int, int]],
    ) -> list[Correction]:
        """``ВТОРОЕ ГЛАЗНОЕ УПРАВЛЕНИЕ``, ``Мас Цзе-дун``: one word of a listed phrase misread;
        ``Ким ИР Сена``: a name in it in the wrong case. Phrases read right go into ``listed``.

        The other words of the phrase must stand beside it exactly as listed, and the misread
        word be one edit from the phrase's word (two from six letters on). Only this context
        lets a real word (ГЛАЗНОЕ) change; punctuation and case are kept. Phrases are found
        from their exactly read words, so a page without any costs one lookup per token.
        """
        edits: list[Correction] = []
        by_word = self._phrases
        domain = self.lexicon.domain
        for li, line_tokens in enumerate(tokens):
            lowered: list[str] | None = None
            cores: list[tuple[str, str, str]] = []
            tried: set[tuple[int, tuple[str, ...]]] = set()
            for i, (_s, _e, token) in enumerate(line_tokens):
                if token.lower().strip(STRIP_PUNCT) not in by_word:
                    continue
                if lowered is None:
                    cores = [_core(STRAY_LEAD.sub("", t[2])) for t in line_tokens]  # .АРМИИ: a speck before it
                    lowered = [c[1].lower() for c in cores]
                for phrase, written, k in self._phrases_at(by_word.get(lowered[i], ()), lowered, i):
                    start = i - k
                    if start < 0 or start + len(phrase) > len(line_tokens) or (start, phrase) in tried:
                        continue
                    tried.add((start, phrase))
                    span = range(start, start + len(phrase))
                    expression = self.lexicon.domain_kind.get(" ".join(phrase)) == "expression"
                    if expression and any(cores[t][2] for t in span[:-1]):
                        continue  # так, как; так. Как: the writer's mark parts the words
                    if list(phrase) == lowered[start : start + len(phrase)]:
                        # Read right: its words are no halves of other words (Ким ИР СЕНА never
                        # joins into the variant ИРСЕНА).
                        if expression:
                            edits += self._expression_case(li, line_tokens, cores, start, len(phrase), consumed)
                        else:
                            edits += self._phrase_read_right(li, line_tokens, cores, start, phrase, written, consumed)
                        listed.update((li, t) for t in span)
                        continue
                    if all((li, t) in listed for t in span):
                        continue  # another form of a phrase read right there (министров ... дел)
                    misread_at = self._phrase_misreads(phrase, lowered[start : start + len(phrase)])
                    if misread_at:
                        options = by_word.get(lowered[i], ())
                        phrase, written, misread_at = self._nearest_form(
                            options, (phrase, written, misread_at), start, lowered, i
                        )
                        tried.add((start, phrase))  # a form of the same length: ``span`` stands
                    misread = [start + m for m in misread_at]
                    if expression and any(self._common_word(lowered[t]) for t in misread):
                        continue  # и течение, там как: a common word read right says its own
                    if self._small_words_no_name(phrase, cores, span, misread, lowered):
                        continue  # сообщить нам их мнение: no Нам Ир
                    if not misread or any(
                        (li, t) in consumed
                        or (li, t) in listed  # a word of another listed phrase read right (Ли Сын Мана)
                        or not WORD_CORE.match(cores[t][1])
                        or lowered[t] in domain
                        for t in misread  # a lexicon form is another case of the name, not a misreading
                    ):
                        continue
                    # A person's name takes the phrase's case where another word stands as listed
                    # (Ким пр. Сен -> Ким Ир Сен), as the phrase read right would.
                    as_listed = any(cores[t][1] == written[t - start] for t in span if t not in misread)
                    for t in misread:
                        replacement = apply_case(cores[t][1], phrase[t - start], written[t - start])
                        if as_listed and self.lexicon.domain_kind.get(phrase[t - start]) == "person":
                            replacement = written[t - start]
                        inner_stop = t < start + len(phrase) - 1 and cores[t][2] in INNER_STOPS
                        edits.append(self._phrase_edit(li, line_tokens, cores, t, replacement, written, inner_stop))
                        consumed.add((li, t))
                    # Its other words as a phrase read right (Ких ир Сену -> Ким Ир Сену), and none
                    # of them joined (КИХ ИР СЕНУ is no КИМ ИРСЕНУ).
                    edits += self._phrase_read_right(li, line_tokens, cores, start, phrase, written, consumed)
                    listed.update((li, t) for t in span)
        return edits

    def _small_words_no_name(
        self,
        phrase: tuple[str, ...],
        cores: list[tuple[str, str, str]],
        span: range,
        misread: list[int],
        lowered: list[str],
    ) -> bool:
        """Whether a listed name (a phrase with a person's word in it) is read all in small letters
        with a common word where its misread word stands: common words, not the name."""
        domain_kind = self.lexicon.domain_kind
        if not any(domain_kind.get(word) == "person" for word in phrase):
            return False
        if not all(cores[t][1].islower() for t in span):
            return False
        return any(self._common_word(lowered[t]) for t in misread)

    @staticmethod
    def _expression_case(
        li: int,
        line_tokens: list[tuple[int, int, str]],
        cores: list[tuple[str, str, str]],
        start: int,
        size: int,
        consumed: set[tuple[int, int]],
    ) -> list[Correction]:
        """A fixed expression read right whose later words were read Capitalised (``Кроме Того,``):
        only its first word may open a sentence, so they are small."""
        edits: list[Correction] = []
        for t in range(start + 1, start + size):
            lead, core, trail = cores[t]
            if core[:1].isupper() and core[1:].islower() and (li, t) not in consumed:
                s0, e0, _token = line_tokens[t]
                edits.append(_edit(li, s0, e0, lead + core.lower() + trail, "case", 0.0, []))
                consumed.add((li, t))
        return edits

    def _common_word(self, word: str) -> bool:
        """Whether ``word`` is as common as a function word (``short_function_log_prob``)."""
        lex = self.lexicon
        return word in lex.counts and lex.log_prob(word) >= self.settings.short_function_log_prob

    @staticmethod
    def _phrases_at(
        options: tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...], lowered: list[str], i: int
    ) -> list[tuple[tuple[str, ...], tuple[str, ...], int]]:
        """The listed phrases with the word at ``i``, those read right there first: ``Ли Сын Мана``
        is that phrase read right, not ``Ли Сын Ман`` with its last word misread."""
        exact = [o for o in options if i - o[2] >= 0 and list(o[0]) == lowered[i - o[2] : i - o[2] + len(o[0])]]
        return exact + [o for o in options if o not in exact]

    def _nearest_form(
        self,
        options: tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...],
        found: tuple[tuple[str, ...], tuple[str, ...], list[int]],
        start: int,
        lowered: list[str],
        i: int,
    ) -> tuple[tuple[str, ...], tuple[str, ...], list[int]]:
        """Of the listed phrases at ``i`` that the words read from ``start`` misread, the nearest
        to them (phrase, written, misread positions), ``found`` first: of a phrase's case forms,
        ``манистра иностранных дел`` is ``министра``, not ``министр``. Of two as near (``министрг``),
        the lexicon's order decides. Asked only when a phrase matched, so costs a page nothing."""
        best, best_distance = found, _phrase_distance(found[0], lowered, start)
        for phrase, written, k in options:
            if i - k != start or phrase == found[0] or len(phrase) != len(found[0]):
                continue
            misread = self._phrase_misreads(phrase, lowered[start : start + len(phrase)])
            distance = _phrase_distance(phrase, lowered, start) if misread else best_distance
            if distance < best_distance:
                best, best_distance = (phrase, written, misread), distance
        return best

    def _phrase_read_right(
        self,
        li: int,
        line_tokens: list[tuple[int, int, str]],
        cores: list[tuple[str, str, str]],
        start: int,
        phrase: tuple[str, ...],
        written: tuple[str, ...],
        consumed: set[tuple[int, int]],
    ) -> list[Correction]:
        """A listed phrase read right, but perhaps in the wrong case or with a stop inside.

        Only people's names are recased: an agency's words may be written either way.
        """
        span = [cores[start + k][1] for k in range(len(phrase))]
        recased = [
            k
            for k in _phrase_recased(written, span)
            if self.lexicon.domain_kind.get(phrase[k]) == "person"  # not пресс of Юнайтед пресс
            # Прошу Вас: the formula writes its addressee so. Not Прошу ваших указаний, which
            # telegrams write either way.
            or phrase == REQUEST_FORMULA
            and written[k] in POLITE_FORMS
        ]
        stops = [k for k in range(len(phrase) - 1) if cores[start + k][2] in INNER_STOPS]
        edits: list[Correction] = []
        for k in sorted(set(recased) | set(stops)):
            if (li, start + k) not in consumed:
                word = written[k] if k in recased else span[k]
                edits.append(self._phrase_edit(li, line_tokens, cores, start + k, word, written, k in stops))
                consumed.add((li, start + k))
        return edits

    @staticmethod
    def _phrase_edit(
        li: int,
        line_tokens: list[tuple[int, int, str]],
        cores: list[tuple[str, str, str]],
        t: int,
        word: str,
        written: tuple[str, ...],
        drop_stop: bool = False,
    ) -> Correction:
        """Token ``t`` of a listed phrase written as ``word``, its punctuation kept, except a stop
        inside the phrase with ``drop_stop`` (``ГЛАВНОЕ. УПРАВЛЕНИЕ``: no phrase has one), and
        a doubled stop after it, one of them a speck, as the token pass has it (``указани..``)."""
        lead, core, trail = cores[t]
        if drop_stop:
            trail = ""
        elif trail == "..":
            trail = "."
        s0, e0, _token = line_tokens[t]
        candidates = [{"word": word.lower(), "phrase": " ".join(written)}, {"word": core.lower(), "keep": True}]
        return _edit(li, s0, e0, lead + word + trail, "phrase", 0.0, candidates)

    @staticmethod
    def _phrase_misreads(phrase: tuple[str, ...], read: list[str]) -> list[int]:
        """Positions of ``read`` that are misreadings of ``phrase``'s words; [] if it does not match."""
        misread: list[int] = []
        anchored = 0
        # A word between two others of the phrase read exactly may be further off (Прошу Разих
        # указаний): two edits from four letters on, as from six letters alone.
        exact = sum(want == got for want, got in zip(phrase, read, strict=True))
        long_enough = 4 if exact >= 2 else 6
        for k, (want, got) in enumerate(zip(phrase, read, strict=True)):
            if want == got:
                anchored += len(want)
                continue
            limit = 2 if len(want) >= long_enough else 1
            if Levenshtein.distance(want, got, score_cutoff=limit) > limit or not got:
                return []
            misread.append(k)
        if anchored < PHRASE_ANCHOR or len(misread) >= len(phrase):
            return []
        return misread

    def _join_hyphen_gaps(
        self, tokens: list[list[tuple[int, int, str]]], consumed: set[tuple[int, int]]
    ) -> list[Correction]:
        """``ЦЗЕ -ДУН``, ``Цзе- -дун``, ``ЦЗЕ - ДУНУ`` -> the listed hyphened name, blanks removed;
        ``Северо -восточного``, ``военно воздушными`` -> a compound the dictionary has.

        Only for hyphened forms of the domain lexicon (names) and, with one blank beside the
        hyphen or none, the dictionary's compounds: elsewhere a blank beside a dash may be the
        typist's (``Москва - Пекин``).
        """
        edits: list[Correction] = []
        domain = self.lexicon.domain
        for li, line_tokens in enumerate(tokens):
            ti = 0
            while ti < len(line_tokens) - 1:
                if line_tokens[ti][2][-1] != "-" and line_tokens[ti + 1][2][0] != "-":
                    a = line_tokens[ti][2]  # the cheap test first: a first part of a compound ends in -о
                    compound = self._compound_read_apart(a, line_tokens[ti + 1][2]) if a[-1] == "о" else None
                    if compound is not None and (li, ti) not in consumed and (li, ti + 1) not in consumed:
                        edits.append(
                            _edit(li, line_tokens[ti][0], line_tokens[ti + 1][1], compound, "split-word", 0.0, [])
                        )
                        consumed.update({(li, ti), (li, ti + 1)})
                        ti += 2
                        continue
                    ti += 1  # no hyphen at the gap: the common case, decided without the regexes
                    continue
                span = 3 if line_tokens[ti + 1][2] == "-" and ti + 2 < len(line_tokens) else 2
                first, last = line_tokens[ti], line_tokens[ti + span - 1]
                a, b = first[2], last[2]
                taken = any((li, k) in consumed for k in range(ti, ti + span))
                lead = LEAD.match(a)
                trail = TRAIL.search(b)
                a_core = a[lead.end() if lead else 0 :].rstrip("-")
                b_core = (b[: trail.start()] if trail else b).lstrip("-")
                hyphen_between = span == 3 or a.endswith("-") or b.startswith("-")
                if taken or not hyphen_between or not (a_core and b_core):
                    ti += 1
                    continue
                joined = f"{a_core}-{b_core}".lower()
                # A listed hyphened name, or (a dash alone between may be the typist's) a
                # compound the dictionary has (северо -восточного).
                known = joined in domain or span == 2 and self._dictionary_word(joined)
                if not (WORD_CORE.match(a_core) and WORD_CORE.match(b_core)) or not known:
                    ti += 1
                    continue
                replacement = (
                    a[: len(a) - len(a.lstrip(LEAD_CHARS))]
                    + a_core
                    + "-"
                    + b_core
                    + (b[trail.start() :] if trail else "")
                )
                edits.append(_edit(li, first[0], last[1], replacement, "split-word", 0.0, []))
                consumed.update((li, k) for k in range(ti, ti + span))
                ti += span
        return edits

    def _compound_read_apart(self, a: str, b: str) -> str | None:
        """``военно воздушными`` -> ``военно-воздушными``: a first part in ``-о`` and a word in
        small letters whose hyphened compound the dictionary has, its hyphen lost. The cheap test
        on the first part first: most pairs are none."""
        if len(a) < 5 or a[-1] != "о" or not b[:1].islower() or not a.isalpha() or not a.islower():
            return None
        _lead, core, trail = _core(b)
        if not b.startswith(core) or not PLAIN_WORD.fullmatch(core):
            return None
        compound = f"{a}-{core}"
        return compound + trail if self._dictionary_word(compound) else None

    def _fix_record_fields(
        self, lines: list[str], tokens: list[list[tuple[int, int, str]]], consumed: set[tuple[int, int]]
    ) -> list[Correction]:
        """The fields of a telegram's header and footer: ``23 н. 40 м.`` -> ``23 ч. 40 м.``,
        ``Расы. Елезов 12.00`` -> ``Расш. Елезов 12.00``, ``Копии; Сталину (2}.`` -> ``Копии:
        Сталину (2)``.

        A time is hours, ``ч.``, two-digit minutes, ``м.``; a footer field is a listed
        abbreviation (who deciphered, typed, which copy), a surname, then a clock time. Where
        the layout fixes what a token must be, a misreading of it is replaced; digits never are.
        """
        fixes: dict[tuple[int, int], str] = {}
        small_labels: bool | None = None  # asked only of a page with a footer field
        copies_go_on = False  # the line before is a copies list that ends with a comma
        for li, line_tokens in enumerate(tokens):
            texts = [t[2] for t in line_tokens]
            if texts and (copies_label(texts) or copies_go_on and self._copies_continued(texts)):
                label = copies_label(texts)
                listed = copies_line(texts if label else ["Копии:", *texts])
                for k, fixed in listed.items():
                    k -= 0 if label else 1
                    if not label and k == len(texts) - 1 and fixed.rstrip(".,;:") == texts[k].rstrip(".,;:"):
                        fixed = texts[k]  # Громыко, / Зорину.: the list's stop on its last line stays
                    if k >= 0:
                        fixes[(li, k)] = (self._recipient(fixed) if k or not label else None) or fixed
                copies_go_on = texts[-1].endswith(",")
                continue
            copies_go_on = False
            if self.settings.fix_punctuation:
                fixes.update({(li, k): fixed for k, fixed in header_marks(texts).items()})
            fixes.update({(li, k): fixed for k, fixed in series_line(texts).items()})
            if "с.г" in lines[li]:
                for ti in range(len(texts)):
                    fixes.update({(li, k): fixed for k, fixed in this_year_stop(texts, ti).items()})
            address = addressee_line(texts)
            if address or "товарищу" in lines[li].lower():
                fixes.update({(li, k): fixed for k, fixed in address.items()})
                addressed = [address.get(k, text) for k, text in enumerate(texts)]
                fixes.update({(li, k): fixed for k, fixed in self._addressee(addressed).items()})
            if not DIGIT.search(lines[li]):
                continue  # every other field is a time or stands before one
            fixes.update({(li, k): fixed for k, fixed in from_line(texts, self.settings.fix_case).items()})
            fixes.update({(li, k): fixed for k, fixed in distribution_line(texts).items()})
            if len(texts) == 1:
                previous = line_before(tokens, li)
                footer_date = footer_date_line(texts, [t[2] for t in previous] if previous else None)
                fixes.update({(li, k): fixed for k, fixed in footer_date.items()})
            for ti, text in enumerate(texts):
                if text[:1].isdigit():
                    fixes.update({(li, k): unit for k, unit in unit_stop(texts, ti).items()})
                    fixes.update({(li, k): unit for k, unit in time_units(texts, ti).items()})
                    fixes.update({(li, k): unit for k, unit in glued_minutes(texts, ti).items()})
                    fixes.update({(li, k): unit for k, unit in lost_minutes_unit(texts, ti).items()})
                elif text[-1:] in ".,":
                    if small_labels is None and text[:-1].lower() + "." in FOOTER_LABELS:
                        small_labels = not labels_capitalised([[t[2] for t in line] for line in tokens])
                    fixes.update(self._footer_field(texts, ti, li, bool(small_labels)))
        edits: list[Correction] = []
        for (li, ti), fixed in sorted(fixes.items()):
            start, end, text = tokens[li][ti]
            if fixed != text and (li, ti) not in consumed:
                if not fixed and ti:
                    start = tokens[li][ti - 1][1]  # a token removed takes its blank with it
                edits.append(_edit(li, start, end, fixed, "record-field", 0.0, []))
                consumed.add((li, ti))
        return edits

    def _copies_continued(self, texts: list[str]) -> bool:
        """Whether a line after a copies line that ends with a comma goes on with its list
        (``Булганину, Вышинсксму, Громыко``): names and counts only, the first a listed person's or
        one within reach of one."""
        counts = [t for t in texts if t[:1] == "("]  # (2), or (2} with a brace copies_line mends
        if not all(t.lower() in NAME_TITLES or t[:1] == "(" or t[:1].isupper() for t in texts):
            return False
        if DIGIT.search(" ".join(t for t in texts if t not in counts)):
            return False
        first = texts[0]
        return self.lexicon.domain_kind.get(_core(first)[1].lower()) == "person" or self._recipient(first) is not None

    def _recipient(self, token: str, header: bool = True) -> str | None:
        """``Стапону`` -> ``Сталину``: a word of the copies line, or the one after ``Товарищу``, is a
        person the lexicon lists, in the dative (who gets a copy, whom the telegram addresses). A
        word the lexicon does not list becomes the one such form within reach, and a listed
        person's form without its ending its dative (``Булганин`` -> ``Булганину``), punctuation
        kept; None if there is none or two come as close. ``header``: the word stands in the
        header's copies or address line, not in a sentence (``Доложите товарищу ...``)."""
        lead, core, trail = _core(token)
        word = core.lower()
        if lead or len(core) < 4 or not core.isalpha():
            return None
        if word in self.lexicon.domain:
            dative = self._listed_dative(word)
            return None if dative is None else self._written_name(core, dative) + trail
        scored = [t for t in self._score_candidates(word, True) if self._recipient_form(t[0])]
        if not scored or len(scored) > 1 and scored[0][1] - scored[1][1] < self.settings.ambiguity:
            return None
        best = scored[0][0]
        # As in the token pass: on a clean page an unlisted name is likelier, unless the word is
        # long, in the header and one letter from the listed person's (Булггнину: the header names
        # the leaders, and no other surname is so near).
        long_one_letter_off = header and len(word) >= LONG_RECIPIENT and not self._two_edits(word, best)
        plain = self.channel.cost(word, best) >= self.settings.substitution_cost
        if plain and not long_one_letter_off and self._is_clean_page():
            return None
        return self._written_name(core, best) + trail

    def _written_name(self, core: str, name: str) -> str:
        """A listed name as the lexicon writes it, or in capitals where ``core`` is (ФИЛИППОВУ)."""
        written = self.lexicon.domain[name]
        return written.upper() if _mostly_capitals(core) else written

    def _addressee(self, texts: list[str]) -> dict[int, str]:
        """``Товарищу ФИЛИППОВ`` -> ``Товарищу ФИЛИППОВУ``: the listed person after the dative
        address is in the dative too (in the header's address line, or in a sentence)."""
        for k in range(len(texts) - 1):
            if _core(texts[k])[1].lower() == "товарищу":
                fixed = self._recipient(texts[k + 1], header=len(texts) == 2)
                return {} if fixed is None else {k + 1: fixed}
        return {}

    def _listed_dative(self, word: str) -> str | None:
        """``булганин`` -> ``булганину``: the one dative form of a listed person read without its
        ending where the layout wants the dative (the copies line, after ``Товарищу``); None for a
        form that is already one, or that is no listed person's."""
        if self.lexicon.domain_kind.get(word) != "person" or self._recipient_form(word):
            return None
        hit = self._dative_cache.get(word)
        if hit is None:
            found = {
                w
                for w, _s, _k in self._score_candidates(word, True)
                if w.startswith(word) and self.lexicon.domain_kind.get(w) == "person" and self._dative_of(w, word)
            }
            hit = self._dative_cache[word] = found.pop() if len(found) == 1 else ""
        return hit or None

    def _dative_of(self, form: str, lemma: str) -> bool:
        """Whether ``form`` is the singular dative of ``lemma`` (сталину of сталин, not сталине of
        the name Сталина)."""
        return any(
            p.tag.case == "datv" and p.tag.number == "sing" and p.normal_form == lemma
            for p in self.lexicon.morph.parse(form)
        )

    def _recipient_form(self, word: str) -> bool:
        """A listed person's form that can be a singular dative (Сталину; Штеменко, which does not
        decline; not Сталиным, a plural dative). Memoised: every copies line asks it of its names."""
        if self.lexicon.domain_kind.get(word) != "person":
            return False
        hit = self._recipient_cache.get(word)
        if hit is None:
            hit = self._recipient_cache[word] = any(
                p.tag.case == "datv" and p.tag.number != "plur" or "Fixd" in p.tag
                for p in self.lexicon.morph.parse(word)
            )
        return hit

    def _footer_field(self, texts: list[str], ti: int, li: int, small_labels: bool) -> dict[tuple[int, int], str]:
        """The fixes of a footer field whose label may stand at ``ti``: the label, the case of it
        and of the surname (``fields.footer_case``), the clock time's and date's dots."""
        fixes: dict[tuple[int, int], str] = {}
        recased = footer_case(texts, ti, small_labels) if self.settings.fix_case else {}
        numbered = footer_field(texts, ti) == "surname"  # a listed label in any case
        if footer_layout(texts, ti):
            label = self._footer_label(texts[ti])
            if label is not None:
                fixes[(li, ti)] = label
            # A listed label as typed, capitalised: not тов. before a name in a sentence.
            text = texts[ti]
            numbered = numbered or label is not None or text[:1].isupper() and text.lower() in self.lexicon.domain
        for k, fixed in recased.items():
            fixes.setdefault((li, k), fixed)  # a mended label is written as the lexicon writes it
        if numbered:
            fixes.update({(li, k): fixed for k, fixed in footer_numbers(texts, ti).items()})
        if numbered and self.settings.fix_punctuation:
            surname = fixes.get((li, ti + 1), texts[ti + 1])
            if surname != footer_surname(surname):
                fixes[(li, ti + 1)] = footer_surname(surname)  # Агафонов: 17.10 -> Агафонов 17.10
        return fixes

    def _footer_label(self, token: str) -> str | None:
        """A footer's label (``Расш.``, ``Отп.``) read as another word, or with a comma for its stop;
        asked of a token where the footer's layout puts a label (``fields.footer_layout``)."""
        if token.lower() in self.lexicon.domain:
            return None
        low = token[:-1].lower()
        if low + "." in self.lexicon.domain:
            return token[:-1] + "."  # Отп, Корнюшина 23.35
        near = self._abbreviation_near(token[:-1], shortest=3)
        return None if near is None else near[1] + "."

    def _join_dates(self, tokens: list[list[tuple[int, int, str]]], consumed: set[tuple[int, int]]) -> list[Correction]:
        """``28. 6. с.г.`` / ``29. 6. 51`` / ``8.8. 51`` -> ``28.6.с.г.`` / ``29.6.51`` / ``8.8.51``:
        blanks OCR put after the stops inside a date.

        Only day ``1-31`` dot, month ``1-12`` dot, then a year or ``с.г.``; digits are never changed.
        """
        edits: list[Correction] = []
        for li, line_tokens in enumerate(tokens):
            ti = 0
            while ti + 1 < len(line_tokens):
                size = split_date_size(line_tokens, ti) if line_tokens[ti][2][:1].isdigit() else 0
                if size and not any((li, ti + k) in consumed for k in range(size)):
                    parts = line_tokens[ti : ti + size]
                    replacement = "".join(p[2] for p in parts)
                    edits.append(_edit(li, parts[0][0], parts[-1][1], replacement, "split-date", 0.0, []))
                    consumed.update((li, ti + k) for k in range(size))
                    ti += size
                    continue
                ti += 1
        return edits

    def _join_corrected(
        self, a: str, a_core: str, b: str, b_core: str, a_word: bool = False, b_word: bool = False
    ) -> tuple[str, float, list[dict[str, Any]]] | None:
        """``прекр щение`` -> ``прекращение``, ``над жда`` -> ``надежда``: a misspelt word split in two.

        At least one part is not a word. The noisy-channel score of the joined, corrected word
        (less ``join_cost`` for the lost blank) must beat keeping both tokens by the usual
        margin, a part that is a word scored by its frequency and a non-word by the better of
        the unknown-word prior and its own best correction.
        """
        s = self.settings
        lex = self.lexicon
        la, lb = a_core.lower(), b_core.lower()
        joined = la + lb
        if len(joined) < s.min_length_distance2 or len(la) < 1 or "-" in joined:
            return None
        if min(len(la), len(lb)) > s.max_split_part and not self._near_long_entry(joined):
            return None  # two long misreadings are two words, not halves of one
        # A capitalised word may be a name: joined with what follows only into a lexicon entry
        # (Ру джуэй -> Риджуэй), unless the whole line is in capitals.
        name_only = a_core[:1].isupper() and not (a_core.isupper() and b_core.isupper()) and len(a_core) > 1 and a_word
        # So is a capitalised non-word before a function word (Нгуен Зиапа на 11.5: a name the
        # lexicon lacks, not запада; Ялуцзяи у. is Ялуцзяну.).
        name_only = name_only or a_core[:1].isupper() and a_core[1:].islower() and b_word and self._function(lb)
        # Whether the joined string is near any word is asked first, under the lowest keep score
        # there can be: most joins of two misreadings end here, before each part is scored.
        lowest_keep = 2 * s.unknown_log_prior
        if not self._score_candidates(joined, False, lowest_keep + s.margin + s.join_cost - s.ambiguity):
            return None
        keep = self._keep_score(la, a_word) + self._keep_score(lb, b_word)
        scored = self._score_candidates(joined, False, keep + s.margin + s.join_cost - s.ambiguity)
        # The joined word must take letters from both parts, not drop a word part (этого нё: -> этого).
        longest_word_part = max(len(la) if a_word else 0, len(lb) if b_word else 0)
        scored = [
            t
            for t in scored
            if t[2] != "merged-words" and len(t[0]) > longest_word_part and (t[2] == "lexicon" or not name_only)
        ]
        if not scored:
            return None
        best_word, best_score, _reason = scored[0]
        if best_word not in lex.counts and self._governed_guess(la, lb, b_word):
            return None  # по аехинскому: a preposition and a misread word it governs, not потехинскому
        best_score -= s.join_cost
        if best_score - keep < s.margin or (len(scored) > 1 and scored[0][1] - scored[1][1] < s.ambiguity):
            return None
        pattern = a_core + b_core
        replacement = (
            a[: len(a) - len(a_core)] + apply_case(pattern, best_word, lex.domain.get(best_word)) + b[len(b_core) :]
        )
        listed = [{"word": w, "score": round(sc - s.join_cost, 3)} for w, sc, _ in scored[:5]]
        listed.append({"word": la + " " + lb, "score": round(keep, 3), "keep": True})
        return replacement, best_score - keep, listed

    def _near_long_entry(self, joined: str) -> bool:
        """Whether two long parts joined are one edit from a long listed word (ВИФРТЕ ЛЕГРАММА ->
        ШИФРТЕЛЕГРАММА, строит льство -> строительство): so long a word that near, not two words."""
        if len(joined) < LONG_ENTRY:
            return False
        return any(d <= 1 for _p, _w, d in self._listed_candidates(joined, 1))

    # ---- single tokens ------------------------------------------------------------------
    def _correct_token(
        self, key: TokenKey, token: str, initial: bool, conf: float | None, next_lower: bool
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """One token's correction, memoised by ``key`` (``_token_key`` of the other arguments):
        OCR text repeats its words and its misreadings."""
        cache = self._token_cache
        if key in cache:
            return cache[key]
        self._forget_token_notes()
        result = self._decide_token(token, initial, conf, next_lower)
        if len(cache) < 500_000:
            cache[key] = result
            if result is None and self._last_tie:
                self._tie_cache[key] = self._last_tie
            if result is not None and self._last_name_guess:
                self._name_guesses.add(key)
            if result is not None and self._last_long_guess:
                self._long_guesses.add(key)
        return result

    def _forget_token_notes(self) -> None:
        # A method, not assignments in _correct_token: there mypy (and so mypyc) would take the
        # attributes for None and False until the end of that function, though _decide_token
        # may set them.
        self._last_tie = None
        self._last_name_guess = False
        self._last_long_guess = False

    def _decide_token(
        self, token: str, initial: bool, conf: float | None, next_lower: bool
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        if PLAIN_WORD.fullmatch(token):
            # Most tokens are bare Cyrillic words: no noise, punctuation or affixes to peel off,
            # so only the word itself is judged (the same result as the general path below).
            inner = self._correct_listed(token)
            if inner is False:
                inner = self._correct_core(token, token, 0, len(token), initial, conf)
            if inner is None or inner[0] == token:
                return None
            return inner
        s = self.settings
        reasons: list[str] = []
        cleaned = token
        if s.strip_noise:
            stripped = self._strip_noise(cleaned)
            if stripped is not None:
                cleaned = stripped
                reasons.append("noise")
        if s.fix_punctuation and cleaned:
            tidy = self._strip_stray_punctuation(cleaned, next_lower)
            if tidy != cleaned:
                cleaned = tidy
                reasons.append("punctuation")
        if not cleaned:
            return "", "noise", 0.0, []
        inner = self._correct_word(cleaned, initial, conf)
        if inner is not None:
            reasons.append(inner[1])
            cleaned, score, candidates = inner[0], inner[2], inner[3]
        else:
            score, candidates = 0.0, []
        if not reasons or cleaned == token:
            return None
        return cleaned, "+".join(reasons), score, candidates

    def _correct_listed(self, token: str) -> tuple[str, str, float, list[dict[str, Any]]] | None | Literal[False]:
        """``_correct_core``'s answer for a bare listed word of four letters or more, in small
        letters or Capitalised, that is no name of the lexicon (most words of a page): only the
        real-word rule can change it. False for any other token, which takes the general path."""
        if not token[1:].islower():
            return False  # one letter, all capitals or mixed case: the case rules may apply
        lex = self.lexicon
        word = token.lower()
        if word not in lex.counts or lex.domain_kind.get(word) in NAME_KINDS or len(word) < self.settings.min_length:
            return False  # a short word may be a misread function word (_short_function_word)
        return self._fix_real_word(token, word)

    def _hyphenated_tail(self, head_token: str, tail_token: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """The tail of a word hyphenated across lines, corrected as the whole word is.

        ``многонацио-`` / ``нальмой`` is ``многонациональмой``, corrected to ``многонациональной``:
        the tail becomes ``нальной``. Only the tail changes, and only when the correction keeps
        the head as it was read; the line break and its hyphen stay.
        """
        _lead, head, _trail = _core(head_token.rstrip(".,:;'`"))
        lead, tail, trail = _core(tail_token)
        head = head.rstrip("-")
        if not (head and tail and PLAIN_WORD.fullmatch(head) and PLAIN_WORD.fullmatch(tail)):
            return None
        whole = head + tail
        if self.lexicon.is_word(whole.lower()) or self.lexicon.is_word(f"{head}-{tail}".lower()):
            return None  # a word, or a compound whose hyphen fell at the line's end (северно- / корейских)
        result = self._correct_core(whole, whole, 0, len(whole), False, None)
        if result is None or not result[0].lower().startswith(head.lower()):
            return None
        fixed = result[0][len(head) :]
        if fixed == tail or not PLAIN_WORD.fullmatch(fixed):
            return None
        return lead + fixed + trail, result[1], result[2], result[3]

    def _lost_head(self, token: str, replacement: str) -> bool:
        """Whether a line's first token may be the tail of a word whose head OCR lost (a column's
        hyphenated ``Всесо-`` / ``юзной``): a small-letter tail of a common longer word, which
        the correction would change rather than only restore letters before it (``озможности``
        -> ``возможности`` goes ahead)."""
        core, fixed = _core(token)[1], _core(replacement)[1].lower()
        if len(core) < 4 or not core.islower() or fixed.endswith(core):
            return False  # punctuation only, or letters restored before the tail
        return self.lexicon.ends_word(core, 2, LOST_HEAD_LOG_PROB)

    def _space_number(self, token: str, following: str | None) -> str | None:
        """The blank a typist put between a number and its neighbours, where OCR read a mark.

        Digits are never changed. A unit written without a blank (1922г.) is the typist's and
        stays, as does ``№3261``; only a mark in the blank's place is taken for one.
        """
        m = WORD_DOT_NUMBER.match(token)
        if m is not None:
            return f"{m.group(1)} {m.group(2)}{m.group(3)}" if self.lexicon.is_word(m.group(1).lower()) else None
        m = NUMBER_MARK_UNIT.match(token)
        if m is not None:
            return f"{m.group(1)} {m.group(2)}.{m.group(3)}"
        m = SIGN_MARK_NUMBER.match(token)
        if m is not None:
            return f"№ {m.group(1)}"
        m = NUMBER_DASH.match(token)
        if m is not None and following is not None and following[:1].isalpha():
            return None if following in SUSPENDED_HYPHEN_NEXT else f"{m.group(1)} -"
        return None

    def _opens_sentence(self, token: str) -> bool:
        """A capitalised common word that no name, conjunction or relative-pronoun reading explains
        inside a sentence (``Наша``, ``Годы``, ``По``), no word the period capitalises (``Правительство``)
        and no adjective but a pronoun's: a comma before it on the same line is a misread stop."""
        core = token.rstrip(".,:;")
        if not (PLAIN_WORD.fullmatch(core) and core[:1].isupper() and core[1:].islower() and len(core) > 1):
            return False
        word = core.lower()
        if word in self.lexicon.domain or word not in self.lexicon.counts or core in POLITE_FORMS:
            return False  # (Может быть, Вы обратитесь: the polite pronoun's capital is the writer's)
        parses = self.lexicon.morph.parse(word)[:2]
        if not parses or parses[0].tag.POS == "ADJF" and "Apro" not in parses[0].tag:
            return False  # соглашения, Австрийское правительство: an adjective oftener a name's
        return parses[0].tag.POS != "CONJ" and not any(
            NO_SENTENCE_OPENING & p.tag.grammemes or p.normal_form in CAPITALISED_LEMMAS for p in parses
        )

    def _listed_name_opens(self, token: str, line_tokens: list[tuple[int, int, str]], ti: int) -> bool:
        """Whether ``token`` (at ``ti``) and the word after it are a listed phrase (``Нам Ир``), or
        the word after it is a listed person's name written as one (``Нем Ир``, OCR's ``Нам``): a
        name whose first word is also a common one, not a sentence's first word."""
        if ti + 1 >= len(line_tokens):
            return False
        after = _core(line_tokens[ti + 1][2])[1]
        phrase = _core(token)[1].lower() + " " + after.lower()
        lex = self.lexicon
        return phrase in lex.domain or _name_shaped(after) and lex.domain_kind.get(after.lower()) == "person"

    def _misread_unit(self, token: str, number: str) -> str | None:
        """``30 хм`` -> ``30 км``: after a number, a short token one listed confusion from exactly one
        unit the lexicon lists without a stop (км, мм), its punctuation kept."""
        _lead, core, trail = _core(token)
        if not (2 <= len(core) <= 3 and core.isalpha() and core.islower()) or core in self._units:
            return None
        found = self._one_confusion_away(core, self._units.__contains__)
        return found.pop() + trail if len(found) == 1 and not _lead else None

    @staticmethod
    def _sentence_end_word(core: str, lead: str) -> bool:
        """Whether a short non-word before a dot is a word ending its sentence, not an
        abbreviation: it ends in a vowel, as a word cut short to an abbreviation does not
        (``быйо.``, ``икня.``; ``тов.``, ``расш.``), in small letters or with a capital only."""
        return core[-1:] in VOWELS and core[1:].islower() and "." not in lead

    def _count_word_misread(self, token: str, number: str, following: str) -> str | None:
        """``30 мин. рублей`` -> ``млн.``, ``14 ты, тонн`` -> ``тыс.``: between a count and what
        thousands or millions count (``_thousands_counted``), a short token no unit that is two
        edits or fewer from one of ``тыс.``, ``млн.``, ``млрд.`` and nearer to it than to the
        others is that word misread, its stop restored."""
        lead, core, trail = _core(token)
        low = core.lower()
        if lead or not (2 <= len(low) <= 4 and low.isalpha()) or low in self._units or trail not in COUNT_WORD_MARKS:
            return None
        if low in COUNT_WORDS and (trail == "." or not trail and low != "тыс"):
            return None  # read right: 5 млн. т, and 5 млн т as prose writes it now (but тыс. has its stop)
        near = sorted((Levenshtein.distance(low, word), word) for word in COUNT_WORDS)
        if near[0][0] > 2 or near[0][0] == near[1][0] or not self._thousands_counted(number, following):
            return None
        return near[0][1] + "."

    def _thousands_counted(self, number: str, following: str) -> bool:
        """Whether a count's word between ``number`` and ``following`` counts in thousands or
        millions: after a count (12, 38,5), before what they count and minutes never do, a
        currency or a mass (рублей, шиллингов, т, руб.) or any noun only in the genitive plural."""
        if not (PLAIN_NUMBER.match(number) or DECIMAL_NUMBER.match(number)):
            return False
        word = _core(following)[1].lower()
        if word in COUNTED_BY_MILLIONS:
            return True
        tags = self._tags(word) if PLAIN_WORD.fullmatch(word) and self._dictionary_word(word) else ()
        return bool(tags) and all(tag.POS == "NOUN" and tag.case == "gent" and tag.number == "plur" for tag in tags)

    def _misread_month(self, token: str, number: str) -> str | None:
        """``23 икня.`` -> ``23 июня.``: after a day's number, a token that is no word and one
        letter from exactly one month's genitive (added, lost or read as any other) is that
        month, its punctuation kept. A date's layout says what the word must be."""
        lead, core, trail = _core(token)
        if lead or not (4 <= len(core) <= 9 and core.isalpha() and core.islower()) or not 0 < int(number) <= 31:
            return None
        if self.lexicon.is_word(core):
            return None
        found = [m for m in MONTH_GENITIVES if Levenshtein.distance(core, m, score_cutoff=1) <= 1]
        return found[0] + trail if len(found) == 1 else None

    def _seldom_ends_sentence(self, token: str) -> bool:
        """A word before a stop whose likeliest reading is a full adjective or an infinitive."""
        if token[-1:] != ".":
            return False
        core = LEAD.sub("", token[:-1])
        if not PLAIN_WORD.fullmatch(core):
            return False
        word = core.lower()
        if not self.lexicon.is_word(word):
            return False
        tags = self._tags(word)  # asked only at a line's end before a small letter
        return tags[0].POS in SELDOM_BEFORE_STOP and not any("Abbr" in t for t in tags)

    def _strip_stray_punctuation(self, token: str, next_lower: bool) -> str:
        """Drop dots and colons that Russian orthography cannot have where they stand."""
        if DIGIT.search(token):
            if token[:1] in ".,:;" and token[1:2].isdigit():
                token = token[1:]  # № .3317: no mark opens a number (Russian writes 0,5, not ,5)
            date = DATE_THIS_YEAR.match(token)
            if date is not None and date.group(2) != ".":
                return date.group(1) + "." + date.group(3)  # the abbreviation с.г. always has its stop
            return token
        if NUMBER_SIGN_PUNCT.match(token):
            return "№"  # the number sign is never followed by a stop or a colon
        token = STRAY_APOSTROPHE.sub("", token)  # Russian has no apostrophes: a speck beside a letter
        lead = STRAY_LEAD.match(token)
        if lead:
            token = token[lead.end() :]
        if DOUBLE_STOP.search(token):
            core = LEAD.sub("", token[:-2])
            if token.endswith(".,") and (self._abbreviation(core.lower()) or self._short_abbreviation(core)):
                return token  # an abbreviation's stop, then a comma: 1951 г., 300 шт., и т.д., 4 нед.,
            return token[:-2] + ","  # "что,." / "Кэсона.,": one mark is a speck, and a stop never follows a comma
        if DOUBLE_COLON.search(token):
            return token[:-2] + ":"
        trail = STRAY_TRAIL.search(token)
        if trail:
            head = LEAD.sub("", token[: trail.start()])
            word = head.lower()
            if trail.group() == "..":
                return token[:-1]
            # pymorphy3's tag() is the costly part: ask it only when one of the rules could apply.
            # A one-letter word before a stop is mostly an abbreviation (в. for век, г., с.);
            # the conjunctions и, а are not (unless an initial follows: и. о.), and no
            # one-letter word takes a colon.
            one_letter = len(word) == 1 and (trail.group() == ":" or (word in "иа" and next_lower))
            after_function_word = (len(word) >= 2 or one_letter) and head.islower()
            # A stop inside a sentence: after a listed word of four letters or more, or a pronoun
            # (он., нас.); shorter words are often abbreviations (гр., ул.) that pymorphy3 may not flag.
            # A colon after a determiner, which wants its noun next (Вашу: телеграмму).
            inside_sentence = (
                next_lower
                and word in self.lexicon.counts
                and self._dictionary_word(word)
                and (
                    trail.group() == "."
                    and (len(word) >= 4 or len(word) >= 2 and self._pronoun(word))
                    or trail.group() == ":"
                    and self._determiner(word)
                )
            )
            if (
                (after_function_word or inside_sentence)
                and WORD_CORE.match(head)
                and not head.endswith("-")
                and word not in self.lexicon.domain
                and word + "." not in self.lexicon.domain  # a listed abbreviation's stop (спец. корр.)
            ):
                pos = self._pos(word)
                if (
                    pos is not None
                    and pos[0] in NEVER_BEFORE_STOP
                    and after_function_word
                    and (next_lower or not self._may_end_sentence(word))
                    and not (trail.group() == ":" and self._verb_reading(word))  # это значит: над
                    and not (trail.group() == ":" and word in COLON_INTRODUCERS)  # всегда так: сначала
                ):
                    return token[: trail.start()]
                if inside_sentence and pos is not None and not pos[1]:
                    return token[: trail.start()]
        return token

    def _verb_reading(self, word: str) -> bool:
        """Whether any of a word's readings is a verb in the indicative (значит, a conjunction most
        often, is also the verb that may announce what follows with a colon; при is no such verb,
        only an imperative)."""
        return any(t.POS == "VERB" and t.mood == "indc" for t in self._tags(word))

    def _dictionary_word(self, word: str) -> bool:
        """Whether OpenCorpora has ``word``: the frequency list also counts abbreviations cut
        from longer words (техн., корр.), whose stop is no speck (memoised: several rules ask)."""
        hit = self._dictionary_cache.get(word)
        if hit is None:
            hit = self._dictionary_cache[word] = bool(self.lexicon.morph.word_is_known(word))
        return hit

    def _abbreviation(self, word: str) -> bool:
        """Whether ``word`` (lower case, its stop cut) is an abbreviation: dotted itself (т.д),
        listed with its stop (г.), or read as one by pymorphy3 (шт, руб)."""
        if "." in word or word + "." in self.lexicon.domain:
            return True
        pos = self._pos(word)
        return pos is not None and pos[1]

    def _may_end_sentence(self, word: str) -> bool:
        """Whether a conjunction or preposition has another reading that may end a sentence
        (так, как, чем, верно: adverbs, pronouns, short adjectives), or is a parenthetical word
        (конечно, впрочем), so a stop after it, before no small letter (так. как is a speck), is
        no speck; и, а, в, что have none (memoised)."""
        hit = self._ends_sentence_cache.get(word)
        if hit is None:
            hit = self._ends_sentence_cache[word] = any(
                p.score >= 0.1 and (p.tag.POS not in NO_SENTENCE_END_POS or "Prnt" in p.tag)
                for p in self.lexicon.morph.parse(word)
            )
        return hit

    def _split_abbreviation(self, core: str) -> str | None:
        """``итов.`` -> ``и тов.``, ``имени-тов.`` -> ``имени тов.``: a listed abbreviation run into
        the word before it, the blank lost or read as a hyphen (the dot follows ``core``)."""
        m = ABBREVIATION_RUN_IN.match(core)
        if m is None:
            return None
        first, hyphen, second = m.groups()
        if second + "." not in self.lexicon.domain or core.lower() + "." in self.lexicon.domain:
            return None
        if not (hyphen and self.lexicon.is_word(first.lower()) or first.lower() in ONE_LETTER_WORDS):
            return None
        if hyphen and _name_shaped(first) and second.islower():
            return None  # Чэнь Шао-мин.: a Chinese given name's syllables, not a run-in мин.
        return f"{first} {second}"

    def _misread_initialism(self, word: str) -> str | None:
        """``МИЦ`` -> ``МИД``, ``КИДР`` -> ``КНДР``: a word in capitals of three to five letters that
        no common word is, one letter from exactly one listed organisation's initialism of its
        length, is that initialism misread (written as listed)."""
        if not word.isalpha() or self.lexicon.log_prob(word) > INITIALISM_WORD_LOG_PROB:
            return None  # ТОМ, МИР: words, which a header in capitals writes so
        if any("Abbr" in tag for tag in self._tags(word)):
            return None  # АССР, УССР, ПТУ, ТЧК: initialisms OpenCorpora has, of bodies the lexicon lacks
        found = [o for o in self._initialisms.get(len(word), ()) if _one_substitution(word, o)]
        return self.lexicon.domain[found[0]] if len(found) == 1 else None

    def _fix_abbreviation(self, core: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``тп.`` -> ``Отп.``, ``Эз.`` -> ``Экз.``: a rare dotted token one edit from one listed abbreviation.

        Common short words before a dot (им., гр., ул.) are never touched, and the abbreviation
        must be at least as long as what was read (OCR loses letters more often than it adds them).
        """
        low = core.lower()
        if self.lexicon.log_prob(low) >= self.settings.abbreviation_max_log_prob:
            return None
        near = self._abbreviation_near(core, shortest=len(low))
        if near is None:
            return None
        return near[1], "abbreviation", 0.0, [{"word": near[0] + "."}, {"word": low + ".", "keep": True}]

    def _abbreviation_near(self, core: str, shortest: int) -> tuple[str, str] | None:
        """The one listed abbreviation (at least ``shortest`` letters) one edit from ``core``:
        (its lower-case form, ``core`` rewritten as it in ``core``'s case), or None if none or several."""
        low = core.lower()
        found = [
            a for a in self._abbreviations if len(a) >= shortest and Levenshtein.distance(low, a, score_cutoff=1) == 1
        ]
        if len(found) != 1:
            return None
        written = self.lexicon.domain.get(found[0] + ".")
        return found[0], apply_case(core, found[0], written[:-1] if written else None)

    def _dot_for_blank(self, core: str) -> str | None:
        """``с.командующим``, ``Местом.встречи``: a blank read as a dot between two words.

        The second word is in lower case (a stop before it would end a sentence), both are
        words, and the pair is no abbreviation (``т.е``, ``с.г``): one part has three letters.
        """
        m = DOT_BETWEEN_WORDS.match(core)
        if m is None:
            return None
        first, second = m.group(1), m.group(2)
        lex = self.lexicon
        if max(len(first), len(second)) < 3 or (core + ".").lower() in lex.domain:
            return None
        if not (lex.is_word(first.lower()) and lex.is_word(second)):
            return None
        return f"{first} {second}"

    def _sentence_case(
        self,
        token: str,
        previous: str,
        neighbours: tuple[str | None, str | None],
        opens_text: bool = False,
        beyond: str | None = None,
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """The case the sentence asks of a word whose first letter OCR reads as capital or small.

        ``Должны`` after ``мы`` on the same line is ``должны``; ``выступление`` after ``Цзе-дун!``
        is ``Выступление``. Only letters the confusion table has seen read in the wrong case
        (в/В, н/Н, с/С ...). A capital inside a sentence goes only from verbs, adverbs, particles
        and the like: nouns and adjectives keep theirs (Великой Отечественной, Днем рождения),
        and so do pronouns and conjunctions, which open sentences whose stop OCR lost (Мы, Как).
        A sentence start is taken only after ``!`` or ``?``: a speck read as a full stop is
        common, a misread exclamation mark not; after a stop only for a word that opens
        sentences alone (``дорог.`` / ``кроме того`` -> ``Кроме того``) or for the subject after a noun
        (``треть.`` / ``он`` -> ``Он``, ``мостов.`` / ``считаю`` -> ``Считаю``,
        ``_subject_after_noun``); and at ``opens_text``,
        the first word after a header line (``Товарищу ФИЛИППОВУ`` / ``сообщаю`` -> ``Сообщаю``).
        """
        # Most tokens fail the cheap tests on the first letter and the neighbours.
        first = token[:1]
        if first.isupper() and self._clause_word_after_comma(token, *neighbours):
            # Any letter: the grammar says which case, whatever the confusion table has seen.
            return first.lower() + token[1:], "case", 0.0, []
        if first.lower() not in self._case_confusable:
            return None
        if first.isupper():
            before, after = neighbours
            if before is not None and self._verb_after_name(token, before):
                return first.lower() + token[1:], "case", 0.0, []
            if before is None or not (MID_SENTENCE_BEFORE.match(before) or before in POLITE_FORMS):
                return None
            # Between two lower-case words of one line (or a word and a number: составили Около 3
            # тыс., but not a header's field: пекина Получена 14 ч.): surely inside a sentence.
            # After a preposition a noun is inside one whatever follows (в Районе Аньдуна).
            field = _core(token)[1].lower() in FROM_FIELD_WORDS
            between = after is not None and bool(LOWER_START.match(after) or after[:1].isdigit() and not field)
            # After a conjunction, whatever follows, a word no name has (и Через Манпхо): no
            # sentence ends on a conjunction. (A noun may be a name's: и Чон Чжун Тхек.)
            after_conjunction = before in COORDINATION and not field
            possessed = before in POLITE_POSSESSIVES  # Ваше Мнение: the noun the pronoun goes with
            if not (between or after_conjunction or possessed or self._preposition(before)):
                return None
            _lead, core, trail = _core(token)
            if not PLAIN_WORD.fullmatch(core) or len(core) > 1 and not core[1:].islower():
                return None
            if len(core) == 1 and trail:
                return None  # В. И. Ленин: an initial
            word = core.lower()
            if possessed:
                if self._common_noun(word) is None:
                    return None  # Ваше Превосходительство: a title the period capitalises
            elif not (
                (between or after_conjunction)
                and self._never_capital(word)
                or (between or self._preposition(before))
                and self._common_capital(word, before, after, beyond)
            ):
                return None
            if self._person(before) and not (between and self._likeliest_pos(word) in PREDICATE_POS):
                return None  # сержант Сомов: a person's name after the person; солдата Сокращена is none
            return word + trail, "case", 0.0, []
        if (
            SENTENCE_BEFORE.match(previous)
            or opens_text
            or "." in previous[-3:]  # the cheap test first: most words follow no stop
            and STOP_BEFORE.match(previous)
            and (
                _opener(token, neighbours[1])
                or self._subject_after_noun(previous, token)
                or self._subject_phrase_after_noun(previous, token, neighbours[1])
            )
        ):
            _lead, core, trail = _core(token)
            if len(core) < 2 or not PLAIN_WORD.fullmatch(core) or not core.islower():
                return None
            if opens_text and trail[:1] == "." and (neighbours[1] or "").isupper():
                return None  # an address (тов. ЛАРИОНОВУ), not a sentence
            if not (opens_text or self._word_read_before_stop(previous)):
                return None
            if not self.lexicon.is_word(core):
                return None
            return core[0].upper() + core[1:] + trail, "case", 0.0, []
        return None

    def _verb_after_name(self, token: str, before: str) -> bool:
        """``Чжоу Энь-лай Заявил, что``: a verb capitalised right after a listed name, its subject,
        is inside the sentence (one that opens after a name whose stop OCR lost is far rarer)."""
        lead, core, _trail = _core(token)
        if lead or not PLAIN_WORD.fullmatch(core) or not core[1:].islower() or len(core) < MIN_VERB_LENGTH:
            return False
        name = _core(before)[1]
        if before != name or not _name_shaped(name) or self.lexicon.domain_kind.get(name.lower()) not in NAME_KINDS:
            return False
        word = core.lower()
        return self._likeliest_pos(word) == "VERB" and self._never_capital(word)

    def _word_read_before_stop(self, previous: str) -> bool:
        """Whether the token before a stop was read right: a word, each part of a hyphened one
        (специалистов-мостовиков), a lexicon entry, or a capitalised name (района Кансона.); not a
        scrap, whose stop may be a speck as well as its letters."""
        before = _word_before_stop(previous)
        lex = self.lexicon
        if lex.is_word(before) or before in lex.domain:
            return True
        if "-" in before:
            return all(lex.is_word(part) for part in before.split("-"))
        word = previous.rstrip('"»)')
        return word[-1:] == "." and _name_shaped(word[:-1])

    def _clause_word_after_comma(self, token: str, before: str | None, after: str | None) -> bool:
        """``сообщил, Что в``: a conjunction or relative word capitalised after a small word and
        its comma, and before a small word, opens a clause, not a sentence (memoised by word)."""
        if before is None or before[-1:] != "," or after is None or not MID_SENTENCE_BEFORE.match(before[:-1]):
            return False
        if not LOWER_START.match(after) or not PLAIN_WORD.fullmatch(token) or not token[1:].islower():
            return False
        word = token.lower()
        hit = self._clause_word_cache.get(word)
        if hit is None:
            parses = self.lexicon.morph.parse(word)
            top = parses[0].tag if parses else None
            hit = self._clause_word_cache[word] = top is not None and (
                top.POS == "CONJ" or "Ques" in top or parses[0].normal_form == "который"
            )
        return hit

    def _capitals_word(self, token: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``СЕРИЯ "Г" т`` -> ``СЕРИЯ "Г" Т``: the one small word of a line of capitals (headers
        write every word so, except abbreviations), when each of its letters is one OCR reads
        in the wrong case."""
        _lead, core, _trail = _core(token)
        if not core.isalpha() or not core.islower() or not set(core) <= self._case_confusable:
            return None
        if core + "." in self.lexicon.domain:
            return None  # an abbreviation keeps its small letters (ПЕКИН, тов. МАО)
        return token.replace(core, core.upper(), 1), "case", 0.0, []

    def _never_capital(self, word: str) -> bool:
        """A listed word that no name capitalises inside a sentence: its likeliest reading a verb,
        adverb, particle or preposition, or a month or weekday, and no reading a name or an
        abbreviation (memoised)."""
        hit = self._never_capital_cache.get(word)
        if hit is None:
            lex = self.lexicon
            written = lex.domain.get(word)
            hit = word in lex.counts and (written is None or written.islower())
            if hit:
                parses = lex.morph.parse(word)
                hit = (
                    bool(parses)
                    and (parses[0].tag.POS in NEVER_CAPITAL_POS or parses[0].normal_form in CALENDAR_NOUNS)
                    and not any(
                        p.score >= 0.05
                        and (NAME_TAGS & p.tag.grammemes or "Abbr" in p.tag.grammemes)
                        or p.normal_form in POLITE_PRONOUNS
                        for p in parses
                    )
                )
            self._never_capital_cache[word] = hit
        return hit

    def _counted_capital(self, token: str, before_number: str, following: str | None) -> bool:
        """``выделить 7 Тысяч рабочих``: a common noun capitalised right after a bare number, which
        follows a small word and is followed by one, is the number's counted word in a misread case."""
        return bool(MID_SENTENCE_BEFORE.match(before_number)) and self._capitalised_count(token, following)

    def _capitalised_count(self, token: str, following: str | None) -> bool:
        """Whether ``token``, standing where a count's word does (after a number or ``тыс.``), is a
        common noun capitalised by a misread case: a small word follows it."""
        if not _capitalised_word(token):
            return False
        if following is None or not LOWER_START.match(following):
            return False
        word = _core(token)[1].lower()
        if not any(_case(t) == "gent" for t in self._noun_tags(word)):
            return False  # 28 тыс. Работа была: no count's genitive, a sentence the stop ended
        return self._common_noun(token.lower()) is not None

    def _common_capital(self, word: str, before: str, after: str | None, beyond: str | None = None) -> bool:
        """``на Фронте и``, ``что Строительство аэродрома``: a common noun capitalised between two
        small words of a line by a misread case (a monospace font's П, У, С are its п, у, с grown).

        Kept: a name or a word the period capitalises (Родины, Правительства, Дворец культуры),
        an institution's name before an initialism (Прокуратуру СССР), and a nominative after a
        noun or adjective, which
        may open a sentence whose stop OCR lost (медикаментов Переговоры в Кэсоне,
        военнопленными Проект)."""
        nominative = self._common_noun(word)
        if nominative is None or before not in self.lexicon.counts:
            return False  # Социалисти- / ческого Труда: no word before to read the phrase by
        if self._institution_head(before):
            return False  # совет Министров: an institution's name, whose first capital OCR lost
        following = _core(after)[1].lower() if after is not None else None
        if following in COORDINATION and beyond is not None and _name_shaped(_core(beyond)[1]):
            return False  # через Отпор и Гродеково: the first of two names a conjunction joins
        if following is not None and LOWER_START.match(after or ""):
            if following not in self.lexicon.counts or len(following) < 3 and self._likeliest_pos(following) == "NOUN":
                return False  # Коммунистической партин, Всесоюзного п: a misread word or a scrap
        elif following is not None and self._dictionary_word(following) and not self._maybe_name(following):
            return False  # в День Победы: a capitalised common word after it, the two a name
        elif following is not None and len(following) > 1 and _core(after or "")[1].isupper():
            return False  # в Прокуратуру СССР: an initialism after it, the two an institution's name
        return not nominative or self._likeliest_pos(before) in NOMINATIVE_AFTER_POS or self._agrees_with(before, word)

    def _institution_head(self, word: str) -> bool:
        """Whether a listed word is a form of a noun that heads an institution's name (Совет
        Министров, Комитет Обороны), the word after it capitalised as part of that name."""
        return any(p.normal_form in INSTITUTION_HEADS for p in self.lexicon.morph.parse(word))

    def _agrees_with(self, adjective: str, noun: str, case: str | None = None) -> bool:
        """Whether ``adjective`` (likeliest an adjective) agrees with ``noun`` in some reading (in
        ``case``, if given): the two are one phrase (пропускная Способность), so no sentence opens
        between them."""
        if self._likeliest_pos(adjective) != "ADJF":
            return False
        nouns = [t for t in self._noun_tags(noun) if case is None or t.case == case]
        return any(
            _agree(x, y) for x in self._adjective_tags(adjective) if case is None or x.case == case for y in nouns
        )

    def _likeliest_pos(self, word: str) -> str | None:
        """pymorphy3's likeliest part of speech of a lower-case word (memoised)."""
        return self._tags(word)[0].POS  # type: ignore[no-any-return]

    def _preposition(self, word: str) -> bool:
        """A listed word whose likeliest reading is a preposition (build-time table)."""
        pos = self.lexicon.listed_pos(word)
        return pos is not None and pos[0] == "PREP"

    def _person(self, word: str) -> bool:
        """Whether pymorphy3's likeliest reading of a lower-case word is an animate noun."""
        tag = self._tags(word)[0]
        return tag.POS == "NOUN" and "anim" in tag

    def _common_noun(self, word: str) -> bool | None:
        """Whether a listed noun of OpenCorpora (a name the frequency list alone knows, Наденька,
        is no common word) that no reading makes a name or an adjective, and that the period does
        not capitalise, has a nominative reading; None for any other word (memoised)."""
        hit = self._common_word_cache.get(word, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        result: bool | None = None
        lex = self.lexicon
        if word in lex.counts and word not in lex.domain and self._dictionary_word(word):
            parses = lex.morph.parse(word)
            if (
                parses
                and parses[0].tag.POS in COMMON_CAPITAL_POS
                and not any(
                    NAME_TAGS & p.tag.grammemes
                    or "Abbr" in p.tag.grammemes
                    or p.tag.POS in ("ADJF", "PRTF", "NUMR")
                    or p.normal_form in CAPITALISED_LEMMAS
                    or p.normal_form in POLITE_PRONOUNS
                    for p in parses
                    if p.score >= 0.05
                )
            ):
                result = any("nomn" in p.tag for p in parses)
        self._common_word_cache[word] = result
        return result

    def _name_case(self, core: str, word: str) -> str | None:
        """``сталину`` -> ``Сталину``, ``оон`` -> ``ООН``: a listed name read in the wrong case.

        Only names (people, places, organisations) that have no common-word reading: ``сын``
        and ``ли`` are words as well as parts of Korean names, and stay as they are.
        """
        if self.lexicon.domain_kind.get(word) not in NAME_KINDS or len(word) < 3:
            return None
        written = self.lexicon.domain[word]
        if written == core or written.lower() == written or not (core.islower() or _mixed_case(core)):
            return None
        if self.lexicon.morph.word_is_known(word) and any(
            not (NAME_TAGS & p.tag.grammemes) and "Abbr" not in p.tag.grammemes and p.score >= 0.1
            for p in self.lexicon.morph.parse(word)
        ):
            return None
        return self._written_name(core, word)

    @staticmethod
    def _two_edits(word: str, candidate: str) -> bool:
        return " " not in candidate and Levenshtein.distance(word, candidate, score_cutoff=2) >= 2

    def _two_confusions(self, word: str, candidate: str) -> bool:
        """Whether ``candidate`` is reached from ``word`` along listed confusions far cheaper than
        two plain substitutions (``CONFUSED_TWICE`` of them): no name's letters happen to be so."""
        return self.channel.cost(word, candidate) <= CONFUSED_TWICE * self.settings.substitution_cost

    def _maybe_name(self, word: str) -> bool:
        """True when any of pymorphy3's likeliest readings of ``word`` is a name, surname or place."""
        return any(NAME_TAGS & tag.grammemes for tag in self._tags(word)[:2])

    def _pronoun(self, word: str) -> bool:
        """A listed word whose likeliest reading is a pronoun (asked only of short words before a stop)."""
        return self._tags(word)[0].POS == "NPRO"

    def _determiner(self, word: str) -> bool:
        """A listed word whose likeliest reading is a pronoun-adjective (ваш, этот, свой): asked only
        of words before a colon."""
        return "Apro" in self._tags(word)[0]

    def _pos(self, word: str) -> tuple[str | None, bool] | None:
        """(likeliest part of speech, any reading is an abbreviation) from pymorphy3; None if unknown."""
        hit = self._pos_cache.get(word, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        result = self.lexicon.listed_pos(word)  # listed words were tagged when the index was built
        if result is None and self.lexicon.is_word(word):
            tags = self._tags(word)  # tag() is much cheaper than parse()
            result = (tags[0].POS, any("Abbr" in t for t in tags))
        self._pos_cache[word] = result
        return result

    def _correct_word(
        self, token: str, initial: bool, conf: float | None
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        lead = LEAD.match(token)
        i0 = lead.end() if lead else 0
        trail = TRAIL.search(token, i0)
        i1 = trail.start() if trail else len(token)
        core = token[i0:i1]
        if not core:
            return None
        result = self._correct_core(core, token, i0, i1, initial, conf)
        if result is None:
            return None
        return token[:i0] + result[0] + token[i1:], result[1], result[2], result[3]

    def _without_noise(self, token: str) -> str:
        """``token`` without noise characters (itself when it has none, or nothing else); memoised."""
        hit = self._noiseless_cache.get(token)
        if hit is None:
            hit = (self._strip_noise(token) or token) if self.settings.strip_noise else token
            self._noiseless_cache[token] = hit
        return hit

    def _strip_noise(self, token: str) -> str | None:
        """The token without characters no typewriter makes (`` ` ‚ | _ © ``), or None if it has none."""
        if DIGIT.search(token):
            noise = self._noise_in_number  # 15° is a degree sign
        else:
            noise = self._noise
        if noise is None or not noise.search(token):
            return None
        if FILL_LINE.match(token):
            return None  # Личная подпись: ________: a line typed to be filled in
        return noise.sub("", token)

    def _correct_core(
        self, core: str, token: str, i0: int, i1: int, initial: bool, conf: float | None
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        s = self.settings
        lex = self.lexicon
        if DIGIT.search(core):
            return self._fix_number(core) if s.fix_numbers else None
        has_latin = bool(LATIN.search(core))
        if has_latin:
            if not CYRILLIC.search(core) or not s.fix_mixed_script:
                return None  # Latin-script words are never touched
            mapped = core.translate(LATIN_TO_CYRILLIC)
            if not LATIN.search(mapped) and lex.is_word(mapped.lower()):
                return mapped, "mixed-script", 0.0, []
            return None
        if not WORD_CORE.match(core):
            if UNIT_RATIO.match(core):
                return None  # кг/га, км/ч, в/ч: a slash between short words is typed
            blank = self._dot_for_blank(core)
            if blank is not None:
                return blank, "punctuation", 0.0, []
            inner = INNER_PUNCT.match(core) or LETTER_SYMBOL.match(core)
            if not inner or sum(c.isalpha() or c == "@" for c in core) < s.min_length:
                return None
            # С:алину, АРМ/И, @пыт: a letter read as punctuation; it becomes a letter no word has,
            # so that every candidate pays a substitution for it.
            core = core[: inner.start(1)] + UNREAD_LETTER + core[inner.end(1) :]
        if i1 < len(token) and token[i1] == ".":
            split = self._split_abbreviation(core)
            if split is not None:
                return split, "spacing", 0.0, []
        if "." in token[i0:] and i1 < len(token) and token[i1] == "." and len(core) <= 4:
            # A short word followed by a dot is treated as an abbreviation (тов., расш., с.г.).
            if core.lower() in lex.domain or core.lower() + "." in lex.domain:
                return None
            abbreviation = self._fix_abbreviation(core)
            if abbreviation is not None:
                return abbreviation
            if not lex.is_word(core.lower()) and not self._sentence_end_word(core, token[:i0]):
                return None
        hyphen_end = core.endswith("-")
        word = core.lower().rstrip("-")
        if core.isupper() and INITIALISM_LENGTHS[0] <= len(core) <= INITIALISM_LENGTHS[1] and word not in lex.domain:
            initialism = self._misread_initialism(word)
            if initialism is not None:
                return initialism, "lexicon", 0.0, [{"word": initialism.lower()}, {"word": word, "keep": True}]
        if s.fix_case and not hyphen_end and core != core.upper():
            named = self._name_case(core, word)
            if named is not None:
                return named, "case", 0.0, []
        if len(word) < s.min_length:
            if word in lex.realword and not hyphen_end and not (i1 < len(token) and token[i1] == "."):
                return self._fix_real_word(core, word)  # еше -> еще: a short misreading the list has
            if s.fix_case and _mixed_case(core) and self._common_word(word) and word not in lex.domain:
                return apply_case(core[:1], word), "case", 0.0, []  # ПРи этом, нА: a common short word
            dotted = i1 < len(token) and token[i1] == "."
            # One letter standing bare is a word only if Russian has it alone (в, и, к, о, с, у, а,
            # я); with a mark it may be a list's label (з) сдать) or an initial.
            alone = len(word) == 1 and word not in ONE_LETTER_WORDS and token == core and core.islower()
            plain = not (dotted or hyphen_end or _mixed_case(core)) and (len(word) >= 2 or alone)
            # Small letters, or capitalised (Пс): not capitals, which may be an initialism (ЖА).
            small = core.islower() or core[1:].islower()
            short = self._short_function_word(word, small, core.islower()) if plain else None
            if short is None:
                return None
            return apply_case(core, short), "short-word", 0.0, [{"word": short}, {"word": word, "keep": True}]
        if (
            s.fix_case
            and _mixed_case(core)
            and "-" not in word  # compound names keep their capitals: Ростов-на-Дону
            and (word in lex.counts or word in lex.domain or lex.is_word(word))
        ):
            pattern = core if _mostly_capitals(core) else core[:1]
            fixed = apply_case(pattern, word, lex.domain.get(word)) + ("-" if hyphen_end else "")
            return (fixed, "case", 0.0, []) if fixed != core else None
        if word in lex.counts or word in lex.domain:
            return self._fix_real_word(core, word)
        if lex.is_word(word):
            # (A word with ё is as written: the frequency list spells it with е, вёдро is no ведро.)
            plain = core.islower() and not hyphen_end and "ё" not in word
            return self._fix_unlisted_word(core, word) if plain else None
        if hyphen_end:
            return None  # a line-end fragment; hyphenation joining handles it
        letters = [c for c in core if c.isalpha()]
        capitalised = letters[0].isupper()
        all_caps = len(letters) > 1 and all(c.isupper() for c in letters)
        # A capitalised unknown word inside a sentence may be a name we do not know: it moves only
        # towards the lexicon, unless pymorphy3's guesser reads it as no kind of name at all
        # (Отпразлена, Азериканских), when the usual candidates compete under a stricter margin.
        inside_sentence = capitalised and not (initial or all_caps)
        extra = s.capital_margin if capitalised else 0.0
        keep = s.unknown_log_prior - s.long_word_keep_drop * max(0, len(word) - s.long_word_length)
        if conf is not None and conf >= 0:
            keep += s.confidence_weight * (conf / 100.0 - 0.5)
        # Capitalised unknown words are often names we do not know: keeping one is likelier, except
        # against a listed name, which is what a misread name of the genre should turn into.
        name_bonus = s.capital_keep_bonus if capitalised else 0.0
        keep += name_bonus
        floor = keep - name_bonus + s.margin - s.ambiguity
        scored = self._score_candidates(word, False, floor)
        best = self._confident_best(scored, keep, extra, name_bonus)
        if (best is None or self._two_edits(word, best[0])) and len(word) >= s.min_length_unlisted:
            # Asked only of a word no listed candidate fixes, or fixes only two edits away
            # (низменности -> жизненности, one letter from an unlisted form): OpenCorpora's walk
            # is not free.
            scored = self._score_candidates(word, False, floor, unlisted=True)
            best = self._confident_best(scored, keep, extra, name_bonus)
        if best is None and not inside_sentence:
            # At a sentence's start or in capitals a capital is no sign of a name: the bonus goes
            # (the name guard below still asks pymorphy3 about a word that would change).
            best = self._sole_candidate(word, scored, keep - name_bonus)
        if best is None and len(word) > s.long_word_length and s.noisy_long_word_keep_drop > s.long_word_keep_drop:
            # A long word is asked to clear a noisy page's lower keep too: any other page (clean,
            # or too short to tell) vetoes that change in the page loop, as this result serves
            # every page.
            noisy_keep = self._noisy_keep(word, keep)
            noisy_scored = self._score_candidates(
                word, False, noisy_keep - name_bonus + s.margin - s.ambiguity, len(word) >= s.min_length_unlisted
            )
            best = self._confident_best(noisy_scored, noisy_keep, extra, name_bonus)
            if best is not None:
                scored, keep = noisy_scored, noisy_keep
                self._last_long_guess = True
        if (
            best is None
            and len(word) == s.min_length_distance2 - 1
            and PLAIN_WORD.fullmatch(word)
            and not any(" " not in t[0] for t in scored)
        ):
            # охопо -> около: a word of five letters two listed confusions from a listed word, and
            # none one edit from it, which the search at one edit cannot reach; a noisy page's
            # guess only, as for a long word. (A word of four is two confusions from too many.)
            paired = [
                t
                for t in self._scored(word, self._two_confusions_away(word), keep + s.margin - s.ambiguity)
                if t[2] != "lexicon"
            ]
            best = self._confident_best(paired, keep + SECOND_CONFUSION_MARGIN, extra, name_bonus)
            if best is not None:
                scored = paired
                self._last_long_guess = True
        if best is None and s.min_length_distant and len(word) >= s.min_length_distant:
            distant = self._distant_best(word, keep, extra, name_bonus)
            if distant is not None:
                best, scored, keep = distant
                self._last_long_guess = True
        name_risk = (
            best is not None
            and best[2] != "lexicon"
            and (
                inside_sentence
                or self._two_edits(word, best[0])
                and self._name_within_two_edits(word, best[0], core[1:].islower())
            )
        )
        if (
            name_risk
            and not inside_sentence
            and core.islower()
            and not SURNAME_ENDING.search(word)
            and self._maybe_name(word)
        ):
            # сдяако -> однако: a word in small letters two edits from a common one, which the
            # guesser would also take for a name, changes only on a noisy page, which misreads far
            # more words than it holds small-letter names; any other page vetoes it in the page
            # loop, as for a long word (this result serves every page). A word with a Russian
            # surname's ending keeps the guard on every page: a transcription writes surnames small
            # (начальник отделения ваморов, on the archive's noisy transcription of 21336).
            self._last_long_guess = True
        elif name_risk and self._maybe_name(word):
            # Asked only now, for a word that would change: pymorphy3's guesser is slow. A
            # lower-case word two edits from its best candidate is asked too: transcriptions
            # lower-case names (ваморов), and two edits can reach a common word from most names,
            # unless both are confusions OCR makes often (артипперией: л read п twice).
            scored = [t for t in scored if t[2] == "lexicon"]
            best = self._confident_best(scored, keep, extra, name_bonus)
        if best is None and "-" in word:
            best_part = self._mended_compound(core, initial, conf)
            if best_part is not None:
                return best_part
        if best is None:
            if not inside_sentence:
                self._last_tie = self._tie_options(core, scored, keep, extra, name_bonus)
            return None
        if (
            (
                best[2] == "lexicon"
                and lex.domain_kind.get(best[0]) in PERSON_OR_PLACE
                or inside_sentence
                and (self._names(best[0]) or len(best[0]) != len(word))
                or self._two_edits(word, best[0])
                and self._names(best[0])
            )
            and _name_shaped(core)
            and " " not in best[0]
            and self.channel.cost(word, best[0]) >= s.substitution_cost
        ):
            # A plain substitution or more from a name -- a listed one or, for a word capitalised
            # inside a sentence, any (Дайрен, Даррен), or any word a letter longer or shorter
            # (Улан-Удэ - Наушки -> Науки, в Праге Кладно -> Ладно; OCR far oftener substitutes a
            # letter than adds or loses one), or for any name-shaped word a name two edits away
            # (a sentence's first «Самотлор», an oil field, is no Самойлов): a name the lexicon
            # lacks is as likely. A clean page vetoes the change in the page loop, as this result
            # serves every page.
            self._last_name_guess = True
            if self._soft_sign_variant(word, best[0]):
                return None  # Кангье: a transliteration of Канге the lexicon lacks, not Канге misread
        if core.islower() and self._other_inflection(word, best[0]):
            self._last_name_guess = True
        best_word, best_score, best_reason = best
        listed = [{"word": w, "score": round(sc, 3)} for w, sc, _ in scored[:5]]
        listed.append({"word": word, "score": round(keep, 3), "keep": True})
        return self._written(core, best_word), best_reason, best_score - keep, listed

    def _distant_best(
        self, word: str, keep: float, extra: float, name_bonus: float
    ) -> tuple[tuple[str, float, str], list[tuple[str, float, str]], float] | None:
        """(best, scored candidates, keep) for a long word no candidate within two edits fixes,
        from the listed words within three (``Lexicon.far_candidates_by_prob``), against a noisy
        page's keep: a heavy scan misreads a long word in three places (``прозивовоздукиой`` ->
        ``противовоздушной``), and so long a string three edits from a listed word and no other
        is seldom a word of its own. The caller marks it a long guess: only a noisy page takes
        it. A word that is no lexicon entry is recorded as ``spelling-distant``."""
        s = self.settings
        if s.noisy_long_word_keep_drop <= s.long_word_keep_drop:
            return None
        noisy_keep = self._noisy_keep(word, keep)
        found = self.lexicon.far_candidates_by_prob(word)
        scored = [
            (cand, score, "spelling-distant" if reason == "spelling" else reason)
            for cand, score, reason in self._scored(word, found, noisy_keep - name_bonus + s.margin - s.ambiguity)
        ]
        scored.sort(key=lambda t: -t[1])
        best = self._confident_best(scored, noisy_keep, extra, name_bonus)
        return None if best is None else (best, scored, noisy_keep)

    def _two_confusions_away(self, word: str) -> list[tuple[float, str, int]]:
        """The listed words two substitutions of the confusion table from ``word`` (log P, word,
        distance 2), likeliest first; memoised with the other candidate lists."""
        key = (word, -2, False)
        hit = self._candidate_cache.get(key)
        if hit is None:
            lex, meant_for = self.lexicon, self._meant_for
            found = {
                meant
                for i in range(len(word) - 1)
                for a in meant_for.get(word[i], ())
                for j in range(i + 1, len(word))
                for b in meant_for.get(word[j], ())
                if (meant := word[:i] + a + word[i + 1 : j] + b + word[j + 1 :]) in lex.counts
            }
            hit = sorted(((lex.log_prob(w), w, 2) for w in found), reverse=True)
            if len(self._candidate_cache) < 100_000:
                self._candidate_cache[key] = hit
        return hit

    def _noisy_keep(self, word: str, keep: float) -> float:
        """``keep`` lowered for a long word as a noisy page lowers it (``noisy_long_word_keep_drop``
        a letter beyond ``long_word_length``, instead of ``long_word_keep_drop``)."""
        s = self.settings
        return keep - (s.noisy_long_word_keep_drop - s.long_word_keep_drop) * (len(word) - s.long_word_length)

    def _name_within_two_edits(self, word: str, meant: str, small: bool) -> bool:
        """Whether a word two edits from ``meant`` may be a name (ваморов, not выборов): not if both
        edits are confusions OCR makes often (артипперией: л read п twice), nor if it is long and
        in small letters, a first capital aside (медиканеятов, постаяхи): two edits reach a common
        word from a name of five or six letters far more often than from one of eight or more,
        and a surname in capitals (a signature) may be of any length."""
        return not (small and len(word) >= NAME_GUARD_LENGTH) and not self._two_confusions(word, meant)

    def _soft_sign_variant(self, word: str, name: str) -> bool:
        """Whether ``name`` is ``word`` with a soft sign taken out, or the х that marks an
        aspirated consonant after к, п, т, ч before a vowel: transliterations of one name differ
        so (Кангье, Канге; Андун, Аньдун; Чхорвон, Чорвон), while OCR seldom adds either, so such
        a word is another spelling of the name, not a misreading of it."""
        if len(word) != len(name) + 1:
            return False
        return any(
            (word[i] in SOFT_SIGNS or word[i] == "х" and word[i - 1] in ASPIRATED and word[i + 1 : i + 2] in VOWELS)
            and word[:i] + word[i + 1 :] == name
            for i in range(1, len(word))
        )

    def _mended_compound(
        self, core: str, initial: bool, conf: float | None
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``инженер-попховник`` -> ``инженер-полковник``: a compound of two nouns (a rank: инженер-,
        генерал-) that no list holds whole, so that no candidate reaches it, its second part
        misread: that part is corrected as a word alone would be. The first part must be a noun in
        the nominative, as such a compound's head stays (инженер-полковника); a first part that is
        no word alone (самолето-вылетов, корейско-китайская) or a name's (Сяк-цяль) stays as read."""
        parts = core.split("-")
        if len(parts) != 2 or min(len(p) for p in parts) < 3:
            return None
        head, tail = parts
        if head.isalpha() and self.lexicon.is_word(tail.lower()) and not self.lexicon.is_word(head.lower()):
            return self._mended_head(head, tail, conf)
        if not head.isalpha() or self.lexicon.is_word(tail.lower()) or not self._nominative_noun(head.lower()):
            return None
        tie = self._last_tie  # the part's tie is no tie of the whole token
        fixed = self._correct_core(tail, tail, 0, len(tail), False, conf)
        self._last_tie = tie
        if fixed is None or fixed[1] != "spelling" or " " in fixed[0]:
            return None
        return head + "-" + fixed[0], fixed[1], fixed[2], fixed[3]

    def _mended_head(
        self, head: str, tail: str, conf: float | None
    ) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``петчиков-истребителей`` -> ``летчиков-истребителей``: a compound of two nouns whose
        first part is misread, corrected as a word alone would be, into a noun in the case and
        number of the second (such a compound inflects both). A first part ending in the linking
        vowel (самолето-вылетов, корейско-китайская) is no misreading and stays."""
        if head[-1:].lower() in LINKING_VOWELS or not tail.islower():
            return None
        tie = self._last_tie
        fixed = self._correct_core(head, head, 0, len(head), False, conf)
        self._last_tie = tie
        if fixed is None or fixed[1] != "spelling" or not fixed[0].isalpha():
            return None
        if not self._same_case_noun(fixed[0].lower(), tail.lower()):
            return None
        return fixed[0] + "-" + tail, fixed[1], fixed[2], fixed[3]

    def _same_case_noun(self, a: str, b: str) -> bool:
        """Whether nouns ``a`` and ``b`` share a reading in the same case and number."""
        readings = {(t.case, t.number) for t in self._noun_tags(b)}
        return any((t.case, t.number) in readings for t in self._noun_tags(a))

    def _nominative_noun(self, word: str) -> bool:
        """Whether a dictionary word's likeliest reading is a common noun in the nominative singular."""
        if word not in self.lexicon.counts or word in self.lexicon.domain or not self._dictionary_word(word):
            return False  # a name's part (Цзинь-) is none, whatever the guesser makes of it
        tag = self._tags(word)[0]
        return tag.POS == "NOUN" and tag.case == "nomn" and tag.number == "sing" and not NAME_TAGS & tag.grammemes

    def _written(self, core: str, meant: str) -> str:
        """``meant`` (lower case) written for ``core``: its case pattern, or the lexicon's form."""
        written = self.lexicon.domain.get(meant)
        replacement = " ".join(
            apply_case(core if i == 0 else core.lower(), part, written) for i, part in enumerate(meant.split(" "))
        )
        if self.settings.fix_case and " " not in meant:
            # мототову -> Молотову: a name the word turns into gets its capital, as a name read
            # right in small letters does (_name_case).
            replacement = self._name_case(replacement, meant) or replacement
        return replacement

    def _tie_options(
        self, core: str, scored: list[tuple[str, float, str]], keep: float, extra: float, name_bonus: float
    ) -> list[TieOption] | None:
        """The candidates that tie for best when at least one of them beats keeping the word by the
        margin (``_confident_best`` took none: they are different words); None without such a tie.

        Each is eligible to be taken if it beats keeping the word by itself, is long enough and is
        one word; the page may settle the tie (``_settle_tie``).
        """
        s = self.settings
        if not s.page_tie_min_length or len(scored) < 2:
            return None
        top = scored[0][1]
        options: list[TieOption] = []
        for cand, score, reason in scored:
            if top - score >= s.ambiguity:
                break  # best first
            listed = reason == "lexicon"
            need = keep - (name_bonus if listed else 0.0) + s.margin + (0.0 if listed else extra)
            beats = score >= need and " " not in cand
            eligible = beats and len(cand) >= s.page_tie_min_length
            options.append((cand, self._written(core, cand) if beats else "", score - keep, eligible, beats))
        return options if len(options) > 1 and any(o[4] for o in options) else None

    def _tie_by_dates(self, options: list[TieOption], tokens: list[list[tuple[int, int, str]]]) -> TieOption | None:
        """``15 июпя`` (июля, июня tie) on a page dated ``15.7.52``: the one tied month that a date
        of the page in digits names, if it beats keeping the token; None when none or several do."""
        months = {o: self._month_number(o[0]) for o in options if o[4]}
        if sum(m is not None for m in months.values()) < 2:
            return None  # a tie between months only: any other word stays for the other rules
        dated = {
            int(m.group(1)) for line in tokens for _s, _e, text in line if (m := NUMERIC_DATE.match(text)) is not None
        }
        named = [o for o, m in months.items() if m in dated]
        return named[0] if len(named) == 1 else None

    def _month_number(self, word: str) -> int | None:
        """The month (1-12) a word is a form of, by pymorphy3's likeliest reading, or None."""
        lemma = self.lexicon.morph.parse(word)[0].normal_form
        return MONTH_ORDER.index(lemma) + 1 if lemma in MONTHS else None

    def _tie_by_grammar(self, options: list[TieOption], before: str, after: str) -> TieOption | None:
        """``на рехе Ялуцзян`` (реже, реке tie): the one tied candidate the word before allows,
        in a case the preposition governs or agreeing with the adjective, if it beats keeping
        the token; None when none or several fit, or a mark stands between. ``after`` is the
        next word, when no mark stands between."""
        if not PLAIN_WORD.fullmatch(before):
            return None
        fits = self._context_fit(before.lower(), after.lower() if PLAIN_WORD.fullmatch(after) else "")
        if fits is None:
            return None
        # A name's reading does not count for a word written small (реже: the town of Реж).
        fitting = [o for o in options if any(fits(t) and not NAME_TAGS & t.grammemes for t in self._tags(o[0]))]
        return fitting[0] if len(fitting) == 1 and fitting[0][4] else None

    def _context_fit(self, before: str, after: str) -> Callable[[Any], bool] | None:
        """What the words around ask of a reading of the word between: a preposition before
        (GOVERNED_CASES) a noun or pronoun in one of the cases it governs, or an adjective that
        agrees with the noun ``after`` (из петной школы; по пробим. ускорить is no по прочим);
        an adjective before a noun or adjective agreeing with it; None for any other word."""
        cases = GOVERNED_CASES.get(before)
        if cases is not None:
            nouns = self._noun_tags(after) if after else []
            return lambda t: (
                _case(t) in cases
                and (t.POS in ("NOUN", "NPRO") or t.POS in ("ADJF", "PRTF") and any(_agree(t, n) for n in nouns))
            )
        if self._likeliest_pos(before) != "ADJF":
            return None
        adjectives = self._adjective_tags(before)
        if not adjectives:
            return None
        return lambda t: t.POS in ("NOUN", "ADJF", "PRTF") and any(_agree(a, t) for a in adjectives)

    def _settle_tie(self, options: list[TieOption], page_words: list[str]) -> TieOption | None:
        """The tied candidate another word of the page backs (a form of the same word: завода on
        a page with завод), if the backed candidates are all forms of one word and the likeliest
        of them is eligible; None otherwise."""
        backed = [o for o in options if " " not in o[0] and self._page_backs(o[0], page_words)]
        if not backed or not backed[0][3]:
            return None
        if len(backed) > 1 and not self._one_lemma(backed[0][0], [o[0] for o in backed[1:]]):
            return None
        return backed[0]

    def _page_backs(self, word: str, page_words: list[str]) -> bool:
        """Whether a word of the page (listed, lower case) is a form of ``word``."""
        lemmas = self._lemmas(word)
        head = word[:3]
        return any(w[:3] == head and not self._lemmas(w).isdisjoint(lemmas) for w in page_words)

    def _one_confusion_away(self, word: str, accept: Callable[[str], bool]) -> set[str]:
        """The strings one single-letter substitution of the confusion table away from ``word``
        that ``accept`` takes."""
        return {
            meant_word
            for i, ch in enumerate(word)
            for meant in self._meant_for.get(ch, ())
            if accept(meant_word := word[:i] + meant + word[i + 1 :])
        }

    def _short_function_word(self, word: str, small: bool = True, lower: bool = False) -> str | None:
        """``_short_function_word_uncached`` memoised: the join rules ask it of a page's short
        non-words as well as the token pass."""
        key = (word, small, lower)
        if key in self._short_function_cache:
            return self._short_function_cache[key]
        hit = self._short_function_word_uncached(word, small, lower)
        if len(self._short_function_cache) < 100_000:
            self._short_function_cache[key] = hit
        return hit

    def _short_function_word_uncached(self, word: str, small: bool, lower: bool) -> str | None:
        """``дпя`` -> ``для``, ``чуо`` -> ``что``: a rare token of up to three letters one listed
        confusion from a common preposition, conjunction or particle, far likelier.

        Shorter than the general candidate search goes (most short strings are one edit from
        many words); only the confusion table's substitutions are tried, and of two function words
        within reach the likelier must lead by ``short_function_lead`` (``ло``: по, not до; ``ва``:
        на and за, too close, leave it alone); a listed name (``Лю``) is left alone.
        """
        lex = self.lexicon
        if word in lex.domain:
            return None  # a listed name or abbreviation (Лю, ЦК) is no misread function word
        found = self._one_confusion_away(
            word,
            lambda meant: (
                self._common_word(meant) and (self._function(meant) or lower and len(meant) == SHORT_COMMON_LENGTH)
            ),
        )
        if not found and len(word) == 3:
            # дла, дря, чть: a letter the table lacks for it, read for the second or third letter of a
            # common function word. Not the first: гли may be the scrap of Жгли as well as или.
            found = {
                meant_word
                for i in (1, 2)
                for ch in CYRILLIC_SMALL
                if ch != word[i]
                and self._common_word(meant_word := word[:i] + ch + word[i + 1 :])
                and self._function(meant_word)
            }
        if not found:
            return None
        functions = {m for m in found if self._function(m)}
        found = functions or found  # a function word within reach goes before another short word
        # A token no dictionary has is kept at the unknown-word prior, whatever web text counts
        # it at (ие, нс, ло, Кы: wordfreq has them from typos and transliteration); in capitals it
        # may be an initialism (ЖА).
        listed = not small or self._dictionary_word(word)
        keep = max(lex.log_prob(word) if listed else -math.inf, self.settings.unknown_log_prior)
        gains = sorted(((lex.log_prob(m) - self.channel.cost(word, m) - keep, m) for m in found), reverse=True)
        gain, meant_word = gains[0]
        if len(gains) > 1 and gain - gains[1][0] < self.settings.short_function_lead:
            return None  # ва: на and за both within reach
        return meant_word if gain >= self.settings.short_function_gain else None

    def _candidates_by_prob(self, word: str, max_d: int, unlisted: bool = False) -> list[tuple[float, str, int]]:
        """(log P, candidate, distance) best first; memoised, as joins and the token pass both ask.

        Inflections only OpenCorpora knows are added for a long word with no listed candidate,
        and with ``unlisted`` also when none is one edit away (прихрывающих -> прикрывающих).
        """
        key = (word, max_d, unlisted)
        hit = self._candidate_cache.get(key)
        if hit is None:
            hit = self._listed_candidates(word, max_d)
            if len(word) >= self.settings.min_length_unlisted and not any(d == 1 for _p, _w, d in hit):
                if not hit:
                    hit = self._unlisted_forms(word)
                elif unlisted:
                    listed = {w for _p, w, _d in hit}
                    hit = sorted(hit + [t for t in self._unlisted_forms(word) if t[1] not in listed], reverse=True)
            if len(self._candidate_cache) < 100_000:
                self._candidate_cache[key] = hit
        return hit

    def _listed_candidates(self, word: str, max_d: int) -> list[tuple[float, str, int]]:
        """``Lexicon.candidates_by_prob`` memoised: the delete-index lookup is the costliest step
        of a word's candidates, and a word is asked again (with unlisted forms, by the grammar
        pass, by a glued surname)."""
        key = (word, max_d)
        hit = self._listed_cache.get(key)
        if hit is None:
            hit = self.lexicon.candidates_by_prob(word, max_d)
            if len(self._listed_cache) < 100_000:
                self._listed_cache[key] = hit
        return hit

    def _unlisted_forms(self, word: str) -> list[tuple[float, str, int]]:
        """``_unlisted_forms_uncached`` memoised: asked with and without the listed candidates."""
        hit = self._unlisted_cache.get(word)
        if hit is None:
            hit = self._unlisted_forms_uncached(word)
            if len(self._unlisted_cache) < 100_000:
                self._unlisted_cache[word] = hit
        return hit

    def _unlisted_forms_uncached(self, word: str) -> list[tuple[float, str, int]]:
        """Inflections only OpenCorpora knows (тсропливости -> торопливости), one listed confusion
        away, one letter read in excess (отгроузить -> отгрузить), or a letter read as a mark
        (отгруз/ть -> отгрузить); for a word of ``min_length_any_letter`` with none of these,
        one letter read as any other (жизженности -> жизненности, ``_any_letter_forms``).

        Tried only for a long word with no listed candidate one edit away. The walk goes along the
        word in OpenCorpora's word graph (pymorphy3's DAWG), trying the confusion table's
        substitutions at each letter, and stops at the first prefix no word has; a form
        OpenCorpora spells with ``ё`` is found spelt with ``е`` (``Lexicon.opencorpora_form``).
        """
        prior = self.settings.unlisted_log_prob
        found: dict[str, tuple[float, str, int]] = {}
        lex = self.lexicon
        for pos, ch in enumerate(word):
            head = word[:pos]
            if pos and not lex.opencorpora_prefix(head):
                break  # no word starts so: no substitution further on can make one
            rest = word[pos + 1 :]
            if pos and rest and ch not in (UNREAD_LETTER, "-") and lex.opencorpora_form(head + rest):
                found.setdefault(head + rest, (prior, head + rest, 1))
            for meant in CYRILLIC_LETTERS if ch == UNREAD_LETTER else self._meant_for.get(ch, ()):
                spelled = head + meant
                if lex.opencorpora_prefix(spelled) and lex.opencorpora_form(spelled + rest):
                    found.setdefault(spelled + rest, (prior, spelled + rest, 1))
        if not found and len(word) >= self.settings.min_length_any_letter:
            found = self._any_letter_forms(word)
        return list(found.values())

    def _any_letter_forms(self, word: str) -> dict[str, tuple[float, str, int]]:
        """OpenCorpora's forms with one letter of ``word`` read as any other or one letter lost,
        tried where the word stops being the start of any form and at the letter before: the
        misread letter is there,
        as the letters before it still begin a word. A form a listed confusion reaches is never
        tied by one found so: this runs only when those found none."""
        prior = self.settings.unlisted_log_prob
        lex = self.lexicon
        dead = next((i for i in range(1, len(word) + 1) if not lex.opencorpora_prefix(word[:i])), len(word)) - 1
        found: dict[str, tuple[float, str, int]] = {}
        for pos in (dead - 1, dead):
            if pos < 0 or word[pos] == UNREAD_LETTER:
                continue
            head, rest = word[:pos], word[pos + 1 :]
            for meant in CYRILLIC_LETTERS:
                spelled = head + meant
                if meant != word[pos] and lex.opencorpora_prefix(spelled) and lex.opencorpora_form(spelled + rest):
                    found.setdefault(spelled + rest, (prior, spelled + rest, 1))
        if found:
            return found
        # Else a letter lost where no form goes on (эпидмиологов -> эпидемиологов), a faint one OCR
        # did not see: a misread letter is the likelier (излоленному is изложенному, not изловленному).
        for pos in (dead,) if dead > 0 else ():
            for meant in CYRILLIC_LETTERS:
                spelled = word[:pos] + meant
                if lex.opencorpora_prefix(spelled) and lex.opencorpora_form(spelled + word[pos:]):
                    found.setdefault(spelled + word[pos:], (prior, spelled + word[pos:], 1))
        return found

    def _confident_best(
        self, scored: list[tuple[str, float, str]], keep: float, extra: float, name_bonus: float = 0.0
    ) -> tuple[str, float, str] | None:
        """The best candidate if it beats keeping the word by the margin, and no other word ties with it.

        ``name_bonus`` is the part of ``keep`` that stands for an unknown name: it does not count
        against a lexicon entry (ФИЛИИШОВУ -> ФИЛИППОВУ), nor does the capital margin ``extra``."""
        if not scored:
            return None
        best = scored[0]
        if best[2] == "lexicon":
            extra = 0.0  # a close lexicon entry is exactly what lets a capitalised word change
            keep -= name_bonus
        if best[1] - keep < self.settings.margin + extra:
            return None
        tied = [t[0] for t in scored[1:] if best[1] - t[1] < self.settings.ambiguity]
        if tied and not self._one_lemma(best[0], tied):
            return None
        return best

    def _sole_candidate(
        self, word: str, scored: list[tuple[str, float, str]], keep: float
    ) -> tuple[str, float, str] | None:
        """The best candidate of a long word that no other word rivals, if it beats keeping the
        word at all (``sole_candidate_length``); None otherwise."""
        length = self.settings.sole_candidate_length
        if not length or len(word) < length or not scored or " " in scored[0][0] or scored[0][1] < keep:
            return None
        best = scored[0]
        others = [t[0] for t in scored[1:]]
        if others and not self._one_lemma(best[0], others):
            return None
        return best

    def _one_lemma(self, best: str, tied: list[str]) -> bool:
        """Whether candidates that tie with ``best`` are forms of its word (детские / детское).

        The word is then known and only its ending is a guess: the likelier form is taken, for
        the word read was no word at all. Ties between different words stay unresolved.
        """
        if " " in best or any(" " in t for t in tied):
            return False
        common = self._lemmas(best)
        for word in tied:
            common = common & self._lemmas(word)
        return bool(common)

    def _lemmas(self, word: str) -> frozenset[str]:
        """Dictionary forms of pymorphy3's likeliest readings of ``word`` (memoised)."""
        hit = self._lemma_cache.get(word)
        if hit is None:
            hit = self._lemma_cache[word] = frozenset(p.normal_form for p in self.lexicon.morph.parse(word)[:3])
        return hit

    def _score_candidates(
        self, word: str, domain_only: bool, floor: float = -math.inf, unlisted: bool = False
    ) -> list[tuple[str, float, str]]:
        """Candidates with noisy-channel scores, best first (``unlisted``: see ``_candidates_by_prob``).

        Those that cannot reach ``floor`` are skipped uncosted (``_scored``).
        """
        s = self.settings
        lex = self.lexicon
        max_d = s.max_edit_distance if len(word) >= s.min_length_distance2 else 1
        found = self._candidates_by_prob(word, max_d, unlisted)
        if domain_only:
            found = [f for f in found if f[1] in lex.domain]
        out = self._scored(word, found, floor)
        if not domain_only and len(word) >= s.min_length_merged:
            for i in range(1, len(word)):
                left, right = word[:i], word[i:]
                if (
                    left in lex.counts
                    and right in lex.counts
                    and (len(left) > 1 or left in "вискоуа")
                    and (len(right) > 1 or right in "вискоуа")
                ):
                    score = lex.log_prob(left) + lex.log_prob(right) - s.split_cost
                    out.append((left + " " + right, score, "merged-words"))
        out.sort(key=lambda t: -t[1])
        return out

    def _scored(self, word: str, found: list[tuple[float, str, int]], floor: float) -> list[tuple[str, float, str]]:
        """``found`` (log P, candidate, distance; likeliest first) scored through the channel,
        unsorted; a candidate that cannot reach ``floor``, or come within the ambiguity margin of
        the best so far, even at the cheapest confusion per edit, is skipped uncosted."""
        s = self.settings
        lex = self.lexicon
        channel = self.channel
        out: list[tuple[str, float, str]] = []
        best = -math.inf
        for lp, cand, distance in found:
            if lp < floor or lp < best - s.ambiguity:
                break  # ``found`` is likeliest first, and no edit costs less than nothing
            bound = lp - channel.lower_bound(distance, word)
            if bound < floor or bound < best - s.ambiguity:
                continue
            score = lp - channel.cost(word, cand)
            best = max(best, score)
            out.append((cand, score, "lexicon" if cand in lex.domain else "spelling"))
        return out

    def _fix_real_word(self, core: str, word: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        hit = self.lexicon.realword.get(word)
        if hit is None:
            return None
        meant, gain = hit
        formula = self.lexicon.domain_kind.get(meant) == "formula"
        if gain < (self.settings.formula_realword_margin if formula else self.settings.realword_margin):
            return None
        replacement = apply_case(core, meant, self.lexicon.domain.get(meant))
        return (
            replacement,
            "real-word",
            gain,
            [{"word": meant, "score": round(gain, 3)}, {"word": word, "score": 0.0, "keep": True}],
        )

    def _fix_unlisted_word(self, core: str, word: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``пинии`` -> ``линии``, ``сипами`` -> ``силами``: a form only OpenCorpora knows (no
        frequency list has it, so it is rare) one listed confusion from a listed word far likelier
        than it, by the real-word margin over the unlisted prior, and clear of any rival (memoised)."""
        if word not in self._unlisted_word_cache:
            self._unlisted_word_cache[word] = self._likelier_listed_word(word)
        hit = self._unlisted_word_cache[word]
        if hit is None:
            return None
        meant, gain = hit
        return (
            apply_case(core, meant),
            "real-word",
            gain,
            [{"word": meant, "score": round(gain, 3)}, {"word": word, "keep": True}],
        )

    def _likelier_listed_word(self, word: str) -> tuple[str, float] | None:
        s = self.settings
        lex = self.lexicon
        scored = sorted(
            (
                (lex.log_prob(w) - self.channel.cost(word, w), w)
                for w in self._one_confusion_away(word, lex.counts.__contains__)
            ),
            reverse=True,
        )
        if not scored:
            return None
        gain = scored[0][0] - s.unlisted_log_prob
        if gain < s.unlisted_realword_margin or len(scored) > 1 and scored[0][0] - scored[1][0] < s.ambiguity:
            return None
        return scored[0][1], gain

    def _fix_number(self, core: str) -> tuple[str, str, float, list[dict[str, Any]]] | None:
        """``326I`` -> ``3261``: letters read for digits inside a number, nothing else."""
        if ROMAN_MONTH_DATE.match(core):
            return None  # 3.III.1958: the month in Roman numerals, as Soviet papers wrote it
        m = NUMBER_SUFFIX.match(core)
        if not m:
            return None
        number, suffix = m.group(1), m.group(2) or ""
        if not NUMBER_CORE.match(number) or " " in number:
            return None
        letters = [c for c in number if c in NUMBER_CONFUSIONS]
        digits = [c for c in number if c.isdigit()]
        if not letters or not digits:
            return None
        # An @ is no letter of any word, so beside one digit it is a zero (4@); a letter may be a
        # word's, and needs digits around it (326I, not З or Об).
        if set(letters) != {"@"} and (
            len(digits) < len(letters)
            or len(digits) < 2
            or number[0] in NUMBER_CONFUSIONS
            and number[-1] in NUMBER_CONFUSIONS
            and len(number) < 3
        ):
            return None
        fixed = "".join(NUMBER_CONFUSIONS.get(c, c) for c in number)
        return fixed + suffix, "number", 0.0, []


def _word_after(
    line_tokens: list[tuple[int, int, str]], end: int, li: int, made: dict[tuple[int, int], Correction]
) -> str | None:
    """The word (lower case, as corrected) of the token right after offset ``end`` on line ``li``."""
    for start, _end, text in line_tokens:
        if start > end:
            edit = made.get((li, start))
            lead, core, _trail = _core(edit.replacement if edit is not None else text)
            return core.lower() if not lead and core.isalpha() else None
    return None


def _relative_clause(line_tokens: list[tuple[int, int, str]], ti: int) -> bool:
    """Whether the token at ``ti`` is followed by a form of ``который`` (``специалистов, сроки
    которых``): a relative clause, which goes on the sentence after its comma."""
    return ti + 1 < len(line_tokens) and _core(line_tokens[ti + 1][2])[1].lower().startswith("котор")


def _colon_before_list(token: str, replacement: str, following: str | None) -> bool:
    """Whether ``replacement`` drops the colon of ``token`` before a list's first label (а), 1)):
    a colon there opens the list, whatever word it follows."""
    return (
        token.endswith(":")
        and not replacement.endswith(":")
        and following is not None
        and bool(LIST_LABEL.match(following))
    )


def _stop_for_comma(
    token: str, edit: tuple[str, str, float, list[dict[str, Any]]] | None, name: bool = False
) -> tuple[str, str, float, list[dict[str, Any]]] | None:
    """``потерями, Наша`` -> ``потерями. Наша``: the token (as corrected, if it was) with a stop for
    its comma, when it is a word in small letters, or with ``name`` a lexicon name (``реку
    Ялуцзян, Противник``)."""
    text = edit[0] if edit is not None else token
    word = text[:-1]
    if text[-1:] != "," or not PLAIN_WORD.fullmatch(word) or not (word.islower() or name and _name_shaped(word)):
        return edit
    if edit is None:
        return text[:-1] + ".", "punctuation", 0.0, []
    return text[:-1] + ".", edit[1] + "+punctuation", edit[2], edit[3]


def _polite_capitals(edits: list[Correction], small: list[tuple[int, int, int, str]]) -> list[Correction]:
    """``edits`` with each polite pronoun in ``small`` capitalised (``прошу вас`` -> ``прошу Вас``):
    asked when the page capitalises the pronoun inside sentences more often than not, as a
    letter writes its addressee one way throughout, so the small ones are letters OCR read in
    the wrong case. A token another edit changed gets that edit's replacement capitalised, if it
    is still the pronoun (a tie the page settled after the token pass may have made it another
    word)."""
    by_place = {(e.line, e.start, e.end): i for i, e in enumerate(edits)}
    out = list(edits)
    for li, start, end, text in small:
        i = by_place.get((li, start, end))
        if i is None:
            out.append(_edit(li, start, end, text[:1].upper() + text[1:], "page-context", 0.0, []))
            continue
        e = out[i]
        if _core(e.replacement)[1] in POLITE_WORDS:
            written = e.replacement[:1].upper() + e.replacement[1:]
            out[i] = _edit(li, start, end, written, e.reason, e.score, e.candidates)
    return out


def _small_among_capitals(line_tokens: list[tuple[int, int, str]]) -> int | None:
    """Index of the one word not in capitals on a line with at least two words in capitals."""
    if sum(1 for _s, _e, text in line_tokens if text.isupper()) < 2:
        return None  # most lines: no need to peel each token
    words = [(k, core) for k, (_s, _e, text) in enumerate(line_tokens) if (core := _core(text)[1]).isalpha()]
    small = [k for k, core in words if not core.isupper()]
    return small[0] if len(small) == 1 and len(words) >= 3 else None


# What a word after a capitalised word inside a sentence is not made (a name's second word).
NAME_RUN_VETO_POS = frozenset({"NOUN", "VERB", "INFN"})


def _word_before_stop(token: str) -> str:
    """The word of a token that ends in a stop, perhaps inside quotes or brackets (``дорог.``,
    ``"Г".``), in small letters."""
    return token.rstrip('"»)')[:-1].lower()


def _name_run(line_tokens: list[tuple[int, int, str]], ti: int) -> bool:
    """Whether the token at ``ti`` follows capitalised words inside a sentence (after a small
    word, a dotted abbreviation or an initialism): a later word of a name (д. Верхняя Гутара,
    Старой Вершни, Госплана КНДР Чон Чжун Тхека)."""
    k = ti - 1
    while k >= 0 and _capitalised_word(line_tokens[k][2]):
        k -= 1
    if k == ti - 1 or k < 0:
        return False
    before_run = line_tokens[k][2]
    initialism = len(before_run) > 1 and before_run.isalpha() and before_run.isupper()
    return (bool(before_run[:1].islower()) or initialism) and before_run[-1:] not in "!?"


def _coordinated_name(line_tokens: list[tuple[int, int, str]], ti: int) -> bool:
    """Whether the token at ``ti`` follows a conjunction after a capitalised word with no mark
    (Одера и Нейсе, Чон и Ли): the second of two names joined."""
    if ti < 2 or line_tokens[ti - 1][2] not in COORDINATION:
        return False
    first = line_tokens[ti - 2][2]
    return _capitalised_word(first) and first[-1:].isalpha()


def _long_name_run(line_tokens: list[tuple[int, int, str]], ti: int) -> bool:
    """Whether the token at ``ti`` follows ``LONG_NAME_RUN`` capitalised words or more, the last
    with no mark after it."""
    k = ti - 1
    while k >= 0 and _capitalised_word(line_tokens[k][2]):
        k -= 1
    return ti - 1 - k >= LONG_NAME_RUN and line_tokens[ti - 1][2][-1:].isalpha()


def _unit_after_count(previous: str, following: str | None) -> bool:
    """Whether a token follows a bare number (on its line or ending the line before) and precedes
    no number: there a short word in small letters is the count's unit or formation (3 иад, 5
    сд), while a preposition stands between two numbers (с 1 ио 20: по)."""
    return bool(PLAIN_NUMBER.match(previous)) and not (following or "")[:1].isdigit()


def _before_given_name(token: str, following: str | None) -> bool:
    """Whether a capitalised token stands before a hyphened given name (Ло Жуй-цин): a Chinese or
    Korean surname, whatever Russian word its letters are one from."""
    return token[:1].isupper() and following is not None and bool(HYPHENED_GIVEN_NAME.match(_core(following)[1]))


def _capitalised_word(token: str) -> bool:
    """Whether ``token`` is a capitalised word of letters alone (Чжун, not КНДР nor Чжун,)."""
    return bool(PLAIN_WORD.fullmatch(token)) and token[:1].isupper() and token[1:].islower()


def _open_parenthesis(line_tokens: list[tuple[int, int, str]]) -> bool:
    """Whether these tokens leave a parenthesis open."""
    depth = 0
    for _start, _end, text in line_tokens:
        depth = max(0, depth + text.count("(") - text.count(")"))
    return depth > 0


def _same_letters(token: str, replacement: str) -> bool:
    """Whether a change kept the token's letters, mending only case, marks or specks."""
    return [c for c in token.lower() if c.isalpha()] == [c for c in replacement.lower() if c.isalpha()]


def _inside_quotes(before: str) -> bool:
    """Whether a quotation opened in ``before`` (a line up to a word) is still open there."""
    return before.count("«") > before.count("»") or before.count('"') % 2 == 1


def _name_shaped(core: str) -> bool:
    """Whether a word is written as a name is: Capitalised or in capitals, letters and hyphens only
    (not ``ФоЛИППОВУ``, nor ``С:алину`` with a mark read for a letter)."""
    letters = core.replace("-", "")
    return letters.isalpha() and core[:1].isupper() and (letters[1:].islower() or letters.isupper())


def _token_key(token: str, initial: bool, conf: float | None, next_lower: bool) -> TokenKey:
    """What a token's correction depends on besides the models and the page: the token cache's
    key. The confidence is the whole number the page loop judges the token by: keyed in tens, as
    it once was, the first page to read a token decided it for every later one in that ten (at 87
    перазозками changes, at 88 not), and a page came out otherwise after another page than alone."""
    return token, initial, -1 if conf is None or conf < 0 else round(conf), next_lower


def _tokens(line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each blank-separated token of a line."""
    if not line:
        return []
    if "  " in line or not line.isprintable() or line[:1] == " " or line[-1:] == " ":
        return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(line)]
    # OCR text joins words with single blanks: split, and count the offsets.
    out = []
    start = 0
    for word in line.split(" "):
        end = start + len(word)
        out.append((start, end, word))
        start = end + 1
    return out


def _opener(token: str, following: str | None) -> bool:
    """Whether ``token`` (and ``following``) is a word that opens a sentence, never continues one
    without a comma (кроме того, однако, например): after a stop, that stop is a sentence's end and
    the word's small letter a misread capital."""
    word = _core(token)[1].lower()
    if word == "кроме":
        return following is not None and _core(following)[1].lower() == "того"
    return word in SENTENCE_OPENERS


def _fix_list_labels(tokens: list[list[tuple[int, int, str]]], consumed: set[tuple[int, int]]) -> list[Correction]:
    """``а) ... 6) ... в)`` -> ``б)``: a list's letter б read as the digit of its shape, where the
    page's label before it is ``а)`` or the one after it ``в)`` (a numbered list's ``5) 6) 7)``
    stays). A digit is changed only so, as a letter/digit confusion the layout settles."""
    labels = [
        (li, ti, text)
        for li, line in enumerate(tokens)
        for ti, (_start, _end, text) in enumerate(line)
        if text[-1:] == ")" and LIST_LABEL.match(text) and (li, ti) not in consumed  # the cheap test first
    ]
    edits: list[Correction] = []
    for k, (li, ti, text) in enumerate(labels):
        before = labels[k - 1][2] if k else ""
        after = labels[k + 1][2] if k + 1 < len(labels) else ""
        if text == "6)" and (before == "а)" or after == "в)"):
            start, end, _text = tokens[li][ti]
            edits.append(_edit(li, start, end, "б)", "list-label", 0.0, []))
            consumed.add((li, ti))
    return edits


def _token_at(tokens: list[list[tuple[int, int, str]]], order: list[tuple[int, int]], k: int) -> str:
    """The ``k``-th token of the page as read, or "" before its start."""
    if k < 0:
        return ""
    li, ti = order[k]
    return tokens[li][ti][2]


def _name_follows(previous: str, before: str) -> bool:
    """Whether the word after ``previous`` is a name's, not a sentence's first: after a title
    (тов. Минца, т. Берут) or an initial (Г. Минц), not after the unit т. (420 тыс. т.)."""
    if previous.lower() in NAME_TITLES:
        return True
    if INITIALS_ONLY.match(previous):
        # В. after a stop may be the preposition with a speck (партии. В. Словакии).
        opening = not before or before[-1] in SENTENCE_END_MARKS
        return len(previous) > 2 or previous[0].lower() not in ONE_LETTER_WORDS or not opening
    return previous == "т." and not (before in THOUSANDS or DIGIT.search(before))


def _core(token: str) -> tuple[str, str, str]:
    """(leading punctuation, word, trailing punctuation) of a token."""
    lead = LEAD.match(token)
    i0 = lead.end() if lead else 0
    trail = TRAIL.search(token, i0)
    i1 = trail.start() if trail else len(token)
    return token[:i0], token[i0:i1], token[i1:]


def _phrase_recased(written: tuple[str, ...], cores: list[str]) -> list[int]:
    """Positions (in the phrase) of a listed phrase's words read in the wrong case (Ким ИР Сена,
    Ким ир Сену); only while some other word stands exactly as listed, so that a phrase in
    capitals (КИМ ИР СЕН) or in a lower-case transcription keeps its case."""
    wrong = [k for k, (core, want) in enumerate(zip(cores, written, strict=True)) if core != want]
    return wrong if len(wrong) < len(written) else []


def _phrase_table(lexicon: Lexicon) -> dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...], int], ...]]:
    """The lexicon's phrases under each of their words of ``PHRASE_ANCHOR`` letters or more:
    (lower-case words, written words, position). A phrase is found from a word read exactly, and
    a misread one needs such a word (``_phrase_misreads``), so the short words (в, не, по, ли),
    the commonest of a page, need not each start a search."""
    table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...], int]]] = {}
    for form, kind in lexicon.domain_kind.items():
        if kind not in PHRASE_KINDS:
            continue
        words, written = tuple(form.split(" ")), tuple(lexicon.domain[form].split(" "))
        anchors = [k for k, word in enumerate(words) if len(word) >= PHRASE_ANCHOR]
        for k in anchors or range(len(words)):
            table.setdefault(words[k], []).append((words, written, k))
    return {k: tuple(v) for k, v in table.items()}


def _phrase_distance(phrase: tuple[str, ...], lowered: list[str], start: int) -> int:
    """Edits from the words read from ``start`` to a listed phrase's words."""
    return sum(Levenshtein.distance(w, r) for w, r in zip(phrase, lowered[start : start + len(phrase)], strict=False))


def _small_letters(line_tokens: list[tuple[int, int, str]]) -> bool:
    """Whether a line has a word in small letters: a line in capitals (a header) is typed so."""
    return any(any(c.islower() for c in text) for _s, _e, text in line_tokens)


def _lines_around(lines: set[int], reach: int, count: int) -> set[int]:
    """``lines`` and those up to ``reach`` lines before or after them, below ``count``."""
    return {i for li in lines for i in range(max(0, li - reach), min(count, li + reach + 1))}


def _carry_confidences(
    lines: list[str],
    edits: list[Correction],
    lines_once: list[str],
    confidences: dict[tuple[int, int], float] | None,
) -> dict[tuple[int, int], float] | None:
    """Tesseract's confidences for the once-corrected page: a token no edit touched keeps its
    own, at its new index (a join before it on the line moves it); an edited one has none."""
    if not confidences:
        return None
    by_line = _edits_by_line(edits)
    carried: dict[tuple[int, int], float] = {}
    for li, line in enumerate(lines):
        line_edits = by_line.get(li, [])
        index_at = {start: k for k, (start, _end, _text) in enumerate(_tokens(lines_once[li]))}
        for ti, (start, end, _text) in enumerate(_tokens(line)):
            conf = confidences.get((li + 1, ti))
            if conf is None:
                continue
            shift, touched = 0, False
            for e in line_edits:
                if e.end <= start and e.end > e.start or e.end < start:
                    shift += len(e.replacement) - (e.end - e.start)
                elif e.start < end:
                    touched = True
                    break
                else:
                    break
            if not touched and start + shift in index_at:
                carried[(li + 1, index_at[start + shift])] = conf
    return carried


def _guessed_spans(edits: list[Correction], reasons: tuple[str, ...]) -> dict[int, list[tuple[int, int]]]:
    """Where, on the once-corrected page, the first pass put a word it guessed for one it read
    (``ет`` -> ``от`` is a ``short-word`` guess, ``органи`` -> ``органы`` a ``spelling`` one), of
    the kinds ``reasons`` names: by line, (start, end) of each such replacement."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for li, line_edits in _edits_by_line(edits).items():
        for start, end, e, _shift in _placed_once(line_edits):
            if e.reason.startswith(reasons):
                spans.setdefault(li, []).append((start, end))
    return spans


def _placed_once(once: list[Correction]) -> list[tuple[int, int, Correction, int]]:
    """Where each of a line's first-pass edits (sorted) put its replacement on the corrected
    line: (start, end, edit, the length the edits before it changed)."""
    placed: list[tuple[int, int, Correction, int]] = []
    shift = 0
    for e in once:
        placed.append((e.start + shift, e.start + shift + len(e.replacement), e, shift))
        shift += len(e.replacement) - (e.end - e.start)
    return placed


def _after_span(line: str, start: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the word before ``start`` on ``line`` is one of ``spans``: a grammar change after a
    guessed preposition (``Пс ет словам`` -> ``По от``) would build one guess on another."""
    before = line[:start].rstrip()
    return any(end == len(before) for _start, end in spans)


def _before_span(line: str, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether the word after ``end`` on ``line`` is one of ``spans``: an adjective that its
    preposition governs, made to agree with a noun the first pass guessed (``на серьезных органи``
    -> ``органы``, then ``серьезные``), would build one guess on another."""
    after = len(line) - len(line[end:].lstrip())
    return any(start == after for start, _end in spans)


def _compose(lines_once: list[str], first: list[Correction], second: list[Correction]) -> list[Correction]:
    """The edits of two passes as one set on the page as read: ``second`` was made on
    ``lines_once``, the page after ``first``. A second edit outside the first's replacements maps
    back by the length they changed; one that meets a first replacement merges with it into one
    edit from the read text to the twice-corrected text (reason ``first+second``). Every edit spans
    text (a token or more), as the corrector's do: bare insertions could not be ordered."""
    once_by_line, again_by_line = _edits_by_line(first), _edits_by_line(second)
    out = [e for li, once in once_by_line.items() if li not in again_by_line for e in once]
    for li, again in again_by_line.items():
        out += _compose_line(lines_once[li], once_by_line.get(li, []), again)
    return out


def _compose_line(line_once: str, once: list[Correction], again: list[Correction]) -> list[Correction]:
    """``_compose`` for one line: ``once`` (sorted) on the line as read, ``again`` on ``line_once``."""
    # Where each first edit's replacement lies in line_once, and the length change before it.
    placed = _placed_once(once)
    # Groups: each second edit with the first replacements it meets (an empty one at its edge
    # too), grown until no more are met, merged with the group before while they overlap or
    # share one.
    groups: list[tuple[int, int, list[Correction], list[tuple[int, int, Correction, int]]]] = []
    for second in sorted(again, key=lambda e: e.start):
        start, end, seconds = second.start, second.end, [second]
        while True:
            met = [p for p in placed if p[0] < end and p[1] > start or start <= p[0] == p[1] <= end]
            grown = min([start, *(p[0] for p in met)]), max([end, *(p[1] for p in met)])
            if grown == (start, end):
                break
            start, end = grown
        if groups and (start < groups[-1][1] or {id(p[2]) for p in met} & {id(p[2]) for p in groups[-1][3]}):
            g_start, g_end, g_seconds, g_met = groups.pop()
            start, end, seconds = min(start, g_start), max(end, g_end), g_seconds + seconds
            met = g_met + [p for p in met if all(p[2] is not q[2] for q in g_met)]
        groups.append((start, end, seconds, met))
    taken = {id(p[2]) for g in groups for p in g[3]}
    out = [e for e in once if id(e) not in taken]
    for start, end, seconds, met in groups:
        text = line_once[start:end]
        for e in sorted(seconds, key=lambda e: -e.start):  # right to left: offsets stay valid
            text = text[: e.start - start] + e.replacement + text[e.end - start :]
        orig_start = _read_offset(start, placed)
        orig_end = _read_offset(end, placed, at_end=True)
        reasons = [p[2].reason for p in sorted(met, key=lambda p: p[0])] + [e.reason for e in seconds]
        last = seconds[-1]
        out.append(
            _edit(last.line, orig_start, orig_end, text, "+".join(dict.fromkeys(reasons)), last.score, last.candidates)
        )
    return out


def _read_offset(pos: int, placed: list[tuple[int, int, Correction, int]], at_end: bool = False) -> int:
    """The offset in the line as read of ``pos`` in the once-corrected line. A position inside a
    first replacement maps to that edit's start, or (``at_end``, a group's end) its end; at a
    group's end, one at a replacement's end maps to that edit's end, and past every empty
    replacement there (a deletion, met by the group); at a group's start, one at a replacement's
    start maps to its start; any other shifts by the length the replacements before it changed."""
    shift = 0
    found: int | None = None
    for start, end, e, before in placed:
        if found is not None:
            if start == end == pos:
                found = e.end  # another deletion at the group's end: it is in the group
                continue
            break
        if start < pos < end:
            return e.end if at_end else e.start
        if at_end and (pos == end > start or pos == start == end):
            found = e.end
            continue
        if pos == start:
            return e.start
        if pos < start:
            break
        shift = before + len(e.replacement) - (e.end - e.start)
    return found if found is not None else pos - shift


def _edits_by_line(edits: list[Correction]) -> dict[int, list[Correction]]:
    """A page's edits by 0-based line, each line's in order of their start."""
    by_line: dict[int, list[Correction]] = {}
    for e in sorted(edits, key=lambda e: (e.line, e.start)):
        by_line.setdefault(e.line, []).append(e)
    return by_line


def _apply(lines: list[str], edits: list[Correction]) -> str:
    """Apply non-overlapping edits line by line."""
    out = list(lines)
    for li, line_edits in _edits_by_line(edits).items():
        line = lines[li]
        pieces: list[str] = []
        pos = 0
        for e in line_edits:
            pieces.append(line[pos : e.start])
            pieces.append(e.replacement)
            pos = e.end
        pieces.append(line[pos:])
        out[li] = "".join(pieces)
    return "\n".join(out)


def undo_corrections(corrected_text: str, corrections: list[Correction]) -> str:
    """Apply the records backwards: the text the corrector was given, byte for byte."""
    pages = [page.split("\n") for page in corrected_text.split("\f")]
    by_line: dict[tuple[int, int], list[Correction]] = {}
    for c in corrections:
        by_line.setdefault((c.page, c.line), []).append(c)
    for (page, line), records in by_line.items():
        text = pages[page - 1][line - 1]
        shift = 0
        pieces: list[str] = []
        pos = 0
        for c in sorted(records, key=lambda c: c.start):
            at = c.start + shift
            pieces.append(text[pos:at])
            pieces.append(c.original)
            pos = at + len(c.replacement)
            shift += len(c.replacement) - (c.end - c.start)
        pieces.append(text[pos:])
        pages[page - 1][line - 1] = "".join(pieces)
    return "\f".join("\n".join(lines) for lines in pages)


@lru_cache(maxsize=8)
def _load_for(settings: CorrectSettings, models_dir: Path | None) -> Corrector:
    lexicon = load_lexicon(models_dir)
    if settings.enabled:
        _ = lexicon.morph  # pymorphy3's dictionary loads here, not on the first unknown word
    return Corrector(settings, lexicon)


_load_lock = threading.Lock()
_background_loads: set[CorrectSettings] = set()


def _load(settings: CorrectSettings, models_dir: Path | None) -> Corrector:
    # Locked: a background load (below) may be under way when a task asks for the corrector.
    with _load_lock:
        return _load_for(settings, models_dir.resolve() if models_dir else None)


def load_in_background(settings: CorrectSettings) -> None:
    """Start loading the default models for ``settings`` in a thread, once per process.

    Called while the process is about to wait for Tesseract (a second or more a page), so
    the 0.9 s load costs no time; the first correction then finds the corrector ready, or
    waits for the lock. A failure is left for that correction to meet and report.
    """
    if settings in _background_loads:
        return
    _background_loads.add(settings)

    def load() -> None:
        try:
            _load(settings, None)
        except Exception as e:  # noqa: BLE001 - the correction task reports it when it loads
            log.debug("background load of the correction models failed: %s", e)

    threading.Thread(target=load, name="arkhiv-load-models", daemon=True).start()
