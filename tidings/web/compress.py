"""Compressed HTML (issue 13.11): Django's GZipMiddleware, for HTML and other text pages only.

Why the app and not only nginx: `tidings run` serves without nginx, and Django's middleware has
the BREACH mitigation nginx's gzip lacks. BREACH recovers a secret from the length of compressed
responses that also reflect attacker-chosen text (here: the search box, a `next=` URL). Two
defences hold: Django masks the CSRF token with a fresh random value in every response (the
secret never repeats byte for byte), and GZipMiddleware adds up to 100 random bytes to the gzip
header of each response ("Heal the BREACH"), so lengths no longer track guesses. Session cookies
are headers and never compressed.

Images, fonts and files are left alone (already compressed; gzip would only cost CPU), as are
streamed responses and what WhiteNoise already serves compressed (Content-Encoding set).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# HTML, feeds, sitemaps, SVG. Not JSON: the API's answers stay as its clients (and the schema
# fuzzer, which reads WSGI responses without decoding them) expect them; nginx may compress them.
COMPRESSIBLE = (
    "text/",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "application/javascript",
    "image/svg+xml",
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        kind = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if response.streaming or not kind.startswith(COMPRESSIBLE):
            return response
        return super().process_response(request, response)
