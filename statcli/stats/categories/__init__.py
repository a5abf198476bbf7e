"""Stat Server categories, one module per family, indexed in :data:`CATEGORIES`.

Examples
--------
>>> CATEGORIES["TotalTime"].unit
'seconds'
>>> "LoadBalance" in UNSUPPORTED
True
"""

from __future__ import annotations

from statcli.stats.categories import compound, continuous, current, historical, state, timeweighted
from statcli.stats.categories.base import Category

CATEGORIES: dict[str, Category] = {
    **historical.CATEGORIES, **current.CATEGORIES, **timeweighted.CATEGORIES,
    **compound.CATEGORIES, **state.CATEGORIES, **continuous.CATEGORIES,
}

#: Aliases Genesys documents for the same computation.
ALIASES = {"EstimWaitingTime": "EstimWaitTime", "ExpectedWaitTime2": "EstimWaitTime"}

#: Categories recognised but rejected (reference §5.4): the stat type is not opened.
UNSUPPORTED = frozenset({
    "LoadBalance", "LoadBalance1", "EstimTimeToComplete", "EstimTimeToEndCurrentNumber",
    "RelativeNumber", "TotalNumberErrors", "CurrentStateReasons", "CurrentTargetState",
    "CurrentDistinctNumber", "TotalDistinctTime", "Formula", "JavaCategory",
    "TotalCustomValue", "AverageCustomValue", "MinCustomValue", "MaxCustomValue",
    "CurrentCustomValue", "CurrentAverageCustomValue", "CurrentMinCustomValue",
    "CurrentMaxCustomValue",
})

__all__ = ["CATEGORIES", "ALIASES", "UNSUPPORTED", "Category"]
