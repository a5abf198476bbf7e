"""events → derive_actions(propagate=True) → derive_statuses, without an objects file (OBJ-1, PROP-3, ST-10)."""

from datetime import datetime, timedelta, timezone

import polars as pl

from statcli.derive import derive_actions
from statcli.derive.status import derive_statuses
from statcli.objects import Objects
from statcli.schema import ACTIONS, EVENTS, STATUSES, conform, validate

T0 = datetime(2026, 1, 1, 10, 0, 0, tzinfo=timezone.utc)


def _events():
    """Agent a1 on 7001 (AttributePlace P1) takes one call with a hold, logs out, logs in on 7002 (P2)."""
    rows = [
        (0, "EventAgentLogin", "7001", dict(agent_id="a1", place="P1", work_mode=1)),
        (65, "EventRinging", "7001", dict(conn_id="c1", call_type=2)),
        (70, "EventEstablished", "7001", dict(conn_id="c1", call_type=2)),
        (100, "EventHeld", "7001", dict(conn_id="c1")),
        (130, "EventRetrieved", "7001", dict(conn_id="c1")),
        (200, "EventReleased", "7001", dict(conn_id="c1", releasing_party="remote")),
        (300, "EventAgentLogout", "7001", dict(agent_id="a1", place="P1")),
        (600, "EventAgentLogin", "7002", dict(agent_id="a1", place="P2", work_mode=1)),
        (900, "EventAgentNotReady", "7002", dict(agent_id="a1", work_mode=4)),
    ]
    recs = [dict(ts=T0 + timedelta(seconds=t), event=e, this_dn=dn, server="TS", source="t.log",
                 line=i * 10, **extra) for i, (t, e, dn, extra) in enumerate(rows, 1)]
    cols = sorted({k for r in recs for k in r})
    data = {c: [r.get(c) for r in recs] for c in cols}
    return conform(pl.DataFrame(data, schema_overrides={c: EVENTS.columns[c] for c in cols}, strict=False),
                   EVENTS)


def _segs(df, object_type, object_id):
    df = df.filter((pl.col("object_type") == object_type) & (pl.col("object_id") == object_id))
    return [(s, int((a - T0).total_seconds()), None if e is None else int((e - T0).total_seconds()))
            for s, a, e in df.sort("start").select("status", "start", "end").iter_rows()]


def test_agent_level_pipeline_without_objects_file():
    acts = derive_actions(_events(), propagate=True)
    validate(acts, ACTIONS)
    assert acts["action_id"].is_unique().all()
    agent = acts.filter(object_type="Agent", object_id="a1")
    assert set(agent["dn"]) == {"7001", "7002"}
    # Places inferred from AttributePlace; each place gets its own DN's actions only.
    assert set(acts.filter(object_type="Place", object_id="P1")["dn"]) == {"7001"}
    assert set(acts.filter(object_type="Place", object_id="P2")["dn"]) == {"7002"}
    assert "CallInbound" in agent["action"].to_list()

    st = derive_statuses(acts)
    validate(st, STATUSES)
    assert _segs(st, "Agent", "a1") == [
        ("WaitForNextCall", 0, 65), ("CallRinging", 65, 70), ("CallInbound", 70, 100),
        ("CallOnHold", 100, 130), ("CallInbound", 130, 200), ("WaitForNextCall", 200, 300),
        ("LoggedOut", 300, 600), ("WaitForNextCall", 600, 900), ("NotReadyForNextCall", 900, None)]
    assert "LoggedOut" not in _segs(st, "Place", "P1")


def test_propagation_by_default_with_inferred_objects():
    """PROP-2..10 with OBJ-1: agents and places the logs show get their copies without a file."""
    inferred = derive_actions(_events())
    assert set(inferred["object_type"]) == {"RegDN", "Agent", "Place"}
    copies = inferred.filter(pl.col("origin_id").is_not_null())
    assert copies.height and copies["origin_id"].is_in(inferred["action_id"].implode()).all()
    assert set(derive_actions(_events(), propagate=False)["object_type"]) == {"RegDN"}
    with_objects = derive_actions(_events(), objects=Objects(agent_groups={}, agents={}))
    assert "Agent" in set(with_objects["object_type"])
