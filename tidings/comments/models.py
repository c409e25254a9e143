"""跟帖: comments under articles, their votes (顶/踩), the thread settings and the word list.

A reply keeps a link to its parent and the ids of all its ancestors (`path`, "/12/40/41/"), never
a copy of their text: the chain of floors above a reply (盖楼) is one query by primary key, however
deep it is (tidings.comments.threads). Counters on Comment and Article move by conditional UPDATEs
in tidings.comments.actions, the only writer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

MAX_LENGTH = 1000  # characters of a comment (the form, the API and the action say the same)


class Mode(models.TextChoices):
    OPEN = "open", "先发后审"  # visible at once, reviewed when reported
    REVIEW = "review", "先审后发"  # held until an editor approves
    CLOSED = "closed", "关闭跟帖"


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible(self) -> CommentQuerySet:
        return self.filter(status=Comment.Status.VISIBLE)

    def on(self, article_id: int) -> CommentQuerySet:
        return self.filter(article_id=article_id)

    def newest(self) -> CommentQuerySet:
        return self.order_by("-created_at", "-id")

    def hot(self) -> CommentQuerySet:
        """热门: author-pinned first, then by the stored rank (tidings.comments.ranking)."""
        return self.order_by("-pinned", "-rank", "-id")

    def for_display(self) -> CommentQuerySet:
        return self.select_related("author", "author__creator")


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "已显示"
        PENDING = "pending", "待审核"  # 先审后发, a held word, or a new account
        DELETED = "deleted", "作者已删除"
        REMOVED = "removed", "已删除（管理）"  # by an editor or the article's creator

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    # Ancestor ids, oldest first, "/12/40/" ("" for a top-level comment): the chain in one query.
    path = models.CharField(max_length=2000, blank=True, default="")
    depth = models.PositiveIntegerField(default=0)
    body = models.TextField("跟帖内容", max_length=MAX_LENGTH)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VISIBLE)
    # Why it is held or removed (a word-list hit, an editor's reason); shown to editors and the author.
    status_reason = models.CharField(max_length=500, blank=True)
    up_count = models.PositiveIntegerField("顶", default=0)
    down_count = models.PositiveIntegerField("踩", default=0)
    # 热门 order, stored so that the first page is an index range scan (tidings.comments.ranking).
    rank = models.FloatField(default=0.0)
    pinned = models.BooleanField("作者置顶", default=False)
    # IP属地 as shown ("广东", "美国", "未知"), computed once at posting time.
    ip_region = models.CharField("IP属地", max_length=32, default="未知")
    # A keyed hash of the address (tidings.lib.iploc.address_hash) for abuse control; emptied
    # after 30 days by the worker (prune_address_hashes).
    ip_hash = models.CharField(max_length=64, blank=True, db_index=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = "跟帖 Comment"
        indexes = [
            # 最新 and 热门 (threads.new_order / hot_order, the pages and the section): each index
            # ends in the order's id tie-break, so a first page reads its rows off the index in
            # order on both databases (without id, SQLite sorted every match or walked
            # comment_status instead; bench/comments.py prints the plans).
            models.Index(fields=["article", "status", "-created_at", "-id"], name="comment_newest"),
            models.Index(fields=["article", "status", "-pinned", "-rank", "-id"], name="comment_hot"),
            # The per-account limits and the same-text check (actions.post_comment).
            models.Index(fields=["author", "-created_at"], name="comment_author_recent"),
            # The review queue's held comments, oldest first.
            models.Index(fields=["status", "created_at"], name="comment_status"),
            # prune_address_hashes: old rows that still carry a hash.
            models.Index(fields=["created_at"], name="comment_created", condition=~models.Q(ip_hash="")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.article_id}: {self.body[:30]}"

    @property
    def shown(self) -> bool:
        return self.status == Comment.Status.VISIBLE

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class Vote(models.Model):
    """顶 (+1) or 踩 (-1): one row per reader and comment; switching flips the value, removing
    deletes the row. The comment's counters move in the same transaction (actions.vote)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes")
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="vote_once_per_user"),
            models.CheckConstraint(condition=models.Q(value__in=[1, -1]), name="vote_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'顶' if self.value > 0 else '踩'} {self.comment_id}"


class Participant(models.Model):
    """How many visible comments one reader has on one article: the article's "M 人参与" counts
    the rows whose `visible` is above zero, moved on each 0↔1 step (actions._participation)."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    visible = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="participant_once")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.article_id}: {self.visible}"


class Thread(models.Model):
    """Per-article comment settings: the mode an editor or the article's creator chose (blank: the
    site's) and the participant count. No row means the site's mode and nobody has commented."""

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="thread"
    )
    mode = models.CharField("跟帖模式", max_length=16, choices=Mode.choices, blank=True)
    participants_count = models.PositiveIntegerField("参与人数", default=0)

    def __str__(self) -> str:
        return f"thread of {self.article_id}: {self.mode or 'site'}"


class SiteSettings(models.Model):
    """The site's comment mode (one row, pk=1; edited in the admin)."""

    mode = models.CharField("全站跟帖模式", max_length=16, choices=Mode.choices, default=Mode.OPEN)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "跟帖设置 Comment settings"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.get_mode_display()


class Word(models.Model):
    """The word list (admin): a matching comment is held for review or refused
    (tidings.lib.wordfilter does the matching over normalised text)."""

    class Action(models.TextChoices):
        HOLD = "hold", "转人工审核"
        REFUSE = "refuse", "直接拒绝"

    word = models.CharField("词语", max_length=100, unique=True)
    action = models.CharField("处理", max_length=16, choices=Action.choices, default=Action.HOLD)
    created_at = models.DateTimeField(default=timezone.now)
    # The compiled automaton is rebuilt when the list's (count, newest change) moves (actions.word_filter).
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "敏感词 Word"
        verbose_name_plural = "敏感词 Words"

    def __str__(self) -> str:
        return self.word


class Ban(models.Model):
    """An editor stopped a user from commenting until `until` (禁言)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_bans")
    until = models.DateTimeField("禁言至")
    reason = models.CharField("理由", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # actions.banned_until: the user's latest ban.
        indexes = [models.Index(fields=["user", "-until"], name="ban_user_until")]

    def __str__(self) -> str:
        return f"{self.user_id} banned until {self.until}"
