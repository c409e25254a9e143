#!/usr/bin/env python
"""Screenshots of an article page, normal and care mode (关怀版), phone and desktop width.

Builds a fresh temporary demo site (120 articles, 12 creators, seed 1) and serves it with
gunicorn, or uses a running server given with --base-url, then photographs one article in
Debian's chromium through Playwright (never `playwright install`: the browser is /usr/bin/chromium).
Usage (from the repository root):

    .venv/bin/python bench/screenshots.py [--base-url http://127.0.0.1:8000] [--article ID] [--keep]

Writes docs/screenshots/article-{normal,care}-{phone,desktop}.png: full page, cropped to at most
2,400 CSS px tall; phone 390×844 at device scale factor 2, desktop 1280×900 at 1. Care mode is
the cookie tidings_care=1. PNGs are re-encoded by Pillow (optimize=True), and quantised to a
palette when that is still above ~600 KB.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from _site import (
    CHROME_ARGS,
    CHROMIUM,
    MEDIAN_CHINESE_ARTICLE,
    ROOT,
    apt_install,
    build_demo_site,
    can_apt,
    cleanup,
    ensure_chromium,
    free_port,
    start_gunicorn,
    stop_servers,
    wait_http,
)
from PIL import Image
from playwright.sync_api import FloatRect, Page, sync_playwright

OUT_DIR = ROOT / "docs" / "screenshots"
MAX_CSS_HEIGHT = 2400
MAX_BYTES = 600 * 1024
# name: (viewport width, viewport height, device scale factor, mobile)
VIEWPORTS: dict[str, tuple[int, int, int, bool]] = {
    "phone": (390, 844, 2, True),
    "desktop": (1280, 900, 1, False),
}
MODES = ("normal", "care")
CARE_BODY = re.compile(r"\bcare\b")


def check_cjk_fonts() -> None:
    """Without a CJK font every Chinese character is a box (tofu) in the pictures."""
    if not shutil.which("fc-list"):
        return
    if subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip():
        return
    if can_apt():
        apt_install("fonts-noto-cjk")
    else:
        print("warning: no Chinese font (apt-get install fonts-noto-cjk): expect boxes for text", file=sys.stderr)


def article_from_home(base: str) -> int:
    """The first article linked from the home page of a running server."""
    with urllib.request.urlopen(base + "/", timeout=30) as r:
        html = r.read().decode("utf-8", "replace")
    match = re.search(r'href="(?:https?://[^/"]+)?/a/(\d+)/', html)
    if not match:
        sys.exit(f"error: no /a/<id>/ link on {base}/; pass --article")
    return int(match.group(1))


def settle(page: Page) -> None:
    """Scroll through the part that will be photographed so lazy images load, then back to the top."""
    page.evaluate(
        """async (limit) => {
            const step = Math.max(200, window.innerHeight - 100);
            for (let y = 0; y < Math.min(limit, document.documentElement.scrollHeight); y += step) {
                window.scrollTo(0, y);
                await new Promise(r => setTimeout(r, 120));
            }
            window.scrollTo(0, 0);
            await document.fonts.ready;
            await Promise.all(Array.from(document.images).filter(i => !i.complete)
                .map(i => new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 3000); })));
        }""",
        MAX_CSS_HEIGHT,
    )
    page.wait_for_load_state("networkidle")


def compress(png: bytes) -> tuple[bytes, str]:
    """The smallest acceptable PNG: lossless optimised, or a 256/128-colour palette above MAX_BYTES."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    if buf.tell() <= MAX_BYTES:
        return buf.getvalue(), "RGB, optimize"
    for colors in (256, 128):
        quant = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG)
        buf = io.BytesIO()
        quant.save(buf, "PNG", optimize=True)
        if buf.tell() <= MAX_BYTES:
            break
    return buf.getvalue(), f"{colors}-colour palette, optimize"


def shoot(base: str, article_id: int) -> list[Path]:
    url = f"{base}/a/{article_id}/"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        try:
            for mode in MODES:
                for name, (width, height, scale, mobile) in VIEWPORTS.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=scale,
                        is_mobile=mobile,
                        has_touch=mobile,
                        locale="zh-CN",
                        timezone_id="Asia/Shanghai",
                    )
                    if mode == "care":
                        context.add_cookies([{"name": "tidings_care", "value": "1", "url": base}])
                    page = context.new_page()
                    response = page.goto(url, wait_until="networkidle")
                    if response is None or response.status != 200:
                        raise RuntimeError(f"{url}: HTTP {response.status if response else 'no response'}")
                    body_class = page.evaluate("document.body.className")
                    if bool(CARE_BODY.search(body_class)) != (mode == "care"):
                        print(f"warning: {mode} {name}: <body class={body_class!r}>", file=sys.stderr)
                    settle(page)
                    full = page.evaluate("document.documentElement.scrollHeight")
                    clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": min(int(full), MAX_CSS_HEIGHT)}
                    png = page.screenshot(full_page=True, clip=clip, animations="disabled")
                    data, how = compress(png)
                    path = OUT_DIR / f"article-{mode}-{name}.png"
                    path.write_bytes(data)
                    size = Image.open(io.BytesIO(data)).size
                    print(
                        f"{path.relative_to(ROOT)}  {size[0]}×{size[1]} px, {len(data) / 1024:.0f} KB ({how}); "
                        f"page {full} CSS px tall",
                        file=sys.stderr,
                    )
                    written.append(path)
                    context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", help="use this running server instead of building a temporary site")
    ap.add_argument("--article", type=int, help="article id (default: a median Chinese article with references)")
    ap.add_argument("--port", type=int, default=8000, help="port of the temporary server when free (default 8000)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = ap.parse_args()

    ensure_chromium()
    check_cjk_fonts()
    if args.base_url:
        base = args.base_url.rstrip("/")
        paths = shoot(base, args.article or article_from_home(base))
    else:
        work = Path(tempfile.mkdtemp(prefix="tidings-shots-"))
        server: subprocess.Popen[bytes] | None = None
        try:
            # A published Chinese article with references and, when one has it, a cover; median by length.
            site = build_demo_site(work, articles=120, creators=12, seed=1, pick=MEDIAN_CHINESE_ARTICLE)
            # The preferred port when free: the share box prints the page URL, port included.
            port = free_port(args.port)
            server = start_gunicorn(site, port, workers=2, log=work / "gunicorn.log")
            base = f"http://127.0.0.1:{port}"
            wait_http(f"{base}/healthz")
            paths = shoot(base, args.article or site.article_id)
        finally:
            stop_servers(server)
            cleanup(work, args.keep)
    for path in paths:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
