"""Sign-up and the account page. Sign-in, sign-out and passwords are Django's views (tidings/accounts/urls.py)."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from tidings.accounts.access import can_apply, creator_of, is_editor
from tidings.accounts.forms import SignupForm
from tidings.moderation.models import Application
from tidings.moderation.notices import notices_for


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _next(request, "/accounts/")
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "注册成功，欢迎加入！")
        return HttpResponseRedirect(next_url)
    ctx = {"form": form, "next": next_url, "login_url": f"{settings.LOGIN_URL}?next={quote(next_url)}"}
    return render(request, "accounts/signup.html", ctx, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    ctx = {
        "creator": creator_of(user),
        "can_apply": can_apply(user),
        "is_editor": is_editor(user),
        "applications": list(Application.objects.of(user).select_related("channel")[:10]),
        "notices": notices_for(user),
        "messages": messages.get_messages(request),
    }
    return render(request, "accounts/account.html", ctx)
