"""Regular-DN actions not related to interactions: DN-1..16, ACW-1, OBS-2, REG-10, MED-8/9.

Each test names the reference rule (reference/statserver-model.md §2.2) it checks.
"""

from __future__ import annotations

import polars as pl
import pytest

from derive_support import T0, at, events, rows_of, secs, spans
from statcli.derive import derive_actions
from statcli.derive.base import DeriveContext, finalize_actions
from statcli.derive.monitoring import close_at_monitoring_loss
from statcli.errors import UserError
from statcli.schema import ACTIONS, validate

LOGIN = {"event": "EventAgentLogin", "this_dn": "7001", "agent_id": "a1001"}


def login(t, **kw):
    return {**LOGIN, "t": t, **kw}


def ev(t, event, dn="7001", **kw):
    return {"t": t, "event": event, "this_dn": dn, **kw}


# --- Example A (§7.1), the regular-DN rows --------------------------------------------

def example_a():
    return events(
        ev(-7200, "EventRegistered"),
        login(0, this_queue="7000", work_mode=0),
        ev(5, "EventAgentReady", agent_id="a1001"),
        ev(300.25, "EventQueued", "7000", conn_id="c1", call_type=2),
        ev(312.4, "EventDiverted", "7000", conn_id="c1", third_party_dn="7001"),
        ev(312.45, "EventRinging", conn_id="c1", this_queue="7000", call_type=2),
        ev(318.7, "EventEstablished", conn_id="c1", call_type=2),
        ev(480, "EventHeld", conn_id="c1"),
        ev(540, "EventRetrieved", conn_id="c1"),
        ev(738.9, "EventReleased", conn_id="c1", releasing_party="remote"),
        {"t": 738.95, "event": "EventCallDeleted", "conn_id": "c1", "ctrl_party": "5551234"},
        ev(739, "EventAgentNotReady", work_mode=3),
        ev(859, "EventAgentReady"),
    )


def test_example_a_agent_rows_dn5_dn6_dn7_dn9_dn10_dn11_acw1():
    acts = derive_actions(example_a())
    got = rows_of(acts, "LoggedOut", "LoggedIn", "AgentLogin", "NotReadyForNextCall", "WaitForNextCall",
                  "AfterCallWork", dn="7001")
    assert got.select("action", "kind", "duration_s", "conn_id", "agent_id").rows() == [
        ("LoggedOut", "durable", 7200, None, None),
        ("AgentLogin", "momentary", 0, None, "a1001"),
        ("LoggedIn", "durable", None, None, "a1001"),
        ("NotReadyForNextCall", "durable", 5, None, "a1001"),
        ("WaitForNextCall", "durable", 734, None, "a1001"),
        ("AfterCallWork", "durable", 120, "c1", "a1001"),   # ACW-1: linked to the released call
        ("WaitForNextCall", "durable", None, None, "a1001"),
    ]
    assert [secs(s) for s in got["start"]] == [-7200, 0, 0, 0, 5, 739, 859]
    validate(acts, ACTIONS)


def test_dn14_calls_do_not_end_the_work_state():
    acts = derive_actions(example_a())
    wait = rows_of(acts, "WaitForNextCall", dn="7001").row(0, named=True)
    assert (secs(wait["start"]), secs(wait["end"]), wait["end_reason"]) == (5, 739, "after_call_work")


# --- login -----------------------------------------------------------------------------

def test_dn8_agent_logout_carries_the_logged_in_period():
    acts = derive_actions(events(login(0), ev(100.5, "EventAgentLogout", agent_id="a1001")))
    out = rows_of(acts, "AgentLogout").row(0, named=True)
    assert (out["kind"], secs(out["start"]), secs(out["end"]), out["duration_s"]) == ("retrospective", 0, 100.5, 100)
    assert out["line"] == 20   # the logout event's line
    assert spans(acts, "LoggedIn", "LoggedOut") == [("LoggedIn", 0, 100.5, "logout"),
                                                     ("LoggedOut", 100.5, None, None)]


def test_dn5_logout_from_one_of_two_queues_keeps_logged_in():
    acts = derive_actions(events(
        login(0, this_queue="7000"), login(1, this_queue="7100"),
        ev(10, "EventAgentLogout", this_queue="7000"), ev(20, "EventAgentLogout", this_queue="7100")))
    assert spans(acts, "LoggedIn") == [("LoggedIn", 0, 20, "logout")]
    assert rows_of(acts, "AgentLogout").height == 1
    assert rows_of(acts, "AgentLogin").height == 1   # the second queue login starts no new LoggedIn


def test_dn5_logout_without_queue_ends_every_login():
    acts = derive_actions(events(login(0, this_queue="7000"), login(1, this_queue="7100"),
                                 ev(10, "EventAgentLogout")))
    assert spans(acts, "LoggedIn") == [("LoggedIn", 0, 10, "logout")]


def test_obs2_agent_state_event_without_known_login_starts_logged_in():
    acts = derive_actions(events(ev(3, "EventAgentReady", agent_id="a7")))
    li = rows_of(acts, "LoggedIn").row(0, named=True)
    assert (secs(li["start"]), li["start_known"], li["agent_id"]) == (3, False, "a7")
    assert rows_of(acts, "AgentLogin").height == 0


# --- work state ------------------------------------------------------------------------

@pytest.mark.parametrize("mode, expected", [(1, "WaitForNextCall"), (2, "WaitForNextCall"),
                                            (0, "NotReadyForNextCall"), (4, "NotReadyForNextCall")])
def test_dn9_dn10_login_work_mode(mode, expected):
    acts = derive_actions(events(login(0, work_mode=mode)))
    assert spans(acts, "WaitForNextCall", "NotReadyForNextCall") == [(expected, 0, None, None)]


@pytest.mark.parametrize("mode", [0, 4, 6, 7])
def test_dn16_non_acw_work_modes_are_not_ready(mode):
    acts = derive_actions(events(login(0, work_mode=2), ev(10, "EventAgentNotReady", work_mode=mode)))
    assert spans(acts, "WaitForNextCall", "NotReadyForNextCall", "AfterCallWork") == [
        ("WaitForNextCall", 0, 10, "agent_not_ready"), ("NotReadyForNextCall", 10, None, None)]


def test_dn11_acw_from_work_mode_3_and_obsolete_event():
    acts = derive_actions(events(login(0, work_mode=2), ev(10, "EventAgentNotReady", work_mode=3),
                                 ev(20, "EventAgentReady"), ev(30, "EventAgentAfterCallWork"),
                                 ev(40, "EventAgentNotReady", work_mode=4)))
    assert spans(acts, "AfterCallWork") == [("AfterCallWork", 10, 20, "agent_ready"),
                                            ("AfterCallWork", 30, 40, "agent_not_ready")]


def test_dn15_repeated_not_ready_does_not_restart():
    acts = derive_actions(events(login(0), ev(10, "EventAgentNotReady", work_mode=4),
                                 ev(20, "EventAgentNotReady", work_mode=6), ev(30, "EventAgentReady")))
    assert spans(acts, "NotReadyForNextCall") == [("NotReadyForNextCall", 0, 30, "agent_ready")]


def test_dn_logout_ends_the_work_state():
    acts = derive_actions(events(login(0, work_mode=2), ev(10, "EventAgentLogout")))
    assert spans(acts, "WaitForNextCall") == [("WaitForNextCall", 0, 10, "logout")]


def _call(t0, t1, conn="c9", dn="7001"):
    return [ev(t0, "EventEstablished", dn, conn_id=conn, call_type=2),
            ev(t1, "EventReleased", dn, conn_id=conn)]


def test_dn13_acw_requested_during_a_call_starts_at_its_release():
    acts = derive_actions(events(login(0, work_mode=2), *_call(10, 50)[:1],
                                 ev(20, "EventAgentNotReady", work_mode=3), *_call(10, 50)[1:],
                                 ev(80, "EventAgentReady")))
    assert spans(acts, "WaitForNextCall", "AfterCallWork") == [
        ("WaitForNextCall", 0, 50, "after_call_work"),   # the previous state continues until then
        ("AfterCallWork", 50, 80, "agent_ready"),
        ("WaitForNextCall", 80, None, None)]
    assert rows_of(acts, "AfterCallWork")["conn_id"].to_list() == ["c9"]


def test_dn13_acw_waits_for_the_last_of_overlapping_calls():
    acts = derive_actions(events(
        login(0, work_mode=2), ev(10, "EventEstablished", conn_id="c1"), ev(15, "EventEstablished", conn_id="c2"),
        ev(20, "EventAgentNotReady", work_mode=3), ev(30, "EventReleased", conn_id="c1"),
        ev(40, "EventReleased", conn_id="c2")))
    acw = rows_of(acts, "AfterCallWork").row(0, named=True)
    assert (secs(acw["start"]), acw["conn_id"]) == (40, "c2")


def test_dn13_acw_of_a_call_never_released_never_starts():
    acts = derive_actions(events(login(0, work_mode=2), ev(10, "EventEstablished", conn_id="c1"),
                                 ev(20, "EventAgentNotReady", work_mode=3)))
    assert rows_of(acts, "AfterCallWork").height == 0
    assert spans(acts, "WaitForNextCall") == [("WaitForNextCall", 0, None, None)]


def test_acw1_only_the_first_acw_after_a_call_is_linked():
    acts = derive_actions(events(login(0, work_mode=2), *_call(10, 20, "c1"),
                                 ev(25, "EventAgentNotReady", work_mode=3), ev(30, "EventAgentReady"),
                                 ev(40, "EventAgentNotReady", work_mode=3)))
    assert rows_of(acts, "AfterCallWork")["conn_id"].to_list() == ["c1", None]


def test_acw1_acw_without_a_previous_call_is_not_linked():
    acts = derive_actions(events(login(0, work_mode=2), ev(25, "EventAgentNotReady", work_mode=3)))
    assert rows_of(acts, "AfterCallWork")["conn_id"].to_list() == [None]


def test_acw1_party_change_moves_the_link_to_the_new_conn_id():
    acts = derive_actions(events(login(0, work_mode=2), ev(10, "EventEstablished", conn_id="c1"),
                                 ev(20, "EventPartyChanged", conn_id="c2", previous_conn_id="c1"),
                                 ev(30, "EventReleased", conn_id="c2"), ev(31, "EventAgentNotReady", work_mode=3)))
    assert rows_of(acts, "AfterCallWork")["conn_id"].to_list() == ["c2"]


# --- hook, user events -----------------------------------------------------------------

def test_dn3_dn4_hook_states():
    acts = derive_actions(events(ev(0, "EventRegistered"), ev(10, "EventOffHook"), ev(20, "EventOnHook")))
    assert spans(acts, "OnHook", "OffHook") == [("OnHook", 0, 10, "off_hook"), ("OffHook", 10, 20, "on_hook"),
                                                ("OnHook", 20, None, None)]


def test_dn3_registration_does_not_override_a_known_off_hook():
    acts = derive_actions(events(ev(0, "EventOffHook"), ev(10, "EventRegistered")))
    assert spans(acts, "OnHook", "OffHook") == [("OffHook", 0, None, None)]


def test_dn12_med8_user_event_on_regular_and_mediation_dns():
    acts = derive_actions(events(ev(0, "EventQueued", "7000", conn_id="c1"),
                                 ev(5, "EventUserEvent", "7000", user_data=[{"key": "k", "value": "v"}]),
                                 login(6), ev(7, "EventUserEvent")))
    ue = rows_of(acts, "UserEvent")
    assert ue.select("object_type", "dn", "kind", "conn_id", "agent_id").rows() == [
        ("Queue", "7000", "momentary", None, None), ("RegDN", "7001", "momentary", None, "a1001")]
    assert ue["user_data"].to_list()[0] == [{"key": "k", "value": "v"}]


# --- monitoring (DN-1, DN-2, MED-9, REG-10) --------------------------------------------

def test_dn1_every_dn_monitored_from_its_servers_first_event():
    acts = derive_actions(events(ev(0, "EventRinging", "7002", conn_id="c1"), ev(5, "EventQueued", "7000")))
    mon = rows_of(acts, "Monitored").sort("dn")
    assert mon.select("object_type", "dn", "start_known").rows() == [("Queue", "7000", False),
                                                                      ("RegDN", "7002", False)]
    assert {secs(s) for s in mon["start"]} == {0}
    assert mon["end"].null_count() == 2   # TIME-4: still running at the end of the data


def test_reg10_link_disconnect_closes_running_actions_and_reconnect_rebuilds():
    acts = derive_actions(events(
        ev(0, "EventRegistered"), login(1, work_mode=2), ev(2, "EventOffHook"),
        {"t": 10, "event": "EventLinkDisconnected"}, {"t": 20, "event": "EventLinkConnected"},
        ev(21, "EventRegistered", extensions=[{"key": "AgentStatus", "value": "3"},
                                              {"key": "AgentID", "value": "a1001"}])))
    assert spans(acts, "Monitored", "NotMonitored") == [
        ("Monitored", 0, 10, "monitoring_lost"), ("NotMonitored", 10, 20, "monitoring_restored"),
        ("Monitored", 20, None, None)]
    assert spans(acts, "LoggedIn", "WaitForNextCall", "OffHook") == [
        ("LoggedIn", 1, 10, "monitoring_lost"), ("WaitForNextCall", 1, 10, "monitoring_lost"),
        ("OffHook", 2, 10, "monitoring_lost"), ("LoggedIn", 21, None, None)]
    assert rows_of(acts, "AgentLogout").height == 0   # no retrospective action on a loss
    rebuilt = rows_of(acts, "LoggedIn", "NotReadyForNextCall", "OnHook").filter(pl.col("start") == at(21))
    assert rebuilt.select("action", "start_known").sort("action").rows() == [
        ("LoggedIn", False), ("NotReadyForNextCall", False), ("OnHook", False)]


def test_reg10_dn_out_of_service_affects_only_that_dn():
    acts = derive_actions(events(login(0), login(0, this_dn="7002"), ev(5, "EventDNOutOfService"),
                                 ev(9, "EventDNBackInService")))
    assert spans(acts, "LoggedIn") == [("LoggedIn", 0, 5, "monitoring_lost"), ("LoggedIn", 0, None, None)]
    assert spans(acts, "NotMonitored") == [("NotMonitored", 5, 9, "monitoring_restored")]


def test_reg10_unregistered_is_ignored():
    acts = derive_actions(events(login(0), ev(5, "EventUnregistered")))
    assert spans(acts, "LoggedIn", "NotMonitored") == [("LoggedIn", 0, None, None)]


def test_reg10_close_at_monitoring_loss_helper_for_other_families():
    rows = pl.DataFrame({"dn": ["7001", "7001", "7002"], "start": [at(0), at(20), at(0)],
                         "end": [None, at(30), at(50)], "released_by": [None, "remote", "local"]},
                        schema_overrides={"end": pl.Datetime("us", "UTC")})
    losses = pl.DataFrame({"dn": ["7001", "7002"], "lost_at": [at(10), at(60)]})
    out = close_at_monitoring_loss(rows, losses)
    assert [(secs(e), r, b) for e, r, b in out.select("end", "end_reason", "released_by").rows()] == [
        (10, "monitoring_lost", None), (30, None, "remote"), (50, None, "local")]


# --- the whole table -------------------------------------------------------------------

def test_time4_open_actions_keep_null_end_and_duration():
    acts = derive_actions(events(login(0, work_mode=2)))
    open_rows = acts.filter(pl.col("kind") == "durable")
    assert open_rows["end"].null_count() == open_rows.height
    assert open_rows["duration"].null_count() == open_rows.height


def test_output_conforms_to_the_actions_schema_with_unique_ids():
    acts = derive_actions(example_a())
    validate(acts, ACTIONS)
    assert acts["action_id"].n_unique() == acts.height
    assert set(acts["kind"]) <= {"durable", "momentary", "retrospective"}


def test_ssc1_cluster_mode_keeps_ss_c_actions_and_drops_the_others():
    regular = derive_actions(example_a())
    cluster = derive_actions(example_a(), mode="ss_c")
    # every agent-state action is available in SS_c mode
    assert sorted(regular["action"]) == sorted(cluster["action"])
    raw = pl.DataFrame({"dn": ["7001", "7001"], "object_type": ["RegDN"] * 2, "object_id": ["7001"] * 2,
                        "action": ["CallAbandonedFromRinging", "CallAnswered"], "scope": ["regular_dn"] * 2,
                        "start": [T0, T0], "end": [T0, T0]})
    assert finalize_actions([raw], DeriveContext(mode="cluster"))["action"].to_list() == ["CallAnswered"]


def test_ssc1_unknown_mode_is_a_user_error():
    with pytest.raises(UserError, match="unknown mode"):
        derive_actions(example_a(), mode="turbo")


def test_empty_events_give_an_empty_actions_table():
    acts = derive_actions(ACTIONS.empty().select([]).with_columns())
    validate(acts, ACTIONS)
    assert acts.height == 0


def test_output_order_is_the_same_on_every_run():
    # finalize sorts on start only: equal starts keep the families' order, which must be stable
    many = events(*[ev(0, "EventRegistered", dn=f"70{i:02d}") for i in range(40)],
                  *[login(1, this_dn=f"70{i:02d}", work_mode=2) for i in range(40)],
                  {"t": 5, "event": "EventLinkDisconnected"}, {"t": 6, "event": "EventLinkConnected"})
    first = derive_actions(many)
    for _ in range(3):
        assert derive_actions(many).equals(first)


EXAMPLE_A_LOG = """\
@08:00:00.0000 [0] 8.1.101.25 distribute_event: message EventRegistered
\tAttributeThisDN\t'7001'
@10:00:00.0000 [0] 8.1.101.25 distribute_event: message EventAgentLogin
\tAttributeThisDN\t'7001'
\tAttributeAgentID\t'a1001'
\tAttributeThisQueue\t'7000'
\tAttributeAgentWorkMode\t0
@10:00:05.0000 [0] 8.1.101.25 distribute_event: message EventAgentReady
\tAttributeThisDN\t'7001'
\tAttributeAgentID\t'a1001'
@10:05:18.7000 [0] 8.1.101.25 distribute_event: message EventEstablished
\tAttributeThisDN\t'7001'
\tAttributeConnID\t00000000000000c1
\tAttributeCallType\t2
@10:12:18.9000 [0] 8.1.101.25 distribute_event: message EventReleased
\tAttributeThisDN\t'7001'
\tAttributeConnID\t00000000000000c1
@10:12:19.0000 [0] 8.1.101.25 distribute_event: message EventAgentNotReady
\tAttributeThisDN\t'7001'
\tAttributeAgentWorkMode\t3
@10:14:19.0000 [0] 8.1.101.25 distribute_event: message EventAgentReady
\tAttributeThisDN\t'7001'
"""


def test_example_a_from_log_text_dn6_dn9_dn11_acw1(tmp_path):
    from statcli.read.tserver import read_tserver_log

    log = tmp_path / "TServer.log"
    log.write_text(EXAMPLE_A_LOG)
    acts = derive_actions(read_tserver_log(log, date="2026-01-01", tz="UTC"))
    got = rows_of(acts, "LoggedOut", "LoggedIn", "NotReadyForNextCall", "WaitForNextCall", "AfterCallWork", dn="7001")
    assert got.select("action", "duration_s", "conn_id", "line").rows() == [
        ("LoggedOut", 7200, None, 1), ("LoggedIn", None, None, 3), ("NotReadyForNextCall", 5, None, 3),
        ("WaitForNextCall", 734, None, 8), ("AfterCallWork", 120, "00000000000000c1", 18),
        ("WaitForNextCall", None, None, 21)]
