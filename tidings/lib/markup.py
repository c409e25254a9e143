"""Markdown → safe article HTML: pyromark (pulldown-cmark) parses, nh3 (Ammonia) sanitises.

Run once at write time (import, publish, edit); pages print the stored result. Body headings
are shifted so that the page keeps a single h1 (the title): `#`/`##` become h2, deeper ones
h3/h4. A paragraph holding only an image becomes a <figure> with a responsive <picture>.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import nh3
import pyromark
from markdown_it.common.normalize_url import normalizeLink, validateLink

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


def sanitize(html: str, *, balanced: Sequence[tuple[int, int, int]] = ()) -> str:
    """Allow-list sanitising; links to other sites get rel="nofollow ugc noopener".

    balanced: (start, end, depth) spans of the HTML that are balanced markup at most `depth`
    deep with no raw HTML (the Markdown renderer's own), which the nesting pre-pass may copy.
    """
    clean = _cleaner.clean(bound_nesting(html, balanced))
    return _external_link.sub(lambda m: f'<a href="{m.group(1)}" rel="{EXTERNAL_REL}"', clean)


# Elements open inside each other at most this deep; deeper start tags (and their end tags) are
# dropped, their text kept. Browsers cap the tree too (Chromium at 512). The Markdown renderer
# keeps its own elements within this bound as it writes them; bound_nesting is for raw HTML.
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
_SIMPLE_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*+)>")
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


def bound_nesting(html: str, balanced: Sequence[tuple[int, int, int]] = ()) -> str:
    """The same HTML rewritten so that the sanitiser's parser stays linear in its length.

    html5ever (inside nh3) walks the stack of open elements on many start and end tags, as the
    HTML standard says, so n nested <div>s cost n² steps (a 200 KB body of them took 2–5 s).
    This pass reads tags as the parser's tokeniser does (a `<` that opens no tag becomes `&lt;`;
    comments, removed elements and a tag cut off by the end go) and writes balanced markup no
    deeper than MAX_DEPTH. It decides nothing about safety: the sanitiser reads all it writes.

    A `balanced` span (start, end, depth: markup that closes all it opens, no deeper than depth,
    with no comment, raw text or removed element) is copied as it is when this pass would write
    it unchanged: nothing dropped so far, no implied end pending, room for its depth.
    """
    out: list[str] = []
    stack: list[str] = []
    dropped: dict[str, int] = {}
    pos, n = 0, len(html)
    spans = iter(balanced)
    span = next(spans, None)
    while pos < n:
        while span is not None and span[0] < pos:
            span = next(spans, None)  # begun inside something read already
        lt = html.find("<", pos)
        if span is not None and (lt < 0 or span[0] <= lt):
            _, end, depth = span
            span = next(spans, None)
            if (
                len(stack) + depth <= MAX_DEPTH
                and not (stack and stack[-1] in _IMPLIED_END)
                and not any(dropped.values())
            ):
                out.append(html[pos:end])
                pos = end
                continue
        if lt < 0:
            out.append(html[pos:])
            break
        out.append(html[pos:lt])
        m = _SIMPLE_TAG.match(html, lt)  # most tags, the Markdown renderer's all: no attributes
        if m is not None:
            pos = m.end()
            name = m.group(2)
            if m.group(1):
                if stack and stack[-1] == name and not dropped.get(name):
                    out.append(m.group(0))  # closes the innermost element: the common case
                    stack.pop()
                else:
                    _close(stack, out, dropped, name)
                continue
            if name in _VOID:
                out.append(m.group(0))
                continue
            if name not in _REMOVED and name not in _TEXT_ONLY:
                if stack and stack[-1] in _IMPLIED_END:
                    _close_implied(stack, out, name)
                if len(stack) >= MAX_DEPTH:
                    dropped[name] = dropped.get(name, 0) + 1
                else:
                    out.append(m.group(0))
                    stack.append(name)
                continue
            pos = lt
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


# Markdown is parsed by pyromark (pulldown-cmark, compiled): CommonMark with raw HTML, tables and
# strikethrough. Its event stream is written out here, so that our rules (headings, figures,
# pictures) are plain code and the parser's cost stays linear in the text.
MARKDOWN_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH


# pulldown-cmark ends an HTML block opened by <script>, <pre>, <style> or <textarea> only at the
# end tag in lower case (CommonMark: any case), so "<SCRIPT>…</SCRIPT>" would take the rest of the
# body with it. These end tags are read in lower case; the only visible cost is a code sample
# that shows one in capitals.
_RAW_END_TAG = re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)
# pulldown-cmark (as GitHub) strikes through text between single tildes too, with no option to
# turn it off; markdown-it did not, and Chinese writes ranges with one ("3~5 人，7~9 人"). A lone
# tilde is hidden from the parser behind a rare punctuation character (so that emphasis around it
# reads the same) that is not in the text, and put back in what the parser gives.
_LONE_TILDE = re.compile(r"(?<![~\\])(\\*)~(?!~)")  # with the backslashes before it: "\~" is text already
_TILDE_STAND_INS = "\u2e1b\u2e1e\u2e1f\u2053"  # ⸛ ⸞ ⸟ ⁓, all Unicode punctuation as "~" is


def _unchanged(text: str) -> str:
    return text


def prepare_markdown(text: str) -> tuple[str, Callable[[str], str]]:
    """The text as the parser is given it (same lines, same characters but for the two fixes
    above), and the function that puts the lone tildes back into what the parser gives."""
    text = _RAW_END_TAG.sub(lambda m: m.group(0).lower(), text)
    stand_in = next((c for c in _TILDE_STAND_INS if c not in text), None)
    if stand_in is None or "~" not in text:
        return text, _unchanged
    if "\\" in text:
        hidden = _LONE_TILDE.sub(lambda m: m.group(0) if len(m.group(1)) % 2 else m.group(1) + stand_in, text)
    else:
        hidden = _LONE_TILDE.sub(rf"\g<1>{stand_in}", text)
    return hidden, lambda parsed: parsed.replace(stand_in, "~")


def markdown_events(text: str) -> tuple[Iterator[Any], Callable[[str], str]]:
    """The parser's events for an article body, one at a time, and the function that restores
    the body's characters in their strings (prepare_markdown).

    Read them as a stream: a list of a large body's events holds hundreds of thousands of dicts,
    and the garbage collector's passes over them cost more than the parse.
    """
    text, restore = prepare_markdown(text)
    return iter(pyromark.events(text, options=MARKDOWN_OPTIONS)), restore


# A destination made only of characters that need no encoding, with a plain host: normalize_url
# returns it unchanged (tests/test_units.py compares it with markdown-it's on random strings).
_URL_CHARS = r"(?:[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]|%[0-9A-Fa-f]{2})*"
_PLAIN_URL = re.compile(
    rf"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//[A-Za-z0-9.-]+(?::[0-9]{{1,5}})?(?:[/?#]{_URL_CHARS})?"
    rf"|(?:/(?!/)|[?#]){_URL_CHARS}|[A-Za-z0-9\-_.~]+(?:[/?#]{_URL_CHARS})?"
)


def normalize_url(url: str) -> str:
    """A link or image destination percent-encoded (and its host punycoded) as markdown-it does,
    so that stored image sources, the importer's rewriting and rendered hrefs agree."""
    return url if _PLAIN_URL.fullmatch(url) else normalizeLink(url)


def _heading_level(level: str) -> int:
    """`#`/`##` → h2, `###` → h3, deeper → h4: the page's title is its only h1."""
    return min(4, max(2, int(level[1])))


_HEAD_END = "</tr>\n</thead>\n"
_HEAD_CELL = ("<th>", "</th>\n")
# Elements without attributes: what their start writes, and their end.
_PLAIN: dict[str, tuple[str, str]] = {
    "Paragraph": ("<p>", "</p>\n"),
    "Item": ("<li>", "</li>\n"),
    "TableRow": ("<tr>", "</tr>\n"),
    "TableHead": ("<thead>\n<tr>", _HEAD_END),
    "TableCell": ("<td>", "</td>\n"),
    "Emphasis": ("<em>", "</em>"),
    "Strong": ("<strong>", "</strong>"),
    "Strikethrough": ("<s>", "</s>"),
}
_END_IMAGE = {"End": "Image"}
_END_PARAGRAPH = {"End": "Paragraph"}


def _is_image(ev: Any) -> bool:
    return type(ev) is dict and type(ev.get("Start")) is dict and "Image" in ev["Start"]


def _blank(ev: Any) -> bool:
    return type(ev) is dict and "Text" in ev and not ev["Text"].strip()


def _take_image(take: Callable[[], Any]) -> list[Any]:
    """The events of an image's description, read up to its end (nested images included)."""
    events: list[Any] = []
    depth = 1
    while (ev := take()) is not None:
        if ev == _END_IMAGE:
            depth -= 1
            if depth == 0:
                break
        elif _is_image(ev):
            depth += 1
        events.append(ev)
    return events


def _alt_text(events: list[Any]) -> str:
    """An image's alt text: its description with the markup left out (CommonMark's rule)."""
    out = []
    for ev in events:
        if type(ev) is str:
            out.append("" if ev == "Rule" else "\n")
        elif "Start" not in ev and "End" not in ev:
            out.extend(value for value in ev.values() if type(value) is str)
    return "".join(out)


@dataclass
class _Image:
    at: int  # where in the output
    src: str
    alt: str
    title: str
    in_figure: bool


def render_html(
    events: Iterator[Any],
    resolver_for: Callable[[list[str]], ImageResolver | None],
    restore: Callable[[str], str] = _unchanged,
) -> tuple[str, list[tuple[int, int, int]]]:
    """The events as HTML (not yet sanitised), with our headings, figures and pictures, and the
    spans of it (runs of top-level blocks without raw HTML) that sanitize may take as balanced.

    Images are written last, through the resolver that `resolver_for` returns for all their
    sources. Markdown nests elements at most MAX_DEPTH deep: deeper starts and their ends are not
    written, their text is, so that bound_nesting has little to do.
    """
    out: list[str] = []
    images: list[_Image] = []
    ends: list[str] = []  # what each open element's End event writes
    table = -1  # index in ends of the open table, while its body is not yet open
    in_head = run_raw = False
    run_at = run_depth = 0  # the current top-level block: where it starts in out, how deep it goes
    runs: list[list[int]] = []  # [start, end, depth] in out of runs of blocks without raw HTML
    ahead: deque[Any] = deque()  # events read ahead (to see whether a paragraph is a figure)

    def take() -> Any:
        return ahead.popleft() if ahead else next(events, None)

    def image(data: dict[str, Any], *, in_figure: bool) -> None:
        alt = _alt_text(_take_image(take))
        src = normalize_url(restore(data["dest_url"]))
        if not validateLink(src):  # javascript: and the like: the description stays, as text
            out.append(escape(alt, quote=False))
            return
        images.append(_Image(len(out), src, alt, data["title"], in_figure))
        out.append("")

    while True:  # take(), written out: this loop runs once per event
        ev = ahead.popleft() if ahead else next(events, None)
        if ev is None:
            break
        if type(ev) is str:
            out.append("<br>\n" if ev == "HardBreak" else "<hr>\n" if ev == "Rule" else "\n")
            continue
        ((kind, value),) = ev.items()
        if kind == "Text":
            out.append(escape(value, quote=False))
        elif kind == "End":
            if len(ends) > run_depth:
                run_depth = len(ends)
            end = ends.pop()
            out.append(end)
            if end is _HEAD_END:
                in_head = False
        elif kind in ("Html", "InlineHtml"):
            out.append(value)
            run_raw = True
        elif kind == "Code":
            out.append(f"<code>{escape(value, quote=False)}</code>")
        elif kind != "Start":
            continue  # nothing else is enabled (footnotes, math, task lists)
        elif not ends and len(out) > run_at:  # a top-level block starts: the one before it ends
            _end_block(runs, run_at, len(out), run_depth, run_raw)
            run_at, run_depth, run_raw = len(out), 0, False
            ahead.appendleft(ev)  # read again, as the first event of its block
        elif type(value) is dict and "Image" in value:
            image(value["Image"], in_figure=False)
        elif len(ends) >= MAX_DEPTH:
            ends.append("")
        elif value == "Paragraph":
            # A paragraph holding one image and nothing else (but white space) is a figure.
            seen = [take()]
            while _blank(seen[-1]):
                seen.append(take())
            if _is_image(seen[-1]):
                description = _take_image(take)
                after = [take()]
                while _blank(after[-1]):
                    after.append(take())
                if after[-1] == _END_PARAGRAPH:
                    out.append("<figure>")
                    ahead.extendleft(reversed([*description, _END_IMAGE]))
                    image(seen[-1]["Start"]["Image"], in_figure=True)
                    out.append("</figure>\n")
                    continue
                seen += [*description, _END_IMAGE, *after]
            ahead.extendleft(reversed([x for x in seen if x is not None]))
            out.append("<p>")
            ends.append("</p>\n")
        elif type(value) is str:
            if value == "TableRow" and table >= 0:
                out.append("<tbody>\n")
                ends[table] = "</tbody>\n</table>\n"
                table = -1
            elif value == "TableHead":
                in_head = True
            start_tag, end_tag = _HEAD_CELL if in_head and value == "TableCell" else _PLAIN.get(value, ("", ""))
            out.append(start_tag)
            ends.append(end_tag)
        else:
            start_tag, end_tag = _start(value, restore)
            if "Table" in value:
                table = len(ends)
            out.append(start_tag)
            ends.append(end_tag)
    _end_block(runs, run_at, len(out), run_depth, run_raw)
    resolve = resolver_for([img.src for img in images]) if images else None
    for img in images:
        out[img.at] = _image_html(img, resolve)
    spans, at, chars = [], 0, 0
    for first, last, deepest in runs:  # indices in out → offsets in the text
        chars += sum(map(len, out[at:first]))
        length = sum(map(len, out[first:last]))
        spans.append((chars, chars + length, deepest + _DEPTH_MARGIN))
        at, chars = last, chars + length
    return restore("".join(out)), spans  # restore keeps every length


# A block's elements as the renderer counts them (len(ends) at a start), and what it writes
# deeper than that: the element itself, <tr> with <thead>, <tbody>, <picture> in <figure>.
_DEPTH_MARGIN = 3


def _end_block(runs: list[list[int]], start: int, end: int, depth: int, raw: bool) -> None:
    """Note a top-level block out[start:end] that holds no raw HTML (joined to the run before)."""
    if raw or end <= start:
        return
    if runs and runs[-1][1] == start:
        runs[-1][1:] = [end, max(runs[-1][2], depth)]
    else:
        runs.append([start, end, depth])


def _start(tag: dict[str, Any], restore: Callable[[str], str]) -> tuple[str, str]:
    """Start and end of an element with data: heading, quote, code block, list, table, link."""
    for kind, value in tag.items():
        if kind == "Heading":
            level = _heading_level(value["level"])
            return f"<h{level}>", f"</h{level}>\n"
        if kind == "BlockQuote":
            return "<blockquote>\n", "</blockquote>\n"
        if kind == "CodeBlock":
            return "<pre><code>", "</code></pre>\n"
        if kind == "List":
            if value is None:
                return "<ul>\n", "</ul>\n"
            return (f'<ol start="{value}">\n' if value != 1 else "<ol>\n"), "</ol>\n"
        if kind == "Table":
            return "<table>\n", "</table>\n"
        if kind == "Link":
            href = normalize_url(("mailto:" if value["link_type"] == "Email" else "") + restore(value["dest_url"]))
            if not validateLink(href):
                return "", ""  # javascript: and the like: the text stays, not the link
            title = f' title="{escape(value["title"])}"' if value["title"] else ""
            return f'<a href="{escape(href)}"{title}>', "</a>"
    return "", ""


def _image_html(img: _Image, resolve: ImageResolver | None) -> str:
    resolved = resolve(img.src) if resolve else None
    if resolved is not None:
        html = render_picture(img.alt, resolved)
    else:
        html = f'<img src="{escape(img.src)}" alt="{escape(img.alt)}" loading="lazy">'
    if img.title and img.in_figure:  # in a figure the title becomes the visible caption
        html += f"<figcaption>{escape(img.title)}</figcaption>"
    return html


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
    events, restore = markdown_events(text)
    html, balanced = render_html(events, resolver_for or (lambda sources: resolve_image), restore)
    return sanitize(html, balanced=balanced)
