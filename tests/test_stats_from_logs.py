"""Reference §7 worked examples end to end: T-Server log text → `statcli report` (parser + derivation + stats)."""

from __future__ import annotations

import io

import polars as pl
import pytest
from click.testing import CliRunner

from statcli.cli import main

pytest.importorskip("statcli.read.tserver")


def _block(time: str, event: str, *attrs: str, context: str = "distribute_event") -> str:
    return "\n".join([f"@{time} [0] 8.1.101.25 {context}: message {event}"] + [f"\t{a}" for a in attrs]) + "\n"


C1 = "AttributeConnID\t00000000000000c1"
EXAMPLE_A = "".join([
    _block("10:00:00.0000", "EventAgentLogin", "AttributeThisDN\t'7001'", "AttributeAgentID\t'a1001'",
           "AttributeThisQueue\t'7000'", "AttributeAgentWorkMode\t0"),
    _block("10:00:05.0000", "EventAgentReady", "AttributeThisDN\t'7001'", "AttributeAgentID\t'a1001'"),
    _block("10:05:00.2500", "EventQueued", "AttributeThisDN\t'7000'", C1, "AttributeCallType\t2",
           "AttributeANI\t'5551234'", "AttributeDNIS\t'8005550100'"),
    _block("10:05:12.4000", "EventDiverted", "AttributeThisDN\t'7000'", C1, "AttributeThirdPartyDN\t'7001'"),
    _block("10:05:12.4500", "EventRinging", "AttributeThisDN\t'7001'", C1, "AttributeThisQueue\t'7000'",
           "AttributeCallType\t2"),
    _block("10:05:18.7000", "EventEstablished", "AttributeThisDN\t'7001'", C1, "AttributeCallType\t2"),
    _block("10:08:00.0000", "EventHeld", "AttributeThisDN\t'7001'", C1),
    _block("10:09:00.0000", "EventRetrieved", "AttributeThisDN\t'7001'", C1),
    _block("10:12:18.9000", "EventReleased", "AttributeThisDN\t'7001'", C1,
           "AttributeExtensions\t[30] 00 01 00 00..", "\t'ReleasingParty'\t'2 Remote'"),
    _block("10:12:18.9500", "EventCallDeleted", C1, "AttributeCtrlParty\t'5551234'",
           context="distribute call/party event"),
    _block("10:12:19.0000", "EventAgentNotReady", "AttributeThisDN\t'7001'", "AttributeAgentWorkMode\t3"),
    _block("10:14:19.0000", "EventAgentReady", "AttributeThisDN\t'7001'"),
])

EXAMPLE_B = "".join([
    _block("10:20:00.1000", "EventQueued", "AttributeThisDN\t'7000'", "AttributeConnID\t00000000000000c2",
           "AttributeCallType\t2"),
    _block("10:20:45.8000", "EventAbandoned", "AttributeThisDN\t'7000'", "AttributeConnID\t00000000000000c2",
           "AttributeExtensions\t[30] 00 01 00 00..", "\t'ReleasingParty'\t'2 Remote'"),
    _block("10:25:00.6000", "EventQueued", "AttributeThisDN\t'7000'", "AttributeConnID\t00000000000000c3",
           "AttributeCallType\t2"),
    _block("10:25:03.2000", "EventAbandoned", "AttributeThisDN\t'7000'", "AttributeConnID\t00000000000000c3",
           "AttributeExtensions\t[30] 00 01 00 00..", "\t'ReleasingParty'\t'2 Remote'"),
])

A_EXPECTED = {  # §7.1 "Values for [10:00, 10:30)"
    ("Agent", "a1001"): {
        "Total_Login_Time": 1800, "Total_Ready_Time": 1249, "Total_Not_Ready_Time": 5,
        "Total_Talk_Time_Inbound": 360, "Total_Hold_Time": 60, "Total_Work_Time": 120,
        "TotalNumberInboundCalls": 1, "Total_Calls_Answered": 1, "Total_Inbound_Handled": 1,
        "Total_Calls_Handled": 1, "Average_Handle_Time": 540, "Average_Calls_Per_Hour": 4.0,
        "Current_Status_Time": 941,
    },
    ("Queue", "7000"): {
        "Total_Calls_Entered": 1, "Total_Calls_Distributed": 1, "Total_Calls_Answered_Queue": 1,
        "Total_Calls_Abandoned": 0, "Average_Wait_Time": 12, "Max_Wait_Time": 12,
        "Average_Speed_Of_Answer": 18, "Calls_Answered_In_Threshold": 1, "Service_Level_Pct": 100.0,
        "Service_Factor": 100.0, "Abandon_Rate_Pct": 0.0, "Queue_Agent_AHT": 540,
    },
}
B_EXPECTED = {("Queue", "7000"): {
    "Total_Calls_Entered": 2, "Total_Calls_Abandoned": 2, "Total_Calls_Answered_Queue": 0,
    "Average_Wait_Time": 24, "Average_Abandon_Time": 24, "Max_Wait_Time": 45, "Average_Speed_Of_Answer": 0,
    "Service_Level_Pct": 0.0, "Service_Factor": 0.0, "Abandon_Rate_Pct": 100.0,
}}


def _report(tmp_path, text: str, expected: dict, until: str = "10:30") -> dict:
    log = tmp_path / "tserver.log"
    log.write_text(text)
    names = sorted({n for values in expected.values() for n in values})
    args = ["report", str(log), "--date", "2026-01-01", "--tz", "UTC", "--until", until, "--format", "csv"]
    for n in names:
        args += ["--stat-type", n]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    df = pl.read_csv(io.StringIO(res.stdout), schema_overrides={"object_id": pl.String}).filter(
        pl.col("interval_start").str.contains("10:00:00"))
    got: dict = {}
    for r in df.iter_rows(named=True):
        got.setdefault((r["object_type"], r["object_id"]), {})[r["stat_type"]] = r["value"]
    return {k: {n: got.get(k, {}).get(n) for n in v} for k, v in expected.items()}


def test_example_a_from_log_text(tmp_path):
    got = _report(tmp_path, EXAMPLE_A, A_EXPECTED)
    assert got[("Queue", "7000")] == A_EXPECTED[("Queue", "7000")]
    agent = dict(A_EXPECTED[("Agent", "a1001")])
    assert got[("Agent", "a1001")] == agent


def test_example_a_occupancy_from_log_text(tmp_path):
    got = _report(tmp_path, EXAMPLE_A, {("Agent", "a1001"): {"Agent_Occupancy": None}})
    assert got[("Agent", "a1001")]["Agent_Occupancy"] == pytest.approx(100 * 546 / 1795)


def test_example_b_from_log_text(tmp_path):
    assert _report(tmp_path, EXAMPLE_B, B_EXPECTED) == B_EXPECTED


def test_explain_from_log_text_points_at_log_lines(tmp_path):
    log = tmp_path / "tserver.log"
    log.write_text(EXAMPLE_A)
    res = CliRunner().invoke(main, ["report", str(log), "--date", "2026-01-01", "--tz", "UTC",
                                    "--stat-type", "Average_Speed_Of_Answer", "--explain", "7000@10:00",
                                    "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pl.read_csv(io.StringIO(res.stdout))
    established = EXAMPLE_A.splitlines().index(
        "@10:05:18.7000 [0] 8.1.101.25 distribute_event: message EventEstablished") + 1
    assert df.select("action", "seconds", "line").rows() == [("CallAnswered", 18, established)]
    assert set(df["source"]) == {str(log)}


def test_events_parquet_input_gives_the_same_report(tmp_path):
    """INPUT may be an events Parquet (statcli.schema = events): derived on the fly, same values as from text."""
    from statcli.read.tserver import read_tserver_log
    from statcli.render.writers import write_parquet

    log = tmp_path / "tserver.log"
    log.write_text(EXAMPLE_B)
    ev = tmp_path / "events.parquet"
    write_parquet(read_tserver_log(log, date="2026-01-01", tz="UTC"), ev, "events")
    outs = []
    for src in (log, ev):
        res = CliRunner().invoke(main, ["report", str(src), "--date", "2026-01-01", "--tz", "UTC",
                                        "--stat-type", "Average_Abandon_Time", "--format", "json"])
        assert res.exit_code == 0, res.output
        outs.append(res.stdout)
    assert outs[0] == outs[1] and '"value": 24.0' in outs[0]


def test_foreign_parquet_is_a_user_error(tmp_path):
    p = tmp_path / "x.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(p)
    res = CliRunner().invoke(main, ["report", str(p), "--stat-type", "Max_Wait_Time"])
    assert res.exit_code == 2 and "this command reads logs or actions" in res.stderr
