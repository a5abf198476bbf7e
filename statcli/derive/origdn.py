"""OrigDNCall* actions on the regular DN that originated a waiting call (CALL-8).

The originating DN is the monitored regular DN that dialed the call
(``CallDialing`` for the ConnID at that DN, from the calls family) or that
appears as ``OtherDN`` with ``OtherDNRole`` 1 (Origination) on the mediation
DN's start event. Its ``OrigDNCallWait`` mirrors the ``CallWait`` at the
ACD queue or routing point. Virtual-queue waits are left out: the same call
also waits at the routing point that asked URS (VQ-5), which already gives
the originating DN its actions.
"""

from __future__ import annotations

import polars as pl

from statcli.derive.base import DeriveContext
from statcli.derive.medbase import shape

ORIGINATION_ROLE = 1
#: The mediation DN's retrospective end action -> the originating DN's one.
ORIG_RETRO = {"CallDistributed": "OrigDNCallDistributed",
              "CallDistributedToQueue": "OrigDNCallDistributed",
              "CallAbandoned": "OrigDNCallAbandoned"}


def origdn_rows(waits: pl.DataFrame, ev: pl.DataFrame, med: pl.DataFrame, regular: pl.DataFrame,
                ctx: DeriveContext) -> pl.DataFrame:
    """OrigDNCallWait (durable), OrigDNCallEntered (momentary), OrigDNCallDistributed /
    OrigDNCallAbandoned (retrospective) on the originating regular DN."""
    w = waits.filter(pl.col("med_scope") == "mediation_dn").with_row_index("_w")
    monitored = (ev.select(pl.col("this_dn").alias("orig")).drop_nulls().unique()
                 .join(med, left_on="orig", right_on="med_dn", how="anti"))
    by_other = (w.filter(pl.col("other_dn_role") == ORIGINATION_ROLE)
                .with_columns(orig=pl.col("other_dn"))
                .join(monitored, on="orig", how="semi"))
    dialing = (regular.filter((pl.col("action") == "CallDialing") & pl.col("conn_id").is_not_null())
               .select(pl.col("dn").alias("orig"), "conn_id", pl.col("start").alias("_d_start")))
    by_dial = (w.join(dialing, on="conn_id", how="inner")
               .filter(pl.col("_d_start") <= pl.col("start"))
               .drop("_d_start"))
    o = pl.concat([by_other, by_dial], how="diagonal_relaxed").unique(["_w", "orig"], maintain_order=True)
    types = pl.DataFrame({"orig": list(ctx.dn_types), "_o_type": list(ctx.dn_types.values())},
                         schema={"orig": pl.String, "_o_type": pl.String})
    o = o.join(types, on="orig", how="left")
    target = dict(object_type=pl.lit("RegDN"), object_id="orig", scope=pl.lit("regular_dn"), dn="orig",
                  dn_type="_o_type", this_queue="med_dn")
    wait = shape(o, action=pl.lit("OrigDNCallWait"), **target)
    entered = shape(o, action=pl.lit("OrigDNCallEntered"), end=pl.lit(None), end_reason=pl.lit(None),
                    released_by=pl.lit(None), released_by_dn=pl.lit(None), **target)
    retro_name = pl.col("result").replace_strict(ORIG_RETRO, default=None, return_dtype=pl.String)
    retro = o.with_columns(_retro=retro_name).filter(pl.col("_retro").is_not_null())
    retro = shape(retro, action="_retro", source="_e_source", line="_e_line",
                  released_by=pl.when(pl.col("_retro") == "OrigDNCallAbandoned").then("released_by"), **target)
    return pl.concat([wait, entered, retro])
