"""A guarded HTTP GET for fetching what users point at (external images), without opening the
server's own network to them (SSRF).

- http and https only, on their usual ports or any other; no proxy from the environment
  (http.client reads none);
- the name is resolved once, every address it resolves to must be public (`ipaddress`'s
  is_global: no loopback, private, link-local, shared, reserved or multicast range), and the
  connection goes to that checked address, with the name in the Host header and in TLS SNI
  and certificate checks, so a second DNS answer cannot swap in an inner address;
- redirects are followed by hand, each one checked the same way, at most MAX_REDIRECTS;
- the whole fetch has one deadline and a byte limit.

Tests reach a local server through `settings.FETCH_ALLOW_PRIVATE_HOSTS`, a set of "host:port"
that the checks let through; it is empty unless a test sets it.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 10.0  # seconds for the whole fetch, redirects included
MAX_REDIRECTS = 3
USER_AGENT = "Tidings image fetcher"


class FetchRefused(Exception):
    """The fetch was not made or did not finish; the message says why, in Chinese."""


@dataclass
class Fetched:
    url: str  # after redirects
    content_type: str
    data: bytes


def fetch(url: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT) -> Fetched:
    deadline = time.monotonic() + timeout
    for _ in range(MAX_REDIRECTS + 1):
        response, conn = _get(url, deadline)
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchRefused(f"服务器返回了跳转（{response.status}）却没有给出新地址")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchRefused(f"服务器返回了 {response.status}")
            return Fetched(url, response.getheader("Content-Type") or "", _read(response, conn, max_bytes, deadline))
        finally:
            conn.close()
    raise FetchRefused(f"跳转超过 {MAX_REDIRECTS} 次")


def _get(url: str, deadline: float) -> tuple[http.client.HTTPResponse, _PinnedConnection]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefused("只能获取 http:// 或 https:// 地址")
    try:
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchRefused("地址中的端口不对") from None
    if not host:
        raise FetchRefused("地址中没有主机名")
    address = checked_address(host, port)
    conn = _PinnedConnection(host, port, address, https=parts.scheme == "https", timeout=_left(deadline))
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        conn.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
        return conn.getresponse(), conn
    except (OSError, http.client.HTTPException) as e:
        conn.close()
        raise FetchRefused(_network_reason(e)) from None


def checked_address(host: str, port: int) -> str:
    """The address to connect to: every address `host` resolves to must be public (or allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise FetchRefused(f"找不到主机 {host}") from None
    allowed: set[str] = settings.FETCH_ALLOW_PRIVATE_HOSTS
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if not ip.is_global or ip.is_multicast:
            if f"{host}:{port}" in allowed:  # the name as written, not whatever resolves to it
                continue
            raise FetchRefused(f"{host} 指向内部网络地址 {address}，不能获取")
    if not addresses:
        raise FetchRefused(f"找不到主机 {host}")
    return addresses[0]


class _PinnedConnection(http.client.HTTPConnection):
    """Connects to the checked address; the Host header and TLS use the name."""

    def __init__(self, host: str, port: int, address: str, *, https: bool, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address
        self.https = https
        self.pinned: socket.socket | None = None  # kept for read timeouts after the response takes over

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        if self.https:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self.sock = self.pinned = sock


def _read(response: http.client.HTTPResponse, conn: _PinnedConnection, max_bytes: int, deadline: float) -> bytes:
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchRefused(f"文件超过 {max_bytes // (1024 * 1024)} MB")
    chunks: list[bytes] = []
    size = 0
    while True:
        left = _left(deadline)  # a server sending a byte a second still stops at the deadline
        if conn.pinned is not None:
            with contextlib.suppress(OSError):  # closed by http.client once the response owns it
                conn.pinned.settimeout(left)
        try:
            chunk = response.read(64 * 1024)
        except (OSError, http.client.HTTPException) as e:
            raise FetchRefused(_network_reason(e)) from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"文件超过 {max_bytes // (1024 * 1024)} MB")
        chunks.append(chunk)


def _left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchRefused("获取超时")
    return left


def _network_reason(error: Exception) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return "获取超时"
    if isinstance(error, ssl.SSLError):
        return "HTTPS 证书或连接有问题"
    if isinstance(error, ConnectionRefusedError):
        return "服务器拒绝连接"
    return f"网络错误（{type(error).__name__}）"
