"""Attacks against a live `tidings run`, one small function each, and whether the site stayed up.

It starts `tidings run --no-demo` on a temporary data directory and a free port, then runs each
attack of ATTACKS in turn and prints one row per attack: how long it took, the peak memory (RSS)
of the whole process tree during it, the slowest /healthz seen, and whether /healthz still
answered 200 within 2 s afterwards. Add an attack by writing `def attack_x(site: Site) -> str`
(it returns a one-line note) and putting it in ATTACKS.

    .venv/bin/python bench/abuse.py [--workers 2 --threads 4] [attack names…]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Site:
    proc: subprocess.Popen[bytes]
    port: int
    data_dir: Path

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
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                children = []
            todo.extend(int(c) for c in children)
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
    return f"20 stalled sockets; /healthz {'failed' if None in took else f'worst {worst:.2f} s'}"


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
    "worker kill": attack_worker_kill,
}


# --------------------------------------------------------------------------------------------


def start(data_dir: Path, workers: int, threads: int) -> Site:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(TIDINGS_DATA_DIR=str(data_dir), TIDINGS_ACCESS_LOG="/dev/null")
    tidings = [sys.executable, "-m", "tidings.cli"]
    subprocess.run([*tidings, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    victim = "from tidings.accounts.models import User; User.objects.create_user('victim', password='Right-pw-2026')"
    subprocess.run([*tidings, "shell", "--no-imports", "-c", victim], env=env, check=True, cwd=ROOT)
    argv = [*tidings, "run", "--no-demo", "--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    site = Site(proc, port, data_dir)
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
