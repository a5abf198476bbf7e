"""Pseudo-actions of a mediation DN (MED-19): DNLogin / DNReady / DNActive and the Agent* twins.

One instance per DN (``DN*``) and per agent (``Agent*``) logged in to mediation
DN M (the queue–agent link periods of ``qlink.py``). Inside a login period
the DN is *ready* while its status is WaitForNextCall — WaitForNextCall is
going on and no call action (ringing, dialing, a call-type action, hold) is,
because call actions outrank it (DN-14, section 3.3) — and *active* otherwise
(MED-19c). Rows name M as the object and in ``dn`` (where the action happens,
like every mediation row); ``Agent*`` rows carry the AgentID. The ACTIONS table
has no column for the logged-in DN of a ``DN*`` row, so per-DN identity
(MED-19e distinct counting) is not available downstream.
"""

from __future__ import annotations

import polars as pl

from statcli.derive.medbase import BUSY_ACTIONS, FAR_FUTURE, shape, split_at_unmonitored
from statcli.schema import UTC_US

#: Pseudo-action names: (per-DN, per-agent) for the login period and each state.
LOGIN_ACTIONS = ("DNLogin", "AgentLogin")
STATE_ACTIONS = {True: ("DNReady", "AgentReady"), False: ("DNActive", "AgentActive")}
READY_ACTION = "WaitForNextCall"


def _status_changes(regular: pl.DataFrame) -> pl.DataFrame:
    """Per DN, each instant its ready/not-ready status may change: ``dn, t, ready``."""
    def deltas(actions, name):
        rows = regular.filter(pl.col("action").is_in(actions))
        up = rows.select("dn", pl.col("start").alias("t"), pl.lit(1).alias(name))
        down = rows.filter(pl.col("end").is_not_null()).select("dn", pl.col("end").alias("t"),
                                                               pl.lit(-1).alias(name))
        return pl.concat([up, down])

    d = pl.concat([deltas([READY_ACTION], "_w").with_columns(_b=pl.lit(0)),
                   deltas(list(BUSY_ACTIONS), "_b").with_columns(_w=pl.lit(0)).select("dn", "t", "_w", "_b")])
    return (d.group_by("dn", "t").agg(pl.col("_w").sum(), pl.col("_b").sum())
            .sort("dn", "t")
            .with_columns(_w=pl.col("_w").cum_sum().over("dn"), _b=pl.col("_b").cum_sum().over("dn"))
            .select("dn", "t", ready=(pl.col("_w") > 0) & (pl.col("_b") <= 0)))


def _state_pieces(ql: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Cut each login period (``_q``) into maximal ready / active pieces."""
    first = (ql.select("_q", "dn", "start").sort("start")
             .join_asof(changes.rename({"t": "_t"}).sort("_t"), left_on="start", right_on="_t", by="dn",
                        strategy="backward", check_sortedness=False)
             .select("_q", pl.col("start").alias("t"), pl.col("ready").fill_null(False)))
    inner = (ql.select("_q", "dn", "start", "end").join(changes, on="dn", how="inner")
             .filter((pl.col("t") > pl.col("start")) & (pl.col("t") < pl.col("end").fill_null(FAR_FUTURE)))
             .select("_q", "t", "ready"))
    pieces = (pl.concat([first, inner]).sort("_q", "t")
              .filter((pl.col("ready") != pl.col("ready").shift(1).over("_q")).fill_null(True))
              .with_columns(_next=pl.col("t").shift(-1).over("_q")))
    return pieces.join(ql.select("_q", "end", "end_reason"), on="_q", how="left").select(
        "_q", pl.col("t").alias("start"), "ready",
        pl.coalesce("_next", "end").cast(UTC_US).alias("end"),
        pl.when(pl.col("_next").is_not_null()).then(pl.lit("status_changed")).otherwise("end_reason")
        .alias("end_reason"))


def pseudo_rows(regular: pl.DataFrame, ql: pl.DataFrame, med: pl.DataFrame, gaps: pl.DataFrame) -> pl.DataFrame:
    """MED-19a/b/c rows for every queue–agent link period in ``ql``.

    ``gaps`` are the unmonitored periods per DN: a loss of monitoring of the
    agent's DN or of M ends the pseudo-actions (``monitoring_lost``, REG-10);
    they resume at the restore while the queue login lasts.
    """
    ql = split_at_unmonitored(ql, gaps, ["dn", "med_dn"]).with_row_index("_q")
    target = dict(object_type="med_object_type", object_id="med_dn", scope="med_scope", dn="med_dn",
                  dn_type="med_type", this_queue=pl.lit(None), conn_id=pl.lit(None))
    with_agent = pl.col("agent_id").is_not_null()
    login = pl.concat([
        shape(ql, action=pl.lit(LOGIN_ACTIONS[0]), agent_id=pl.lit(None), **target),
        shape(ql.filter(with_agent), action=pl.lit(LOGIN_ACTIONS[1]), **target),
    ])
    logged_in = regular.filter(pl.col("dn").is_in(ql["dn"].unique().implode()))
    pieces = _state_pieces(ql, _status_changes(logged_in)).join(
        ql.drop("start", "end", "end_reason"), on="_q", how="left")
    dn_state = pl.when("ready").then(pl.lit(STATE_ACTIONS[True][0])).otherwise(pl.lit(STATE_ACTIONS[False][0]))
    agent_state = pl.when("ready").then(pl.lit(STATE_ACTIONS[True][1])).otherwise(pl.lit(STATE_ACTIONS[False][1]))
    states = pl.concat([
        shape(pieces, action=dn_state, agent_id=pl.lit(None), **target),
        shape(pieces.filter(with_agent), action=agent_state, **target),
    ])
    return pl.concat([login, states])
