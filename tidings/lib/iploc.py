"""IP属地: where an address is, as Chinese platforms show it, from databases shipped in packages.

Never a network look-up. Two offline sources, both read from installed packages:

- **ip2region** (the `ip2region.xdb` that the `ip-region` package ships, IPv4, read with the
  upstream project's own searcher, `py-ip2region`) for mainland China's provinces and for Hong
  Kong, Macao and Taiwan. Only the data file is used: the `ipregion` module of that package asks
  three web APIs before its own file and caches answers in its install directory, so it is never
  imported (the file is found through the package's installed-files record).
- **iptocc** (Regional Internet Registry allocations, compiled into the wheel, IPv4 and IPv6) for
  the country everywhere else and for every IPv6 address, named in Chinese from the Unicode CLDR
  data that Babel ships (`zh_Hans_CN`), with 香港/澳门/台湾 as the platforms write them.

So a mainland IPv4 address gives its province ("广东", "北京": without 省/市/自治区), an IPv6
address in mainland China gives "中国" (no shipped database has provinces for IPv6), Hong Kong,
Macao and Taiwan give "香港", "澳门", "台湾", anywhere else the country ("美国", "日本"), and
private, loopback, link-local, multicast, reserved, documentation and malformed addresses "未知".
An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is looked up as its IPv4 address.

The databases load once per process, on first use, under a lock; the xdb file is memory-mapped
(shared by all workers through the page cache). Cost: docs/performance.md ("IP属地").

`address_hash` is what is stored instead of an address: HMAC-SHA256 under a key derived from
SECRET_KEY and this module's purpose string.
"""

from __future__ import annotations

import importlib.metadata
import ipaddress
import mmap
import threading
from dataclasses import dataclass
from pathlib import Path

import iptocc
from django.utils.crypto import salted_hmac
from ip2region import searcher as xdb_searcher
from ip2region import util as xdb_util

UNKNOWN = "未知"
CHINA = "中国"
# As Chinese platforms write them (CLDR's zh names are "中国香港特别行政区" and "中国澳门特别行政区").
_REGION_NAMES = {"HK": "香港", "MO": "澳门", "TW": "台湾"}
# ip2region writes some provinces in full ("广东省", "台湾省", sometimes "广西壮族自治区"); platforms
# show the short name. Longest suffix first.
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_HASH_PURPOSE = "tidings.lib.iploc.address_hash"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class _Databases:
    xdb: xdb_searcher.Searcher
    countries: dict[str, str]  # ISO 3166 alpha-2 → Chinese name


_loaded: _Databases | None = None
_lock = threading.Lock()


def xdb_path() -> Path:
    """The ip2region.xdb file of the installed `ip-region` distribution (its module is not imported)."""
    for file in importlib.metadata.files("ip-region") or ():
        if file.name == "ip2region.xdb":
            return Path(str(file.locate()))
    raise RuntimeError("the ip-region package is installed without its ip2region.xdb")


def _load() -> _Databases:
    from babel import Locale

    path = xdb_path()
    with path.open("rb") as handle:
        xdb_util.verify(handle)
        header = xdb_util.load_header(handle)
        version = xdb_util.version_from_header(header)
        if version is not xdb_util.IPv4:
            raise RuntimeError(f"{path} is not an IPv4 ip2region database")
        # Read-only and shared: every worker process maps the same pages; the mapping outlives
        # the file handle.
        content = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    territories = Locale.parse("zh_Hans_CN").territories
    countries = {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha()}
    countries.update(_REGION_NAMES)
    # The searcher only slices and indexes its content buffer, which an mmap does like bytes.
    return _Databases(xdb_searcher.new_with_buffer(version, content), countries)  # type: ignore[arg-type]


def _databases() -> _Databases:
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load()
    return _loaded


def parse(address: str) -> Address | None:
    """The address as an ipaddress object (an IPv4-mapped IPv6 address as IPv4), or None if it is
    malformed."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _short_province(name: str) -> str:
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def china_region(record: str) -> str | None:
    """The short province, 香港, 澳门 or 台湾 from an ip2region record ("中国|0|广东省|广州市|电信"),
    or None when the record is not in China or names no province."""
    fields = record.split("|")
    if len(fields) < 3 or fields[0] != CHINA or fields[2] in ("", "0"):
        return None
    return _short_province(fields[2])


def region_of(address: str) -> str:
    """IP属地 of a client address: "广东", "北京", "香港", "台湾", "美国" … or "未知"."""
    ip = parse(address)
    if ip is None or not ip.is_global or ip.is_multicast:
        return UNKNOWN
    databases = _databases()
    if ip.version == 4:
        region = china_region(databases.xdb.search(ip.packed))
        if region is not None:
            return region
    code = iptocc.country_code(str(ip))
    if code is None:
        return UNKNOWN
    return databases.countries.get(code.upper(), UNKNOWN)


def address_hash(address: str) -> str:
    """A keyed hash (hex) of the address, stored instead of it for abuse control. The same address
    written differently ("::ffff:1.2.3.4" and "1.2.3.4", upper and lower case IPv6) hashes alike."""
    ip = parse(address)
    canonical = str(ip) if ip is not None else address.strip()
    return salted_hmac(_HASH_PURPOSE, canonical, algorithm="sha256").hexdigest()
