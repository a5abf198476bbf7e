"""Data-quality counters of a derivation (shown by ``statcli derive-actions``).

They say how far the actions can be trusted: call events without a ConnID
cannot be followed, calls never released stay open (OBS-3 / TIME-4), unknown
events are ignored (§2.7), and DNs never registered have no snapshot state
(REG-1a).
"""

from __future__ import annotations

import polars as pl

#: TEvents the action families read (reference §2.7 event index); others are ignored.
HANDLED_EVENTS: tuple[str, ...] = (
    "EventRegistered", "EventAddressInfo", "EventError", "EventUnregistered",
    "EventLinkDisconnected", "EventLinkConnected", "EventDNOutOfService", "EventDNBackInService",
    "EventAgentLogin", "EventAgentLogout", "EventQueueLogout", "EventAgentReady", "EventAgentNotReady",
    "EventAgentAfterCallWork", "EventOffHook", "EventOnHook", "EventDialing", "EventNetworkReached",
    "EventDestinationBusy", "EventRinging", "EventEstablished", "EventHeld", "EventRetrieved",
    "EventReleased", "EventAbandoned", "EventQueued", "EventRouteRequest", "EventDiverted", "EventRouteUsed",
    "EventPartyChanged", "EventPartyAdded", "EventPartyDeleted", "EventTreatmentApplied", "EventTreatmentEnd",
    "EventTreatmentNotApplied", "EventUserEvent", "EventAttachedDataChanged", "EventCallInfoChanged",
    "EventCallPartyDeleted", "EventCallDeleted", "EventCallCreated", "EventCallDataChanged",
    "EventCallPartyAdded", "EventCallPartyState", "EventCallPartyMoved", "EventACK",
)
#: Events that concern one call and must carry a ConnID.
CALL_EVENTS: tuple[str, ...] = (
    "EventDialing", "EventRinging", "EventEstablished", "EventHeld", "EventRetrieved", "EventReleased",
    "EventAbandoned", "EventQueued", "EventRouteRequest", "EventDiverted", "EventRouteUsed", "EventPartyChanged",
    "EventPartyAdded", "EventPartyDeleted", "EventTreatmentApplied", "EventTreatmentEnd",
)
#: Events after which a ConnID is gone from a DN or from the switch.
CALL_END_EVENTS: tuple[str, ...] = ("EventReleased", "EventAbandoned", "EventCallDeleted", "EventDiverted",
                                    "EventRouteUsed")


def data_quality(events: pl.DataFrame, actions: pl.DataFrame | None = None) -> dict[str, int]:
    """Counters of things the derivation could not fully use.

    Parameters
    ----------
    events : polars.DataFrame
        The ``events`` table.
    actions : polars.DataFrame, optional
        The derived ``actions``; adds ``open_actions`` (durable, ``end`` null).

    Returns
    -------
    dict
        ``events``, ``call_events_without_conn_id``, ``calls_never_released``
        (ConnIDs with call events but no release, abandon, diversion or
        ``EventCallDeleted``), ``unknown_events`` (not in the §2.7 index),
        ``dns_never_registered`` (DNs with events but no ``EventRegistered``),
        ``registration_errors``, ``open_actions``.

    Examples
    --------
    >>> import polars as pl
    >>> ev = pl.DataFrame({"event": ["EventRinging", "EventRinging", "EventFoo", "EventRegistered"],
    ...                    "this_dn": ["7001", "7001", "7001", "7002"], "conn_id": ["c1", None, None, None]})
    >>> q = data_quality(ev)
    >>> q["call_events_without_conn_id"], q["calls_never_released"], q["unknown_events"], q["dns_never_registered"]
    (1, 1, 1, 1)
    """
    event = pl.col("event")
    calls = events.filter(event.is_in(CALL_EVENTS))
    conns = calls.filter(pl.col("conn_id").is_not_null())["conn_id"].unique()
    ended = events.filter(event.is_in(CALL_END_EVENTS) & pl.col("conn_id").is_not_null())["conn_id"].unique()
    per_dn = (events.filter(pl.col("this_dn").is_not_null())
              .group_by("this_dn").agg(reg=(event == "EventRegistered").any(), err=(event == "EventError").any()))
    out = {
        "events": events.height,
        "call_events_without_conn_id": calls.filter(pl.col("conn_id").is_null()).height,
        "calls_never_released": conns.filter(~conns.is_in(ended.implode())).len(),
        "unknown_events": events.filter(~event.is_in(HANDLED_EVENTS)).height,
        "dns_never_registered": per_dn.filter(~pl.col("reg")).height,
        "registration_errors": per_dn.filter(pl.col("err") & ~pl.col("reg")).height,
    }
    if actions is not None:
        out["open_actions"] = actions.filter((pl.col("kind") == "durable") & pl.col("end").is_null()).height
    return out
