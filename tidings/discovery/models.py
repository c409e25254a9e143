"""Derived discovery data: keywords (topics), document frequencies, related lists, and each
reader's recommendation settings (the personalisation switch and 不感兴趣 feedback)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ArticleKeyword(models.Model):
    """One of an article's top keywords (TF-IDF over its segmented text, plus the creator's tags),
    with its weight in the article's unit-length keyword vector (tidings.discovery.keywords)."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="keywords")
    keyword = models.CharField(max_length=40)
    weight = models.FloatField()
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["article", "rank"]
        constraints = [models.UniqueConstraint(fields=["article", "keyword"], name="article_keyword_once")]
        # /t/<keyword>/ and related candidates (tidings.discovery.related._postings) look keywords up.
        indexes = [models.Index(fields=["keyword", "article"], name="keyword_articles")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.keyword} ({self.weight:.3f})"


class DocumentFrequency(models.Model):
    """How many articles of the site contain a term: the IDF of keyword extraction, learned from
    the site's own corpus. Rebuilt by a full refresh; incremented when a new article is indexed.
    The row with term "" holds the number of documents."""

    term = models.CharField(max_length=40, unique=True)
    df = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.df}"


class Related(models.Model):
    """相关推荐, precomputed: `other` is the article's rank-th most similar published article."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="related_list")
    other = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["article", "rank"]
        constraints = [models.UniqueConstraint(fields=["article", "rank"], name="related_rank_once")]
        # A withdrawn article leaves the lists that point to it (tidings.discovery.related.refresh).
        indexes = [models.Index(fields=["other"], name="related_other")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.other_id} #{self.rank}"


class ReaderSettings(models.Model):
    """A reader's recommendation settings. No row means the defaults (personalisation on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="feed_settings"
    )
    personalised = models.BooleanField("个性化推荐", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.personalised else 'off'}"


class NotInterested(models.Model):
    """不感兴趣: an article, a creator or a keyword the reader does not want recommended."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "文章"
        CREATOR = "creator", "作者"
        KEYWORD = "keyword", "话题"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="not_interested")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=64)  # article id, creator id, or the keyword
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "value"], name="not_interested_once")]

    def __str__(self) -> str:
        return f"{self.user_id} ✗ {self.kind}:{self.value}"
