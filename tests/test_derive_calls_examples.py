"""Worked examples of statserver-model.md §7 (regular-DN call part), schema and cluster mode (SSC-1/4)."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl

from statcli.derive import derive_actions
from statcli.derive.base import DeriveContext, finalize_actions
from statcli.derive.calls import derive_calls
from statcli.schema import ACTIONS, EVENTS, conform, validate

CALL_COLUMNS = ["action", "kind", "conn_id", "start", "end", "duration_s", "released_by"]


def T(h: int, m: int, s: int, ms: int = 0) -> datetime:
    return datetime(2026, 1, 1, h, m, s, ms * 1000, tzinfo=timezone.utc)


def _frame(rows: list[dict]) -> pl.DataFrame:
    df = pl.DataFrame(rows, infer_schema_length=None)
    return conform(df, EVENTS).with_columns(source=pl.lit("example.log"), line=pl.int_range(1, pl.len() + 1),
                                            server=pl.lit("TS"))


EXAMPLE_A = [
    dict(ts=T(10, 0, 0), event="EventAgentLogin", this_dn="7001", agent_id="a1001", this_queue="7000", work_mode=0),
    dict(ts=T(10, 0, 5), event="EventAgentReady", this_dn="7001", agent_id="a1001"),
    dict(ts=T(10, 5, 0, 250), event="EventQueued", this_dn="7000", conn_id="c1", call_type=2, ani="5551234",
         dnis="8005550100"),
    dict(ts=T(10, 5, 12, 400), event="EventDiverted", this_dn="7000", conn_id="c1", third_party_dn="7001"),
    dict(ts=T(10, 5, 12, 450), event="EventRinging", this_dn="7001", conn_id="c1", this_queue="7000", call_type=2),
    dict(ts=T(10, 5, 18, 700), event="EventEstablished", this_dn="7001", conn_id="c1", call_type=2),
    dict(ts=T(10, 8, 0), event="EventHeld", this_dn="7001", conn_id="c1"),
    dict(ts=T(10, 9, 0), event="EventRetrieved", this_dn="7001", conn_id="c1"),
    dict(ts=T(10, 12, 18, 900), event="EventReleased", this_dn="7001", conn_id="c1", releasing_party="2 Remote"),
    dict(ts=T(10, 12, 18, 950), event="EventCallDeleted", conn_id="c1", ctrl_party="5551234"),
    dict(ts=T(10, 12, 19), event="EventAgentNotReady", this_dn="7001", work_mode=3),
    dict(ts=T(10, 14, 19), event="EventAgentReady", this_dn="7001"),
]
VARIANT_B2 = [
    dict(ts=T(10, 27, 0), event="EventQueued", this_dn="7000", conn_id="c4", call_type=2),
    dict(ts=T(10, 27, 4), event="EventDiverted", this_dn="7000", conn_id="c4", third_party_dn="7001"),
    dict(ts=T(10, 27, 4, 50), event="EventRinging", this_dn="7001", conn_id="c4", this_queue="7000", call_type=2),
    dict(ts=T(10, 27, 9, 500), event="EventAbandoned", this_dn="7001", conn_id="c4", releasing_party="2 Remote"),
]
CTX = DeriveContext(dn_types={"7000": "ACDQueue", "7001": "Extension"})


def _calls(rows: list[dict], ctx: DeriveContext = CTX) -> pl.DataFrame:
    return finalize_actions([derive_calls(_frame(rows), ctx)], ctx)


def _rows(actions: pl.DataFrame) -> list[tuple]:
    return actions.sort("start", "end", "action").select(CALL_COLUMNS).rows()


def test_example_a_regular_dn_call_actions_exact():
    """§7.1 Example A, rows CALL-2, CALL-2 (a), CALL-3, CALL-5, CALL-5 (a), REL-2."""
    got = _calls(EXAMPLE_A)
    ring, ans, hold, rel = T(10, 5, 12, 450), T(10, 5, 18, 700), T(10, 8, 0), T(10, 12, 18, 900)
    assert _rows(got) == [
        ("CallRingingStarted", "momentary", "c1", ring, ring, 0, None),
        ("CallAnswered", "retrospective", "c1", ring, ans, 6, None),
        ("CallRinging", "durable", "c1", ring, ans, 6, None),
        ("CallInboundStarted", "momentary", "c1", ans, ans, 0, None),
        ("CallInbound", "durable", "c1", ans, rel, 420, "remote"),
        ("CallInboundCompleted", "retrospective", "c1", ans, rel, 420, "remote"),
        ("CallHeld", "momentary", "c1", hold, hold, 0, None),
        ("CallOnHold", "durable", "c1", hold, T(10, 9, 0), 60, None),
        ("CallRetrievedFromHold", "retrospective", "c1", hold, T(10, 9, 0), 60, None),
    ]
    # what the mediation family consumes: the queue, the agent and the DN on every row
    assert set(got["this_queue"]) == {"7000"} and set(got["agent_id"]) == {"a1001"}
    assert set(got["object_type"]) == {"RegDN"} and set(got["object_id"]) == {"7001"}
    # REL-3: event 10 adds no action; its CtrlParty is kept
    assert one_value(got.filter(pl.col("action") == "CallInbound"), "released_by_dn") == "5551234"


def test_example_b2_abandon_while_ringing_exact():
    """§7.2 variant B2 (after example A): CALL-2 (b) with ReleasingParty 2 Remote."""
    got = _calls(EXAMPLE_A + VARIANT_B2).filter(pl.col("conn_id") == "c4")
    ring, ab = T(10, 27, 4, 50), T(10, 27, 9, 500)
    assert _rows(got) == [
        ("CallRingingStarted", "momentary", "c4", ring, ring, 0, None),
        ("CallAbandonedFromRinging", "retrospective", "c4", ring, ab, 5, "remote"),
        ("CallRinging", "durable", "c4", ring, ab, 5, "remote"),
    ]
    assert one_value(got.filter(pl.col("action") == "CallRinging"), "end_reason") == "abandoned"


def test_example_b_queue_abandons_give_no_regular_dn_rows():
    """§7.2 Example B: calls abandoned while waiting in the queue never reach a regular DN (MED-4 only)."""
    example_b = [
        dict(ts=T(10, 20, 0, 100), event="EventQueued", this_dn="7000", conn_id="c2", call_type=2),
        dict(ts=T(10, 20, 45, 800), event="EventAbandoned", this_dn="7000", conn_id="c2", releasing_party="2 Remote"),
        dict(ts=T(10, 25, 0, 600), event="EventQueued", this_dn="7000", conn_id="c3", call_type=2),
        dict(ts=T(10, 25, 3, 200), event="EventAbandoned", this_dn="7000", conn_id="c3", releasing_party="2 Remote"),
    ]
    assert derive_calls(_frame(example_b), CTX).height == 0


def test_example_a_through_derive_actions_has_the_call_rows():
    """The step is wired into derive_actions (DN types inferred by OBJ-1)."""
    acts = derive_actions(_frame(EXAMPLE_A + VARIANT_B2))
    validate(acts, ACTIONS)
    calls = acts.filter(pl.col("action").str.starts_with("Call") & (pl.col("object_id") == "7001"))
    assert _rows(calls) == _rows(_calls(EXAMPLE_A + VARIANT_B2))


def test_schema_of_finalized_call_actions():
    got = _calls(EXAMPLE_A + VARIANT_B2)
    validate(got, ACTIONS)
    assert got["action_id"].n_unique() == got.height
    assert got.filter(pl.col("kind") == "momentary")["duration_s"].to_list() == [0] * 4
    assert set(got["dn_type"]) == {"Extension"} and set(got["start_known"]) == {True}


def test_empty_and_callless_events_give_a_valid_empty_frame():
    raw = derive_calls(_frame(EXAMPLE_A[:2]), CTX)
    assert raw.height == 0
    validate(finalize_actions([raw], CTX), ACTIONS)


def test_ssc_4_cluster_mode_drops_abandoned_from_ringing():
    cluster = DeriveContext(mode="cluster", dn_types=CTX.dn_types)
    regular_names = set(_calls(EXAMPLE_A + VARIANT_B2)["action"])
    cluster_names = set(_calls(EXAMPLE_A + VARIANT_B2, cluster)["action"])
    assert regular_names - cluster_names == {"CallAbandonedFromRinging"}
    assert "CallRinging" in cluster_names


def one_value(frame: pl.DataFrame, column: str):
    assert frame.height == 1
    return frame[column].item()


def _block(time: str, event: str, *attrs: str, context: str = "distribute_event") -> str:
    lines = [f"@{time} [0] 8.1.101.25 {context}: message {event}"] + [f"\t{a}" for a in attrs]
    return "\n".join(lines) + "\n"


EXAMPLE_A_LOG = "".join([
    _block("10:00:00.0000", "EventAgentLogin", "AttributeThisDN\t'7001'", "AttributeAgentID\t'a1001'",
           "AttributeThisQueue\t'7000'", "AttributeAgentWorkMode\t0"),
    _block("10:00:05.0000", "EventAgentReady", "AttributeThisDN\t'7001'", "AttributeAgentID\t'a1001'"),
    _block("10:05:00.2500", "EventQueued", "AttributeThisDN\t'7000'", "AttributeConnID\t00000000000000c1",
           "AttributeCallType\t2", "AttributeANI\t'5551234'", "AttributeDNIS\t'8005550100'"),
    _block("10:05:12.4000", "EventDiverted", "AttributeThisDN\t'7000'", "AttributeConnID\t00000000000000c1",
           "AttributeThirdPartyDN\t'7001'"),
    _block("10:05:12.4500", "EventRinging", "AttributeThisDN\t'7001'", "AttributeConnID\t00000000000000c1",
           "AttributeThisQueue\t'7000'", "AttributeCallType\t2"),
    _block("10:05:18.7000", "EventEstablished", "AttributeThisDN\t'7001'", "AttributeConnID\t00000000000000c1",
           "AttributeCallType\t2"),
    _block("10:08:00.0000", "EventHeld", "AttributeThisDN\t'7001'", "AttributeConnID\t00000000000000c1"),
    _block("10:09:00.0000", "EventRetrieved", "AttributeThisDN\t'7001'", "AttributeConnID\t00000000000000c1"),
    _block("10:12:18.9000", "EventReleased", "AttributeThisDN\t'7001'", "AttributeConnID\t00000000000000c1",
           "AttributeExtensions\t[30] 00 01 00 00..", "\t'ReleasingParty'\t'2 Remote'"),
    _block("10:12:18.9500", "EventCallDeleted", "AttributeConnID\t00000000000000c1", "AttributeCtrlParty\t'5551234'",
           context="distribute call/party event"),
    _block("10:12:19.0000", "EventAgentNotReady", "AttributeThisDN\t'7001'", "AttributeAgentWorkMode\t3"),
    _block("10:14:19.0000", "EventAgentReady", "AttributeThisDN\t'7001'"),
])
VARIANT_B2_LOG = "".join([
    _block("10:27:00.0000", "EventQueued", "AttributeThisDN\t'7000'", "AttributeConnID\t00000000000000c4",
           "AttributeCallType\t2"),
    _block("10:27:04.0000", "EventDiverted", "AttributeThisDN\t'7000'", "AttributeConnID\t00000000000000c4",
           "AttributeThirdPartyDN\t'7001'"),
    _block("10:27:04.0500", "EventRinging", "AttributeThisDN\t'7001'", "AttributeConnID\t00000000000000c4",
           "AttributeThisQueue\t'7000'", "AttributeCallType\t2"),
    _block("10:27:09.5000", "EventAbandoned", "AttributeThisDN\t'7001'", "AttributeConnID\t00000000000000c4",
           "AttributeExtensions\t[30] 00 01 00 00..", "\t'ReleasingParty'\t'2 Remote'"),
])


def test_example_a_from_log_text(tmp_path):
    """§7.1 Example A from T-Server log text: the parser's events give the same call rows (CALL-2/3/5, REL-2)."""
    from statcli.read.tserver import read_tserver_log

    log = tmp_path / "example_a.log"
    log.write_text(EXAMPLE_A_LOG)
    ev = read_tserver_log(log, date="2026-01-01", tz="UTC")
    assert ev.filter(pl.col("event") == "EventReleased")["releasing_party"].to_list() == ["remote"]
    got = _calls_from(ev)
    expected = _calls(EXAMPLE_A).with_columns(conn_id=pl.lit("00000000000000c1"))
    assert _rows(got) == _rows(expected)
    assert got.filter(pl.col("action") == "CallInbound")["released_by_dn"].to_list() == ["5551234"]
    assert set(got["source"]) == {str(log)}
    assert got.filter(pl.col("action") == "CallInboundCompleted")["line"].to_list() == [
        EXAMPLE_A_LOG.splitlines().index("@10:12:18.9000 [0] 8.1.101.25 distribute_event: message EventReleased") + 1]


def _calls_from(ev: pl.DataFrame) -> pl.DataFrame:
    return finalize_actions([derive_calls(ev, CTX)], CTX)


def test_example_b2_from_log_text(tmp_path):
    """§7.2 variant B2 from log text: CALL-2 (b) abandon while ringing, REL-2 from Extensions."""
    from statcli.read.tserver import read_tserver_log

    log = tmp_path / "example_b2.log"
    log.write_text(EXAMPLE_A_LOG + VARIANT_B2_LOG)
    got = _calls_from(read_tserver_log(log, date="2026-01-01", tz="UTC")).filter(
        pl.col("conn_id") == "00000000000000c4")
    expected = _calls(EXAMPLE_A + VARIANT_B2).filter(pl.col("conn_id") == "c4").with_columns(
        conn_id=pl.lit("00000000000000c4"))
    assert _rows(got) == _rows(expected)
    assert got["this_queue"].to_list() == ["7000"] * 3
