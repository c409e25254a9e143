"""Discovery pages: 热点 (/hot/), topics (/t/<keyword>/), and the reader's 推荐 settings."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tidings.articles import ranking
from tidings.articles.models import Article
from tidings.channels.models import Channel
from tidings.creators.models import Creator
from tidings.discovery import actions, blocks
from tidings.discovery.feed import is_personalised
from tidings.discovery.models import NotInterested
from tidings.lib.numbers import ascii_int
from tidings.web.context import base_ctx, paginate
from tidings.web.pagecache import cacheable

HOT_PAGE_SIZE = 50


@require_GET
def hot(request: HttpRequest) -> HttpResponse:
    """热点推荐, site-wide or one channel's (?channel=slug)."""
    slug = request.GET.get("channel") or ""
    c = get_object_or_404(Channel, slug=slug) if slug else None
    items = blocks.hot(HOT_PAGE_SIZE, channel=c)
    # 热度 beside each item: the stored score the list is ordered by (one query for the page).
    heat = dict(Article.objects.filter(pk__in=[i.id for i in items]).values_list("id", "hot_score"))
    ctx = base_ctx(request, channel=c, items=items, heat=heat, formula=ranking.FORMULA)
    if c is not None:
        ctx["canonical"] = request.build_absolute_uri(reverse("hot") + "?" + urlencode({"channel": c.slug}))
    return cacheable(render(request, "discovery/hot.html", ctx))


@require_GET
def topic(request: HttpRequest, keyword: str) -> HttpResponse:
    """A topic: the published articles having this keyword, newest first."""
    keyword = keyword.strip()
    if not keyword or len(keyword) > 40:
        raise Http404("No such topic.")
    ctx = base_ctx(request, keyword=keyword)
    qs = Article.objects.published().filter(keywords__keyword=keyword).newest().for_lists()
    page = paginate(request, qs, ctx)
    if page.paginator.count == 0:
        raise Http404("No articles on this topic.")
    ctx["items"] = [blocks.item(a) for a in page.object_list]
    ctx["base"] = reverse("topic", args=[keyword])
    return cacheable(render(request, "discovery/topic.html", ctx))


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or default
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return default
    return target


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request: HttpRequest) -> HttpResponse:
    """推荐设置: the personalisation switch and the 不感兴趣 list (with undo)."""
    user = request.user
    if request.method == "POST":
        if "personalised" in request.POST:
            actions.set_personalised(user, request.POST["personalised"] == "1")  # type: ignore[arg-type]
        if (undo := ascii_int(request.POST.get("undo"))) is not None:
            actions.undo_not_interested(user, undo)  # type: ignore[arg-type]
        return HttpResponseRedirect(_back(request, "/feed/settings/"))
    entries = list(NotInterested.objects.filter(user=user))  # type: ignore[misc]
    names = _labels(entries)
    ctx = base_ctx(
        request,
        personalised=is_personalised(user),  # type: ignore[arg-type]
        entries=[(e, names.get((e.kind, e.value), e.value)) for e in entries],
    )
    return render(request, "discovery/feed_settings.html", ctx)


def _labels(entries: list[NotInterested]) -> dict[tuple[str, str], str]:
    numbered = [(e.kind, ascii_int(e.value)) for e in entries]
    articles = [n for kind, n in numbered if kind == NotInterested.Kind.ARTICLE and n is not None]
    creators = [n for kind, n in numbered if kind == NotInterested.Kind.CREATOR and n is not None]
    # Titles of published articles only: one withdrawn since keeps its number, not its title.
    shown = Article.objects.published().filter(pk__in=articles)
    labels = {("article", str(pk)): t for pk, t in shown.values_list("pk", "title")}
    labels |= {("creator", str(pk)): n for pk, n in Creator.objects.filter(pk__in=creators).values_list("pk", "name")}
    return labels


@login_required
@require_POST
def not_interested(request: HttpRequest) -> HttpResponse:
    """不感兴趣 (kind=article|creator|keyword, value): takes effect on the next feed."""
    try:
        row = actions.not_interested(request.user, request.POST.get("kind", ""), request.POST.get("value", ""))  # type: ignore[arg-type]
    except ValueError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse({"ok": False, "error": str(exc)}, status=400)
        ctx = base_ctx(request, error=str(exc))
        return render(request, "discovery/feed_error.html", ctx, status=400)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"ok": True, "id": row.pk})
    return HttpResponseRedirect(_back(request, "/"))
