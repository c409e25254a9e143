from __future__ import annotations

from typing import Any

from django.db import models

from tidings.lib.markup import render_markdown

DEFAULT_NOTICE_ZH = (
    "特别声明：本文为 Tidings 号作者上传并发布，仅代表该作者观点。Tidings 仅提供信息发布平台和信息存储空间服务。"
)
DEFAULT_NOTICE_EN = (
    "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user of "
    "Tidings Hao, which is a social media platform and merely provides information storage services."
)


class PlatformNotice(models.Model):
    """The operator-editable texts of the platform (one row): the notice printed under every
    creator article, and the footer a Chinese site needs (issue 13.10): 用户协议 and 隐私政策 pages,
    联系我们, ICP备案号, 公安备案号, the 违法和不良信息举报 contact. Each footer item is shown only when
    filled in. They share the notice's row because every page reads it already (with the site
    blocks, once per site generation): the footer costs no query."""

    text_zh = models.TextField("声明（中文）", default=DEFAULT_NOTICE_ZH)
    text_en = models.TextField("Notice (English)", default=DEFAULT_NOTICE_EN)
    agreement_md = models.TextField(
        "用户协议（Markdown）",
        blank=True,
        help_text="填写后页脚出现“用户协议”，注册时须勾选同意（与隐私政策都填写时）。",
    )
    privacy_md = models.TextField("隐私政策（Markdown）", blank=True, help_text="填写后页脚出现“隐私政策”。")
    # Rendered and sanitised at save time by the articles' Markdown path (tidings.lib.markup).
    agreement_html = models.TextField(blank=True, editable=False)
    privacy_html = models.TextField(blank=True, editable=False)
    contact = models.CharField(
        "联系我们", max_length=200, blank=True, help_text="例如：邮箱 editor@example.com，电话 010-12345678"
    )
    report_contact = models.CharField(
        "违法和不良信息举报", max_length=200, blank=True, help_text="举报电话或邮箱，例如：举报电话 010-12345678"
    )
    icp = models.CharField("ICP备案号", max_length=60, blank=True, help_text="例如：京ICP备12345678号-1")
    police_record = models.CharField(
        "公安备案号", max_length=60, blank=True, help_text="例如：京公网安备 11010502000001号"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "平台声明与页脚 Platform notice and footer"

    def __str__(self) -> str:
        return "平台声明与页脚 Platform notice and footer"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.agreement_html = render_markdown(self.agreement_md) if self.agreement_md.strip() else ""
        self.privacy_html = render_markdown(self.privacy_md) if self.privacy_md.strip() else ""
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "agreement_html", "privacy_html"}
        super().save(*args, **kwargs)

    @property
    def asks_consent(self) -> bool:
        """Sign-up asks to accept both texts when both exist."""
        return bool(self.agreement_html and self.privacy_html)

    @property
    def police_code(self) -> str:
        """The digits of 公安备案号, for the link to its record."""
        return "".join(ch for ch in self.police_record if ch.isdigit())

    @property
    def has_footer(self) -> bool:
        return any(
            (self.agreement_html, self.privacy_html, self.contact, self.report_contact, self.icp, self.police_record)
        )
