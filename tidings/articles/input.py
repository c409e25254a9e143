"""Checking what people send for an article: the studio's form and the write API share
`clean_article_input`; the importer shares `check_reference`. Everything expensive a save needs
(rendering and sanitising the body) is done here, before any write transaction opens.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from tidings.accounts.models import User
from tidings.articles.external_images import localise_external_images
from tidings.articles.models import STATEMENTS, Article, Image, Reference
from tidings.articles.originality import Print, fingerprint
from tidings.articles.rendering import render_body
from tidings.channels.models import Channel
from tidings.lib.dates import BadDate, parse_when
from tidings.lib.markup import plain_text, safe_url

MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_BODY = 200_000  # characters; a 3,000-character article with a dozen images is ~10,000
MAX_TAGS = 10
MAX_TAG = 20
MAX_REFERENCES = 20
# A reference's fields (Reference's columns); longer text is refused, not cut.
REFERENCE_LIMITS = {"title": 300, "source": 200, "url": 500}
_REFERENCE_LABELS = {"title": "标题", "source": "来源", "url": "链接"}
_TAG_SPLIT = re.compile(r"[,，、;；\n]+")


class ArticleInvalid(ValueError):
    """The input breaks a rule; `errors` maps each field to a message for the person who wrote it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class StaleVersion(Exception):
    """The save names an older version than the stored one: newer text would be overwritten."""

    def __init__(self, current: int) -> None:
        super().__init__(f"这篇文章已在别处保存为第 {current} 版，请刷新后再保存。")
        self.current = current


@dataclass
class ReferenceInput:
    title: str
    source: str = ""
    url: str = ""
    published_at: dt.datetime | None = None

    def snapshot(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


@dataclass
class ArticleInput:
    """Checked, cleaned article fields: plain text where no markup belongs, Markdown for the body,
    and the body already rendered and sanitised (`body_html`)."""

    title: str = ""
    summary: str = ""
    body_md: str = ""
    channel: Channel | None = None
    tags: list[str] = field(default_factory=list)
    cover: str = ""  # path under MEDIA_ROOT of an Image in the library
    original: bool = False
    references: list[ReferenceInput] = field(default_factory=list)
    repost_source: str = ""  # 转载: the source's name and http(s) URL (both, or neither)
    repost_url: str = ""
    statements: list[str] = field(default_factory=list)  # 创作声明: codes of STATEMENTS
    body_html: str | None = None
    print_: Print | None = None

    def rendered(self) -> str:
        if self.body_html is None:
            self.body_html = render_body(self.body_md)
        return self.body_html

    def fingerprint(self) -> Print:
        """The originality check's fingerprint of the rendered body (computed once)."""
        if self.print_ is None:
            self.print_ = fingerprint(self.rendered())
        return self.print_


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, said for the studio (zh) and for the importer's log (en)."""

    field: str
    zh: str
    en: str


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _kind(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return "nothing" if value is None else names.get(type(value), type(value).__name__)


def check_reference(ref: object) -> tuple[ReferenceInput | None, list[Problem]]:
    """One cited source (参考信息): title (required), source, http(s) url, date. Returns the
    cleaned reference, or None for an empty form row, and what was wrong."""
    if not isinstance(ref, Mapping):
        return None, [Problem("", "格式不对", f"must be a mapping with a title, not {_kind(ref)}")]
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for key, limit in REFERENCE_LIMITS.items():
        value = ref.get(key)
        if value is None:
            values[key] = ""
        elif isinstance(value, bool) or not isinstance(value, str | int | float):
            problems.append(Problem(key, f"{key} 应当是文字", f"{key} must be text, not {_kind(value)}"))
            values[key] = ""
        elif len(clean := (str(value).strip() if key == "url" else plain_text(str(value)))) > limit:
            problems.append(
                Problem(
                    key,
                    f"{_REFERENCE_LABELS[key]}最多 {limit} 个字符（现在 {len(clean)} 个）",
                    f"{key} is {len(clean)} characters long; the limit is {limit}",
                )
            )
            values[key] = ""
        else:
            values[key] = clean  # a link is checked whole by safe_url below, control characters included
    raw_date = ref.get("date", ref.get("published_at"))
    if not (any(values.values()) or raw_date or problems):
        return None, []  # an empty row of the studio's form
    if not values["title"] and not any(p.field == "title" for p in problems):
        problems.append(Problem("title", "需要标题", "has no title"))
    url = safe_url(values["url"]) if values["url"] else ""
    if values["url"] and not (url and re.match(r"^https?://", url, re.IGNORECASE)):
        problems.append(
            Problem("url", "链接必须以 http:// 或 https:// 开头", "url must start with http:// or https://")
        )
    when = None
    try:
        when = parse_when(raw_date)
    except BadDate as exc:
        problems.append(Problem("date", f"日期看不懂或超出范围：{exc}", f"date {exc.en}"))
    return ReferenceInput(values["title"], values["source"], url, when), problems


def clean_article_input(data: Mapping[str, Any], *, by: User | None = None) -> ArticleInput:
    """Check and clean raw fields (a studio form's or an API request's); ArticleInvalid lists every
    problem at once. Titles, summaries, tags and references lose any markup; the body stays
    Markdown and is rendered and sanitised here (render_body), outside any transaction. With `by`
    (an explicit save, not an autosave), external images in the body are fetched and become site
    media first (tidings.articles.external_images); a failed fetch refuses the save."""
    errors: dict[str, str] = {}
    out = ArticleInput()
    out.title = plain_text(_text(data.get("title")))
    if len(out.title) > MAX_TITLE:
        errors["title"] = f"标题最多 {MAX_TITLE} 个字符（现在 {len(out.title)} 个）。"
    out.summary = plain_text(_text(data.get("summary")))
    if len(out.summary) > MAX_SUMMARY:
        errors["summary"] = f"摘要最多 {MAX_SUMMARY} 个字符（现在 {len(out.summary)} 个）。"
    out.body_md = _text(data.get("body_md")).replace("\r\n", "\n").replace("\x00", "")
    if len(out.body_md) > MAX_BODY:
        errors["body_md"] = f"正文最多 {MAX_BODY} 个字符（现在 {len(out.body_md)} 个）。"
    slug = _text(data.get("channel")).strip()
    if slug:
        out.channel = Channel.objects.filter(slug=slug).first() if "\x00" not in slug else None  # NUL: PostgreSQL 500
        if out.channel is None:
            errors["channel"] = "没有这个频道，请从列表中选择。"
    raw_tags = data.get("tags") or []
    if isinstance(raw_tags, str):
        raw_tags = _TAG_SPLIT.split(raw_tags)
    tags: list[str] = []
    for raw in raw_tags if isinstance(raw_tags, list | tuple) else []:
        tag = plain_text(_text(raw))
        if tag and tag not in tags:
            tags.append(tag)
    if any(len(t) > MAX_TAG for t in tags):
        errors["tags"] = f"每个标签最多 {MAX_TAG} 个字符。"
    elif len(tags) > MAX_TAGS:
        errors["tags"] = f"最多 {MAX_TAGS} 个标签（现在 {len(tags)} 个）。"
    out.tags = tags
    cover = _text(data.get("cover")).strip()
    if cover:
        path = cover.removeprefix(settings.MEDIA_URL)
        if "\x00" not in path and Image.objects.filter(path=path).exists():
            out.cover = path
        else:
            errors["cover"] = "封面必须是已上传的图片。"
    original = data.get("original")
    out.original = original is True or _text(original).lower() in {"1", "true", "on", "yes"}
    check_repost(data, out, errors)
    out.statements = check_statements(data.get("statements"), errors)
    refs = data.get("references") or []
    if not isinstance(refs, list | tuple):
        errors["references"] = "参考信息的格式不对。"
        refs = []
    for i, raw_ref in enumerate(refs, start=1):
        ref, problems = check_reference(raw_ref)
        if problems:
            errors[f"references.{i}"] = f"第 {i} 条参考信息：" + "；".join(p.zh for p in problems) + "。"
        elif ref is not None:
            out.references.append(ref)
    if len(out.references) > MAX_REFERENCES:
        errors["references"] = f"最多 {MAX_REFERENCES} 条参考信息。"
    if errors:
        raise ArticleInvalid(errors)
    if by is not None:
        out.body_md, image_errors = localise_external_images(out.body_md, by=by)
        if image_errors:
            raise ArticleInvalid(image_errors)
    out.rendered()
    if out.original:
        out.fingerprint()  # the originality check's half that needs no database, outside any transaction
    return out


REPOST_LIMITS = {"repost_source": 200, "repost_url": 500}


def check_repost(data: Mapping[str, Any], out: ArticleInput, errors: dict[str, str]) -> None:
    """转载: a source's name and its http(s) URL, both or neither; never together with 原创."""
    source = plain_text(_text(data.get("repost_source")))
    url = _text(data.get("repost_url")).strip()
    if len(source) > REPOST_LIMITS["repost_source"]:
        errors["repost_source"] = f"转载来源最多 {REPOST_LIMITS['repost_source']} 个字符（现在 {len(source)} 个）。"
    if url:
        clean = safe_url(url) if len(url) <= REPOST_LIMITS["repost_url"] else ""
        if not (clean and re.match(r"^https?://[^/\s]+", clean, re.IGNORECASE)):
            errors["repost_url"] = "转载链接必须是以 http:// 或 https:// 开头的完整网址（最多 500 个字符）。"
        url = clean
    if source and not url and "repost_url" not in errors:
        errors["repost_url"] = "转载请同时填写原文链接（http:// 或 https:// 开头）。"
    if url and not source and "repost_source" not in errors:
        errors["repost_source"] = "转载请同时填写来源名称。"
    if (source or url) and out.original:
        errors["original"] = "原创和转载只能选一个：转载的文章不能声明原创。"
    out.repost_source, out.repost_url = source, url


def check_statements(raw: Any, errors: dict[str, str]) -> list[str]:
    """创作声明: a list of STATEMENTS' codes or labels (or a comma-separated text); kept in STATEMENTS' order."""
    if raw is None or raw == "":
        return []
    items = _TAG_SPLIT.split(raw) if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        errors["statements"] = "创作声明的格式不对。"
        return []
    by_label = {label: code for code, label in STATEMENTS.items()}
    codes = {by_label.get(_text(i).strip(), _text(i).strip()) for i in items if _text(i).strip()}
    unknown = sorted(codes - set(STATEMENTS))
    if unknown:
        errors["statements"] = "没有这种创作声明：" + "、".join(unknown) + "。可选：" + "、".join(STATEMENTS) + "。"
    return [code for code in STATEMENTS if code in codes]


def snapshot_references(article: Article) -> list[dict[str, Any]]:
    return [
        ReferenceInput(r.title, r.source, r.url, r.published_at).snapshot()
        for r in article.references.order_by("position", "pk")
    ]


def references_from_snapshot(snapshot: list[dict[str, Any]]) -> list[ReferenceInput]:
    """A stored snapshot (a revision's, a pending edit's) back as references to write."""
    return [
        ReferenceInput(
            str(r.get("title", "")), str(r.get("source", "")), str(r.get("url", "")), parse_when(r.get("published_at"))
        )
        for r in snapshot
    ]


def write_references(article: Article, refs: list[ReferenceInput]) -> None:
    """Replace the article's references (studio, API, importer, revisions restored)."""
    article.references.all().delete()
    Reference.objects.bulk_create(
        Reference(article=article, title=r.title, source=r.source, url=r.url, published_at=r.published_at, position=i)
        for i, r in enumerate(refs)
    )
