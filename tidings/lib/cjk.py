"""What counts as a CJK (and a Han) character: the one definition every module uses.

Search tokenises runs of CJK characters into bigrams (tidings.search.text), the importer and the
studio decide an article's language from the share of Han characters, and slugs are made only
from Latin titles.
"""

from __future__ import annotations

import re

from django.utils.text import slugify

# Han ideographs: extension A, the unified block, compatibility ideographs, and the supplementary
# planes (extensions B–H: rare characters in names and classical quotations).
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Japanese kana and Korean hangul join Han in the CJK runs that search splits into bigrams.
CJK_RANGES = "\u3040-\u30ff" + HAN_RANGES + "\uac00-\ud7af"

HAN = re.compile(f"[{HAN_RANGES}]")
# The unified block alone: the characters of everyday text (the demo writer's word pools).
COMMON_HAN = re.compile("[\u4e00-\u9fff]")
CJK = re.compile(f"[{CJK_RANGES}]")
LATIN = re.compile(r"[A-Za-z]")
DEFAULT_LANG = "zh-Hans"


# 字数 as Chinese editors count it: each CJK character, and each run of Latin letters or digits
# (a word or a number) as one. static/js/studio.js counts the same way.
_COUNTED = re.compile(f"[{CJK_RANGES}]|[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")


def count_words(text: str) -> int:
    return len(_COUNTED.findall(text))


def han_count(text: str) -> int:
    return len(HAN.findall(text))


def detect_lang(prose: str) -> str:
    """`en` when the prose has almost no Han characters (< 5 % of letters), else zh-Hans."""
    han = han_count(prose)
    latin = len(LATIN.findall(prose))
    if han + latin == 0:
        return DEFAULT_LANG
    return "en" if han < 0.05 * (han + latin) else DEFAULT_LANG


def url_slug(slug: str | None, title: str) -> str:
    """Article.slug (cosmetic, after the id in URLs): the slug's ASCII part, or a Latin title's."""
    source = slug or ("" if HAN.search(title) else title)
    return slugify(source)[:120].strip("-")
