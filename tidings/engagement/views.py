"""Read and like endpoints. Article pages are served from the anonymous page cache, so reads are
counted by a beacon (static/js/site.js) rather than by the page view.

Visitors: a signed-in reader is "u:<id>"; anyone else needs the signed first-party cookie
VISITOR_COOKIE. A request without it gets one and a 307 back to the same URL (the browser repeats
the POST with the cookie); one that still has none is not counted, so a client that keeps no
cookies (a refresh loop) never moves a counter. The cookie is SameSite=Lax, so a cross-site form
cannot count for someone else (hence no CSRF token, which cached pages cannot carry).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tidings.articles.models import Article
from tidings.engagement import actions
from tidings.engagement.visitors import visitor_for, with_new_visitor


@csrf_exempt  # see the module docstring
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """The read beacon: counts at most once per visitor per article per 30 minutes."""
    visitor = visitor_for(request)
    if visitor is None:
        return with_new_visitor(request)
    user = request.user if request.user.is_authenticated else None
    counted = actions.record_read(pk, visitor, user)  # type: ignore[arg-type]
    return JsonResponse({"counted": counted})


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
