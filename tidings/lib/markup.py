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

# Attributes holding URLs that Ammonia does not check itself (it checks href and src).
_URL_LIST_ATTRIBUTES = {"srcset"}
_URL_ATTRIBUTES = {"cite"}
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these before reading the scheme


def allowed_url(url: str) -> bool:
    """True for a relative URL or one whose scheme is in URL_SCHEMES, as Ammonia rules href/src."""
    scheme = _SCHEME.match(_IGNORED_IN_URLS.sub("", url))
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """srcset and cite obey the same scheme allow-list as href and src: else the attribute goes."""
    if attribute in _URL_ATTRIBUTES:
        return value if allowed_url(value) else None
    if attribute in _URL_LIST_ATTRIBUTES:
        # "url 1x, url 2x": every candidate must pass, read with its white space dropped as a browser
        # drops tabs inside a URL ("java\tscript:"). A comma inside a URL (data:…,…) splits it, and
        # the piece before the comma still carries the refused scheme.
        urls = (piece for piece in value.split(",") if piece.strip())
        return value if all(allowed_url(u) for u in urls) else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=URL_SCHEMES,
    link_rel=None,
    strip_comments=True,
)
_external_link = re.compile(r'<a href="((?:https?:)?//[^"]*)"')


def sanitize(html: str) -> str:
    """Allow-list sanitising; links to other sites get rel="nofollow ugc noopener"."""
    clean = _cleaner.clean(bound_nesting(html))
    return _external_link.sub(lambda m: f'<a href="{m.group(1)}" rel="{EXTERNAL_REL}"', clean)


# Elements open inside each other at most this deep; deeper start tags (and their end tags) are
# dropped, their text kept. Browsers cap the tree too (Chromium at 512). Markdown's own nesting
# stops at 20 levels (markdown-it's maxNesting), so only raw HTML comes near this.
MAX_DEPTH = 100

_WS = "\t\n\f\r "  # HTML's white space (Python's \s has more, and a parser would disagree)
# A start or end tag as the HTML tokeniser reads it, state by state, with atomic groups so that
# there is no second reading: the name runs to white space, "/" or ">"; an attribute name may
# start with "="; after "name =" a value must follow; a ">" inside quotes does not end the tag.
_TAG = re.compile(
    rf"</?([a-zA-Z][^{_WS}/>]*+)"
    rf"(?:[{_WS}/]|[^{_WS}/>][^{_WS}/>=]*+"
    rf"(?:[{_WS}]*+=[{_WS}]*+(?:\"[^\"]*+\"|'[^']*+'|[^{_WS}>\"'][^{_WS}>]*+|(?=>))|(?![{_WS}]*+=)))*+>"
)
_COMMENT = re.compile(r"<!--(?:-?>|.*?(?:--!?>|\Z))", re.S)
_BOGUS = re.compile(r"<(?:[!?]|/(?![a-zA-Z]))[^>]*+>?")  # doctype, CDATA, <?…>, </ …>: comments to a parser
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    "param", "keygen", "basefont", "bgsound", "frame", "image",
}  # fmt: skip
# Content the sanitiser removes whole is removed here with it, up to the first end tag; text-only
# elements (<textarea>, <title>…) keep their content as text, as a parser reads it.
_REMOVED = {"script", "style", "iframe", "object", "template", "noscript", "svg", "math", "noembed", "noframes"}
_TEXT_ONLY = {"textarea", "title", "xmp", "plaintext"}
# An open element ends where one of these starts (the parser's implied end tags); None: blocks.
_IMPLIED_END: dict[str, set[str] | None] = {
    "p": None, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"},
}  # fmt: skip
_CLOSES_P = {
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p", "section", "summary",
    "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "listing", "form", "table", "hr", "li", "dd", "dt",
}  # fmt: skip


def bound_nesting(html: str) -> str:
    """The same HTML rewritten so that the sanitiser's parser stays linear in its length.

    html5ever (inside nh3) walks the stack of open elements on many start and end tags, as the
    HTML standard says, so n nested <div>s cost n² steps (a 200 KB body of them took 2–5 s).
    This pass reads tags as the parser's tokeniser does (a `<` that opens no tag becomes `&lt;`;
    comments, removed elements and a tag cut off by the end go) and writes balanced markup no
    deeper than MAX_DEPTH. It decides nothing about safety: the sanitiser reads all it writes.
    """
    out: list[str] = []
    stack: list[str] = []
    dropped: dict[str, int] = {}
    pos, n = 0, len(html)
    while pos < n:
        lt = html.find("<", pos)
        if lt < 0:
            out.append(html[pos:])
            break
        out.append(html[pos:lt])
        opens_tag = html[lt + 1 : lt + 2].isalpha() or (
            html[lt + 1 : lt + 2] == "/" and html[lt + 2 : lt + 3].isalpha()
        )
        if not opens_tag:
            m = _COMMENT.match(html, lt) or _BOGUS.match(html, lt)
            if m:
                pos = m.end()
            else:
                out.append("&lt;")
                pos = lt + 1
            continue
        m = _TAG.match(html, lt)
        if m is None or not m.group(1).isascii():
            if m is None:
                break  # a tag cut off by the end of the text: the parser drops it and all after it
            out.append("&lt;")  # isalpha() took a non-ASCII letter: text to the parser
            pos = lt + 1
            continue
        pos = m.end()
        name = m.group(1).lower()
        if html[lt + 1] == "/":
            _close(stack, out, dropped, name)
        elif name in _REMOVED:
            pos = _end_of(html, name, pos, keep=False)
        elif name in _TEXT_ONLY:
            end = n if name == "plaintext" else _end_of(html, name, pos, keep=True)
            out.append(html[pos:end].replace("&", "&amp;").replace("<", "&lt;"))
            pos = _end_of(html, name, end, keep=False)
        elif name in _VOID:
            out.append(m.group(0))
        else:
            _close_implied(stack, out, name)
            if len(stack) >= MAX_DEPTH:
                dropped[name] = dropped.get(name, 0) + 1
            else:
                out.append(m.group(0))
                stack.append(name)
    out.extend(f"</{name}>" for name in reversed(stack))
    return "".join(out)


def _close(stack: list[str], out: list[str], dropped: dict[str, int], name: str) -> None:
    """An end tag: it ends a dropped element, or closes `name` and what is open inside it."""
    if dropped.get(name):
        dropped[name] -= 1
    elif name in stack:
        while stack:
            top = stack.pop()
            out.append(f"</{top}>")
            if top == name:
                break


def _end_of(html: str, name: str, start: int, *, keep: bool) -> int:
    """Where the content of the raw element `name` opened before `start` ends (keep=True: before
    its end tag, else after it); the end of the text when it is never closed."""
    m = re.compile(rf"</{name}(?=[{_WS}/>])[^>]*+>?", re.I).search(html, start)
    if m is None:
        return len(html)
    return m.start() if keep else m.end()


def _close_implied(stack: list[str], out: list[str], name: str) -> None:
    """Close what the parser closes implicitly when `name` starts: an open <p> before a block, an
    open <li> before the next <li>. Simple cases only; a case missed counts toward MAX_DEPTH."""
    while stack and stack[-1] in _IMPLIED_END:
        ends = _IMPLIED_END[stack[-1]]
        if not (name in _CLOSES_P if ends is None else name in ends):
            return
        out.append(f"</{stack.pop()}>")


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


def render_markdown(
    text: str,
    resolve_image: ImageResolver | None = None,
    *,
    resolver_for: Callable[[list[str]], ImageResolver] | None = None,
) -> str:
    """Render article Markdown to sanitised HTML.

    Images resolve through `resolve_image`, or through the one `resolver_for` returns when given
    every image source of the text (so that a caller can look them all up at once, without
    parsing the Markdown a second time).
    """
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
    if resolver_for is not None:
        sources = [
            str(child.attrGet("src") or "")
            for token in tokens
            for child in token.children or []
            if child.type == "image"
        ]
        resolve_image = resolver_for(sources)
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
