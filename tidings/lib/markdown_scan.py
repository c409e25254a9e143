"""Reading an article's Markdown without rendering it: which images it shows, its prose (for the
language), and rewriting image destinations byte for byte. The importer (local files), the
studio and the API (external images fetched into the media library) share it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyromark
from markdown_it.common.normalize_url import validateLink
from markdown_it.helpers import parseLinkDestination

from tidings.lib.markup import MARKDOWN_OPTIONS, normalize_url, prepare_markdown

# Where a link destination may start: inline `](` and reference definitions `[label]:`.
DESTINATION_START = re.compile(r"\]\(|^ {0,3}\[(?:[^\]\\\n]|\\.)+\]:", re.MULTILINE)


@dataclass
class BodyScan:
    image_sources: list[str]  # normalised as the renderer stores them (percent-encoded), in order
    prose: str  # text outside code and images, for language detection
    code_lines: list[tuple[int, int]]  # [start, end) line ranges of code and HTML blocks
    html: list[str]  # raw HTML blocks and inline tags


def scan_body(body: str) -> BodyScan:
    """One pass over the parser's events (a stream, as the renderer reads them)."""
    text, restore = prepare_markdown(body)
    source = text.encode()  # the parser's ranges count UTF-8 bytes
    line_starts = [0] + [m.end() for m in re.finditer(b"\n", source)]
    sources: list[str] = []
    prose: list[str] = []
    code: list[tuple[int, int]] = []
    html: list[str] = []
    block: list[str] | None = None  # the text of the HTML block being read
    in_code = in_image = 0
    events: Iterator[tuple[Any, Any]] = pyromark.events_with_range(text, options=MARKDOWN_OPTIONS, merge_text=True)
    for event, where in events:
        if type(event) is str:
            continue
        ((kind, value),) = event.items()
        if kind == "Text":
            if not in_code and not in_image:
                prose.append(value)
        elif kind == "InlineHtml":
            html.append(value)
        elif kind == "Html":
            if block is not None:
                block.append(value)
        elif kind == "Start":
            if type(value) is dict and "Image" in value:
                src = normalize_url(restore(value["Image"]["dest_url"]))
                # An image in another's description is only alt text; javascript: is no image.
                if not in_image and validateLink(src):
                    sources.append(src)
                in_image += 1
            elif value == "HtmlBlock" or (type(value) is dict and "CodeBlock" in value):
                first = bisect.bisect_right(line_starts, where["start"]) - 1
                code.append((first, bisect.bisect_right(line_starts, max(where["end"] - 1, 0))))
                if value == "HtmlBlock":
                    block = []
                else:
                    in_code += 1
        elif kind == "End":
            if value == "Image":
                in_image -= 1
            elif value == "CodeBlock":
                in_code -= 1
            elif value == "HtmlBlock" and block is not None:
                html.append("".join(block))
                block = None
    return BodyScan(list(dict.fromkeys(sources)), restore(" ".join(prose)), code, [restore(h) for h in html])


def rewrite_image_sources(body: str, replace: Callable[[str], str | None]) -> str:
    """Rewrite the destinations of the body's images, leaving every other byte as it was.

    `replace` gets an image's src as normalize_url gives it (percent-encoded) and returns the
    new destination, or None to keep it. A link with the same destination as an image changes
    with it (it points at the same file). Destinations in code blocks are left alone.
    """
    scan = scan_body(body)
    sources = set(scan.image_sources)
    if not sources:
        return body
    line_starts = [0] + [i + 1 for i, ch in enumerate(body) if ch == "\n"]
    edits: list[tuple[int, int, str]] = []
    for match in DESTINATION_START.finditer(body):
        line = bisect.bisect_right(line_starts, match.start()) - 1
        if any(start <= line < end for start, end in scan.code_lines):
            continue
        pos = match.end()
        while pos < len(body) and body[pos] in " \t":
            pos += 1
        if pos < len(body) and body[pos] == "\n":  # a reference definition may break the line once
            pos += 1
            while pos < len(body) and body[pos] in " \t":
                pos += 1
        found = parseLinkDestination(body, pos, len(body))
        if not found.ok:
            continue
        src = normalize_url(found.str)
        if src not in sources:
            continue
        new = replace(src)
        if new is not None:
            edits.append((pos, found.pos, f"<{new}>" if re.search(r"[\s()<>]", new) else new))
    for start, end, new in reversed(edits):
        body = body[:start] + new + body[end:]
    return body
