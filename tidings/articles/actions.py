"""Writes to articles. Views, the API, the importer, the demo generator and tests call these."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from tidings import audit
from tidings.articles.derived import refresh_derived
from tidings.articles.models import Article, Image, Reference, Revision
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.discovery.ranking import engagement, hot_score
from tidings.lib.images import discard, process_image
from tidings.lib.markup import ImageResolver, ResolvedImage, plain_text, render_markdown, safe_url
from tidings.web.pagecache import invalidate_site


def media_url(path: str) -> str:
    return f"{settings.MEDIA_URL}{path}"


def resolved(image: Image) -> ResolvedImage:
    variants = [
        {"w": v["w"], "url": media_url(str(v["jpg"])), "url_webp": media_url(str(v["webp"]))} for v in image.variants
    ]
    return ResolvedImage(media_url(image.path), image.width, image.height, variants)


def render_body(body_md: str) -> str:
    """Markdown → sanitised HTML; images already in our media library render as <picture>."""
    prefix = settings.MEDIA_URL

    def resolver_for(sources: list[str]) -> ImageResolver:
        paths = {src[len(prefix) :] for src in sources if src.startswith(prefix)}
        by_path = {img.path: img for img in Image.objects.filter(path__in=paths)} if paths else {}

        def resolve(src: str) -> ResolvedImage | None:
            img = by_path.get(src[len(prefix) :]) if src.startswith(prefix) else None
            return resolved(img) if img else None

        return resolve

    return render_markdown(body_md, resolver_for=resolver_for)  # one parse of the Markdown, not two


def refresh_hot_score(article: Article) -> None:
    article.hot_score = hot_score(
        article.published_at,
        engagement(article.views_count, article.shares_count, article.comments_count, article.likes_count),
    )


def refresh_creator_counts(creator_ids: set[int]) -> None:
    """Recount 文章数 (published articles) for these creators in one query each way."""
    counts = dict(
        Creator.objects.filter(pk__in=creator_ids)
        .annotate(n=Count("articles", filter=Q(articles__status=Article.Status.PUBLISHED)))
        .values_list("pk", "n")
    )
    for pk, n in counts.items():
        Creator.objects.filter(pk=pk).update(articles_count=n)


@transaction.atomic
def save_article(article: Article, *, publish_at: dt.datetime | None = None, publish: bool = False) -> Article:
    """Render, score and save an article; with publish=True it goes public at publish_at (or now).

    Follow-up work (creator counts, cache invalidation) happens here, explicitly.
    """
    article.body_html = render_body(article.body_md)
    article.updated_at = timezone.now()
    if publish:
        article.status = Article.Status.PUBLISHED
        article.published_at = publish_at or article.published_at or timezone.now()
    refresh_hot_score(article)
    previous_creator = None
    if article.pk:
        previous_creator = Article.objects.filter(pk=article.pk).values_list("creator_id", flat=True).first()
    article.save()
    refresh_creator_counts({article.creator_id, *([previous_creator] if previous_creator else [])})
    refresh_derived([article.pk])
    transaction.on_commit(invalidate_site)
    return article


@transaction.atomic
def withdraw_article(article: Article) -> Article:
    article.status = Article.Status.WITHDRAWN
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    refresh_creator_counts({article.creator_id})
    refresh_derived([article.pk])
    transaction.on_commit(invalidate_site)
    return article


# ------------------------------------------------------------------------------------------------
# The studio and the write API: input checks, saving with revisions, the publish path, withdraw,
# soft delete, restore, images. Each function checks, writes and records in one transaction.

MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_BODY = 200_000  # characters; a 3,000-character article with a dozen images is ~10,000
MAX_TAGS = 10
MAX_TAG = 20
MAX_REFERENCES = 20
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


class WrongState(Exception):
    """The action does not apply to the article's current state (e.g. publishing what is public)."""


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
    """Checked, cleaned article fields: plain text where no markup belongs, Markdown for the body."""

    title: str = ""
    summary: str = ""
    body_md: str = ""
    channel: Channel | None = None
    tags: list[str] = field(default_factory=list)
    cover: str = ""  # path under MEDIA_ROOT of an Image in the library
    original: bool = False
    references: list[ReferenceInput] = field(default_factory=list)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def parse_when(value: Any) -> dt.datetime | None:
    """A date or date-time (ISO 8601; no zone = the site's zone); None for blank; ValueError if bad."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
    else:
        raw = str(value).strip()
        if not raw:
            return None
        parsed = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    if not 1900 <= parsed.year <= 9998:  # 0001-01-01 or 9999-12-31 overflow once moved to UTC
        raise ValueError("year out of range")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


def clean_article_input(data: Mapping[str, Any], *, by: Any = None) -> ArticleInput:
    """Check and clean raw fields (a studio form's or an API request's); ArticleInvalid lists every
    problem at once. Titles, summaries, tags and references lose any markup; the body stays
    Markdown and is sanitised when rendered (render_body). With `by` (an explicit save, not an
    autosave), external images in the body become site media (articles.external_images)."""
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
    refs = data.get("references") or []
    if not isinstance(refs, list | tuple):
        errors["references"] = "参考信息的格式不对。"
        refs = []
    for i, ref in enumerate(refs, start=1):
        if not isinstance(ref, Mapping):
            errors["references"] = f"第 {i} 条参考信息的格式不对。"
            continue
        title = plain_text(_text(ref.get("title")))[:300]
        source = plain_text(_text(ref.get("source")))[:200]
        raw_url = _text(ref.get("url")).strip()
        url = safe_url(raw_url)
        raw_date = ref.get("date", ref.get("published_at"))
        if not (title or source or raw_url or raw_date):
            continue  # an empty row of the form
        if not title:
            errors[f"references.{i}"] = f"第 {i} 条参考信息需要标题。"
        if raw_url and not url:
            errors[f"references.{i}"] = f"第 {i} 条参考信息的链接必须以 http:// 或 https:// 开头。"
        try:
            when = parse_when(raw_date)
        except (TypeError, ValueError):
            errors[f"references.{i}"] = f"第 {i} 条参考信息的日期看不懂或超出 1900–9998 年（例如 2024-01-10）。"
            when = None
        out.references.append(ReferenceInput(title, source, url, when))
    if len(out.references) > MAX_REFERENCES:
        errors["references"] = f"最多 {MAX_REFERENCES} 条参考信息。"
    if errors:
        raise ArticleInvalid(errors)
    # Issue 10.8: external images are fetched into the media library; a failed fetch refuses the save.
    if by is not None:
        from tidings.articles.external_images import localise_external_images

        out.body_md, image_errors = localise_external_images(out.body_md, by=by)
        if image_errors:
            raise ArticleInvalid(image_errors)
    return out


def _ready_to_publish(article: Article) -> None:
    errors = {}
    if not article.title.strip():
        errors["title"] = "发布前请填写标题。"
    if not article.body_md.strip():
        errors["body_md"] = "发布前请填写正文。"
    if errors:
        raise ArticleInvalid(errors)


def _apply(article: Article, data: ArticleInput) -> None:
    from tidings.importers.markdown import detect_lang, url_slug

    article.title = data.title
    article.summary = data.summary
    article.body_md = data.body_md
    if data.channel is not None:
        article.channel = data.channel
    article.tags = data.tags
    article.cover = data.cover
    article.original = data.original
    article.slug = url_slug(None, data.title)
    article.lang = detect_lang(f"{data.title} {data.body_md[:4000]}")


def _snapshot_references(article: Article) -> list[dict[str, Any]]:
    return [
        {
            "title": r.title,
            "source": r.source,
            "url": r.url,
            "published_at": r.published_at.isoformat() if r.published_at else None,
        }
        for r in article.references.all()
    ]


def _write_references(article: Article, refs: list[ReferenceInput]) -> None:
    article.references.all().delete()
    Reference.objects.bulk_create(
        Reference(article=article, title=r.title, source=r.source, url=r.url, published_at=r.published_at, position=i)
        for i, r in enumerate(refs)
    )


def save_revision(article: Article, by: Any, note: str = "") -> Revision:
    last = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return Revision.objects.create(
        article=article,
        number=last + 1,
        title=article.title,
        summary=article.summary,
        body_md=article.body_md,
        tags=list(article.tags),
        references=_snapshot_references(article),
        editor=by if getattr(by, "pk", None) else None,
        note=note,
    )


def default_channel() -> Channel:
    channel = Channel.objects.order_by("order", "pk").first()
    if channel is None:
        raise ArticleInvalid({"channel": "网站还没有频道，请先让管理员创建频道。"})
    return channel


@transaction.atomic
def create_article(creator: Creator, by: Any, data: ArticleInput, *, autosave: bool = False) -> Article:
    """A new draft of `creator`'s, with its first revision (none for an autosave)."""
    article = Article(creator=creator, channel=data.channel or default_channel(), status=Article.Status.DRAFT)
    _apply(article, data)
    save_article(article)
    _write_references(article, data.references)
    if not autosave:
        save_revision(article, by)
    audit.record(by, "article.create", article)
    return article


@transaction.atomic
def edit_article(
    article: Article, by: Any, data: ArticleInput, *, version: int | None = None, autosave: bool = False
) -> Article:
    """Save new text into an article in any state (a published one stays public, re-rendered).

    `version` is the version the writer's text was based on: if the stored one is newer, nothing
    is written and StaleVersion is raised. An explicit save keeps a revision; an autosave does not.
    """
    lock(article)
    current = article.version
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    if version is not None and version != current:
        raise StaleVersion(current)
    _save_text(article, by, data)
    if not autosave:
        save_revision(article, by)
    return article


def _save_text(article: Article, by: Any, data: ArticleInput) -> None:
    """New text into a locked, current article: one version more, rendered, references kept."""
    _apply(article, data)
    article.version += 1
    if article.status in REVIEWED_WHILE_ON_PROBATION and _on_probation(article):
        # Probation covers what goes public, not only the first submission: a changed text
        # leaves the public pages until an editor has read it.
        article.status = Article.Status.PENDING
        audit.record(by, "article.submit_for_review", article, "edited on probation")
    save_article(article)
    _write_references(article, data.references)


def lock(article: Article) -> None:
    """Lock the article's row and reload every field into `article` (call inside a transaction).

    The object a view loaded may be seconds old (an image upload ran in between): an editor may
    have withdrawn or rejected it, and readers' counters have moved. Writing it back whole would
    undo both, so every state change starts from the locked, current row.
    """
    try:
        article.refresh_from_db(from_queryset=Article.objects.select_for_update())
    except Article.DoesNotExist:
        raise WrongState("这篇文章已删除。") from None


REVIEWED_WHILE_ON_PROBATION = {Article.Status.PUBLISHED, Article.Status.SCHEDULED}


def _on_probation(article: Article) -> bool:
    return Creator.objects.filter(pk=article.creator_id, probation_left__gt=0).exists()


def _taken_down_by_an_editor(article: Article) -> bool:
    """Rejected in review, or withdrawn by someone other than its creator (an editor acting on
    reports): publishing it again is an editor's decision, so it goes back to review."""
    if article.status == Article.Status.REJECTED:
        return True
    if article.status != Article.Status.WITHDRAWN:
        return False
    from tidings.audit.models import Entry

    last = (
        Entry.objects.filter(target_type="article", target_id=article.pk, action="article.withdraw")
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    owner = Creator.objects.filter(pk=article.creator_id).values_list("user_id", flat=True).first()
    return last is not None and last != owner


SUBMITTABLE = {
    Article.Status.DRAFT,
    Article.Status.SCHEDULED,
    Article.Status.WITHDRAWN,
    Article.Status.REJECTED,
}


@transaction.atomic
def submit_article(
    article: Article, by: Any, publish_at: dt.datetime | None = None, *, now: dt.datetime | None = None
) -> Article:
    """The one publish path of the studio and the API.

    - a creator still on probation (Creator.probation_left > 0) → PENDING, for an editor's review;
      a requested future time is kept in published_at for the reviewer to honour (approve makes it
      SCHEDULED), None means "as soon as approved";
    - else a time in the future → SCHEDULED (published_at = that time; the scheduler publishes it);
    - else → PUBLISHED now.
    """
    now = now or timezone.now()
    lock(article)
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    if article.status not in SUBMITTABLE:
        raise WrongState("这篇文章已经发布。" if article.status == Article.Status.PUBLISHED else "这篇文章正在审核中。")
    _ready_to_publish(article)
    future = publish_at is not None and publish_at > now
    creator = Creator.objects.select_for_update().get(pk=article.creator_id)
    before = article.status
    if creator.probation_left > 0 or _taken_down_by_an_editor(article):
        article.status = Article.Status.PENDING
        article.published_at = publish_at if future else None
        save_article(article)
        audit.record(by, "article.submit_for_review", article, publish_at=_iso(article.published_at))
    elif future:
        article.status = Article.Status.SCHEDULED
        article.published_at = publish_at
        save_article(article)
        audit.record(by, "article.schedule", article, publish_at=_iso(publish_at))
    else:
        save_article(article, publish=True, publish_at=now)
        audit.record(by, "article.publish", article, previous=before)
    return article


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def withdraw_by(article: Article, by: Any) -> Article:
    """撤回: a public article becomes WITHDRAWN (hidden); a scheduled or pending one goes back to DRAFT."""
    lock(article)
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    if article.status == Article.Status.PUBLISHED:
        withdraw_article(article)
        audit.record(by, "article.withdraw", article)
    elif article.status in (Article.Status.SCHEDULED, Article.Status.PENDING):
        previous = article.status
        article.status = Article.Status.DRAFT
        article.published_at = None
        save_article(article)
        audit.record(by, "article.unschedule", article, previous=previous)
    else:
        raise WrongState("只有已发布、定时发布或待审核的文章可以撤回。")
    return article


@transaction.atomic
def delete_article(article: Article, by: Any) -> Article:
    """Soft delete: hidden everywhere and 404 for everyone; the row, revisions and audit stay."""
    lock(article)
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    previous = article.status
    article.deleted_at = timezone.now()
    if previous in (Article.Status.PUBLISHED, Article.Status.SCHEDULED, Article.Status.PENDING):
        article.status = Article.Status.WITHDRAWN
    article.updated_at = timezone.now()
    article.save(update_fields=["deleted_at", "status", "updated_at"])
    refresh_creator_counts({article.creator_id})
    refresh_derived([article.pk])
    transaction.on_commit(invalidate_site)
    audit.record(by, "article.delete", article, previous=previous)
    return article


@transaction.atomic
def restore_revision(article: Article, revision: Revision, by: Any) -> Article:
    """Put an old revision's text back; that is a new save (and a new revision), never a rewind."""
    if revision.article_id != article.pk:
        raise WrongState("这个版本不属于这篇文章。")
    lock(article)
    if article.deleted_at is not None:
        raise WrongState("这篇文章已删除。")
    data = ArticleInput(
        title=revision.title,
        summary=revision.summary,
        body_md=revision.body_md,
        channel=None,
        tags=list(revision.tags),
        cover=article.cover,
        original=article.original,
        references=[
            ReferenceInput(
                str(r.get("title", "")),
                str(r.get("source", "")),
                str(r.get("url", "")),
                parse_when(r.get("published_at")),
            )
            for r in revision.references
        ],
    )
    _save_text(article, by, data)
    save_revision(article, by, note=f"恢复自第 {revision.number} 版")
    audit.record(by, "article.restore_revision", article, revision=revision.number)
    return article


def add_image(data: bytes, *, name: str, by: Any, article: Article | None = None) -> Image:
    """Re-encode an upload into the media library (or reuse identical bytes); ImageRejected says why
    not. Files are written first and removed again if the database write fails."""
    existing = Image.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
    if existing is not None and (Path(settings.MEDIA_ROOT) / existing.path).exists():
        return existing
    processed = process_image(data, name=name)
    try:
        with transaction.atomic():
            image, _ = Image.objects.update_or_create(
                sha256=processed.sha256,
                defaults={
                    "path": processed.path,
                    "width": processed.width,
                    "height": processed.height,
                    "variants": processed.variants,
                    "article": article,
                },
            )
    except Exception:
        discard(processed.written)
        raise
    return image


def image_markdown(image: Image, alt: str = "") -> str:
    alt = plain_text(alt).replace("[", "").replace("]", "") or "图片"
    return f"![{alt}]({media_url(image.path)})"


_IMAGE_REASONS = [
    ("too many pixels", "图片像素太多（可能是“解压炸弹”）"),
    ("megapixels", "图片像素太多"),
    ("limit is", "文件太大"),
    ("empty", "文件是空的"),
    ("not a readable image", "这不是可以识别的图片文件"),
    ("not accepted", "不支持这种图片格式"),
    ("damaged", "图片数据已损坏"),
]


def image_error_message(error: Exception) -> str:
    """A refused upload's reason for the studio and the API: Chinese first, then the details."""
    text = str(error)
    reason = next((zh for key, zh in _IMAGE_REASONS if key in text), "图片无法使用")
    return f"图片没有上传：{reason}。{text}"
