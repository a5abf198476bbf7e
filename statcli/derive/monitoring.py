"""Monitored / NotMonitored on every DN, and losses of monitoring (DN-1, DN-2, MED-9, REG-10).

Every DN seen in the data (or configured) is ``Monitored`` from the start of
its T-Server's data (OBS-1; the real start precedes the logs, so
``start_known`` is false). ``EventLinkDisconnected`` (all DNs of that server)
and ``EventDNOutOfService`` (one DN) end it and start ``NotMonitored``;
``EventLinkConnected``, ``EventDNBackInService`` or a new ``EventRegistered``
restore it. ``EventUnregistered`` only means some client stopped monitoring
and is ignored.

A loss of monitoring also ends every other durable action of the DN with
``end_reason = monitoring_lost`` and no retrospective action:
:func:`monitoring_losses` gives the loss times and
:func:`close_at_monitoring_loss` applies them to any family's durable rows.
"""

from __future__ import annotations

import polars as pl

from statcli.derive.base import DeriveContext, order_events, state_runs
from statcli.derive.dn_types import dn_type_frame

#: Event → (state it sets, whether it applies to every DN of the server, end cause).
MONITORING_EVENTS: dict[str, tuple[str, bool, str]] = {
    "EventLinkDisconnected": ("NotMonitored", True, "monitoring_lost"),
    "EventDNOutOfService": ("NotMonitored", False, "monitoring_lost"),
    "EventLinkConnected": ("Monitored", True, "monitoring_restored"),
    "EventDNBackInService": ("Monitored", False, "monitoring_restored"),
    "EventRegistered": ("Monitored", False, "monitoring_restored"),
}
MONITORING_LOST = "monitoring_lost"


def _dn_servers(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """dn → the server whose data it appears in first, and that server's first time."""
    starts = events.group_by("server").agg(server_start=pl.col("ts").min())
    seen = (events.filter(pl.col("this_dn").is_not_null())
            .group_by("this_dn").agg(pl.col("server").first())
            .rename({"this_dn": "dn"}))
    configured = pl.DataFrame({"dn": list(ctx.dn_types)}, schema={"dn": pl.String})
    all_dns = pl.concat([seen.select("dn"), configured]).unique()
    # Sorted so that the rows built from it come out in the same order on every run.
    return (all_dns.sort("dn").join(seen, on="dn", how="left", maintain_order="left")
            .join(starts, on="server", how="left", nulls_equal=True, maintain_order="left")
            .with_columns(server_start=pl.col("server_start").fill_null(
                pl.lit(ctx.data_start, dtype=events.schema["ts"]))))


def _monitoring_changes(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    events = order_events(events)
    dns = _dn_servers(events, ctx)
    table = pl.DataFrame(
        [(e, s, a, c) for e, (s, a, c) in MONITORING_EVENTS.items()],
        schema={"event": pl.String, "state": pl.String, "all_dns": pl.Boolean, "end_cause": pl.String},
        orient="row",
    )
    hits = events.select("ts", "ord", "event", "this_dn", "server", "source", "line").join(table, on="event")
    per_dn = hits.filter(~pl.col("all_dns") & pl.col("this_dn").is_not_null()).rename({"this_dn": "dn"})
    per_server = (hits.filter(pl.col("all_dns")).drop("this_dn")
                  .join(dns.select("dn", "server"), on="server", nulls_equal=True, maintain_order="left_right"))
    cols = ["dn", "ts", "ord", "state", "end_cause", "source", "line"]
    first = dns.select(
        "dn", pl.col("server_start").alias("ts"), pl.lit(-1, dtype=pl.Int64).alias("ord"),
        pl.lit("Monitored").alias("state"), pl.lit(None, dtype=pl.String).alias("end_cause"),
        pl.lit(None, dtype=pl.String).alias("source"), pl.lit(None, dtype=pl.Int64).alias("line"),
        pl.lit(False).alias("start_known"))
    moves = pl.concat([per_dn.select(cols), per_server.select(cols)]).with_columns(start_known=pl.lit(True))
    return pl.concat([first, moves.select(first.columns)]).with_columns(weak=pl.lit(False))


def monitoring_runs(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """Monitored / NotMonitored intervals per DN (without DN type columns)."""
    return state_runs(_monitoring_changes(events, ctx), carry=("source", "line"))


def derive_monitoring(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """Raw ``Monitored`` / ``NotMonitored`` rows for every DN (DN-1, DN-2, MED-9, REG-10).

    Parameters
    ----------
    events : polars.DataFrame
        The ``events`` table.
    ctx : DeriveContext
        Supplies ``dn_types`` (every configured DN is monitored too) and
        ``data_start``.

    Returns
    -------
    polars.DataFrame
        Raw action rows (``object_type, object_id, dn, dn_type, action, scope,
        start, end, end_reason, start_known, source, line``) for
        :func:`statcli.derive.base.finalize_actions`.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = [datetime(2026, 1, 1, 10, m, tzinfo=timezone.utc) for m in range(3)]
    >>> ev = pl.DataFrame({"ts": t, "server": ["TS"] * 3, "this_dn": ["7001", None, "7001"],
    ...                    "event": ["EventRinging", "EventLinkDisconnected", "EventRegistered"],
    ...                    "source": ["a.log"] * 3, "line": [1, 5, 9]})
    >>> ctx = DeriveContext(dn_types={"7001": "Extension"}, data_start=t[0])
    >>> derive_monitoring(ev, ctx).select("action", "end_reason").rows()
    [('Monitored', 'monitoring_lost'), ('NotMonitored', 'monitoring_restored'), ('Monitored', None)]
    """
    runs = monitoring_runs(events, ctx)
    types = dn_type_frame(ctx.dn_types)
    return (runs.join(types, on="dn", how="left")
            .with_columns(dn_type=pl.col("dn_type").fill_null("Extension"),
                          scope=pl.col("scope").fill_null("regular_dn"),
                          object_type=pl.col("object_type").fill_null("RegDN"))
            .with_columns(object_id=pl.col("dn"))
            .select("object_type", "object_id", "dn", "dn_type", "action", "scope", "start", "end",
                    "end_reason", "start_known", "source", "line"))


def monitoring_losses(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """When each DN lost monitoring (REG-10): frame ``dn, lost_at, lost_ord``.

    Only real transitions count (a second loss while already not monitored is
    not a new loss). Other families end their running durable actions there,
    see :func:`close_at_monitoring_loss`.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = [datetime(2026, 1, 1, 10, m, tzinfo=timezone.utc) for m in range(3)]
    >>> ev = pl.DataFrame({"ts": t, "server": ["TS"] * 3, "this_dn": ["7001", "7001", "7001"],
    ...                    "event": ["EventRinging", "EventDNOutOfService", "EventLinkDisconnected"],
    ...                    "source": ["a.log"] * 3, "line": [1, 5, 9]})
    >>> monitoring_losses(ev, DeriveContext(data_start=t[0]))["lost_at"].dt.minute().to_list()
    [1]
    """
    runs = monitoring_runs(events, ctx)
    return (runs.filter(pl.col("action") == "NotMonitored")
            .select("dn", pl.col("start").alias("lost_at"), pl.col("start_ord").alias("lost_ord"))
            .sort("dn", "lost_at"))


def close_at_monitoring_loss(rows: pl.DataFrame, losses: pl.DataFrame | None) -> pl.DataFrame:
    """End durable rows at the first loss of monitoring of their DN (REG-10).

    A row whose DN loses monitoring after its ``start`` and before its ``end``
    (or while it is open) gets ``end = lost_at`` and ``end_reason =
    monitoring_lost``; ``released_by`` is cleared. The caller must not emit
    retrospective actions for rows it ended this way.

    Parameters
    ----------
    rows : polars.DataFrame
        Durable action rows with ``dn``, ``start``, ``end`` (and optionally
        ``end_reason``, ``released_by``).
    losses : polars.DataFrame or None
        From :func:`monitoring_losses` (``ctx.monitoring_losses``).

    Returns
    -------
    polars.DataFrame
        ``rows`` with the same columns plus ``monitoring_lost`` (bool).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = [datetime(2026, 1, 1, 10, m, tzinfo=timezone.utc) for m in range(4)]
    >>> rows = pl.DataFrame({"dn": ["7001", "7001"], "start": [t[0], t[2]], "end": [None, t[3]]},
    ...                     schema_overrides={"end": pl.Datetime("us", "UTC")})
    >>> losses = pl.DataFrame({"dn": ["7001"], "lost_at": [t[1]]})
    >>> close_at_monitoring_loss(rows, losses).select("end", "end_reason").rows()[0][1]
    'monitoring_lost'
    """
    extra = {c: pl.lit(None, dtype=pl.String) for c in ("end_reason", "released_by") if c not in rows.columns}
    rows = rows.with_columns(**extra)
    if losses is None or losses.height == 0 or rows.height == 0:
        return rows.with_columns(monitoring_lost=pl.lit(False))
    cols = rows.columns
    lost = (losses.select("dn", pl.col("lost_at").cast(rows.schema["start"])).sort("lost_at"))
    joined = (rows.with_row_index("_row").sort("start")
              .join_asof(lost, left_on="start", right_on="lost_at", by="dn", strategy="forward", check_sortedness=False,
                         allow_exact_matches=False)
              .sort("_row"))
    hit = pl.col("lost_at").is_not_null() & (pl.col("end").is_null() | (pl.col("lost_at") < pl.col("end")))
    return joined.with_columns(
        end=pl.when(hit).then(pl.col("lost_at")).otherwise(pl.col("end")),
        end_reason=pl.when(hit).then(pl.lit(MONITORING_LOST)).otherwise(pl.col("end_reason")),
        released_by=pl.when(hit).then(None).otherwise(pl.col("released_by")),
        monitoring_lost=hit,
    ).select(*cols, "monitoring_lost")
