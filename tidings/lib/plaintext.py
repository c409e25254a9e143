"""Plain text a reader wrote (跟帖, report reasons) as a page shows it: line breaks kept (CSS
white-space: pre-line), http(s) addresses as links with rel="nofollow ugc noopener", nothing else
becomes markup."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# An address ends at white space, quotes, angle brackets or Chinese punctuation; trailing
# sentence punctuation is not part of it ("见 https://a.cn/x。" links https://a.cn/x).
URL = re.compile(
    r"https?://[^\s<>\"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+", re.IGNORECASE
)
_TRAILING = ".,;:!?)]}'\""


def has_link(text: str) -> bool:
    return bool(URL.search(text)) or bool(re.search(r"\bwww\.[a-z0-9-]+\.[a-z]{2,}", text, re.IGNORECASE))


def render(text: str) -> Markup:
    out: list[str] = []
    pos = 0
    for m in URL.finditer(text):
        url = m.group(0).rstrip(_TRAILING)
        end = m.start() + len(url)
        if len(url) <= len("https://"):
            continue
        out.append(str(escape(text[pos : m.start()])))
        out.append(f'<a href="{escape(url)}" rel="nofollow ugc noopener">{escape(url)}</a>')
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def snippet(text: str, length: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"
