"""Current categories, evaluated at the interval's instant τ (reference §5.4, second table).

Measures (per mask key ``k``): ``CN_k`` durable actions going on (or 1 when the
status is in the mask), ``CT_k`` sum of ages, ``CMAX_k`` / ``CMIN_k`` ages,
``CNIR_k`` those with an age in the time range. Instantaneous actions never count.
"""

from __future__ import annotations

from statcli.stats.categories.base import Category, col, div, family, pct

C = frozenset({"current"})

CATEGORIES = family(
    Category("CurrentNumber", "count", lambda c: col("CN_M"), C, historical=False),
    Category("CurrentTime", "seconds", lambda c: col("CT_M"), C, historical=False),
    Category("CurrentMaxTime", "seconds", lambda c: col("CMAX_M"), C, historical=False),
    Category("CurrentMinTime", "seconds", lambda c: col("CMIN_M"), C, historical=False),
    Category("CurrentAverageTime", "seconds", lambda c: div(col("CT_M"), col("CN_M")), C,
             historical=False),
    Category("CurrentRelativeNumberPercentage", "percent", lambda c: pct(col("CN_M"), col("CN_R")), C,
             rel="required", historical=False),
    Category("CurrentRelativeTimePercentage", "percent", lambda c: pct(col("CT_M"), col("CT_R")), C,
             rel="required", historical=False),
    Category("CurrentNumberInTimeRange", "count", lambda c: col("CNIR_M"), C, uses_range=True,
             historical=False),
    Category("CurrentNumberInTimeRangePercentage", "percent", lambda c: pct(col("CNIR_M"), col("CN_R")), C,
             rel="same", uses_range=True, historical=False),
)
