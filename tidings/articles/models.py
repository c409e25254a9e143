from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.lib.urls import url_for

# 创作声明 (as 头条号 and 百家号 ask for them): code → the words shown under the title, in the
# API (`statements`), the feeds (a category each) and the import front matter (`statements`).
STATEMENTS: dict[str, str] = {
    "ai": "含AI生成内容",
    "opinion": "个人观点仅供参考",
    "fiction": "虚构演绎",
    "external": "引用站外信息",
}


class ArticleQuerySet(models.QuerySet["Article"]):
    """The read vocabulary: every page, feed, API endpoint and job starts from these names."""

    def published(self) -> ArticleQuerySet:
        """Public now. tidings.discovery.blocks states the same condition in SQL."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_channel(self, channel: Channel | int) -> ArticleQuerySet:
        return self.filter(channel=channel)

    def by(self, creator: Creator | int) -> ArticleQuerySet:
        return self.filter(creator=creator)

    def live(self) -> ArticleQuerySet:
        """Not deleted: what a creator's studio lists (deleted articles are gone for everyone)."""
        return self.filter(deleted_at__isnull=True)

    def scheduled_due(self, now: dt.datetime) -> ArticleQuerySet:
        """Scheduled articles whose time has come (tidings.web.worker.publish_due)."""
        return self.filter(status=Article.Status.SCHEDULED, published_at__lte=now, deleted_at__isnull=True)

    def newest(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-id")

    def hot(self) -> ArticleQuerySet:
        """Trending first: an index scan on hot_score (see tidings.articles.ranking)."""
        return self.order_by("-hot_score", "-id")

    def originals(self) -> ArticleQuerySet:
        return self.filter(original=True)

    def for_lists(self) -> ArticleQuerySet:
        """What a list item shows (title, creator, channel, time): one query, no N+1."""
        return self.select_related("creator", "channel").only(
            "id",
            "title",
            "slug",
            "summary",
            "published_at",
            "original",
            "original_check",
            "lang",
            "cover",
            "thumbs",
            "comments_count",
            "views_count",
            "creator__id",
            "creator__handle",
            "creator__name",
            "channel__id",
            "channel__slug",
            "channel__name",
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿 Draft"
        PENDING = "pending", "待审核 In review"
        SCHEDULED = "scheduled", "定时发布 Scheduled"
        PUBLISHED = "published", "已发布 Published"
        WITHDRAWN = "withdrawn", "已撤回 Withdrawn"
        REJECTED = "rejected", "未通过 Rejected"

    creator = models.ForeignKey(Creator, on_delete=models.PROTECT, related_name="articles")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="articles")
    title = models.CharField("标题", max_length=200)
    slug = models.SlugField(max_length=120, blank=True, allow_unicode=False)
    summary = models.CharField("摘要", max_length=500, blank=True)
    body_md = models.TextField("正文 (Markdown)", blank=True)
    # Rendered and sanitised once at write time (tidings.lib.markup); pages print it as is.
    body_html = models.TextField(blank=True, editable=False)
    cover = models.CharField(max_length=255, blank=True, help_text="Path under MEDIA_ROOT.")
    tags = models.JSONField(default=list, blank=True)
    lang = models.CharField(max_length=16, default="zh-Hans")
    original = models.BooleanField("原创", default=False)

    class OriginalCheck(models.TextChoices):
        """What became of a 原创 declaration (the near-duplicate check, then an editor)."""

        NONE = "", "未检查"  # not declared original, or not checked yet
        PASSED = "passed", "通过"  # no earlier article by another creator overlaps above the threshold
        MATCHED = "matched", "疑似重复，待审"  # declared anyway (import): in the review queue with the match
        UPHELD = "upheld", "编辑确认原创"  # an editor looked at the match and kept 原创
        REFUSED = "refused", "编辑判定非原创"  # an editor looked at the match and took 原创 away

    # Written only by the originality check and the editors' decision on it; the creator index's
    # 原创度 counts declared originals whose check is PASSED or UPHELD.
    original_check = models.CharField(
        "原创检查", max_length=8, choices=OriginalCheck.choices, default=OriginalCheck.NONE, blank=True, editable=False
    )
    # 转载: the source's name and http(s) URL (tidings.articles.input); exclusive with 原创.
    repost_source = models.CharField("转载来源", max_length=200, blank=True)
    repost_url = models.URLField("转载链接", max_length=500, blank=True)
    # 创作声明 (several may apply): codes of STATEMENTS, in that order.
    statements = models.JSONField("创作声明", default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # 更新于: when an editor last approved an edit of the published text (published_at stays).
    edited_at = models.DateTimeField("更新于", null=True, blank=True, editable=False)
    # IP属地 of the address the creator last published from (transitions.submit); "" for imports.
    ip_region = models.CharField("IP属地", max_length=32, blank=True, editable=False)
    # Soft delete (studio 删除): hidden everywhere (410 where it was public, else 404); the row and
    # its history stay.
    deleted_at = models.DateTimeField(null=True, blank=True)
    # An editor's take-down (withdrawn on reports or in the admin, rejected in review): while set,
    # the creator's publishing goes to review. Set and cleared only by tidings.articles.transitions.
    taken_down_at = models.DateTimeField("编辑下线时间", null=True, blank=True, editable=False)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    taken_down_reason = models.TextField("下线理由", blank=True, editable=False)
    # Bumped by every studio/API save; a save that names an older version is refused (409), so an
    # autosave from a stale tab never overwrites newer text.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Where an import came from ("path:/abs/file.md" or "slug:..."); re-imports update in place.
    import_key = models.CharField(max_length=500, null=True, blank=True, unique=True)

    # Engagement counters (tidings.engagement.actions) and the stored hot score derived from them.
    views_count = models.PositiveIntegerField(default=0)
    shares_count = models.PositiveIntegerField(default=0)
    comments_count = models.PositiveIntegerField(default=0)
    likes_count = models.PositiveIntegerField(default=0)
    hot_score = models.FloatField(default=0.0)
    # What lists show of its pictures (the cover, then the body's images; up to three), derived at
    # write time by tidings.articles.thumbs: [[small WebP, large WebP, w, h, large w], …]. NULL
    # means not derived yet (articles stored before thumbnails existed): the worker fills it in.
    thumbs = models.JSONField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "文章 Article"
        indexes = [
            # Hot list, site-wide and per channel box (tidings.discovery.blocks).
            models.Index(fields=["status", "-hot_score"], name="article_hot"),
            models.Index(fields=["channel", "status", "-hot_score"], name="article_channel_hot"),
            # Newest lists: home stream, channel stream, creator 往期回顾, API.
            models.Index(fields=["status", "-published_at"], name="article_newest"),
            models.Index(fields=["channel", "status", "-published_at"], name="article_channel_newest"),
            models.Index(fields=["creator", "status", "-published_at"], name="article_creator_newest"),
            # The studio's list of one creator's articles, newest edit first (tidings.studio.views).
            models.Index(fields=["creator", "-updated_at"], name="article_creator_updated"),
            # The worker's thumbnail backfill (tidings.articles.thumbs.backfill): the rows still NULL.
            models.Index(fields=["-id"], condition=models.Q(thumbs__isnull=True), name="article_thumbs_pending"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return url_for("article", self.pk)

    @property
    def is_repost(self) -> bool:
        return bool(self.repost_source or self.repost_url)

    @property
    def shows_original(self) -> bool:
        """The 原创 mark readers see: declared, and not waiting for (or refused by) an editor."""
        return self.original and self.original_check not in (self.OriginalCheck.MATCHED, self.OriginalCheck.REFUSED)

    @property
    def statement_labels(self) -> list[str]:
        return [STATEMENTS[code] for code in self.statements if code in STATEMENTS]

    @property
    def is_public(self) -> bool:
        """Readers can see it now (the same rule as ArticleQuerySet.published())."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
            and self.deleted_at is None
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at is not None

    @property
    def cover_url(self) -> str:
        return f"{settings.MEDIA_URL}{self.cover}" if self.cover else ""


class Fingerprint(models.Model):
    """The originality check's stored MinHash signature of a published article's text
    (tidings.articles.originality): written when it is published or edited, deleted when it
    leaves the public pages, so the index holds exactly the published articles."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="fingerprint")
    creator_id = models.IntegerField()  # copied from the article: candidates are filtered without a join
    published_at = models.DateTimeField(null=True)  # "earlier" article = published before
    signature = models.BinaryField()  # NUM_PERM little-endian uint32
    shingles = models.PositiveIntegerField(default=0)  # how many distinct shingles (0: too short to check)

    def __str__(self) -> str:
        return f"fingerprint of {self.article_id}"


class FingerprintBand(models.Model):
    """One LSH band of a Fingerprint: articles sharing any (band, hash) are candidates."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+", db_index=False)
    band = models.PositiveSmallIntegerField()
    hash = models.BigIntegerField()

    class Meta:
        indexes = [
            # The check's candidate look-up: hash IN (…) (tidings.articles.originality.candidates).
            models.Index(fields=["hash", "band"], name="fingerprint_band_hash"),
            # Replacing an article's bands on edit and unpublish.
            models.Index(fields=["article"], name="fingerprint_band_article"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.band}"


class OriginalityMatch(models.Model):
    """A declared original that overlaps an earlier article of another creator: the review queue's
    item (an import declared it anyway) and the editor's decision on it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="originality_matches")
    earlier = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField()  # estimated Jaccard of the two texts' shingles
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=8, blank=True)  # Article.OriginalCheck UPHELD / REFUSED

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "earlier"], name="originality_match_once")]
        indexes = [
            # The review queue: undecided matches, oldest first (tidings.moderation.views).
            models.Index(fields=["decided_at", "created_at"], name="originality_match_open"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ~ {self.earlier_id}"


class PendingEdit(models.Model):
    """An edit of a published article waiting for an editor (its creator is on probation): kept
    beside the live text, which readers keep seeing until transitions.approve_edit copies this in.
    One per article; the creator's later saves replace it (tidings.articles.actions)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="pending_edit")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    body_md = models.TextField(blank=True)
    body_html = models.TextField(blank=True)  # rendered and sanitised at save time
    tags = models.JSONField(default=list, blank=True)
    cover = models.CharField(max_length=255, blank=True)
    original = models.BooleanField(default=False)
    repost_source = models.CharField(max_length=200, blank=True)
    repost_url = models.URLField(max_length=500, blank=True)
    statements = models.JSONField(default=list, blank=True)
    # [{"title", "source", "url", "published_at" (ISO or null)}, …], as Revision.references.
    references = models.JSONField(default=list, blank=True)
    base_version = models.PositiveIntegerField()  # the live article's version when the edit began
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.article_id}: {self.title}"


class Reference(models.Model):
    """A cited source (参考信息) of an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Image(models.Model):
    """An uploaded or imported image, re-encoded by Pillow, with responsive variants."""

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="images")
    sha256 = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=255, help_text="Largest JPEG/PNG variant, under MEDIA_ROOT.")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # [{"w": 480, "jpg": "img/ab/…-480.jpg", "webp": "img/ab/…-480.webp"}, …], smallest first.
    variants = models.JSONField(default=list)
    # List thumbnails, 3:2 WebP crops: [{"w": 240, "h": 160, "webp": "img/ab/…-240x160.webp"}, …],
    # smallest first (tidings.lib.images.THUMBS). Empty for images stored before they existed,
    # until the worker's backfill makes them (tidings.articles.thumbs).
    thumbs = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.path


class Revision(models.Model):
    """A snapshot of an article's text as saved (studio or API): kept on every explicit save, so
    edits can be compared and restored. Restoring saves a new revision; none is ever changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    body_md = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    # [{"title", "source", "url", "published_at" (ISO or null)}, …] as saved.
    references = models.JSONField(default=list, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=120, blank=True)  # e.g. "恢复自第 3 版"
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_number_once")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"
