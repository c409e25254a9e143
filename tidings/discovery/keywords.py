"""Keywords of an article: TF-IDF over its segmented text, with the IDF learned from the site's own
corpus (DocumentFrequency), merged with the creator's tags.

    tf(t)   = (3·[t in title] + 2·[t in summary] + count in body) / len(weighted text)
    idf(t)  = ln((N + 1) / (df(t) + 1)) + 1
    keyword weight = tf·idf, top KEYWORDS_PER_ARTICLE terms; each tag gets TAG_BOOST × the top
    weight; the vector is scaled to unit length, so the dot product of two articles is their cosine.

Segmentation is rjieba (Rust jieba) with part-of-speech tags: nouns, names, places, organisations,
verbal nouns and English words are kept; single characters, numbers and stopwords are dropped.
The creator's tags are added to the segmenter's dictionary first, so a tag like 碳中和 is one term.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import rjieba

KEYWORDS_PER_ARTICLE = 10
TAG_BOOST = 1.5
TITLE_WEIGHT = 3
SUMMARY_WEIGHT = 2
MAX_KEYWORD_LENGTH = 40
# Nouns (n, nr, ns, nt, nz, nrt, nw), verbal and adjectival nouns (vn, an), idioms and
# abbreviations (i, l, j), English words (eng).
KEEP_POS = {"n", "nr", "ns", "nt", "nz", "nrt", "nw", "vn", "an", "i", "l", "j", "eng"}
_STOPWORDS_TEXT = """
    我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 什么 怎么 如何 为什么 可以 已经 没有 还是 就是
    但是 因为 所以 如果 虽然 而且 以及 或者 其中 之一 方面 情况 问题 时候 时间 今年 去年 明年 目前 现在
    记者 表示 认为 介绍 进行 工作 相关 有关 通过 开展 推进 提升 加强 重要 主要 一些 一个 部分 方式
    the and for with that this from are was were have has had not but they their them its his her
    into about which when where what who will would could should can may also more most than then
    there these those been being our out over under after before new one two said says year years
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_TAG_RE = re.compile(r"<[^>]+>")
_URL_UNSAFE = re.compile(r"[/\\?#%]")  # a keyword is a path segment of /t/<keyword>/
_NUMERIC = re.compile(r"^[\d.,%％万亿千百]+$")


def plain_text(body_html: str) -> str:
    """The words of rendered HTML (tags dropped, entities decoded)."""
    return html.unescape(_TAG_RE.sub(" ", body_html))


def _keep(word: str, pos: str) -> bool:
    if pos not in KEEP_POS or len(word) < 2 or len(word) > MAX_KEYWORD_LENGTH:
        return False
    if _NUMERIC.match(word):
        return False
    if pos == "eng":
        return len(word) >= 3 and word.isalpha() and word.lower() not in STOPWORDS
    return word not in STOPWORDS


def terms(text: str) -> list[str]:
    """The kept terms of a text, in order (English lower-cased)."""
    out = []
    for word, pos in rjieba.tag(text):
        word = word.strip()
        if _keep(word, pos):
            out.append(word.lower() if pos == "eng" else word)
    return out


def learn_tags(tags: Iterable[str]) -> None:
    """Teach the segmenter the creators' tags, so that each is segmented as one term."""
    for tag in tags:
        tag = str(tag).strip()
        if 2 <= len(tag) <= MAX_KEYWORD_LENGTH and not tag.isascii() and not rjieba.has_word(tag):
            rjieba.add_word(tag, 50, "nz")


@dataclass
class Doc:
    """An article's weighted term counts and its tags, ready for TF-IDF."""

    counts: Counter[str]
    tags: list[str]

    @property
    def vocabulary(self) -> set[str]:
        return set(self.counts)


def document(title: str, summary: str, body_html: str, tags: Iterable[object]) -> Doc:
    counts: Counter[str] = Counter()
    for term in terms(title):
        counts[term] += TITLE_WEIGHT
    for term in terms(summary):
        counts[term] += SUMMARY_WEIGHT
    counts.update(terms(plain_text(body_html)))
    clean_tags = []
    for tag in tags:
        t = str(tag).strip()
        t = t.lower() if t.isascii() else t
        if t and len(t) <= MAX_KEYWORD_LENGTH and not _URL_UNSAFE.search(t) and t not in clean_tags:
            clean_tags.append(t)
    return Doc(counts, clean_tags)


def vector(doc: Doc, df: Mapping[str, int], n_docs: int, k: int = KEYWORDS_PER_ARTICLE) -> list[tuple[str, float]]:
    """The article's keywords with unit-length weights, strongest first."""
    total = sum(doc.counts.values()) or 1
    scored = {
        term: (count / total) * (math.log((n_docs + 1) / (df.get(term, 0) + 1)) + 1)
        for term, count in doc.counts.items()
    }
    top = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    weights = dict(top)
    ceiling = top[0][1] if top else 1.0
    for tag in doc.tags:
        weights[tag] = max(weights.get(tag, 0.0), TAG_BOOST * ceiling)
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return sorted(((t, w / norm) for t, w in weights.items()), key=lambda kv: (-kv[1], kv[0]))
