"""Markdown → safe article HTML: markdown-it-py renders, nh3 (Ammonia) sanitises.

Run once at write time (import, publish, edit); pages print the stored result. Body headings
are shifted so that the page keeps a single h1 (the title): `#`/`##` become h2, deeper ones
h3/h4. A paragraph holding only an image becomes a <figure> with a responsive <picture>.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

# What an image renders from: a resolver returns this for a Markdown src, or None (kept as is).
ImageResolver = Callable[[str], "ResolvedImage | None"]


class ResolvedImage:
    def __init__(self, src: str, width: int, height: int, variants: Sequence[dict[str, Any]]) -> None:
        self.src = src
        self.width = width
        self.height = height
        self.variants = variants


ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup",
    "a", "img", "figure", "figcaption", "picture", "source", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "code", "pre", "abbr", "cite", "q", "small",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "source": {"srcset", "type", "sizes"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTERNAL_REL = "nofollow ugc noopener"

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)
_external_link = re.compile(r'<a href="((?:https?:)?//[^"]*)"')


def sanitize(html: str) -> str:
    """Allow-list sanitising; links to other sites get rel="nofollow ugc noopener"."""
    clean = _cleaner.clean(html)
    return _external_link.sub(lambda m: f'<a href="{m.group(1)}" rel="{EXTERNAL_REL}"', clean)


def plain_text(text: str) -> str:
    """Text for a field that must never hold markup (titles, names, mottos): tags dropped.

    Repeated until nothing changes, so that escaped markup (`&lt;script&gt;`) cannot turn back
    into a tag when the text is unescaped for storage. Control characters are dropped too.
    """
    for _ in range(PLAIN_TEXT_ROUNDS):
        clean = _CONTROL.sub("", text)
        clean = nh3.clean(clean, tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").strip()
        if clean == text:
            return text
        text = clean
    # Still changing: escaped that many times over on purpose. Whatever the last round unescaped
    # must not stand as a tag.
    return text.replace("<", "").replace(">", "")


PLAIN_TEXT_ROUNDS = 10


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_url(url: str) -> str:
    """An http(s) URL for a plain link (references), or "" for anything else (javascript:, data:…)."""
    url = url.strip()
    if not url:
        return ""
    lowered = re.sub(r"[\x00-\x20]", "", url).lower()
    if (
        not lowered.startswith(("http://", "https://"))
        or len(url) > 500
        or any(c <= " " or c in "<>\"'\\" for c in url)
    ):
        return ""
    return url


def _heading_level(tag: str) -> str:
    level = int(tag[1])
    return f"h{min(4, max(2, level + (0 if level >= 2 else 1)))}"


def _only_image(tokens: Sequence[Token], idx: int) -> Token | None:
    """The image token if the paragraph opening at idx holds nothing but one image."""
    if idx + 2 >= len(tokens) or tokens[idx + 1].type != "inline":
        return None
    children = [c for c in (tokens[idx + 1].children or []) if not (c.type == "text" and not c.content.strip())]
    if len(children) == 1 and children[0].type == "image":
        return children[0]
    return None


def render_picture(alt: str, image: ResolvedImage, title: str = "") -> str:
    """A responsive <picture>: WebP variants, a JPEG/PNG fallback, intrinsic size, lazy loading."""
    sizes = "(max-width: 720px) 100vw, 720px"
    webp = ", ".join(f"{v['url_webp']} {v['w']}w" for v in image.variants if v.get("url_webp"))
    fallback = ", ".join(f"{v['url']} {v['w']}w" for v in image.variants)
    parts = ["<picture>"]
    if webp:
        parts.append(f'<source type="image/webp" srcset="{escape(webp)}" sizes="{sizes}">')
    title_attr = f' title="{escape(title)}"' if title else ""
    parts.append(
        f'<img src="{escape(image.src)}" srcset="{escape(fallback)}" sizes="{sizes}" alt="{escape(alt)}"'
        f' width="{image.width}" height="{image.height}" loading="lazy" decoding="async"{title_attr}>'
    )
    parts.append("</picture>")
    return "".join(parts)


def article_markdown() -> MarkdownIt:
    """The one markdown-it set-up for article bodies (rendering here, the importer's and the
    studio's scans): CommonMark with raw HTML (sanitised afterwards), tables and strikethrough."""
    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


def image_sources(body_md: str) -> list[str]:
    """Every Markdown image's src in the body, in order (tables and lists included)."""
    found: list[str] = []
    for token in article_markdown().parse(body_md):
        for child in token.children or []:
            if child.type == "image":
                found.append(str(child.attrGet("src") or ""))
    return found


def render_markdown(text: str, resolve_image: ImageResolver | None = None) -> str:
    """Render article Markdown to sanitised HTML."""
    md = article_markdown()
    renderer: Any = md.renderer
    figures: set[int] = set()

    def heading_open(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return f"<{_heading_level(tokens[idx].tag)}>"

    def heading_close(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return f"</{_heading_level(tokens[idx].tag)}>\n"

    def paragraph_open(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if _only_image(tokens, idx) is not None:
            figures.add(idx + 2)
            return "<figure>"
        return "<p>"

    def paragraph_close(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if idx in figures:
            return "</figure>\n"
        return "</p>\n"

    def image(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        alt = renderer.renderInlineAsText(token.children or [], options, env)
        title = str(token.attrGet("title") or "")
        resolved = resolve_image(src) if resolve_image else None
        if resolved is not None:
            html = render_picture(alt, resolved)
        else:
            html = f'<img src="{escape(src)}" alt="{escape(alt)}" loading="lazy">'
        # In a figure the title becomes the visible caption.
        if title and env.get("in_figure"):
            html += f"<figcaption>{escape(title)}</figcaption>"
        return html

    def inline(tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        env["in_figure"] = (idx + 1) in figures
        out = renderer.renderInline(tokens[idx].children or [], options, env)
        env["in_figure"] = False
        return str(out)

    renderer.rules.update(
        heading_open=heading_open,
        heading_close=heading_close,
        paragraph_open=paragraph_open,
        paragraph_close=paragraph_close,
        image=image,
    )
    tokens = md.parse(text)
    html = _render_with_figures(md, tokens, renderer, figures, inline)
    return sanitize(html)


def _render_with_figures(md: MarkdownIt, tokens: list[Token], renderer: Any, figures: set[int], inline: Any) -> str:
    """The renderer's own loop, except that inline runs know whether they sit in a figure."""
    env: dict[str, Any] = {}
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.type == "inline":
            parts.append(inline(tokens, i, md.options, env))
        elif tok.type in renderer.rules:
            parts.append(renderer.rules[tok.type](tokens, i, md.options, env))
        else:
            parts.append(renderer.renderToken(tokens, i, md.options, env))
    return "".join(parts)
