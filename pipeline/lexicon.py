"""The correction models: word frequencies, domain lexicon, OCR confusions, and their index.

This is the one place that reads ``models/``. Building the SymSpell-style delete index over
the frequency list takes seconds, so the built structures are cached with ``marshal`` under
``models/cache/`` (git-ignored), keyed by a hash of the source files; a warm load is well
under two seconds, and ``load_lexicon`` memoises per process. pymorphy3's OpenCorpora
dictionary backs ``is_word`` so that a rare but valid inflection is a word, not an error.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import importlib.metadata
import logging
import marshal
import math
import os
import re
import threading
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

import pipeline

try:  # the same lookups in C, from the compiled build (pipeline/native.py); absent, the Python runs
    from pipeline._lookup import candidate_ids as _native_candidate_ids
    from pipeline._lookup import ids_of_keys as _native_ids_of_keys
except ImportError:
    _native_candidate_ids = _native_ids_of_keys = None

log = logging.getLogger(__name__)

# From the package, not this file: compiled, this module lives under pipeline/_native/.
DEFAULT_MODELS_DIR = Path(pipeline.__file__).resolve().parents[1] / "models"
SOURCES = ("ru_frequency.txt", "lexicon.txt", "confusions.tsv")
INDEX_VERSION = "9"
# The length of the short words the real-word map also takes when OpenCorpora lacks them (еше).
SHORT_REALWORD_LENGTH = 3
PREFIX_LENGTH = 7
MAX_DISTANCE = 2
# The distant search (``Lexicon.far_candidates_by_prob``): listed words of FAR_MIN_LENGTH letters or more within
# FAR_DISTANCE edits of a long word, through an index of each word's halves (``far_index``).
FAR_DISTANCE = 3
FAR_MIN_LENGTH = 9
# The adverb ending Russian adds to any adjective in -ский (политический -> политически).
ADVERB_SUFFIX = "ски"
# An adjective's case form: a stem of three letters or more and a standard ending; its
# dictionary form ends in one of ADJECTIVE_LEMMA_ENDINGS.
ADJECTIVE_FORM = re.compile(
    r"^([а-яё]{3,}?)(?:ого|его|ому|ему|ым|им|ом|ем|ая|яя|ую|юю|ое|ее|ые|ие|ых|их|ыми|ими|ой|ей)$"
)
ADJECTIVE_LEMMA_ENDINGS = ("ый", "ий", "ой")
# An adjective made from a name: the name (its nominative, ending in a consonant: not кореи-ская,
# a misread корейская), -ск-, an adjective's ending.
NAME_ADJECTIVE = re.compile(r"^([а-яё-]{2,}?[бвгджзклмнпрстфхцчшщ])ск(?:ий|ая|ое|ие|ого|ой|ому|ую|ом|им|ими|их)$")
SURNAME_SUFFIXES = ("ов", "ев", "ин", "ын")
# Domain forms missing from (or rare in) the general list get at least this count (per 10^9):
# in telegrams of this genre the names and formula words are frequent.
DOMAIN_FLOOR = 20_000
# The lexicon's kinds of abbreviation: the genre's own (тов., Расш., с.г.), which a misread
# dotted token may be corrected into, and common ones (пог., техн.), which are only kept.
ABBREVIATION_KINDS = frozenset({"abbreviation", "common-abbreviation"})
# Formula words of the genre (прошу, сообщите, ...) are among its most frequent words.
FORMULA_FLOOR = 1_000_000
# Confusions at least this likely are used to precompute real-word errors (прощу→прошу).
REALWORD_MIN_PROB = 0.02
# Parts of speech (pymorphy3's likeliest reading) recorded for listed words at build time, so that
# the corrector's punctuation rules need no tagging per page; other parts of speech map to None.
INDEXED_POS = frozenset({"PREP", "CONJ", "PRCL", "INTJ"})


@dataclass(frozen=True)
class Confusion:
    """One OCR confusion: the page has ``truth``, Tesseract read ``ocr``; ``prob`` = P(ocr | truth)."""

    ocr: str
    truth: str
    prob: float


@dataclass
class Lexicon:
    """Everything the corrector looks words up in; build with ``load_lexicon``."""

    words: list[str]
    counts: dict[str, int]
    total: float
    domain: dict[str, str]
    domain_kind: dict[str, str]
    confusions: list[Confusion]
    deletes: dict[str, Any]
    realword: dict[str, tuple[str, float]]
    # Listed words whose likeliest pymorphy3 reading has a part of speech in INDEXED_POS, and
    # listed words with any reading tagged as an abbreviation (built once, cached with the index;
    # None when not built, and then the corrector tags words itself).
    function_pos: dict[str, str] | None = None
    abbreviations: frozenset[str] | None = None
    # Listed words spelt backwards, sorted: which words a string ends (``ends_word``).
    backwards: list[str] = field(default_factory=list, repr=False)
    # OpenCorpora's forms spelt with ё, spelt with е instead and cut after their first ё at every
    # length (``yo_prefixes``): what ``opencorpora_prefix`` and ``opencorpora_form`` also accept.
    yo_prefixes: frozenset[str] = frozenset()
    # Each long listed word's halves, one letter deleted or none (``far_index``); empty when not
    # built, and then the distant search finds nothing.
    far: dict[str, Any] = field(default_factory=dict, repr=False)
    sources_hash: str = ""
    _morph: Any = field(default=None, repr=False)
    # OpenCorpora's word graph and its prefix test (None under DAWG-Python), set with ``_morph``.
    _graph: Any = field(default=None, repr=False)
    _has_prefix: Any = field(default=None, repr=False)
    _known_cache: dict[str, bool] = field(default_factory=dict, repr=False)
    _log_probs: list[float] = field(default_factory=list, repr=False)
    # Each listed word's length (255: that or longer), for the C lookup.
    _lengths: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        # Log-probabilities by index, for candidates_by_prob (about 50 ms, paid at load).
        total, counts = self.total, self.counts
        self._log_probs = [math.log(counts[w] / total) if counts.get(w) else -math.inf for w in self.words]
        self._lengths = bytes(min(len(w), 255) for w in self.words)

    def log_prob(self, word: str) -> float:
        """Natural log of the word's relative frequency (lower-case form); -inf when unseen."""
        count = self.counts.get(word)
        return math.log(count / self.total) if count else -math.inf

    @property
    def morph(self) -> Any:
        if self._morph is None:
            import pymorphy3

            self._morph = pymorphy3.MorphAnalyzer()
            self._graph = self._morph.dictionary.words
            self._has_prefix = getattr(self._graph, "has_keys_with_prefix", None)
        return self._morph

    def is_word(self, word: str) -> bool:
        """True for a listed word, a domain form, or any form in OpenCorpora (lower-case input)."""
        if word in self.counts:
            return True
        known = self._known_cache.get(word)
        if known is None:
            known = (
                bool(self.morph.word_is_known(word))
                or self._derived_adverb(word)
                or self._name_adjective(word)
                or self._adjective_form(word)
            )
            if not known and "-" in word:
                # Parts must be listed words: pymorphy3 knows odd fragments (изе), so
                # "изе-дун" would pass as a compound and Цзе-дун never be restored.
                known = all(len(part) > 1 and part in self.counts for part in word.split("-"))
            self._known_cache[word] = known
        return known

    def opencorpora_prefix(self, prefix: str) -> bool:
        """Whether some form in OpenCorpora starts with ``prefix`` (lower case), as spelt or with
        its ``ё`` written ``е``, as the telegrams and the frequency list write it (OpenCorpora
        spells ``пролётные``). DAWG2 (pymorphy3[fast]) answers prefix questions; DAWG-Python
        cannot, and then this is True and every form is looked up whole."""
        if self._morph is None:
            self.morph  # noqa: B018 - loads the graph
        has_prefix = self._has_prefix
        return has_prefix is None or has_prefix(prefix) or prefix in self.yo_prefixes

    def opencorpora_form(self, form: str) -> bool:
        """Whether ``form`` (lower case) is a form in OpenCorpora, as spelt or with its ``ё``
        written ``е``; cheaper than ``is_word`` (no guesses, no cache), for the many strings the
        corrector's walks try."""
        if self._morph is None:
            self.morph  # noqa: B018 - loads the graph
        if form in self._graph:
            return True
        # Only a string that starts some е-spelt ё-form is looked up the slow way.
        return form in self.yo_prefixes and bool(self._graph.similar_keys(form, self._morph.char_substitutes))

    def _derived_adverb(self, word: str) -> bool:
        """An adverb in -ски made from a listed adjective in -ский (бюрократический ->
        бюрократически): Russian makes one of every such adjective, OpenCorpora lists only some."""
        return word.endswith(ADVERB_SUFFIX) and len(word) > 6 and word + "й" in self.counts

    def _adjective_form(self, word: str) -> bool:
        """A case form of a listed adjective whose other forms the lists lack (полувековой is
        listed, полувекового is not): Russian inflects every adjective alike. Only the standard
        endings count, on a stem whose form in -ый, -ий or -ой is listed and read as an adjective,
        and only those of that adjective's paradigm."""
        match = ADJECTIVE_FORM.match(word)
        if match is None:
            return False
        stem = match.group(1)
        for ending in ADJECTIVE_LEMMA_ENDINGS:
            if stem + ending in self.counts:
                parse = self.morph.parse(stem + ending)[0]
                # The lemma's own paradigm decides the ending (начальних is no form of начальный).
                if parse.tag.POS == "ADJF" and any(form.word == word for form in parse.lexeme):
                    return True
        return False

    def _name_adjective(self, word: str) -> bool:
        """An adjective made from a name (костовской группой, червенковский, Сухэ-Баторский
        аймак): Russian makes one of any name, OpenCorpora lists few. The name must be a listed
        person's or place's, or a surname in -ов, -ев, -ин that OpenCorpora's own dictionary
        knows (not its guesser, which makes a surname of most words in -ов)."""
        match = NAME_ADJECTIVE.match(word)
        if match is None:
            return False
        name = match.group(1)
        if self.domain_kind.get(name) in ("person", "place"):
            return True
        return (
            name.endswith(SURNAME_SUFFIXES)
            and bool(self.morph.word_is_known(name))
            and any("Surn" in tag for tag in self.morph.tag(name))
        )

    def listed_pos(self, word: str) -> tuple[str | None, bool] | None:
        """(likeliest part of speech if in INDEXED_POS else None, any reading an abbreviation) of a
        listed word from the build-time tables; None for a word that is not listed."""
        if self.function_pos is None or self.abbreviations is None or word not in self.counts:
            return None
        return self.function_pos.get(word), word in self.abbreviations

    def ends_word(self, tail: str, min_head: int, min_log_prob: float) -> bool:
        """Whether ``tail`` ends a listed word at least ``min_head`` letters longer and at least
        that likely (``юзной`` ends ``союзной``)."""
        backwards = self.backwards
        key = tail[::-1]
        i = bisect.bisect_left(backwards, key)
        while i < len(backwards) and backwards[i].startswith(key):
            if len(backwards[i]) >= len(key) + min_head and self.log_prob(backwards[i][::-1]) >= min_log_prob:
                return True
            i += 1
        return False

    def candidates(self, word: str, max_distance: int = MAX_DISTANCE) -> list[tuple[str, int]]:
        """Indexed words within ``max_distance`` (Levenshtein) of ``word``, with their distance."""
        words = self.words
        return [(words[i], distance) for i, distance in self._candidate_ids(word, max_distance)]

    def candidates_by_prob(self, word: str, max_distance: int = MAX_DISTANCE) -> list[tuple[float, str, int]]:
        """``candidates`` as (log P, word, distance), likeliest first (ties: later word first).

        The corrector walks candidates in this order and stops early, so the log-probabilities
        come from an array made once, not from ``log_prob`` per candidate.
        """
        words, log_probs = self.words, self._log_probs
        found = [(log_probs[i], words[i], distance) for i, distance in self._candidate_ids(word, max_distance)]
        found.sort(reverse=True)
        return found

    def _candidate_ids(self, word: str, max_distance: int) -> list[tuple[int, int]]:
        """(index in ``words``, distance) of each candidate, from the delete index."""
        if _native_candidate_ids is not None:
            found: list[tuple[int, int]] = _native_candidate_ids(
                word, max_distance, PREFIX_LENGTH, self.deletes, self.words, self._lengths
            )
            return found
        return self._candidate_ids_python(word, max_distance)

    def _candidate_ids_python(self, word: str, max_distance: int) -> list[tuple[int, int]]:
        """``_candidate_ids`` in Python: the C lookup (``pipeline/_lookup.c``) returns the same."""
        return self._ids_of_keys_python(word, _deletes(word[:PREFIX_LENGTH], max_distance), self.deletes, max_distance)

    def _ids_of_keys_python(
        self, word: str, keys: set[str], index: dict[str, Any], max_distance: int
    ) -> list[tuple[int, int]]:
        """(id, distance) of the words ``keys`` list in ``index`` within ``max_distance`` of ``word``."""
        words = self.words
        size = len(word)
        # A word's keys list a few hundred ids, mostly duplicates: a set takes them straight
        # from the packed int32 bytes (a memoryview, no copy), and the length test and
        # verification then run once per distinct id. For these small lists this beats merging
        # and filtering them in numpy, whose per-call overhead dominates.
        unique: set[int] = set()
        for key in keys:
            hit = index.get(key)
            if hit is None:
                continue
            if hit.__class__ is int:
                unique.add(hit)
            else:
                unique.update(memoryview(hit).cast("i"))
        lev = Levenshtein.distance
        found: list[tuple[int, int]] = []
        for i in unique:
            candidate = words[i]
            if abs(len(candidate) - size) <= max_distance:
                distance = lev(word, candidate, score_cutoff=max_distance)
                if distance <= max_distance:
                    found.append((i, distance))
        return found

    def far_candidates_by_prob(self, word: str) -> list[tuple[float, str, int]]:
        """Listed words of ``FAR_MIN_LENGTH`` letters or more within ``FAR_DISTANCE`` edits of
        ``word``, as ``candidates_by_prob`` gives them (log P, word, distance; likeliest first).

        The delete index reaches two edits; a long word OCR misread in three places (the heavy
        scan's ``прозивовоздукиой``) needs a third. Three edits leave one half of the word meant
        (``far_index``) at most one edit from the part of ``word`` it aligns with, which starts
        or ends at most a letter away from where the half would. So, for each length the word
        meant may have, as many of ``word``'s first letters as its first half has, and of its
        last as its second, are looked up among the halves (each with one letter deleted or
        none), and what they find is verified. A part shifted by a letter differs from the half
        by a letter added at one end and one lost at the other: a deletion on each side meets.
        """
        words, log_probs = self.words, self._log_probs
        found = [(log_probs[i], words[i], distance) for i, distance in self._far_ids(word, far_keys(word))]
        found.sort(reverse=True)
        return found

    def _far_ids(self, word: str, keys: set[str]) -> list[tuple[int, int]]:
        """(id, distance) of the words ``keys`` find in the far index, in C when it is built."""
        if _native_ids_of_keys is not None:
            found: list[tuple[int, int]] = _native_ids_of_keys(
                word, keys, FAR_DISTANCE, self.far, self.words, self._lengths
            )
            return found
        return self._ids_of_keys_python(word, keys, self.far, FAR_DISTANCE)


def yo_prefixes(morph: Any) -> frozenset[str]:
    """Every OpenCorpora form with ``ё``, spelt with ``е``, cut after its first ``ё`` at each
    length: a string that starts such a form only so (a shorter one starts it as spelt too).
    About 200,000 strings from 127,000 forms; a second or so to gather, once, at build time."""
    out: set[str] = set()
    for form in morph.dictionary.words.iterkeys():  # a DAWG: no iteration of its own
        first = form.find("ё")
        if first >= 0:
            spelt = form.replace("ё", "е")
            out.update(spelt[:end] for end in range(first + 1, len(spelt) + 1))
    return frozenset(out)


def far_index(words: list[str]) -> dict[str, Any]:
    """Each listed word of ``FAR_MIN_LENGTH`` letters or more by its halves (the first
    ``len // 2`` letters, and the rest), each as written and with any one letter deleted, keyed
    with the word's length and the side (``_far_keys``): ``Lexicon.far_candidates_by_prob``."""
    index: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        length = len(word)
        if length < FAR_MIN_LENGTH:
            continue
        head = length // 2
        for key in _far_keys(length, "<", word[:head]) | _far_keys(length, ">", word[head:]):
            index.setdefault(key, []).append(i)
    return {k: v[0] if len(v) == 1 else array("i", v).tobytes() for k, v in index.items()}


def far_keys(word: str) -> set[str]:
    """What ``Lexicon.far_candidates_by_prob`` looks up in the far index for ``word``."""
    n = len(word)
    keys: set[str] = set()
    for length in range(max(FAR_MIN_LENGTH, n - FAR_DISTANCE), n + FAR_DISTANCE + 1):
        head = length // 2
        keys |= _far_keys(length, "<", word[:head])
        keys |= _far_keys(length, ">", word[max(0, n - (length - head)) :])
    return keys


def _far_keys(length: int, side: str, part: str) -> set[str]:
    """The far index's keys for ``part`` of a word of ``length`` letters: as written and with any
    one letter deleted (one edit of a part leaves one of these in common with the part read)."""
    prefix = chr(0x30 + length) + side
    keys = {prefix + part}
    keys.update(prefix + part[:i] + part[i + 1 :] for i in range(len(part)))
    return keys


def delete_index(words: list[str]) -> dict[str, Any]:
    """SymSpell's index: each delete of a word's prefix -> the indexes of the words it comes
    from (one int, or several packed as native int32 bytes: compact to cache and to load)."""
    deletes: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        for key in _deletes(word[:PREFIX_LENGTH], MAX_DISTANCE):
            deletes.setdefault(key, []).append(i)
    return {k: v[0] if len(v) == 1 else array("i", v).tobytes() for k, v in deletes.items()}


def _deletes(word: str, max_distance: int) -> set[str]:
    """``word`` and every string up to ``max_distance`` deletions from it (none below length 1)."""
    n = len(word)
    if max_distance in (1, 2):
        # The same set as the general loop below, without building it level by level: this
        # runs for every unknown word of a page.
        if n < 2:
            return {word}
        out = {word[:i] + word[i + 1 :] for i in range(n)}
        out.add(word)
        if max_distance == 2 and n > 2:
            out.update(word[:i] + word[i + 1 : j] + word[j + 1 :] for i in range(n - 1) for j in range(i + 1, n))
        return out
    out = {word}
    frontier = {word}
    for _ in range(max_distance):
        following: set[str] = set()
        for item in frontier:
            if len(item) > 1:
                following.update(item[:i] + item[i + 1 :] for i in range(len(item)))
        out |= following
        frontier = following
    return out


def read_frequency(path: Path) -> dict[str, int]:
    """SymSpell "word count" lines; a missing file is an error, not an empty dictionary."""
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    return counts


def read_lexicon(path: Path) -> dict[str, tuple[str, str]]:
    """lexicon.txt rows as {lower-case form: (written form, kind)}."""
    rows: dict[str, tuple[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        form, kind, *_ = line.split("\t")
        rows.setdefault(form.lower(), (form, kind))
    return rows


def read_confusions(path: Path) -> list[Confusion]:
    """confusions.tsv rows (ocr, truth, count, prob, source) as Confusion records."""
    out: list[Confusion] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        ocr, truth, _count, prob, *_ = line.split("\t")
        out.append(Confusion(ocr, truth, float(prob)))
    return out


def lower_confusions(confusions: list[Confusion]) -> dict[tuple[str, str], float]:
    """Case-folded word-level channel: P(ocr | truth) over lower-case strings, case-only pairs dropped."""
    table: dict[tuple[str, str], float] = {}
    for c in confusions:
        key = (c.ocr.lower(), c.truth.lower())
        if key[0] == key[1] or not (key[0].isalpha() and key[1].isalpha()):
            continue
        table[key] = max(table.get(key, 0.0), c.prob)
    return table


def _hash_sources(models_dir: Path) -> str:
    digest = hashlib.sha256(INDEX_VERSION.encode())
    # The indexes' shapes: a cache built with other ones is stale too.
    digest.update(f"{PREFIX_LENGTH},{MAX_DISTANCE},{FAR_MIN_LENGTH}".encode())
    # The part-of-speech tables come from pymorphy3's dictionary: a new one rebuilds them.
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        digest.update(importlib.metadata.version("pymorphy3-dicts-ru").encode())
    for name in SOURCES:
        digest.update((models_dir / name).read_bytes())
    return digest.hexdigest()[:16]


def _realword_map(
    counts: dict[str, int], table: dict[tuple[str, str], float], known: Callable[[str], bool] | None = None
) -> dict[str, tuple[str, float]]:
    """For each listed word, the likelier word one confusion away: {read: (meant, log gain)}.

    log gain = log P(meant) + log P(read | meant) - log P(read); only positive gains are kept,
    the corrector applies its own margin. Words of four letters or more; with ``known``
    (OpenCorpora's word test), also three-letter ones it does not know, for a word it knows:
    the frequency list's own misreadings of short words (еше, опи, ити for еще, они, эти).
    """
    by_ocr: dict[str, list[tuple[str, float]]] = {}
    for (ocr, truth), prob in table.items():
        if prob >= REALWORD_MIN_PROB and len(ocr) == 1:
            by_ocr.setdefault(ocr, []).append((truth, math.log(prob)))
    out: dict[str, tuple[str, float]] = {}
    for word, count in counts.items():
        short = len(word) == SHORT_REALWORD_LENGTH
        if len(word) < 4 and not (short and known is not None and not known(word)):
            continue
        best: tuple[str, float] | None = None
        for i, ch in enumerate(word):
            for truth, log_p in by_ocr.get(ch, ()):
                meant = word[:i] + truth + word[i + 1 :]
                other = counts.get(meant)
                if not other or short and known is not None and not known(meant):
                    continue
                gain = math.log(other / count) + log_p
                if gain > 0 and (best is None or gain > best[1]):
                    best = (meant, gain)
        if best:
            out[word] = best
    return out


def _pos_tables(words: list[str], morph: Any) -> tuple[dict[str, str], frozenset[str]]:
    """pymorphy3's likeliest part of speech (INDEXED_POS only) and abbreviation readings of listed words.

    Tagging takes ~0.1 ms a word: done once here (about ten seconds) instead of on every page.
    """
    function_pos: dict[str, str] = {}
    abbreviations: set[str] = set()
    for word in words:
        tags = morph.tag(word)
        pos = tags[0].POS
        if pos in INDEXED_POS:
            function_pos[word] = str(pos)  # pymorphy3 hands out a str subclass marshal refuses
        if any("Abbr" in t for t in tags):
            abbreviations.add(word)
    return function_pos, frozenset(abbreviations)


def build_lexicon(models_dir: Path) -> Lexicon:
    """Read the model files and build the index (seconds; ``load_lexicon`` caches the result)."""
    for name in SOURCES:
        if not (models_dir / name).is_file():
            raise FileNotFoundError(f"{models_dir / name}: model file missing; rebuild it with models/build_*.py")
    counts = read_frequency(models_dir / "ru_frequency.txt")
    # Probabilities are relative to the frequency list alone: the domain floors below are
    # pseudo-counts, and a longer lexicon must not make every other word a little less likely.
    total = float(sum(counts.values()))
    domain_rows = read_lexicon(models_dir / "lexicon.txt")
    confusions = read_confusions(models_dir / "confusions.tsv")
    for lower, (_form, kind) in domain_rows.items():
        if kind not in ABBREVIATION_KINDS and " " not in lower:
            floor = FORMULA_FLOOR if kind == "formula" else DOMAIN_FLOOR
            counts[lower] = max(counts.get(lower, 0), floor)
    words = list(counts)
    compact = delete_index(words)
    far = far_index(words)
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    # The domain's forms count as known: a listed initialism (КНА) is no misread short word.
    realword = _realword_map(
        counts, lower_confusions(confusions), lambda w: w in domain_rows or bool(morph.word_is_known(w))
    )
    function_pos, abbreviations = _pos_tables(words, morph)
    yo = yo_prefixes(morph)
    return Lexicon(
        words=words,
        counts=counts,
        total=total,
        domain={k: v[0] for k, v in domain_rows.items()},
        domain_kind={k: v[1] for k, v in domain_rows.items()},
        confusions=confusions,
        deletes=compact,
        far=far,
        realword=realword,
        function_pos=function_pos,
        abbreviations=abbreviations,
        yo_prefixes=yo,
        backwards=sorted(w[::-1] for w in words),
    )


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load_cached(models_dir: Path) -> Lexicon:
    key = _hash_sources(models_dir)
    cache = models_dir / "cache" / f"lexicon-{key}.marshal"
    if cache.is_file():
        try:
            data = marshal.loads(cache.read_bytes())
            return Lexicon(**data, sources_hash=key)
        except (EOFError, ValueError, TypeError) as e:
            log.warning("%s: unreadable index cache, rebuilding (%s)", cache, e)
    lexicon = build_lexicon(models_dir)
    lexicon.sources_hash = key
    data = {
        "words": lexicon.words,
        "counts": lexicon.counts,
        "total": lexicon.total,
        "domain": lexicon.domain,
        "domain_kind": lexicon.domain_kind,
        "confusions": [],
        "deletes": lexicon.deletes,
        "far": lexicon.far,
        "realword": lexicon.realword,
        "function_pos": lexicon.function_pos,
        "abbreviations": lexicon.abbreviations,
        "yo_prefixes": lexicon.yo_prefixes,
        "backwards": lexicon.backwards,
    }
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(marshal.dumps(data))
        tmp.replace(cache)  # atomic: a concurrent loader never sees half a file
        for stale in cache.parent.glob("lexicon-*.marshal"):
            if stale != cache:
                stale.unlink(missing_ok=True)  # built from older model files
    except OSError as e:
        log.warning("%s: cannot write index cache (%s)", cache, e)
    return lexicon


def load_lexicon(models_dir: Path | None = None) -> Lexicon:
    """The models in ``models_dir`` (default: the repository's ``models/``), memoised per process."""
    directory = (models_dir or DEFAULT_MODELS_DIR).resolve()
    with _lock:
        lexicon = _load_cached(directory)
    if not lexicon.confusions:
        # Confusion rows are tiny; reading them each time keeps the marshal payload plain data.
        lexicon.confusions = read_confusions(directory / "confusions.tsv")
    return lexicon
