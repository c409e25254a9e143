#!/usr/bin/env python
"""Lighthouse audit of the main pages, in normal and care mode (关怀版), over a fresh demo site.

Builds a temporary data directory (120 demo articles, 12 creators, seed 1), starts gunicorn on
it (SQLite and local-memory caches: DATABASE_URL and REDIS_URL unset) and runs Lighthouse on each
page, one at a time, in each mode. Care mode is the cookie `tidings_care=1`, sent with
Lighthouse's `--extra-headers`; the script checks that the page then has `<body class="care …">`.
Usage (from the repository root):

    .venv/bin/python bench/audit.py [--pages home,article] [--modes normal,care]
                                    [--preset mobile|desktop|both] [--keep]

Prints a Markdown table of the accessibility, best-practices, SEO and performance scores
(0–100) per page and mode, then the failing audits of every run (score < 1 among binary and
numeric audits), and writes everything, with the failing elements, to
bench/results/audit-<time>.json. The performance score is noisy on 2 shared cores; the other
three are stable.

Needs Node/npm (Lighthouse 12.2.3 is installed into bench/lighthouse/ with `npm ci` when
missing; Lighthouse 13 needs Node 22) and Debian's chromium (installed when missing and root).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from _site import (
    CHROME_ARGS,
    CHROMIUM,
    MEDIAN_CHINESE_ARTICLE,
    ROOT,
    build_demo_site,
    cleanup,
    ensure_chromium,
    free_port,
    start_gunicorn,
    stop_servers,
    wait_http,
)

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE_BIN = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_VERSION = "12.2.3"
CHROME_FLAGS = ["--headless=new", *CHROME_ARGS]
CATEGORIES = {"accessibility": "a11y", "best-practices": "bp", "seo": "seo", "performance": "perf"}
CARE_COOKIE = "tidings_care=1"
CARE_BODY = re.compile(r"<body\b[^>]*\bclass=\"[^\"]*\bcare\b")
PAGE_KEYS = [
    "home",
    "channel",
    "article",
    "creator",
    "creators",
    "join",
    "accessibility",
    "login",
    "signup",
    "hot",
    "search",
]
RUN_TIMEOUT = 300  # seconds per Lighthouse run
ATTEMPTS = 3  # Lighthouse runs per page and mode before giving up


def installed_lighthouse() -> str | None:
    manifest = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "package.json"
    if not (LIGHTHOUSE_BIN.exists() and manifest.exists()):
        return None
    return str(json.loads(manifest.read_text()).get("version"))


def ensure_lighthouse() -> str:
    """Path of the pinned Lighthouse CLI, installed from bench/lighthouse/package-lock.json if needed."""
    if installed_lighthouse() == LIGHTHOUSE_VERSION:
        return str(LIGHTHOUSE_BIN)
    npm = shutil.which("npm")
    if not npm:
        sys.exit("error: npm is missing (Debian: apt-get install nodejs npm; Node 20 or later)")
    lock = (LIGHTHOUSE_DIR / "package-lock.json").exists()
    cmd = [npm, "ci"] if lock else [npm, "install", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}"]
    print(f"installing Lighthouse {LIGHTHOUSE_VERSION}: {' '.join(cmd[1:])} in {LIGHTHOUSE_DIR} …", file=sys.stderr)
    subprocess.run([*cmd, "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)
    version = installed_lighthouse()
    if version != LIGHTHOUSE_VERSION:
        sys.exit(f"error: expected Lighthouse {LIGHTHOUSE_VERSION} in {LIGHTHOUSE_DIR}, found {version}")
    return str(LIGHTHOUSE_BIN)


def fetch(url: str, cookie: str | None = None, timeout: float = 30) -> str:
    req = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return str(r.read().decode("utf-8", "replace"))


def page_paths(article_id: int, handle: str) -> dict[str, str]:
    return {
        "home": "/",
        "channel": "/c/tech/",
        "article": f"/a/{article_id}/",
        "creator": f"/u/{handle}/",
        "creators": "/u/",
        "join": "/join/",
        "accessibility": "/accessibility/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "hot": "/hot/",
        "search": "/search?q=%E7%BB%8F%E6%B5%8E",  # 经济
    }


def failing_audits(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per category, the binary/numeric audits that score below 1, with the elements they name."""
    out: dict[str, list[dict[str, Any]]] = {}
    for cat in CATEGORIES:
        rows = []
        for ref in report["categories"].get(cat, {}).get("auditRefs", []):
            audit = report["audits"].get(ref["id"], {})
            score = audit.get("score")
            if audit.get("scoreDisplayMode") not in ("binary", "numeric") or score is None or score >= 1:
                continue
            items = []
            for item in (audit.get("details") or {}).get("items", [])[:20]:
                node = item.get("node") if isinstance(item, dict) else None
                if isinstance(node, dict):
                    items.append({k: node.get(k) for k in ("selector", "snippet", "explanation") if node.get(k)})
                elif isinstance(item, dict):
                    brief = {k: item[k] for k in ("url", "source", "description", "label") if k in item}
                    if brief:
                        items.append(brief)
            rows.append(
                {
                    "id": ref["id"],
                    "title": audit.get("title"),
                    "score": score,
                    "mode": audit.get("scoreDisplayMode"),
                    "weight": ref.get("weight"),
                    "displayValue": audit.get("displayValue"),
                    "items": items,
                }
            )
        if rows:
            out[cat] = rows
    return out


def other_findings(report: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Opportunities (metricSavings audits below 1, outside the scores) and audits Lighthouse could not run."""
    opportunities, errored = [], []
    for audit_id, audit in report["audits"].items():
        mode = audit.get("scoreDisplayMode")
        if mode == "metricSavings" and audit.get("score") is not None and audit["score"] < 1:
            items = (audit.get("details") or {}).get("items", [])
            targets = [i.get("url") or (i.get("node") or {}).get("selector") for i in items if isinstance(i, dict)]
            opportunities.append(
                {"id": audit_id, "displayValue": audit.get("displayValue"), "targets": [t for t in targets if t][:20]}
            )
        elif mode == "error":
            errored.append({"id": audit_id, "message": str(audit.get("errorMessage", ""))})
    return opportunities, errored


def run_lighthouse(lighthouse: str, url: str, care: bool, preset: str, out: Path) -> dict[str, Any]:
    cmd = [
        lighthouse, url,
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json", f"--output-path={out}", "--quiet",
    ]  # fmt: skip
    if preset == "desktop":
        cmd.append("--preset=desktop")
    if care:
        cmd.append("--extra-headers=" + json.dumps({"Cookie": CARE_COOKIE}))
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    # Own session: on a timeout the whole group (Lighthouse and its chromium) goes.
    proc = subprocess.Popen(cmd, env=env, cwd=LIGHTHOUSE_DIR, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        output, _ = proc.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise RuntimeError(f"Lighthouse timed out after {RUN_TIMEOUT} s on {url}") from None
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"Lighthouse failed ({proc.returncode}) on {url}:\n{output[-3000:]}")
    return dict(json.loads(out.read_text()))


def audit_label(row: dict[str, Any]) -> str:
    """`id`, with the score of a numeric audit and a mark on audits that weigh nothing in the category."""
    notes = [f"{row['score']:.2f}"] if row["mode"] == "numeric" else []
    if not row.get("weight"):
        notes.append("weight 0")
    return f"{row['id']} ({', '.join(notes)})" if notes else row["id"]


def score(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", default=",".join(PAGE_KEYS), help=f"comma-separated subset of {','.join(PAGE_KEYS)}")
    ap.add_argument("--modes", default="normal,care", help="comma-separated: normal, care")
    ap.add_argument(
        "--preset",
        choices=["mobile", "desktop", "both"],
        default="mobile",
        help="Lighthouse form factor: its mobile default (throttled), desktop, or both",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary data directory and raw reports")
    args = ap.parse_args()

    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if bad := [p for p in pages if p not in PAGE_KEYS]:
        ap.error(f"unknown page(s) {', '.join(bad)}; choose from {', '.join(PAGE_KEYS)}")
    if bad := [m for m in modes if m not in ("normal", "care")]:
        ap.error(f"unknown mode(s) {', '.join(bad)}; choose from normal, care")
    presets = ["mobile", "desktop"] if args.preset == "both" else [args.preset]

    ensure_chromium()
    lighthouse = ensure_lighthouse()
    work = Path(tempfile.mkdtemp(prefix="tidings-audit-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        # The article: a published Chinese article with references (a cover too, when one has it),
        # median by body length among those; the creator page is that article's author's.
        site = build_demo_site(work, articles=120, creators=12, seed=1, pick=MEDIAN_CHINESE_ARTICLE)
        article_id, handle = site.article_id, site.handle
        port = free_port()
        server = start_gunicorn(site, port, workers=2, log=work / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/healthz")
        paths = page_paths(article_id, handle)
        audit(args, lighthouse, base, {p: paths[p] for p in pages}, modes, presets, work, article_id, handle)
    finally:
        stop_servers(server)
        cleanup(work, args.keep)


def audit(
    args: argparse.Namespace,
    lighthouse: str,
    base: str,
    pages: dict[str, str],
    modes: list[str],
    presets: list[str],
    work: Path,
    article_id: int,
    handle: str,
) -> None:
    reports = work / "reports"
    reports.mkdir()
    # Warm-up and care check: every page once per mode (templates compiled, page cache filled).
    care_body: dict[str, bool] = {}
    for name, path in pages.items():
        for mode in modes:
            html = fetch(base + path, CARE_COOKIE if mode == "care" else None)
            care_body[f"{name}:{mode}"] = has_care = bool(CARE_BODY.search(html))
            if has_care != (mode == "care"):
                print(f"warning: {path} in {mode} mode: <body class=…care…> is {has_care}", file=sys.stderr)

    runs: list[dict[str, Any]] = []
    total = len(pages) * len(modes) * len(presets)
    started = time.time()
    for preset in presets:
        for name, path in pages.items():
            for mode in modes:
                n = len(runs) + 1
                print(f"[{n}/{total}] {preset} {mode} {path} …", file=sys.stderr, flush=True)
                out = reports / f"{name}-{mode}-{preset}.json"
                t0 = time.time()
                report: dict[str, Any] | None = None
                error = ""
                for attempt in range(1, ATTEMPTS + 1):
                    try:
                        report = run_lighthouse(lighthouse, base + path, mode == "care", preset, out)
                        break
                    except RuntimeError as exc:  # e.g. NO_NAVSTART, a flaky trace on a busy machine
                        error = str(exc)
                        print(f"attempt {attempt}/{ATTEMPTS}: {error}", file=sys.stderr)
                if report is None:
                    runs.append({"page": name, "path": path, "mode": mode, "preset": preset, "error": error})
                    continue
                opportunities, errored = other_findings(report)
                sent = report.get("configSettings", {}).get("extraHeaders") or {}
                runs.append(
                    {
                        "page": name,
                        "path": path,
                        "mode": mode,
                        "preset": preset,
                        "seconds": round(time.time() - t0, 1),
                        "care_body": care_body[f"{name}:{mode}"],
                        "extra_headers": sent,
                        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
                        "runtime_error": (report.get("runtimeError") or {}).get("message"),
                        "run_warnings": report.get("runWarnings", []),
                        "scores": {c: report["categories"].get(c, {}).get("score") for c in CATEGORIES},
                        "failing": failing_audits(report),
                        "opportunities": opportunities,
                        "errored_audits": errored,
                    }
                )
                if report.get("runtimeError"):
                    print(f"warning: runtime error: {report['runtimeError'].get('message')}", file=sys.stderr)
    lh_version = installed_lighthouse()
    chromium_version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()

    print(
        f"\nLighthouse {lh_version}, {chromium_version}, gunicorn -w 2 over a 120-article demo site "
        f"(article /a/{article_id}/, creator /u/{handle}/); {time.time() - started:.0f} s\n"
    )
    print("| page | mode | preset | accessibility | best practices | SEO | performance |")
    print("|---|---|---|---|---|---|---|")
    for run in runs:
        cells = ["error"] * 4 if "error" in run else [score(run["scores"][c]) for c in CATEGORIES]
        print(f"| `{run['path']}` | {run['mode']} | {run['preset']} | " + " | ".join(cells) + " |")

    print(
        "\nFailing audits (score < 1 among binary and numeric audits; numeric scores in brackets; "
        "'weight 0': does not count in the category score):\n"
    )
    for run in runs:
        head = f"- `{run['path']}` {run['mode']} {run['preset']}:"
        if "error" in run:
            print(f"{head} Lighthouse error")
            continue
        parts = []
        for cat, rows in run["failing"].items():
            ids = [audit_label(r) for r in rows]
            parts.append(f"{CATEGORIES[cat]}: {', '.join(ids)}")
        print(f"{head} {'; '.join(parts) if parts else 'none'}")
        if run["care_body"] != (run["mode"] == "care"):
            print(f"  - warning: <body class=…care…> was {run['care_body']} in {run['mode']} mode")

    ok = [run for run in runs if "error" not in run]
    where: dict[str, list[str]] = {}
    for run in ok:
        for row in run["opportunities"]:
            where.setdefault(row["id"], []).append(f"{run['page']} {run['mode']} {run['preset']}")
    if where:
        print("\nOpportunities (metricSavings audits below 1; not in the scores, but worth a look):\n")
        for audit_id, runs_seen in sorted(where.items()):
            print(
                f"- {audit_id}: {len(runs_seen)}/{len(ok)} runs"
                + ("" if len(runs_seen) == len(ok) else f" ({', '.join(runs_seen)})")
            )
    broken: dict[tuple[str, str], int] = {}
    for run in ok:
        for row in run["errored_audits"]:
            broken[(row["id"], row["message"])] = broken.get((row["id"], row["message"]), 0) + 1
    if broken:
        print("\nAudits Lighthouse could not run (scoreDisplayMode error; left out of the scores):\n")
        for (audit_id, message), n in sorted(broken.items()):
            print(f"- {audit_id}: {n}/{len(ok)} runs: {message[:160]}")

    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    record = {
        "lighthouse": lh_version,
        "chromium": chromium_version,
        "chrome_flags": CHROME_FLAGS,
        "article_id": article_id,
        "creator": handle,
        "args": vars(args),
        "runs": runs,
    }
    result = out_dir / f"audit-{stamp}.json"
    result.write_text(json.dumps(record, indent=2, ensure_ascii=False))
    print(f"\n{result.relative_to(ROOT)}")
    if args.keep:
        print(f"raw Lighthouse reports: {reports}", file=sys.stderr)


if __name__ == "__main__":
    main()
