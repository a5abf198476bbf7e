"""Registration snapshots of newly registered DNs (seed 001; REG-0 to REG-9e).

Stat Server initialises a DN's actions from ``EventRegistered`` — when it
carries Extensions — or else from the ``EventAddressInfo`` with info type
AddressInfoDNStatus (17) that answers its TQueryAddress (REG-2). statcli reads
every such snapshot in the data, not only after a (re)connection (REG-0); a
snapshot changes state only where it contradicts it, which the state machines
in :mod:`statcli.derive.agent_state` get from run collapsing.

An ``EventError`` instead of ``EventRegistered`` creates no snapshot: the DN
keeps only ``Monitored`` until its next non-error event, which is processed
normally (REG-1, REG-1a). CallsQuery snapshots (REG-8, REG-9c) start call
actions and belong to the calls family.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

#: Snapshot AgentStatus → work-state action (REG-4 to REG-7, REG-9a); other
#: codes leave the work state alone (REG-9b). Not the AgentWorkMode codes.
AGENT_STATUS_STATES: dict[int, str] = {
    2: "WaitForNextCall",
    3: "NotReadyForNextCall",
    4: "AfterCallWork",
    5: "NotReadyForNextCall",
}
#: AddressInfoType of the DN-status snapshot (REG-2).
ADDRESS_INFO_DN_STATUS = 17
#: How soon the EventAddressInfo answering a registration without Extensions must follow (REG-2).
ANSWER_WINDOW = timedelta(seconds=10)


def _ext(key: str) -> pl.Expr:
    """Value of Extensions ``key`` (last one wins), null when absent."""
    return (pl.col("extensions")
            .list.eval(pl.element().filter(pl.element().struct.field("key") == key).struct.field("value"))
            .list.last())


def snapshots(events: pl.DataFrame) -> pl.DataFrame:
    """The registration snapshots and registrations in the events.

    Parameters
    ----------
    events : polars.DataFrame
        ``events`` (with ``ord``, see :func:`statcli.derive.base.order_events`).

    Returns
    -------
    polars.DataFrame
        One row per ``EventRegistered`` or DN-status ``EventAddressInfo`` with
        ``dn, ts, ord, source, line, event, snapshot`` (bool: carries state,
        REG-2), ``agent_id`` (AttributeAgentID or Extensions AgentID),
        ``agent_status`` (Int8, seed 001 codes), ``agent_info`` (bool: the
        snapshot reports agent data at all) and ``answered`` (bool: a
        registration without Extensions followed within :data:`ANSWER_WINDOW`
        by the DN-status ``EventAddressInfo`` that answers it, REG-2).

    Examples
    --------
    >>> import polars as pl
    >>> from statcli.schema import EVENTS, conform
    >>> from statcli.derive.base import order_events
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> ev = conform(pl.DataFrame({"ts": [t, t], "event": ["EventRegistered", "EventRegistered"],
    ...     "this_dn": ["7001", "7002"],
    ...     "extensions": [[{"key": "AgentStatus", "value": "3"}, {"key": "AgentID", "value": "a1"}], None]}),
    ...     EVENTS)
    >>> snapshots(order_events(ev)).select("dn", "snapshot", "agent_id", "agent_status").rows()
    [('7001', True, 'a1', 3), ('7002', False, None, None)]
    """
    is_reg = pl.col("event") == "EventRegistered"
    is_status = (pl.col("event") == "EventAddressInfo") & (pl.col("address_info_type") == ADDRESS_INFO_DN_STATUS)
    has_ext = pl.col("extensions").list.len().fill_null(0) > 0
    status = pl.coalesce(pl.col("agent_status"), _ext("AgentStatus").str.strip_chars().cast(pl.Int8, strict=False))
    agent = pl.coalesce(pl.col("agent_id"), _ext("AgentID"))
    agent = pl.when(agent.str.strip_chars() != "").then(agent)
    return (
        events.lazy()
        .filter((is_reg | is_status) & pl.col("this_dn").is_not_null())
        .select(
            pl.col("this_dn").alias("dn"), "ts", "ord", "source", "line", "event",
            snapshot=(is_reg & has_ext) | is_status,
            agent_id=agent,
            agent_status=status,
        )
        .with_columns(agent_info=pl.col("snapshot") & (pl.col("agent_status").is_not_null()
                                                       | pl.col("agent_id").is_not_null()))
        .sort("ord")
        # REG-2: a registration without Extensions is answered by the DN-status
        # EventAddressInfo that follows it; that one is the snapshot.
        .with_columns(answered=~pl.col("snapshot")
                      & (pl.col("event").shift(-1).over("dn") == "EventAddressInfo")
                      & (pl.col("ts").shift(-1).over("dn") - pl.col("ts") <= ANSWER_WINDOW))
        .with_columns(pl.col("answered").fill_null(False))
        .collect()
    )


def registration_summary(events: pl.DataFrame) -> pl.DataFrame:
    """Per DN seen as ThisDN: how often it registered and how often registration failed.

    A DN with ``errors > 0`` and ``registered == 0`` was never registered:
    statcli derived its actions from its later events only (REG-1a).

    Examples
    --------
    >>> import polars as pl
    >>> ev = pl.DataFrame({"event": ["EventError", "EventRinging", "EventRegistered"],
    ...                    "this_dn": ["7001", "7001", "7002"]})
    >>> registration_summary(ev).rows()
    [('7001', 0, 1), ('7002', 1, 0)]
    """
    return (
        events.lazy()
        .filter(pl.col("this_dn").is_not_null())
        .group_by(pl.col("this_dn").alias("dn"))
        .agg(registered=(pl.col("event") == "EventRegistered").sum().cast(pl.Int64),
             errors=(pl.col("event") == "EventError").sum().cast(pl.Int64))
        .sort("dn")
        .collect()
    )
