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
