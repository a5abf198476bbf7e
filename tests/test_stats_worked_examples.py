"""The worked examples of reference §7 (A, B, B2, C), from hand-built action and status rows.

Each example is a fixture of ACTIONS rows (and STATUSES rows for status
subjects) exactly as the reference tables list them; the tests compare every
value of the reference's "Values" tables. Interval [10:00, 10:30) of
``Growing=00:00+0:30``; values reported at 10:30 unless the table says otherwise.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from statcli.schema import ACTIONS, STATISTICS, STATUSES, conform, validate
from statcli.stats import compute_statistics, load_stat_types

DAY = "2026-01-16"


def t(hms: str) -> datetime:
    return datetime.fromisoformat(f"{DAY}T{hms}+00:00")


def actions(rows: list[tuple]) -> pl.DataFrame:
    """Rows ``(object_type, object_id, action, kind, start, end_or_None)``; duration_s per TIME-2."""
    recs = []
    for i, (ot, oid, action, kind, start, end, *rest) in enumerate(rows):
        s = t(start)
        e = s if kind == "momentary" else (t(end) if end else None)
        rec = {"object_type": ot, "object_id": oid, "action": action, "kind": kind, "start": s, "end": e,
               "duration_s": None if e is None else int(e.timestamp() // 1) - int(s.timestamp() // 1),
               "source": "example.log", "line": 100 + i, "action_id": i}
        if rest:
            rec.update(rest[0])
        recs.append(rec)
    df = pl.DataFrame(recs, infer_schema_length=None).with_columns(
        pl.col("start", "end").cast(pl.Datetime("us", "UTC")))
    df = df.with_columns(duration=pl.col("end") - pl.col("start"))
    return validate(conform(df, ACTIONS), ACTIONS)


def statuses(ot: str, oid: str, segs: list[tuple]) -> pl.DataFrame:
    recs = [{"object_type": ot, "object_id": oid, "status": st, "start": t(a), "end": t(b) if b else None}
            for st, a, b in segs]
    df = pl.DataFrame(recs, schema={"object_type": pl.String, "object_id": pl.String, "status": pl.String,
                                    "start": pl.Datetime("us", "UTC"), "end": pl.Datetime("us", "UTC")}
                      ).with_columns(duration=pl.col("end") - pl.col("start"),
                                         duration_s=(pl.col("end").dt.epoch("s") - pl.col("start").dt.epoch("s")))
    return validate(conform(df, STATUSES), STATUSES)


def _dn_and_agent(dn: str, agent: str, rows: list[tuple]) -> list[tuple]:
    """Every DN action is also an action of the agent logged in on it (PROP-1)."""
    return [("RegDN", dn, *r) for r in rows] + [("Agent", agent, *r) for r in rows]


# ------------------------------------------------------------------ Example A (§7.1)
A_DN = [
    ("LoggedOut", "durable", "08:00:00", "10:00:00"),
    ("LoggedIn", "durable", "10:00:00", None),
    ("AgentLogin", "momentary", "10:00:00", None),
    ("NotReadyForNextCall", "durable", "10:00:00", "10:00:05"),
    ("WaitForNextCall", "durable", "10:00:05", "10:12:19"),
    ("CallRinging", "durable", "10:05:12.450", "10:05:18.700"),
    ("CallRingingStarted", "momentary", "10:05:12.450", None),
    ("CallAnswered", "retrospective", "10:05:12.450", "10:05:18.700"),
    ("CallInbound", "durable", "10:05:18.700", "10:12:18.900"),
    ("CallInboundStarted", "momentary", "10:05:18.700", None),
    ("CallOnHold", "durable", "10:08:00", "10:09:00"),
    ("CallHeld", "momentary", "10:08:00", None),
    ("CallRetrievedFromHold", "retrospective", "10:08:00", "10:09:00"),
    ("CallInboundCompleted", "retrospective", "10:05:18.700", "10:12:18.900"),
    ("AfterCallWork", "durable", "10:12:19", "10:14:19"),
    ("WaitForNextCall", "durable", "10:14:19", None),
]
A_QUEUE = [
    ("DNLogin", "durable", "10:00:00", None),
    ("AgentLogin", "durable", "10:00:00", None),
    ("CallWait", "durable", "10:05:00.250", "10:05:12.400"),
    ("CallEntered", "momentary", "10:05:00.250", None),
    ("CallDistributed", "retrospective", "10:05:00.250", "10:05:12.400"),
    ("CallAnswered", "retrospective", "10:05:00.250", "10:05:18.700"),
    ("CallReleased", "retrospective", "10:05:18.700", "10:12:18.900"),
    ("ACWCompleted", "retrospective", "10:12:19", "10:14:19"),
    # pseudo-actions follow the DN status (MED-19)
    ("AgentActive", "durable", "10:00:00", "10:00:05"),
    ("AgentReady", "durable", "10:00:05", "10:05:12"),
    ("AgentActive", "durable", "10:05:12", "10:12:18"),
    ("AgentReady", "durable", "10:12:18", "10:12:19"),
    ("AgentActive", "durable", "10:12:19", "10:14:19"),
    ("AgentReady", "durable", "10:14:19", None),
]
A_STATUS = [
    ("LoggedOut", "08:00:00", "10:00:00"),
    ("NotReadyForNextCall", "10:00:00", "10:00:05"),
    ("WaitForNextCall", "10:00:05", "10:05:12"),
    ("CallRinging", "10:05:12", "10:05:18"),
    ("CallInbound", "10:05:18", "10:08:00"),
    ("CallOnHold", "10:08:00", "10:09:00"),
    ("CallInbound", "10:09:00", "10:12:18"),
    ("WaitForNextCall", "10:12:18", "10:12:19"),
    ("AfterCallWork", "10:12:19", "10:14:19"),
    ("WaitForNextCall", "10:14:19", None),
]

AD_HOC = """\
[TimeRanges]
ShortAbandon = 0-10

[AdHoc_Talk_Action]
Category = TotalTime
Subject = DNAction
MainMask = CallInbound
Objects = Agent, RegDN

[AdHoc_Ready_Action]
Category = TotalTime
Subject = DNAction
MainMask = WaitForNextCall
Objects = Agent, RegDN

[AdHoc_Ready_Adjusted]
Category = TotalAdjustedTime
Subject = DNAction
MainMask = WaitForNextCall
Objects = Agent, RegDN

[AdHoc_Short_Abandons]
Category = TotalNumberInTimeRange
Subject = DNAction
MainMask = CallAbandoned
Objects = Queue
statcli.TimeRange = ShortAbandon

[AdHoc_Running_Total]
Category = TotalTime
Subject = CampaignAction
MainMask = StatusRunning
Objects = Campaign

[AdHoc_Scheduled_Now]
Category = CurrentNumber
Subject = CampaignAction
MainMask = RecordsScheduled
Objects = Campaign
"""


@pytest.fixture
def types(tmp_path):
    p = tmp_path / "adhoc.ini"
    p.write_text(AD_HOC)
    return load_stat_types(p)


def example_a() -> tuple[pl.DataFrame, pl.DataFrame]:
    acts = actions(_dn_and_agent("7001", "a1001", A_DN) + [("Queue", "7000", *r) for r in A_QUEUE])
    return acts, statuses("Agent", "a1001", A_STATUS)


def values(out: pl.DataFrame, object_id: str, start: str = "10:00:00") -> dict[str, float]:
    validate(out, STATISTICS)
    rows = out.filter((pl.col("object_id") == object_id) & (pl.col("interval_start") == t(start)))
    return dict(zip(rows["stat_type"], rows["value"]))


def run(acts, sts, types, names, end="10:30:00"):
    return compute_statistics(acts, types.pick(names), statuses=sts, data_end=t(end),
                              time_profile="Growing=00:00+0:30")


AGENT_A = {  # reference §7.1 "Values" table, agent a1001
    "Total_Login_Time": 1800, "Total_Ready_Time": 1249, "Total_Not_Ready_Time": 5,
    "Total_Talk_Time_Inbound": 360, "Total_Hold_Time": 60, "Total_Work_Time": 120,
    "AdHoc_Talk_Action": 420, "AdHoc_Ready_Action": 734,
    "TotalNumberInboundCalls": 1, "Total_Calls_Answered": 1, "Total_Inbound_Handled": 1,
    "Total_Calls_Handled": 1, "Average_Handle_Time": 540,
    "Agent_Occupancy": pytest.approx(100 * (6 + 360 + 60 + 120) / (546 + 1249)),
    "Average_Calls_Per_Hour": 4.0, "Current_Status_Time": 941,
}
QUEUE_A = {
    "Total_Calls_Entered": 1, "Total_Calls_Distributed": 1, "Total_Calls_Answered_Queue": 1,
    "Total_Calls_Abandoned": 0, "Average_Wait_Time": 12, "Max_Wait_Time": 12,
    "Average_Speed_Of_Answer": 18, "Calls_Answered_In_Threshold": 1, "Service_Level_Pct": 100.0,
    "Service_Factor": 100.0, "Abandon_Rate_Pct": 0.0, "Queue_Agent_AHT": 540,
}


def test_example_a_agent_values(types):
    acts, sts = example_a()
    out = run(acts, sts, types, list(AGENT_A))
    assert values(out, "a1001") == AGENT_A


def test_example_a_agent_state(types):
    acts, sts = example_a()
    out = run(acts, sts, types, ["CurrentAgentState"])
    row = out.filter(object_id="a1001", interval_start=t("10:00:00"))
    assert row["state"].to_list() == ["WaitForNextCall"]
    assert row["unit"].to_list() == ["state"]


def test_example_a_queue_values(types):
    acts, sts = example_a()
    assert values(run(acts, sts, types, list(QUEUE_A)), "7000") == QUEUE_A


def test_example_a_queue_current_at_100510(types):
    """`Current_In_Queue` 1 and `ExpectedWaitTime` 0 at 10:05:10 (AHT 90, CIQ 1, AR 1)."""
    acts, sts = example_a()
    out = run(acts, sts, types, ["Current_In_Queue", "ExpectedWaitTime"], end="10:05:10")
    assert values(out, "7000") == {"Current_In_Queue": 1, "ExpectedWaitTime": 0}


# ------------------------------------------------------------------ Example B (§7.2)
B_QUEUE = [
    ("CallWait", "durable", "10:20:00.100", "10:20:45.800"),
    ("CallEntered", "momentary", "10:20:00.100", None),
    ("CallAbandoned", "retrospective", "10:20:00.100", "10:20:45.800"),
    ("CallWait", "durable", "10:25:00.600", "10:25:03.200"),
    ("CallEntered", "momentary", "10:25:00.600", None),
    ("CallAbandoned", "retrospective", "10:25:00.600", "10:25:03.200"),
]
QUEUE_B = {
    "Total_Calls_Entered": 2, "Total_Calls_Abandoned": 2, "Total_Calls_Answered_Queue": 0,
    "Average_Wait_Time": 24, "Average_Abandon_Time": 24, "Max_Wait_Time": 45,
    "Average_Speed_Of_Answer": 0, "Service_Level_Pct": 0.0, "Service_Factor": 0.0,
    "Abandon_Rate_Pct": 100.0, "AdHoc_Short_Abandons": 1,
}


def test_example_b_queue_values(types):
    acts = actions([("Queue", "7000", *r) for r in B_QUEUE])
    assert values(run(acts, None, types, list(QUEUE_B)), "7000") == QUEUE_B


def test_example_b_current_at_102030(types):
    """CAT-0 exception: EstimWaitTime uses AA = 0.0001 → 90 × 1 / 0.0001."""
    acts = actions([("Queue", "7000", *r) for r in B_QUEUE])
    out = run(acts, None, types, ["Current_In_Queue", "Current_Max_Wait_Time", "ExpectedWaitTime"],
              end="10:20:30")
    assert values(out, "7000") == {"Current_In_Queue": 1, "Current_Max_Wait_Time": 30,
                                   "ExpectedWaitTime": pytest.approx(900000)}
    assert out.filter(stat_type="ExpectedWaitTime", interval_start=t("10:00:00"))["state"].to_list() == ["no service"]


def test_example_b_service_factor_alone_c3_is_zero_denominator(types):
    """With C3 alone: 0 + 1 − 1 = 0 → 0 (CAT-0)."""
    acts = actions([("Queue", "7000", *r) for r in B_QUEUE[3:]])
    assert values(run(acts, None, types, ["Service_Factor"]), "7000") == {"Service_Factor": 0.0}


def test_example_b2_abandon_while_ringing(types):
    extra_q = [
        ("CallWait", "durable", "10:27:00", "10:27:04"),
        ("CallEntered", "momentary", "10:27:00", None),
        ("CallDistributed", "retrospective", "10:27:00", "10:27:04"),
        ("CallAbandonedFromRinging", "retrospective", "10:27:00", "10:27:09.500"),
    ]
    a_acts, sts = example_a()
    acts = pl.concat([a_acts, actions([("Queue", "7000", *r) for r in extra_q])])
    out = run(acts, sts, types, ["Total_Calls_Entered", "Total_Calls_Abandoned",
                                 "Total_Calls_Abandoned_Ringing", "Service_Level_Pct", "Service_Factor",
                                 "Abandon_Rate_Pct"])
    assert values(out, "7000") == {"Total_Calls_Entered": 2, "Total_Calls_Abandoned": 0,
                                   "Total_Calls_Abandoned_Ringing": 1, "Service_Level_Pct": 50.0,
                                   "Service_Factor": 100.0, "Abandon_Rate_Pct": 50.0}


# ------------------------------------------------------------------ Example C (§7.3)
CMP4 = ["Campaign:Spring", "CampaignGroup:Spring@OB_Group", "CallingList:List_A",
        "CampaignCallingList:Spring@List_A"]
CMP2 = CMP4[:2]


def _on(objs, rows):
    return [(o.split(":")[0], o.split(":")[1], *r) for o in objs for r in rows]


C_CAMPAIGN = (
    _on(CMP2, [("StatusActivated", "durable", "09:50:00", "09:55:00"),
               ("StatusRunning", "durable", "09:55:00", None),
               ("Preview", "durable", "09:55:00", None)])
    + _on(CMP4, [("DialMade", "momentary", "10:14:20.700", None),
                 ("DialAnswer", "momentary", "10:14:20.700", None),
                 ("LeadProcessed", "momentary", "10:15:00.100", None),
                 ("LeadAnswer", "momentary", "10:15:00.100", None),
                 ("DialMade", "momentary", "10:20:40", None),
                 ("DialNoAnswer", "momentary", "10:20:40", None)])
    + _on(CMP4[:1], [("RecordsScheduled", "durable", "10:20:40.100", None)])
)
C_DN = [
    ("UserEvent", "momentary", "10:10:00", None),
    ("CallDialing", "durable", "10:10:05", "10:10:20.500"),
    ("CallDialingStarted", "momentary", "10:10:05", None),
    ("CallDialed", "retrospective", "10:10:05", "10:10:20.500"),
    ("CallOutbound", "durable", "10:10:20.500", "10:14:20.600"),
    ("CallOutboundStarted", "momentary", "10:10:20.500", None),
    ("CallOutboundCompleted", "retrospective", "10:10:20.500", "10:14:20.600"),
    ("WaitForNextCall", "durable", "09:00:00", "10:14:21"),
    ("AfterCallWork", "durable", "10:14:21", "10:15:01"),
    ("UserEvent", "momentary", "10:15:00", None),
    ("WaitForNextCall", "durable", "10:15:01", None),
    ("UserEvent", "momentary", "10:20:00", None),
    ("CallDialing", "durable", "10:20:02", "10:20:32.400"),
    ("CallDialingStarted", "momentary", "10:20:02", None),
    ("CallAbandonedFromDialing", "retrospective", "10:20:02", "10:20:32.400"),
    ("UserEvent", "momentary", "10:20:40", None),
]
C_STATUS = [
    ("WaitForNextCall", "09:00:00", "10:10:05"),
    ("CallDialing", "10:10:05", "10:10:20"),
    ("CallOutbound", "10:10:20", "10:14:20"),
    ("WaitForNextCall", "10:14:20", "10:14:21"),
    ("AfterCallWork", "10:14:21", "10:15:01"),
    ("WaitForNextCall", "10:15:01", "10:20:02"),
    ("CallDialing", "10:20:02", "10:20:32"),
    ("WaitForNextCall", "10:20:32", None),
]


def example_c():
    return actions(C_CAMPAIGN + _dn_and_agent("7101", "a2001", C_DN)), statuses("Agent", "a2001", C_STATUS)


CAMPAIGN_C = {
    "Campaign_Dial_Attempts": 2, "Campaign_Dial_Answered": 1, "Campaign_Dial_No_Answer": 1,
    "Campaign_Dial_Busy": 0, "Campaign_Hit_Ratio": 50.0, "Campaign_Leads_Processed": 1,
    "Campaign_Leads_Answered": 1, "Campaign_Callbacks_Scheduled": 0, "Campaign_Running_Time": 1800,
    "AdHoc_Running_Total": 0, "AdHoc_Scheduled_Now": 1,
}
AGENT_C = {
    "TotalNumberOutboundCalls": 1, "Total_Calls_Handled": 1, "Total_Talk_Time_Outbound": 240,
    "AverOutboundStatusTime": 240, "Total_Work_Time": 40, "Total_Ready_Time": 1475,
    "Total_Login_Time": 1800, "Agent_Occupancy": pytest.approx(100 * (15 + 240 + 40 + 30) / 1800),
    "Average_Handle_Time": 0, "AdHoc_Ready_Action": 4461, "AdHoc_Ready_Adjusted": 1760,
}


def test_example_c_campaign_values(types):
    acts, sts = example_c()
    assert values(run(acts, sts, types, list(CAMPAIGN_C)), "Spring") == CAMPAIGN_C


def test_example_c_each_campaign_object_counts_attempts(types):
    acts, sts = example_c()
    out = run(acts, sts, types, ["Campaign_Dial_Attempts", "Campaign_Running_Time"])
    got = {(r["stat_type"], r["object_id"]): r["value"]
           for r in out.filter(interval_start=t("10:00:00")).iter_rows(named=True)}
    for o in CMP4:
        assert got[("Campaign_Dial_Attempts", o.split(":")[1])] == 2
    assert got[("Campaign_Running_Time", "Spring@OB_Group")] == 1800
    assert ("Campaign_Running_Time", "List_A") not in got  # CMP2 objects only


def test_example_c_campaign_current_status(types):
    acts, sts = example_c()
    out = run(acts, sts, types, ["Campaign_Current_Status"])
    row = out.filter(object_id="Spring@OB_Group", interval_start=t("10:00:00"))
    assert row["state"].to_list() == ["Preview+StatusRunning"]


def test_example_c_agent_values(types):
    acts, sts = example_c()
    assert values(run(acts, sts, types, list(AGENT_C)), "a2001") == AGENT_C
