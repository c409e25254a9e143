"""The client's network address, for throttles and rate limits.

Behind the documented nginx proxy every request arrives from 127.0.0.1, so `REMOTE_ADDR` alone
would make all visitors one address (and 30 failed sign-ins by anyone would lock everyone out).
With `TIDINGS_PROXY_COUNT=N` (N trusted proxies in front, 1 for the nginx of docs/operations.md)
the address is the N-th from the right of `X-Forwarded-For`: the one our own proxy appended
(`$proxy_add_x_forwarded_for`), which a client cannot forge. Left of that is client-supplied and
ignored. Without the setting, or with a short header, `REMOTE_ADDR` is used.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if h.strip()]
    return hops[-proxies] if len(hops) >= proxies else remote
