"""/search: the results page (server-rendered; works without JavaScript)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tidings.channels.models import Channel
from tidings.lib.numbers import ascii_int
from tidings.search import service
from tidings.web.context import site_for
from tidings.web.pagecache import cacheable


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    g = request.GET
    form = {k: g.get(k, "")[:200] for k in ("q", "channel", "from", "to")}
    ctx: dict[str, Any] = {
        "form": form,
        "channels": list(Channel.objects.order_by("order", "id").only("slug", "name")),
        "error": None,
        "results": None,
        "canonical": request.build_absolute_uri(request.path),
    }
    try:
        page = g.get("page", "1")
        if not 1 <= (ascii_int(page) or 0) <= service.MAX_PAGE:
            page = "1"  # as on every list page: a malformed page number means the first page
        req = service.read(g.get("q"), page, g.get("channel"), g.get("from"), g.get("to"))
    except service.BadInput as exc:
        ctx["error"] = exc
        ctx["suggestions"] = site_for(request).hot[:10]
        return render(request, "search/search.html", ctx, status=400)
    if req.query.terms:
        results = service.run(req)
        ctx["results"] = results

        def page_url(n: int) -> str:
            params = {k: v for k, v in form.items() if v}
            return "/search?" + urlencode({**params, "page": n})

        ctx["page_url"] = page_url
    if not req.query.terms or not ctx["results"].hits:
        ctx["suggestions"] = site_for(request).hot[:10]
    return cacheable(render(request, "search/search.html", ctx))
