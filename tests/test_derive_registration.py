"""Newly registered DNs, exactly as seed 001 (REG-0 to REG-9e, REG-1a, REG-10 reconnect).

REG-8 and REG-9c (CallsQuery) belong to the calls family and are tested there.
"""

from __future__ import annotations

import polars as pl
import pytest

from derive_support import events, kv, rows_of, secs, spans
from statcli.derive import derive_actions, prepare_events
from statcli.derive.registration import registration_summary, snapshots

WORK = ("WaitForNextCall", "NotReadyForNextCall", "AfterCallWork")


def ev(t, event, dn="7001", **kw):
    return {"t": t, "event": event, "this_dn": dn, **kw}


def reg(t, dn="7001", **ext):
    """EventRegistered with Extensions (a snapshot, REG-2)."""
    return ev(t, "EventRegistered", dn, extensions=kv(**ext) if ext else None)


def dn_status(t, dn="7001", **ext):
    """EventAddressInfo, info type 17 DNStatus (REG-2)."""
    return ev(t, "EventAddressInfo", dn, address_info_type=17, extensions=kv(**ext))


def login(t, mode=2):
    return ev(t, "EventAgentLogin", agent_id="a1", work_mode=mode)


# --- REG-1 / REG-1a --------------------------------------------------------------------

def test_reg1_error_instead_of_registered_creates_no_snapshot_actions():
    acts = derive_actions(events(ev(0, "EventError", error_code=71), ev(30, "EventOffHook")))
    assert set(rows_of(acts, "LoggedOut", "OnHook", *WORK)["action"]) == set()
    # the DN keeps only Monitored until its next non-error event, processed normally
    assert spans(acts, "Monitored", "OffHook") == [("Monitored", 0, None, None), ("OffHook", 30, None, None)]


def test_reg1a_next_non_error_event_is_processed_normally():
    acts = derive_actions(events(ev(0, "EventError"), ev(5, "EventError"), login(10)))
    assert spans(acts, "LoggedIn", "WaitForNextCall") == [("LoggedIn", 10, None, None),
                                                          ("WaitForNextCall", 10, None, None)]


def test_reg1_registration_summary_counts_dns_never_registered():
    summary = registration_summary(prepare_events(events(ev(0, "EventError"), reg(1, "7002"))))
    assert summary.rows() == [("7001", 0, 1), ("7002", 1, 0)]


# --- REG-2 / REG-2a --------------------------------------------------------------------

def test_reg2_registered_without_extensions_uses_the_dn_status_address_info():
    acts = derive_actions(events(reg(0), dn_status(0.1, AgentID="a1", AgentStatus=2)))
    assert spans(acts, "LoggedIn", *WORK) == [("LoggedIn", 0.1, None, None), ("WaitForNextCall", 0.1, None, None)]


def test_reg2_the_answered_registration_itself_starts_nothing():
    # no LoggedOut between EventRegistered and the EventAddressInfo that answers it
    acts = derive_actions(events(reg(0), dn_status(0.1, AgentID="a1", AgentStatus=2)))
    assert rows_of(acts, "LoggedOut").height == 0
    acts = derive_actions(events(reg(0), dn_status(0.1)))
    assert spans(acts, "LoggedOut") == [("LoggedOut", 0.1, None, None)]


def test_reg2_calls_query_address_info_is_not_a_dn_status_snapshot():
    acts = derive_actions(events(ev(0, "EventAddressInfo", address_info_type=9,
                                    extensions=kv(AgentID="a1", AgentStatus=2))))
    assert rows_of(acts, "LoggedIn", *WORK).height == 0


def test_reg2a_no_address_info_means_no_snapshot_later_events_normal():
    acts = derive_actions(events(reg(0), ev(20, "EventAgentReady", agent_id="a1")))
    assert spans(acts, *WORK) == [("WaitForNextCall", 20, None, None)]
    # DN-6: the registration without AgentID started LoggedOut, ended by the OBS-2 login evidence
    assert spans(acts, "LoggedOut", "LoggedIn") == [("LoggedOut", 0, 20, "snapshot"), ("LoggedIn", 20, None, None)]


def test_reg2_snapshot_fields_parsed_from_extensions():
    snap = snapshots(prepare_events(events(reg(0, AgentStatus="4", AgentID="a9"), reg(1))))
    assert snap.select("snapshot", "agent_id", "agent_status", "agent_info").rows() == [
        (True, "a9", 4, True), (False, None, None, False)]


# --- REG-3 / REG-3a --------------------------------------------------------------------

def test_reg3_logged_out_ends_when_a_snapshot_reports_an_agent_id():
    acts = derive_actions(events(reg(0), reg(50, AgentID="a1")))
    assert spans(acts, "LoggedOut", "LoggedIn") == [("LoggedOut", 0, 50, "snapshot"), ("LoggedIn", 50, None, None)]
    li = rows_of(acts, "LoggedIn").row(0, named=True)
    assert (li["agent_id"], li["start_known"]) == ("a1", False)     # REG-3a, REG-9e
    assert rows_of(acts, "AgentLogin").height == 0


# --- REG-4 .. REG-7 --------------------------------------------------------------------

@pytest.mark.parametrize("rule, before, status, after", [
    ("REG-4", 4, 2, "WaitForNextCall"),        # NotReady (work mode 4) → READY
    ("REG-4", 3, 2, "WaitForNextCall"),        # ACW → READY
    ("REG-5", None, 3, "NotReadyForNextCall"),  # Wait → NOT_READY
    ("REG-5", 3, 3, "NotReadyForNextCall"),     # ACW → NOT_READY
    ("REG-6", None, 4, "AfterCallWork"),        # Wait → ACW
    ("REG-6", 4, 4, "AfterCallWork"),           # NotReady → ACW
    ("REG-7", None, 5, "NotReadyForNextCall"),  # Wait → Walk_Away
    ("REG-7", 3, 5, "NotReadyForNextCall"),     # ACW → Walk_Away
])
def test_reg4_to_reg7_snapshot_agent_status(rule, before, status, after):
    rows = [login(0, mode=2)]
    if before is not None:
        rows.append(ev(5, "EventAgentNotReady", work_mode=before))
    rows.append(reg(60, AgentID="a1", AgentStatus=status))
    got = spans(derive_actions(events(*rows)), *WORK)
    assert got[-1] == (after, 60, None, None), rule
    assert got[-2][2:] == (60, "snapshot"), rule


def test_reg6_snapshot_acw_is_not_interaction_related():
    acts = derive_actions(events(login(0), ev(10, "EventEstablished", conn_id="c1"),
                                 ev(20, "EventReleased", conn_id="c1"), reg(30, AgentID="a1", AgentStatus=4)))
    acw = rows_of(acts, "AfterCallWork").row(0, named=True)
    assert (secs(acw["start"]), acw["conn_id"], acw["start_known"]) == (30, None, False)


def test_reg9a_matching_action_already_going_on_changes_nothing():
    acts = derive_actions(events(login(0), reg(60, AgentID="a1", AgentStatus=2), reg(70, AgentID="a1", AgentStatus=2)))
    assert spans(acts, *WORK) == [("WaitForNextCall", 0, None, None)]
    assert rows_of(acts, "WaitForNextCall")["start_known"].to_list() == [True]


def test_reg9a_snapshot_starts_work_state_when_none_is_going_on():
    acts = derive_actions(events(reg(0, AgentID="a1", AgentStatus=5)))
    assert spans(acts, *WORK) == [("NotReadyForNextCall", 0, None, None)]


@pytest.mark.parametrize("status", [0, 1, 6, 9])
def test_reg9b_other_agent_status_codes_leave_the_work_state(status):
    acts = derive_actions(events(login(0), reg(60, AgentID="a1", AgentStatus=status)))
    assert spans(acts, *WORK) == [("WaitForNextCall", 0, None, None)]


def test_reg9d_snapshot_with_agent_info_but_no_agent_id_logs_out():
    acts = derive_actions(events(login(0), reg(60, AgentStatus=3)))
    assert spans(acts, "LoggedIn", "LoggedOut", *WORK) == [
        ("LoggedIn", 0, 60, "snapshot"), ("WaitForNextCall", 0, 60, "snapshot"), ("LoggedOut", 60, None, None)]
    out = rows_of(acts, "AgentLogout").row(0, named=True)
    assert (secs(out["start"]), secs(out["end"]), out["duration_s"]) == (0, 60, 60)


def test_reg0_registration_without_agent_data_does_not_log_out():
    # another client's registration (no Extensions): the snapshot only fills gaps
    acts = derive_actions(events(login(0), reg(60)))
    assert spans(acts, "LoggedIn", "LoggedOut") == [("LoggedIn", 0, None, None)]


def test_reg9e_snapshot_starts_are_marked_start_unknown():
    acts = derive_actions(events(reg(0, AgentID="a1", AgentStatus=4)))
    started = rows_of(acts, "LoggedIn", "AfterCallWork", "OnHook", "Monitored")
    assert started["start_known"].to_list() == [False] * 4


def test_reg10_same_initialisation_after_link_reconnect():
    acts = derive_actions(events(
        reg(0, AgentID="a1", AgentStatus=2),
        {"t": 10, "event": "EventLinkDisconnected"}, {"t": 20, "event": "EventLinkConnected"},
        reg(21, AgentID="a1", AgentStatus=4)))
    assert spans(acts, "LoggedIn", *WORK) == [
        ("LoggedIn", 0, 10, "monitoring_lost"), ("WaitForNextCall", 0, 10, "monitoring_lost"),
        ("AfterCallWork", 21, None, None), ("LoggedIn", 21, None, None)]
    assert rows_of(acts, "AfterCallWork")["start_known"].to_list() == [False]


def test_reg10_error_after_reconnect_holds_the_dn():
    acts = derive_actions(events(
        reg(0, AgentID="a1", AgentStatus=2), {"t": 10, "event": "EventLinkDisconnected"},
        {"t": 20, "event": "EventLinkConnected"}, ev(21, "EventError"),
        ev(40, "EventAgentNotReady", work_mode=4, agent_id="a1")))
    after = rows_of(acts, "LoggedIn", *WORK).filter(pl.col("start") > pl.col("start").min())
    assert [(a, secs(s)) for a, s in after.select("action", "start").rows()] == [
        ("LoggedIn", 40), ("NotReadyForNextCall", 40)]   # nothing between the error and the next event
