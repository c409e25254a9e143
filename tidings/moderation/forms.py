"""Forms of the join page and the queue. They give early, field-level messages; the actions in
tidings.moderation.actions stay the authority (and sanitise what is stored)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator

from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.moderation.actions import COMMENT_REASON_MAX, handle_problem, normalise_handle
from tidings.moderation.models import CommentReport

AVATAR_MAX_BYTES = 5 * 1024 * 1024


class ApplicationForm(forms.Form):
    kind = forms.ChoiceField(label="入驻类型", choices=Creator.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(label="名称", max_length=60, help_text="读者看到的名字，60 字以内。")
    handle = forms.CharField(
        label="账号",
        max_length=40,
        help_text="主页地址 /u/账号/ 的一部分：3–40 个小写字母、数字、下划线或连字符。",
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    channel = forms.ModelChoiceField(
        label="领域频道", queryset=Channel.objects.order_by("order", "id"), empty_label="请选择频道"
    )
    motto = forms.CharField(label="签名", max_length=120, required=False, help_text="一句话介绍，选填。")
    bio = forms.CharField(label="简介", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    avatar = forms.FileField(
        label="头像",
        required=False,
        help_text="JPEG、PNG、WebP 或 GIF，5 MB 以内，选填。",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    sample_text = forms.CharField(
        label="作品样例（正文）",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="粘贴一篇你的作品，或在下面填写作品链接。",
    )
    sample_url = forms.CharField(
        label="作品链接",
        max_length=500,
        required=False,
        help_text="以 http:// 或 https:// 开头。",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_handle(self) -> str:
        handle = normalise_handle(self.cleaned_data["handle"])
        problem = handle_problem(handle, self.user)
        if problem:
            raise forms.ValidationError(problem)
        return handle

    def clean_sample_url(self) -> str:
        url = self.cleaned_data["sample_url"].strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                raise forms.ValidationError("作品链接只能是 http:// 或 https:// 开头的完整网址。") from None
        return url

    def clean_avatar(self) -> Any:
        f = self.cleaned_data.get("avatar")
        if f and f.size > AVATAR_MAX_BYTES:
            raise forms.ValidationError("头像文件太大（上限 5 MB），请换一张较小的图片。")
        return f

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not (data.get("sample_text") or "").strip()
            and not data.get("sample_url")
            and "sample_url" not in self.errors
        ):
            self.add_error("sample_text", "请提供一篇作品样例：粘贴正文，或填写作品链接。")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(c, c) for c in ("approve", "reject", "dismiss", "withdraw", "uphold", "refuse")]
    )
    reason = forms.CharField(label="理由", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="举报理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请说明哪里有问题（例如虚假信息、侵权、违法内容），编辑会核查。",
    )


class CommentReportForm(forms.Form):
    """举报 a 跟帖: a category (radio buttons in a fieldset) and optional words."""

    category = forms.ChoiceField(
        label="举报类型",
        choices=CommentReport.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择举报类型。", "invalid_choice": "请选择举报类型。"},
    )
    reason = forms.CharField(
        label="补充说明",
        max_length=COMMENT_REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"{COMMENT_REASON_MAX} 字以内；选择“其他”时请写明理由。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("category") == CommentReport.Category.OTHER and not (data.get("reason") or "").strip():
            self.add_error("reason", "选择“其他”时请写明举报理由。")
        return data


class CommentDecisionForm(forms.Form):
    """The queue's decision on a held or reported comment; the reason is required to delete."""

    decision = forms.ChoiceField(choices=[(c, c) for c in ("approve", "remove", "dismiss")])
    reason = forms.CharField(
        label="理由", max_length=COMMENT_REASON_MAX, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class BanForm(forms.Form):
    """禁言 the comment's author for N days (prefix "ban": it shares a page with the decision form)."""

    days = forms.IntegerField(
        label="禁言天数",
        min_value=1,
        max_value=3650,
        initial=7,
        help_text="1 到 3650 天。",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label="禁言理由",
        max_length=COMMENT_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="必填；被禁言的读者会在消息中心看到它。",
        error_messages={"required": "请填写禁言理由。"},
    )
