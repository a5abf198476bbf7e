"""Categories over how long a status stays inside the mask, and the mean of CurrentTime.

``AOCT_M`` is the integral of CurrentTime(M) over ``[t0, τ)``; ``CONTN_M`` counts
runs of statuses of M entered in I; ``CONTT_M`` is the age at τ of the run going on.
"""

from __future__ import annotations

from statcli.stats.categories.base import Category, col, div, family

CATEGORIES = family(
    Category("AverageOfCurrentTime", "seconds", lambda c: div(col("AOCT_M"), col("ELAPSED")),
             frozenset({"current_integral"})),
    Category("TotalContinuousNumber", "count", lambda c: col("CONTN_M"), frozenset({"continuous"}),
             subjects="status"),
    Category("CurrentContinuousTime", "seconds", lambda c: col("CONTT_M"), frozenset({"continuous"}),
             subjects="status", historical=False),
)
