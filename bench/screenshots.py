#!/usr/bin/env python
"""Screenshots of the reader's and the creator's pages at phone and desktop width, normal and care
mode (关怀版) where it matters: home, article, channel, search, creator, an error page (404) and
the studio.

Builds a fresh temporary demo site (120 articles, 12 creators, seed 1) and serves it with
gunicorn, or uses a running server given with --base-url (the studio then needs --session, a
signed-in creator's session cookie), then photographs the pages in Debian's chromium through
Playwright (never `playwright install`: the browser is /usr/bin/chromium).
Usage (from the repository root):

    .venv/bin/python bench/screenshots.py [--base-url http://127.0.0.1:8000 --article ID --session KEY] [--keep]

Writes docs/screenshots/<page>-<normal|care>-<phone|desktop>.png: the top of the page, at most
two phone screens (1,688 CSS px) or 1,800 CSS px on a desktop; phone 390×844 at device scale
factor 2, desktop 1366×900 at 1. Care mode is the cookie tidings_care=1; it is photographed for
home, article and studio. PNGs are re-encoded by Pillow (optimize=True), and quantised to a
palette when that is still above ~450 KB.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from _site import (
    CHROME_ARGS,
    CHROMIUM,
    MEDIAN_CHINESE_ARTICLE,
    ROOT,
    DemoSite,
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
MAX_CSS_HEIGHT = 1800
MAX_BYTES = 450 * 1024
# name: (viewport width, viewport height, device scale factor, mobile, CSS px photographed at most)
VIEWPORTS: dict[str, tuple[int, int, int, bool, int]] = {
    "phone": (390, 844, 2, True, 2 * 844),
    "desktop": (1366, 900, 1, False, MAX_CSS_HEIGHT),
}
MODES = ("normal", "care")
# The pages photographed, and those also photographed in care mode.
PAGES = ("home", "article", "channel", "search", "creator", "error", "studio")
CARE_PAGES = ("home", "article", "studio")
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


def page_paths(base: str, article_id: int) -> dict[str, str]:
    """The path of each page in PAGES, found from the article's own page."""
    with urllib.request.urlopen(f"{base}/a/{article_id}/", timeout=30) as r:
        html = r.read().decode("utf-8", "replace")
    channel = re.search(r'class="meta-channel" href="(/c/[^"]+/)"', html)
    creator = re.search(r'class="meta-creator" href="(/u/[^"]+/)"', html)
    title = re.search(r'<h1 id="article-title">([^<]+)</h1>', html)
    if not (channel and creator and title):
        sys.exit(f"error: /a/{article_id}/ does not look like an article page")
    query = urllib.parse.quote(title.group(1).strip()[:2])
    return {
        "home": "/",
        "article": f"/a/{article_id}/",
        "channel": channel.group(1),
        "search": f"/search?q={query}",
        "creator": creator.group(1),
        "error": "/no-such-page/",
        "studio": f"/studio/a/{article_id}/",
    }


def shoot(base: str, article_id: int, session: str = "") -> list[Path]:
    paths = page_paths(base, article_id)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_ARGS)
        try:
            for page_name in PAGES:
                if page_name == "studio" and not session:
                    print("warning: no --session: the studio is not photographed", file=sys.stderr)
                    continue
                for mode in MODES if page_name in CARE_PAGES else ("normal",):
                    for name, (width, height, scale, mobile, tallest) in VIEWPORTS.items():
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
                        if page_name == "studio":
                            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
                        page = context.new_page()
                        url = base + paths[page_name]
                        response = page.goto(url, wait_until="networkidle")
                        expected = 404 if page_name == "error" else 200
                        if response is None or response.status != expected:
                            raise RuntimeError(f"{url}: HTTP {response.status if response else 'no response'}")
                        body_class = page.evaluate("document.body.className")
                        if bool(CARE_BODY.search(body_class)) != (mode == "care"):
                            print(f"warning: {page_name} {mode} {name}: <body class={body_class!r}>", file=sys.stderr)
                        settle(page)
                        full = page.evaluate("document.documentElement.scrollHeight")
                        clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": min(int(full), tallest)}
                        png = page.screenshot(full_page=True, clip=clip, animations="disabled")
                        data, how = compress(png)
                        path = OUT_DIR / f"{page_name}-{mode}-{name}.png"
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


def studio_session(site: DemoSite) -> str:
    """A signed-in session for the chosen article's creator (made its user if it has none)."""
    probe = subprocess.run(
        [sys.executable, "-m", "tidings.cli", "shell", "-c",
         "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY\n"
         "from django.contrib.sessions.backends.db import SessionStore\n"
         "from tidings.accounts.models import User\n"
         "from tidings.articles.models import Article\n"
         f"c = Article.objects.get(pk={site.article_id}).creator\n"
         "if c.user is None:\n"
         "    c.user = User.objects.create_user('shot-' + c.handle, password=None, role=User.Role.CREATOR)\n"
         "    c.save(update_fields=['user'])\n"
         "s = SessionStore()\n"
         "s[SESSION_KEY] = str(c.user.pk)\n"
         "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
         "s[HASH_SESSION_KEY] = c.user.get_session_auth_hash()\n"
         "s.create()\n"
         "print(s.session_key)"],
        env=site.env, check=True, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    return probe.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", help="use this running server instead of building a temporary site")
    ap.add_argument("--article", type=int, help="article id (default: a median Chinese article with references)")
    ap.add_argument(
        "--session", default="", help="with --base-url: a signed-in creator's session cookie, for the studio"
    )
    ap.add_argument("--port", type=int, default=8000, help="port of the temporary server when free (default 8000)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = ap.parse_args()

    ensure_chromium()
    check_cjk_fonts()
    if args.base_url:
        base = args.base_url.rstrip("/")
        paths = shoot(base, args.article or article_from_home(base), args.session)
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
            paths = shoot(base, args.article or site.article_id, studio_session(site))
        finally:
            stop_servers(server)
            cleanup(work, args.keep)
    for path in paths:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
