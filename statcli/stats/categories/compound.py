"""Compound categories with fixed action sets (reference §5.4, third table).

ServiceFactor1 = ``100 · Ain / (A + B − Bshort)``; EstimWaitTime =
``AHT · CIQU / (AA · EP)`` with its documented substitutes (AHT 90 s when no call
ended, AA 0.0001 when no agent is active, EP 1).
"""

from __future__ import annotations

import polars as pl

from statcli.stats.categories.base import Category, col, family, pct

#: EstimWaitTime's substitutes (documented by Genesys, CAT-0 exception).
DEFAULT_AHT = 90.0
MIN_ACTIVE = 0.0001


def _estim_wait(ctx: dict) -> pl.Expr:
    aht = pl.when(col("N_R") > 0).then(col("T_M") / col("N_R")).otherwise(pl.lit(DEFAULT_AHT))
    ciqu = pl.max_horizontal(col("CN_W") - col("CN_AR"), pl.lit(0.0))
    active = pl.when(col("CN_AA") > 0).then(col("CN_AA")).otherwise(pl.lit(MIN_ACTIVE))
    return aht * ciqu / active


CATEGORIES = family(
    Category("ServiceFactor1", "percent",
             lambda c: pct(col("NIR_M"), col("N_M") + col("N_R") - col("NIR2_R")),
             frozenset({"point"}), uses_range=True, uses_range2=True, subjects="action",
             fixed_masks={"M": ("CallAnswered",), "R": ("CallAbandoned", "CallAbandonedFromRinging")}),
    Category("EstimWaitTime", "seconds", _estim_wait, frozenset({"point", "current"}), subjects="action",
             historical=False,
             fixed_masks={"M": ("CallReleased", "ACWCompleted", "CallMissed", "ACWMissed"),
                          "R": ("CallReleased", "CallMissed"), "W": ("CallWait",),
                          "AR": ("AgentReady",), "AA": ("AgentActive",)}),
)
