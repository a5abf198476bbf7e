"""Every category on hand-computed action and status sets (reference §5.4, §5.5, §5.7, §5.8, CAT-0).

Fixture: queue ``Q`` and agent ``A``; intervals [10:00, 10:30) = I1 and
[10:30, 11:00) = I2 of ``Growing=00:00+0:30``; the data ends at 11:00, so
τ1 = 10:30 and τ2 = 11:00. Every expected value is computed by hand in the
comments next to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

from statcli.errors import UserError
from statcli.schema import STATISTICS, validate
from statcli.stats import StatWarning, compute_statistics, load_stat_types

sys.path.insert(0, str(Path(__file__).parent))
from test_stats_worked_examples import actions, statuses, t  # noqa: E402

SPANISH = {"user_data": [{"key": "Language", "value": "Spanish"}]}
ROWS = [
    ("Queue", "Q", "CallWait", "durable", "09:50:00", "10:00:10"),         # ends in I1, 610 s whole
    ("Queue", "Q", "CallWait", "durable", "10:10:00", "10:30:00"),         # ends at the I2 boundary, 1200 s
    ("Queue", "Q", "CallWait", "durable", "10:20:00", None),               # open
    ("Queue", "Q", "CallEntered", "momentary", "10:00:00", None, SPANISH),  # I1 (boundary included)
    ("Queue", "Q", "CallEntered", "momentary", "10:29:59.999", None),      # I1 (floored 10:29:59)
    ("Queue", "Q", "CallEntered", "momentary", "10:30:00", None),          # I2
    ("Queue", "Q", "CallAbandoned", "retrospective", "10:04:40", "10:05:00"),  # 20 s: outside 0-20
    ("Queue", "Q", "CallAbandoned", "retrospective", "10:05:41", "10:06:00", SPANISH),  # 19 s
    ("Agent", "A", "LoggedIn", "durable", "10:10:00", None),
    ("Agent", "A", "CallInboundStarted", "momentary", "10:05:00", None),
    ("Agent", "A", "CallInboundStarted", "momentary", "10:15:00", None),
]
SEGMENTS = [
    ("NotReadyForNextCall", "10:00:00", "10:10:00"),
    ("WaitForNextCall", "10:10:00", "10:25:00"),
    ("CallInbound", "10:25:00", "10:35:00"),
    ("WaitForNextCall", "10:35:00", None),
]


@pytest.fixture(scope="module")
def data():
    return actions(ROWS), statuses("Agent", "A", SEGMENTS)


def define(tmp_path, category, main, rel=None, subject="DNAction", objects="Queue", extra="", sections=""):
    text = (f"[TimeRanges]\nWide = 0-21\nAges = 600-1200\n\n[T]\nCategory = {category}\nSubject = {subject}\n"
            f"MainMask = {main}\nObjects = {objects}\n" + (f"RelMask = {rel}\n" if rel else "") + extra
            + "\n" + sections)
    p = tmp_path / "t.ini"
    p.write_text(text)
    return load_stat_types(p).pick(["T"])


def value(data, types, start="10:00:00", **kw):
    acts, sts = data
    kw.setdefault("time_profile", "Growing=00:00+0:30")
    out = validate(compute_statistics(acts, types, statuses=sts, data_end=t("11:00:00"), **kw), STATISTICS)
    rows = out.filter(pl.col("interval_start") == t(start))
    assert rows.height == 1, rows
    return rows["value"][0]


I1, I2 = "10:00:00", "10:30:00"

ACTION_CASES = [
    # category, main, rel, interval, expected
    ("TotalNumber", "CallWait", None, I1, 1),            # durable counted once, where it ends
    ("TotalNumber", "CallWait", None, I2, 1),            # ended exactly at 10:30 → I2; open one never
    ("TotalTime", "CallWait", None, I1, 610),            # whole duration although it started at 09:50
    ("TotalTime", "CallWait", None, I2, 1200),
    ("TotalNumber", "CallEntered", None, I1, 2),         # 10:00:00 included, 10:29:59.999 included
    ("TotalNumber", "CallEntered", None, I2, 1),
    ("TotalTime", "CallEntered", None, I1, 0),           # momentary: no duration
    ("MaxTime", "CallWait,CallEntered", None, I1, 610),  # momentary ignored by MaxTime/MinTime
    ("MinTime", "CallWait,CallEntered", None, I1, 610),
    ("MinTime", "CallAbandoned", None, I1, 19),
    ("TotalAdjustedTime", "CallWait", None, I1, 10 + 1200 + 600),  # clipped, open part included
    ("TotalAdjustedTime", "CallWait", None, I2, 1800),
    ("TotalAdjustedNumber", "CallWait", None, I1, 2),    # started in I1: 10:10 and 10:20
    ("TotalAdjustedNumber", "CallWait,CallEntered", None, I2, 1),
    ("AverageTime", "CallAbandoned", None, I1, 19.5),    # R = M (CAT-R2): 39 / 2
    ("AverageTime", "CallAbandoned", "CallEntered", I1, 19.5),
    ("AverageTime", "CallAbandoned", None, I2, 0),       # zero denominator (CAT-0)
    ("RelativeNumberPercentage", "CallAbandoned", "CallEntered", I1, 100.0),
    ("RelativeNumberPercentage", "CallAbandoned", "CallEntered", I2, 0.0),
    ("RelativeTimePercentage", "CallAbandoned", "CallWait", I1, pytest.approx(100 * 39 / 610)),
    ("RelativeTimePercentage", "CallAbandoned", "CallWait", I2, 0.0),
    ("RelativeTimePercentage", "CallWait", "CallAbandoned", I2, 0.0),  # T(R) = 0 → 0
    ("ElapsedTimePercentage", "CallWait", None, I1, pytest.approx(100 * 610 / 1800)),
    ("AverageNumberPerRelativeHour", "CallEntered", "CallWait", I1, pytest.approx(3600 * 2 / 610)),
    ("TotalNumberPerSecond", "CallEntered", None, I1, pytest.approx(2 / 1800)),
    ("TotalNumberInTimeRange", "CallAbandoned", None, I1, 1),    # Default 0-20: 19 in, 20 out
    ("TotalNumberInTimeRange", "CallEntered", None, I1, 0),      # momentary never in range
    ("TotalTimeInTimeRange", "CallAbandoned", None, I1, 19),
    ("TotalNumberInTimeRangePercentage", "CallAbandoned", None, I1, 50.0),
    ("TotalNumberInTimeRangePercentage", "CallAbandoned", "CallEntered", I2, 0.0),
    # current categories at τ1 = 10:30: the 10:10 wait (ends exactly at τ) and the open 10:20 one
    ("CurrentNumber", "CallWait", None, I1, 2),
    ("CurrentNumber", "CallWait", None, I2, 1),
    ("CurrentNumber", "CallEntered", None, I1, 0),       # instantaneous actions ignored
    ("CurrentTime", "CallWait", None, I1, 1200 + 600),
    ("CurrentMaxTime", "CallWait", None, I1, 1200),
    ("CurrentMinTime", "CallWait", None, I1, 600),
    ("CurrentMaxTime", "CallWait", None, I2, 2400),      # open since 10:20, τ2 = 11:00
    ("CurrentAverageTime", "CallWait", None, I1, 900),
    ("CurrentAverageTime", "CallAbandoned", None, I1, 0),  # CAT-0
    ("CurrentRelativeNumberPercentage", "CallWait", "CallWait,CallEntered", I1, 100.0),
    ("CurrentRelativeTimePercentage", "CallWait", "CallWait", I2, 100.0),
    ("CurrentNumberInTimeRange", "CallWait", None, I1, 0),  # ages 1200 and 600: Default 0-20
    # step function of CurrentNumber in I1: 1 until 10:00:10, 0, 1 from 10:10, 2 from 10:20
    ("MaxNumber", "CallWait", None, I1, 2),
    ("MinNumber", "CallWait", None, I1, 0),
    ("AverageOfCurrentNumber", "CallWait", None, I1, pytest.approx((10 + 600 + 2 * 600) / 1800)),
    ("MaxNumber", "CallWait", None, I2, 1),
    ("MinNumber", "CallWait", None, I2, 1),             # the value at t0 counts
    # ∫ CurrentTime over I2: the open wait is 600..2400 s old → (2400² − 600²)/2, mean over 1800 s
    ("AverageOfCurrentTime", "CallWait", None, I2, (2400**2 - 600**2) / 2 / 1800),
]


@pytest.mark.parametrize("category, main, rel, start, expected", ACTION_CASES)
def test_action_category(tmp_path, data, category, main, rel, start, expected):
    assert value(data, define(tmp_path, category, main, rel), start) == expected


@pytest.mark.parametrize("category, time_range, expected", [
    ("TotalNumberInTimeRange", "Wide", 2),               # 0-21: 19 and 20
    ("TotalNumberInTimeRange", "19-20", 1),              # lower bound included
    ("TotalNumberInTimeRange", "20-21", 1),              # upper bound of 19-20 excluded, 20 here
    ("TotalTimeInTimeRange", "Wide", 39),
    ("RelativeNumberPercentage", "19-20", 50.0),         # with a range: numerator in range only
])
def test_time_range_edges(tmp_path, data, category, time_range, expected):
    rel = "CallEntered" if category == "RelativeNumberPercentage" else None
    assert value(data, define(tmp_path, category, "CallAbandoned", rel), time_range=time_range) == expected


def test_current_number_in_time_range_uses_age(tmp_path, data):
    """TR-2: current categories test the age at τ; Ages = 600-1200 holds 600, not 1200."""
    types = define(tmp_path, "CurrentNumberInTimeRange", "CallWait", extra="statcli.TimeRange = Ages\n")
    assert value(data, types) == 1


def test_filter_pair_exists(tmp_path, data):
    types = define(tmp_path, "TotalNumber", "CallEntered,CallAbandoned", extra="statcli.Filter = Spanish\n",
                   sections='[Filters]\nSpanish = PairExists("Language","Spanish")\n')
    assert value(data, types) == 2                      # one CallEntered, one CallAbandoned
    assert value(data, types, filter='!KeyExists("Language")') == 2  # --filter overrides: the other two


def test_filter_on_both_masks_except_per_hour(tmp_path, data):
    """FLT-6: a filter narrows MainMask and RelMask, except for AverageNumberPerRelativeHour."""
    avg = define(tmp_path, "AverageTime", "CallAbandoned", "CallAbandoned")
    assert value(data, avg, filter='PairExists("Language","Spanish")') == 19   # 19 / 1
    per_hour = define(tmp_path, "AverageNumberPerRelativeHour", "CallEntered", "CallWait")
    assert value(data, per_hour, filter='KeyExists(Language)') == pytest.approx(3600 * 1 / 610)


def test_media_type_other_than_voice_sees_nothing(tmp_path, data):
    """FLT-7: T-Server actions are voice."""
    assert value(data, define(tmp_path, "TotalNumber", "CallEntered", extra="MediaType = chat\n")) == 0
    assert value(data, define(tmp_path, "TotalNumber", "CallEntered", extra="MediaType = voice\n")) == 2


def test_service_factor_uses_fixed_sets(tmp_path, data):
    """ServiceFactor1 = 100·Ain/(A + B − Bshort): A = 0 → 0 / (0 + 2 − 1) = 0; CAT-0 when 0 + 1 − 1."""
    sf = define(tmp_path, "ServiceFactor1", "CallAnswered", extra="statcli.TimeRange2 = Wide\n")
    assert value(data, sf) == 0.0


def test_estim_wait_time_substitutes(tmp_path, data):
    """AHT 90 without ended calls, CIQ = 2 waiting at τ1, AA 0.0001 → 90·2/0.0001."""
    assert value(data, define(tmp_path, "EstimWaitTime", "CallWait")) == pytest.approx(90 * 2 / 0.0001)


# ---------------------------------------------------------------- status subject
STATUS_CASES = [
    ("TotalTime", "WaitForNextCall", None, I1, 900),     # 10:10–10:25
    ("TotalTime", "CallInbound", None, I1, 300),         # clipped to τ1: in-progress part counts
    ("TotalTime", "CallInbound", None, I2, 300),
    ("TotalTime", "WaitForNextCall", None, I2, 1500),    # open since 10:35, τ2 = 11:00
    ("TotalNumber", "CallInbound", None, I1, 1),         # segments that start in I
    ("TotalNumber", "CallInbound", None, I2, 0),
    ("MaxTime", "CallInbound", None, I1, 300),           # in-progress elapsed length
    ("MaxTime", "CallInbound", None, I2, 600),           # ended in I2: whole segment
    ("AverageTime", "WaitForNextCall", None, I1, 900),
    ("RelativeTimePercentage", "CallInbound", "*,~LoggedOut", I1, pytest.approx(100 * 300 / 1800)),
    ("CurrentNumber", "WaitForNextCall", None, I1, 0),   # CallInbound at τ1
    ("CurrentNumber", "WaitForNextCall", None, I2, 1),
    ("CurrentTime", "*", None, I2, 1500),
    ("CurrentTime", "CallInbound", None, I1, 300),
    ("MaxNumber", "WaitForNextCall", None, I1, 1),
    ("MinNumber", "WaitForNextCall", None, I1, 0),
    ("AverageOfCurrentNumber", "WaitForNextCall", None, I1, 0.5),
    ("TotalNumberInTimeRange", "WaitForNextCall,NotReadyForNextCall", None, I1, 0),  # 600 and 900 s
    ("TotalAdjustedTime", "CallInbound", None, I1, 300),
    # runs of statuses of M: NotReady 10:00–10:10 then Ready 10:10–10:25 form one run of {NotReady, Ready}
    ("TotalContinuousNumber", "NotReadyForNextCall,WaitForNextCall", None, I1, 1),
    ("TotalContinuousNumber", "WaitForNextCall", None, I1, 1),
    ("TotalContinuousNumber", "WaitForNextCall", None, I2, 1),    # re-entered at 10:35
    ("CurrentContinuousTime", "WaitForNextCall", None, I2, 1500),  # since 10:35
    ("CurrentContinuousTime", "WaitForNextCall", None, I1, 0),     # CallInbound at τ1
    ("CurrentContinuousTime", "CallInbound,CallOnHold", None, I1, 300),
    # ∫ CurrentTime(Ready) over I1: a ramp 0→900 over 10:10–10:25 → 900²/2, mean over 1800 s
    ("AverageOfCurrentTime", "WaitForNextCall", None, I1, 900 * 900 / 2 / 1800),
]


@pytest.mark.parametrize("category, main, rel, start, expected", STATUS_CASES)
def test_status_category(tmp_path, data, category, main, rel, start, expected):
    types = define(tmp_path, category, main, rel, subject="AgentStatus", objects="Agent")
    assert value(data, types, start) == expected


def test_current_state_status(tmp_path, data):
    types = define(tmp_path, "CurrentState", "*", subject="DNStatus", objects="Agent")
    acts, sts = data
    out = compute_statistics(acts, types, statuses=sts, data_end=t("11:00:00"),
                             time_profile="Growing=00:00+0:30")
    # the data starts at 09:50 (queue rows): no status is known for A in [09:30, 10:00)
    assert out.sort("interval_start")["state"].to_list() == [None, "CallInbound", "WaitForNextCall"]


def test_status_filter_is_ignored_with_warning(tmp_path, data):
    types = define(tmp_path, "TotalTime", "WaitForNextCall", subject="AgentStatus", objects="Agent")
    with pytest.warns(StatWarning, match="filter ignored"):
        assert value(data, types, filter="KeyExists(x)") == 900


# ---------------------------------------------------------------- time profiles
def test_selection_profile_last_n_actions(tmp_path, data):
    """TP-3: Selection=N keeps the last N counted actions of the mask."""
    types = define(tmp_path, "TotalTime", "CallWait")
    acts, sts = data
    out = compute_statistics(acts, types, time_profile="Selection=1", data_end=t("11:00:00"))
    assert out["value"].to_list() == [1200]
    out = compute_statistics(acts, types, time_profile="Selection=5", data_end=t("11:00:00"))
    assert out["value"].to_list() == [1810]


def test_sliding_profile_windows(tmp_path, data):
    """TP-2: windows [t − 600, t) at every 300 s; [10:25, 10:35) holds 10:29:59 and 10:30:00."""
    types = define(tmp_path, "TotalNumber", "CallEntered")
    acts, _ = data
    out = compute_statistics(acts, types, time_profile="Sliding=600:300", data_end=t("11:00:00"))
    got = {r["interval_start"].strftime("%H:%M"): r["value"] for r in out.iter_rows(named=True)}
    assert got["10:25"] == 2 and got["09:55"] == 1 and got["10:00"] == 1 and got["10:30"] == 1
    assert got["10:20"] == 1 and got["10:10"] == 0


def test_since_login_profile(tmp_path, data):
    """TP-4: from the start of the open login session (10:10) to the end of data."""
    types = define(tmp_path, "TotalNumber", "CallInboundStarted", objects="Agent")
    acts, _ = data
    out = compute_statistics(acts, types, time_profile="SinceLogin", data_end=t("11:00:00"))
    assert out.select("interval_start", "value").rows() == [(t("10:10:00"), 1.0)]


def test_profile_from_stat_type_default(tmp_path, data):
    """statcli.TimeProfile picks a [TimeProfiles] entry when the caller chooses none."""
    types = define(tmp_path, "TotalNumber", "CallEntered", extra="statcli.TimeProfile = Hourly\n",
                   sections="[TimeProfiles]\nHourly,Growing = 00:00+1:00\n")
    acts, _ = data
    out = compute_statistics(acts, types, data_end=t("11:00:00"))
    assert out.select("interval_start", "value").rows() == [(t("09:00:00"), 0.0), (t("10:00:00"), 3.0)]


def test_objects_restriction(tmp_path, data):
    acts, sts = data
    with pytest.raises(UserError, match="compatibility group"):
        types = define(tmp_path, "TotalNumber", "CallEntered", objects="Queue, Agent")
    types = define(tmp_path, "TotalNumber", "CallEntered")
    out = compute_statistics(acts, types, object_ids=["nope"], data_end=t("11:00:00"))
    assert out.is_empty()
    out = compute_statistics(acts, types, object_types=["Queue"], data_end=t("11:00:00"))
    assert set(out["object_id"]) == {"Q"}


def test_statuses_missing_skips_with_warning(tmp_path, data, monkeypatch):
    import statcli.stats.engine as engine
    monkeypatch.setattr(engine, "_derive_statuses", lambda actions, objects=None: None)
    types = define(tmp_path, "TotalTime", "WaitForNextCall", subject="AgentStatus", objects="Agent")
    with pytest.warns(StatWarning, match="no statuses"):
        out = compute_statistics(data[0], types, data_end=t("11:00:00"))
    assert out.is_empty()


def test_group_status_aggregates_members(tmp_path):
    """ST-14: status categories on GroupAgents sum the members; CurrentNumber counts members; ST-13 GroupStatus."""
    from statcli.objects import Objects

    sts = pl.concat([
        statuses("Agent", "a1", [("WaitForNextCall", "10:00:00", "10:10:00"), ("CallInbound", "10:10:00", None)]),
        statuses("Agent", "a2", [("WaitForNextCall", "10:05:00", None)]),
        statuses("GroupAgents", "G", [("WaitForNextCall", "10:00:00", "10:10:00"), ("CallInbound", "10:10:00", None)]),
    ])
    acts = actions([("Agent", "a1", "LoggedIn", "durable", "10:00:00", None)])
    objects = Objects(agent_groups={"G": ["a1", "a2"]})
    ready = define(tmp_path, "TotalTime", "WaitForNextCall", subject="AgentStatus", objects="GroupAgents")
    out = compute_statistics(acts, ready, statuses=sts, objects=objects, data_end=t("10:30:00"))
    assert out["value"].to_list() == [600 + 1500]
    now = define(tmp_path, "CurrentNumber", "WaitForNextCall", subject="AgentStatus", objects="GroupAgents")
    out = compute_statistics(acts, now, statuses=sts, objects=objects, data_end=t("10:30:00"))
    assert out["value"].to_list() == [1]
    own = define(tmp_path, "TotalTime", "WaitForNextCall", subject="GroupStatus", objects="GroupAgents")
    out = compute_statistics(acts, own, statuses=sts, objects=objects, data_end=t("10:30:00"))
    assert out["value"].to_list() == [600]


def test_validity_not_monitored(tmp_path):
    """VAL-1: a DN of the object NotMonitored during the interval (at τ for current categories) → valid = false."""
    rows = [("RegDN", "7001", "NotMonitored", "durable", "10:05:00", "10:06:00", {"dn": "7001"}),
            ("RegDN", "7001", "CallInboundStarted", "momentary", "10:10:00", None, {"dn": "7001"}),
            ("Agent", "a1", "CallInboundStarted", "momentary", "10:10:00", None, {"dn": "7001"}),
            ("Agent", "a1", "CallInbound", "durable", "10:40:00", None, {"dn": "7001"}),
            ("RegDN", "7001", "NotMonitored", "durable", "10:59:00", None, {"dn": "7001"})]
    acts = actions(rows)
    out = compute_statistics(acts, ["TotalNumberInboundCalls"], data_end=t("11:00:00"))
    got = {(r["object_id"], r["interval_start"].strftime("%H:%M")): r["valid"] for r in out.iter_rows(named=True)}
    assert got == {("7001", "10:00"): False, ("a1", "10:00"): False, ("7001", "10:30"): False,
                   ("a1", "10:30"): False}
    cur = define(tmp_path, "CurrentNumber", "CallInbound", objects="Agent")
    out = compute_statistics(acts, cur, data_end=t("11:00:00"))
    assert dict(zip(out["interval_start"].dt.strftime("%H:%M"), out["valid"])) == {"10:00": True, "10:30": False}
