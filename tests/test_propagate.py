"""PROP-1 to PROP-10: DN actions propagated to Agent, Place and the group objects."""

import polars as pl

from statcli.derive.propagate import LOGOUT_REASON, login_sessions, memberships, propagate_actions
from statcli.objects import Objects
from statcli.schema import ACTIONS, validate
from test_status_helpers import actions, ts

OBJ = Objects(
    agents={"a1": {"name": None, "place": "P1"}, "a2": {"name": None, "place": None}},
    places={"P1": ["7001", "7003"], "P2": ["7002"]},
    dn_types={"7000": "ACDQueue"},
    agent_groups={"Sales": ["a1", "a2"], "Solo": ["a2"]},
    place_groups={"Floor": ["P1", "P2"]},
    queue_groups={"SalesQ": ["7000"]},
)


def _copies(out, object_type, object_id=None):
    df = out.filter(pl.col("object_type") == object_type)
    if object_id is not None:
        df = df.filter(pl.col("object_id") == object_id)
    return df.sort("start", "action")


def _moving_agent():
    """a1 logs in on 7001 (place P1) 10:00–10:10, then on 7002 (place P2) from 10:20."""
    return actions([
        dict(dn="7001", action="Monitored", start="09:00:00"),
        dict(dn="7001", action="LoggedIn", start="10:00:00", end="10:10:00", agent_id="a1"),
        dict(dn="7001", action="AgentLogin", start="10:00:00", agent_id="a1"),
        dict(dn="7001", action="WaitForNextCall", start="10:00:00", end="10:10:00", agent_id="a1"),
        dict(dn="7001", action="AgentLogout", start="10:00:00", end="10:10:00", agent_id="a1"),
        dict(dn="7001", action="CallRingingStarted", start="10:15:00", conn_id="c9"),
        dict(dn="7002", action="LoggedIn", start="10:20:00", agent_id="a1"),
        dict(dn="7002", action="CallInbound", start="10:25:00", end="10:27:00", conn_id="c1", agent_id="a1"),
        dict(dn="7002", action="CallInboundStarted", start="10:25:00", conn_id="c1"),
        dict(dn="7003", action="OffHook", start="10:30:00", end="10:31:00"),
    ])


def test_prop3_prop8_agent_copies_clipped_to_login_sessions():
    out = propagate_actions(_moving_agent(), OBJ)
    agent = _copies(out, "Agent", "a1")
    mon = agent.filter(action="Monitored")
    # Monitored (open, since 09:00 on 7001) reaches a1 only while a1 is logged in on 7001.
    assert mon.select("start", "end", "end_reason", "duration_s").rows() == [
        (ts("10:00:00"), ts("10:10:00"), LOGOUT_REASON, 600)]
    # Actions on 7002 reach a1 while a1 is logged in there (the agent moved).
    assert set(agent.filter(pl.col("dn") == "7002")["action"]) == {
        "LoggedIn", "CallInbound", "CallInboundStarted"}
    # The ringing at 10:15 happens while a1 is logged in nowhere: no agent copy (PROP-3).
    assert "CallRingingStarted" not in agent["action"].to_list()
    # A durable action that ends with the session is not marked as cut by the logout.
    wait = agent.filter(action="WaitForNextCall")
    assert wait["end_reason"].to_list() == [None]
    assert agent["object_id"].unique().to_list() == ["a1"]
    assert agent["agent_id"].unique().to_list() == ["a1"]


def test_prop9_logout_actions_go_to_the_agent_logged_out():
    out = propagate_actions(_moving_agent(), OBJ)
    logout = _copies(out, "Agent").filter(action="AgentLogout")
    assert logout.select("object_id", "end").rows() == [("a1", ts("10:10:00"))]


def test_prop2_place_follows_the_dn_an_agent_moving_between_places():
    out = propagate_actions(_moving_agent(), OBJ)
    p1, p2 = _copies(out, "Place", "P1"), _copies(out, "Place", "P2")
    assert set(p1["dn"]) == {"7001", "7003"}  # a place with several DNs gets all of them
    assert set(p2["dn"]) == {"7002"}
    assert "CallInbound" in p2["action"].to_list() and "CallInbound" not in p1["action"].to_list()
    # Places get every DN action, logged in or not, unclipped.
    assert p1.filter(action="Monitored")["end"].to_list() == [None]
    assert "CallRingingStarted" in p1["action"].to_list()


def test_copies_keep_dn_get_new_ids_and_point_to_their_origin():
    src = _moving_agent()
    out = propagate_actions(src, OBJ)
    validate(out, ACTIONS)
    assert out["action_id"].is_unique().all()
    assert out.head(src.height).equals(src)
    copies = out.filter(pl.col("origin_id").is_not_null())
    back = copies.join(src.select("action_id", "dn", "action", "conn_id"),
                       left_on="origin_id", right_on="action_id", suffix="_orig")
    assert back.height == copies.height
    assert (back["dn"] == back["dn_orig"]).all() and (back["action"] == back["action_orig"]).all()
    assert copies["action_id"].min() > src["action_id"].max()


def test_prop4_prop5_group_copies_from_members():
    out = propagate_actions(_moving_agent(), OBJ)
    sales = _copies(out, "GroupAgents", "Sales")
    agent = _copies(out, "Agent", "a1")
    assert sales.select("action", "start", "end").sort("start", "action").rows() == \
        agent.select("action", "start", "end").sort("start", "action").rows()
    assert _copies(out, "GroupAgents", "Solo").height == 0  # a1 is not in Solo
    floor = _copies(out, "GroupPlaces", "Floor")
    places = out.filter(pl.col("object_type") == "Place")
    assert floor.height == places.height
    assert set(floor["origin_id"]) == set(places["origin_id"])


def test_prop6_mediation_actions_reach_queue_groups_not_agents():
    acts = actions([
        dict(dn="7001", action="LoggedIn", start="10:00:00", agent_id="a1"),
        dict(object_type="Queue", dn="7000", action="CallWait", start="10:01:00", end="10:01:30",
             conn_id="c1"),
        dict(object_type="Queue", dn="7000", action="AgentLogin", start="10:00:00", end=None,
             agent_id="a1"),
        dict(object_type="Queue", dn="7100", action="CallEntered", start="10:02:00"),
    ])
    out = propagate_actions(acts, OBJ)
    q = _copies(out, "GroupQueues", "SalesQ")
    assert q["action"].to_list() == ["AgentLogin", "CallWait"]
    assert set(q["dn"]) == {"7000"}
    assert set(_copies(out, "Agent")["action"]) == {"LoggedIn"}  # queue rows never go to agents


def test_instant_without_agent_goes_to_the_session_holding_it():
    acts = actions([
        dict(dn="7001", action="LoggedIn", start="10:00:00", end="10:10:00", agent_id="a1"),
        dict(dn="7001", action="LoggedIn", start="10:10:00", agent_id="a2"),
        dict(dn="7001", action="CallHeld", start="10:05:00", conn_id="c1"),
        dict(dn="7001", action="CallHeld", start="10:10:00", conn_id="c2"),
        dict(dn="7001", action="CallHeld", start="09:59:59", conn_id="c3"),
    ])
    out = propagate_actions(acts, OBJ)
    held = _copies(out, "Agent").filter(action="CallHeld")
    # Sessions are half-open: the instant of a2's login belongs to a2, not to a1.
    assert held.select("object_id", "conn_id").rows() == [("a1", "c1"), ("a2", "c2")]


def test_prop10_one_action_reaches_a_group_once_through_two_agents():
    acts = actions([
        dict(dn="7002", action="Monitored", start="09:00:00", end="11:00:00"),
        dict(dn="7002", action="LoggedIn", start="10:00:00", end="10:10:00", agent_id="a1"),
        dict(dn="7002", action="LoggedIn", start="10:20:00", end="10:30:00", agent_id="a2"),
    ])
    out = propagate_actions(acts, OBJ)
    mon = out.filter(action="Monitored")
    assert _copies(mon, "Agent").select("object_id", "start", "end").rows() == [
        ("a1", ts("10:00:00"), ts("10:10:00")), ("a2", ts("10:20:00"), ts("10:30:00"))]
    group = _copies(mon, "GroupAgents", "Sales")
    assert group.select("start", "end", "duration_s").rows() == [(ts("10:00:00"), ts("10:30:00"), 1800)]


def test_without_objects_only_agents_and_rows_named_by_agent_id():
    acts = actions([
        dict(dn="7001", action="LoggedIn", start="10:00:00", agent_id="a1"),
        # a DN without any LoggedIn row: trust the row's agent_id (no clipping possible)
        dict(dn="7005", action="NotReadyForNextCall", start="10:00:00", end="10:05:00", agent_id="a9"),
    ])
    out = propagate_actions(acts)
    assert sorted(out.filter(pl.col("origin_id").is_not_null())["object_type"].unique()) == ["Agent"]
    assert set(_copies(out, "Agent")["object_id"]) == {"a1", "a9"}


def test_propagation_is_idempotent():
    once = propagate_actions(_moving_agent(), OBJ)
    assert propagate_actions(once, OBJ).equals(once)


def test_empty_actions_and_sessions_helpers():
    assert propagate_actions(ACTIONS.empty(), OBJ).height == 0
    assert login_sessions(_moving_agent()).select("dn", "agent_id").rows() == [("7001", "a1"), ("7002", "a1")]
    links = memberships(OBJ)
    assert links.filter(via="agent_groups", member="a2")["object_id"].to_list() == ["Sales", "Solo"]
