"""Mediation reflections: MED-2 links, MED-10..18, QLINK-1/2, MED-19, VQ-4/5, CALL-8."""

from __future__ import annotations

import polars as pl

from mediation_fixtures import derive, events, regular, rows, t
from statcli.objects import Objects

Q = {"7000": "ACDQueue", "7100": "ACDQueue", "7001": "Extension", "7002": "Extension"}
VQ = {"5000": "RoutingPoint", "VQ1": "VirtualQueue", "7001": "Extension"}


def queue_to(dn="7001", conn="c1", q="7000", at=("10:00:00", "10:00:10")):
    """A call waiting at ``q`` and diverted to ``dn`` (MED-1, MED-2)."""
    return [dict(ts=at[0], event="EventQueued", this_dn=q, conn_id=conn, call_type=2),
            dict(ts=at[1], event="EventDiverted", this_dn=q, conn_id=conn, third_party_dn=dn)]


def login(dn="7001", q="7000", agent="a1", ts="09:00:00"):
    return dict(ts=ts, event="EventAgentLogin", this_dn=dn, this_queue=q, agent_id=agent)


def test_med10_call_answered_carries_time_from_queue_entry():
    # MED-10: CallAnswered on the queue from entry into the queue to the answer at the DN.
    ev = events(*queue_to())
    reg = regular(dict(action="CallAnswered", dn="7001", conn_id="c1", start="10:00:10.1", end="10:00:16.5"))
    assert rows(derive(ev, Q, reg), "object_id", "start", "end", "duration_s", action="CallAnswered") == [
        ("7000", t("10:00:00"), t("10:00:16.5"), 16)]


def test_med10_established_without_ringing_is_answered():
    # MED-10: the DN establishes the call without ringing (Call<Type>Started, no CallAnswered).
    ev = events(*queue_to())
    reg = regular(dict(action="CallInboundStarted", dn="7001", conn_id="c1", start="10:00:11"),
                  dict(action="CallInbound", dn="7001", conn_id="c1", start="10:00:11"))
    assert rows(derive(ev, Q, reg), "object_id", "duration_s", action="CallAnswered") == [("7000", 11)]


def test_med11_example_b2_abandoned_while_ringing():
    # §7.2 variant B2 / MED-11: CallAbandonedFromRinging on the queue from entry, released_by copied.
    ev = events(*queue_to(conn="c4", at=("10:27:00", "10:27:04")))
    reg = regular(dict(action="CallRinging", dn="7001", conn_id="c4", start="10:27:04.050", end="10:27:09.500",
                       released_by="remote", end_reason="abandoned"),
                  dict(action="CallAbandonedFromRinging", dn="7001", conn_id="c4", start="10:27:04.050",
                       end="10:27:09.500", released_by="remote"))
    a = derive(ev, Q, reg)
    assert rows(a, "action", "kind", "start", "end", "duration_s", "released_by", object_id="7000") == sorted([
        ("CallAbandonedFromRinging", "retrospective", t("10:27:00"), t("10:27:09.500"), 9, "remote"),
        ("CallDistributed", "retrospective", t("10:27:00"), t("10:27:04"), 4, None),
        ("CallEntered", "momentary", t("10:27:00"), t("10:27:00"), 0, None),
        ("CallWait", "durable", t("10:27:00"), t("10:27:04"), 4, None),
    ])


def test_med12_13_14_carry_the_ringing_time_at_the_dn():
    # MED-12 CallForwarded, MED-13 CallRingingPartyChanged, MED-14 StuckCallCleanedWhileRinging.
    ev = events(*queue_to(conn="c1"), *queue_to(conn="c2", at=("10:01:00", "10:01:05")),
                *queue_to(conn="c3", at=("10:02:00", "10:02:05")))
    reg = regular(
        dict(action="CallForwarded", dn="7001", conn_id="c1", start="10:00:10", end="10:00:25", released_by="local"),
        dict(action="CallRingingPartyChanged", dn="7001", conn_id="c2", start="10:01:05", end="10:01:07"),
        dict(action="StuckCallCleanedWhileRinging", dn="7001", conn_id="c3", start="10:02:05", end="10:03:05"))
    a = derive(ev, Q, reg)
    got = [r for r in rows(a, "action", "duration_s", "released_by", object_id="7000", kind="retrospective")
           if r[0] != "CallDistributed"]
    assert got == [("CallForwarded", 15, "local"), ("CallRingingPartyChanged", 2, None),
                   ("StuckCallCleanedWhileRinging", 60, None)]


def test_med2_link_from_ringing_this_queue_without_diversion():
    # MED-2: EventRinging with ThisQueue = M records the link when M reports no diversion.
    ev = events(dict(ts="10:00:00", event="EventQueued", this_dn="7000", conn_id="c1"),
                dict(ts="10:00:05", event="EventRinging", this_dn="7001", conn_id="c1", this_queue="7000"))
    reg = regular(dict(action="CallAnswered", dn="7001", conn_id="c1", start="10:00:05", end="10:00:08"))
    assert rows(derive(ev, Q, reg), "object_id", "duration_s", action="CallAnswered") == [("7000", 8)]


def test_no_reflection_for_a_call_the_queue_did_not_distribute():
    # MED-10..14 need the MED-2 link: another DN's answer is not reflected.
    ev = events(*queue_to(dn="7002"))
    reg = regular(dict(action="CallAnswered", dn="7001", conn_id="c1", start="10:00:10", end="10:00:12"))
    assert rows(derive(ev, Q, reg), "object_id", action="CallAnswered") == []


def test_call9_link_follows_the_party_change():
    # CALL-9 + MED-15: a consultation through queue 7100 (ConnID c2) transferred to 7002, where the
    # call continues as c1 (PreviousConnID c2); its release is CallReleased on 7100.
    ev = events(login(dn="7002", q="7100", agent="a2"),
                *queue_to(dn="7002", conn="c2", q="7100", at=("10:00:00", "10:00:02")),
                dict(ts="10:00:20", event="EventPartyChanged", this_dn="7002", conn_id="c1",
                     previous_conn_id="c2"))
    reg = regular(dict(action="CallConsult", dn="7002", conn_id="c2", start="10:00:03", end="10:00:20",
                       end_reason="party_changed"),
                  dict(action="CallInbound", dn="7002", conn_id="c1", start="10:00:20", end="10:05:00",
                       end_reason="released", released_by="local"))
    a = derive(ev, Q, reg)
    assert rows(a, "action", "conn_id", "duration_s", "released_by", object_id="7100", kind="retrospective") == [
        ("CallDistributed", "c2", 2, None), ("CallReleased", "c1", 280, "local")]


def test_med15_16_released_and_missed_need_the_queue_agent_link():
    # MED-15 CallReleased (distributed from M), MED-16 CallMissed (a direct call to M's agent).
    ev = events(login(), *queue_to())
    reg = regular(dict(action="CallInbound", dn="7001", conn_id="c1", start="10:00:12", end="10:03:12",
                       released_by="remote", end_reason="released"),
                  dict(action="CallInternal", dn="7001", conn_id="c9", start="10:04:00", end="10:05:00",
                       released_by="local", end_reason="released"),
                  dict(action="CallInbound", dn="7001", conn_id="c8", start="10:06:00", end="10:06:30",
                       end_reason="monitoring_lost"))  # REG-10: no reflection
    a = derive(ev, Q, reg)
    assert rows(a, "action", "conn_id", "duration_s", "released_by", action="CallReleased") == [
        ("CallReleased", "c1", 180, "remote")]
    assert rows(a, "action", "conn_id", "duration_s", "released_by", action="CallMissed") == [
        ("CallMissed", "c9", 60, "local")]


def test_qlink4_no_link_no_qlink_reflections():
    # QLINK-4 / MED-15: without ThisQueue at login and without Origination DNs, no CallReleased.
    ev = events(dict(ts="09:00:00", event="EventAgentLogin", this_dn="7001", agent_id="a1"), *queue_to())
    reg = regular(dict(action="CallInbound", dn="7001", conn_id="c1", start="10:00:12", end="10:03:12"))
    a = derive(ev, Q, reg)
    assert rows(a, "action", action="CallReleased") == [] and rows(a, "action", action="DNLogin") == []


def test_med17_18_acw_completed_and_missed():
    # MED-17: ACW linked to a call from M -> ACWCompleted; MED-18: ACW of another call -> ACWMissed.
    ev = events(login(), *queue_to())
    reg = regular(dict(action="AfterCallWork", dn="7001", conn_id="c1", start="10:03:13", end="10:04:13"),
                  dict(action="AfterCallWork", dn="7001", conn_id="c9", start="10:06:00", end="10:06:30"),
                  dict(action="AfterCallWork", dn="7001", start="10:08:00", end="10:08:05"))
    a = derive(ev, Q, reg)
    got = [r for r in rows(a, "action", "conn_id", "duration_s", object_id="7000", kind="retrospective")
           if r[0].startswith("ACW")]
    assert got == [("ACWCompleted", "c1", 60), ("ACWMissed", None, 5), ("ACWMissed", "c9", 30)]


def test_qlink1_queue_logout_ends_the_link():
    # QLINK-1 / MED-19a: EventQueueLogout for M ends DNLogin; later calls are no longer reflected.
    ev = events(login(), dict(ts="09:30:00", event="EventQueueLogout", this_dn="7001", this_queue="7000"))
    reg = regular(dict(action="CallInbound", dn="7001", conn_id="c9", start="10:00:00", end="10:01:00"))
    a = derive(ev, Q, reg)
    assert rows(a, "action", "start", "end", "end_reason", action="DNLogin") == [
        ("DNLogin", t("09:00:00"), t("09:30:00"), "logged_out")]
    assert rows(a, "action", action="CallMissed") == []


def test_qlink1_agent_logout_without_queue_ends_every_queue():
    # QLINK-1: EventAgentLogout without ThisQueue ends the DN's links to all queues.
    ev = events(login(q="7000"), login(q="7100"), dict(ts="09:10:00", event="EventAgentLogout", this_dn="7001"))
    a = derive(ev, Q)
    assert rows(a, "object_id", "end", action="DNLogin") == [("7000", t("09:10:00")), ("7100", t("09:10:00"))]


def test_qlink2_origination_dns_from_objects():
    # QLINK-2: the agent group's Origination DNs link the agent while logged in anywhere.
    objects = Objects(agents={"a1": {"name": None, "place": None}}, agent_groups={"Sales": ["a1"]},
                      origination_dns={"Sales": ["7000"]})
    ev = events(dict(ts="09:00:00", event="EventAgentLogin", this_dn="7001", agent_id="a1"), *queue_to())
    reg = regular(dict(action="LoggedIn", dn="7001", agent_id="a1", start="09:00:00", end="11:00:00"),
                  dict(action="CallInbound", dn="7001", conn_id="c1", start="10:00:12", end="10:03:12"))
    a = derive(ev, Q, reg, objects=objects)
    assert rows(a, "action", "duration_s", action="CallReleased") == [("CallReleased", 180)]
    assert rows(a, "action", "agent_id", "start", "end", action="AgentLogin") == [
        ("AgentLogin", "a1", t("09:00:00"), t("11:00:00"))]


def test_med19_pseudo_actions_end_at_monitoring_loss():
    # MED-19 + REG-10: the login period on the queue ends with monitoring_lost.
    ev = events(login(), dict(ts="09:20:00", event="EventLinkDisconnected"))
    reg = regular(dict(action="WaitForNextCall", dn="7001", start="09:00:00", end="09:20:00",
                       end_reason="monitoring_lost"))
    a = derive(ev, Q, reg)
    assert rows(a, "action", "end", "end_reason", action="DNLogin") == [
        ("DNLogin", t("09:20:00"), "monitoring_lost")]
    assert rows(a, "action", "start", "end", action="DNReady") == [("DNReady", t("09:00:00"), t("09:20:00"))]


def test_med19_pseudo_actions_resume_after_restore():
    # MED-19 + REG-10: after EventLinkConnected the queue login (no logout seen) resumes, start_known false.
    ev = events(login(), dict(ts="09:20:00", event="EventLinkDisconnected"),
                dict(ts="09:25:00", event="EventLinkConnected"),
                dict(ts="09:40:00", event="EventAgentLogout", this_dn="7001", this_queue="7000"))
    reg = regular(dict(action="WaitForNextCall", dn="7001", start="09:00:00", end="09:20:00",
                       end_reason="monitoring_lost"),
                  dict(action="WaitForNextCall", dn="7001", start="09:25:00", end="09:40:00"))
    a = derive(ev, Q, reg)
    assert rows(a, "start", "end", "end_reason", "start_known", action="DNLogin") == [
        (t("09:00:00"), t("09:20:00"), "monitoring_lost", True),
        (t("09:25:00"), t("09:40:00"), "logged_out", False)]
    assert rows(a, "start", "end", action="AgentReady") == [(t("09:00:00"), t("09:20:00")),
                                                            (t("09:25:00"), t("09:40:00"))]


def test_vq4_virtual_queue_reflections_without_login():
    # VQ-3/VQ-4: the VQ diversion's ThirdPartyDN gets CallAnswered and CallReleased on the VQ
    # (no queue-agent link needed), but no CallForwarded.
    ev = events(dict(ts="10:00:00", event="EventQueued", this_dn="VQ1", conn_id="c1"),
                dict(ts="10:00:04", event="EventDiverted", this_dn="VQ1", conn_id="c1", third_party_dn="7001"))
    reg = regular(dict(action="CallForwarded", dn="7001", conn_id="c1", start="10:00:04", end="10:00:06"),
                  dict(action="CallAnswered", dn="7001", conn_id="c1", start="10:00:04", end="10:00:09"),
                  dict(action="CallInbound", dn="7001", conn_id="c1", start="10:00:09", end="10:01:09",
                       released_by="remote"))
    a = derive(ev, VQ, reg)
    assert rows(a, "action", "duration_s", "released_by", object_id="VQ1", kind="retrospective") == [
        ("CallAnswered", 9, None), ("CallDistributed", 4, None), ("CallReleased", 60, "remote")]


def test_vq5_routing_point_and_virtual_queue_both_reflect():
    # VQ-5: the call waits at the routing point and in the virtual queue; both reflect the answer.
    ev = events(dict(ts="10:00:00", event="EventRouteRequest", this_dn="5000", conn_id="c1"),
                dict(ts="10:00:01", event="EventQueued", this_dn="VQ1", conn_id="c1"),
                dict(ts="10:00:05", event="EventDiverted", this_dn="VQ1", conn_id="c1", third_party_dn="7001"),
                dict(ts="10:00:05", event="EventRouteUsed", this_dn="5000", conn_id="c1", other_dn="7001"))
    reg = regular(dict(action="CallAnswered", dn="7001", conn_id="c1", start="10:00:05", end="10:00:10"))
    a = derive(ev, VQ, reg)
    assert rows(a, "object_type", "object_id", "duration_s", action="CallAnswered") == [
        ("Queue", "VQ1", 9), ("RoutePoint", "5000", 10)]


def test_call8_origdn_actions_from_other_dn_origination():
    # CALL-8: OtherDN with OtherDNRole 1 on EventQueued is the originating DN.
    ev = events(dict(ts="10:00:00", event="EventDialing", this_dn="7002", conn_id="c1"),
                dict(ts="10:00:01", event="EventQueued", this_dn="7000", conn_id="c1", other_dn="7002",
                     other_dn_role=1),
                dict(ts="10:00:06", event="EventDiverted", this_dn="7000", conn_id="c1", third_party_dn="7001"),
                dict(ts="10:01:00", event="EventQueued", this_dn="7000", conn_id="c2", other_dn="7002",
                     other_dn_role=1),
                dict(ts="10:01:30", event="EventAbandoned", this_dn="7000", conn_id="c2", releasing_party="local"))
    a = derive(ev, Q)
    got = rows(a, "object_type", "action", "conn_id", "duration_s", "released_by", "this_queue", dn="7002")
    assert got == [
        ("RegDN", "OrigDNCallAbandoned", "c2", 30, "local", "7000"),
        ("RegDN", "OrigDNCallDistributed", "c1", 5, None, "7000"),
        ("RegDN", "OrigDNCallEntered", "c1", 0, None, "7000"),
        ("RegDN", "OrigDNCallEntered", "c2", 0, None, "7000"),
        ("RegDN", "OrigDNCallWait", "c1", 5, None, "7000"),
        ("RegDN", "OrigDNCallWait", "c2", 30, "local", "7000"),
    ]


def test_call8_origdn_from_dialing_and_not_for_external_origin():
    # CALL-8: the DN that dialed the ConnID originates it; an unmonitored OtherDN (a trunk) does not.
    ev = events(dict(ts="10:00:01", event="EventQueued", this_dn="7000", conn_id="c1", other_dn="5551234",
                     other_dn_role=1))
    reg = regular(dict(action="CallDialing", dn="7002", conn_id="c1", start="10:00:00", end="10:00:01"))
    a = derive(ev, Q, reg)
    assert rows(a, "object_id", "action", object_type="RegDN") == [
        ("7002", "OrigDNCallEntered"), ("7002", "OrigDNCallWait")]
    assert derive(ev, Q).filter(pl.col("object_type") == "RegDN").height == 0
