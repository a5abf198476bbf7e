"""Attach the agent, the call's attached data and the object columns to call rows.

* ``agent_id``: the agent logged in on the DN when the row was emitted (start
  of durable and momentary rows, end of retrospective rows): an as-of join on
  the DN's login time line (``EventAgentLogin`` → the agent,
  ``EventAgentLogout`` → nobody; a snapshot or agent-state event naming an
  AgentID also counts, REG-3a / OBS-2).
* ``user_data``: the call's attached data when the action ended (when it
  occurred for momentary rows, the last known data for open rows): an as-of
  join by ConnID on every event of the ConnID that carried UserData
  (``EventAttachedDataChanged`` included), on any DN.
"""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl

from statcli.derive.base import DeriveContext
from statcli.schema import KV_LIST

_LOGIN = "EventAgentLogin"
_LOGOUT = "EventAgentLogout"
_AGENT_HINTS = ("EventRegistered", "EventAddressInfo", "EventAgentReady", "EventAgentNotReady")
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=timezone.utc)


def _agent_timeline(events: pl.DataFrame) -> pl.DataFrame:
    agent = (pl.when(pl.col("event") == _LOGOUT).then(pl.lit(None, pl.String))
             .otherwise(pl.col("agent_id")))
    relevant = (pl.col("event").is_in([_LOGIN, _LOGOUT])
                | (pl.col("event").is_in(_AGENT_HINTS) & pl.col("agent_id").is_not_null()))
    return (events.lazy().filter(relevant & pl.col("this_dn").is_not_null())
            .select(pl.col("this_dn").alias("dn"), pl.col("ts").alias("_agent_ts"), agent.alias("agent_id"))
            .sort("_agent_ts").collect())


def _data_timeline(events: pl.DataFrame) -> pl.DataFrame:
    """``conn_id, _ud_ts, _ud_idx``: where each ConnID's data changed (the index into ``events``)."""
    has = pl.col("user_data").is_not_null() & (pl.col("user_data").list.len() > 0)
    return (events.lazy().with_row_index("_ud_idx").filter(has & pl.col("conn_id").is_not_null())
            .select("conn_id", pl.col("ts").alias("_ud_ts"), "_ud_idx")
            .sort("_ud_ts").collect())


def enrich_call_rows(rows: pl.DataFrame, events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """Add ``scope``, object columns, ``dn_type``, ``agent_id`` and ``user_data``.

    ``rows`` need ``dn``, ``conn_id``, ``action``, ``start``, ``end``; other
    call columns missing from ``rows`` come out null. The agent is looked up at
    ``end`` for actions the catalog calls retrospective, else at ``start``.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import EVENTS, conform
    >>> t = lambda s: datetime(2026, 1, 1, 10, 0, s, tzinfo=timezone.utc)
    >>> ev = conform(pl.DataFrame({"ts": [t(0)], "event": ["EventAgentLogin"], "this_dn": ["7001"],
    ...                            "agent_id": ["a1"]}), EVENTS)
    >>> rows = pl.DataFrame({"dn": ["7001"], "conn_id": ["c1"], "action": ["CallHeld"],
    ...                      "start": [t(5)], "end": [t(5)]})
    >>> enrich_call_rows(rows, ev, DeriveContext())["agent_id"].to_list()
    ['a1']
    """
    from statcli.catalog.actions import action_catalog

    retro = (action_catalog().filter((pl.col("scope") == "regular_dn") & (pl.col("kind") == "retrospective"))
             ["action"].to_list())
    is_retro = pl.col("action").is_in(retro)
    is_durable_open = pl.col("end").is_null()
    for name in ("call_type", "this_queue", "end_reason", "released_by", "released_by_dn", "source",
                 "line", "start_known"):
        if name not in rows.columns:
            rows = rows.with_columns(pl.lit(None).alias(name))
    rows = rows.with_row_index("_row").with_columns(
        _agent_at=pl.when(is_retro).then(pl.col("end")).otherwise(pl.col("start")),
        _data_at=pl.when(is_durable_open).then(pl.lit(_FAR_FUTURE)).otherwise(pl.col("end"))
        .cast(pl.Datetime("us", "UTC")),
    )
    kw = dict(strategy="backward", check_sortedness=False)
    # Narrow key frames keep the sorts cheap; results come back in row order.
    agent = (rows.select("_row", "dn", "_agent_at").sort("_agent_at")
             .join_asof(_agent_timeline(events), left_on="_agent_at", right_on="_agent_ts", by="dn", **kw)
             .sort("_row").get_column("agent_id"))
    data_idx = (rows.select("_row", "conn_id", "_data_at").sort("_data_at")
                .join_asof(_data_timeline(events), left_on="_data_at", right_on="_ud_ts", by="conn_id", **kw)
                .sort("_row").get_column("_ud_idx"))
    # The lists travel by index (an as-of join carrying them is several times slower), and a
    # chunked list column gathers an order of magnitude slower: rechunk first.
    data = events.get_column("user_data").rechunk()
    out = rows.with_columns(agent_id=agent, user_data=data.gather(data_idx))
    dn_type = pl.col("dn").replace_strict(ctx.dn_types, default="Extension", return_dtype=pl.String) \
        if ctx.dn_types else pl.lit("Extension")
    return out.select(
        pl.lit("regular_dn").alias("scope"), pl.lit("RegDN").alias("object_type"),
        pl.col("dn").alias("object_id"), "dn", dn_type.alias("dn_type"), "conn_id", "action", "start", "end",
        "call_type", pl.col("agent_id").cast(pl.String), "this_queue", "end_reason", "released_by",
        "released_by_dn", pl.col("user_data").cast(KV_LIST), "source", "line", "start_known")
