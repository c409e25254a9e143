"""What Argon2id costs per sign-in on this machine: hash and verify time with the production
hasher settings (Django's Argon2 defaults), and the CPU load while measuring (2 shared cores make
the numbers move with what else runs).

    .venv/bin/python bench/passwords.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tidings-bench-") as data_dir:
        os.environ.setdefault("TIDINGS_DATA_DIR", data_dir)
        os.environ["DJANGO_SETTINGS_MODULE"] = "tidings.settings"
        measure(args.rounds)


def measure(rounds: int) -> None:
    import django

    django.setup()
    from django.contrib.auth.hashers import check_password, get_hasher, make_password

    hasher = get_hasher()
    params = f"time_cost={hasher.time_cost} memory_cost={hasher.memory_cost} KiB parallelism={hasher.parallelism}"  # type: ignore[attr-defined]
    print(f"{hasher.algorithm}: {params}")
    secret = "Morning-tea-at-seven-42"
    hashes, verifies = [], []
    encoded = make_password(secret)
    for _ in range(rounds):
        t = time.perf_counter()
        make_password(secret)
        hashes.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assert check_password(secret, encoded)
        verifies.append((time.perf_counter() - t) * 1000)
    for name, values in (("hash", hashes), ("verify", verifies)):
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"{name:6} ms: min {values[0]:.0f}  median {statistics.median(values):.0f}  p95 {p95:.0f}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
