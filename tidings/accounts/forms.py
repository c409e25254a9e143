"""Sign-up and throttled sign-in forms (Chinese labels; Django's validators)."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm, UsernameField
from django.core.exceptions import ValidationError

from tidings.accounts import throttle
from tidings.accounts.models import User
from tidings.lib import ratelimit
from tidings.lib.client import client_address

THROTTLED_MESSAGE = "登录失败次数过多，请 %(minutes)s 分钟后再试，或使用“忘记密码”重设密码。"


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form behind a failure counter (tidings.accounts.throttle)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码不正确。请注意大小写。",
        "inactive": "这个账户已停用。",
        "throttled": THROTTLED_MESSAGE,
    }

    throttled: ratelimit.RateLimited | None = None

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        address = client_address(self.request)
        try:
            throttle.check(username, address)
        except ratelimit.RateLimited as exc:
            self.throttled = exc  # the view answers 429 with its Retry-After
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, math.ceil(exc.retry_after / 60))},
            ) from None
        try:
            cleaned = super().clean()
        except ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear(username, address)
        return cleaned


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label="电子邮箱",
        help_text="用于找回密码，不会公开。",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta:
        model = User
        fields = ("username", "email")
        field_classes = {"username": UsernameField}
        labels = {"username": "用户名"}
        help_texts = {
            "username": "登录时用的名字，150 个字符以内：可以用汉字、英文字母、数字和 @ . + - _ 这几个符号，不能有空格。"
        }

    def __init__(self, *args: Any, consent: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if consent:  # the operator has written both texts (issue 13.10)
            self.fields["accept_terms"] = forms.BooleanField(
                label="我已阅读并同意《用户协议》和《隐私政策》",
                required=True,
                error_messages={"required": "请先阅读并勾选同意《用户协议》和《隐私政策》。"},
            )
        self.fields["password1"].label = "密码"
        self.fields["password1"].help_text = "至少 8 个字符，不能全是数字，不要与用户名相似或过于常见。"
        self.fields["password2"].label = "再次输入密码"
        self.fields["password2"].help_text = ""
