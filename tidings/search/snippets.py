"""Highlighted snippets, built in Python from the stored plain text (identical on both backends).

Everything is escaped first; <mark> is the only markup added. Matching is on folded text
(lower case, full-width letters and digits as ASCII: the part of the index's NFKC that words
need), which keeps positions, so marks land on the original characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape

from tidings.lib.cjk import CJK as _CJK
from tidings.search.text import html_text

SNIPPET_CHARS = 120
# Full-width letters and digits, the part of NFKC that words need: a fold that keeps every
# position (NFKC of a whole body costs about 1 ms per 3,000 characters, for every result).
_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).lower()


def _letter(ch: str) -> bool:
    """A letter that is not CJK: Latin words are indexed whole, from their first letter."""
    return ch.isalpha() and not _CJK.match(ch)


def _folded(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, the index of its original character."""
    whole = text.lower()
    if len(whole) == len(text):  # nearly always: case and width folding map one to one
        if _WIDE.search(whole):
            whole = _WIDE.sub(lambda m: chr(ord(m.group()) - 0xFEE0), whole)
        return whole, list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        f = ch if ch.isascii() and not ch.isupper() else _fold(ch)
        out.append(f)
        origin.extend([i] * len(f))
    return "".join(out), origin


def _spans(text: str, words: list[str], first_only: bool = False) -> list[tuple[int, int]]:
    """Original-text (start, end) of every occurrence of any word, merged where they overlap
    (with first_only, the earliest occurrence of each word)."""
    folded, origin = _folded(text)
    found: list[tuple[int, int]] = []
    for w in words:
        if not w:
            continue
        # Latin words match from a word start, as the index does ("the" is not marked in "then").
        word_start = _letter(w[0])
        at = folded.find(w)
        while at != -1:
            if not (word_start and at > 0 and _letter(folded[at - 1])):
                found.append((origin[at], origin[at + len(w) - 1] + 1))
                if first_only:
                    break
            at = folded.find(w, at + len(w))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


_CAPTION = re.compile(r"<figcaption\b[^>]*>.*?</figcaption>", re.S | re.I)
# A sentence: up to its end mark (and closing quotes or brackets), or a line.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*[”’」』）)]*")
_CLOSES = tuple("。！？!?；;”’」』）)")


def snippet_text(summary: str, body_html: str) -> str:
    """What a snippet may quote: the summary, then the body's text without image captions, each
    sentence once (a summary is often the body's first sentences, which a snippet must not show
    twice). Chinese sentences are joined as written; others with a space."""
    text = f"{summary}\n{html_text(_CAPTION.sub('', body_html))}"
    seen: set[str] = set()
    out: list[str] = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group().strip()
        key = "".join(sentence.split())
        if not key or key in seen:
            continue
        seen.add(key)
        if out and not out[-1].endswith(_CLOSES):
            out.append(" ")
        out.append(sentence)
    return "".join(out)


def highlight(text: str, words: list[str]) -> Markup:
    """The whole text, escaped, with every occurrence of the words in <mark>."""
    return _marked(text, _spans(text, words), 0, len(text))


def snippet(text: str, words: list[str], size: int = SNIPPET_CHARS) -> Markup:
    """About `size` characters around the first occurrence of a word, escaped, words in <mark>.
    Without an occurrence (a Latin word found as a prefix only), the start of the text."""
    text = " ".join(text.split())
    firsts = _spans(text, words, first_only=True)
    first = firsts[0][0] if firsts else 0
    start = max(0, first - size // 3)
    end = min(len(text), start + size)
    start = max(0, min(start, end - size))
    # Mark the words within the window (a few characters either side, for words cut by its edges).
    lo, hi = max(0, start - 20), min(len(text), end + 20)
    spans = [(s + lo, e + lo) for s, e in _spans(text[lo:hi], words)]
    out = _marked(text, spans, start, end)
    return Markup("…" if start > 0 else "") + out + Markup("…" if end < len(text) else "")


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> Markup:
    parts: list[str] = []
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(str(escape(text[at:s])))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        at = e
    parts.append(str(escape(text[at:end])))
    return Markup("".join(parts))
