"""跟帖 pages: the section under an article (a fragment the article page loads, so the article
stays a page-cache hit), the full list at /a/<id>/comments/ (热门 / 最新, works without
JavaScript), one comment with its chain, and the POST endpoints for posting, voting, deleting,
pinning and the per-article switch.

Every POST answers JSON to scripts (site.js sends Accept: application/json) and a redirect or a
re-rendered form to plain forms; refusals keep the typed text.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from tidings.accounts.access import acting_user
from tidings.articles.models import Article
from tidings.comments import actions, threads
from tidings.comments.models import MAX_LENGTH, Comment, Mode
from tidings.lib.client import client_address
from tidings.lib.ratelimit import RateLimited, too_many
from tidings.web.context import base_ctx, care_for
from tidings.web.pagecache import CARE_COOKIE, cacheable

# What the comment pages, their templates and the actions read of an article: not its body, and
# not its channel (the full row took twice as long to load; bench/comments.py).
ARTICLE_FIELDS = ("title", "slug", "lang", "status", "published_at", "comments_count", "creator__user_id",
                  "creator__name", "creator__handle")  # fmt: skip


def _article(pk: int) -> Article:
    return get_object_or_404(Article.objects.published().select_related("creator").only(*ARTICLE_FIELDS), pk=pk)


def _comment(article: Article, cid: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("article", "article__creator"), pk=cid, article=article)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _common(request: HttpRequest, article: Article) -> dict[str, Any]:
    thread = actions.thread_of(article)  # read once: the mode and the participants
    mode = actions.mode_of(thread)
    user = request.user
    return {
        "article": article,
        "mode": mode,
        "closed": mode == Mode.CLOSED,
        "participants": thread.participants_count if thread else 0,
        "max_length": MAX_LENGTH,
        "owner": actions.owns_article(user, article),
        "login_url": f"/accounts/login/?next=/a/{article.pk}/%23comments",
    }


@require_GET
def section(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment under an article: 热门跟帖, 最新跟帖, the box. Anonymous readers get a copy
    cached per article until the next comment or vote (at once with a shared cache; within
    COMMENT_CACHE_SECONDS per process without one): from the page cache, before sessions and
    the rest run, when it is on (it knows the article's comment generation: `depends_on`), and
    from this view's own entry otherwise (with a session cookie, or the page cache off)."""
    gen = _generation(pk)
    article = _article(pk)
    anonymous = not request.user.is_authenticated
    key = ""
    if anonymous:
        key = "comments:section:{}:{}:{}:{}".format(
            pk, gen or 0, request.COOKIES.get(CARE_COOKIE, ""), translation.get_language()
        )
        html = cache.get(key)
        if html is not None:
            return _shared(_fragment(html, hit=True), pk, gen)
    hot, newest = threads.section(pk, request.user)
    ctx = {**_common(request, article), "hot": hot, "newest": newest, "care": care_for(request)}
    html = render_to_string("comments/_section.html", ctx, request=request)
    if not anonymous:
        return _fragment(html, hit=False)
    cache.set(key, html, settings.COMMENT_CACHE_SECONDS)
    return _shared(_fragment(html, hit=False), pk, gen)


def _generation(pk: int) -> object:
    """The article's comment generation as the cache holds it (None before its first change), read
    before anything a page shows, so that a change while it renders leaves the copy stale at once."""
    return cache.get(actions.generation_key(pk))


def _shared(response: HttpResponse, pk: int, gen: object) -> HttpResponse:
    """An anonymous copy the page cache may keep while the article's comment generation is `gen`
    (for at most COMMENT_CACHE_SECONDS: the staleness bound where caches are per process)."""
    return cacheable(response, seconds=settings.COMMENT_CACHE_SECONDS, depends_on=(actions.generation_key(pk), gen))


def _fragment(html: str, *, hit: bool) -> HttpResponse:
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["X-Robots-Tag"] = "noindex"
    response["X-Comments-Cache"] = "HIT" if hit else "MISS"
    return response


@require_GET
def comments_page(request: HttpRequest, pk: int) -> HttpResponse:
    """热门 / 最新, paginated; anonymous readers' copies are page-cached like the section."""
    gen = _generation(pk)
    response = _page(request, _article(pk))
    return response if request.user.is_authenticated else _shared(response, pk, gen)


def _page(
    request: HttpRequest, article: Article, *, error: str = "", body: str = "", parent: Comment | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    sort = "new" if request.GET.get("sort") == "new" else "hot"
    page, entries = threads.page(article.pk, sort, request.GET.get("page") or 1, article.comments_count, request.user)
    if parent is None and (reply := request.GET.get("reply", "")).isdigit():
        parent = Comment.objects.filter(pk=int(reply), article=article, status=Comment.Status.VISIBLE).first()
    ctx = base_ctx(
        request, **_common(request, article), sort=sort, page=page, entries=entries, error=error, body=body,
        replying=threads.chain_of(parent, request.user) if parent else None,
    )  # fmt: skip
    return render(request, "comments/page.html", ctx, status=status)


@require_GET
def one(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    """One comment with the chain it answers (notifications and shares link here); anonymous
    readers' copies are page-cached like the section."""
    gen = _generation(pk)
    article = _article(pk)
    comment = get_object_or_404(Comment.objects.for_display(), pk=cid, article=article)
    if comment.status != Comment.Status.VISIBLE and comment.author_id != request.user.pk:
        raise Http404("No such comment.")
    ctx = base_ctx(request, **_common(request, article), item=threads.chain_of(comment, request.user))
    response = render(request, "comments/one.html", ctx)
    return response if request.user.is_authenticated else _shared(response, pk, gen)


@require_POST
def post(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(f"/a/{pk}/comments/")
    user = acting_user(request)
    body = request.POST.get("body", "")
    parent = None
    if pid := request.POST.get("parent", "").strip():
        parent = Comment.objects.filter(pk=int(pid), article=article).first() if pid.isdigit() else None
        if parent is None:
            return _refused(request, article, "你回复的跟帖不存在或已删除。", 404, body, None)
    try:
        posted = actions.post_comment(user, article, body, parent=parent, address=client_address(request))
    except actions.CommentError as exc:
        return _refused(request, article, exc.message, exc.http_status, body, parent)
    except RateLimited as exc:
        if _wants_json(request):
            return too_many(JsonResponse({"ok": False, "error": exc.message, "retry_after": exc.retry_after}), exc)
        return too_many(_refused(request, article, exc.message, 429, body, parent), exc)
    c = posted.comment
    message = "跟帖已提交，审核通过后显示。" if posted.held else "跟帖发表成功。"
    if _wants_json(request):
        html = ""
        if not posted.held:
            c = Comment.objects.for_display().get(pk=c.pk)
            html = render_to_string(
                "comments/_one_entry.html",
                {**_common(request, article), "item": threads.chain_of(c, user), "care": care_for(request)},
                request=request,
            )
        return JsonResponse({"ok": True, "id": c.pk, "held": posted.held, "message": message, "html": html})
    return HttpResponseRedirect(f"/a/{pk}/comments/?sort=new&posted={'held' if posted.held else c.pk}#c{c.pk}")


def _refused(
    request: HttpRequest, article: Article, message: str, status: int, body: str, parent: Comment | None
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    shown_parent = parent if parent is not None and parent.status == Comment.Status.VISIBLE else None
    return _page(request, article, error=message, body=body, parent=shown_parent, status=status)


VOTES = {"up": 1, "down": -1, "none": 0}


@require_POST
def vote(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    article = _article(pk)
    comment = _comment(article, cid)
    if not request.user.is_authenticated:
        return redirect_to_login(f"/a/{pk}/comments/{cid}/")
    value = VOTES.get(request.POST.get("value", ""))
    if value is None:
        return _answer(request, article, "投票只能是顶、踩或取消。", 400)
    try:
        tally = actions.vote(acting_user(request), comment, value)
    except actions.CommentError as exc:
        return _answer(request, article, exc.message, exc.http_status)
    except RateLimited as exc:
        return too_many(_answer(request, article, exc.message, 429), exc)
    if _wants_json(request):
        return JsonResponse({"ok": True, "up": tally.up, "down": tally.down, "mine": tally.mine})
    return HttpResponseRedirect(_back(request, article, cid))


def _answer(request: HttpRequest, article: Article, message: str, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    ctx = base_ctx(request, article=article, message=message)
    return render(request, "comments/refused.html", ctx, status=status)


def _back(request: HttpRequest, article: Article, cid: int) -> str:
    nxt = request.POST.get("next", "")
    if nxt.startswith(f"/a/{article.pk}/") and "//" not in nxt:
        return f"{nxt}#c{cid}" if "#" not in nxt else nxt
    return f"/a/{article.pk}/comments/#c{cid}"


@require_POST
def delete(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    """The author deletes their own; the article's creator or an editor removes with a reason."""
    article = _article(pk)
    comment = _comment(article, cid)
    if not request.user.is_authenticated:
        return redirect_to_login(f"/a/{pk}/comments/{cid}/")
    user = acting_user(request)
    try:
        if comment.author_id == user.pk:
            actions.delete_own(user, comment)
        else:
            actions.remove(user, comment, request.POST.get("reason", "") or "违反跟帖规范")
    except actions.CommentError as exc:
        return _answer(request, article, exc.message, exc.http_status)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return HttpResponseRedirect(_back(request, article, cid))


@require_POST
def pin(request: HttpRequest, pk: int, cid: int) -> HttpResponse:
    article = _article(pk)
    comment = _comment(article, cid)
    if not request.user.is_authenticated:
        return redirect_to_login(f"/a/{pk}/comments/")
    try:
        actions.pin(acting_user(request), comment, on=request.POST.get("action") != "unpin")
    except actions.CommentError as exc:
        return _answer(request, article, exc.message, exc.http_status)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return HttpResponseRedirect(_back(request, article, cid))


@require_POST
def mode(request: HttpRequest, pk: int) -> HttpResponse:
    """The article's creator switches comments off (关闭跟帖) or back on; editors set any mode."""
    article = _article(pk)
    if not request.user.is_authenticated:
        return redirect_to_login(f"/a/{pk}/comments/")
    try:
        actions.set_mode(acting_user(request), article, request.POST.get("mode", ""))
    except actions.CommentError as exc:
        return _answer(request, article, exc.message, exc.http_status)
    if _wants_json(request):
        return JsonResponse({"ok": True, "mode": actions.mode_for(article)})
    return HttpResponseRedirect(f"/a/{pk}/comments/")
