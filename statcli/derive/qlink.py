"""The queue–agent link (QLINK-1/2) and the reflections that need it (MED-15 to MED-18).

An agent's DN is linked to mediation DN M while the agent is logged in through
an ``EventAgentLogin`` whose ``ThisQueue`` is M (until ``EventAgentLogout`` or
``EventQueueLogout`` for M), or — from the objects configuration — while the
agent is logged in anywhere and M is an Origination DN of one of the agent's
groups. Virtual queues have no logins (VQ-4).
"""

from __future__ import annotations

import polars as pl

from statcli.derive.base import ORDER, DeriveContext
from statcli.derive.medbase import NO_REFLECTION_REASONS, merge_intervals, shape
from statcli.derive.reflections import ended_call_types

LOGIN_EVENT = "EventAgentLogin"
#: Events that end a DN's login to a queue; without ThisQueue they end all its queues.
LOGOUT_EVENTS = ("EventAgentLogout", "EventQueueLogout")

_QL_COLS = ["dn", "med_dn", "med_type", "med_object_type", "med_scope", "agent_id", "start", "end",
            "end_reason", "source", "line", "start_known"]


def _login_links(ev: pl.DataFrame, med: pl.DataFrame) -> pl.DataFrame:
    """QLINK-1 intervals from the logins' ThisQueue."""
    queues = med.filter(pl.col("med_scope") == "mediation_dn")
    not_med = ~pl.col("this_dn").is_in(med["med_dn"].implode())
    logins = (ev.filter((pl.col("event") == LOGIN_EVENT) & not_med)
              .join(queues, left_on="this_queue", right_on="med_dn", how="inner")
              .with_columns(med_dn=pl.col("this_queue"), _is_end=pl.lit(False)))
    if not logins.height:
        return pl.DataFrame(schema={c: logins.schema.get(c, pl.String) for c in _QL_COLS})
    pairs = logins.select("this_dn", "med_dn").unique()
    outs = ev.filter(pl.col("event").is_in(LOGOUT_EVENTS) & not_med)
    # A logout naming a queue ends that queue; one naming none ends every queue of the DN.
    outs = pl.concat([
        outs.filter(pl.col("this_queue").is_not_null()).with_columns(med_dn=pl.col("this_queue"))
        .join(pairs, on=["this_dn", "med_dn"], how="semi"),
        outs.filter(pl.col("this_queue").is_null()).drop("this_queue")
        .join(pairs, on="this_dn", how="inner").with_columns(this_queue=pl.col("med_dn")),
    ], how="diagonal_relaxed").with_columns(_is_end=pl.lit(True))
    both = pl.concat([logins.select("this_dn", "med_dn", "agent_id", "ts", ORDER, "source", "line", "_is_end"),
                      outs.select("this_dn", "med_dn", "agent_id", "ts", ORDER, "source", "line", "_is_end")],
                     how="diagonal_relaxed")
    key = ["this_dn", "med_dn"]
    both = both.sort([*key, ORDER]).with_columns(
        _run=pl.col("_is_end").cast(pl.Int32).cum_sum().shift(1, fill_value=0).over(key))
    starts = (both.filter(~pl.col("_is_end"))
              .unique([*key, "_run"], keep="first", maintain_order=True))
    ends = both.filter(pl.col("_is_end")).select(*key, "_run", pl.col("ts").alias("end"))
    return (starts.join(ends, on=[*key, "_run"], how="left")
            .join(queues, on="med_dn", how="inner")
            .select(pl.col("this_dn").alias("dn"), "med_dn", "med_type", "med_object_type", "med_scope",
                    "agent_id", pl.col("ts").alias("start"), "end",
                    pl.when(pl.col("end").is_not_null()).then(pl.lit("logged_out")).alias("end_reason"),
                    "source", "line", pl.lit(True).alias("start_known")))


def _configured_links(ctx: DeriveContext, regular: pl.DataFrame, med: pl.DataFrame) -> pl.DataFrame:
    """QLINK-2 intervals: the agent's LoggedIn sessions × its groups' origination DNs."""
    obj = ctx.objects
    pairs = [] if obj is None else sorted({
        (agent, dn) for group, agents in obj.agent_groups.items()
        for dn in obj.origination_dns.get(group, []) for agent in agents})
    origin = pl.DataFrame(pairs, schema={"agent_id": pl.String, "med_dn": pl.String}, orient="row")
    queues = med.filter(pl.col("med_scope") == "mediation_dn")
    sessions = regular.filter((pl.col("action") == "LoggedIn") & pl.col("agent_id").is_not_null())
    return (sessions.join(origin, on="agent_id", how="inner")
            .join(queues, on="med_dn", how="inner")
            .with_columns(end_reason=pl.when(pl.col("end").is_not_null())
                          .then(pl.coalesce("end_reason", pl.lit("logged_out"))))
            .select(_QL_COLS))


def qlink_intervals(ev: pl.DataFrame, ctx: DeriveContext, regular: pl.DataFrame,
                    med: pl.DataFrame) -> pl.DataFrame:
    """Queue–agent links: one row per (DN, mediation DN) login period.

    Columns ``dn, med_dn, med_type, med_object_type, med_scope, agent_id,
    start, end, end_reason, source, line, start_known``; overlapping periods
    from both sources are merged.
    """
    parts = [_login_links(ev, med).select(_QL_COLS), _configured_links(ctx, regular, med)]
    parts = [p for p in parts if p.height]
    if not parts:
        return pl.DataFrame(schema={c: regular.schema.get(c, pl.String) for c in _QL_COLS})
    return merge_intervals(pl.concat(parts, how="vertical_relaxed"), ["dn", "med_dn"])


def _linked_at(rows: pl.DataFrame, ql: pl.DataFrame) -> pl.DataFrame:
    """Rows (with ``_k``) × the mediation DNs their DN was linked to when the row ended."""
    q = ql.select("dn", "med_dn", "med_type", "med_object_type", "med_scope",
                  pl.col("start").alias("_q_start"), pl.col("end").alias("_q_end"))
    return (rows.join(q, on="dn", how="inner")
            .filter((pl.col("_q_start") <= pl.col("end"))
                    & (pl.col("_q_end").is_null() | (pl.col("end") <= pl.col("_q_end"))))
            .unique(["_k", "med_dn"], keep="first", maintain_order=True))


def _distributed(rows: pl.DataFrame, links: pl.DataFrame, at: str) -> pl.Expr:
    """Adds ``_dist``: whether M distributed this row's ConnID to its DN before ``at``."""
    first = (links.group_by(["conn_id", "dn", "med_dn"]).agg(pl.col("link_ts").min().alias("_l_ts")))
    return (rows.join(first, on=["conn_id", "dn", "med_dn"], how="left")
            .with_columns(_dist=(pl.col("_l_ts") <= pl.col(at)).fill_null(False)))


def _med_target(**extra) -> dict:
    return dict(object_type="med_object_type", object_id="med_dn", scope="med_scope", dn="med_dn",
                dn_type="med_type", this_queue="med_dn", agent_id=pl.lit(None), **extra)


def qlink_rows(regular: pl.DataFrame, links: pl.DataFrame, ql: pl.DataFrame, med: pl.DataFrame) -> pl.DataFrame:
    """MED-15 CallReleased / MED-16 CallMissed / MED-17 ACWCompleted / MED-18 ACWMissed."""
    calls = _distributed(_linked_at(ended_call_types(regular), ql), links, "end")
    calls = shape(calls, action=pl.when("_dist").then(pl.lit("CallReleased")).otherwise(pl.lit("CallMissed")),
                  **_med_target())
    acw = (regular.filter((pl.col("action") == "AfterCallWork") & pl.col("end").is_not_null()
                          & ~pl.col("end_reason").fill_null("").is_in(NO_REFLECTION_REASONS))
           .with_row_index("_k"))
    acw = _distributed(_linked_at(acw, ql), links, "start")
    acw = shape(acw, action=pl.when("_dist").then(pl.lit("ACWCompleted")).otherwise(pl.lit("ACWMissed")),
                released_by=pl.lit(None), **_med_target())
    return pl.concat([calls, acw])
