from __future__ import annotations

from django.db import models

DEFAULT_NOTICE_ZH = (
    "特别声明：本文为 Tidings 号作者上传并发布，仅代表该作者观点。Tidings 仅提供信息发布平台和信息存储空间服务。"
)
DEFAULT_NOTICE_EN = (
    "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user of "
    "Tidings Hao, which is a social media platform and merely provides information storage services."
)


class PlatformNotice(models.Model):
    """The operator-editable notice printed under every creator article (one row)."""

    text_zh = models.TextField("声明（中文）", default=DEFAULT_NOTICE_ZH)
    text_en = models.TextField("Notice (English)", default=DEFAULT_NOTICE_EN)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "平台声明 Platform notice"

    def __str__(self) -> str:
        return "平台声明 Platform notice"
