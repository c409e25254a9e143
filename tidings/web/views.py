"""Reader pages: home, channel, article, creator, care mode, join, health; the error pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, empty
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django.views.static import serve as static_serve

from tidings.accounts.models import User
from tidings.articles.models import Article
from tidings.channels.models import Channel
from tidings.creators.actions import follow_creator, followed_handles, follows_of, is_following, unfollow_creator
from tidings.creators.models import Creator, Follow
from tidings.discovery import blocks, feed
from tidings.engagement.actions import SHARE_TARGETS, is_saved, liked, record_share
from tidings.engagement.visitors import visitor_for, with_new_visitor
from tidings.lib.qr import qr_svg
from tidings.lib.urls import url_for
from tidings.notifications.context import remember_unread
from tidings.web import a11y
from tidings.web.context import SiteBlocks, a11y_for, base_ctx, care_for, paginate, site_for
from tidings.web.models import PlatformNotice
from tidings.web.pagecache import CARE_COOKIE, cacheable


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    ctx = base_ctx(request)
    page = paginate(request, Article.objects.published().newest().for_lists(), ctx)
    ctx["items"] = [blocks.item(a) for a in page.object_list]
    ctx["headlines"] = headlines(site_for(request).hot)
    ctx["tab"] = "following" if request.GET.get("tab") == "following" else ""
    if request.user.is_authenticated and page.number == 1:
        # Signed-in pages bypass the page cache: the 推荐 feed (or the hot list), or the 关注 tab.
        if ctx["tab"] == "following":
            ctx["following_items"] = [blocks.item(a) for a in following_articles(request.user)]  # type: ignore[arg-type]
        else:
            ctx["feed"] = feed.build(request.user)  # type: ignore[arg-type]
    return cacheable(render(request, "web/home.html", ctx))


FOLLOWING_TAB_SIZE = 20


def following_articles(user: User) -> list[Article]:
    """The home page's 关注 tab: the newest articles of the creators the reader follows."""
    followed = Follow.objects.filter(user=user).values("creator_id")
    return list(Article.objects.published().filter(creator__in=followed).newest().for_lists()[:FOLLOWING_TAB_SIZE])


def headlines(hot: list[blocks.Item], n: int = 5) -> list[blocks.Item]:
    """头条: the top n of the hot list, led by its first article in the site's language (on a
    Chinese site the lead story is Chinese, whatever the hot list holds above it)."""
    site_lang = "zh-Hans" if settings.LANGUAGE_CODE.lower().startswith("zh") else settings.LANGUAGE_CODE
    lead = next((i for i in hot if i.lang.lower() == site_lang.lower()), None)
    if lead is None:
        return hot[:n]
    return [lead, *(i for i in hot if i is not lead)][:n]


@require_GET
def channel(request: HttpRequest, slug: str) -> HttpResponse:
    c = get_object_or_404(Channel, slug=slug)
    ctx = base_ctx(request, channel=c)
    page = paginate(request, Article.objects.published().in_channel(c).newest().for_lists(), ctx)
    ctx["items"] = [blocks.item(a) for a in page.object_list]
    ctx["box"] = blocks.channel_boxes([c])[0]
    ctx["channel_hot"] = blocks.hot(10, channel=c)
    return cacheable(render(request, "web/channel.html", ctx))


@require_GET
def article(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    a = Article.objects.published().select_related("creator", "channel").filter(pk=pk).first()
    if a is None:
        if was_public(pk):
            return error_page(request, 410)
        raise Http404("No such article.")
    ctx = base_ctx(request, article=a)
    ctx["canonical"] = request.build_absolute_uri(a.get_absolute_url())
    ctx["references"] = list(a.references.all())
    ctx["related"] = blocks.related(a)
    ctx["keywords"] = blocks.keywords(a)
    ctx["hot"] = [i for i in site_for(request).hot if i.id != a.pk][: blocks.HOT_SIZE]
    ctx["recent"] = blocks.creator_recent(a)
    # Only a signed-in reader's page (never cached: it carries a session cookie) asks; a cached
    # page learns the reader's like and follow from /state/ (static/js/site.js).
    if request.user.is_authenticated:
        ctx["saved"] = is_saved(request.user, a.pk)  # type: ignore[arg-type]
        ctx["liked"] = liked(a.pk, f"u:{request.user.pk}")
        ctx["following"] = is_following(request.user, a.creator)  # type: ignore[arg-type]
    return cacheable(render(request, "web/article.html", ctx))


SHARE_DESTINATIONS = {
    "weibo": "https://service.weibo.com/share/share.php?url={url}&title={title}",
    "qq": "https://connect.qq.com/widget/shareqq/index.html?url={url}&title={title}",
}


@csrf_exempt  # a share beacon only moves a counter; there is nothing for a forged request to steal
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    """POST (the beacon site.js sends) counts a share; GET only sends the reader on to the
    service and counts nothing, so a cross-site page that loads the link cannot inflate the hot
    ranking. Deduplicated per visitor (tidings.engagement.views)."""
    if target not in SHARE_TARGETS:
        raise Http404("Unknown share target.")
    a = get_object_or_404(Article.objects.published().only("id", "title"), pk=pk)
    if request.method == "POST":
        visitor = visitor_for(request)
        if visitor is None:
            return with_new_visitor(request)  # the beacon comes back once with a visitor cookie
        return JsonResponse({"ok": True, "target": target, "counted": record_share(a.pk, target, visitor)})
    if target not in SHARE_DESTINATIONS:
        return HttpResponseRedirect(a.get_absolute_url())
    url = quote(request.build_absolute_uri(a.get_absolute_url()), safe="")
    return HttpResponseRedirect(SHARE_DESTINATIONS[target].format(url=url, title=quote(a.title, safe="")))


@require_GET
def qr(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Article.objects.published().only("id"), pk=pk)
    response = HttpResponse(qr_svg(request.build_absolute_uri(url_for("article", pk))), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def creator(request: HttpRequest, handle: str) -> HttpResponse:
    c = get_object_or_404(Creator, handle=handle)
    ctx = base_ctx(request, creator=c)
    page = paginate(request, Article.objects.published().by(c).newest().for_lists(), ctx)
    ctx["items"] = [blocks.item(a) for a in page.object_list]
    if request.user.is_authenticated:
        ctx["following"] = is_following(request.user, c)  # type: ignore[arg-type]
    return cacheable(render(request, "web/creator.html", ctx))


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return "/"
    return target


@require_http_methods(["GET", "POST"])
def care(request: HttpRequest) -> HttpResponse:
    """进入/退出关怀版: flips care mode for this browser (the cookie: "1" on, "0" off).

    A GET (the link on every page, which cached pages can carry) changes nothing stored on the
    server; a POST (a form with its CSRF token) also saves the choice on a signed-in reader's
    profile, which then applies in browsers that have no cookie yet."""
    turn_on = not care_for(request)
    if "on" in request.GET:
        turn_on = request.GET["on"] != "0"
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(CARE_COOKIE, "1" if turn_on else "0", max_age=365 * 86400, samesite="Lax", httponly=True)
    user = request.user
    if request.method == "POST" and user.is_authenticated:
        User.objects.filter(pk=user.pk).update(care_mode=turn_on)
    return response


@require_GET
def creators(request: HttpRequest) -> HttpResponse:
    """The creator platform's directory (the breadcrumb's second step)."""
    ctx = base_ctx(request)
    paginate(request, Creator.objects.order_by("-followers_count", "handle"), ctx, 48)
    return cacheable(render(request, "web/creators.html", ctx))


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, handle: str) -> HttpResponse:
    """关注 / 取消关注 (action=unfollow). Idempotent: the state asked for is the state after.
    Scripts get JSON; forms go back to `next` (the page the button was on) or the creator's page.
    GET is the page without JavaScript or signed out: the button, or a sign-in link."""
    c = get_object_or_404(Creator, handle=handle)
    user = request.user
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if request.method == "POST":
        if not user.is_authenticated:
            if wants_json:
                return JsonResponse({"ok": False, "error": "请先登录再关注。"}, status=401)
            return redirect_to_login(request.path)
        on = request.POST.get("action") != "unfollow"
        if on:
            follow_creator(user, c)  # type: ignore[arg-type]
        else:
            unfollow_creator(user, c)  # type: ignore[arg-type]
        if wants_json:
            count = Creator.objects.filter(pk=c.pk).values_list("followers_count", flat=True).first() or 0
            return JsonResponse({"ok": True, "following": on, "followers": count})
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = c.get_absolute_url()
        return HttpResponseRedirect(target)
    following = user.is_authenticated and is_following(user, c)  # type: ignore[arg-type]
    next_url = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    return render(request, "web/follow.html", base_ctx(request, creator=c, following=following, next=next_url))


@require_GET
def state(request: HttpRequest) -> JsonResponse:
    """What this reader has done on a page that may have come from a cache (the anonymous page
    cache, the browser's back/forward cache): whether they like the article (`a`, with its
    current count) and follow its creators (`u`, repeatable), and for a signed-in reader the
    CSRF token the page's buttons need. Never cached; costs no query for a visitor who has not
    liked anything yet, at most three otherwise (session, like, follows)."""
    out: dict[str, Any] = {"signed_in": request.user.is_authenticated}
    raw = request.GET.get("a", "")
    if raw.isdigit() and len(raw) < 12:
        count = Article.objects.published().filter(pk=int(raw)).values_list("likes_count", flat=True).first()
        if count is not None:
            visitor = visitor_for(request)
            out["likes"] = count
            out["liked"] = visitor is not None and liked(int(raw), visitor)
    handles = [h for h in request.GET.getlist("u")[:20] if h and len(h) <= 40]
    if request.user.is_authenticated:
        out["csrf"] = get_token(request)
        if handles:
            followed = followed_handles(request.user, handles)  # type: ignore[arg-type]
            out["following"] = {h: h in followed for h in handles}
    response = JsonResponse(out)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def following(request: HttpRequest) -> HttpResponse:
    """我的关注: the creators the reader follows, newest follow first, each with 取消关注."""
    ctx = base_ctx(request)
    page = paginate(request, follows_of(request.user), ctx, 48)  # type: ignore[arg-type]
    ctx["rows"] = page.object_list
    return render(request, "web/following.html", ctx)


@require_GET
def accessibility_set(request: HttpRequest) -> HttpResponse:
    """The toolbar without JavaScript: apply one button's change, remember it, go back."""
    prefs = a11y.apply_form(a11y_for(request), {k: str(v) for k, v in request.GET.items()})
    response = HttpResponseRedirect(_safe_next(request))
    if prefs.is_default:
        response.delete_cookie(a11y.COOKIE, samesite="Lax")
    else:
        response.set_cookie(a11y.COOKIE, prefs.serialize(), max_age=365 * 86400, samesite="Lax")
    return response


LEGAL_PAGES = {"terms": ("用户协议", "agreement_html"), "privacy": ("隐私政策", "privacy_html")}


@require_GET
def legal(request: HttpRequest, which: str) -> HttpResponse:
    """用户协议 (/terms/) and 隐私政策 (/privacy/), as the operator wrote them in the admin (Markdown,
    rendered and sanitised when saved); 404 while not written."""
    heading, field = LEGAL_PAGES[which]
    html = getattr(site_for(request).notice, field)
    if not html:
        raise Http404("Not written yet.")
    return cacheable(render(request, "web/legal.html", base_ctx(request, heading=heading, html=html)))


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return cacheable(render(request, "web/accessibility.html", base_ctx(request)))


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status: dict[str, Any] = {"database": "ok", "cache": "ok", "database_vendor": connection.vendor}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - report any failure, never raise from a health check
        status["database"] = f"error: {type(exc).__name__}"
        healthy = False
    try:
        cache.set("healthz", "1", 5)
        if cache.get("healthz") != "1":
            raise RuntimeError("read back failed")
    except Exception as exc:  # noqa: BLE001
        status["cache"] = f"error: {type(exc).__name__}"
        healthy = False
    status["cache_backend"] = str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]
    status["status"] = "ok" if healthy else "error"
    return JsonResponse(status, status=200 if healthy else 503)


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded images, for single-process set-ups; behind nginx, nginx serves /media/ itself.

    File names carry a content hash, so they can be cached for a year.
    """
    response = static_serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /a/*/share/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# --------------------------------------------------------------------------------------------
# Error pages: Chinese, in the site's layout (header and search box, care mode), with hot links
# when the database answers. Under /api/ the body is left to tidings.api.errors.JsonErrorsMiddleware.

ERRORS = {
    400: ("请求有误", "这个请求无法处理：网址或表单里有不允许的内容。请检查后再试。"),
    403: ("没有权限", "你没有查看这个页面的权限。如果你已有账户，请先登录；页面停留太久时，刷新后再试。"),
    404: ("页面不存在", "你要找的页面不存在：网址可能有误，或者页面已经移走。"),
    410: ("文章已下线", "这篇文章已被撤回或删除，不再公开。"),
    500: ("服务器出错了", "服务器遇到了意外的问题，这不是你的错。请稍后再试。"),
}


def was_public(pk: int) -> bool:
    """A withdrawn or deleted article that readers once saw (410); a draft, a submission or a
    schedule that never came out stays 404, so nobody learns it exists."""
    return Article.objects.filter(
        pk=pk, status=Article.Status.WITHDRAWN, published_at__isnull=False, published_at__lte=timezone.now()
    ).exists()


def _without_database(request: HttpRequest) -> None:
    """Render the page from cookies alone: no site blocks (channels, hot links), and an anonymous
    visitor unless the user was already loaded."""
    request._tidings_site = SiteBlocks(channels=[], hot=[], boxes=[], tabs=[], notice=PlatformNotice())  # type: ignore[attr-defined]
    remember_unread(request, 0)  # the header's 消息 count is not asked for
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]
        request.user = AnonymousUser()


def error_page(request: HttpRequest, status: int, message: str = "", *, database: bool = True) -> HttpResponse:
    if request.path.startswith("/api/"):
        return HttpResponse(status=status)  # JsonErrorsMiddleware writes the JSON body
    heading, explanation = ERRORS[status]
    if not hasattr(request, "user"):  # answered by a middleware that runs before authentication
        request.user = AnonymousUser()
    if database:
        try:
            site_for(request)
            care_for(request)  # loads the user (the session) for the header
        except DatabaseError:
            database = False
    if not database:
        _without_database(request)
    ctx = {"status": status, "heading": heading, "message": message or explanation}
    response = render(request, "web/error.html", ctx, status=status)
    if status >= 500:
        response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without (or with a stale) token."""
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: never touches the database, which may be what failed."""
    return error_page(request, 500, database=False)
