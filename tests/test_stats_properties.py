"""Invariants of the interval assignment (hypothesis): nothing is lost or counted twice across intervals."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from statcli.schema import ACTIONS, STATUSES, conform
from statcli.stats import compute_statistics, load_stat_types

BASE = datetime(2026, 1, 16, 9, 0, tzinfo=timezone.utc)
END = BASE + timedelta(hours=3)
TYPES_INI = """
[Wait_Time]
Category = TotalTime
Subject = DNAction
MainMask = CallWait
Objects = Queue
[Wait_Adjusted]
Category = TotalAdjustedTime
Subject = DNAction
MainMask = CallWait
Objects = Queue
[Wait_Number]
Category = TotalNumber
Subject = DNAction
MainMask = CallWait
Objects = Queue
[Ready]
Category = TotalTime
Subject = AgentStatus
MainMask = WaitForNextCall
Objects = Agent
[Not_Ready]
Category = TotalTime
Subject = AgentStatus
MainMask = *,~WaitForNextCall
Objects = Agent
"""

spans = st.lists(st.tuples(st.integers(0, 3 * 3600 - 1), st.integers(0, 5000), st.integers(0, 999_999)),
                 max_size=25)


def _types(tmp_path_factory):
    p = tmp_path_factory.mktemp("t") / "t.ini"
    p.write_text(TYPES_INI)
    return load_stat_types(p).pick(["Wait_Time", "Wait_Adjusted", "Wait_Number", "Ready", "Not_Ready"])


@settings(max_examples=40, deadline=None)
@given(spans=spans, profile=st.sampled_from(["Growing=00:00+0:30", "Growing=00:00+0:07", "Growing=09:13,10:00"]),
       cuts=st.lists(st.integers(1, 3 * 3600 - 1), max_size=12, unique=True))
def test_sums_over_intervals(tmp_path_factory, spans, profile, cuts):
    rows = []
    for i, (off, length, us) in enumerate(spans):
        s = BASE + timedelta(seconds=off, microseconds=us)
        e = min(s + timedelta(seconds=length), END)
        rows.append({"object_type": "Queue", "object_id": "Q", "action": "CallWait", "kind": "durable",
                     "start": s, "end": e, "action_id": i})
    acts = conform(pl.DataFrame(rows, schema={"object_type": pl.String, "object_id": pl.String,
                                              "action": pl.String, "kind": pl.String,
                                              "start": pl.Datetime("us", "UTC"), "end": pl.Datetime("us", "UTC"),
                                              "action_id": pl.Int64}), ACTIONS).with_columns(
        duration_s=pl.col("end").dt.epoch("s") - pl.col("start").dt.epoch("s"))
    # status segments alternating Ready / NotReady over the whole window
    bounds = [BASE] + [BASE + timedelta(seconds=c) for c in sorted(cuts)] + [END]
    segs = pl.DataFrame({"object_type": "Agent", "object_id": "A",
                         "status": ["WaitForNextCall" if k % 2 else "NotReadyForNextCall" for k in range(len(bounds) - 1)],
                         "start": bounds[:-1], "end": bounds[1:]},
                        schema_overrides={"start": pl.Datetime("us", "UTC"), "end": pl.Datetime("us", "UTC")})
    out = compute_statistics(acts, _types(tmp_path_factory), statuses=conform(segs, STATUSES),
                             time_profile=profile, data_start=BASE, data_end=END)
    total = out.group_by("stat_type").agg(pl.col("value").sum())
    got = dict(zip(total["stat_type"], total["value"]))
    whole = float(acts["duration_s"].sum() or 0)
    assert got.get("Wait_Time", 0.0) == whole                  # each action once, whole duration
    assert got.get("Wait_Adjusted", 0.0) == whole              # clipped pieces add up to the whole
    assert got.get("Wait_Number", 0.0) == len(spans)
    assert got["Ready"] + got["Not_Ready"] == 3 * 3600         # status time adds up to the window


def test_action_ending_exactly_at_the_end_of_data_on_a_reset_is_kept():
    """Data ending at 10:30:00 sharp, a wait ending then belongs to [10:30, 11:00): a zero-length, partial interval."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from test_stats_worked_examples import actions, t

    acts = actions([("Queue", "Q", "CallWait", "durable", "10:00:00", "10:30:00")])
    out = compute_statistics(acts, ["Max_Wait_Time"], data_end=t("10:30:00"))
    assert out.select("interval_start", "value", "partial").rows() == [
        (t("10:00:00"), 0.0, False), (t("10:30:00"), 1800.0, True)]
