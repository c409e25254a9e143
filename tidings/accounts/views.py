"""Sign-up and the account page. Sign-in, sign-out and passwords are Django's views (tidings/accounts/urls.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from tidings.accounts.access import can_apply, creator_of, is_editor
from tidings.accounts.forms import SignupForm, ThrottledAuthenticationForm
from tidings.creators.actions import follows_public, set_follows_public
from tidings.lib import ratelimit
from tidings.lib.client import client_address
from tidings.moderation.models import Application
from tidings.notifications.actions import for_user
from tidings.notifications.models import Kind
from tidings.web.context import site_for


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _next(request, reverse("account"))
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    form = SignupForm(request.POST or None, consent=site_for(request).notice.asks_consent)
    limited = None
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit("signup", client_address(request))
        except ratelimit.RateLimited as exc:
            limited = exc
            form.add_error(None, exc.message)
    if request.method == "POST" and limited is None and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "注册成功，欢迎加入！")
        return HttpResponseRedirect(next_url)
    ctx = {"form": form, "next": next_url, "login_url": f"{settings.LOGIN_URL}?next={quote(next_url)}"}
    response = render(request, "accounts/signup.html", ctx, status=400 if form.errors else 200)
    return ratelimit.too_many(response, limited) if limited else response


class LoginView(auth_views.LoginView):
    """Django's sign-in page; a throttled attempt answers 429 with Retry-After (the form and its
    message as before)."""

    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        throttled = getattr(form, "throttled", None)
        return ratelimit.too_many(response, throttled) if throttled else response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's "forgot password" page, limited per client address and per e-mail address asked
    for (the same for addresses with and without an account, so it reveals nothing)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            ratelimit.hit("reset-address", client_address(self.request))
            ratelimit.hit("reset-account", str(form.cleaned_data["email"]).strip().casefold())
        except ratelimit.RateLimited as exc:
            form.add_error("email", exc.message)
            return ratelimit.too_many(self.form_invalid(form), exc)
        return super().form_valid(form)


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    ctx = {
        "creator": creator_of(user),
        "can_apply": can_apply(user),
        "is_editor": is_editor(user),
        "applications": list(Application.objects.of(user).select_related("channel")[:10]),
        "notices": list(for_user(user, [Kind.MODERATION])[:10]),  # 审核通知, from 消息中心
        "messages": messages.get_messages(request),
        "follows_public": follows_public(user),  # type: ignore[arg-type]
    }
    return render(request, "accounts/account.html", ctx)


@login_required
@require_http_methods(["POST"])
def follows_setting(request: HttpRequest) -> HttpResponse:
    """公开我的关注 (public=1|0): whether creators see this reader's name in their 粉丝 list."""
    if request.POST.get("public") not in ("0", "1"):
        return HttpResponse("public 只能是 0 或 1。", status=400, content_type="text/plain; charset=utf-8")
    on = request.POST["public"] == "1"
    set_follows_public(request.user, on)  # type: ignore[arg-type]
    messages.success(request, "已公开你的关注。" if on else "已设为不公开关注：创作者的粉丝列表里不显示你的名字。")
    return HttpResponseRedirect(reverse("account") + "#follows-h")
