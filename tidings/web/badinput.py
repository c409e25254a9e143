"""Control characters in a request are answered 400, and over-long URLs 414, before any view or
lookup sees them.

PostgreSQL refuses NUL in text (psycopg raises DataError: a 500), and no URL, query parameter or
form field of Tidings has a use for one. The path and query string may hold no C0 control
character but tab, newline and carriage return; form values (urlencoded or multipart, not files)
may hold no NUL. JSON bodies are checked where they are read (articles.actions.clean_article_input).
A path and query string longer than MAX_URL characters (as sent, percent-encoded) is answered 414:
no page or API operation of Tidings needs one, and the answer is then the site's own (JSON under
/api/) rather than the app server's, which cuts the request line at 4 KB.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MESSAGE = "请求中含有不允许的控制字符（如 NUL）。The request contains a control character (such as NUL)."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
MAX_URL = 2048
TOO_LONG = f"网址太长（最多 {MAX_URL} 个字符）。The URL is longer than {MAX_URL} characters."


def refused(request: HttpRequest, message: str = MESSAGE, status: int = 400) -> HttpResponse:
    """JSON under /api/; elsewhere the site's 400 page with the message (414 stays plain text)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    if status == 400:
        from tidings.web.views import error_page  # the views import models; this module loads first

        return error_page(request, 400, message)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RejectControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw_query = request.META.get("QUERY_STRING", "")
        if len(request.get_full_path()) > MAX_URL:
            return refused(request, TOO_LONG, 414)
        if _CONTROL.search(request.path) or _CONTROL.search(unquote(raw_query, errors="replace")):
            return refused(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method != "POST" or not (request.content_type or "").startswith(FORM_TYPES):
            return None
        try:
            values = [v for vs in request.POST.lists() for v in vs[1]]
        except (MultiPartParserError, OSError):  # a malformed or cut-off body: left to the view
            return None
        if any("\x00" in v for v in values):
            return refused(request)
        return None
