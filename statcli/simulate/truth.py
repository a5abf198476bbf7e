"""Ground truth: the intervals the model produced, per DN, ConnID and agent.

Three layers, each a set of intervals that never overlap within its key:

- ``agent`` (key: dn): the agent work state set by agent-state events —
  ``LoggedOut``, ``NotReady``, ``Ready``, ``AfterCallWork``; open at the end
  of the data (``end`` null) when still going on.
- ``call`` (key: dn, conn_id): the phase of one call leg on one DN —
  ``Waiting`` (routing point, ACD or virtual queue), ``Dialing``, ``Ringing``,
  ``Talking``, ``Held``. Every leg ends; ``end_reason`` and ``released_by``
  tell how.
- ``monitor`` (key: dn): ``NotMonitored`` while the T-Server link is down.

The intervals are computed from the model's own event list (never from the
rendered text), so a reader's output can be checked against them.
"""

from __future__ import annotations

import polars as pl

from statcli.simulate.topology import Topology

UTC = pl.Datetime("us", "UTC")
#: Column contract of ``ground_truth.parquet``.
GROUND_TRUTH = {
    "layer": pl.String, "dn": pl.String, "dn_type": pl.String, "conn_id": pl.String, "state": pl.String,
    "start": UTC, "end": UTC, "end_reason": pl.String, "released_by": pl.String, "call_type": pl.Int8,
    "agent_id": pl.String, "start_known": pl.Boolean,
}

_CALL_STATE = {"EventDialing": "Dialing", "EventRinging": "Ringing", "EventEstablished": "Talking",
               "EventRetrieved": "Talking", "EventHeld": "Held", "EventQueued": "Waiting",
               "EventRouteRequest": "Waiting", "EventPartyChanged": "Talking"}
_CALL_END = {"EventReleased": "released", "EventAbandoned": "abandoned", "EventDiverted": "diverted",
             "EventRouteUsed": "routed"}
_RELEASED_BY = pl.Series([None, "local", "remote", "unknown"])


def _agent_layer(ev: pl.DataFrame, sessions: pl.DataFrame, topo: Topology, t0: int, outage) -> pl.DataFrame:
    e = ev.filter(pl.col("event").is_in(["EventAgentLogin", "EventAgentReady", "EventAgentNotReady",
                                         "EventAgentLogout"]))
    state = (pl.when(pl.col("event") == "EventAgentReady").then(pl.lit("Ready"))
             .when(pl.col("event") == "EventAgentLogout").then(pl.lit("LoggedOut"))
             .when(pl.col("work_mode") == 3).then(pl.lit("AfterCallWork"))
             .otherwise(pl.lit("NotReady")))
    changes = [e.select("t", "seq", dn="this_dn", state=state, start_known=pl.lit(True))]
    snap = {"2": "Ready", "3": "NotReady", "4": "AfterCallWork", "5": "NotReady", "login": "LoggedOut"}
    s = sessions.with_columns(dn=pl.lit(pl.Series(topo.agent_dns)).gather(pl.col("agent")))
    first = s.filter(pl.col("session") == 0)
    changes.append(first.select(t=pl.lit(t0), seq=pl.lit(-1, pl.Int64), dn="dn",
                                state=pl.col("init").replace_strict(snap), start_known=pl.lit(False)))
    if outage:
        later = s.filter(pl.col("session") > 0)
        changes.append(later.select(t=pl.col("start"), seq=pl.lit(-1, pl.Int64), dn="dn",
                                    state=pl.col("init").replace_strict(snap), start_known=pl.lit(False)))
        changes.append(first.select(t=pl.lit(outage[0]), seq=pl.lit(-1, pl.Int64), dn="dn",
                                    state=pl.lit(None, pl.String), start_known=pl.lit(False)))
    c = pl.concat(changes, how="vertical_relaxed").sort("dn", "t", "seq")
    c = c.with_columns(end=pl.col("t").shift(-1).over("dn"))
    lost_at = outage[0] if outage else -1
    c = c.with_columns(end_reason=pl.when(pl.col("end") == lost_at)
                       .then(pl.lit("monitoring_lost")).when(pl.col("end").is_not_null()).then(pl.lit("state_changed")))
    c = c.filter(pl.col("state").is_not_null())
    agent_of = dict(zip(topo.agent_dns, topo.agent_ids))
    return c.select(layer=pl.lit("agent"), dn="dn", state="state", start="t", end="end", end_reason="end_reason",
                    start_known="start_known",
                    agent_id=pl.when(pl.col("state") != "LoggedOut").then(pl.col("dn").replace_strict(agent_of)))


def _call_layer(ev: pl.DataFrame) -> pl.DataFrame:
    e = ev.filter(pl.col("conn_id").is_not_null() & pl.col("event").is_in([*_CALL_STATE, *_CALL_END]))
    moved = e.filter(pl.col("event") == "EventPartyChanged").select(
        "t", "seq", "this_dn", conn_id="previous_conn_id", event=pl.lit("party_changed"),
        call_type="call_type", releasing_party=pl.lit(None, pl.Int16), call_state="call_state", agent_id="agent_id")
    e = pl.concat([e.select(moved.columns), moved], how="vertical_relaxed")
    state = pl.col("event").replace_strict(_CALL_STATE, default=None)
    reason = (pl.when(pl.col("event") == "party_changed").then(pl.lit("party_changed"))
              .when((pl.col("event") == "EventReleased") & (pl.col("call_state") == 1)).then(pl.lit("transferred"))
              .when((pl.col("event") == "EventReleased") & (pl.col("call_state") == 22)).then(pl.lit("redirected"))
              .when(pl.col("event").is_in(list(_CALL_END))).then(pl.col("event").replace_strict(_CALL_END, default=None))
              .otherwise(pl.col("event").str.strip_prefix("Event").str.to_lowercase()))
    e = e.with_columns(state=state, reason=reason).sort("this_dn", "conn_id", "t", "seq")
    key = ["this_dn", "conn_id"]
    e = e.with_columns(end=pl.col("t").shift(-1).over(key), end_reason=pl.col("reason").shift(-1).over(key),
                       released=pl.col("releasing_party").shift(-1).over(key),
                       ct=pl.col("call_type").forward_fill().over(key))
    # Talking → Talking (retrieve after retrieve, party added) is one interval: keep only changes.
    e = e.filter(pl.col("state").is_not_null())
    e = e.with_columns(run=(pl.col("state") != pl.col("state").shift(1).over(key)).fill_null(True)
                       .cast(pl.Int32).cum_sum().over(key))
    g = e.group_by([*key, "run"], maintain_order=True).agg(
        pl.col("state").first(), pl.col("t").first().alias("start"), pl.col("end").last(),
        pl.col("end_reason").last(), pl.col("released").last(), pl.col("ct").first(), pl.col("agent_id").first())
    return g.select(layer=pl.lit("call"), dn="this_dn", conn_id="conn_id", state="state", start="start", end="end",
                    end_reason="end_reason",
                    released_by=pl.lit(_RELEASED_BY).gather(pl.col("released").fill_null(0)),
                    call_type=pl.col("ct").cast(pl.Int8), agent_id="agent_id", start_known=pl.lit(True))


def ground_truth(ev: pl.DataFrame, sessions: pl.DataFrame, topo: Topology, t0: int, outage) -> pl.DataFrame:
    """All ground-truth intervals of a run, in the :data:`GROUND_TRUTH` layout.

    Examples
    --------
    >>> from statcli.simulate import simulate_frames
    >>> gt = simulate_frames(agents=2, hours=0.25, seed=3).truth
    >>> sorted(gt["layer"].unique())
    ['agent', 'call', 'monitor']
    """
    parts = [_agent_layer(ev, sessions, topo, t0, outage), _call_layer(ev)]
    if outage:
        parts.append(pl.DataFrame({"dn": list(topo.registered_dns)}).select(
            layer=pl.lit("monitor"), dn="dn", state=pl.lit("NotMonitored"), start=pl.lit(outage[0]),
            end=pl.lit(outage[1]), end_reason=pl.lit("link_connected"), start_known=pl.lit(True)))
    gt = pl.concat(parts, how="diagonal_relaxed")
    gt = gt.with_columns(dn_type=pl.col("dn").replace_strict(topo.dn_types, default="Unknown"),
                         start=pl.from_epoch("start", "us").dt.replace_time_zone("UTC"),
                         end=pl.from_epoch("end", "us").dt.replace_time_zone("UTC"))
    gt = gt.with_columns([pl.lit(None, dt).alias(c) for c, dt in GROUND_TRUTH.items() if c not in gt.columns])
    return gt.select([pl.col(c).cast(dt) for c, dt in GROUND_TRUTH.items()]).sort("layer", "dn", "start", "conn_id")
