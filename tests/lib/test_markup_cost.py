"""Markdown rendering costs time in proportion to the body, whatever the body holds (issue 10.2).

Each hostile input class is rendered at 50, 100 and 200 KB through the path an article save
takes (render_body: pyromark's events, our HTML, the nesting bound, nh3). Quadratic growth
would make the 200 KB time 16× the 50 KB one; near-linear stays under 6×. The absolute bounds are
generous because the machine is shared; bench/markdown.py prints the table for docs/performance.md.
"""

from __future__ import annotations

import random
import time

import pytest

from bench.markdown import CLASSES, SIZES
from tidings.articles.input import MAX_BODY
from tidings.articles.rendering import render_body
from tidings.lib.markup import MAX_DEPTH, bound_nesting, markdown_events, render_html, sanitize

pytestmark = pytest.mark.django_db


def best_of(runs: int, body: str) -> float:
    """The fastest of `runs` renders, in this process's CPU seconds: the machine is shared, and
    wall-clock time would count the other processes' turns on the cores."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        render_body(body)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("name", list(CLASSES))
def test_rendering_grows_near_linearly_with_the_body(name: str) -> None:
    small, large = CLASSES[name](SIZES[0]), CLASSES[name](SIZES[-1])
    ratio = 0.0
    for runs in (2, 5):  # a second, longer look only when the first one was disturbed
        fast, slow = best_of(runs, small), best_of(runs, large)
        ratio = slow / max(fast, 0.005)
        if ratio < 6 and slow < 5.0:
            break
    assert slow < 5.0, f"{name}: {slow:.2f} s for {SIZES[-1]} characters"
    assert ratio < 6, f"{name}: {fast * 1000:.0f} ms → {slow * 1000:.0f} ms"


@pytest.mark.parametrize("name", list(CLASSES))
def test_every_class_renders_within_a_second_at_the_body_limit(name: str) -> None:
    """About 200 ms at worst on a quiet machine (bench/markdown.py); markdown-it-py took 0.4–3 s.
    The bound is generous because the machine is shared."""
    body = CLASSES[name](MAX_BODY)
    took = best_of(1, body)
    if took >= 1.0:  # a second look only when the first one was disturbed
        took = best_of(3, body)
    assert took < 1.0, f"{name}: {took:.2f} s for {MAX_BODY} characters"


def test_the_largest_class_fits_the_body_limit() -> None:
    assert SIZES[-1] == MAX_BODY
    assert all(len(make(MAX_BODY)) == MAX_BODY for make in CLASSES.values())


def test_a_body_of_nested_divs_no_longer_costs_seconds() -> None:
    """The case of the issue: 195 KB of nested <div> took about 5 s (nh3 is quadratic in depth)."""
    assert best_of(1, "<div>" * 39_000) < 1.0


def test_nesting_beyond_the_bound_is_dropped_and_the_text_kept() -> None:
    html = sanitize(
        "<blockquote>" * (MAX_DEPTH + 50) + "深处的文字" + "</blockquote>" * (MAX_DEPTH + 50) + "<p>后文</p>"
    )
    assert html.count("<blockquote>") == MAX_DEPTH == html.count("</blockquote>")
    assert "深处的文字" in html and html.endswith("<p>后文</p>")


def test_the_bound_reads_tags_as_the_parser_does() -> None:
    # A ">" inside quotes does not end a tag; a stray "<" is text; comments and scripts go.
    assert bound_nesting('<abbr title="a>b">x</abbr>') == '<abbr title="a>b">x</abbr>'
    assert bound_nesting("1 < 2 <3") == "1 &lt; 2 &lt;3"
    assert bound_nesting("a<!-- <div> -->b<script><div></script>c") == "abc"
    assert bound_nesting("<textarea><b>x</b></textarea>") == "&lt;b>x&lt;/b>"
    # Unclosed elements are closed; an implied end (a second <li>) does not deepen the tree.
    assert bound_nesting("<ul><li>a<li>b") == "<ul><li>a</li><li>b</li></ul>"
    # A tag cut off by the end of the text is dropped with the rest, as a parser does.
    assert bound_nesting('ok<a title="never closed>') == "ok"


def test_the_pre_pass_copies_markdowns_own_blocks_only_where_it_would_write_them_unchanged() -> None:
    """The renderer marks its raw-HTML-free blocks as balanced; the pre-pass copies them when
    nothing raw before them (a deep, unclosed or dropped element) would change how they read."""
    pieces = [
        "*", "**", "`", "[", "](", "> ", "- ", "1. ", "# ", "\n", "\n\n", "    ", "|", "文字", "a", " ", "---",
        "<b>", "</b>", "<div>", "</div>", "<p>", "</p>", "<li>", "<!--", "<script>", "<textarea>",
        '<i title="', '"', "<dt>", "![图](/a.png)", "\n\n|a|b|\n|-|-|\n|1|2|\n\n", "\n\n- a\n  - b\n\n",
    ]  # fmt: skip
    rng = random.Random(102)
    copied = 0
    for _ in range(1500):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 80)))
        if rng.random() < 0.2:
            body = "<div>" * rng.randint(90, 110) + "\n\n" + body + "\n\n" + body
        events, restore = markdown_events(body)
        html, balanced = render_html(events, lambda sources: None, restore)
        assert bound_nesting(html, balanced) == bound_nesting(html), body
        copied += len(balanced)
    assert copied > 1000
    # Elements dropped beyond the bound and then closed out from under: the next Markdown
    # block's </em> ends a dropped <em>, as the pass reads it, not its own.
    body = "<blockquote>" + "<div>" * (MAX_DEPTH - 1) + "<em>" * 5 + "</blockquote>\n\n*强调* 正文"
    html, balanced = render_html(markdown_events(body)[0], lambda sources: None)
    assert balanced and bound_nesting(html, balanced) == bound_nesting(html)


def test_ordinary_raw_html_in_an_article_is_unchanged() -> None:
    html = '<p>水的化学式是 H<sub>2</sub>O，<mark>重点</mark>，<abbr title="世界卫生组织">WHO</abbr>。</p>'
    assert sanitize(html) == html
    table = "<table><tr><td>1</td><td>2</td></tr></table>"
    assert sanitize(table) == "<table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
