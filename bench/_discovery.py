"""In-process demo site for the discovery benchmarks (bench/relevance.py, bench/recommend.py).

Not a script. `demo_site()` points Django at a fresh SQLite database in a temporary directory
(never the developer's ./var), migrates, generates the deterministic demo content and computes
keywords and related lists the way the background task does (tidings.discovery.related).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def demo_site(articles: int, creators: int, seed: int) -> dict[str, float]:
    """Build the site; returns timings in seconds."""
    work = Path(tempfile.mkdtemp(prefix="tidings-discovery-"))
    os.environ["TIDINGS_DATA_DIR"] = str(work / "data")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tidings.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from tidings.demo.generator import generate
    from tidings.discovery import related

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    summary = generate(articles=articles, creators=creators, seed=seed)
    generated = time.perf_counter() - started
    print(summary, file=sys.stderr)
    started = time.perf_counter()

    def progress(done: int, total: int, what: str) -> None:
        if done == total:
            print(f"  {what}: {done}/{total}", file=sys.stderr)

    related.rebuild_all(progress)
    return {"generate_s": generated, "discovery_s": time.perf_counter() - started}


def save(name: str, result: dict[str, Any]) -> Path:
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    return path
