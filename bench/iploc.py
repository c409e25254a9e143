"""What does IP属地 cost? Loading the databases once, the memory they hold, and one look-up.

Addresses: random global IPv4 addresses, random addresses from mainland Chinese IPv4 blocks (which
take the ip2region path to a province), and random IPv6 addresses inside a few allocated blocks
(Google, China Telecom, WIDE, HiNet). Each figure is the median over batches of 1,000 look-ups,
divided by 1,000. Memory: the process's RSS and its anonymous part (what each worker holds alone)
before loading, after loading, and after all the look-ups. RSS minus anonymous is pages of the
memory-mapped xdb file, which every worker process shares through the page cache.

    .venv/bin/python bench/iploc.py [--batches 50]
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def memory_mib() -> tuple[float, float]:
    """(RSS, anonymous RSS) in MiB."""
    rss = anonymous = 0
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        if line.startswith("Rss:"):
            rss = int(line.split()[1])
        elif line.startswith("Anonymous:"):
            anonymous = int(line.split()[1])
    return rss / 1024, anonymous / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=50)
    args = parser.parse_args()
    from django.conf import settings

    settings.configure(SECRET_KEY="bench-only")
    from tidings.lib import iploc

    rnd = random.Random(1)
    global_v4 = []
    while len(global_v4) < 1000:
        ip = ipaddress.IPv4Address(rnd.getrandbits(32))
        if ip.is_global and not ip.is_multicast:
            global_v4.append(str(ip))
    chinese_blocks = ["113.108.0.0/16", "202.96.128.0/20", "220.181.0.0/16", "114.114.0.0/16", "223.5.0.0/16"]
    china_v4 = [
        str(net[rnd.randrange(net.num_addresses)])
        for net in (ipaddress.IPv4Network(rnd.choice(chinese_blocks)) for _ in range(1000))
    ]
    v6_blocks = ["2001:4860::/32", "240e::/20", "2001:200::/32", "2001:b000::/20"]
    v6 = [
        str(net[rnd.randrange(net.num_addresses)])
        for net in (ipaddress.IPv6Network(rnd.choice(v6_blocks)) for _ in range(1000))
    ]

    before = memory_mib()
    start = time.perf_counter()
    iploc.region_of("8.8.8.8")
    load_ms = (time.perf_counter() - start) * 1000
    loaded = memory_mib()
    print(f"first look-up (loads the databases): {load_ms:.1f} ms")
    print(f"memory after loading: RSS +{loaded[0] - before[0]:.1f} MiB (anonymous +{loaded[1] - before[1]:.1f} MiB)")

    for name, addresses in [
        ("IPv4, any global", global_v4),
        ("IPv4, mainland China (province)", china_v4),
        ("IPv6", v6),
    ]:
        batches = []
        for _ in range(args.batches):
            start = time.perf_counter()
            for address in addresses:
                iploc.region_of(address)
            batches.append((time.perf_counter() - start) / len(addresses))
        shown = {iploc.region_of(a) for a in addresses[:200]}
        print(f"region_of {name}: {statistics.median(batches) * 1e6:.1f} µs; e.g. {sorted(shown)[:8]}")
    batches = []
    for _ in range(args.batches):
        start = time.perf_counter()
        for address in global_v4:
            iploc.address_hash(address)
        batches.append((time.perf_counter() - start) / len(global_v4))
    print(f"address_hash: {statistics.median(batches) * 1e6:.1f} µs")
    after = memory_mib()
    print(f"memory after the look-ups: RSS +{after[0] - before[0]:.1f} MiB (anonymous +{after[1] - before[1]:.1f} MiB)")


if __name__ == "__main__":
    main()
