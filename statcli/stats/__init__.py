"""Stat types and their evaluation (reference statserver-model.md §5–6).

Public API
----------
load_stat_types(path=None)
    The built-in stat types plus a user's Stat Server options export.
compute_statistics(actions, stat_types, *, time_profile=..., statuses=None, ...)
    One row per stat type × object × interval (STATISTICS schema).
explain(actions, stat_type, object_id, interval_start, ...)
    The action rows (with source file and line) that make one value.

Examples
--------
>>> st = load_stat_types()
>>> st["Service_Factor"].category, st["Service_Factor"].time_range2
('ServiceFactor1', 'ShortAbandon')
"""

from __future__ import annotations

from statcli.stats.engine import StatWarning, compute_statistics
from statcli.stats.explain import explain
from statcli.stats.stattypes import StatType, StatTypeSet, load_stat_types

__all__ = ["compute_statistics", "load_stat_types", "explain", "StatType", "StatTypeSet", "StatWarning"]
