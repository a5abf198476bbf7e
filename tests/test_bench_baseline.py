"""The benchmark's pure-Python baseline builds the very table statcli builds.

``bench/bench_parse.py`` compares statcli with ``bench/pure_python.py``; the
comparison means something only while both produce equal events and line
counts. Two independent readers agreeing on a generated log also cross-checks
statcli's own reader.
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_pure_python_baseline_equals_statcli_on_a_generated_log(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    try:
        from bench_parse import generate
        from pure_python import check, parse

        log = tmp_path / "SIP_P.20260116_080000_000.log"
        generate(log, 1)
        check(log)  # asserts equal frames (every column, exact) and equal line counts
        events, lines = parse(log)
        assert events.height > 400 and lines["bsync"] > 0 and lines["sip"] > 0
    finally:  # the bench scripts are not part of the package: leave no trace of them
        sys.modules.pop("bench_parse", None)
        sys.modules.pop("pure_python", None)
