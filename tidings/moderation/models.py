"""The editors' queue: 申请入驻 applications and readers' reports of articles and of 跟帖
(articles in review are articles with status PENDING; held comments are comments with status
PENDING). Decisions go through tidings.moderation.actions and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tidings.creators.models import Creator


class ApplicationQuerySet(models.QuerySet["Application"]):
    def pending(self) -> ApplicationQuerySet:
        return self.filter(status=Application.Status.PENDING)

    def of(self, user: Any) -> ApplicationQuerySet:
        return self.filter(user=user)


class Application(models.Model):
    """One 申请入驻. A rejected applicant re-applies with a new row, so each decision keeps the
    application it was made on."""

    class Status(models.TextChoices):
        PENDING = "pending", "审核中"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "未通过"

    Kind = Creator.Kind

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField("入驻类型", max_length=16, choices=Kind.choices, default=Kind.INDIVIDUAL)
    name = models.CharField("名称", max_length=60)
    handle = models.SlugField("账号", max_length=40)
    channel = models.ForeignKey("channels.Channel", on_delete=models.PROTECT, related_name="+", verbose_name="领域")
    motto = models.CharField("签名", max_length=120, blank=True)
    bio = models.TextField("简介", max_length=1000)
    avatar = models.CharField(max_length=255, blank=True, help_text="Path under MEDIA_ROOT.")
    sample_text = models.TextField("作品样例", max_length=5000, blank=True)
    sample_url = models.URLField("作品链接", max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "入驻申请"
        verbose_name_plural = "入驻申请"
        constraints = [
            # One open application per person, and a handle is held by at most one open one
            # (tidings.moderation.actions.submit_application also checks creators' handles).
            models.UniqueConstraint(fields=["user"], condition=Q(status="pending"), name="application_one_open"),
            models.UniqueConstraint(fields=["handle"], condition=Q(status="pending"), name="application_handle_open"),
        ]
        indexes = [
            # The editors' queue, oldest first.
            models.Index(fields=["status", "created_at"], name="application_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})"

    @property
    def avatar_url(self) -> str:
        return f"{settings.MEDIA_URL}{self.avatar}" if self.avatar else f"{settings.STATIC_URL}img/avatar.svg"


class Report(models.Model):
    """A reader's 举报 of a published article. The article stays public while the report is open;
    an editor dismisses the reports or withdraws the article."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DISMISSED = "dismissed", "已驳回"
        WITHDRAWN = "withdrawn", "文章已撤回"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    reason = models.TextField("举报理由", max_length=1000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "举报"
        verbose_name_plural = "举报"
        constraints = [
            models.UniqueConstraint(fields=["article", "reporter"], condition=Q(status="open"), name="report_one_open"),
        ]
        indexes = [
            # The queue's reported articles.
            models.Index(fields=["status", "article"], name="report_queue"),
        ]

    def __str__(self) -> str:
        return f"#{self.article_id}: {self.reason[:30]}"


class CommentReportQuerySet(models.QuerySet["CommentReport"]):
    def open(self) -> CommentReportQuerySet:
        return self.filter(status=CommentReport.Status.OPEN)

    def on(self, comment: Any) -> CommentReportQuerySet:
        return self.filter(comment=comment)


class CommentReport(models.Model):
    """A reader's 举报 of a 跟帖, with a category and optional words. The comment stays as it is
    while reports are open; an editor dismisses them (驳回举报) or deletes the comment, which
    closes them as upheld (tidings.moderation.actions). A comment deleted elsewhere meanwhile (by
    its author or the article's creator) leaves the queue with its reports."""

    class Category(models.TextChoices):
        ILLEGAL = "illegal", "违法违规"
        VULGAR = "vulgar", "色情低俗"
        ABUSE = "abuse", "谩骂攻击"
        SPAM = "spam", "垃圾广告"
        FALSE = "false", "虚假信息"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        DISMISSED = "dismissed", "已驳回"
        UPHELD = "upheld", "跟帖已删除"

    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports")
    category = models.CharField("举报类型", max_length=16, choices=Category.choices)
    reason = models.CharField("补充说明", max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "跟帖举报"
        verbose_name_plural = "跟帖举报"
        constraints = [
            # One open report per reader and comment (actions.report_comment says so plainly).
            models.UniqueConstraint(
                fields=["comment", "reporter"], condition=Q(status="open"), name="comment_report_one_open"
            ),
        ]
        indexes = [
            # The queue's reported comments (views.queue groups the open ones by comment).
            models.Index(fields=["status", "comment"], name="comment_report_queue"),
        ]

    def __str__(self) -> str:
        return f"跟帖 #{self.comment_id}: {self.get_category_display()}"
