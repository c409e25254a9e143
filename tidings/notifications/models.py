"""消息中心: what a signed-in person is told — replies to their comments, comments on their
articles, 顶 on their comments (grouped), new followers, and moderation outcomes (系统通知).

Rows are written only by tidings.notifications.actions, at the moment the thing happens (a
decision, a follow, a vote), by the action that does it. Each row is a message as it was sent: its
`text` is kept as written (an article's title as it was then), so a list needs no joins.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    REPLY = "reply", "回复我的"
    COMMENT = "comment", "评论我的文章"  # for creators: a new comment under one of their articles
    VOTE = "vote", "顶"  # grouped: one unread row per comment, its `count` grows
    FOLLOW = "follow", "新粉丝"
    MODERATION = "moderation", "系统通知"  # an editor's decision about one's application or article


class Tone(models.TextChoices):
    GOOD = "good", "好消息"
    BAD = "bad", "坏消息"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def of(self, user: Any) -> NotificationQuerySet:
        """One person's notifications, and nobody else's."""
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def of_kinds(self, kinds: Any) -> NotificationQuerySet:
        return self.filter(kind__in=list(kinds))

    def newest(self) -> NotificationQuerySet:
        """Latest activity first: a 顶 group that grew moves back to the top."""
        return self.order_by("-updated_at", "-pk")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What happened, in the audit log's words ("article.reject", "creator.follow", "comment.reply").
    action = models.CharField(max_length=64, blank=True)
    # Who did it (None: the site itself, or an account deleted since).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # SET_NULL: a message already delivered keeps its words when the admin purges the article.
    article = models.ForeignKey("articles.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The comment it is about: a plain id until the comments app exists (then it may become a key).
    comment_id = models.BigIntegerField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1)  # 顶 groups: how many 顶 while it stayed unread
    text = models.CharField(max_length=500, blank=True)  # the sentence ("李雷 回复了你的跟帖")
    excerpt = models.CharField(max_length=200, blank=True)  # the words it quotes (a comment's first words)
    reason = models.TextField(blank=True)  # an editor's words, as they wrote them
    tone = models.CharField(max_length=8, choices=Tone.choices, blank=True)  # moderation: good or bad news
    url = models.CharField(max_length=500, blank=True)  # where to look next (a path on this site)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)  # a 顶 group's last 顶

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = "消息"
        verbose_name_plural = "消息"
        constraints = [
            # notify_vote: at most one unread 顶 group per comment, so concurrent 顶 add to one row.
            models.UniqueConstraint(
                fields=["user", "comment_id"],
                condition=Q(kind="vote", read_at__isnull=True),
                name="notification_one_unread_vote_group",
            ),
            # notify_follow: at most one unread 新粉丝 notice per follower (unfollow + follow again
            # does not pile up notices).
            models.UniqueConstraint(
                fields=["user", "actor"],
                condition=Q(kind="follow", read_at__isnull=True),
                name="notification_one_unread_follow",
            ),
        ]
        indexes = [
            # /notifications/ 全部 and GET /api/v1/notifications: one person's, newest first (for_user).
            models.Index(fields=["user", "-updated_at"], name="notification_user_recent"),
            # The tabs (回复 / 顶 / 粉丝 / 系统通知) and the studio's 审核通知: one person's of some kinds.
            models.Index(fields=["user", "kind", "-updated_at"], name="notification_user_kind"),
            # The header's unread count on every signed-in page, and mark_all_read.
            models.Index(fields=["user", "kind"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.message}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def message(self) -> str:
        """The sentence shown: a 顶 group says how many 顶 it holds now."""
        if self.kind == Kind.VOTE:
            return f"你的跟帖收到了 {self.count} 个顶"
        return self.text


class NotificationSetting(models.Model):
    """消息设置: a kind this person switched off (enabled=False) or back on. No row means on. A
    switched-off kind is not stored at all while it is off (tidings.notifications.actions.notify)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "消息设置"
        verbose_name_plural = "消息设置"
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_setting_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {'on' if self.enabled else 'off'}"
