"""Fixed-window rate limits, shared by every process of the site.

One table (`LIMITS`, listed in the README's "Limits" table) names each limit: how many actions are
allowed per window, the settings that hold the numbers (so an environment variable or a test can
change them), and the Chinese message a refused client reads. Counters live in the cache alias
`settings.RATE_LIMIT_CACHE` ("limits"): Redis when REDIS_URL is set, else the database cache
(`tidings.lib.cache.AtomicDatabaseCache`), so all gunicorn workers count together; the
per-process memory cache would let each worker allow the full limit (docs/performance.md has the
measurements behind the choice).

A window is a fixed slice of time (`window` seconds since the epoch); the counter key names the
slice, so it needs no reset and a refused client can be told exactly when to come back.

    ratelimit.hit("upload", user.pk)          # count one; raises RateLimited past the limit
    ratelimit.check("login-user", name, ip)   # raises if already at the limit, counts nothing
    ratelimit.count("login-user", name, ip)   # count one failure, never raises
    ratelimit.clear("login-user", name, ip)

`RateLimited` carries `retry_after` (seconds) and the message. Views that re-render a form catch
it and answer `too_many(response, exc)` (429 with what the user typed); anything else lets it go
up to `RateLimitMiddleware`, which answers 429 as JSON or as a short page.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: str  # the setting holding how many actions a window allows
    window: str  # the setting holding the window in seconds
    what: str  # the action, in the message: "请求" → "请求太频繁，请 N 分钟后再试。"
    per: str  # what is counted, for the README table


LIMITS = {
    limit.name: limit
    for limit in (
        Limit("login-user", "LOGIN_FAILURES_PER_USER", "LOGIN_WINDOW_SECONDS", "登录失败", "user name + address"),
        Limit("login-address", "LOGIN_FAILURES_PER_ADDRESS", "LOGIN_WINDOW_SECONDS", "登录失败", "address"),
        Limit("new-visitor", "NEW_VISITORS_PER_HOUR", "HOUR", "新访客", "address"),
        Limit("signup", "SIGNUPS_PER_HOUR", "HOUR", "注册", "address"),
        Limit("reset-address", "PASSWORD_RESETS_PER_HOUR", "HOUR", "重设密码邮件", "address"),
        Limit("reset-account", "PASSWORD_RESETS_PER_ACCOUNT", "DAY", "重设密码邮件", "e-mail address asked for"),
        Limit("report", "REPORTS_PER_HOUR", "HOUR", "举报", "account"),
        Limit("preview", "PREVIEWS_PER_MINUTE", "MINUTE", "预览", "account"),
        Limit("autosave", "AUTOSAVES_PER_MINUTE", "MINUTE", "自动保存", "account"),
        Limit("upload", "UPLOADS_PER_HOUR", "HOUR", "上传图片", "account"),
        Limit("external-image", "EXTERNAL_IMAGES_PER_HOUR", "HOUR", "获取外站图片", "account"),
        Limit("comment-interval", "COMMENTS_PER_INTERVAL", "COMMENT_INTERVAL_SECONDS", "跟帖", "account"),
        Limit("comment-hour", "COMMENTS_PER_HOUR", "HOUR", "跟帖", "account"),
        Limit("comment-day", "COMMENTS_PER_DAY", "DAY", "跟帖", "account"),
        Limit("comment-vote", "COMMENT_VOTES_PER_HOUR", "HOUR", "顶踩", "account"),
        Limit("read-end", "READ_END_REPORTS_PER_READ", "DAY", "阅读报告", "read (its token)"),
    )
}
FIXED_WINDOWS = {"MINUTE": 60, "HOUR": 3600, "DAY": 86400}


class RateLimited(Exception):
    def __init__(self, limit: Limit, retry_after: int) -> None:
        self.limit = limit
        self.retry_after = max(1, retry_after)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.limit.what}太频繁，请 {wait_text(self.retry_after)}后再试。"


def wait_text(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 120 else f"{math.ceil(seconds / 60)} 分钟"


def allowed_and_window(limit: Limit) -> tuple[int, int]:
    window = FIXED_WINDOWS.get(limit.window) or int(getattr(settings, limit.window))
    return int(getattr(settings, limit.allowed)), window


def _key(limit: Limit, parts: tuple[object, ...], window: int, now: float) -> tuple[str, int]:
    """The counter's key for the current window, and the seconds until that window ends."""
    digest = hashlib.blake2b("|".join(str(p) for p in parts).encode(), digest_size=16).hexdigest()
    slot = int(now // window)
    return f"rl:{limit.name}:{digest}:{slot}", int((slot + 1) * window - now) + 1


def _store():  # type: ignore[no-untyped-def]
    return caches[settings.RATE_LIMIT_CACHE]


def _current(limit: Limit, parts: tuple[object, ...]) -> tuple[int, int, int]:
    allowed, window = allowed_and_window(limit)
    key, left = _key(limit, parts, window, time.time())
    return int(_store().get(key, 0)), allowed, left


def _add_one(limit: Limit, parts: tuple[object, ...]) -> tuple[int, int, int]:
    """Count one action atomically; returns (count now, allowed, seconds left in the window)."""
    allowed, window = allowed_and_window(limit)
    key, left = _key(limit, parts, window, time.time())
    store = _store()
    if store.add(key, 1, timeout=left + 5):
        return 1, allowed, left
    try:
        return int(store.incr(key)), allowed, left
    except ValueError:  # expired between add and incr
        store.set(key, 1, timeout=left + 5)
        return 1, allowed, left


def _guarded(fn: Callable[[], tuple[int, int, int]]) -> tuple[int, int, int]:
    """A counter store that fails (the database is locked past its timeout) must not take the
    page down with it: the action is let through and the failure logged."""
    try:
        return fn()
    except DatabaseError as exc:
        log.warning("rate-limit store unavailable, not limiting: %s", exc)
        return 0, 1, 0


def hit(name: str, *parts: object) -> None:
    """Count one action; raise RateLimited if it is past the limit (the refused action counts
    too, so hammering does not open the next window early)."""
    limit = LIMITS[name]
    n, allowed, left = _guarded(lambda: _add_one(limit, parts))
    if n > allowed:
        raise RateLimited(limit, left)


def cooldown(name: str, *parts: object) -> None:
    """At most `allowed` (1) action per `window` seconds measured from the last allowed one (a
    fixed window would let two through a second apart across its edge): the first caller stores
    its time with add() (SET NX EX on Redis); others are refused until that key expires."""
    limit = LIMITS[name]
    _allowed, window = allowed_and_window(limit)
    if window <= 0:  # 0 turns the cooldown off
        return
    digest = hashlib.blake2b("|".join(str(p) for p in parts).encode(), digest_size=16).hexdigest()
    key, now = f"cd:{limit.name}:{digest}", time.time()
    try:
        if _store().add(key, now, timeout=window):
            return
        started = float(_store().get(key, now))
    except DatabaseError as exc:
        log.warning("rate-limit store unavailable, not limiting: %s", exc)
        return
    raise RateLimited(limit, math.ceil(window - (now - started)))


def check(name: str, *parts: object) -> None:
    """Raise RateLimited if the limit is already reached; counts nothing."""
    limit = LIMITS[name]
    n, allowed, left = _guarded(lambda: _current(limit, parts))
    if n >= allowed:
        raise RateLimited(limit, left)


def count(name: str, *parts: object, delta: int = 1) -> int:
    """Count one action (delta=-1: take one back) without refusing it."""
    limit = LIMITS[name]
    if delta == 1:
        return _guarded(lambda: _add_one(limit, parts))[0]
    _allowed, window = allowed_and_window(limit)
    key = _key(limit, parts, window, time.time())[0]
    try:
        return int(_store().incr(key, delta))
    except (ValueError, DatabaseError):
        return 0


def clear(name: str, *parts: object) -> None:
    limit = LIMITS[name]
    _allowed, window = allowed_and_window(limit)
    try:
        _store().delete(_key(limit, parts, window, time.time())[0])
    except DatabaseError as exc:
        log.warning("rate-limit store unavailable: %s", exc)


def too_many(response: HttpResponse, exc: RateLimited) -> HttpResponse:
    """Turn a view's answer (its form re-rendered with the message) into the 429 it is."""
    response.status_code = 429
    response["Retry-After"] = str(exc.retry_after)
    return response


def json_429(exc: RateLimited) -> HttpResponse:
    body = {"error": exc.message, "retry_after": exc.retry_after}
    return too_many(JsonResponse(body, json_dumps_params={"ensure_ascii": False}), exc)


View = TypeVar("View", bound=Callable[..., HttpResponse])


def per_account(name: str) -> Callable[[View], View]:
    """Decorate a signed-in JSON view: each call counts against the account's limit `name`, and
    one past it answers 429 JSON ({"error": message, "retry_after": seconds})."""

    def decorate(view: View) -> View:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                hit(name, request.user.pk)
            except RateLimited as exc:
                return json_429(exc)
            return view(request, *args, **kwargs)

        return limited  # type: ignore[return-value]

    return decorate


def wants_json(request: HttpRequest) -> bool:
    return (
        request.path.startswith("/api/")
        or request.headers.get("Accept", "").startswith("application/json")
        or request.headers.get("X-Requested-With") == "fetch"
        or request.content_type == "application/json"
    )


class RateLimitMiddleware:
    """A RateLimited that no view caught becomes 429 with Retry-After: JSON for scripts and the
    studio's fetch calls, a short Chinese page otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, RateLimited):
            return None
        if wants_json(request):
            return json_429(exc)
        from django.shortcuts import render

        return too_many(render(request, "web/too_many.html", {"message": exc.message}), exc)
