"""Attacks against a live `tidings run`, one small function each, and whether the site stayed up.

It starts `tidings run --no-demo` on a temporary data directory and a free port (set-up makes a
creator with an API token, a draft and a published article, a reader, and a signed-in session for
each), then runs each attack of ATTACKS in turn and prints one row per attack: how long it took,
the peak memory (RSS) of the whole process tree during it, the slowest /healthz seen, and whether
/healthz still answered 200 within 2 s afterwards. Add an attack by writing
`def attack_x(site: Site) -> str` (it returns a one-line note) and putting it in ATTACKS.
Everything runs on 127.0.0.1; the whole run takes about two minutes.

    .venv/bin/python bench/abuse.py [--workers 2 --threads 4] [attack names…]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Site:
    proc: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    made: dict[str, Any] = field(default_factory=dict)  # what SET_UP printed: token, ids, sessions

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def healthz(self, timeout: float = 2.0) -> float | None:
        """Seconds /healthz took, or None if it did not answer 200 in time."""
        start = time.monotonic()
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=timeout) as r:
                return time.monotonic() - start if r.status == 200 else None
        except OSError:
            return None

    def tree(self) -> list[int]:
        pids, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo.extend(children(pid))
        return pids

    def rss_mib(self) -> float:
        total = 0
        for pid in self.tree():
            with contextlib.suppress(OSError):
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        return total / 2**20

    def child(self, marker: str) -> int | None:
        for pid in self.tree()[1:]:
            try:
                if marker in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode():
                    return pid
            except OSError:
                pass
        return None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """One request (redirects not followed): the status and the body, 4xx and 5xx included."""
        req = urllib.request.Request(self.url + path, body, method=method, headers=headers or {})
        try:
            with NO_REDIRECTS.open(req, timeout=60) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def browser(self, who: str | None = None) -> dict[str, str]:
        """Headers of a browser: `who`'s session (set-up made one for "creator" and "reader"; None
        for a visitor) and a CSRF cookie with the matching X-CSRFToken header."""
        csrf = secrets.token_hex(16)  # Django takes any 32-character secret the cookie and the form agree on
        cookie = f"csrftoken={csrf}" + (f"; sessionid={self.made['sessions'][who]}" if who else "")
        return {"Cookie": cookie, "X-CSRFToken": csrf}

    def media_files(self) -> set[Path]:
        return {p for p in (self.data_dir / "media").rglob("*") if p.is_file()}

    def db_value(self, sql: str, *args: object) -> Any:
        with contextlib.closing(sqlite3.connect(self.data_dir / "tidings.sqlite3", timeout=10)) as db:
            return db.execute(sql, args).fetchone()[0]

    def alive(self, pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


NO_REDIRECTS = urllib.request.build_opener(_NoRedirects())


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body and its Content-Type header."""
    boundary = "----tidings-abuse-" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    for name, (filename, data) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), {
        "Content-Type": f"multipart/form-data; boundary={boundary}"
    }


def gray_png(width: int, height: int) -> bytes:
    """An all-black 8-bit grey PNG built by hand (tests/articles/test_images.py): 39,000,000 × 1 is 38 KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = (b"\0" + b"\0" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def tally(codes: list[int]) -> str:
    return ", ".join(f"{n}× {code}" for code, n in sorted({c: codes.count(c) for c in codes}.items()))


# --------------------------------------------------------------------------------------------
# Attacks


def attack_slow_clients(site: Site) -> str:
    """Stalled connections: half send nothing, half send headers they never finish."""
    socks = []
    for i in range(20):
        s = socket.create_connection(("127.0.0.1", site.port))
        if i % 2:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(s)
    time.sleep(1)
    took = [site.healthz(5) for _ in range(5)]
    for s in socks:
        s.close()
    worst = max((t for t in took if t is not None), default=None)
    answered = f", the others in {worst:.2f} s at worst" if worst is not None else ""
    return f"20 stalled sockets (10 silent, 10 with unfinished headers): {took.count(None)} of 5 /healthz got no answer in 5 s{answered}"


def attack_password_guessing(site: Site) -> str:
    """Many wrong passwords for one account from one address, spread over the workers."""
    codes: list[int] = []

    def guess() -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        page = opener.open(site.url + "/accounts/login/", timeout=10).read().decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        data = urllib.parse.urlencode({"username": "victim", "password": "wrong", "csrfmiddlewaretoken": token})
        try:
            codes.append(opener.open(site.url + "/accounts/login/", data.encode(), timeout=10).status)
        except urllib.error.HTTPError as exc:
            codes.append(exc.code)

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tried = codes.count(200)
    return f"20 guesses: {tried} tried (limit 5), {codes.count(429)} refused with 429"


NESTED_DIVS = "<div>" * 39_000  # 195 KB of <div>s nested 39,000 deep (never closed: the costliest form)


def attack_autosave_flood(site: Site) -> str:
    """4 parallel saves of 195 KB of nested <div>, 3 rounds, through the API's PUT and the studio's
    autosave, while the worker process is watched: it must be the same, living process after."""
    worker = site.child("tidings.cli worker")
    article = site.made["draft"]
    api_body = json.dumps({"title": "灌水", "body_md": NESTED_DIVS}).encode()
    api = {"Authorization": f"Bearer {site.made['token']}", "Content-Type": "application/json"}
    form = urllib.parse.urlencode({"title": "灌水", "body_md": NESTED_DIVS, "article": article}).encode()
    studio = {**site.browser("creator"), "Content-Type": "application/x-www-form-urlencoded"}
    codes: dict[str, list[int]] = {"API PUT": [], "autosave": []}
    slowest = 0.0

    def save(kind: str) -> None:
        nonlocal slowest
        start = time.monotonic()
        if kind == "API PUT":
            status, _ = site.request("PUT", f"/api/v1/articles/{article}", api_body, api)
        else:
            status, _ = site.request("POST", "/studio/autosave/", form, studio)
        codes[kind].append(status)
        slowest = max(slowest, time.monotonic() - start)

    with ThreadPoolExecutor(4) as pool:
        for kind in codes:
            for _round in range(3):
                list(pool.map(save, [kind] * 4))
    alive = worker is not None and site.alive(worker) and site.child("tidings.cli worker") == worker
    saves = "; ".join(f"{kind} {tally(c)}" for kind, c in codes.items())
    return f"{saves}; slowest save {slowest:.2f} s; worker {'still alive' if alive else 'DIED OR RESTARTED'}"


def _upload(site: Site, png: bytes, name: str) -> tuple[int, str]:
    """POST /api/v1/images: the status and the error message ("" if none)."""
    body, headers = multipart({}, {"file": (name, png)})
    status, answer = site.request(
        "POST", "/api/v1/images", body, {"Authorization": f"Bearer {site.made['token']}", **headers}
    )
    with contextlib.suppress(ValueError, AttributeError):
        return status, str(json.loads(answer).get("errors", {}).get("file", ""))
    return status, ""


def attack_wide_png(site: Site) -> str:
    """A 39,000,000 × 1 PNG: 38 KB on the wire, 39 MB of pixels if decoded."""
    png, before = gray_png(39_000_000, 1), site.media_files()
    status, answer = _upload(site, png, "wide.png")
    left = len(site.media_files() - before)
    answer = answer.split("。", 1)[0]  # the Chinese message, without the English details
    return f"{len(png) / 1000:.0f} KB file: {status} {answer} (4xx wanted); {left} new files under media/"


def attack_tall_images(site: Site) -> str:
    """1 × 20,000 and 1 × 70,000 PNGs through the API: refused, and nothing written."""
    before = site.media_files()
    codes = [_upload(site, gray_png(1, h), f"tall-{h}.png")[0] for h in (20_000, 70_000)]
    left = len(site.media_files() - before)
    return f"1×20,000: {codes[0]}, 1×70,000: {codes[1]}; {left} new files under media/"


def attack_join_avatars(site: Site) -> str:
    """5 /join/ applications with an avatar and no 简介 (invalid): no avatar file may stay."""
    before = site.media_files()
    fields = {"kind": "individual", "name": "申请人", "handle": "shenqing", "bio": ""}
    codes, decoded = [], 0
    for i in range(5):
        headers = site.browser("reader")
        body, content_type = multipart(
            {**fields, "channel": str(site.made["channel"]), "csrfmiddlewaretoken": headers.pop("X-CSRFToken")},
            {"avatar": (f"a{i}.png", gray_png(64 + i, 64))},
        )
        status, page = site.request("POST", "/join/", body, {**headers, **content_type})
        codes.append(status)
        decoded += "头像没有保存" in page.decode()  # the form says the accepted avatar was not kept
    left = len(site.media_files() - before)
    return f"5 invalid applications: {tally(codes)}, avatar decoded in {decoded}; {left} files left under media/ (0 wanted)"


def attack_share_by_get(site: Site) -> str:
    """50 GETs of a share link, as a cross-site page's <img> would send them: nothing counted."""
    pk = site.made["published"]
    shares = "SELECT shares_count FROM articles_article WHERE id = ?"
    before = site.db_value(shares, pk)
    page = {"Referer": "https://elsewhere.example/", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"}
    codes = [site.request("GET", f"/a/{pk}/share/weibo/", None, page)[0] for _ in range(50)]
    after = site.db_value(shares, pk)
    return f"50 GETs ({tally(codes)}): shares_count {before} → {after} (unchanged wanted)"


def attack_signups_across_workers(site: Site) -> str:
    """12 sign-ups from 127.0.0.1, 4 at a time on new connections, so both workers take some."""
    master = site.child("gunicorn")
    workers = children(master) if master else []

    def cpu(pid: int) -> float:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    spent = {p: cpu(p) for p in workers}

    def sign_up(i: int) -> int:
        headers = site.browser()
        name = f"newcomer{i}"
        form = {
            "username": name,
            "email": f"{name}@example.com",
            "password1": "Xin-pw-2026!",
            "password2": "Xin-pw-2026!",
        }
        body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": headers.pop("X-CSRFToken")}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return site.request("POST", "/accounts/signup/", body, headers)[0]

    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(sign_up, range(12)))
    used = [f"{cpu(p) - spent[p]:.1f}" for p in workers]
    return (
        f"12 sign-ups: {tally(codes)} (302 = account made; limit 10 per hour); CPU s per web worker: {', '.join(used)}"
    )


def attack_worker_kill(site: Site) -> str:
    """SIGKILL the background worker, then the gunicorn master: both must come back."""
    notes = []
    for name, marker in (("worker", "tidings.cli worker"), ("web server", "gunicorn")):
        pid = site.child(marker)
        if pid is None:
            notes.append(f"{name}: not found")
            continue
        os.kill(pid, signal.SIGKILL)
        start = time.monotonic()
        while time.monotonic() - start < 60:
            again = site.child(marker)
            if again is not None and again != pid and site.healthz(1) is not None:
                break
            time.sleep(0.2)
        notes.append(f"{name} back in {time.monotonic() - start:.1f} s")
    return "; ".join(notes)


ATTACKS: dict[str, Callable[[Site], str]] = {
    "slow clients": attack_slow_clients,
    "password guessing": attack_password_guessing,
    "autosave flood": attack_autosave_flood,
    "39,000,000 × 1 PNG": attack_wide_png,
    "tall images": attack_tall_images,
    "/join/ avatars": attack_join_avatars,
    "share by GET": attack_share_by_get,
    "sign-ups across workers": attack_signups_across_workers,
    "worker kill": attack_worker_kill,
}


# --------------------------------------------------------------------------------------------


SET_UP = """
import json
from django.test import Client
from tidings.accounts.models import User
from tidings.api.tokens import create_token
from tidings.articles import transitions
from tidings.articles.actions import create_article
from tidings.articles.input import clean_article_input
from tidings.channels.models import Channel
from tidings.creators.models import Creator
User.objects.create_user("victim", password="Right-pw-2026")
writer = User.objects.create_user("flood", password="Flood-pw-2026", role=User.Role.CREATOR)
creator = Creator.objects.create(handle="flood", name="灌水号", user=writer)
token, _ = create_token(writer, "abuse bench")
draft = create_article(creator, writer, clean_article_input({"title": "草稿", "body_md": "正文。"}))
shared = create_article(creator, writer, clean_article_input({"title": "被分享的文章", "body_md": "正文。"}))
transitions.publish(shared, None)
reader = User.objects.create_user("reader1", password="Reader-pw-2026")
sessions = {}
for who, user in (("creator", writer), ("reader", reader)):
    browser = Client()
    browser.force_login(user)
    sessions[who] = browser.cookies["sessionid"].value
channel = Channel.objects.order_by("order", "id").first().pk
print(json.dumps({"token": token, "draft": draft.pk, "published": shared.pk, "channel": channel, "sessions": sessions}))
"""


def start(data_dir: Path, workers: int, threads: int) -> Site:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        TIDINGS_DATA_DIR=str(data_dir), TIDINGS_ACCESS_LOG="/dev/null", DJANGO_SETTINGS_MODULE="tidings.settings"
    )
    tidings = [sys.executable, "-m", "tidings.cli"]
    subprocess.run([*tidings, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    out = subprocess.run(
        [*tidings, "shell", "--no-imports", "-c", SET_UP], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    )
    made = json.loads(out.stdout.strip().splitlines()[-1])
    argv = [*tidings, "run", "--no-demo", "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = Site(proc, port, data_dir, made)
    deadline = time.monotonic() + 60
    while site.healthz(1) is None:
        if time.monotonic() > deadline:
            raise SystemExit("tidings run did not answer /healthz within 60 s")
        time.sleep(0.3)
    return site


def run_attack(site: Site, fn: Callable[[Site], str]) -> tuple[float, float, float | None, bool, str]:
    peak, worst, done = site.rss_mib(), 0.0, threading.Event()

    def watch() -> None:
        nonlocal peak, worst
        while not done.is_set():
            peak = max(peak, site.rss_mib())
            took = site.healthz(5)
            worst = max(worst, took if took is not None else 5.0)
            done.wait(0.5)

    watcher = threading.Thread(target=watch)
    watcher.start()
    start = time.monotonic()
    try:
        note = fn(site)
    finally:
        took = time.monotonic() - start
        done.set()
        watcher.join()
    up = site.healthz(2) is not None and site.proc.poll() is None
    return took, peak, worst, up, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("attacks", nargs="*", help=f"default: all of {', '.join(ATTACKS)}")
    args = parser.parse_args()
    chosen = args.attacks or list(ATTACKS)
    with tempfile.TemporaryDirectory(prefix="tidings-abuse-") as tmp:
        site = start(Path(tmp), args.workers, args.threads)
        try:
            print("| attack | time s | peak RSS MiB | slowest /healthz s | stayed up | note |")
            print("|---|---|---|---|---|---|")
            for name in chosen:
                took, peak, worst, up, note = run_attack(site, ATTACKS[name])
                print(f"| {name} | {took:.1f} | {peak:.0f} | {worst:.2f} | {'yes' if up else 'NO'} | {note} |")
        finally:
            site.proc.send_signal(signal.SIGTERM)
            try:
                site.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                site.proc.kill()


if __name__ == "__main__":
    main()
