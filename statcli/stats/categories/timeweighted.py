"""Categories over the time line of CurrentNumber inside the interval.

``Cur(M, t)`` is a step function; ``LMAX_M`` / ``LMIN_M`` are its extremes over
``[t0, τ)`` (the value at t0 counts) and ``LAVG_M`` its time-weighted mean.
"""

from __future__ import annotations

from statcli.stats.categories.base import Category, col, family

S = frozenset({"step"})

CATEGORIES = family(
    Category("MaxNumber", "count", lambda c: col("LMAX_M"), S),
    Category("MinNumber", "count", lambda c: col("LMIN_M"), S),
    Category("AverageOfCurrentNumber", "ratio", lambda c: col("LAVG_M"), S),
)
