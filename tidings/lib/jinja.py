"""The Jinja2 environment for reader pages: Django's static/url helpers, gettext, site filters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from jinja2 import Environment

from tidings.lib import plaintext
from tidings.lib.timefmt import has_han, iso, local_datetime, portal_time, reference_date


def environment(**options: Any) -> Environment:
    options.setdefault("extensions", []).append("jinja2.ext.i18n")
    options["autoescape"] = True
    # Templates are compiled once per process and never re-read (auto_reload off outside DEBUG).
    options["auto_reload"] = settings.DEBUG
    env = Environment(**options)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.globals.update(
        {
            "static": static,
            "url": reverse,
            "messages_for": get_messages,
            "SITE_NAME": settings.SITE_NAME,
            "PLATFORM_NAME": settings.SITE_PLATFORM_NAME,
        }
    )
    env.filters.update(
        {
            "datetime": local_datetime,
            "iso": iso,
            "portal_time": portal_time,
            "reference_date": reference_date,
            "has_han": has_han,
            "plaintext": plaintext.render,
        }
    )
    return env
