"""Benchmark: `statcli parse` throughput and peak memory on a generated ~200 MB SIP Server log.

Not a test. Run from the repository root:

    python bench/bench_parse.py [--mb 200] [--repeat 3] [--out bench/out]

It writes a realistic log (TEvent blocks with nested UserData, Extensions,
04542 recipient lines, Std lines, SIP messages, BSYNC copies, requests), then
times the readers, each run in its own process so that peak RSS is its own:

* ``floor``       — reading the lines into a Polars column and nothing else;
* ``python``      — a minimal pure-Python line parser: event headers and raw attribute
  strings into dicts, no table (a lower bound for any Python parser);
* ``python_full`` — a straightforward pure-Python line-by-line parser that builds the
  same events table as statcli (``bench/pure_python.py``, checked equal to statcli's
  output before the clock starts);
* ``statcli``     — ``statcli.read.tserver.parse_tserver_log`` with full fidelity, on every
  core, and once more on one thread (``STATCLI_THREADS=1``).

Imports happen before the clock starts: the figures are reading, not start-up. Each
reader runs ``--repeat`` times; the table gives the median and the fastest run, because
wall times on a shared virtual machine vary by ±15 % from run to run (and the first
touch of fresh memory on a newly booted one costs several times what it costs later).

The script prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

HEADER = """Application name: SIP_P
Application type: TServer (SIP Server)
Host name:        bench01
Local time:       2026-01-16T08:00:00.000
Start time (UTC): 2026-01-16T13:00:00.000
Time zone:        18000
File:             (1) SIP_P.20260116_080000_000.log

"""

EVENTS = ["EventRinging", "EventEstablished", "EventHeld", "EventRetrieved", "EventReleased",
          "EventAgentReady", "EventAgentNotReady", "EventQueued", "EventDiverted", "EventAttachedDataChanged"]


def _block(rng: random.Random, t: float, seq: int) -> str:
    tenths = int(round(t * 10_000))  # 1/10 ms, as T2 stamps print it
    secs, frac = divmod(tenths, 10_000)
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    stamp = f"{h % 24:02d}:{m:02d}:{s:02d}.{frac:04d}"
    epoch = 1768539600 + int(t)  # local midnight (05:00Z) + the time of day
    name = rng.choice(EVENTS)
    dn = str(7000 + rng.randrange(200))
    conn = f"{rng.getrandbits(64):016x}"
    lines = [
        f"@{stamp} [0] 8.1.101.25 distribute_event: message {name}",
        f"\tAttributeEventSequenceNumber\t{seq:016x}",
        "\tAttributeCustomerID\t'Resources'",
        f"\tAttributeTimeinuSecs\t{rng.randrange(1000000)}",
        f"\tAttributeTimeinSecs\t{epoch} ({stamp[:8]})",
        "\tAttributeExtensions\t[40] 00 02 00 00..",
        f"\t\t'ReleasingParty'\t'{rng.choice(['1 Local', '2 Remote'])}'",
        "\t\t'OtherTrunkName'\t'Trunk1'",
        "\tAttributeUserData\t[149] 00 05 00 00..",
        f"\t\t'CustomerSegment'\t'{rng.choice(['gold', 'silver', 'bronze'])}'",
        f"\t\t'AccountNumber'\t'{rng.randrange(10**9)}'",
        "\t\t'ORSI:Cluster1:Session'(list) 'Session'\t'00PN8M303SBR7E9P04000VTAES000001+'",
        "\t\t\t'Node'\t'272'",
        "\t\t\t'Url'\t'http://co67.step:7005/scxml'",
        f"\t\t'Priority'\t{rng.randrange(10)}",
        f"\t\t'RTargetAgentSelected'\t'agent{rng.randrange(100):03d}'",
        f"\tAttributeCallUUID\t'01FES9JKSOFQLEKK3CSH5B5AES{seq % 1000000:06d}'",
        "\tAttributeOtherDNRole\t1",
        f"\tAttributeOtherDN\t'555{rng.randrange(10**7):07d}'",
        "\tAttributeThisDNRole\t2",
        f"\tAttributeThisDN\t'{dn}'",
        "\tAttributeThisQueue\t'7000'",
        f"\tAttributeAgentID\t'agent{rng.randrange(100):03d}'",
        "\tAttributeCallType\t2",
        f"\tAttributeConnID\t{conn}",
        f"{stamp[:12]} Trc 04542 {name} sent to [536] (0000000a StatServer 10.0.0.5:4213)",
    ]
    if seq % 7 == 0:
        lines += [f"{stamp[:12]} Trc 04541 RequestAnswerCall received from [12] (00000005 WDE 10.0.0.9:4000)",
                  "message RequestAnswerCall", f"\tAttributeThisDN\t'{dn}'", f"\tAttributeConnID\t{conn}",
                  f"@{stamp} [BSYNC] Trace: Send to backup (SIP_B) [20]:", "message RequestAnswerCall",
                  f"\tAttributeThisDN\t'{dn}'"]
    if seq % 11 == 0:
        body = ["INFO sip:x@10.0.0.2:5060 SIP/2.0", "Via: SIP/2.0/UDP 10.0.0.1:5060", "Content-Length: 0", ""]
        size = sum(len(b) + 2 for b in body)
        lines += [f"{stamp[:12]}: Sending  [0,UDP] {size} bytes to 10.0.0.2:5060 >>>>>", *body]
    return "\n".join(lines) + "\n"


def generate(path: Path, megabytes: int, seed: int = 7) -> int:
    """Write ~``megabytes`` MB: 2 000 distinct blocks, repeated with advancing time."""
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    written = 0
    t = 8 * 3600.0
    seq = 1
    with path.open("w") as fh:
        fh.write(HEADER)
        while written < target:
            chunk = []
            for _ in range(2000):
                chunk.append(_block(rng, t, seq))
                t += 0.05
                seq += 1
            text = "".join(chunk)
            fh.write(text)
            written += len(text)
    return path.stat().st_size


# --- the three readers (each runs in a child process) ------------------------------------------

def run_floor(path: str) -> int:
    import io

    import polars as pl

    # one String column of lines: a separator that never occurs, no quoting
    data = Path(path).read_bytes()
    return pl.read_csv(io.BytesIO(data), has_header=False, separator="\x1f", quote_char=None,
                       new_columns=["text"], schema={"text": pl.String}).height


def run_statcli(path: str) -> int:
    from statcli.read.tserver import parse_tserver_log

    return parse_tserver_log(path).events.height


_HDR = re.compile(r"^@(\d\d):(\d\d):(\d\d)\.(\d+) \[([^\]]*)\] (\S+) (.*?): message (\w+)")


def run_python(path: str) -> int:
    """A plain line-by-line parser: event headers, attributes and key-value pairs into dicts."""
    events = []
    current = None
    owner = None
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("\t"):
                if current is None:
                    continue
                depth = len(line) - len(line.lstrip("\t"))
                body = line.strip("\t")
                if depth == 1:
                    name, _, value = body.partition("\t")
                    if value.startswith("["):
                        owner = current.setdefault(name, [])
                    else:
                        current[name] = value.strip("'")
                        owner = None
                elif owner is not None and body.startswith("'"):
                    key, _, value = body[1:].partition("'")
                    owner.append((key, value.strip().strip("'")))
                continue
            current = None
            m = _HDR.match(line)
            if m and m.group(8).startswith("Event"):
                h, mi, s, f = m.group(1, 2, 3, 4)
                current = {"event": m.group(8), "tod": int(h) * 3600 + int(mi) * 60 + int(s) + int(f) / 10 ** len(f)}
                events.append(current)
    return len(events)


def run_python_full(path: str) -> int:
    from pure_python import parse

    return parse(path)[0].height


READERS = {"floor": run_floor, "python": run_python, "python_full": run_python_full,
           "statcli": run_statcli, "statcli1": run_statcli}


def child(which: str, path: str) -> None:
    import polars  # noqa: F401  (imports are start-up, not reading)

    import pure_python  # noqa: F401
    import statcli.read.tserver  # noqa: F401

    start = time.perf_counter()
    n = READERS[which](path)
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"which": which, "seconds": elapsed, "rows": n, "peak_rss_mb": rss_mb}))


def _runs(which: str, path: Path, repeat: int) -> dict:
    """Median and fastest of ``repeat`` runs of one reader, each in a fresh process."""
    env = dict(os.environ, STATCLI_THREADS="1") if which == "statcli1" else None
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, __file__, "--child", which, str(path)],
                              capture_output=True, text=True, check=True, env=env)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"{which}: {runs[-1]}", file=sys.stderr)
    seconds = sorted(r["seconds"] for r in runs)
    return {"median": statistics.median(seconds), "best": seconds[0], "rows": runs[0]["rows"],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "SIP_P.20260116_080000_000.log"
    t0 = time.perf_counter()
    size = generate(path, args.mb)
    print(f"generated {size / 1e6:.0f} MB in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    # the full baseline counts only if it builds the very table statcli builds
    from pure_python import check

    check(_sample(out))
    results = {which: _runs(which, path, args.repeat) for which in READERS}
    mb = size / 1e6
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    print(f"Command: python bench/bench_parse.py --mb {args.mb} --repeat {args.repeat}  (file: {mb:.0f} MB, "
          f"{results['statcli']['rows']:,} events; median and fastest of {args.repeat} runs)\n")
    print("| reader | median s | fastest s | MB/s (median) | peak RSS (MB) | rows |")
    print("|---|---:|---:|---:|---:|---:|")
    labels = {"floor": "lines only (Polars floor)",
              "python": "pure-Python, minimal (headers and raw strings into dicts, no table)",
              "python_full": "pure-Python, the same events table (`bench/pure_python.py`)",
              "statcli": f"statcli parse (full fidelity, {os.cpu_count()} threads)",
              "statcli1": "statcli parse (full fidelity, 1 thread)"}
    for which, label in labels.items():
        r = results[which]
        print(f"| {label} | {r['median']:.2f} | {r['best']:.2f} | {mb / r['median']:.0f} | "
              f"{r['peak_rss_mb']:.0f} | {r['rows']:,} |")
    for base in ("python_full", "python"):
        ratio = results[base]["median"] / results["statcli"]["median"]
        single = results[base]["median"] / results["statcli1"]["median"]
        print(f"\nstatcli vs {labels[base]}: {ratio:.1f}x ({single:.1f}x on one thread)")


def _sample(out: Path) -> Path:
    """A 5 MB log of the same shape, for the equality check."""
    small = out / "check" / "SIP_P.20260116_080000_000.log"
    small.parent.mkdir(parents=True, exist_ok=True)
    generate(small, 5)
    return small


if __name__ == "__main__":
    main()
