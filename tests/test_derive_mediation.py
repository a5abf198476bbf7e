"""Mediation DNs, queue side: MED-1 to MED-7, VQ-1 to VQ-3, REL-3, REG-10, worked examples A and B."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation_fixtures import (EXAMPLE_A_EVENTS, EXAMPLE_A_REGULAR, EXAMPLE_A_TYPES, derive, events,
                                regular, rows, t)
from statcli.derive.base import DeriveContext, finalize_actions
from statcli.derive.mediation import derive_mediation
from statcli.schema import ACTIONS, validate

Q = {"7000": "ACDQueue", "7001": "Extension", "7002": "Extension"}
RP = {"5000": "RoutingPoint", "7000": "ACDQueue", "7001": "Extension", "VQ1": "VirtualQueue"}
COLS = ("object_type", "object_id", "action", "kind", "conn_id", "start", "end", "duration_s", "released_by")


def queued(ts="10:00:00", dn="7000", conn="c1", **kw):
    return dict(ts=ts, event="EventQueued", this_dn=dn, conn_id=conn, call_type=2, **kw)


def test_med1_callwait_starts_once_and_emits_callentered():
    # MED-1: a second EventQueued for the same ConnID does not restart CallWait; MED-1a CallEntered.
    ev = events(queued("10:00:00"), queued("10:00:03"),
                dict(ts="10:00:10", event="EventDiverted", this_dn="7000", conn_id="c1", third_party_dn="7001"))
    a = derive(ev, Q)
    assert rows(a, "action", "start", "end", action="CallWait") == [("CallWait", t("10:00:00"), t("10:00:10"))]
    assert rows(a, "kind", "start", action="CallEntered") == [("momentary", t("10:00:00"))]


def test_med1_routing_point_route_request_and_route_used():
    # MED-1 (routing point) + MED-2 (EventRouteUsed, target in OtherDN); object type RoutePoint.
    ev = events(dict(ts="10:00:00", event="EventRouteRequest", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:02", event="EventRouteUsed", this_dn="5000", conn_id="c1", other_dn="7001"),
                dict(ts="10:00:02.1", event="EventDiverted", this_dn="5000", conn_id="c1", third_party_dn="7001"))
    a = derive(ev, RP)
    assert rows(a, "object_type", "action", "duration_s", object_id="5000") == [
        ("RoutePoint", "CallDistributed", 2), ("RoutePoint", "CallEntered", 0), ("RoutePoint", "CallWait", 2)]


def test_med2_route_used_without_destination_takes_the_next_diversion_target():
    # MED-2: EventRouteUsed without OtherDN / ThirdPartyDN, then EventDiverted to 7001 at once.
    ev = events(dict(ts="10:00:00", event="EventRouteRequest", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:02", event="EventRouteUsed", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:02.2", event="EventDiverted", this_dn="5000", conn_id="c1", third_party_dn="7001"))
    assert rows(derive(ev, RP), "action", "duration_s", kind="retrospective") == [("CallDistributed", 2)]


def test_med2_distributed_target_falls_back_to_other_dn():
    # MED-2: EventDiverted without ThirdPartyDN takes the target from OtherDN (and links it).
    ev = events(queued("10:00:00"), dict(ts="10:00:07", event="EventDiverted", this_dn="7000", conn_id="c1",
                                         other_dn="7001"))
    a = derive(ev, Q)
    assert rows(a, "action", "duration_s", "end_reason", action="CallWait") == [("CallWait", 7, "distributed")]
    assert rows(a, "action", action="CallDistributed") == [("CallDistributed",)]


def test_med3_distributed_to_queue_replaces_distributed():
    # MED-3: a routing point routing to an ACD queue emits CallDistributedToQueue, not CallDistributed.
    ev = events(dict(ts="10:00:00", event="EventRouteRequest", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:01", event="EventRouteUsed", this_dn="5000", conn_id="c1", other_dn="7000"),
                queued("10:00:01.1"))
    a = derive(ev, RP)
    assert rows(a, "action", object_id="5000", kind="retrospective") == [("CallDistributedToQueue",)]
    assert rows(a, "action", object_id="7000", action="CallWait") == [("CallWait",)]


@pytest.mark.parametrize("event,party", [("EventAbandoned", "remote"), ("EventReleased", "remote"),
                                         ("EventAbandoned", None)])
def test_med4_call_abandoned(event, party):
    # MED-4: EventAbandoned, or EventReleased with ReleasingParty 2 Remote, ends CallWait with CallAbandoned.
    ev = events(queued("10:00:00"), dict(ts="10:00:09.5", event=event, this_dn="7000", conn_id="c1",
                                         releasing_party=party))
    a = derive(ev, Q)
    assert rows(a, "action", "duration_s", "released_by", kind="retrospective") == [("CallAbandoned", 9, party)]
    assert rows(a, "end_reason", "released_by", action="CallWait") == [("abandoned", party)]


@pytest.mark.parametrize("end", [
    dict(event="EventReleased", releasing_party="local"),
    dict(event="EventReleased"),
    dict(event="EventDiverted", third_party_dn="7001", call_state=19),
    dict(event="EventDiverted"),  # a route to an empty destination
])
def test_med5_call_cleared(end):
    # MED-5: any other end of CallWait is CallCleared.
    ev = events(queued("10:00:00"), dict(ts="10:00:04", this_dn="7000", conn_id="c1") | end)
    a = derive(ev, Q)
    assert rows(a, "action", "duration_s", kind="retrospective") == [("CallCleared", 4)]
    assert rows(a, "end_reason", action="CallWait") == [("cleared",)]


def test_med6_stuck_call_cleaned_while_waiting():
    # MED-6 / STUCK-1: EventCallDeleted while the call still waits.
    ev = events(queued("10:00:00"), dict(ts="10:01:00", event="EventCallDeleted", conn_id="c1"))
    a = derive(ev, Q)
    assert rows(a, "action", "duration_s", kind="retrospective") == [("StuckCallCleaned", 60)]
    assert rows(a, "end_reason", action="CallWait") == [("stuck_cleaned",)]


def test_med6_call_deleted_after_normal_end_changes_nothing():
    # STUCK-1 applies only to actions still going on.
    ev = events(queued("10:00:00"), dict(ts="10:00:05", event="EventAbandoned", this_dn="7000", conn_id="c1"),
                dict(ts="10:00:05.1", event="EventCallDeleted", conn_id="c1"))
    assert rows(derive(ev, Q), "action", kind="retrospective") == [("CallAbandoned",)]


def test_med7_treatments():
    # MED-7: CallTreatmentStarted / Completed (retro, treatment time) / NotStarted.
    ev = events(dict(ts="10:00:00", event="EventRouteRequest", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:01", event="EventTreatmentApplied", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:31", event="EventTreatmentEnd", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:32", event="EventTreatmentNotApplied", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:40", event="EventTreatmentEnd", this_dn="5000", conn_id="c2"))  # OBS-3
    a = derive(ev, RP)
    assert rows(a, "action", "kind", "duration_s", "conn_id", action="CallTreatmentCompleted") == [
        ("CallTreatmentCompleted", "retrospective", 30, "c1")]
    assert rows(a, "action", "start", kind="momentary", object_id="5000") == [
        ("CallEntered", t("10:00:00")), ("CallTreatmentNotStarted", t("10:00:32")),
        ("CallTreatmentStarted", t("10:00:01"))]


def test_obs3_end_without_observed_start_produces_nothing():
    # OBS-3: an EventAbandoned for a call never seen waiting gives no action.
    ev = events(dict(ts="10:00:00", event="EventAbandoned", this_dn="7000", conn_id="c9"), queued("10:00:01"))
    a = derive(ev, Q)
    assert rows(a, "action", "end", conn_id="c9") == []
    assert rows(a, "action", "end", action="CallWait") == [("CallWait", None)]


def test_time4_wait_running_at_end_of_data_is_open():
    # TIME-4: still waiting when the logs end -> end null, no retrospective action.
    a = derive(events(queued("10:00:00")), Q)
    assert rows(a, "action", "end", "duration", kind="durable") == [("CallWait", None, None)]
    assert rows(a, "action", kind="retrospective") == []


def test_rel3_released_by_from_call_based_report():
    # REL-3: no ReleasingParty on the DN event -> CtrlParty of EventCallDeleted within 2 s.
    ev = events(queued("10:00:00"), dict(ts="10:00:05", event="EventAbandoned", this_dn="7000", conn_id="c1"),
                dict(ts="10:00:05.5", event="EventCallDeleted", conn_id="c1", ctrl_party="5551234"))
    a = derive(ev, Q)
    assert rows(a, "action", "released_by", "released_by_dn", action="CallAbandoned") == [
        ("CallAbandoned", "remote", "5551234")]


@pytest.mark.parametrize("loss", [dict(event="EventLinkDisconnected"),
                                  dict(event="EventDNOutOfService", this_dn="7000")])
def test_reg10_monitoring_loss_ends_wait_without_retrospective(loss):
    # REG-10: CallWait ends with monitoring_lost; no CallAbandoned for the later abandon.
    ev = events(queued("10:00:00"), dict(ts="10:00:30") | loss,
                dict(ts="10:00:40", event="EventAbandoned", this_dn="7000", conn_id="c1"))
    a = derive(ev, Q)
    assert rows(a, "action", "end", "end_reason", kind="durable") == [("CallWait", t("10:00:30"), "monitoring_lost")]
    assert rows(a, "action", kind="retrospective") == []


def test_vq1_virtual_queue_scope_and_object():
    # VQ-1: a virtual queue follows MED-1 to MED-5 with object type Queue and scope virtual_queue.
    ev = events(queued("10:00:00", dn="VQ1"),
                dict(ts="10:00:03", event="EventDiverted", this_dn="VQ1", conn_id="c1", third_party_dn="7001"))
    raw = derive_mediation(ev, DeriveContext(dn_types=RP), None)
    assert rows(raw, "object_type", "scope", "action", object_id="VQ1") == [
        ("Queue", "virtual_queue", "CallDistributed"), ("Queue", "virtual_queue", "CallEntered"),
        ("Queue", "virtual_queue", "CallWait")]


def test_vq2_redirected_diversion_is_cleared():
    # VQ-2: a virtual-queue EventDiverted with CallState 22 Redirected ends CallWait with CallCleared.
    ev = events(queued("10:00:00", dn="VQ1"),
                dict(ts="10:00:03", event="EventDiverted", this_dn="VQ1", conn_id="c1", third_party_dn="7001",
                     call_state=22))
    a = derive(ev, RP)
    assert rows(a, "action", "duration_s", kind="retrospective") == [("CallCleared", 3)]
    assert rows(a, "end_reason", action="CallWait") == [("cleared",)]


def test_vq2_redirected_on_acd_queue_is_still_distributed():
    # VQ-2 is specific to virtual queues: CallState 22 on an ACD queue diversion distributes.
    ev = events(queued("10:00:00"),
                dict(ts="10:00:03", event="EventDiverted", this_dn="7000", conn_id="c1", third_party_dn="7001",
                     call_state=22))
    assert rows(derive(ev, Q), "action", kind="retrospective") == [("CallDistributed",)]


# --- worked examples (statserver-model.md §7) ---------------------------------------------

def test_example_b_abandoned_while_waiting():
    # §7.2 Example B: MED-1, MED-1a, MED-4 with exact rows.
    ev = events(queued("10:20:00.100", conn="c2"),
                dict(ts="10:20:45.800", event="EventAbandoned", this_dn="7000", conn_id="c2", releasing_party="remote"),
                queued("10:25:00.600", conn="c3"),
                dict(ts="10:25:03.200", event="EventAbandoned", this_dn="7000", conn_id="c3", releasing_party="remote"))
    a = derive(ev, Q)
    assert rows(a, *COLS) == sorted([
        ("Queue", "7000", "CallWait", "durable", "c2", t("10:20:00.100"), t("10:20:45.800"), 45, "remote"),
        ("Queue", "7000", "CallEntered", "momentary", "c2", t("10:20:00.100"), t("10:20:00.100"), 0, None),
        ("Queue", "7000", "CallAbandoned", "retrospective", "c2", t("10:20:00.100"), t("10:20:45.800"), 45, "remote"),
        ("Queue", "7000", "CallWait", "durable", "c3", t("10:25:00.600"), t("10:25:03.200"), 3, "remote"),
        ("Queue", "7000", "CallEntered", "momentary", "c3", t("10:25:00.600"), t("10:25:00.600"), 0, None),
        ("Queue", "7000", "CallAbandoned", "retrospective", "c3", t("10:25:00.600"), t("10:25:03.200"), 3, "remote"),
    ], key=lambda r: tuple("" if x is None else str(x) for x in r))


def test_example_a_queue_side():
    # §7.1 Example A: every Queue 7000 row (MED-1, MED-1a, MED-2, MED-10, MED-15, MED-17, MED-19).
    a = derive(events(*EXAMPLE_A_EVENTS), EXAMPLE_A_TYPES, regular(*EXAMPLE_A_REGULAR))
    call_rows = [r for r in rows(a, *COLS, object_id="7000") if r[4] is not None]
    expected = [
        ("Queue", "7000", "CallWait", "durable", "c1", t("10:05:00.250"), t("10:05:12.400"), 12, None),
        ("Queue", "7000", "CallEntered", "momentary", "c1", t("10:05:00.250"), t("10:05:00.250"), 0, None),
        ("Queue", "7000", "CallDistributed", "retrospective", "c1", t("10:05:00.250"), t("10:05:12.400"), 12, None),
        ("Queue", "7000", "CallAnswered", "retrospective", "c1", t("10:05:00.250"), t("10:05:18.700"), 18, None),
        ("Queue", "7000", "CallReleased", "retrospective", "c1", t("10:05:18.700"), t("10:12:18.900"), 420, "remote"),
        ("Queue", "7000", "ACWCompleted", "retrospective", "c1", t("10:12:19"), t("10:14:19"), 120, None),
    ]
    assert call_rows == sorted(expected, key=lambda r: tuple("" if x is None else str(x) for x in r))
    # MED-19: pseudo-actions follow the DN status of 7001.
    ready = [(s, e) for _, s, e in rows(a, "object_id", "start", "end", action="DNReady")]
    active = [(s, e) for _, s, e in rows(a, "object_id", "start", "end", action="DNActive")]
    assert sorted(ready, key=str) == sorted([(t("10:00:05"), t("10:05:12.450")), (t("10:12:18.900"), t("10:12:19")),
                                             (t("10:14:19"), None)], key=str)
    assert sorted(active, key=str) == sorted([(t("10:00:00"), t("10:00:05")), (t("10:05:12.450"), t("10:12:18.900")),
                                              (t("10:12:19"), t("10:14:19"))], key=str)
    assert rows(a, "action", "dn", "agent_id", "start", "end", kind="durable", action="DNLogin") == [
        ("DNLogin", "7000", None, t("10:00:00"), None)]
    assert rows(a, "action", "agent_id", "start", "end", action="AgentLogin") == [
        ("AgentLogin", "a1001", t("10:00:00"), None)]
    assert rows(a, "agent_id", action="AgentReady") == [("a1001",)] * 3


def test_output_validates_against_actions_schema():
    # DESIGN §3: the finalized output of this family is an ACTIONS table.
    a = derive(events(*EXAMPLE_A_EVENTS), EXAMPLE_A_TYPES, regular(*EXAMPLE_A_REGULAR))
    validate(a, ACTIONS)
    assert a["action_id"].n_unique() == a.height


def test_ssc1_cluster_mode_drops_unavailable_mediation_actions():
    # SSC-1 / SSC-4: CallAbandonedFromRinging on a queue is not available in SS_c mode; CallWait is.
    ev = events(queued("10:27:00", conn="c4"),
                dict(ts="10:27:04", event="EventDiverted", this_dn="7000", conn_id="c4", third_party_dn="7001"))
    reg = regular(dict(action="CallAbandonedFromRinging", dn="7001", conn_id="c4", start="10:27:04.050",
                       end="10:27:09.500", released_by="remote"))
    regular_mode = derive(ev, Q, reg)
    cluster = derive(ev, Q, reg, mode="cluster")
    assert "CallAbandonedFromRinging" in regular_mode["action"].to_list()
    assert "CallAbandonedFromRinging" not in cluster["action"].to_list()
    assert set(cluster["action"]) == {"CallWait", "CallEntered", "CallDistributed"}


def test_no_mediation_dns_gives_empty_frame():
    ev = events(dict(ts="10:00:00", event="EventRinging", this_dn="7001", conn_id="c1"))
    out = derive_mediation(ev, DeriveContext(dn_types={"7001": "Extension"}), None)
    assert out.height == 0 and "scope" in out.columns
    assert finalize_actions([out], DeriveContext()).height == 0


# --- invariants over generated event sequences ------------------------------------------

_QUEUE_EVENTS = st.sampled_from([
    dict(event="EventQueued"), dict(event="EventDiverted", third_party_dn="7001"),
    dict(event="EventDiverted", third_party_dn="7001", call_state=19), dict(event="EventAbandoned"),
    dict(event="EventReleased", releasing_party="remote"), dict(event="EventReleased", releasing_party="local"),
    dict(event="EventCallDeleted"),
])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_QUEUE_EVENTS, st.sampled_from(["c1", "c2", "c3"])), min_size=1, max_size=25))
def test_med1_to_med6_invariants(seq):
    # MED-1..6: every CallWait has one CallEntered at its start, and every ended CallWait exactly one
    # retrospective action with the same start and end; a wait never ends before it starts.
    ev = events(*[dict(ts=f"10:00:{i:02d}", this_dn="7000" if e["event"] != "EventCallDeleted" else None,
                       conn_id=c, **e) for i, (e, c) in enumerate(seq)])
    a = derive(ev, Q)
    waits = a.filter(pl.col("action") == "CallWait")
    entered = a.filter(pl.col("action") == "CallEntered")
    retro = a.filter(pl.col("kind") == "retrospective")
    assert sorted(waits.select("conn_id", "start").rows()) == sorted(entered.select("conn_id", "start").rows())
    closed = waits.filter(pl.col("end").is_not_null())
    assert sorted(closed.select("conn_id", "start", "end").rows()) == sorted(retro.select("conn_id", "start", "end").rows())
    assert (closed["end"] >= closed["start"]).all()
    # a second start before the end never opens a second wait for the same call at the same time
    for conn, grp in waits.group_by("conn_id"):
        spans = sorted(grp.select("start", "end").rows())
        for (s1, e1), (s2, _) in zip(spans, spans[1:]):
            assert e1 is not None and e1 <= s2
