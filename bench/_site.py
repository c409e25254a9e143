"""Helpers shared by the benchmark scripts in bench/: a temporary demo site, gunicorn over it, waiting
for HTTP, finding (or installing) the tools they drive, and cleaning up afterwards.

Not a script. The scripts are run as `.venv/bin/python bench/<script>.py` from the repository root,
which puts bench/ first on sys.path, so they import this module as `_site`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CHROMIUM = "/usr/bin/chromium"
# Chromium switches for a headless browser on a small shared machine (no GPU, small /dev/shm, no
# background traffic that would add noise to measurements).
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

# How build_demo_site picks its article: Django shell code that binds `qs`, an ordered queryset of
# candidates (Article, Count and Length are imported); the article is the middle one, qs[qs.count() // 2].
# The published article whose body length is the median:
MEDIAN_ARTICLE = "qs = Article.objects.published().annotate(n=Length('body_html')).order_by('n', 'pk')\n"
# A published Chinese article with references (a cover too, when one has it), median by body length:
MEDIAN_CHINESE_ARTICLE = (
    "qs = Article.objects.published().filter(lang='zh-Hans').annotate(r=Count('references'))\n"
    "qs = qs.filter(r__gt=0).annotate(n=Length('body_html')).order_by('n', 'pk')\n"
    "qs = qs.exclude(cover='') if qs.exclude(cover='').exists() else qs\n"
)


class HttpTimeout(RuntimeError):
    """A URL did not answer 200 in time (raised by wait_http)."""


@dataclass(frozen=True)
class DemoSite:
    """A demo site built by build_demo_site.

    work: the directory it lives in (its data in work/data); env: the environment every `tidings`
    command and server must run with to use it; article_id, handle: the chosen article and the
    handle of its creator.
    """

    work: Path
    env: dict[str, str]
    article_id: int
    handle: str


def apt_install(package: str, *, update: bool = False) -> None:
    """apt-get install package, non-interactively (apt-get update first when update); raises on failure.

    The caller checks that it runs as root with apt-get available.
    """
    print(f"installing {package} …", file=sys.stderr)
    aptenv = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if update:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=aptenv)
    subprocess.run(["apt-get", "install", "-y", "-qq", package], check=True, env=aptenv)


def can_apt() -> bool:
    """Whether missing Debian packages can be installed here: running as root, with apt-get."""
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def need(tool: str, package: str) -> str:
    """Path of the command tool (on PATH or in /usr/sbin), installing the Debian package when missing.

    Installs only as root with apt-get; otherwise exits with an error naming the package.
    """
    path = shutil.which(tool) or (f"/usr/sbin/{tool}" if Path(f"/usr/sbin/{tool}").exists() else None)
    if path:
        return path
    if can_apt():
        apt_install(package)
        return shutil.which(tool) or f"/usr/sbin/{tool}"
    sys.exit(f"error: {tool} is missing: apt-get install {package}")


def ensure_chromium() -> str:
    """CHROMIUM (Debian's chromium, never a downloaded browser), installed when missing and root; else exits."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if can_apt():
        apt_install("chromium", update=True)
        if Path(CHROMIUM).exists():
            return CHROMIUM
    sys.exit(f"error: {CHROMIUM} is missing: apt-get install chromium (as root)")


def build_demo_site(
    work: Path,
    articles: int,
    creators: int,
    seed: int = 1,
    *,
    pick: str = MEDIAN_ARTICLE,
    doing: str = "building the demo site",
) -> DemoSite:
    """A fresh demo site in work/data: migrated, `tidings demo` data, collected static files.

    SQLite and local-memory caches (DATABASE_URL and REDIS_URL are left out of its environment),
    log level ERROR. pick is shell code choosing the article (MEDIAN_ARTICLE, MEDIAN_CHINESE_ARTICLE).
    Says "data dir <work>; <doing> …" on stderr first. work must exist; the caller removes it
    (cleanup). Raises CalledProcessError when a command fails.
    """
    print(f"data dir {work}; {doing} …", file=sys.stderr)
    env = {**os.environ, "TIDINGS_DATA_DIR": str(work / "data"), "TIDINGS_LOG_LEVEL": "ERROR"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    tidings = [PY, "-m", "tidings.cli"]
    subprocess.run([*tidings, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*tidings, "demo", "--articles", str(articles), "--creators", str(creators), "--seed", str(seed)],
                   env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # fmt: skip
    subprocess.run([*tidings, "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    probe = subprocess.run(
        [*tidings, "shell", "-c",
         "from django.db.models import Count\n"
         "from django.db.models.functions import Length\n"
         "from tidings.articles.models import Article\n"
         f"{pick}"
         "a = qs[qs.count() // 2]\n"
         "print(a.pk, a.creator.handle)"],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    article_id, handle = probe.stdout.strip().splitlines()[-1].split()
    return DemoSite(work=work, env=env, article_id=int(article_id), handle=handle)


def free_port(preferred: int = 0) -> int:
    """preferred when it is free on 127.0.0.1, else (or with 0) a port the system picks."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError("no free port")


def start_gunicorn(
    site: DemoSite,
    port: int,
    *,
    workers: int = 2,
    worker_class: str | None = None,
    name: str = "g",
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    """gunicorn serving the site's tidings.wsgi on 127.0.0.1:port, started (not yet answering: wait_http).

    worker_class: gunicorn's -k (its default when None); name: of the control socket, work/<name>.ctl;
    env: variables added to the site's environment; log: file for gunicorn's stderr (discarded when
    None); stdout is discarded. Stop it with stop_servers.
    """
    cmd = [PY, "-m", "gunicorn", "tidings.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers)]
    if worker_class:
        cmd += ["-k", worker_class]
    cmd += ["--control-socket", str(site.work / f"{name}.ctl")]
    stderr = log.open("wb") if log else None
    try:
        return subprocess.Popen(
            cmd,
            env={**site.env, **(env or {})},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr or subprocess.DEVNULL,
        )
    finally:
        if stderr:
            stderr.close()  # the child has its own copy


def wait_http(url: str, timeout: float = 60) -> None:
    """Returns once url answers 200; raises HttpTimeout when it has not within timeout seconds."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise HttpTimeout(f"{url} did not answer in {timeout:.0f} s")


def stop_servers(*procs: subprocess.Popen[bytes] | None) -> None:
    """SIGTERM to every server still running, then wait for each; one not gone in 30 s is killed. None is skipped."""
    running = [p for p in procs if p is not None]
    for proc in running:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in running:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cleanup(work: Path, keep: bool) -> None:
    """Removes the temporary directory work, or with keep says on stderr that it is kept."""
    if keep:
        print(f"kept {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)


def fresh_postgres(url: str) -> None:
    """Drop and re-create the PostgreSQL database of `url` and point DATABASE_URL at it. Its name
    must contain "bench": the benchmarks never touch a real site's database."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit("refusing: the PostgreSQL database name must contain 'bench' (it is dropped)")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    os.environ["DATABASE_URL"] = url
