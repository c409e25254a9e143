"""Studio and scheduler timings on this machine: the live preview, publishing, the scheduler's
catch-up after downtime, and image intake (a 12 MP photo; a 20,000 × 20,000 PNG bomb refused).

    .venv/bin/python bench/studio.py [--overdue 500] [--runs 50]

Runs against a throw-away SQLite site in a temporary directory (never the real data dir).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--overdue", type=int, default=500, help="scheduled articles overdue at worker start")
    parser.add_argument("--runs", type=int, default=50, help="repetitions of the preview and publish timings")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tidings-bench-studio-"))
    os.environ.update(TIDINGS_DATA_DIR=str(work), DJANGO_SETTINGS_MODULE="tidings.settings")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from PIL import Image as PILImage

    from tidings.accounts.models import User
    from tidings.articles.actions import create_article
    from tidings.articles.images import add_image
    from tidings.articles.input import clean_article_input
    from tidings.articles.models import Article
    from tidings.articles.rendering import render_body
    from tidings.articles.transitions import submit as submit_article
    from tidings.creators.models import Creator
    from tidings.lib.images import ImageRejected
    from tidings.web.worker import publish_due

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", password="bench-password-1", role=User.Role.CREATOR)
    creator = Creator.objects.create(handle="bench", name="基准", user=user)

    def photo(w: int, h: int, seed: int) -> bytes:
        img = PILImage.effect_noise((w, h), 40 + seed).convert("RGB")
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=90)
        return buf.getvalue()

    def ms(samples: list[float]) -> str:
        s = sorted(samples)
        return f"p50 {statistics.median(s) * 1000:.1f} ms, p95 {s[int(len(s) * 0.95) - 1] * 1000:.1f} ms"

    t = time.perf_counter()
    big = photo(4000, 3000, 0)
    start = time.perf_counter()
    add_image(big, name="12mp.jpg", by=user)
    print(f"image intake, 4000×3000 JPEG ({len(big) / 1e6:.1f} MB): {time.perf_counter() - start:.2f} s")
    bomb = io.BytesIO()
    PILImage.new("1", (20_000, 20_000)).save(bomb, "PNG")
    start = time.perf_counter()
    try:
        add_image(bomb.getvalue(), name="bomb.png", by=user)
    except ImageRejected as exc:
        print(f"bomb refused in {(time.perf_counter() - start) * 1000:.1f} ms: {exc}")

    images = [add_image(photo(1600, 1000, i), name=f"p{i}.jpg", by=user) for i in range(12)]
    paragraph = "记者走进一家芯片实验室，记录一块晶圆从切割到封装的全过程，这里的每一道工序都要求极高的精度。"
    body = "\n\n".join(
        f'## 第{i}节\n\n{paragraph * 4}\n\n![图{i}](/media/{img.path} "图片说明{i}")' for i, img in enumerate(images)
    )
    print(f"article body: {len(body)} characters, {len(images)} images")
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        render_body(body)
        samples.append(time.perf_counter() - start)
    print(f"live preview (render_body, {args.runs} runs): {ms(samples)}")

    samples = []
    for i in range(args.runs):
        a = create_article(
            creator, user, clean_article_input({"title": f"发布{i}", "body_md": body, "channel": "news"})
        )
        start = time.perf_counter()
        submit_article(a, user)
        samples.append(time.perf_counter() - start)
    print(f"publish now (submit_article, {args.runs} runs): {ms(samples)}")

    now = timezone.now()
    drafts = [
        create_article(
            creator, user, clean_article_input({"title": f"定时{i}", "body_md": paragraph, "channel": "news"})
        )
        for i in range(args.overdue)
    ]
    Article.objects.filter(pk__in=[d.pk for d in drafts]).update(
        status=Article.Status.SCHEDULED, published_at=now - dt.timedelta(hours=3)
    )
    start = time.perf_counter()
    done = publish_due(now)
    took = time.perf_counter() - start
    print(
        f"scheduler catch-up: {len(done)} overdue articles published in {took:.2f} s "
        f"({took / max(1, len(done)) * 1000:.1f} ms each)"
    )
    start = time.perf_counter()
    publish_due(timezone.now())
    print(f"scheduler round with nothing due: {(time.perf_counter() - start) * 1000:.2f} ms")
    print(f"total {time.perf_counter() - t:.0f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
