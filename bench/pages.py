#!/usr/bin/env python
"""Page benchmark: the article and home pages under the production app server, side by side
with nginx serving a static copy of the same article HTML, measured with wrk.

Reports requests/s, p50/p99 latency and, above all, server CPU milliseconds per request (user+sys
CPU of the server's processes during the run ÷ requests served), plus each worker's memory.
Rounds are interleaved (every target once per round) so that the machine's noise hits all of
them alike. Usage (from the repository root):

    .venv/bin/python bench/pages.py [--rounds 3] [--duration 15] [--articles 500] [--workers 2]

Needs wrk and nginx (Debian packages `wrk`, `nginx-light`; installed when missing and root).
Results: a Markdown table on stdout and bench/results/pages-<time>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _site import ROOT, DemoSite, HttpTimeout, build_demo_site, need, start_gunicorn, stop_servers, wait_http

CLK_TCK = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    out = [pid]
    for child in Path(f"/proc/{pid}/task").glob("*/children"):
        for c in child.read_text().split():
            out += tree(int(c))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def memory_mib(pid: int) -> tuple[float, float]:
    rss = pss = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Pss:"):
            pss = int(line.split()[1])
    return rss / 1024, pss / 1024


def parse_wrk(out: str) -> dict[str, float]:
    def ms(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    reqs = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": reqs, "rps": rps, "p50_ms": p50, "p99_ms": p99, "non2xx": int(errors.group(1)) if errors else 0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = ap.parse_args()

    wrk = need("wrk", "wrk")
    nginx = need("nginx", "nginx-light")
    work = Path(tempfile.mkdtemp(prefix="tidings-bench-"))
    work.chmod(0o755)  # nginx workers (www-data) read the static copy from here
    # The article to measure: the published article whose body length is the median (the default pick).
    site = build_demo_site(work, args.articles, creators=40, seed=1, doing=f"creating {args.articles} demo articles")

    servers: dict[str, subprocess.Popen[bytes]] = {}
    try:
        run_benchmark(args, site, wrk, nginx, servers)
    except HttpTimeout as exc:
        sys.exit(f"error: {exc}")
    finally:
        stop_servers(*servers.values())
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run_benchmark(
    args: argparse.Namespace,
    site: DemoSite,
    wrk: str,
    nginx: str,
    servers: dict[str, subprocess.Popen[bytes]],
) -> None:
    work, article_id = site.work, site.article_id
    modes = {
        # name: (port, page cache seconds, block cache seconds)
        "cold": (8301, "0", "0"),  # every block from the database on every request
        "blocks": (8302, "0", "30"),  # page cache off, site-wide blocks cached (a page-cache miss)
        "cached": (8303, "60", "30"),  # the default: anonymous pages from the page cache
    }
    for name, (port, page, blocks) in modes.items():
        servers[name] = start_gunicorn(
            site,
            port,
            workers=args.workers,
            worker_class="sync",
            name=name,
            env={"TIDINGS_PAGE_CACHE_SECONDS": page, "TIDINGS_BLOCK_CACHE_SECONDS": blocks},
        )
    for port, _, _ in modes.values():
        wait_http(f"http://127.0.0.1:{port}/healthz")

    static = work / "static-copy"
    (static / "a" / str(article_id)).mkdir(parents=True)
    with urllib.request.urlopen(f"http://127.0.0.1:8301/a/{article_id}/") as r:
        article_html = r.read()
    (static / "a" / str(article_id) / "index.html").write_bytes(article_html)
    conf = work / "nginx.conf"
    conf.write_text(f"""
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off; sendfile on; keepalive_timeout 65;
  types {{ text/html html; }}
  server {{ listen 127.0.0.1:8304; root {static}; index index.html; }}
}}
""")
    nginx_proc = subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"])
    servers["nginx"] = nginx_proc
    wait_http(f"http://127.0.0.1:8304/a/{article_id}/")

    targets = [
        ("nginx static copy of the article", nginx_proc.pid, f"http://127.0.0.1:8304/a/{article_id}/"),
        ("article, uncached (all blocks from the DB)", servers["cold"].pid, f"http://127.0.0.1:8301/a/{article_id}/"),
        (
            "article, page-cache miss (site blocks cached)",
            servers["blocks"].pid,
            f"http://127.0.0.1:8302/a/{article_id}/",
        ),
        ("article, anonymous page cache", servers["cached"].pid, f"http://127.0.0.1:8303/a/{article_id}/"),
        ("home, uncached", servers["cold"].pid, "http://127.0.0.1:8301/"),
        ("home, anonymous page cache", servers["cached"].pid, "http://127.0.0.1:8303/"),
    ]
    results: dict[str, list[dict[str, float]]] = {t[0]: [] for t in targets}
    for _name, _, url in targets:  # warm-up: templates compiled, caches filled
        subprocess.run([wrk, "-t2", "-c8", "-d3s", url], capture_output=True)
    for r in range(args.rounds):
        for name, pid, url in targets:
            pids = tree(pid)
            before = cpu_seconds(pids)
            out = subprocess.run(
                [wrk, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s", "--latency", url],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            used = cpu_seconds(pids) - before
            row = parse_wrk(out)
            row["cpu_ms_per_req"] = used * 1000 / max(1, row["requests"])
            row["server_cores"] = used / args.duration
            results[name].append(row)
            print(
                f"round {r + 1}: {name}: {row['rps']:.0f} rps, {row['cpu_ms_per_req']:.3f} ms CPU/req",
                file=sys.stderr,
            )
    memory = {}
    for name, proc in servers.items():
        if name == "nginx":
            continue
        workers = [p for p in tree(proc.pid) if p != proc.pid]
        memory[name] = [memory_mib(p) for p in workers]

    print(f"\nArticle /a/{article_id}/ ({len(article_html):,} bytes), {args.articles} demo articles, "
          f"gunicorn sync × {args.workers}, wrk -t2 -c{args.connections} -d{args.duration}s, {args.rounds} rounds (medians)\n")  # fmt: skip
    print("| target | rps | p50 ms | p99 ms | server CPU ms/req (min–max) | non-2xx |")
    print("|---|---|---|---|---|---|")
    summary = {}
    for name, rows in results.items():
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        lo = min(r["cpu_ms_per_req"] for r in rows)
        hi = max(r["cpu_ms_per_req"] for r in rows)
        summary[name] = {"median": med, "rounds": rows}
        print(f"| {name} | {med['rps']:.0f} | {med['p50_ms']:.1f} | {med['p99_ms']:.1f} | "
              f"{med['cpu_ms_per_req']:.3f} ({lo:.3f}–{hi:.3f}) | {int(sum(r['non2xx'] for r in rows))} |")  # fmt: skip
    print("\nWorker memory after the runs (RSS / PSS MiB):")
    for name, mems in memory.items():
        print(f"- {name}: " + ", ".join(f"{rss:.0f} / {pss:.0f}" for rss, pss in mems))
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    record = {
        "article_id": article_id,
        "bytes": len(article_html),
        "args": vars(args),
        "results": summary,
        "memory_mib": memory,
    }
    (out_dir / f"pages-{stamp}.json").write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
