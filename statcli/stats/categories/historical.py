"""Historical categories over an interval (reference §5.4, first table).

Measures (per mask key ``k``): ``N_k`` count, ``T_k`` time, ``NIR_k`` / ``TIR_k``
count and time of durations in the time range, ``NIR2_k`` count in the second
range, ``MAX_k`` / ``MIN_k`` durations, ``ADJT_k`` / ``ADJN_k`` adjusted time and
number; ``ELAPSED`` = τ − t0.
"""

from __future__ import annotations

from statcli.stats.categories.base import Category, col, div, family, pct

P = frozenset({"point"})
A = frozenset({"adjusted"})

CATEGORIES = family(
    Category("TotalNumber", "count", lambda c: col("N_M"), P),
    Category("TotalTime", "seconds", lambda c: col("T_M"), P),
    Category("AverageTime", "seconds", lambda c: div(col("T_M"), col("N_R")), P, rel="same"),
    Category("MaxTime", "seconds", lambda c: col("MAX_M"), P),
    Category("MinTime", "seconds", lambda c: col("MIN_M"), P),
    Category("TotalAdjustedTime", "seconds", lambda c: col("ADJT_M"), A),
    Category("TotalAdjustedNumber", "count", lambda c: col("ADJN_M"), A),
    Category("RelativeNumberPercentage", "percent",
             lambda c: pct(col("NIR_M") if c.get("range_given") else col("N_M"), col("N_R")),
             P, rel="required", uses_range=True),
    Category("RelativeTimePercentage", "percent", lambda c: pct(col("T_M"), col("T_R")), P, rel="required"),
    Category("ElapsedTimePercentage", "percent", lambda c: pct(col("T_M"), col("ELAPSED")), P),
    Category("AverageNumberPerRelativeHour", "ratio",
             lambda c: div(col("N_M") * 3600.0, col("T_R")), P, rel="required"),
    Category("TotalNumberPerSecond", "ratio", lambda c: div(col("N_M"), col("ELAPSED")), P),
    Category("TotalNumberInTimeRange", "count", lambda c: col("NIR_M"), P, uses_range=True),
    Category("TotalNumberInTimeRangePercentage", "percent",
             lambda c: pct(col("NIR_M"), col("N_R")), P, rel="same", uses_range=True),
    Category("TotalTimeInTimeRange", "seconds", lambda c: col("TIR_M"), P, uses_range=True),
)
