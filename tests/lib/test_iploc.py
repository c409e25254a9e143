"""IP属地 from the shipped databases (never the network), and the keyed hash stored instead of addresses.

The addresses below were looked up in the shipped data (ip2region.xdb of ip-region 1.0.6,
iptocc 3.3.170) and are long-lived: public DNS resolvers and root-server addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from ip2region import util as xdb_util

from tidings.lib import iploc
from tidings.lib.iploc import UNKNOWN, address_hash, china_region, region_of

# The 34 provincial-level divisions, as platforms show them.
# fmt: off
PROVINCES = {
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
    "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港",
    "澳门", "台湾",
}
# fmt: on

KNOWN = [
    ("202.96.128.86", "广东"),  # Guangzhou Telecom DNS
    ("113.108.81.189", "广东"),  # Shenzhen Telecom
    ("220.181.38.148", "北京"),
    ("202.106.0.20", "北京"),  # Beijing Unicom DNS
    ("114.114.114.114", "江苏"),  # 114DNS, Nanjing
    ("223.5.5.5", "浙江"),  # AliDNS, Hangzhou
    ("61.128.128.68", "重庆"),
    ("202.100.64.68", "甘肃"),
    ("210.0.255.250", "香港"),
    ("202.175.3.8", "澳门"),
    ("168.95.1.1", "台湾"),  # HiNet DNS
    ("8.8.8.8", "美国"),
    ("202.12.27.33", "日本"),  # M root server (WIDE)
    ("85.214.132.117", "德国"),
    ("1.1.1.1", "澳大利亚"),  # allocated to APNIC Research, Australia
    # IPv6
    ("2001:4860:4860::8888", "美国"),
    ("2001:200::1", "日本"),  # WIDE
    ("2001:b000::1", "台湾"),  # HiNet
    ("240e::1", "中国"),  # China Telecom: no shipped database has provinces for IPv6
    ("2400:da00::6666", "中国"),  # Baidu public DNS
    # IPv4 written as IPv6, and with stray spaces
    ("::ffff:202.96.128.86", "广东"),
    ("::FFFF:8.8.8.8", "美国"),
    (" 8.8.8.8\n", "美国"),
]

NOWHERE = [
    "192.168.1.1",
    "10.0.0.1",
    "172.16.0.1",
    "127.0.0.1",
    "::1",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "100.64.0.1",  # carrier-grade NAT
    "169.254.1.1",
    "0.0.0.0",
    "255.255.255.255",
    "224.0.0.1",
    "ff0e::1",
    "240.0.0.1",  # reserved
    "192.0.2.1",  # documentation
    "2001:db8::1",
    "::ffff:192.168.1.1",
    "",
    "   ",
    "abc",
    "1.2.3",
    "256.1.1.1",
    "1.2.3.4:80",
    "[::1]",
    "::ffff::1",
    "8.8.8.8/32",
    "北京",
]


@pytest.mark.parametrize(("address", "region"), KNOWN)
def test_it_names_the_province_region_or_country(address: str, region: str) -> None:
    assert region_of(address) == region


@pytest.mark.parametrize("address", NOWHERE)
def test_private_reserved_and_malformed_addresses_are_unknown(address: str) -> None:
    assert region_of(address) == UNKNOWN


def test_every_chinese_province_in_the_shipped_data_comes_out_short() -> None:
    content = iploc.xdb_path().read_bytes()
    header = xdb_util.Header(content[: xdb_util.HeaderInfoLength])
    records = set()
    for ptr in range(header.startIndexPtr, header.endIndexPtr + 1, 14):  # 14-byte IPv4 index entries
        length = xdb_util.le_get_uint16(content, ptr + 8)
        data = xdb_util.le_get_uint32(content, ptr + 10)
        records.add(content[data : data + length].decode())
    regions = {china_region(record) for record in records} - {None}
    assert regions == PROVINCES
    assert china_region("中国|0|广西壮族自治区|南宁市|电信") == "广西"
    assert china_region("中国|0|0|0|0") is None
    assert china_region("美国|0|加利福尼亚|0|0") is None


def test_the_databases_load_once_even_when_threads_ask_at_the_same_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(iploc, "_loaded", None)
    real_load = iploc._load
    loads: list[int] = []

    def counting_load() -> iploc._Databases:
        loads.append(1)
        return real_load()

    monkeypatch.setattr(iploc, "_load", counting_load)
    start = threading.Barrier(8)
    answers: list[str] = []

    def look_up() -> None:
        start.wait()
        answers.append(region_of("202.96.128.86"))

    threads = [threading.Thread(target=look_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == [1]
    assert answers == ["广东"] * 8


# Run in a fresh interpreter, so that loading the databases happens under the guard too. Every way
# out through Python's socket module is recorded (and refused): ip-region's own module swallows
# errors from its web look-ups, so a guard that only raised could be silenced.
GUARDED_LOOKUPS = """
import json, socket, sys
attempts = []
def refuse(name):
    def guard(*args, **kwargs):
        attempts.append(name)
        raise OSError("network use is forbidden in this test")
    return guard
for name in ("connect", "connect_ex", "sendto", "sendmsg"):
    setattr(socket.socket, name, refuse(name))
socket.create_connection = refuse("create_connection")
socket.getaddrinfo = refuse("getaddrinfo")
socket.gethostbyname = refuse("gethostbyname")
socket.gethostbyaddr = refuse("gethostbyaddr")
from tidings.lib.iploc import region_of
addresses = json.loads(sys.argv[1])
print(json.dumps({
    "regions": [region_of(a) for a in addresses],
    "attempts": attempts,
    "imported": sorted(m for m in ("ipregion", "requests", "geoip2fast", "urllib.request", "http.client") if m in sys.modules),
}))
"""


def run_guarded(prefix: list[str]) -> dict[str, list[str]]:
    addresses = [address for address, _ in KNOWN] + NOWHERE[:6]
    done = subprocess.run(
        [*prefix, sys.executable, "-c", GUARDED_LOOKUPS, json.dumps(addresses)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    result: dict[str, list[str]] = json.loads(done.stdout)
    assert result["regions"] == [region for _, region in KNOWN] + [UNKNOWN] * 6
    return result


def test_looking_up_never_touches_the_network() -> None:
    result = run_guarded([])
    assert result["attempts"] == []
    assert result["imported"] == []  # not ip-region's module (which calls web APIs), no HTTP client


def can_unshare_network() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10).returncode == 0


@pytest.mark.skipif(not can_unshare_network(), reason="needs `unshare --net` (root)")
def test_looking_up_works_in_a_network_namespace_without_any_network() -> None:
    # The same answers with no network interface at all: no code path, Python or compiled, needs one.
    run_guarded(["unshare", "--net"])


def test_the_address_hash_is_hmac_sha256_under_a_key_derived_from_the_secret_key(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECRET_KEY = "a-test-secret"
    key = hashlib.sha256(b"tidings.lib.iploc.address_hash" + b"a-test-secret").digest()
    assert address_hash("203.0.113.7") == hmac.new(key, b"203.0.113.7", hashlib.sha256).hexdigest()


def test_the_same_address_hashes_alike_however_it_is_written(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECRET_KEY = "a-test-secret"
    digest = address_hash("203.0.113.7")
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert "203.0.113.7" not in digest
    assert address_hash("203.0.113.7") == digest
    assert address_hash(" 203.0.113.7 ") == digest
    assert address_hash("::ffff:203.0.113.7") == digest
    assert address_hash("2001:DB8:0::1") == address_hash("2001:db8::1")
    assert address_hash("203.0.113.8") != digest


def test_another_secret_key_gives_another_hash(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECRET_KEY = "first-secret"
    first = address_hash("203.0.113.7")
    settings.SECRET_KEY = "second-secret"
    assert address_hash("203.0.113.7") != first
