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
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import FloatRect, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
OUT_DIR = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
MAX_CSS_HEIGHT = 2400
MAX_BYTES = 600 * 1024
# name: (viewport width, viewport height, device scale factor, mobile)
VIEWPORTS: dict[str, tuple[int, int, int, bool]] = {
    "phone": (390, 844, 2, True),
    "desktop": (1280, 900, 1, False),
}
MODES = ("normal", "care")
CARE_BODY = re.compile(r"\bcare\b")


def ensure_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing chromium …", file=sys.stderr)
        aptenv = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=aptenv)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=aptenv)
        if Path(CHROMIUM).exists():
            return
    sys.exit(f"error: {CHROMIUM} is missing: apt-get install chromium (as root)")


def check_cjk_fonts() -> None:
    """Without a CJK font every Chinese character is a box (tofu) in the pictures."""
    if not shutil.which("fc-list"):
        return
    if subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing fonts-noto-cjk …", file=sys.stderr)
        aptenv = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "fonts-noto-cjk"], check=True, env=aptenv)
    else:
        print("warning: no Chinese font (apt-get install fonts-noto-cjk): expect boxes for text", file=sys.stderr)


def pick_port(preferred: int) -> int:
    """preferred when it is free (the share box prints the page URL, port included), else any free port."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError("no free port")


def wait_http(url: str, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


def build_site(work: Path) -> tuple[dict[str, str], int]:
    """A fresh demo site in work/data: (environment, id of the article to photograph)."""
    env = {**os.environ, "TIDINGS_DATA_DIR": str(work / "data"), "TIDINGS_LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    tidings = [PY, "-m", "tidings.cli"]
    print(f"data dir {work}; building the demo site …", file=sys.stderr)
    subprocess.run([*tidings, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*tidings, "demo", "--articles", "120", "--creators", "12", "--seed", "1"],
                   env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([*tidings, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    # A published Chinese article with references and, when one has it, a cover; median by length.
    probe = subprocess.run(
        [*tidings, "shell", "-c",
         "from django.db.models import Count\n"
         "from django.db.models.functions import Length\n"
         "from tidings.articles.models import Article\n"
         "qs = Article.objects.published().filter(lang='zh-Hans').annotate(r=Count('references'))\n"
         "qs = qs.filter(r__gt=0).annotate(n=Length('body_html')).order_by('n', 'pk')\n"
         "qs = qs.exclude(cover='') if qs.exclude(cover='').exists() else qs\n"
         "print(qs[qs.count() // 2].pk)"],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    return env, int(probe.stdout.strip().splitlines()[-1])


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
            env, article_id = build_site(work)
            port = pick_port(args.port)
            server = subprocess.Popen(
                [PY, "-m", "gunicorn", "tidings.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2",
                 "--control-socket", str(work / "g.ctl")],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(work / "gunicorn.log").open("wb"),
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            wait_http(f"{base}/healthz")
            paths = shoot(base, args.article or article_id)
        finally:
            if server is not None and server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            if args.keep:
                print(f"kept {work}", file=sys.stderr)
            else:
                shutil.rmtree(work, ignore_errors=True)
    for path in paths:
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
