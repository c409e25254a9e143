"""The audit log: every decision that changes who may publish or what is public, kept for good.

Moderation (applications, reviews, reports), scheduled publishing (with how late it ran) and
administrative changes write here through `tidings.audit.record`. Rows are never updated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Entry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Null for the system itself (the scheduler, the importer).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)  # e.g. "application.approve", "article.publish_scheduled"
    target_type = models.CharField(max_length=32)  # e.g. "application", "article", "creator"
    target_id = models.BigIntegerField()
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "审计记录"
        verbose_name_plural = "审计日志"
        indexes = [
            # The history of one object (application page, article revisions, the studio's notices).
            models.Index(fields=["target_type", "target_id", "-at"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"
