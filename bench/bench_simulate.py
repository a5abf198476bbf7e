"""Benchmark: how fast does ``statcli simulate`` write logs? (not a test)

Usage::

    python bench/bench_simulate.py [--target-mb 1024] [--out /tmp/statcli-bench-sim]

Generates a site large enough for about ``--target-mb`` of SIP Server log
(100 MB segments, plain text), then reports wall time, MB/s, events and peak
RSS. Record the figures in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import time
from pathlib import Path

from statcli.simulate import SimConfig, simulate

#: Log bytes per inbound call at the default mix (measured: ~1160 B per event, ~9 events per call).
BYTES_PER_CALL = 11_600


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--target-mb", type=float, default=1024)
    ap.add_argument("--out", default="/tmp/statcli-bench-sim")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args()
    hours = 8.0
    calls_per_hour = args.target_mb * 1e6 / BYTES_PER_CALL / hours
    agents = max(10, int(calls_per_hour / 9))
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    cfg = SimConfig(agents=agents, queues=8, hours=hours, calls_per_hour=calls_per_hour, seed=42,
                    segment_size=100 * 1024 * 1024)
    load0 = f"{os.getloadavg()[0]:.1f}"
    t0 = time.perf_counter()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    res = simulate(out, cfg)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    rss = r1.ru_maxrss / 1024
    mb = res.bytes / 1e6
    print(f"agents={agents} calls_per_hour={calls_per_hour:.0f} hours={hours}")
    print(f"wrote {mb:.1f} MB in {len(res.tserver_files)} segments, {res.events:,} events, "
          f"{res.calls:,} ConnIDs")
    print(f"wall {wall:.1f} s  →  {mb / wall:.1f} MB/s;  CPU {cpu:.1f} s (user+sys, both threads);  "
          f"peak RSS {rss:.0f} MB;  load average before/after {load0} / {os.getloadavg()[0]:.1f}")
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
