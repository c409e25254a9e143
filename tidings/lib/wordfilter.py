"""The word filter of 跟帖: a list of entries, each "hold for review" or "refuse", matched at once.

Text and entries are normalised the same way (`normalise`) before an Aho-Corasick automaton
(ahocorasick-rs) finds every entry in one pass, so writing around an entry does not hide it:

- NFKC and case folding: full-width "ＢＡＤ", circled "ⓑⓐⓓ" and "Bad" are all "bad"; letters
  outside CJK also lose their accents ("bád" is "bad");
- spaces, punctuation, symbols (emoji too), control, zero-width and other format characters
  (U+200B–U+200D, U+2060, U+FEFF, the soft hyphen …) and combining marks are dropped: "敏 感 词",
  "敏\u200b感词" and "敏。感，词" are all "敏感词";
- Traditional characters become Simplified with OpenCC's `t2s` tables (傳銷 → 传销).

All of it is done one character at a time, through a `str.translate` table filled on demand.
On purpose: OpenCC's phrase conversion segments the text, so the same words could convert one way
as an entry and another inside a comment; per character an entry and the text always agree. It is
also several times faster than NFKC over the whole text, and lets a match be traced back to the
characters as written (for the word-boundary rule below). What it gives up: composing a letter
with a separate combining accent (the accent is dropped instead, as the precomposed letter's is).

Chinese entries match anywhere. An entry that starts (or ends) with a Latin letter or digit must
start (or end) at a word boundary of the text as written: "ass" is not found in "class" or
"assistant", but is in "an ass!", "a s s" and "ａｓｓ". Characters that take no room (zero-width,
combining marks) are looked through when finding the neighbour, so "cl\u200bass" is still one
word; a space or punctuation mark is a boundary, so a word spelt out letter by letter ("c l a s s")
does contain "ass" — the price of catching "b a d". Han, kana and hangul neighbours are boundaries
(Chinese text has no spaces): "傻ass" contains "ass".

Which entries matched is for editors and the audit log only; the writer is never shown them.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain, compress, count, repeat

import ahocorasick_rs
import opencc

from tidings.lib.cjk import CJK, HAN


class Action(StrEnum):
    HOLD = "hold"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Verdict:
    """`action` None means clean; REFUSE wins over HOLD. `words`: the entries as they were given,
    in the order they first occur in the text (for editors and the audit log, never the writer)."""

    action: Action | None
    words: tuple[str, ...]


CLEAN = Verdict(None, ())

# Categories dropped before matching: separators (Z*), punctuation (P*), symbols (S*: emoji,
# arrows, currency …), other (C*: control, format such as U+200B/U+FEFF/U+00AD, private use,
# unassigned) and the non-spacing and enclosing marks (accents, strike-through overlays,
# variation selectors).
_DROPPED_MAJOR = frozenset("ZPSC")
_MARKS = frozenset({"Mn", "Me"})
# The per-character table grows with the distinct characters seen; past this many it stops caching.
_TABLE_LIMIT = 200_000


def _dropped(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] in _DROPPED_MAJOR or category in _MARKS


def _invisible(ch: str) -> bool:
    """Takes no room on screen (zero-width, format, control, combining): looked through when
    finding a word's neighbour, unlike a space or a punctuation mark."""
    category = unicodedata.category(ch)
    return category[0] == "C" or category in _MARKS


def _is_word(ch: str) -> bool:
    """A letter or digit that joins its neighbours into one word: Latin, Greek, Cyrillic …, not CJK."""
    return ch.isalnum() and not CJK.match(ch)


_converter: opencc.OpenCC | None = None
_converter_lock = threading.Lock()


def _t2s() -> opencc.OpenCC:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                _converter = opencc.OpenCC("t2s")
    return _converter


def _normalise_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", ch).casefold())
    out = []
    for c in folded:
        if CJK.match(c):
            # Han, kana and hangul keep their NFKC form (が stays が); Han goes to Simplified.
            if HAN.match(c):
                converted = _t2s().convert(c)
                c = converted if len(converted) == 1 else c
            if not _dropped(c):
                out.append(c)
        else:
            # Other letters lose their accents ("bád" is "bad"): decompose and drop the marks.
            out.extend(d for d in unicodedata.normalize("NFKD", c) if not _dropped(d))
    return "".join(out)


class _Table(dict[int, str]):
    """`str.translate` table, filled on demand: each character's normalised form ("" when
    dropped). Normalising one character at a time keeps every result the same whatever the
    neighbours, and lets `check` map a match back to the text as written."""

    def __missing__(self, code: int) -> str:
        value = _normalise_char(chr(code))
        if len(self) < _TABLE_LIMIT:
            self[code] = value
        return value


_TABLE = _Table()


def normalise(text: str) -> str:
    """The form both entries and text are matched in, built one character at a time: NFKC and
    case folding, accents dropped from letters, spaces, punctuation, symbols, zero-width and
    format characters removed, Traditional → Simplified (OpenCC t2s)."""
    return text.translate(_TABLE)


@dataclass(frozen=True)
class _Pattern:
    action: Action
    entries: tuple[str, ...]
    # Latin letter or digit at the start / end: must meet a word boundary there.
    bounded_start: bool
    bounded_end: bool


class WordFilter:
    """Compiled once per change of the word list (about 150 ms for 10,000 entries: docs/performance.md),
    then `check` is safe to call from any number of threads."""

    def __init__(self, entries: Iterable[tuple[str, Action]]) -> None:
        # Entries that normalise alike ("傳銷", "传销") share one pattern; REFUSE wins over HOLD.
        actions: dict[str, Action] = {}
        originals: dict[str, dict[str, None]] = {}
        for entry, action in entries:
            key = normalise(entry)
            if not key:
                continue
            if actions.get(key) is not Action.REFUSE:
                actions[key] = Action(action)
            originals.setdefault(key, {})[entry] = None
        self._patterns = tuple(
            _Pattern(action, tuple(originals[key]), _is_word(key[0]), _is_word(key[-1]))
            for key, action in actions.items()
        )
        self._automaton = ahocorasick_rs.AhoCorasick(actions) if actions else None

    def __len__(self) -> int:
        """How many distinct normalised entries are matched."""
        return len(self._patterns)

    def check(self, text: str) -> Verdict:
        if self._automaton is None:
            return CLEAN
        found = self._automaton.find_matches_as_indexes(text.translate(_TABLE), overlapping=True)
        if not found:
            return CLEAN
        origins: list[int] | None = None
        first_seen: dict[int, int] = {}
        for index, start, end in found:
            if index in first_seen:  # an earlier place already counts (matches come in text order)
                continue
            pattern = self._patterns[index]
            if pattern.bounded_start or pattern.bounded_end:
                if origins is None:
                    origins = _origins(text)
                if pattern.bounded_start and not _starts_word(text, origins, start):
                    continue
                if pattern.bounded_end and not _ends_word(text, origins, end - 1):
                    continue
            first_seen[index] = start
        if not first_seen:
            return CLEAN
        order = sorted(first_seen, key=lambda index: (first_seen[index], index))
        matched = [self._patterns[index] for index in order]
        action = Action.REFUSE if any(p.action is Action.REFUSE for p in matched) else Action.HOLD
        words = tuple(dict.fromkeys(entry for p in matched for entry in p.entries))
        return Verdict(action, words)


def _origins(text: str) -> list[int]:
    """For each character of the normalised text, the index of the character it came from."""
    lengths = list(map(len, map(_TABLE.__getitem__, map(ord, text))))  # loops in C, not Python
    if max(lengths, default=0) <= 1:  # the usual case: each character kept or dropped
        return list(compress(count(), lengths))
    return list(chain.from_iterable(map(repeat, count(), lengths)))  # "ß" gives two


def _joins(ch: str, last: bool) -> bool:
    """Whether the written character `ch` is a letter or digit of a word (judged on its normalised
    form: "Ａ" is "a"), on its last (or first) side."""
    value = _TABLE[ord(ch)]
    return bool(value) and _is_word(value[-1] if last else value[0])


def _starts_word(text: str, origins: list[int], n: int) -> bool:
    """Whether the normalised character `n` begins a word of the text as written."""
    if n > 0 and origins[n - 1] == origins[n]:
        return False  # the second "s" of "ß": inside a character, so inside a word
    i = origins[n] - 1
    while i >= 0 and _invisible(text[i]):
        i -= 1
    return i < 0 or not _joins(text[i], last=True)


def _ends_word(text: str, origins: list[int], n: int) -> bool:
    """Whether the normalised character `n` ends a word of the text as written."""
    if n + 1 < len(origins) and origins[n + 1] == origins[n]:
        return False
    i = origins[n] + 1
    while i < len(text) and _invisible(text[i]):
        i += 1
    return i >= len(text) or not _joins(text[i], last=False)
