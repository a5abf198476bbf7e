"""ST-1 to ST-13: DN, agent, place and group statuses by the priority table."""

from datetime import timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statcli.catalog.statuses import priority_names, status_priority
from statcli.derive.propagate import propagate_actions
from statcli.derive.status import OPEN, derive_statuses, sweep
from statcli.objects import Objects
from statcli.schema import ACTIONS, STATUSES, validate
from test_status_helpers import actions, ts


def _segs(statuses, object_type, object_id):
    df = statuses.filter((pl.col("object_type") == object_type) & (pl.col("object_id") == object_id))
    return [(s, a.strftime("%H:%M:%S"), None if e is None else e.strftime("%H:%M:%S"))
            for s, a, e in df.sort("start").select("status", "start", "end").iter_rows()]


def _example_a():
    """Reference §7.1 (Example A) on DN 7001 / agent a1001, with the held call of C1."""
    return actions([
        dict(dn="7001", action="LoggedOut", start="08:00:00", end="10:00:00"),
        dict(dn="7001", action="Monitored", start="08:00:00"),
        dict(dn="7001", action="OnHook", start="08:00:00"),
        dict(dn="7001", action="LoggedIn", start="10:00:00", agent_id="a1001"),
        dict(dn="7001", action="AgentLogin", start="10:00:00", agent_id="a1001"),
        dict(dn="7001", action="NotReadyForNextCall", start="10:00:00", end="10:00:05", agent_id="a1001"),
        dict(dn="7001", action="WaitForNextCall", start="10:00:05", end="10:12:19", agent_id="a1001"),
        dict(dn="7001", action="CallRinging", start="10:05:12.450", end="10:05:18.700", conn_id="C1"),
        dict(dn="7001", action="CallInbound", start="10:05:18.700", end="10:12:18.900", conn_id="C1"),
        dict(dn="7001", action="CallOnHold", start="10:08:00", end="10:09:00", conn_id="C1"),
        dict(dn="7001", action="AfterCallWork", start="10:12:19", end="10:14:19", conn_id="C1"),
        dict(dn="7001", action="WaitForNextCall", start="10:14:19", agent_id="a1001"),
    ])


EXAMPLE_A_SEGMENTS = [
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


def test_example_a_dn_agent_and_place_segments():
    objects = Objects(agents={"a1001": {"name": None, "place": None}}, places={"P7001": ["7001"]})
    out = derive_statuses(_example_a(), objects=objects)
    validate(out, STATUSES)
    # ST-2: LoggedOut/LoggedIn never define the DN status; before the login the DN is OnHook.
    assert _segs(out, "RegDN", "7001") == [("OnHook", "08:00:00", "10:00:00"), *EXAMPLE_A_SEGMENTS]
    # ST-10: the agent is LoggedOut until it logs in, then follows its DN.
    assert _segs(out, "Agent", "a1001") == [("LoggedOut", "08:00:00", "10:00:00"), *EXAMPLE_A_SEGMENTS]
    # ST-11: a one-DN place has its DN's status.
    assert _segs(out, "Place", "P7001") == _segs(out, "RegDN", "7001")
    # Status times add up to the login time of the reference table (1800 s to 10:30).
    agent = out.filter(object_type="Agent", object_id="a1001").filter(pl.col("start") >= ts("10:00:00"))
    closed = agent["duration_s"].sum()
    assert closed + (ts("10:30:00") - ts("10:14:19")).seconds == 1800


def test_st5_floored_seconds_and_zero_length_segments_dropped():
    out = derive_statuses(actions([
        dict(dn="7001", action="WaitForNextCall", start="10:00:00", end="10:01:00"),
        dict(dn="7001", action="CallRinging", start="10:00:10.900", end="10:00:12.100", conn_id="c1"),
        dict(dn="7001", action="CallDialing", start="10:00:20.200", end="10:00:20.800", conn_id="c2"),
    ]))
    dn = out.filter(object_type="RegDN")
    assert dn.select("status", "duration_s").rows() == [
        ("WaitForNextCall", 10), ("CallRinging", 2), ("WaitForNextCall", 48)]
    assert (dn["duration"] == dn["end"] - dn["start"]).all()
    assert (dn["start"].dt.microsecond() == 0).all()


def test_st3_consult_while_the_customer_is_held():
    out = derive_statuses(actions([
        dict(dn="7001", action="CallInbound", start="10:00:00", end="10:10:00", conn_id="C1"),
        dict(dn="7001", action="CallOnHold", start="10:02:00", end="10:06:00", conn_id="C1"),
        dict(dn="7001", action="CallConsult", start="10:03:00", end="10:05:00", conn_id="C2"),
    ]))
    assert _segs(out, "RegDN", "7001") == [
        ("CallInbound", "10:00:00", "10:02:00"), ("CallOnHold", "10:02:00", "10:03:00"),
        ("CallConsult", "10:03:00", "10:05:00"), ("CallOnHold", "10:05:00", "10:06:00"),
        ("CallInbound", "10:06:00", "10:10:00")]


def test_st3_hold_hides_only_its_own_connid():
    out = derive_statuses(actions([
        dict(dn="7001", action="CallInbound", start="10:00:00", end="10:10:00", conn_id="C1"),
        dict(dn="7001", action="CallInbound", start="10:01:00", end="10:03:00", conn_id="C2"),
        dict(dn="7001", action="CallOnHold", start="10:02:00", end="10:04:00", conn_id="C1"),
    ]))
    # C2's CallInbound still shows while C1 is held; two overlapping calls are one segment (ST-4).
    assert _segs(out, "RegDN", "7001") == [
        ("CallInbound", "10:00:00", "10:03:00"), ("CallOnHold", "10:03:00", "10:04:00"),
        ("CallInbound", "10:04:00", "10:10:00")]


def test_st3_hold_on_another_dn_hides_nothing():
    out = derive_statuses(actions([
        dict(dn="7001", action="CallInbound", start="10:00:00", end="10:10:00", conn_id="C1"),
        dict(dn="7002", action="CallOnHold", start="10:02:00", end="10:04:00", conn_id="C1"),
    ]))
    assert _segs(out, "RegDN", "7001") == [("CallInbound", "10:00:00", "10:10:00")]


def test_st1_priority_ties_and_actions_outside_the_table():
    out = derive_statuses(actions([
        dict(dn="7001", action="WaitForNextCall", start="10:00:00", end="10:20:00"),
        dict(dn="7001", action="NotReadyForNextCall", start="10:01:00", end="10:10:00"),
        dict(dn="7001", action="AfterCallWork", start="10:02:00", end="10:04:00"),
        dict(dn="7001", action="CallRinging", start="10:03:00", end="10:05:00", conn_id="c1"),
        dict(dn="7001", action="CallInternalOriginated", start="10:06:00", end="10:07:00", conn_id="c2"),
        # a tie: two calls ringing at once, one after the other ends, give one segment (ST-4)
        dict(dn="7001", action="CallRinging", start="10:11:00", end="10:13:00", conn_id="c3"),
        dict(dn="7001", action="CallRinging", start="10:12:00", end="10:14:00", conn_id="c4"),
    ]))
    # ACW (10) outranks NotReady (9), which outranks CallRinging (8); Originated variants
    # never define a status.
    assert _segs(out, "RegDN", "7001") == [
        ("WaitForNextCall", "10:00:00", "10:01:00"),
        ("NotReadyForNextCall", "10:01:00", "10:02:00"), ("AfterCallWork", "10:02:00", "10:04:00"),
        ("NotReadyForNextCall", "10:04:00", "10:10:00"), ("WaitForNextCall", "10:10:00", "10:11:00"),
        ("CallRinging", "10:11:00", "10:14:00"), ("WaitForNextCall", "10:14:00", "10:20:00")]


def test_st10_agent_status_across_logout_and_login_on_another_place():
    acts = actions([
        dict(dn="7001", action="Monitored", start="09:00:00"),
        dict(dn="7002", action="Monitored", start="09:00:00"),
        dict(dn="7001", action="LoggedIn", start="10:00:00", end="10:10:00", agent_id="a1"),
        dict(dn="7001", action="WaitForNextCall", start="10:00:00", end="10:10:00", agent_id="a1"),
        dict(dn="7001", action="LoggedOut", start="10:10:00"),
        dict(dn="7002", action="LoggedIn", start="10:20:00", agent_id="a1"),
        dict(dn="7002", action="NotReadyForNextCall", start="10:20:00", agent_id="a1"),
    ])
    objects = Objects(agents={"a1": {"name": None, "place": None}, "a2": {"name": None, "place": None}},
                      places={"P1": ["7001"], "P2": ["7002"], "Empty": []})
    out = derive_statuses(acts, objects=objects)
    assert _segs(out, "Agent", "a1") == [
        ("LoggedOut", "09:00:00", "10:00:00"), ("WaitForNextCall", "10:00:00", "10:10:00"),
        ("LoggedOut", "10:10:00", "10:20:00"), ("NotReadyForNextCall", "10:20:00", None)]
    assert _segs(out, "Agent", "a2") == [("LoggedOut", "09:00:00", None)]  # configured, never logged in
    assert _segs(out, "Place", "P1") == [
        ("Monitored", "09:00:00", "10:00:00"), ("WaitForNextCall", "10:00:00", "10:10:00"),
        ("Monitored", "10:10:00", None)]
    assert _segs(out, "Place", "Empty") == [("NotMonitored", "09:00:00", None)]  # ST-11
    # LoggedOut and LoggedIn are agent statuses only.
    assert set(out.filter(pl.col("object_type") != "Agent")["status"]).isdisjoint({"LoggedOut", "LoggedIn"})


def test_st10_agent_logged_in_on_two_dns_takes_the_highest():
    acts = actions([
        dict(dn="7001", action="LoggedIn", start="10:00:00", end="10:30:00", agent_id="a1"),
        dict(dn="7002", action="LoggedIn", start="10:10:00", end="10:20:00", agent_id="a1"),
        dict(dn="7002", action="CallOutbound", start="10:12:00", end="10:15:00", conn_id="c1"),
    ])
    out = derive_statuses(acts)
    assert _segs(out, "Agent", "a1") == [
        ("LoggedIn", "10:00:00", "10:12:00"), ("CallOutbound", "10:12:00", "10:15:00"),
        ("LoggedIn", "10:15:00", "10:30:00"), ("LoggedOut", "10:30:00", None)]


def test_st11_multi_dn_place_and_st13_group_statuses():
    acts = actions([
        dict(dn="7001", action="LoggedIn", start="10:00:00", agent_id="a1"),
        dict(dn="7001", action="WaitForNextCall", start="10:00:00", agent_id="a1"),
        dict(dn="7002", action="LoggedIn", start="10:00:00", agent_id="a2"),
        dict(dn="7002", action="NotReadyForNextCall", start="10:00:00", end="10:20:00", agent_id="a2"),
        dict(dn="7002", action="CallInbound", start="10:05:00", end="10:07:00", conn_id="c1"),
        dict(dn="7003", action="AfterCallWork", start="10:06:00", end="10:08:00"),
    ])
    objects = Objects(agents={a: {"name": None, "place": None} for a in ("a1", "a2")},
                      places={"P1": ["7001", "7003"], "P2": ["7002"]},
                      agent_groups={"Team": ["a1", "a2"]}, place_groups={"Floor": ["P1", "P2"]})
    out = derive_statuses(acts, objects=objects)
    assert _segs(out, "Place", "P1") == [
        ("WaitForNextCall", "10:00:00", "10:06:00"), ("AfterCallWork", "10:06:00", "10:08:00"),
        ("WaitForNextCall", "10:08:00", None)]
    assert _segs(out, "GroupAgents", "Team") == [
        ("NotReadyForNextCall", "10:00:00", "10:05:00"), ("CallInbound", "10:05:00", "10:07:00"),
        ("NotReadyForNextCall", "10:07:00", "10:20:00"), ("WaitForNextCall", "10:20:00", None)]
    assert _segs(out, "GroupPlaces", "Floor") == [
        ("NotReadyForNextCall", "10:00:00", "10:05:00"), ("CallInbound", "10:05:00", "10:07:00"),
        ("AfterCallWork", "10:07:00", "10:08:00"), ("NotReadyForNextCall", "10:08:00", "10:20:00"),
        ("WaitForNextCall", "10:20:00", None)]


def test_mediation_dn_status_only_monitoring():
    acts = actions([
        dict(object_type="Queue", dn="7000", action="Monitored", start="10:00:00", end="10:30:00"),
        dict(object_type="Queue", dn="7000", action="NotMonitored", start="10:30:00"),
        dict(object_type="Queue", dn="7000", action="CallWait", start="10:05:00", end="10:06:00", conn_id="c"),
    ])
    out = derive_statuses(acts)
    assert _segs(out, "Queue", "7000") == [("Monitored", "10:00:00", "10:30:00"),
                                           ("NotMonitored", "10:30:00", None)]


def test_statuses_accept_already_propagated_actions():
    objects = Objects(places={"P7001": ["7001"]})
    direct = derive_statuses(_example_a(), objects=objects)
    again = derive_statuses(propagate_actions(_example_a(), objects), objects=objects)
    assert direct.equals(again)
    validate(propagate_actions(_example_a(), objects), ACTIONS)


def test_empty_input_gives_an_empty_valid_table():
    out = derive_statuses(ACTIONS.empty())
    assert out.height == 0
    validate(out, STATUSES)


def test_priority_table_is_data_and_consistent():
    reg = status_priority("regular_dn")
    assert reg.sort("priority")["priority"].to_list() == list(range(1, 18))
    assert set(reg.filter(~pl.col("dn_status"))["status"]) == {"LoggedIn", "LoggedOut"}  # ST-2
    assert set(reg.filter("hidden_while_held")["status"]) == {
        "CallUnknown", "CallConsult", "CallInternal", "CallOutbound", "CallInbound"}  # ST-3
    assert len(priority_names()) == 17


# --- the sweep against a per-second oracle --------------------------------------------

_interval = st.tuples(st.integers(1, 17), st.integers(0, 30), st.integers(1, 12), st.sampled_from([1, 1, -1]))


@settings(max_examples=60, deadline=None)
@given(st.lists(_interval, min_size=1, max_size=8))
def test_sweep_matches_a_per_second_oracle(raw):
    rows = [(p, s, s + n, w) for p, s, n, w in raw]
    iv = pl.LazyFrame({"object_type": ["RegDN"] * len(rows), "object_id": ["x"] * len(rows),
                       "priority": [r[0] for r in rows], "s": [r[1] for r in rows],
                       "e": [r[2] for r in rows], "w": [r[3] for r in rows]})
    segs = sweep(iv).collect()
    got = {}
    for p, s, e in segs.select("priority", "s", "e").iter_rows():
        assert e != OPEN and e > s
        for t in range(s, e):
            got[t] = p
    expected = {}
    for t in range(0, 45):
        active = [p for p in range(1, 18)
                  if sum(w for q, s, e, w in rows if q == p and s <= t < e) > 0]
        if active:
            expected[t] = max(active)
    assert got == expected
    # ST-4: adjacent segments never repeat a status.
    pri = segs["priority"].to_list()
    ends, starts = segs["e"].to_list()[:-1], segs["s"].to_list()[1:]
    assert all(not (a == b and e == s) for a, b, e, s in zip(pri, pri[1:], ends, starts))


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(hours=3)])
def test_data_start_sets_the_start_of_loggedout(offset):
    acts = actions([dict(dn="7001", action="LoggedIn", start="12:00:00", agent_id="a1")])
    start = ts("06:00:00") + offset
    out = derive_statuses(acts, data_start=start)
    assert out.filter(object_type="Agent", status="LoggedOut")["start"].to_list() == [start]


def test_st10_no_loggedout_for_an_agent_whose_sessions_are_unknown():
    # 7005 has no LoggedIn action: the row's agent_id names the agent, but its login
    # time is unknown, so LoggedOut (the highest priority) must not hide its work.
    acts = actions([dict(dn="7005", action="NotReadyForNextCall", start="10:00:00", end="10:05:00",
                         agent_id="a9")])
    out = derive_statuses(acts)
    assert _segs(out, "Agent", "a9") == [("NotReadyForNextCall", "10:00:00", "10:05:00")]


def test_write_actions_and_statuses_into_a_directory(tmp_path):
    import pyarrow.parquet as pq

    from statcli.derive.status import write_actions_and_statuses
    from statcli.errors import UserError

    paths = write_actions_and_statuses(_example_a(), tmp_path / "out",
                                       objects=Objects(places={"P7001": ["7001"]}))
    acts, st = pl.read_parquet(paths["actions"]), pl.read_parquet(paths["statuses"])
    validate(acts, ACTIONS)
    validate(st, STATUSES)
    assert {"Agent", "Place"} <= set(acts["object_type"]) and {"Agent", "Place"} <= set(st["object_type"])
    assert pq.read_schema(paths["statuses"]).metadata[b"statcli.schema"] == b"statuses"
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="is a file"):
        write_actions_and_statuses(_example_a(), tmp_path / "file")
