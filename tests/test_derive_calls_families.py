"""Regular-DN call action families, one by one (reference §2.3, rule IDs in the test names)."""

from __future__ import annotations

import polars as pl

from calls_support import at, derive, events, names, one


def _dn(event, t, conn="c1", dn="7001", **kw):
    return dict(t=t, event=event, this_dn=dn, conn_id=conn, **kw)


# --- CALL-1 CallDialing ---------------------------------------------------------------

def test_call_1a_dialing_established_emits_dialed_then_outbound():
    ev = events(_dn("EventDialing", 0, call_type=3), _dn("EventEstablished", 7.5, call_type=3))
    act = derive(ev)
    assert names(act) == ["CallDialed", "CallDialing", "CallDialingStarted", "CallOutbound",
                          "CallOutboundStarted"]
    dialing = one(act, "CallDialing")
    assert (dialing["start"], dialing["end"], dialing["end_reason"]) == (at(0), at(7.5), "answered")
    dialed = one(act, "CallDialed")
    assert (dialed["kind"], dialed["start"], dialed["end"], dialed["duration_s"]) == ("retrospective", at(0), at(7.5), 7)
    assert one(act, "CallOutbound")["end"] is None          # TIME-4: still open
    assert one(act, "CallOutbound")["call_type"] == 3


def test_call_1bcd_dialing_release_kinds():
    ev = events(_dn("EventDialing", 0, conn="t"), _dn("EventReleased", 2, conn="t", call_state=1),
                _dn("EventDialing", 10, conn="c"), _dn("EventReleased", 12, conn="c", call_state=2),
                _dn("EventDialing", 20, conn="a"), _dn("EventReleased", 25, conn="a", releasing_party="local"))
    act = derive(ev)
    assert one(act, "CallDialTransferred")["conn_id"] == "t"
    assert one(act, "CallDialConferenced")["conn_id"] == "c"
    abandoned = one(act, "CallAbandonedFromDialing")
    assert (abandoned["conn_id"], abandoned["duration_s"], abandoned["released_by"]) == ("a", 5, "local")
    assert not act["action"].str.starts_with("CallOutbound").any()


# --- CALL-2 CallRinging --------------------------------------------------------------

def test_call_2b_abandoned_while_ringing():
    ev = events(_dn("EventRinging", 0), _dn("EventAbandoned", 4))
    act = derive(ev)
    assert names(act) == ["CallAbandonedFromRinging", "CallRinging", "CallRingingStarted"]
    assert one(act, "CallRinging")["end_reason"] == "abandoned"


def test_call_2b_release_remote_or_without_party_is_abandon():
    ev = events(_dn("EventRinging", 0, conn="r"), _dn("EventReleased", 3, conn="r", releasing_party="remote"),
                _dn("EventRinging", 10, conn="n"), _dn("EventReleased", 13, conn="n"))
    act = derive(ev).filter(pl.col("action") == "CallAbandonedFromRinging").sort("conn_id")
    assert act.select("conn_id", "released_by").rows() == [("n", None), ("r", "remote")]


def test_call_2c_forwarded_by_divert_local_release_or_redirect_state():
    ev = events(_dn("EventRinging", 0, conn="d"), _dn("EventDiverted", 5, conn="d"),
                _dn("EventRinging", 10, conn="l"), _dn("EventReleased", 12, conn="l", releasing_party="local"),
                _dn("EventRinging", 20, conn="f"), _dn("EventReleased", 21, conn="f", call_state=23))
    act = derive(ev)
    fwd = act.filter(pl.col("action") == "CallForwarded").sort("conn_id")
    assert fwd.select("conn_id", "duration_s", "released_by").rows() == [
        ("d", 5, None), ("f", 1, None), ("l", 2, "local")]
    assert "CallAbandonedFromRinging" not in names(act)


def test_call_2d_party_change_while_ringing_rekeys():
    ev = events(_dn("EventRinging", 0, conn="c1", this_queue="7000"),
                _dn("EventPartyChanged", 3, conn="c2", previous_conn_id="c1"),
                _dn("EventEstablished", 8, conn="c2", call_type=2))
    act = derive(ev)
    ringing = one(act, "CallRinging")
    assert (ringing["start"], ringing["end"], ringing["conn_id"], ringing["this_queue"]) == (at(0), at(8), "c2", "7000")
    rpc = one(act, "CallRingingPartyChanged")
    assert (rpc["start"], rpc["end"], rpc["conn_id"]) == (at(0), at(3), "c2")
    assert one(act, "CallAnswered")["duration_s"] == 8
    assert one(act, "CallInboundStarted")["conn_id"] == "c2"
    assert "CallPartyChanged" not in names(act)


def test_call_2_reg_0_second_ringing_does_not_restart():
    ev = events(_dn("EventRinging", 0), _dn("EventRinging", 2), _dn("EventEstablished", 5))
    act = derive(ev)
    assert one(act, "CallRinging")["start"] == at(0)
    assert one(act, "CallRingingStarted")["start"] == at(0)


# --- CALL-3 / CALL-4 call-type actions -------------------------------------------------

def test_call_3_call_type_names_and_completed():
    ev = events(*[r for i, ct in enumerate([0, 1, 2, 3, 4, None])
                  for r in (_dn("EventEstablished", 10 * i, conn=f"c{i}", call_type=ct),
                            _dn("EventReleased", 10 * i + 4, conn=f"c{i}"))])
    act = derive(ev)
    durable = act.filter(pl.col("kind") == "durable").sort("start")
    assert durable["action"].to_list() == ["CallUnknown", "CallInternal", "CallInbound", "CallOutbound",
                                           "CallConsult", "CallUnknown"]
    completed = act.filter(pl.col("action").str.ends_with("Completed")).sort("start")
    assert completed["action"].to_list() == [a + "Completed" for a in durable["action"]]
    assert completed["duration_s"].to_list() == [4] * 6
    # no Originated / Received without dialing, ringing or a role (CALL-4)
    assert not act["action"].str.contains("Originated|Received").any()


def test_call_4_originated_and_received():
    ev = events(_dn("EventDialing", 0, conn="i", dn="7001"), _dn("EventRinging", 0.1, conn="i", dn="7002"),
                _dn("EventEstablished", 2, conn="i", dn="7002", call_type=1),
                _dn("EventEstablished", 2, conn="i", dn="7001", call_type=1),
                _dn("EventEstablished", 9, conn="k", dn="7003", call_type=4, this_dn_role=2))
    act = derive(ev)
    assert one(act, "CallInternalOriginated")["dn"] == "7001"
    assert one(act, "CallInternalReceived")["dn"] == "7002"
    assert one(act, "CallConsultReceived")["dn"] == "7003"
    originated = one(act, "CallInternalOriginated")
    assert (originated["start"], originated["end"]) == (at(2), None)


def test_call_3_open_call_has_no_completed():
    act = derive(events(_dn("EventEstablished", 0, call_type=2)))
    assert names(act) == ["CallInbound", "CallInboundStarted"]
    row = one(act, "CallInbound")
    assert row["end"] is None and row["duration"] is None and row["end_reason"] is None


def test_obs_3_release_of_unknown_call_produces_nothing():
    assert derive(events(_dn("EventReleased", 0), _dn("EventRetrieved", 1))).height == 0


# --- CALL-5 CallOnHold ------------------------------------------------------------------

def test_call_5_hold_ends():
    ev = events(_dn("EventEstablished", 0, conn="t"), _dn("EventHeld", 10, conn="t"), _dn("EventHeld", 11, conn="t"),
                _dn("EventReleased", 15, conn="t", call_state=1),
                _dn("EventEstablished", 20, conn="a"), _dn("EventHeld", 21, conn="a"),
                _dn("EventReleased", 24, conn="a", releasing_party="remote"),
                _dn("EventEstablished", 30, conn="o"), _dn("EventHeld", 31, conn="o"),
                _dn("EventReleased", 33, conn="o", releasing_party="local"))
    act = derive(ev)
    holds = act.filter(pl.col("action") == "CallOnHold").sort("conn_id")
    assert holds.select("conn_id", "start", "end_reason").rows() == [
        ("a", at(21), "abandoned"), ("o", at(31), "released"), ("t", at(10), "transferred")]
    assert one(act, "TransferredFromHold")["duration_s"] == 5
    assert one(act, "CallAbandonedFromHold")["released_by"] == "remote"
    assert act.filter(pl.col("action") == "CallHeld").height == 3      # the second EventHeld restarts nothing
    assert "CallRetrievedFromHold" not in names(act)


# --- CALL-6 CallObserved ------------------------------------------------------------------

def test_call_6_observer_gets_call_observed_only():
    ev = events(_dn("EventEstablished", 0, dn="7009", this_dn_role=10, call_type=2),
                _dn("EventPartyDeleted", 6, dn="7009", third_party_dn="7009"))
    act = derive(ev)
    assert names(act) == ["CallObserved"]
    row = one(act, "CallObserved")
    assert (row["duration_s"], row["end_reason"]) == (6, "party_deleted")


# --- CALL-9 / CALL-10 transfers ------------------------------------------------------------

def test_call_9_party_change_on_consult_leg_takes_transfer():
    ev = events(_dn("EventRinging", 0, conn="c2", dn="7002", call_type=4),
                _dn("EventEstablished", 2, conn="c2", dn="7002", call_type=4),
                _dn("EventPartyChanged", 10, conn="c1", dn="7002", previous_conn_id="c2", call_type=2),
                _dn("EventReleased", 40, conn="c1", dn="7002", releasing_party="remote"))
    act = derive(ev)
    consult = one(act, "CallConsult")
    assert (consult["end"], consult["end_reason"], consult["conn_id"]) == (at(10), "party_changed", "c2")
    assert one(act, "CallPartyChanged")["duration_s"] == 8
    assert "CallConsultCompleted" not in names(act)
    inbound = one(act, "CallInbound")
    assert (inbound["start"], inbound["end"], inbound["conn_id"]) == (at(10), at(40), "c1")
    assert "CallInboundStarted" not in names(act)
    assert one(act, "CallInboundCompleted")["released_by"] == "remote"
    assert one(act, "CallTransferTaken")["start"] == at(10)
    assert "CallTransferPartyChanged" not in names(act)


def test_call_9_party_change_elsewhere_is_transfer_party_changed():
    ev = events(_dn("EventEstablished", 0, conn="c1", call_type=2),
                _dn("EventHeld", 5, conn="c1"),
                _dn("EventPartyChanged", 10, conn="c3", transfer_conn_id="c1", call_type=2),
                _dn("EventRetrieved", 12, conn="c3"))
    act = derive(ev)
    assert "CallTransferPartyChanged" in names(act) and "CallTransferTaken" not in names(act)
    hold = one(act, "CallOnHold")                      # the hold moves to the new ConnID
    assert (hold["start"], hold["end"], hold["conn_id"]) == (at(5), at(12), "c3")


def test_call_10_transfer_made_and_single_step_taken():
    ev = events(_dn("EventEstablished", 0, conn="c1", dn="7001", call_type=2),
                _dn("EventReleased", 20, conn="c1", dn="7001", call_state=1),
                _dn("EventRinging", 20.1, conn="c1", dn="7002", third_party_dn_role=7, call_type=2))
    act = derive(ev)
    made = one(act, "CallTransferMade")
    assert (made["dn"], made["start"]) == ("7001", at(20))
    assert one(act, "CallInboundCompleted")["end_reason"] == "transferred"
    assert one(act, "CallTransferTaken")["dn"] == "7002"


# --- CALL-11 conferences ----------------------------------------------------------------------

def test_call_11_conference_roles():
    ev = events(_dn("EventEstablished", 0, conn="c1", dn="7001", call_type=2),
                _dn("EventEstablished", 1, conn="c1", dn="7005", call_type=2),
                _dn("EventDialing", 5, conn="c2", dn="7001"),
                _dn("EventPartyAdded", 20, conn="c1", dn="7001", transfer_conn_id="c2", third_party_dn="7002"),
                _dn("EventPartyAdded", 20, conn="c1", dn="7002", this_dn_role=3),
                _dn("EventPartyAdded", 20, conn="c1", dn="7005", third_party_dn="7002"),
                _dn("EventPartyDeleted", 30, conn="c1", dn="7005", third_party_dn="7001"),
                _dn("EventReleased", 30, conn="c1", dn="7001", releasing_party="local"))
    act = derive(ev)
    assert one(act, "CallConferenceMade")["dn"] == "7001"
    assert one(act, "CallConferenceJoined")["dn"] == "7002"
    assert one(act, "CallConferencePartyAdded")["dn"] == "7005"
    assert one(act, "CallConferencePartyDeleted")["dn"] == "7005"
    orig = one(act, "CallConferenceOriginated")
    assert (orig["dn"], orig["start"], orig["end"], orig["released_by"]) == ("7001", at(20), at(30), "local")


# --- STUCK-1, REG-8 / REG-9c, REG-10 ----------------------------------------------------------

def test_stuck_1_call_deleted_while_ringing():
    ev = events(_dn("EventRinging", 0), dict(t=30, event="EventCallDeleted", conn_id="c1"),
                _dn("EventReleased", 31))
    act = derive(ev)
    assert names(act) == ["CallRinging", "CallRingingStarted", "StuckCallCleanedWhileRinging"]
    assert one(act, "CallRinging")["end_reason"] == "stuck_cleaned"
    assert one(act, "StuckCallCleanedWhileRinging")["duration_s"] == 30


def test_stuck_1_established_call_ends_without_retrospective():
    ev = events(_dn("EventEstablished", 0, call_type=2), dict(t=9, event="EventCallDeleted", conn_id="c1"))
    act = derive(ev)
    assert names(act) == ["CallInbound", "CallInboundStarted"]
    assert (one(act, "CallInbound")["end"], one(act, "CallInbound")["end_reason"]) == (at(9), "stuck_cleaned")


def test_reg_8_calls_query_starts_call_type_with_unknown_start():
    ev = events(_dn("EventAddressInfo", 0, address_info_type=9, call_type=2),
                _dn("EventReleased", 50, releasing_party="remote"))
    act = derive(ev)
    assert names(act) == ["CallInbound", "CallInboundCompleted", "CallInboundStarted"]
    assert act["start_known"].to_list() == [False, False, False]
    assert one(act, "CallInbound")["duration_s"] == 50


def test_reg_0_repeated_calls_query_does_not_restart():
    ev = events(_dn("EventEstablished", 0, call_type=2), _dn("EventAddressInfo", 5, address_info_type=9, call_type=2),
                _dn("EventAddressInfo", 6, address_info_type=17, call_type=2))
    act = derive(ev)
    assert names(act) == ["CallInbound", "CallInboundStarted"]
    assert one(act, "CallInbound")["start_known"] is True


def test_reg_9c_calls_query_alerting_and_held():
    ev = events(_dn("EventAddressInfo", 0, conn="r", address_info_type=9, address_info_status=4, call_type=2),
                _dn("EventAddressInfo", 0, conn="h", address_info_type=9, address_info_status=5, call_type=2))
    act = derive(ev)
    assert one(act, "CallRinging")["conn_id"] == "r"
    assert one(act, "CallOnHold")["conn_id"] == "h"
    assert not act["action"].is_in(["CallRingingStarted", "CallHeld"]).any()


def test_reg_10_monitoring_loss_ends_calls_without_retrospective():
    ev = events(_dn("EventEstablished", 0, conn="c1", call_type=2), _dn("EventHeld", 2, conn="c1"),
                _dn("EventRinging", 0, conn="c9", dn="7002", call_type=2),
                dict(t=5, event="EventDNOutOfService", this_dn="7001"),
                dict(t=8, event="EventLinkDisconnected"),
                _dn("EventReleased", 9, conn="c1"))
    act = derive(ev)
    assert names(act) == ["CallHeld", "CallInbound", "CallInboundStarted", "CallOnHold", "CallRinging",
                          "CallRingingStarted"]
    durable = act.filter(pl.col("kind") == "durable").sort("dn", "action")
    assert durable.select("dn", "action", "end", "end_reason").rows() == [
        ("7001", "CallInbound", at(5), "monitoring_lost"), ("7001", "CallOnHold", at(5), "monitoring_lost"),
        ("7002", "CallRinging", at(8), "monitoring_lost")]


# --- scope, agent and attached data -------------------------------------------------------------

def test_obj_1_mediation_dns_are_not_regular():
    ev = events(_dn("EventRinging", 0, dn="7000"), _dn("EventEstablished", 1, dn="7000"))
    assert derive(ev, q7000="ACDQueue").height == 0
    assert derive(ev).height > 0            # default type: Extension


def test_dn_5_prop_3_agent_id_is_the_login_at_that_time():
    ev = events(_dn("EventEstablished", 0, conn="c0"), dict(t=1, event="EventAgentLogin", this_dn="7001", agent_id="a1"),
                _dn("EventEstablished", 2, conn="c1"), dict(t=3, event="EventAgentLogout", this_dn="7001", agent_id="a1"),
                _dn("EventEstablished", 4, conn="c2"))
    act = derive(ev).filter(pl.col("action") == "CallUnknown").sort("conn_id")
    assert act["agent_id"].to_list() == [None, "a1", None]


def test_1_4_user_data_is_the_calls_data_when_the_action_ended():
    kv = lambda v: [{"key": "Segment", "value": v}]
    ev = events(_dn("EventRinging", 0, user_data=kv("gold")),
                dict(t=3, event="EventAttachedDataChanged", this_dn="7000", conn_id="c1", user_data=kv("vip")),
                _dn("EventEstablished", 4), _dn("EventReleased", 9),
                dict(t=20, event="EventAttachedDataChanged", this_dn="7000", conn_id="c1", user_data=kv("late")))
    act = derive(ev)
    assert one(act, "CallRingingStarted")["user_data"] == kv("gold")
    assert one(act, "CallAnswered")["user_data"] == kv("vip")
    assert one(act, "CallUnknownCompleted")["user_data"] == kv("vip")


def test_every_emittable_name_is_a_regular_dn_catalog_action():
    """Catalog as data: the rule tables only name actions the catalog lists for regular DNs (seed 002)."""
    from statcli.catalog.actions import action_names
    from statcli.derive import call_rules as R
    from statcli.derive.call_rules import CALL_TYPE_NAMES, DIRECTIONAL_TYPES, FAMILIES

    names_ = set()
    for durable, rules in FAMILIES.values():
        for name in [durable, *(r.retro for r in rules), *(r.started for r in rules)]:
            if name:
                names_ |= {name.replace("{type}", t) for t in CALL_TYPE_NAMES.values()}
    names_ |= {f"Call{t}{d}" for t in DIRECTIONAL_TYPES for d in ("Originated", "Received")}
    names_ |= {"CallRingingPartyChanged", "CallTransferMade", "CallTransferTaken", "CallTransferPartyChanged",
               "CallConferenceMade", "CallConferenceJoined", "CallConferencePartyAdded",
               "CallConferencePartyDeleted"}
    assert names_ <= set(action_names("regular_dn"))
    assert R.CALLS_QUERY == 9


def test_call_10_consultation_transfer_counts_one_transfer_made():
    """CALL-10: both legs released Transferred on the transferring DN → one CallTransferMade ([rec L])."""
    ev = events(_dn("EventEstablished", 0, conn="c1", call_type=2), _dn("EventHeld", 5, conn="c1"),
                _dn("EventDialing", 6, conn="c2"), _dn("EventEstablished", 9, conn="c2", call_type=4),
                _dn("EventReleased", 20, conn="c2", call_state=1), _dn("EventReleased", 20.1, conn="c1", call_state=1))
    act = derive(ev)
    made = one(act, "CallTransferMade")
    assert (made["conn_id"], made["start"]) == ("c1", at(20.1))
    assert one(act, "TransferredFromHold")["duration_s"] == 15
    assert one(act, "CallConsultOriginated")["end_reason"] == "transferred"
    assert one(act, "CallDialed")["duration_s"] == 3


def test_call_11_conference_as_sip_server_reports_it():
    """CALL-11 with ThisDNRole 9 ConferencedBy on the requester; the consulted DN's party change
    with CallState 2 (Conferenced) merges a conference and is no transfer (CALL-9 [rec L])."""
    ev = events(_dn("EventEstablished", 0, conn="c1", dn="7003", call_type=2),
                _dn("EventHeld", 5, conn="c1", dn="7003"),
                _dn("EventDialing", 6, conn="c2", dn="7003", this_dn_role=1),
                _dn("EventRinging", 6.1, conn="c2", dn="6002", call_type=4),
                _dn("EventEstablished", 9, conn="c2", dn="6002", call_type=4),
                _dn("EventEstablished", 9, conn="c2", dn="7003", call_type=4),
                _dn("EventReleased", 20, conn="c2", dn="7003", releasing_party="local"),
                _dn("EventRetrieved", 20.1, conn="c1", dn="7003"),
                _dn("EventPartyChanged", 20.2, conn="c1", dn="6002", previous_conn_id="c2", call_state=2,
                    this_dn_role=3, third_party_dn="7003", third_party_dn_role=9, call_type=2),
                _dn("EventPartyAdded", 20.3, conn="c1", dn="7003", this_dn_role=9, third_party_dn="6002",
                    third_party_dn_role=4),
                _dn("EventPartyAdded", 20.4, conn="c1", dn="6002", this_dn_role=4, third_party_dn="7003",
                    third_party_dn_role=9),
                _dn("EventPartyDeleted", 60, conn="c1", dn="7003", third_party_dn="6002", third_party_dn_role=8),
                _dn("EventReleased", 60.1, conn="c1", dn="6002", releasing_party="local"))
    act = derive(ev)
    assert one(act, "CallConferenceMade")["dn"] == "7003"
    assert one(act, "CallConferenceJoined")["dn"] == "6002"
    assert one(act, "CallConferencePartyDeleted")["dn"] == "7003"
    assert "CallConferencePartyAdded" not in names(act)
    assert not act["action"].is_in(["CallTransferTaken", "CallTransferPartyChanged", "CallTransferMade"]).any()
    orig = one(act, "CallConferenceOriginated")
    assert (orig["start"], orig["end"]) == (at(20.3), None)      # 7003 is still on the call
    assert one(act, "CallPartyChanged")["dn"] == "6002"
    inbound = act.filter(pl.col("action") == "CallInbound").sort("dn")
    assert inbound.select("dn", "start", "end").rows() == [("6002", at(20.2), at(60.1)), ("7003", at(0), None)]


def test_design_3_minimal_event_frames_are_conformed():
    """DESIGN §3: a notebook frame with only the columns a call needs still derives."""
    import polars as pl
    from statcli.derive.base import DeriveContext
    from statcli.derive.calls import derive_calls

    ev = pl.DataFrame({"ts": [at(0), at(4)], "event": ["EventRinging", "EventAbandoned"],
                       "this_dn": ["7001", "7001"], "conn_id": ["c1", "c1"]})
    assert sorted(derive_calls(ev, DeriveContext())["action"]) == [
        "CallAbandonedFromRinging", "CallRinging", "CallRingingStarted"]


def test_reg_10_with_the_core_monitoring_losses():
    """REG-10 through derive_actions' context (ctx.monitoring_losses from statcli.derive.monitoring)."""
    from statcli.derive import build_context, prepare_events
    from statcli.derive.base import finalize_actions
    from statcli.derive.calls import derive_calls

    ev = prepare_events(events(dict(t=0, event="EventRegistered", this_dn="7001", server="TS"),
                               _dn("EventEstablished", 1, call_type=2, server="TS"),
                               dict(t=5, event="EventLinkDisconnected", server="TS"),
                               dict(t=9, event="EventLinkConnected", server="TS"),
                               _dn("EventReleased", 12, server="TS")))
    ctx = build_context(ev)
    assert ctx.monitoring_losses.height == 1
    act = finalize_actions([derive_calls(ev, ctx)], ctx)
    assert names(act) == ["CallInbound", "CallInboundStarted"]
    assert (one(act, "CallInbound")["end"], one(act, "CallInbound")["end_reason"]) == (at(5), "monitoring_lost")


def test_stuck_1_deleting_a_connid_the_leg_has_left_cleans_nothing():
    """STUCK-1 after CALL-9: the consultation ConnID is deleted after the transfer; the call goes on."""
    ev = events(_dn("EventRinging", 0, conn="c2", call_type=4), _dn("EventEstablished", 2, conn="c2", call_type=4),
                _dn("EventPartyChanged", 10, conn="c1", previous_conn_id="c2", call_type=2),
                dict(t=10.5, event="EventCallDeleted", conn_id="c2"),
                _dn("EventReleased", 30, conn="c1", releasing_party="remote"))
    act = derive(ev)
    inbound = one(act, "CallInbound")
    assert (inbound["end"], inbound["end_reason"]) == (at(30), "released")
    assert "CallInboundCompleted" in names(act)


def test_call_9_party_change_does_not_merge_a_call_still_going_on():
    """CALL-9 legs: the old ConnID still has events on the DN later, so they are two calls."""
    ev = events(_dn("EventEstablished", 0, conn="c1", call_type=2),
                _dn("EventPartyChanged", 5, conn="c2", previous_conn_id="c1", call_type=1),
                _dn("EventReleased", 8, conn="c1"), _dn("EventReleased", 9, conn="c2"))
    act = derive(ev)
    assert one(act, "CallInbound")["end"] == at(8)
    assert one(act, "CallInternal")["end"] == at(9)
    assert "CallPartyChanged" not in names(act)
