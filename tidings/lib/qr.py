"""WeChat shares by scanning: a QR code of the article URL, as SVG made on the server (segno)."""

from __future__ import annotations

import io
from functools import lru_cache

import segno


@lru_cache(maxsize=2048)
def qr_svg(url: str) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(
        buf, kind="svg", scale=4, border=2, dark="#111", light="#fff", xmldecl=True, svgns=True,
        title="微信扫码分享 Scan with WeChat to share", nl=False,
    )  # fmt: skip
    return buf.getvalue()
