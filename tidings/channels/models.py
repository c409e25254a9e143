from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from tidings.lib.urls import url_for


class ChannelQuerySet(models.QuerySet["Channel"]):
    def boxes(self) -> ChannelQuerySet:
        """The news channels shown as 要闻 boxes on the article and home pages, in order."""
        return self.filter(kind=Channel.Kind.NEWS, in_boxes=True).order_by("order", "id")

    def originals(self) -> ChannelQuerySet:
        """The 态度原创 tabs, in order."""
        return self.filter(kind=Channel.Kind.ORIGINALS).order_by("order", "id")


class Channel(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", "新闻 News"
        ORIGINALS = "originals", "原创 Originals"

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    name_en = models.CharField("English name", max_length=60, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NEWS)
    order = models.PositiveSmallIntegerField(default=100)
    in_boxes = models.BooleanField("要闻 box", default=False, help_text="Show a 要闻 box for this channel on pages.")
    description = models.CharField(max_length=200, blank=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "频道 Channel"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return url_for("channel", self.slug)

    @property
    def box_title(self) -> str:
        return f"{self.name}要闻"


class PickQuerySet(models.QuerySet["Pick"]):
    def live(self) -> PickQuerySet:
        """Picks not yet expired, for published articles."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), article__status="published")


class Pick(models.Model):
    """An editor's pin of an article into a channel's 要闻 box (featured story)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="picks")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="picks")
    position = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PickQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-created_at"]
        verbose_name = "要闻推荐 Featured story"
        constraints = [models.UniqueConstraint(fields=["channel", "article"], name="pick_unique_per_channel")]

    def __str__(self) -> str:
        return f"{self.channel} ← {self.article_id}"
