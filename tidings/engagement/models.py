"""Deduplicated engagement: who read and liked what, so counters move once per visitor.

A *visitor* is "u:<user id>" for a signed-in reader, else "v:<id>" from the signed first-party
cookie set by the read and like endpoints (tidings.engagement.views).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Read(models.Model):
    """A signed-in reader's reading history: one row per reader and article, last read time.

    The personalised feed (tidings.discovery.feed) builds the interest profile from it and leaves
    out what the reader has already read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reads")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="read_once_per_user")]
        # The feed reads a reader's most recent reads (tidings.discovery.feed.profile).
        indexes = [models.Index(fields=["user", "-read_at"], name="read_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.article_id}"


class ViewWindow(models.Model):
    """When a visitor's read of an article last counted (the database's dedupe, used without Redis).

    A read counts when no row exists (INSERT wins) or the row is older than the window (a
    conditional UPDATE claims it); concurrent duplicates lose on the unique constraint."""

    visitor = models.CharField(max_length=64)
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visitor", "article"], name="view_window_unique")]
        # prune_view_windows, every minute in `tidings worker`: a range delete of expired claims.
        indexes = [models.Index(fields=["counted_at"], name="view_window_age")]

    def __str__(self) -> str:
        return f"{self.visitor} → {self.article_id} @ {self.counted_at}"


class Like(models.Model):
    """点赞: at most one per visitor and article. `active` flips on unlike and re-like; the
    article's likes_count is the number of active rows, so toggling never adds up."""

    visitor = models.CharField(max_length=64)
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="likes")
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visitor", "article"], name="like_once_per_visitor")]

    def __str__(self) -> str:
        return f"{self.visitor} likes {self.article_id}: {self.active}"


class Save(models.Model):
    """收藏: a signed-in reader kept an article to find again in 我的收藏. One row per reader and
    article (saving twice keeps the first time)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saves")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="save_once_per_user")]
        # 我的收藏, newest first (tidings.engagement.actions.saves_of).
        indexes = [models.Index(fields=["user", "-created_at"], name="save_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.article_id}"


class HistorySetting(models.Model):
    """The 记录浏览历史 switch of 浏览历史. No row means on; off stops new engagement.Read rows
    (reads still count for ranking)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="history_setting"
    )
    record = models.BooleanField("记录浏览历史", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id}: history {'on' if self.record else 'off'}"
