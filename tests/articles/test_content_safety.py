"""Hostile HTML and Markdown through every text field, via the studio form and the write API:
nothing executable reaches the article page, the lists, the feeds or the API responses.

The corpus: ../shared/data/xss-payloads.txt (306 classic strings; see tests/test_units.py) plus
generated variants (encoded forms, SVG payloads, CSS expressions, broken nesting, Markdown link
tricks), each also wrapped in Markdown structures. Payloads are packed into fields up to each
field's limit (a 200-character title holds several), so every payload passes through every field.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client, TestCase

from tests.conftest import make_creator, make_writer
from tests.hostile import executable_parts, xss_payloads
from tidings.api.tokens import create_token
from tidings.articles.input import _TAG_SPLIT as TAG_SPLIT
from tidings.articles.input import ArticleInvalid, clean_article_input
from tidings.articles.models import Article
from tidings.creators.models import Creator
from tidings.web import feeds

pytestmark = pytest.mark.django_db

BASE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
]
SVG = [
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="1" y="1">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><use href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"/></svg>',
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    "<svg/onload=alert(1)//",
]
CSS = [
    '<div style="width: expression(alert(1))">x</div>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<style>@import "javascript:alert(1)";</style>',
    '<span style="behavior:url(x.htc)">x</span>',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<div style="-moz-binding:url(http://x/x.xml#x)">x</div>',
    "<style>*{background:url('javascript:alert(1)')}</style>",
    '<p style="color:red;background-image:url(&#106;avascript:alert(1))">x</p>',
]
NESTING = [
    '<p><a href="javascript:alert(1)"><b>x</p></a>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="javas&#x09;cript:alert(1)">x',
    '<img """><script>alert(1)</script>">',
    "<table><td><svg><td onmouseover=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<textarea><script>alert(1)</script></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<details open ontoggle=alert(1)>",
    '<a href="&#1;javascript:alert(1)">x</a>',
    '<xmp><p title="</xmp><svg/onload=alert(1)>">',
]
MARKDOWN = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](<javascript:alert(1)>)",
    "![x](javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x](java%0ascript:alert(1))",
    '[a](https://x.example/" onmouseover="alert(1))',
    '![a](https://x.example/a.png "title\\" onerror=\\"alert(1))',
    "[x](&#x6A;avascript:alert(1))",
    "[x](\\javascript:alert(1))",
]


def encoded(p: str) -> list[str]:
    return [
        p.replace("<", "&lt;").replace(">", "&gt;"),
        p.replace("<", "&amp;lt;").replace(">", "&amp;gt;"),
        "".join(f"&#{ord(c)};" for c in p),
        "".join(f"&#x{ord(c):x};" for c in p),
        quote(p),
        p.replace("<", "\\u003c").replace(">", "\\u003e"),
        p.replace("<", "＜").replace(">", "＞"),
        p.upper(),
    ]


WRAPPERS = ["{}", "- {}", "> {}", "| a |\n|---|\n| {} |", "*{}*", "## {}", "段落 {} 段落", "1. x\n   {}"]


def plain_corpus() -> list[str]:
    return xss_payloads() + SVG + CSS + NESTING + MARKDOWN + [e for p in BASE for e in encoded(p)]


def corpus() -> list[str]:
    """The plain corpus, and each generated payload inside Markdown structures."""
    generated = SVG + CSS + NESTING + MARKDOWN + [e for p in BASE for e in encoded(p)]
    return plain_corpus() + [w.format(p) for p in generated for w in WRAPPERS]


def packed(items: list[str], limit: int) -> Iterator[list[str]]:
    """Groups of whole payloads whose joined length stays within `limit` (longer ones alone, cut)."""
    group: list[str] = []
    size = 0
    for item in items:
        if group and size + len(item) + 1 > limit:
            yield group
            group, size = [], 0
        group.append(item[:limit])
        size += len(item[:limit]) + 1
    if group:
        yield group


class SiteScan(HTMLParser):
    """What a browser could execute on one of our pages, minus the site's own scripts and forms."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        own = (
            (tag == "script" and a.get("src", "").startswith(("/static/js/", "/static/vendor/")) and len(a) <= 2)
            or (tag == "link" and a.get("rel") in {"stylesheet", "icon", "canonical", "alternate", "prev", "next"}
                and a.get("href", "").startswith(("/", "http://testserver/")))
            or (tag == "meta" and "http-equiv" not in a)
            or (tag == "form" and a.get("action", "").startswith("/") and not a.get("action", "").startswith("//"))
        )  # fmt: skip
        risky = {"script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base", "form"}
        if tag in risky and not own:
            self.found.append(f"<{tag} {a}>")
        for name, value in a.items():
            v = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on") or name in {"style", "formaction", "srcdoc", "xlink:href"}:
                self.found.append(f"{tag}[{name}]")
            if name in {"href", "src", "srcset", "action", "background", "poster", "data", "cite"} and re.match(
                r"(javascript|vbscript|data):", v
            ):
                self.found.append(f"{tag}[{name}={v[:30]}]")


def page_problems(html: str) -> list[str]:
    scan = SiteScan()
    scan.feed(html)
    return scan.found


def feed_problems(xml: bytes) -> list[str]:
    """Feed readers render Atom text constructs of type="html" (our entry summaries) as HTML and
    the rest (titles, author names) as text: scan the former as HTML, and check that the XML
    itself holds no element a reader could execute."""
    problems = []
    for el in ET.fromstring(xml).iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in {"script", "iframe", "object", "embed", "svg", "style", "base"}:
            problems.append(f"<{tag}> in the feed")
        if el.text and el.get("type") in {"html", "xhtml"}:
            problems += executable_parts(el.text)
    return problems


def json_problems(value: Any) -> list[str]:
    """Every string in an API response, read as HTML (a client may well insert it as HTML), except
    `body_md`: the creator's own Markdown source, returned to them as they wrote it."""
    if isinstance(value, dict):
        return [p for k, v in value.items() if k != "body_md" for p in json_problems(v)]
    if isinstance(value, list):
        return [p for v in value for p in json_problems(v)]
    return executable_parts(value) if isinstance(value, str) else []


def hostile_articles(part: int) -> Iterator[dict[str, Any]]:
    """Article field sets for one of the two ways in (0: the studio form, 1: the API).

    Every payload goes through the body and the references on both ways in. The title, summary
    and tags are short fields: their packed groups alternate between the two ways, so the two
    together put every payload (the plain corpus; the Markdown-wrapped forms only matter in the
    body) through those fields too. test_every_field_is_cleaned_before_it_is_stored runs each
    payload alone through each field's cleaning.
    """
    plain, everything = plain_corpus(), corpus()
    titles = [g for i, g in enumerate(packed(plain, 190)) if i % 2 == part]
    n = len(titles)
    summaries = [g for i, g in enumerate(packed(plain, 500)) if i % 2 == part]
    tags = [g for i, g in enumerate(packed([p[:20] for p in plain], 200)) if i % 2 == part]
    per_body = -(-sum(len(p) + 2 for p in everything) // n) + 1000
    bodies = list(packed(everything, per_body))
    per_refs = -(-len(everything) // n)
    assert len(bodies) <= n and len(summaries) <= n and len(tags) <= n, "some payloads would be left out"
    for i, title in enumerate(titles):
        refs = everything[i * per_refs : (i + 1) * per_refs]
        yield {
            "title": "标题 " + " ".join(title),  # a title cleaned down to nothing could not be published
            "summary": " ".join(summaries[i]) if i < len(summaries) else "",
            "body_md": "正文。\n\n" + ("\n\n".join(bodies[i]) if i < len(bodies) else ""),
            "tags": tags[i][:10] if i < len(tags) else [],
            "references": [{"title": "参考 " + r[:290], "source": r[:200], "url": "", "date": None} for r in refs],
        }


def studio_form(fields: dict[str, Any]) -> dict[str, Any]:
    form = {k: v for k, v in fields.items() if k not in ("tags", "references")}
    pieces = [p for t in fields["tags"] for p in TAG_SPLIT.split(t) if p.strip()][:10]  # the form splits on commas
    form.update(channel="news", action="publish", tags="，".join(pieces))
    form["ref_count"] = str(len(fields["references"]))
    for i, r in enumerate(fields["references"]):
        form.update({f"ref_title_{i}": r["title"], f"ref_source_{i}": r["source"]})
    return form


def check_everything_reachable(client: Client, creator: Creator, ids: list[int], monkeypatch: Any) -> None:
    monkeypatch.setattr(feeds, "FEED_SIZE", 10_000)
    problems: dict[str, list[str]] = {}

    def check(url: str, found: list[str]) -> None:
        if found:
            problems[url] = found[:3]

    anonymous = Client()
    for pk in ids:
        r = anonymous.get(f"/a/{pk}/")
        assert r.status_code == 200, pk
        check(f"/a/{pk}/", page_problems(r.content.decode()))
        r = anonymous.get(f"/api/v1/articles/{pk}")
        check(f"/api/v1/articles/{pk}", json_problems(r.json()))
    pages = -(-len(ids) // 20)
    for n in range(1, pages + 1):
        for path in ("/", f"/u/{creator.handle}/", "/c/news/"):
            r = anonymous.get(f"{path}?page={n}")
            check(f"{path}?page={n}", page_problems(r.content.decode()))
    for path in ("/feed.xml", f"/u/{creator.handle}/feed.xml", "/c/news/feed.xml"):
        check(path, feed_problems(anonymous.get(path).content))
    for n in range(1, -(-len(ids) // 100) + 1):
        check(f"api page {n}", json_problems(anonymous.get(f"/api/v1/articles?page_size=100&page={n}").json()))
    studio = Client()
    assert creator.user is not None
    studio.force_login(creator.user)
    check("/studio/", page_problems(studio.get("/studio/").content.decode()))
    for pk in ids[:: max(1, len(ids) // 10)]:  # the editor and preview of a sample (they print the same fields)
        check(f"/studio/a/{pk}/", page_problems(studio.get(f"/studio/a/{pk}/").content.decode()))
        check(f"/studio/a/{pk}/view/", page_problems(studio.get(f"/studio/a/{pk}/view/").content.decode()))
    assert problems == {}


def test_the_page_scanner_sees_what_it_must() -> None:
    """The scanner below would catch the payloads if they got through unescaped."""
    assert page_problems('<p onclick="x()">') and page_problems("<script>alert(1)</script>")
    assert page_problems('<a href=" javascript:alert(1)">') and page_problems('<p style="x">')
    assert page_problems('<script src="/static/js/site.js" defer></script>') == []
    assert feed_problems(b'<feed><summary type="html">&lt;script&gt;x&lt;/script&gt;</summary></feed>')
    assert feed_problems(b'<feed xmlns="http://www.w3.org/2005/Atom"><script/></feed>')
    assert json_problems({"a": ["<img src=x onerror=alert(1)>"]})


def test_the_corpus_is_large_and_varied() -> None:
    cases = corpus()
    assert len(cases) > 600
    assert sum("svg" in c.lower() for c in cases) > 40 and sum("style" in c for c in cases) > 40


def test_every_field_is_cleaned_before_it_is_stored() -> None:
    """Fast, exhaustive: each payload alone through each field's cleaning."""
    for payload in corpus():
        data = clean_article_input(
            {
                "title": payload[:200],
                "summary": payload[:500],
                "tags": [payload[:20]],
                "references": [{"title": payload[:300], "source": payload[:200]}],
            }
        )
        refs = [t for r in data.references for t in (r.title, r.source)]
        for text in (data.title, data.summary, *data.tags, *refs):
            assert executable_parts(text) == [] and not re.search(r"<[a-zA-Z/!?][^<>]*>", text), payload


def test_hostile_link_targets_are_refused_in_references_and_covers() -> None:
    for payload in corpus():
        for url in (payload, "https://x.example/" + payload):
            try:
                data = clean_article_input({"references": [{"title": "t", "url": url}]})
            except ArticleInvalid:
                continue
            ref_url = data.references[0].url
            assert ref_url == "" or (re.match(r"https?://", ref_url) and not re.search(r"[\s\"'<>\\]", ref_url))
        with pytest.raises(ArticleInvalid):
            clean_article_input({"cover": payload})


def test_the_corpus_through_the_studio_form(client: Client, monkeypatch: Any) -> None:
    author = make_writer("hostilestudio")
    client.force_login(author.user)
    ids = []
    for fields in hostile_articles(0):
        with TestCase.captureOnCommitCallbacks(execute=True):
            r = client.post("/studio/new/", studio_form(fields))
        assert r.status_code == 302, re.findall(r'class="field-error"[^>]*>([^<]*)', r.content.decode())
        ids.append(int(r["Location"].split("/")[3]))
    assert Article.objects.published().count() == len(ids) > 50
    check_everything_reachable(client, author, ids, monkeypatch)


def test_the_corpus_through_the_write_api(client: Client, monkeypatch: Any) -> None:
    author = make_writer("hostileapi")
    token = create_token(author.user, "corpus")[0]
    ids = []
    for fields in hostile_articles(1):
        with TestCase.captureOnCommitCallbacks(execute=True):
            r = client.post(
                "/api/v1/articles",
                {**fields, "channel": "news", "publish": True},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
        assert r.status_code == 201, r.content.decode()[:2000]
        assert json_problems(r.json()) == []
        ids.append(r.json()["id"])
    check_everything_reachable(client, author, ids, monkeypatch)


def test_hostile_creator_names_mottos_and_bios_stay_inert(client: Client, monkeypatch: Any) -> None:
    """Names, mottos and bios come from 申请入驻 and the admin; every page prints them escaped."""
    from tests.conftest import make_article

    made = []
    groups = list(packed(corpus(), 60))
    for i, group in enumerate(groups[:: max(1, len(groups) // 40)]):
        text = " ".join(group)
        creator = make_creator(f"hostile{i}", text[:60], motto=text[:120], bio=text)
        made.append((creator, make_article(creator, f"普通标题{i}")))
    monkeypatch.setattr(feeds, "FEED_SIZE", 10_000)
    anonymous = Client()
    problems = {}
    for creator, article in made:
        for path in (f"/a/{article.pk}/", f"/u/{creator.handle}/", f"/u/{creator.handle}/follow/"):
            if found := page_problems(anonymous.get(path).content.decode()):
                problems[path] = found
        if found := feed_problems(anonymous.get(f"/u/{creator.handle}/feed.xml").content):
            problems[f"/u/{creator.handle}/feed.xml"] = found
    for path in ("/", "/u/", "/c/news/"):
        if found := page_problems(anonymous.get(path).content.decode()):
            problems[path] = found
    if found := feed_problems(anonymous.get("/feed.xml").content):
        problems["/feed.xml"] = found
    if found := json_problems(anonymous.get("/api/v1/articles?page_size=100").json()):
        problems["api"] = found
    assert problems == {}


@pytest.mark.parametrize(
    "html",
    [
        '<img src="/a.png" srcset="javascript:alert(1) 1x">',
        '<img src="/a.png" srcset="/ok.png 1x, java\tscript:alert(1) 2x">',
        '<picture><source srcset="data:image/svg+xml,<svg onload=alert(1)> 1x"></picture>',
        '<q cite="javascript:alert(1)">x</q>',
        '<blockquote cite=" data:text/html,<script>alert(1)</script>">x</blockquote>',
    ],
)
def test_srcset_and_cite_obey_the_same_scheme_allow_list_as_href(html: str) -> None:
    from tidings.lib.markup import sanitize

    clean = sanitize(html)
    assert "srcset" not in clean and "cite=" not in clean and "javascript" not in clean, clean


def test_srcset_and_cite_keep_allowed_urls() -> None:
    from tidings.lib.markup import sanitize

    html = '<q cite="https://example.com/s">x</q><img src="/a.png" srcset="/a.png 1x, https://example.com/b.png 2x">'
    assert sanitize(html) == html
