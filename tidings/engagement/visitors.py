"""Who a reader is, for counting: a signed-in reader is "u:<id>"; anyone else needs the signed
first-party cookie VISITOR_COOKIE. A request without it gets one and a 307 back to the same URL (the
browser repeats the POST with the cookie); one that still has none is not counted, so a client
that keeps no cookies (a refresh loop) never moves a counter. The cookie is SameSite=Lax, so a
cross-site form cannot count for someone else."""

from __future__ import annotations

import secrets

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

from tidings.lib import ratelimit
from tidings.lib.client import client_address

VISITOR_COOKIE = "tidings_vid"
VISITOR_SALT = "tidings.visitor"
RETRIED = "v"


def visitor_for(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    vid = request.get_signed_cookie(VISITOR_COOKIE, default=None, salt=VISITOR_SALT)
    return f"v:{vid}" if vid else None


def with_new_visitor(request: HttpRequest) -> HttpResponse:
    """Set a visitor cookie and send the POST back once (307 keeps method and body).

    A script that drops its cookie after every request would be a new visitor each time: new
    visitor ids are limited per client address and hour (settings.NEW_VISITORS_PER_HOUR, counted
    by all workers together), so such a loop moves a counter at most that often. Returning
    visitors keep their cookie for a year."""
    if request.GET.get(RETRIED):
        return JsonResponse({"counted": False, "reason": "no visitor cookie"}, status=200)
    try:
        ratelimit.hit("new-visitor", client_address(request))
    except ratelimit.RateLimited as exc:
        body = {"counted": False, "reason": "too many new visitors from this address", "error": exc.message}
        return ratelimit.too_many(JsonResponse(body), exc)
    response = HttpResponseRedirect(f"{request.path}?{RETRIED}=1", status=307)
    response.set_signed_cookie(
        VISITOR_COOKIE,
        secrets.token_urlsafe(12),
        salt=VISITOR_SALT,
        max_age=365 * 86400,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure(),
    )
    return response
