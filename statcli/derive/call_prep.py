"""Preparation of regular-DN call events for the call families.

:func:`prepare_call_events` turns the ``events`` table into one sorted frame of
call events per (DN, call leg): the regular DNs' call TEvents with their kind
(:data:`statcli.derive.call_rules.EVENT_KINDS`), resolved ``released_by``
(REL-2 to REL-4), plus two broadcast kinds inserted into every affected leg:
``stuck`` (``EventCallDeleted`` for the leg's ConnID, STUCK-1) and ``lost``
(monitoring loss, REG-10).

A *leg* is the chain of ConnIDs one DN holds for one call: an
``EventPartyChanged`` that is the DN's first event for the new ConnID links it
to the old one (``PreviousConnID``, else ``TransferConnID``), so ringing, hold
and the ACW link continue across the change (CALL-2 (d), CALL-9).
"""

from __future__ import annotations

import polars as pl

from statcli.derive import call_rules as R
from statcli.derive.base import DeriveContext
from statcli.derive.release import release_tracking
from statcli.derive.runs import seg_ffill
from statcli.objects import MEDIATION_DN_TYPES

#: Integer codes of (DN, leg root ConnID): the sort and group key.
CODES = ["_dn", "_leg"]
#: Integer id of a (dn, leg), the group column of every window step (rows are sorted by it).
GROUP = "_g"
#: Columns of the prepared frame, besides the flags.
_CARRY = ["ts", "dn", "conn_id", "server", "event", "call_type", "call_state", "this_dn_role",
          "other_dn", "other_dn_role", "third_party_dn", "third_party_dn_role", "this_queue",
          "previous_conn_id", "transfer_conn_id", "address_info_status", "source", "line"]
_MAX_CHAIN = 32


def regular_dn_mask(dn_types: dict[str, str]) -> pl.Expr:
    """True for events whose ThisDN is a regular DN (default type Extension).

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"this_dn": ["7000", "7001", None]})
    >>> df.select(regular_dn_mask({"7000": "ACDQueue"})).to_series().to_list()
    [False, True, False]
    """
    mediation = [dn for dn, t in dn_types.items() if t in MEDIATION_DN_TYPES]
    return pl.col("this_dn").is_not_null() & ~pl.col("this_dn").is_in(mediation)


def _legs(calls: pl.DataFrame) -> pl.DataFrame:
    """(``_dn``, ``_conn``) → ``_leg`` (ConnID codes), by pointer jumping over party-change links."""
    span = calls.group_by("_dn", "_conn").agg(pl.col("_ord").min().alias("_first"),
                                              pl.col("_ord").max().alias("_last"))
    # A link needs the change to be the DN's first event of the new ConnID and the old ConnID
    # to have no later event on the DN (else they are two calls, not one leg).
    old_last = span.select("_dn", pl.col("_conn").alias("_old"), pl.col("_last").alias("_old_last"))
    edges = (calls.filter((pl.col("kind") == "party_changed") & pl.col("_old").is_not_null()
                          & (pl.col("_old") != pl.col("_conn")))
             .join(span, on=["_dn", "_conn"])
             .join(old_last, on=["_dn", "_old"], how="left")
             .filter((pl.col("_ord") == pl.col("_first"))
                     & (pl.col("_old_last").is_null() | (pl.col("_old_last") < pl.col("_ord"))))
             .group_by("_dn", "_conn").agg(pl.col("_old").first()))
    first = span.drop("_last")
    legs = first.select("_dn", "_conn", pl.col("_conn").alias("_leg"))
    for _ in range(_MAX_CHAIN):
        step = (legs.join(edges.rename({"_conn": "_leg", "_old": "_up"}), on=["_dn", "_leg"], how="left")
                .with_columns(_moved=pl.col("_up").is_not_null() & (pl.col("_up") != pl.col("_conn")))
                .with_columns(_leg=pl.when("_moved").then("_up").otherwise("_leg")))
        moved = step["_moved"].any()
        legs = step.drop("_up", "_moved")
        if not moved:
            break
    return legs


def _losses(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """``dn, _loss, source, line``: when each DN lost monitoring (REG-10).

    The core's ``ctx.monitoring_losses`` (real Monitored → NotMonitored
    transitions) is used when present; otherwise every
    ``EventDNOutOfService`` of the DN and ``EventLinkDisconnected`` of its
    T-Server counts.
    """
    if ctx.monitoring_losses is not None:
        return ctx.monitoring_losses.select(
            pl.col("dn").cast(pl.String), pl.col("lost_at").cast(events.schema["ts"]).alias("_loss"),
            pl.lit(None, pl.String).alias("source"), pl.lit(None, pl.Int64).alias("line"))
    cols = [pl.col("ts").alias("_loss"), "source", "line"]
    lf = events.lazy()
    by_dn = (lf.filter(pl.col("event").is_in(R.DN_LOSS_EVENTS) & pl.col("this_dn").is_not_null())
             .select(pl.col("this_dn").alias("dn"), *cols))
    dn_server = (lf.filter(pl.col("this_dn").is_not_null()).group_by("this_dn")
                 .agg(pl.col("server").first()).rename({"this_dn": "dn"}))
    by_server = (lf.filter(pl.col("event").is_in(R.SERVER_LOSS_EVENTS)).select("server", *cols)
                 .join(dn_server, on="server", nulls_equal=True).select("dn", "_loss", "source", "line"))
    return pl.concat([by_dn, by_server]).collect()


def _broadcast_rows(events: pl.DataFrame, calls: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """``stuck`` and ``lost`` rows for every affected (dn, leg)."""
    legs = calls.select("dn", "conn_id", "_dn", "_conn", "_leg").unique(["_dn", "_conn"])
    deleted = (events.lazy().filter((pl.col("event") == "EventCallDeleted") & pl.col("conn_id").is_not_null())
               .select("ts", "conn_id", "source", "line").collect())
    stuck = deleted.join(legs, on="conn_id").with_columns(kind=pl.lit("stuck"))
    # REG-10: the first monitoring loss after a leg starts ends what is running on it.
    leg_start = (calls.group_by(CODES).agg(pl.col("ts").min().alias("_start"), pl.col("dn").first(),
                                           pl.col("conn_id").last(), pl.col("_conn").last())
                 .sort("_start"))
    lost = (leg_start.join_asof(_losses(events, ctx).sort("_loss"), left_on="_start", right_on="_loss",
                                by="dn", strategy="forward", check_sortedness=False)
            .drop_nulls("_loss")
            .select("_loss", "dn", "conn_id", *CODES, "_conn", "source", "line").rename({"_loss": "ts"})
            .with_columns(kind=pl.lit("lost")))
    cols = ["ts", "dn", "conn_id", *CODES, "_conn", "kind", "source", "line"]
    return pl.concat([stuck.select(cols), lost.select(cols)], how="vertical_relaxed")


def prepare_call_events(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """Regular-DN call events per (DN, leg), sorted, with kinds and release data.

    Parameters
    ----------
    events : polars.DataFrame
        The ``events`` table.
    ctx : DeriveContext
        ``dn_types`` selects the regular DNs (default ``Extension``).

    Returns
    -------
    polars.DataFrame
        One row per call event (plus inserted ``stuck`` / ``lost`` rows) with
        ``dn``, ``leg``, ``kind``, ``rel`` (release class), ``released_by``,
        ``released_by_dn``, forward-filled ``ct`` (call type) and ``queue``
        (ThisQueue) within the leg, ``_ord`` (global order), ``_g`` (leg
        group id) and the event's attributes; sorted by dn, leg, time.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import EVENTS, conform
    >>> t = lambda s: datetime(2026, 1, 1, 10, 0, s, tzinfo=timezone.utc)
    >>> ev = conform(pl.DataFrame({"ts": [t(0), t(5)], "event": ["EventRinging", "EventPartyChanged"],
    ...     "this_dn": ["7001", "7001"], "conn_id": ["c1", "c2"], "previous_conn_id": [None, "c1"]}), EVENTS)
    >>> prepare_call_events(ev, DeriveContext()).select("conn_id", "leg", "kind").rows()
    [('c1', 'c1', 'ringing'), ('c2', 'c1', 'party_changed')]
    """
    kinds = pl.col("event").replace_strict(R.EVENT_KINDS, default=None, return_dtype=pl.String)
    # Rows are taken in input order (the events table is in processing order, TIME-3);
    # ``_ord`` breaks ties between events of the same time stamp.
    is_query = (pl.col("event") != "EventAddressInfo") | (pl.col("address_info_type") == R.CALLS_QUERY)
    calls = (events.lazy().with_row_index("_ord")
             .filter(regular_dn_mask(ctx.dn_types) & pl.col("conn_id").is_not_null()
                     & kinds.is_not_null() & is_query.fill_null(False))
             .select("_ord", *[pl.col(c) for c in _CARRY if c != "dn"], pl.col("this_dn").alias("dn"),
                     kind=kinds)
             .with_columns(old_conn=pl.coalesce("previous_conn_id", "transfer_conn_id"))
             .collect())
    # Strings become integer codes once: joins, the leg chase and the sort run on integers.
    conns = pl.concat([calls["conn_id"], calls["old_conn"].drop_nulls()]).unique(maintain_order=True)
    conn_enum, dn_enum = pl.Enum(conns), pl.Enum(calls["dn"].unique(maintain_order=True))
    calls = calls.with_columns(_dn=pl.col("dn").cast(dn_enum).to_physical(),
                               _conn=pl.col("conn_id").cast(conn_enum).to_physical(),
                               _old=pl.col("old_conn").cast(conn_enum).to_physical())
    rel = release_tracking(events).select(pl.col("event_index").cast(pl.UInt32).alias("_ord"),
                                          "released_by", "released_by_dn")
    calls = calls.join(rel, on="_ord", how="left")
    calls = calls.join(_legs(calls), on=["_dn", "_conn"], how="left").with_columns(_sub=pl.lit(0, pl.Int8))
    extra = _broadcast_rows(events, calls, ctx).with_columns(_sub=pl.lit(1, pl.Int8), _ord=pl.lit(None, pl.UInt32))
    rows = pl.concat([calls, extra], how="diagonal_relaxed")
    state_class = pl.col("call_state").replace_strict(R.RELEASE_STATES, default="other", return_dtype=pl.String)
    release_class = (pl.when(pl.col("kind") == "abandoned").then(pl.lit("abandoned"))
                     .when(pl.col("kind") == "released").then(state_class)
                     .otherwise(None))
    new_group = (pl.col("_dn") != pl.col("_dn").shift(1)) | (pl.col("_leg") != pl.col("_leg").shift(1))
    return (rows.sort([*CODES, "ts", "_sub", "_ord"], nulls_last=True)
            .with_columns(rel=release_class, _pos=pl.int_range(pl.len(), dtype=pl.UInt32),
                          _g=new_group.fill_null(True).cast(pl.UInt32).cum_sum(),
                          leg=pl.lit(conns).gather(pl.col("_leg")))
            .with_columns(ct=seg_ffill(pl.col("call_type"), GROUP), queue=seg_ffill(pl.col("this_queue"), GROUP),
                          _cur=seg_ffill(pl.when(pl.col("_sub") == 0).then(pl.col("conn_id")), GROUP))
            # STUCK-1 concerns the leg's current ConnID: deleting a ConnID the leg has left (the
            # consultation ConnID after a transfer) cleans nothing up.
            .filter((pl.col("kind") != "stuck") | (pl.col("conn_id") == pl.col("_cur")))
            .drop("_cur")
            .with_columns(_pos=pl.int_range(pl.len(), dtype=pl.UInt32)))
