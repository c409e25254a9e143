"""The Markdown cost table (issue 10.2): render time per hostile input class at 50, 100 and 200 KB.

Each body goes through render_body, the path of every article save: pyromark's events, our
HTML (figures, pictures), the nesting bound and nh3. Prints a Markdown table for docs/performance.md; the best of
--runs runs counts (the machine is shared). tests/lib/test_markup_cost.py uses the same classes.

    .venv/bin/python bench/markdown.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

SIZES = (50_000, 100_000, 200_000)  # the last is MAX_BODY, the body limit


def _fill(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


def _exact(make: Callable[[int], str]) -> Callable[[int], str]:
    return lambda n: _fill(make(n) + " ")(n)


CLASSES: dict[str, Callable[[int], str]] = {
    "prose (paragraphs of Chinese text)": _fill(
        "新闻正文，一段普通的文字，有**强调**和[链接](https://example.com/)。\n\n"
    ),
    "nested <div>": _fill("<div>"),
    "nested <div>, one a line": _fill("<div>\n"),
    "nested <ul><li>": _fill("<ul><li>"),
    "nested <blockquote>": _fill("<blockquote>"),
    "unclosed <p>": _fill("<p>"),
    "open brackets [": _fill("["),
    "brackets [[[ ]]]": _exact(lambda n: "[" * (n // 2) + "]" * (n // 2)),
    "link starts [a](": _fill("[a]("),
    "emphasis *a": _fill("*a"),
    "emphasis _**a": _fill("_**a"),
    "backticks": _fill("`a``"),
    "tildes ~a~ (one: text, two: strikethrough)": _fill("~a~ ~~b~~ "),
    "link reference definitions": _exact(lambda n: "".join(f"[r{i}]: https://e.com/{i}\n" for i in range(n // 20))),
    "link reference uses": _exact(lambda n: "[r]: https://e.com/\n\n" + "[r] " * (n // 4)),
    "table rows": _exact(lambda n: "|a|b|\n|-|-|\n" + "|x|y|\n" * (n // 6)),
    # Blocks with raw HTML go through the nesting pre-pass tag by tag (markup.bound_nesting).
    "table rows after one raw tag": _exact(lambda n: "<b>raw</b>\n\n|a|b|\n|-|-|\n" + "|x|y|\n" * (n // 6)),
    "table rows, raw tag in each": _exact(lambda n: "|a|b|\n|-|-|\n" + "|<b>x</b>|y|\n" * (n // 13)),
    "wide table": _exact(lambda n: "|" + "a|" * 2000 + "\n|" + "-|" * 2000 + "\n" + "|x" * (n // 2)),
    "list items": _fill("- a\n"),
    "nested lists": _exact(lambda n: "".join(" " * (2 * (i % 400)) + "- a\n" for i in range(n // 400))),
    "nested > quotes": _fill(">"),
    "autolink starts <a": _fill("<a"),
    "entities &#x": _fill("&#x"),
    "images": _fill("![图](https://example.com/a.png) "),
}


def measure(runs: int = 3) -> list[tuple[str, list[float]]]:
    from tidings.articles.rendering import render_body

    rows = []
    for name, make in CLASSES.items():
        times = []
        for size in SIZES:
            body = make(size)
            best = float("inf")
            for _ in range(runs):
                start = time.perf_counter()
                render_body(body)
                best = min(best, time.perf_counter() - start)
            times.append(best)
        rows.append((name, times))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidings.settings")
    import django

    django.setup()
    print("| input class | " + " | ".join(f"{s // 1000} KB ms" for s in SIZES) + " | 200 / 50 KB |")
    print("|---|" + "---|" * (len(SIZES) + 1))
    for name, times in measure(args.runs):
        cells = " | ".join(f"{t * 1000:.0f}" for t in times)
        print(f"| {name} | {cells} | {times[-1] / max(times[0], 1e-6):.1f}× |")


if __name__ == "__main__":
    main()
