"""The outbound campaign: two campaign groups, dial attempts, leads and callbacks.

Campaign ``Spring`` runs on two groups (``Spring@<agent group>`` and a second
agent group, or the place group of the same agents when there is only one
queue). Each group is loaded, started, stopped and unloaded; the first changes
its dial mode from Progressive to Predictive half-way. The agents' outbound
calls that fall into a group's running period become that group's dial
attempts: their T-Server events carry the OCS ``GSW_`` user data, the desktop
reports the result with an EventUserEvent (``RecordProcessed`` or a callback
request ``RecordReschedule`` / ``ScheduledRecordReschedule``), and OCS writes
the record back. Everything is computed per attempt with column expressions.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from statcli.simulate.config import SimConfig
from statcli.simulate.flows import EVENT_COLUMNS, MS, S
from statcli.simulate.timeline import Plan
from statcli.simulate.topology import Topology

CAMPAIGN, CAMPAIGN_DBID = "Spring", 101
CALLING_LIST, LIST_DBID = "CL_Spring", 301
MODE_NAMES = {1: "Predictive", 2: "Progressive", 3: "Preview"}
#: call_result of unanswered attempts, in turn: No Answer, Busy, Answering Machine
UNANSWERED = (7, 6, 9)


def groups(cfg: SimConfig, topo: Topology, t0: int, end: int) -> pl.DataFrame:
    """The two campaign groups with their life-cycle times and dial modes."""
    span = end - t0
    second = topo.queue_names[1] if len(topo.queues) > 1 else f"{topo.queue_names[0]}Places"
    at = lambda f: t0 + int(span * f) // MS * MS + 250 * MS  # noqa: E731 - tiny local helper
    return pl.DataFrame({
        "group_ix": [0, 1], "group": [topo.queue_names[0], second],
        "name": [f"{CAMPAIGN}@{topo.queue_names[0]}", f"{CAMPAIGN}@{second}"],
        "group_dbid": [201, 202], "queue": [0, 1 if len(topo.queues) > 1 else 0],
        "loaded": [at(0.03), at(0.04)], "started": [at(0.06), at(0.08)], "mode": [2, 3],
        "mode_change": [at(0.45), None], "new_mode": [1, None],
        "stopped": [at(0.88), at(0.85)], "unloaded": [at(0.93), at(0.90)],
    })


def _attempts(cfg: SimConfig, topo: Topology, plan: Plan, grp: pl.DataFrame) -> pl.DataFrame:
    one_queue = len(topo.queues) == 1
    out = plan.cycles.filter(pl.col("kind") == "out").with_columns(
        group_ix=pl.when(pl.lit(one_queue)).then(pl.col("agent") % 2).otherwise(pl.col("queue")).cast(pl.Int64))
    out = out.join(grp.select("group_ix", "started", "stopped", "name", "group_dbid"), on="group_ix", how="inner")
    out = out.filter((pl.col("t") > pl.col("started") + 5 * S) & (pl.col("t") + 30 * S < pl.col("stopped")))
    out = out.sort("t", "cid").with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    i = pl.col("i")
    rel = pl.when(pl.col("answered")).then(pl.col("t") + pl.col("dial") + pl.col("talk")).otherwise(pl.col("t") + 25 * S)
    result = pl.when(pl.col("answered")).then(pl.lit(33)).otherwise(
        pl.lit(pl.Series(UNANSWERED)).gather(i % len(UNANSWERED)))
    # every third answered attempt ends in a campaign callback, the next one in a personal callback
    r = pl.col("answered").cast(pl.Int64).cum_sum() - 1
    callback = pl.when(pl.col("answered") & (r % 3 == 1)).then(pl.lit("Campaign")) \
        .when(pl.col("answered") & (r % 3 == 2)).then(pl.lit("Personal"))
    return out.select(
        "cid", "agent", "t", "group_ix", "name", "group_dbid", "stopped",
        handle=90_000 + i, chain=7_000 + i, result=result.cast(pl.Int64), released=rel, callback=callback,
        # the desktop reports once the agent has wrapped up (or right after a failed dial)
        report=rel + 500 * MS,
    ).with_columns(
        final=pl.col("callback").is_null() & (pl.col("result") != 7),
        record_type=pl.when(pl.col("callback") == "Campaign").then(pl.lit(6))
        .when(pl.col("callback") == "Personal").then(pl.lit(5))
        .when(pl.col("result") == 7).then(pl.lit(3)).otherwise(pl.lit(2)),
    )


def _user_events(topo: Topology, grp: pl.DataFrame, att: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """EventUserEvent rows on agent DNs: campaign notifications, preview records, desktop reports."""
    dns = pl.lit(pl.Series(topo.agent_dns))
    agents = pl.DataFrame({"agent": np.arange(len(topo.agent_dns)), "queue": topo.agent_queue})
    one_queue = len(topo.queues) == 1
    members = agents.with_columns(group_ix=(pl.col("agent") % 2) if one_queue else pl.col("queue").cast(pl.Int64))
    life = grp.unpivot(index=["group_ix", "name", "mode", "new_mode"], on=["loaded", "started", "mode_change",
                                                                          "stopped", "unloaded"],
                       variable_name="what", value_name="t").drop_nulls("t")
    notes = life.join(members, on="group_ix").with_columns(
        gsw_user_event=pl.col("what").replace_strict({
            "loaded": "CampaignLoaded", "started": "CampaignStarted", "mode_change": "CampaignModeChanged",
            "stopped": "CampaignStopped", "unloaded": "CampaignUnloaded"}),
        gsw_mode=pl.when(pl.col("what") == "mode_change").then(pl.col("new_mode"))
        .when(pl.col("what") == "started").then(pl.col("mode")).replace_strict(MODE_NAMES, default=None),
        t=pl.col("t") + pl.col("agent").cast(pl.Int64) * MS,
        cid=5_000_000 + pl.col("group_ix") * 100_000 + pl.col("agent").cast(pl.Int64),
    )
    # No user event can reach a DN while the T-Server link is down.
    if plan.outage:
        notes = notes.filter((pl.col("t") < plan.outage[0]) | (pl.col("t") > plan.outage[1] + 10 * S))
    common = dict(event=pl.lit("EventUserEvent"), user_event=pl.lit("EventUserEvent"), this_dn=dns.gather(pl.col("agent")),
                  gsw_campaign=pl.lit(CAMPAIGN), gsw_group=pl.col("name").str.split("@").list.last(),
                  k=pl.lit(0, pl.Int16))
    rows = [notes.select("t", "cid", "gsw_user_event", "gsw_mode", **common)]
    rec = dict(gsw_list=pl.lit(CALLING_LIST), gsw_handle=pl.col("handle"), gsw_chain=pl.col("chain"), **common)
    rows.append(att.select(t=pl.col("t") - S, cid="cid", gsw_user_event=pl.lit("PreviewRecord"), **rec))
    req = pl.when(pl.col("callback") == "Campaign").then(pl.lit("RecordReschedule")) \
        .when(pl.col("callback") == "Personal").then(pl.lit("ScheduledRecordReschedule")) \
        .otherwise(pl.lit("RecordProcessed"))
    rows.append(att.select(t="report", cid="cid", gsw_req=req, gsw_result="result", gsw_callback="callback",
                           **{**rec, "k": pl.lit(30, pl.Int16)}))
    return pl.concat(rows, how="diagonal_relaxed")


def attach_campaign(cfg: SimConfig, topo: Topology, plan: Plan, events: pl.DataFrame
                    ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Add the campaign's GSW_ data and user events to ``events``; return (events, attempts).

    The attempts table has one row per dial attempt (``handle``, ``chain``,
    ``result`` = call_result, ``callback``, ``final``) plus the groups' life cycle
    as ``campaign.groups`` metadata-like rows (``kind`` = ``group``).
    """
    grp = groups(cfg, topo, cfg.t0_us, plan.end)
    att = _attempts(cfg, topo, plan, grp)
    tag = att.select("cid", "handle", "chain", "name")
    ev = events.join(tag, on="cid", how="left")
    call = pl.col("handle").is_not_null() & (pl.col("ud") == "outbound")
    ev = ev.with_columns(
        gsw_campaign=pl.when(call).then(pl.lit(CAMPAIGN)).otherwise("gsw_campaign"),
        gsw_group=pl.when(call).then(pl.col("name").str.split("@").list.last()).otherwise("gsw_group"),
        gsw_list=pl.when(call).then(pl.lit(CALLING_LIST)).otherwise("gsw_list"),
        gsw_phone=pl.when(call).then(pl.col("dnis")).otherwise("gsw_phone"),
        gsw_handle=pl.when(call).then(pl.col("handle")).otherwise("gsw_handle"),
        gsw_chain=pl.when(call).then(pl.col("chain")).otherwise("gsw_chain"),
    ).drop("handle", "chain", "name")
    ue = _user_events(topo, grp, att, plan).with_columns(context=pl.lit("distribute_event"))
    ev = pl.concat([ev.drop("seq"), ue], how="diagonal_relaxed")
    ev = ev.select([pl.col(c).cast(dt) for c, dt in EVENT_COLUMNS.items()])
    ev = ev.sort("t", "cid", "k").with_row_index("seq", offset=0x1A2B00).with_columns(pl.col("seq").cast(pl.Int64))
    campaign = pl.concat([
        grp.select(kind=pl.lit("group"), name="name", group="group", group_dbid="group_dbid", loaded="loaded", started="started",
                   mode="mode", mode_change="mode_change", new_mode="new_mode", stopped="stopped",
                   unloaded="unloaded"),
        att.select(kind=pl.lit("attempt"), name="name", group_dbid="group_dbid", cid="cid",
                   agent_id=pl.lit(pl.Series(topo.agent_ids)).gather(pl.col("agent")), dialed="t", released="released",
                   reported="report", handle="handle", chain="chain", result="result", callback="callback",
                   final="final", record_type="record_type", stopped="stopped"),
    ], how="diagonal_relaxed")
    return ev, campaign
