"""Reading an article's Markdown without rendering it: which images it shows, its prose (for the
language), and rewriting image destinations byte for byte. The importer (local files), the
studio and the API (external images fetched into the media library) share it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown_it.helpers import parseLinkDestination

from tidings.lib.markup import article_markdown

# Where a link destination may start: inline `](` and reference definitions `[label]:`.
DESTINATION_START = re.compile(r"\]\(|^ {0,3}\[(?:[^\]\\\n]|\\.)+\]:", re.MULTILINE)


@dataclass
class BodyScan:
    image_sources: list[str]  # normalised as markdown-it stores them (percent-encoded), in order
    prose: str  # text outside code and links, for language detection
    code_lines: list[tuple[int, int]]  # [start, end) line ranges of code and HTML blocks
    html: list[str]  # raw HTML blocks and inline tags


def scan_body(body: str) -> BodyScan:
    tokens = article_markdown().parse(body)
    sources: list[str] = []
    prose: list[str] = []
    code: list[tuple[int, int]] = []
    html: list[str] = []
    for token in tokens:
        if token.type in ("fence", "code_block", "html_block") and token.map:
            code.append((token.map[0], token.map[1]))
        if token.type == "html_block":
            html.append(token.content)
        for child in token.children or []:
            if child.type == "image":
                src = str(child.attrGet("src") or "")
                if src not in sources:
                    sources.append(src)
            elif child.type == "text":
                prose.append(child.content)
            elif child.type == "html_inline":
                html.append(child.content)
    return BodyScan(sources, " ".join(prose), code, html)


def rewrite_image_sources(body: str, replace: Callable[[str], str | None]) -> str:
    """Rewrite the destinations of the body's images, leaving every other byte as it was.

    `replace` gets an image's src as markdown-it normalises it (percent-encoded) and returns the
    new destination, or None to keep it. A link with the same destination as an image changes
    with it (it points at the same file). Destinations in code blocks are left alone.
    """
    md = article_markdown()
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
        src = md.normalizeLink(found.str)
        if src not in sources:
            continue
        new = replace(src)
        if new is not None:
            edits.append((pos, found.pos, f"<{new}>" if re.search(r"[\s()<>]", new) else new))
    for start, end, new in reversed(edits):
        body = body[:start] + new + body[end:]
    return body
