"""Read, like and 收藏 endpoints, and the reader's 我的收藏 and 浏览历史 pages.

Read and like: Article pages are served from the anonymous page cache, so reads are
counted by a beacon (static/js/stats.js) rather than by the page view; so are impressions (曝光)
and the read-end report (how far down and how long a read went) for the creator's 数据中心.

Visitors: a signed-in reader is "u:<id>"; anyone else needs the signed first-party cookie
VISITOR_COOKIE. A request without it gets one and a 307 back to the same URL (the browser repeats
the POST with the cookie); one that still has none is not counted, so a client that keeps no
cookies (a refresh loop) never moves a counter. The cookie is SameSite=Lax, so a cross-site form
cannot count for someone else (hence no CSRF token, which cached pages cannot carry).

收藏 is a signed-in reader's own list: the button is rendered only on their uncached page, with a
CSRF token, and the endpoints keep Django's CSRF check.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.engagement import actions
from tidings.engagement.visitors import visitor_for, with_new_visitor
from tidings.lib import ratelimit
from tidings.stats import actions as stats_actions
from tidings.stats import events
from tidings.web.context import base_ctx, paginate


@csrf_exempt  # see the module docstring
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """The read beacon: counts at most once per visitor per article per 30 minutes. It may say
    where the reader came from (`src`: the list they clicked in, remembered by the script; else
    `ref`: document.referrer, of which only another site's host is kept). A counted read answers
    a token for the read-end report (`read_end`)."""
    try:
        source, host = events.classify(request.POST.get("src", ""), request.POST.get("ref", ""), request.get_host())
    except events.Malformed as exc:
        return _refused(exc)
    visitor = visitor_for(request)
    if visitor is None:
        return with_new_visitor(request)
    user = request.user if request.user.is_authenticated else None
    token = actions.count_read(pk, visitor, user, source=source, host=host)  # type: ignore[arg-type]
    return JsonResponse({"counted": token is not None, **({"token": token} if token else {})})


@csrf_exempt  # see the module docstring; the token, not the cookie, says which read this is
@require_POST
def read_end(request: HttpRequest, pk: int) -> HttpResponse:
    """The read-end report, sent when the page is hidden: `t` the read's token, `d` how far down
    the body was read (0–100), `s` active seconds so far. Malformed or forged: 400, nothing stored."""
    try:
        depth = events.small_int(request.POST.get("d"), 100, "阅读深度")
        seconds = events.small_int(request.POST.get("s"), 86400, "阅读时长")
        counted = stats_actions.record_read_end(pk, request.POST.get("t"), depth, seconds)
    except events.Malformed as exc:
        return _refused(exc)
    except ratelimit.RateLimited as exc:
        return ratelimit.json_429(exc)
    return JsonResponse({"counted": counted})


@csrf_exempt  # see the module docstring
@require_POST
def seen(request: HttpRequest) -> HttpResponse:
    """The impression beacon (曝光): `seen` repeated, each `list:article id`, at most
    events.MAX_BATCH; a malformed batch is refused whole (400) and stores nothing."""
    try:
        batch = events.parse_seen(request.POST.getlist("seen"))
    except events.Malformed as exc:
        return _refused(exc)
    visitor = visitor_for(request)
    if visitor is None:
        return with_new_visitor(request)
    return JsonResponse({"counted": actions.record_impressions(visitor, batch)})


def _refused(exc: Exception) -> JsonResponse:
    return JsonResponse({"counted": False, "error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # see the module docstring
@require_POST
def like(request: HttpRequest, pk: int) -> HttpResponse:
    """点赞 / 取消点赞 (action=unlike). Answers JSON to scripts, a redirect to the article to forms."""
    a = get_object_or_404(Article.objects.published().only("id"), pk=pk)
    visitor = visitor_for(request)
    if visitor is None:
        return with_new_visitor(request)
    if request.POST.get("action") == "unlike":
        actions.unlike(a.pk, visitor)
    else:
        actions.like(a.pk, visitor)
    if request.headers.get("Accept", "").startswith("application/json"):
        count = Article.objects.filter(pk=a.pk).values_list("likes_count", flat=True).first() or 0
        return JsonResponse({"liked": actions.liked(a.pk, visitor), "likes": count})
    return HttpResponseRedirect(f"{a.get_absolute_url()}#like")


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return None


@require_POST
def save(request: HttpRequest, pk: int) -> HttpResponse:
    """收藏 (and /unsave/: 取消收藏). Idempotent: the state asked for is the state after. Answers
    JSON to scripts; forms go back to `next` (with a message) or to the article's button."""
    return _set_saved(request, pk, True)


@require_POST
def unsave(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_saved(request, pk, False)


def _set_saved(request: HttpRequest, pk: int, on: bool) -> HttpResponse:
    if on:
        a = get_object_or_404(Article.objects.published().only("id", "title"), pk=pk)
    else:  # a save of an article withdrawn since can still be removed
        a = get_object_or_404(Article.objects.only("id", "title"), pk=pk)
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": "请先登录再收藏。"}, status=401)
        return redirect_to_login(a.get_absolute_url())
    user: User = request.user  # type: ignore[assignment]
    if on:
        actions.save_article_for(user, a)
    else:
        actions.unsave(user, a)
    if _wants_json(request):
        return JsonResponse({"ok": True, "saved": on})
    target = _next(request)
    if target is None:
        return HttpResponseRedirect(f"{a.get_absolute_url()}#save")
    messages.success(request, f"已收藏《{a.title}》" if on else f"已取消收藏《{a.title}》")
    return HttpResponseRedirect(target)


@login_required
@require_GET
def saved(request: HttpRequest) -> HttpResponse:
    """我的收藏: newest first, 20 a page, each with 取消收藏."""
    ctx = base_ctx(request, messages=messages.get_messages(request))
    page = paginate(request, actions.saves_of(request.user), ctx)  # type: ignore[arg-type]
    ctx["rows"] = page.object_list
    return render(request, "engagement/saved.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def history(request: HttpRequest) -> HttpResponse:
    """浏览历史: the last read of each article, newest first; POST record=0|1 is the 记录浏览历史 switch."""
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        on = request.POST.get("record") == "1"
        actions.set_history_recording(user, on)
        messages.success(request, "已开启记录浏览历史。" if on else "已关闭记录浏览历史，之后阅读的文章不再记录。")
        return HttpResponseRedirect("/accounts/history/")
    ctx = base_ctx(request, messages=messages.get_messages(request), recording=actions.records_history(user))
    page = paginate(request, actions.history_of(user), ctx)
    ctx["rows"] = page.object_list
    return render(request, "engagement/history.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def clear_history(request: HttpRequest) -> HttpResponse:
    """清空历史: GET asks to confirm (and changes nothing); POST clears."""
    if request.method == "POST":
        n = actions.clear_history(request.user)  # type: ignore[arg-type]
        messages.success(request, f"已清空浏览历史（{n} 条）。")
        return HttpResponseRedirect("/accounts/history/")
    return render(request, "engagement/clear_history.html", base_ctx(request))
