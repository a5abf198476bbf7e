"""CurrentState: not numeric — the object's state at τ.

Status subjects: the status at τ. Action subjects (e.g. CampaignAction): the
durable actions of the mask going on at τ, joined by ``+`` (a campaign group
shows ``StatusRunning+Preview``). ``value`` is the age of the oldest of them.
"""

from __future__ import annotations

from statcli.stats.categories.base import Category, col, family

CATEGORIES = family(
    Category("CurrentState", "state", lambda c: col("CMAX_M"), frozenset({"current", "state"}),
             historical=False),
)
