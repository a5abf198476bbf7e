"""Action and status masks (reference §5.2, MASK-1 … MASK-6).

A mask is a comma list of ``*``, names and ``~name`` exclusions, evaluated
order-independently against the *universe* of the stat type's subject.
Names match case-insensitively and come back in canonical spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from statcli.catalog.actions import action_catalog
from statcli.catalog.statuses import status_priority

#: Status priority table, lowest to highest (reference §3.3, ST-6: fixed), from the catalog.
STATUS_PRIORITY: tuple[str, ...] = tuple(
    status_priority("regular_dn").sort("priority")["status"].to_list())

#: Subject -> which universe its masks draw names from.
SUBJECT_UNIVERSE = {
    "DNAction": "dn_actions",
    "DNStatus": "statuses",
    "AgentStatus": "statuses",
    "PlaceStatus": "statuses",
    "GroupStatus": "statuses",
    "CampaignAction": "campaign_actions",
}

_DN_SCOPES = ("regular_dn", "mediation_dn", "virtual_queue", "media_channel")


@lru_cache(maxsize=None)
def universe(kind: str) -> tuple[str, ...]:
    """Canonical names of one universe (``dn_actions``, ``campaign_actions``, ``statuses``).

    Examples
    --------
    >>> "CallWait" in universe("dn_actions"), "DialMade" in universe("campaign_actions")
    (True, True)
    """
    if kind == "statuses":
        return STATUS_PRIORITY
    cat = action_catalog()
    scopes = _DN_SCOPES if kind == "dn_actions" else ("campaign",)
    return tuple(sorted(set(cat.filter(cat["scope"].is_in(scopes))["action"].to_list())))


@lru_cache(maxsize=None)
def _all_names() -> dict[str, str]:
    names = set(action_catalog()["action"].to_list()) | set(STATUS_PRIORITY)
    return {n.lower(): n for n in names}


class MaskError(ValueError):
    """A mask item names no known action or status."""


@dataclass(frozen=True)
class Mask:
    """A parsed mask: the text as written and the resolved name set."""

    text: str
    names: frozenset[str]
    dropped: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.names)


def parse_mask(text: str | None, subject: str) -> Mask:
    """Resolve a mask against the universe of ``subject`` (MASK-1 … MASK-4).

    Parameters
    ----------
    text : str or None
        The mask as written, e.g. ``"*,~LoggedOut,~NotMonitored"``.
    subject : str
        Canonical subject name (``DNAction``, ``AgentStatus``, …).

    Returns
    -------
    Mask
        ``names`` is the resolved set; ``dropped`` lists known names outside
        the subject's universe (MASK-4: dropped, the caller warns).

    Raises
    ------
    MaskError
        An item names no known action or status.

    Examples
    --------
    >>> sorted(parse_mask("*,~LoggedOut,~NotMonitored", "AgentStatus").names)[:3]
    ['AfterCallWork', 'CallConsult', 'CallDialing']
    >>> sorted(parse_mask("callinbound, CallWait", "AgentStatus").names)
    ['CallInbound']
    >>> parse_mask("~LoggedOut", "AgentStatus").names == parse_mask("*,~LoggedOut", "AgentStatus").names
    True
    """
    if not text or not text.strip():
        return Mask(text="", names=frozenset())
    uni = universe(SUBJECT_UNIVERSE[subject])
    uni_set = set(uni)
    known = _all_names()
    star = False
    plus: set[str] = set()
    minus: set[str] = set()
    dropped: list[str] = []
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        if item == "*":
            star = True
            continue
        neg = item.startswith("~")
        name = item[1:].strip() if neg else item
        canon = known.get(name.lower())
        if canon is None:
            raise MaskError(f"unknown action or status {name!r}")
        if canon not in uni_set:
            dropped.append(canon)
            continue
        (minus if neg else plus).add(canon)
    if not plus and minus:  # MASK-3: only exclusions behave as if * were present
        star = True
    names = (set(uni) if star else set()) | plus
    names -= minus
    return Mask(text=text.strip(), names=frozenset(names), dropped=tuple(dropped))
