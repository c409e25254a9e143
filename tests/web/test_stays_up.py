"""Stays up under attack: the worker survives a held SQLite write lock, `tidings run` restarts a
dead child and stops only on SIGTERM, stalled connections and a flood of costly saves do not stop
/healthz (bench/abuse.py measures these and more).

These run real processes (`tidings worker`, `tidings run`) on a temporary data directory."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tidings.lib.retry import Backoff, call_with_retry, is_transient

TIDINGS = [sys.executable, "-m", "tidings.cli"]


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(TIDINGS_DATA_DIR=str(data_dir), TIDINGS_LOG_LEVEL="INFO", **extra)
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated data directory, made once; each test copies its database."""
    data = tmp_path_factory.mktemp("migrated")
    subprocess.run([*TIDINGS, "migrate", "-v0"], env=env_for(data), check=True, timeout=120)
    return data


@pytest.fixture
def data_dir(migrated: Path, tmp_path: Path) -> Path:
    for name in ("tidings.sqlite3", "secret_key"):
        (tmp_path / name).write_bytes((migrated / name).read_bytes())
    return tmp_path


def until_logged(process: subprocess.Popen[str], text: str, seconds: float = 60) -> list[str]:
    """Collect the process's stderr lines (in a thread, to the end) and wait until `text` is among
    them; the process must still be running meanwhile. A loaded machine may take seconds just to
    start Django, so no fixed sleep decides when a lock is first met."""
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stderr or []), daemon=True).start()
    deadline = time.monotonic() + seconds
    while not any(text in line for line in lines):
        assert process.poll() is None, "".join(lines)
        assert time.monotonic() < deadline, f"{text!r} not logged in {seconds} s:\n" + "".join(lines)
        time.sleep(0.1)
    return lines


def shell(data_dir: Path, code: str) -> str:
    out = subprocess.run(
        [*TIDINGS, "shell", "--no-imports", "-c", code],
        env=env_for(data_dir),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


OVERDUE_ARTICLE = """
import datetime as dt
from django.utils import timezone
from tidings.accounts.models import User
from tidings.articles.actions import create_article
from tidings.articles.input import clean_article_input
from tidings.articles.transitions import submit as submit_article
from tidings.creators.models import Creator
user = User.objects.create_user("dingshi", password="x-12345678", role=User.Role.CREATOR)
creator = Creator.objects.create(handle="dingshi", name="定时号", user=user)
a = create_article(creator, user, clean_article_input({"title": "定时文章", "body_md": "正文。"}))
now = timezone.now()
submit_article(a, user, now - dt.timedelta(minutes=5), now=now - dt.timedelta(minutes=10))
print(a.pk)
"""


def test_a_worker_round_waits_out_a_write_lock_held_longer_than_the_busy_timeout(data_dir: Path) -> None:
    pk = int(shell(data_dir, OVERDUE_ARTICLE))
    holder = sqlite3.connect(data_dir / "tidings.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # SQLite's write lock, as a 5-second render used to hold it
    worker = subprocess.Popen(
        [*TIDINGS, "worker", "--batch"],
        env=env_for(data_dir, TIDINGS_SQLITE_BUSY_MS="200"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = until_logged(worker, "database is locked (transient")  # it did not give up
    time.sleep(1)  # several more busy timeouts
    assert worker.poll() is None, "".join(lines)
    holder.execute("ROLLBACK")
    holder.close()
    out = worker.stdout.read() if worker.stdout else ""
    worker.wait(timeout=60)
    err = "".join(lines)
    assert worker.returncode == 0, err
    assert f"published /a/{pk}/" in out
    assert "database is locked (transient" in err
    assert shell(
        data_dir, f"from tidings.articles.models import Article; print(Article.objects.get(pk={pk}).status)"
    ) == ("published")


def test_import_runs_a_file_again_when_the_site_holds_the_write_lock(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "post.md").write_text("---\ntitle: 锁住时导入\nauthor: daoru\nchannel: 新闻\n---\n\n正文。\n")
    holder = sqlite3.connect(data_dir / "tidings.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    importer = subprocess.Popen(
        [*TIDINGS, "import", "--create-channels", str(source)],
        env=env_for(data_dir, TIDINGS_SQLITE_BUSY_MS="200"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = until_logged(importer, "database is locked (transient")
    holder.execute("ROLLBACK")
    holder.close()
    out = importer.stdout.read() if importer.stdout else ""
    importer.wait(timeout=60)
    err = "".join(lines)
    assert importer.returncode == 0, err
    assert out.startswith("imported /a/")
    assert "database is locked (transient" in err


def test_it_retries_only_transient_database_errors() -> None:
    from django.db import IntegrityError, OperationalError

    assert is_transient(OperationalError("database is locked"))
    assert not is_transient(OperationalError("no such table: articles_article"))
    assert not is_transient(IntegrityError("UNIQUE constraint failed"))
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("database is locked")
        return "done"

    assert call_with_retry(flaky, what="test", backoff=Backoff(first=0.0), sleep=lambda s: None) == "done"
    assert len(calls) == 3
    calls.clear()
    with pytest.raises(OperationalError):
        call_with_retry(flaky, what="test", attempts=1, backoff=Backoff(first=0.0), sleep=lambda s: None)


# --------------------------------------------------------------------------------------------
# `tidings run` as a live process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthz(port: int, timeout: float = 2.0) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
        return int(response.status)


def wait_healthy(port: int, within: float) -> float:
    """Seconds until /healthz answers 200 (fails after `within`)."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        try:
            if healthz(port, timeout=1.0) == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"/healthz did not answer within {within} s")


def children(pid: int) -> dict[int, str]:
    """The direct children of a process: pid → command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def child(pid: int, marker: str) -> int:
    return next(p for p, cmd in children(pid).items() if marker in cmd)


def restarted(pid: int, marker: str, old: int) -> bool:
    return any(marker in cmd for p, cmd in children(pid).items() if p != old)


@pytest.fixture
def site(data_dir: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()
    proc = subprocess.Popen(
        [*TIDINGS, "run", "--no-demo", "--port", str(port), "--workers", "1", "--threads", "4"],
        env=env_for(data_dir, TIDINGS_ACCESS_LOG="/dev/null"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so the teardown reaches gunicorn's workers too
    )
    try:
        wait_healthy(port, within=60)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            for pid in children(proc.pid):
                os.kill(pid, signal.SIGKILL)
            proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever outlived its parent (a gunicorn worker)


def test_tidings_run_restarts_a_killed_worker_and_web_server_and_stops_on_sigterm(
    site: tuple[subprocess.Popen[str], int],
) -> None:
    proc, port = site
    worker = child(proc.pid, "tidings.cli worker")
    os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 60  # generous: a loaded machine takes seconds to start Django
    while time.monotonic() < deadline and not restarted(proc.pid, "tidings.cli worker", worker):
        time.sleep(0.2)
    assert restarted(proc.pid, "tidings.cli worker", worker), "the worker was not restarted"
    wait_healthy(port, within=30)

    master = child(proc.pid, "gunicorn")
    os.kill(master, signal.SIGKILL)
    deadline = time.monotonic() + 60
    # A new master, not the killed one (which lingers in /proc for a moment before it is reaped).
    while time.monotonic() < deadline and not restarted(proc.pid, "gunicorn", master):
        time.sleep(0.2)
    assert restarted(proc.pid, "gunicorn", master), "the web server was not restarted"
    took = wait_healthy(port, within=60)
    assert proc.poll() is None, "tidings run stopped when a child died"

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert children(proc.pid) == {}
    err = proc.stderr.read() if proc.stderr else ""
    assert "worker exited with status -9; starting it again" in err
    assert "web server exited with status -9; starting it again" in err
    assert took < 60


def test_two_stalled_connections_do_not_stop_the_site(site: tuple[subprocess.Popen[str], int]) -> None:
    _proc, port = site
    silent = socket.create_connection(("127.0.0.1", port))  # connects and sends nothing
    dribbling = socket.create_connection(("127.0.0.1", port))
    dribbling.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and never finishes its headers
    try:
        time.sleep(0.5)
        for _ in range(3):
            start = time.monotonic()
            assert healthz(port, timeout=5) == 200
            assert time.monotonic() - start < 2.0
    finally:
        silent.close()
        dribbling.close()


WRITER_WITH_TOKEN = """
import json
from tidings.accounts.models import User
from tidings.api.tokens import create_token
from tidings.articles.actions import create_article
from tidings.articles.input import clean_article_input
from tidings.creators.models import Creator
user = User.objects.create_user("guanshui", password="x-12345678", role=User.Role.CREATOR)
creator = Creator.objects.create(handle="guanshui", name="灌水号", user=user)
token, _ = create_token(user, "flood")
draft = create_article(creator, user, clean_article_input({"title": "草稿", "body_md": "正文。"}))
print(json.dumps({"token": token, "article": draft.pk}))
"""
NESTED_DIVS = "<div>" * 39_000  # 195 KB of <div>s nested 39,000 deep (never closed: the costliest form)


def test_an_autosave_flood_keeps_the_site_and_the_worker_up(
    site: tuple[subprocess.Popen[str], int], data_dir: Path
) -> None:
    """Nested <div>s once cost n² to sanitise (this body took 2 s alone): four at once held every
    thread of the one web worker for longer than that, so /healthz waited behind them. A save may
    be refused (4xx), never fail (5xx)."""
    proc, port = site
    made = json.loads(shell(data_dir, WRITER_WITH_TOKEN))
    worker = child(proc.pid, "tidings.cli worker")
    body = json.dumps({"title": "灌水", "body_md": NESTED_DIVS}).encode()
    assert len(body) > 195_000

    def put(_: int) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/articles/{made['article']}",
            body,
            method="PUT",
            headers={"Authorization": f"Bearer {made['token']}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code

    health: list[float] = []
    with ThreadPoolExecutor(4) as pool:
        for _round in range(2):
            saves = [pool.submit(put, i) for i in range(4)]
            while True:  # at least once per round, however fast the saves are
                start = time.monotonic()
                try:
                    assert healthz(port, timeout=2.0) == 200
                except OSError as exc:
                    pytest.fail(f"/healthz did not answer within 2 s while the saves ran: {exc!r}")
                health.append(time.monotonic() - start)
                if all(s.done() for s in saves):
                    break
                time.sleep(0.1)
            codes = [s.result() for s in saves]
            assert all(c == 200 or 400 <= c < 500 for c in codes), codes
    assert max(health) < 2.0
    assert "tidings.cli worker" in children(proc.pid).get(worker, ""), "the worker died or was replaced"
    assert Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z", "the worker is a zombie"
    assert proc.poll() is None
