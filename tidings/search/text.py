"""Text → tokens, the same on both backends (docs/architecture.md "Search").

Documents: the text is normalised (NFKC, lower case); each run of CJK characters, and each run
of digits, becomes its overlapping 2-character tokens plus the run's last character ("联合国" →
联合 合国 国, "1998" → 19 99 98 8); other letters make words ("iphone15" → iphone 15 5).

Queries: whitespace separates terms (all must match). Each term becomes a phrase of the same
tokens, so a match means the term occurs as a substring of the normalised text (CJK and digits
anywhere; Latin words from a word start): a CJK run that ends the term gives its bigrams but not the
trailing token (the document's run may go on), and a single character or a word that ends the
term is a prefix ("党" → 党*: every bigram starting with 党, and 党 closing a run). Punctuation
and query syntax (" * ( ) : ^ - AND OR NEAR) are only text here: tokens hold letters, digits
and CJK characters only, so no user input can reach the full-text engines as syntax.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from tidings.lib.cjk import CJK_RANGES

# Han, kana and Hangul (tidings.lib.cjk): no spaces between words.
CJK = CJK_RANGES
_PIECE = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<num>\d+)|(?P<word>[^\W\d_{CJK}]+)")
MAX_WORD = 60  # longer Latin "words" are cut to this many characters (both sides)
MAX_QUERY_CHARS = 100
MAX_TERMS = 8

_BLOCK_END = re.compile(r"<(?:br|hr|/p|/h\d|/li|/blockquote|/figcaption|/pre|/tr|/td|/th|/div|/figure)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")


def normalize(text: str) -> str:
    # The quick check is ~1000× cheaper than normalising text that is already in NFKC (most is).
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


def html_text(body_html: str) -> str:
    """The readable text of sanitised article HTML: block ends become line breaks, tags go."""
    return html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", body_html))).strip()


def doc_tokens(text: str) -> list[str]:
    """Index tokens of one field, in order (positions matter for phrases)."""
    out: list[str] = []
    for m in _PIECE.finditer(normalize(text)):
        run = m.group("cjk") or m.group("num")
        if run:
            if len(run) > 1:
                out.extend([run[i : i + 2] for i in range(len(run) - 1)])
            out.append(run[-1])
        else:
            out.append(m.group()[:MAX_WORD])
    return out


@dataclass(frozen=True)
class Term:
    """One whitespace-separated part of a query: its text (normalised) and its phrase of tokens."""

    text: str
    tokens: tuple[str, ...]
    prefix: bool  # the last token matches as a prefix


@dataclass(frozen=True)
class Query:
    raw: str
    terms: tuple[Term, ...]

    @property
    def words(self) -> list[str]:
        """The terms as typed (normalised), for highlighting."""
        return [t.text for t in self.terms]


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in words for the reader."""


def term_tokens(term: str) -> tuple[tuple[str, ...], bool]:
    pieces = list(_PIECE.finditer(term))
    tokens: list[str] = []
    prefix = False
    for n, m in enumerate(pieces):
        last = n == len(pieces) - 1
        run = m.group("cjk") or m.group("num")
        if run:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            if len(run) == 1 or not last:
                # A single character, or a run the term continues after: it ends a run in the text.
                tokens.append(run[-1])
            prefix = last and len(run) == 1
        else:
            tokens.append(m.group()[:MAX_WORD])
            prefix = last
    return tuple(tokens), prefix


def parse(raw: str) -> Query:
    """The query of a search box. Raises QueryError when it is too long; a query without any
    letter, digit or CJK character gives no terms (the caller shows the empty-query page)."""
    text = normalize(raw or "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"搜索词太长：最多 {MAX_QUERY_CHARS} 个字符。")
    terms: list[Term] = []
    for part in dict.fromkeys(text.split()):
        tokens, prefix = term_tokens(part)
        if tokens:
            terms.append(Term(part, tokens, prefix))
    if len(terms) > MAX_TERMS:
        raise QueryError(f"搜索词太多：最多 {MAX_TERMS} 个（用空格分开）。")
    return Query(raw or "", tuple(terms))


def fts5_match(query: Query) -> str:
    """SQLite FTS5 MATCH string: each term a quoted phrase (prefix '*'), joined with AND."""
    return " AND ".join(f'"{" ".join(t.tokens)}"' + ("*" if t.prefix else "") for t in query.terms)


def tsquery(query: Query) -> str:
    """PostgreSQL tsquery literal: each term a <-> phrase (prefix ':*'), joined with &."""
    parts = []
    for t in query.terms:
        lexemes = [f"'{tok}'" for tok in t.tokens]
        if t.prefix:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


# PostgreSQL keeps positions up to 16383 and 256 positions per lexeme (docs/performance.md).
PG_MAX_POS = 16383
PG_MAX_POSITIONS = 256


def tsvector(title: list[str], body: list[str]) -> tuple[str, str]:
    """tsvector literals (all fields; title alone) with positions; title tokens weigh 'A'."""
    positions: dict[str, list[str]] = {}
    for i, tok in enumerate(title, 1):
        positions.setdefault(tok, []).append(f"{min(i, PG_MAX_POS)}A")
    title_lit = " ".join(f"'{t}':{','.join(p[:PG_MAX_POSITIONS])}" for t, p in positions.items())
    start = len(title) + 2  # a gap: no phrase spans the title and the body
    for i, tok in enumerate(body, start):
        positions.setdefault(tok, []).append(str(min(i, PG_MAX_POS)))
    all_lit = " ".join(f"'{t}':{','.join(p[:PG_MAX_POSITIONS])}" for t, p in positions.items())
    return all_lit, title_lit
