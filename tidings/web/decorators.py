"""View decorators shared by the signed-in parts of the site (the studio, the token pages)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from tidings.articles import access
from tidings.creators.models import Creator

View = Callable[..., HttpResponse]


class WriterRequest(HttpRequest):
    """A request that `writer_required` let through: `creator` is the signed-in creator's profile."""

    creator: Creator


def writer_required(view: View) -> View:
    """Anonymous → sign in; signed in but not an approved creator → a 403 page pointing to 申请入驻."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        creator = access.writer_profile(request.user)
        if creator is None:
            if request.headers.get("Accept", "").startswith("application/json") or request.method == "POST":
                return JsonResponse({"error": "只有通过入驻审核的创作者可以使用创作者工作台。"}, status=403)
            return render(request, "studio/not_creator.html", {}, status=403)
        writer = cast(WriterRequest, request)
        writer.creator = creator
        return view(writer, *args, **kwargs)

    return wrapper


def creator_of_request(request: HttpRequest) -> Creator:
    """The creator `writer_required` found for this request."""
    return cast(WriterRequest, request).creator
