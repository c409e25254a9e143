"""The API's pages for people: personal tokens (`/studio/tokens/`), beside the tokens themselves
(tidings.api.tokens). A new token's secret is shown once, on the page that made it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from tidings.api.models import ApiToken
from tidings.api.tokens import create_token, revoke_token
from tidings.web.decorators import creator_of_request, writer_required

DONE_MESSAGES = {"revoked": "令牌已停用。"}


@require_http_methods(["GET", "POST"])
@writer_required
def tokens(request: HttpRequest) -> HttpResponse:
    """Personal API tokens: list, make (the secret shown once), revoke."""
    ctx: dict[str, Any] = {"message": DONE_MESSAGES.get(request.GET.get("done", ""), ""), "errors": {}}
    status = 200
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        try:
            ctx["secret"], ctx["made"] = create_token(request.user, name)
        except ValueError as exc:
            ctx["errors"]["name"] = str(exc)
            ctx["name"] = name
            status = 400
    ctx["tokens"] = list(ApiToken.objects.filter(user=creator_of_request(request).user))
    return render(request, "api/tokens.html", ctx, status=status)


@require_POST
@writer_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    revoke_token(request.user, token_id)
    return HttpResponseRedirect(reverse("studio-tokens") + "?done=revoked")
