"""URLs come from the URLconf's names (django.urls.reverse), never from f-strings: a route moved
in tidings/urls.py moves every link to it.

Lists build thousands of links a page; `url_for(name, arg)` reverses each route once per process
and then only formats, so a hot list pays a string format per link, not a reverse().
"""

from __future__ import annotations

from functools import cache

from django.urls import reverse

_MARK = "9876543210"  # fits <int:…>, <slug:…> and <str:…> converters alike


@cache
def _template(name: str) -> str:
    return reverse(name, args=[_MARK]).replace(_MARK, "{}")


def url_for(name: str, arg: object) -> str:
    """reverse(name, args=[arg]) for a route with one int or slug argument, at format speed."""
    return _template(name).format(arg)
