"""Mediation-DN and virtual-queue actions (reference §2.5, §2.6, §3.2; CALL-8).

A call waits at a mediation DN (ACD queue, routing point, virtual queue) from
``EventQueued`` / ``EventRouteRequest`` until it is distributed, abandoned or
cleared (MED-1 to MED-6); treatments happen there too (MED-7). ``UserEvent``
(MED-8) and ``Monitored`` / ``NotMonitored`` (MED-9) come from the agent-state
and monitoring families, which treat every DN alike.

The DN that distributed a call then reflects what happens to the call at the
agent DN (follow-the-call, MED-10 to MED-14, ``reflections.py``) and,
through the queue–agent link, what the queue's agents do (MED-15 to MED-18,
``qlink.py``); the agents and DNs logged in to it give the pseudo-actions
(MED-19, ``pseudo.py``); the originating regular DN gets the ``OrigDNCall*``
actions (CALL-8, ``origdn.py``).

:func:`derive_mediation` is the family's entry point; everything is joins,
window functions and asof joins over whole tables.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from statcli.derive.base import ORDER, DeriveContext, order_events
from statcli.derive.medbase import (
    cut_at_monitoring_loss,
    empty_rows,
    mediation_table,
    monitoring_losses,
    shape,
    unmonitored_periods,
)

# --- vocabulary as data ------------------------------------------------------------------
#: Events that start CallWait (MED-1): an ACD / virtual queue, or a routing point.
WAIT_START_EVENTS = ("EventQueued", "EventRouteRequest")
#: Events that end CallWait (MED-2 to MED-5).
WAIT_END_EVENTS = ("EventDiverted", "EventRouteUsed", "EventAbandoned", "EventReleased")
#: Where the distribution target is, per ending event (MED-2, VQ-3): first non-null wins.
TARGET_COLUMNS = {"EventDiverted": ("third_party_dn", "other_dn"),
                  "EventRouteUsed": ("other_dn", "third_party_dn")}
#: How soon an EventDiverted may follow a target-less EventRouteUsed to lend it its target.
TARGET_LOOKAHEAD = timedelta(seconds=1)
#: CallState values of a diversion / route that mean "cleared", not distributed (MED-5);
#: 22 Redirected counts only on virtual queues (VQ-2).
CLEARED_STATES = (19,)
VQ_CLEARED_STATES = (22,)
#: The retrospective action ending CallWait -> end_reason of the CallWait.
WAIT_END_REASONS = {"CallDistributed": "distributed", "CallDistributedToQueue": "distributed",
                    "CallAbandoned": "abandoned", "CallCleared": "cleared",
                    "StuckCallCleaned": "stuck_cleaned"}
#: Call-based event that says a call is gone (STUCK-1).
STUCK_EVENT = "EventCallDeleted"
#: Treatment events (MED-7) -> momentary action; EventTreatmentEnd is retrospective.
TREATMENT_MOMENTARY = {"EventTreatmentApplied": "CallTreatmentStarted",
                       "EventTreatmentNotApplied": "CallTreatmentNotStarted"}
TREATMENT_END = "EventTreatmentEnd"
#: The event columns the CallWait derivation reads (narrow before sorting: the
#: key-value list columns make wide sorts expensive).
WAIT_EVENT_COLUMNS = (ORDER, "ts", "server", "source", "line", "event", "this_dn", "conn_id", "call_type",
                      "call_state", "releasing_party", "third_party_dn", "other_dn", "other_dn_role",
                      "ani", "dnis", "user_data")
#: How far a call-based release report may be from the DN release (REL-3).
REL3_WINDOW = timedelta(seconds=2)


def _med_events(ev: pl.DataFrame, med: pl.DataFrame) -> pl.DataFrame:
    """Events whose ThisDN is a mediation DN, with the DN's type, object and scope."""
    return ev.join(med, left_on="this_dn", right_on="med_dn", how="inner").with_columns(
        med_dn=pl.col("this_dn"))


def _release_fallback(ends: pl.DataFrame, ev: pl.DataFrame) -> pl.DataFrame:
    """REL-3: ``released_by`` from CtrlParty of a call-based event within 2 s.

    ``EventCallPartyDeleted`` for (ConnID, this DN) is tried first, then
    ``EventCallDeleted`` for the ConnID. ``ends`` has ``_e_ts``, ``_e_event``,
    ``conn_id``, ``med_dn`` and ``released_by`` (the DN-based value, REL-2),
    which wins when present.
    """
    ends = ends.with_row_index("_r")
    found = []
    for event, by_dn in (("EventCallPartyDeleted", True), ("EventCallDeleted", False)):
        cb = (ev.filter((pl.col("event") == event) & pl.col("ctrl_party").is_not_null()
                        & pl.col("conn_id").is_not_null())
              .select(pl.col("conn_id").alias("_cb_conn"), pl.col("this_dn").alias("_cb_dn"),
                      pl.col("ts").alias("_cb_ts"), "ctrl_party")
              .sort("_cb_ts"))
        if not cb.height:
            continue
        left = ends.filter(pl.col("_e_ts").is_not_null()).sort("_e_ts")
        by_left, by_right = (["conn_id", "med_dn"], ["_cb_conn", "_cb_dn"]) if by_dn else ("conn_id", "_cb_conn")
        found.append(left.join_asof(cb, left_on="_e_ts", right_on="_cb_ts", by_left=by_left,
                                    by_right=by_right, strategy="nearest", check_sortedness=False, tolerance=REL3_WINDOW)
                     .select("_r", pl.col("ctrl_party").alias(f"_ctrl{len(found)}")))
    ctrl = pl.lit(None, dtype=pl.String)
    for i, f in enumerate(found):
        ends = ends.join(f, on="_r", how="left")
        ctrl = pl.coalesce(ctrl, pl.col(f"_ctrl{i}"))
    ended_by_release = pl.col("_e_event").is_in(("EventAbandoned", "EventReleased"))
    fallback = (pl.when(ctrl == pl.col("med_dn")).then(pl.lit("local"))
                .when(ctrl.is_not_null()).then(pl.lit("remote")))
    return (ends.sort("_r")
            .with_columns(released_by=pl.when(ended_by_release)
                          .then(pl.coalesce(pl.col("released_by"), fallback)),
                          released_by_dn=pl.when(ended_by_release).then(ctrl))
            .drop("_r", *[f"_ctrl{i}" for i in range(len(found))]))


def call_waits(ev: pl.DataFrame, med: pl.DataFrame, losses: pl.DataFrame) -> pl.DataFrame:
    """One row per CallWait at a mediation DN with how it ended (MED-1 to MED-6, VQ-1/2).

    Returns columns ``med_dn, med_type, med_object_type, med_scope, conn_id,
    start, end, end_reason, result`` (the retrospective action or null),
    ``target`` (distribution target), ``released_by``, ``released_by_dn``,
    ``lost`` and start/end event details (``call_type``, ``user_data``,
    ``source``, ``line``, ``_e_source``, ``_e_line``, ``other_dn``,
    ``other_dn_role``, ``server``).
    """
    m = _med_events(ev.filter(pl.col("conn_id").is_not_null()
                              & pl.col("event").is_in((*WAIT_START_EVENTS, *WAIT_END_EVENTS)))
                    .select(WAIT_EVENT_COLUMNS), med)
    key = ["med_dn", "conn_id"]
    m = m.sort([*key, ORDER]).with_columns(
        _is_start=pl.col("event").is_in(WAIT_START_EVENTS),
        _is_end=pl.col("event").is_in(WAIT_END_EVENTS))
    # A run is everything of one (DN, ConnID) up to and including an end event;
    # a second start inside a run does not restart the wait (MED-1). Run ids are
    # global integers (new key or previous row an end), so no window is needed.
    new_key = pl.any_horizontal([pl.col(k).ne_missing(pl.col(k).shift(1)) for k in key])
    m = m.with_columns(_run=(new_key | pl.col("_is_end").shift(1, fill_value=False)).cum_sum())
    starts = (m.filter(pl.col("_is_start"))
              .unique("_run", keep="first", maintain_order=True)
              .select(*key, "_run", "med_type", "med_object_type", "med_scope", "server",
                      pl.col("ts").alias("start"), "call_type", "user_data", "source", "line",
                      "other_dn", "other_dn_role", "ani", "dnis"))
    target = pl.lit(None, dtype=pl.String)
    for event, cols in TARGET_COLUMNS.items():
        target = pl.when(pl.col("event") == event).then(
            pl.coalesce([pl.when(pl.col(c) != "").then(pl.col(c)) for c in cols])).otherwise(target)
    # A routing point's EventRouteUsed without a destination takes it from the
    # same call's next diversion at that DN, if that follows at once.
    same_call_next = (pl.all_horizontal([pl.col(k).eq_missing(pl.col(k).shift(-1)) for k in key])
                      & ((pl.col("ts").shift(-1) - pl.col("ts")) <= TARGET_LOOKAHEAD))
    m = m.with_columns(_target=target).with_columns(
        _target=pl.coalesce("_target", pl.when(same_call_next & (pl.col("event") == "EventRouteUsed"))
                            .then(pl.col("_target").shift(-1))))
    ends = (m.filter(pl.col("_is_end"))
            .select(*key, "_run", pl.col("ts").alias("_e_ts"), pl.col("event").alias("_e_event"),
                    pl.col("call_state").alias("_e_state"), pl.col("releasing_party").alias("released_by"),
                    pl.col("_target").alias("target"), pl.col("user_data").alias("_e_user_data"),
                    pl.col("call_type").alias("_e_call_type"),
                    pl.col("source").alias("_e_source"), pl.col("line").alias("_e_line")))
    w = starts.join(ends.drop(key), on="_run", how="left")
    w = _release_fallback(w, ev)

    is_med_target = pl.col("target").is_in(med["med_dn"].implode())
    event = pl.col("_e_event")
    result = (
        pl.when(event.is_null()).then(pl.lit(None, dtype=pl.String))
        .when(event == "EventAbandoned").then(pl.lit("CallAbandoned"))
        .when(event == "EventReleased")
        .then(pl.when(pl.col("released_by") == "remote").then(pl.lit("CallAbandoned"))
              .otherwise(pl.lit("CallCleared")))
        .when(pl.col("_e_state").is_in(CLEARED_STATES)).then(pl.lit("CallCleared"))
        .when(pl.col("_e_state").is_in(VQ_CLEARED_STATES) & (pl.col("med_type") == "VirtualQueue"))
        .then(pl.lit("CallCleared"))
        .when(pl.col("target").is_null()).then(pl.lit("CallCleared"))
        .when(is_med_target).then(pl.lit("CallDistributedToQueue"))
        .otherwise(pl.lit("CallDistributed"))
    )
    w = w.with_columns(result=result, end=pl.col("_e_ts")).with_columns(
        end_reason=pl.col("result").replace_strict(WAIT_END_REASONS, default=None, return_dtype=pl.String),
        call_type=pl.coalesce("call_type", "_e_call_type"),
        user_data=pl.coalesce("_e_user_data", "user_data"),
    )
    w = _cut_stuck(w, ev)
    w = cut_at_monitoring_loss(w, losses, ["med_dn"])
    return w.with_columns(
        result=pl.when(pl.col("lost")).then(pl.lit(None, dtype=pl.String)).otherwise("result"),
        released_by=pl.when(pl.col("lost")).then(pl.lit(None, dtype=pl.String)).otherwise("released_by"),
        # Only the first leg of the call-type fields is kept for joins downstream.
    ).drop("_e_ts", "_e_state", "_e_user_data", "_e_call_type", "_run")


def _cut_stuck(w: pl.DataFrame, ev: pl.DataFrame) -> pl.DataFrame:
    """STUCK-1 / MED-6: a wait still going on when EventCallDeleted arrives ends there."""
    gone = (ev.filter((pl.col("event") == STUCK_EVENT) & pl.col("conn_id").is_not_null())
            .select(pl.col("conn_id").alias("_g_conn"), pl.col("ts").alias("_g_ts"),
                    pl.col("source").alias("_g_source"), pl.col("line").alias("_g_line"))
            .sort("_g_ts"))
    if not gone.height or not w.height:
        return w
    w = w.sort("start").join_asof(gone, left_on="start", right_on="_g_ts", by_left="conn_id",
                                  by_right="_g_conn", strategy="forward", check_sortedness=False)
    stuck = pl.col("_g_ts").is_not_null() & (pl.col("end").is_null() | (pl.col("_g_ts") < pl.col("end")))
    # VQ-1: virtual queues follow MED-1 to MED-5 only, so their stuck wait ends silently.
    vq = pl.col("med_type") == "VirtualQueue"
    return w.with_columns(
        result=pl.when(stuck).then(pl.when(vq).then(pl.lit(None)).otherwise(pl.lit("StuckCallCleaned")))
        .otherwise("result"),
        end=pl.when(stuck).then("_g_ts").otherwise("end"),
        end_reason=pl.when(stuck).then(pl.lit("stuck_cleaned")).otherwise("end_reason"),
        released_by=pl.when(stuck).then(pl.lit(None)).otherwise("released_by"),
        _e_source=pl.when(stuck).then("_g_source").otherwise("_e_source"),
        _e_line=pl.when(stuck).then("_g_line").otherwise("_e_line"),
        _e_event=pl.when(stuck).then(pl.lit(STUCK_EVENT)).otherwise("_e_event"),
    ).drop("_g_conn", "_g_ts", "_g_source", "_g_line", strict=False)


def _med_object(**extra) -> dict:
    return dict(object_type="med_object_type", object_id="med_dn", scope="med_scope", dn="med_dn",
                dn_type="med_type", this_queue="med_dn", **extra)


def wait_rows(w: pl.DataFrame) -> pl.DataFrame:
    """CallWait (durable), CallEntered (momentary) and the retrospective end action."""
    wait = shape(w, action=pl.lit("CallWait"), **_med_object())
    entered = shape(w, action=pl.lit("CallEntered"), end=pl.lit(None), end_reason=pl.lit(None),
                    released_by=pl.lit(None), released_by_dn=pl.lit(None), **_med_object())
    retro = shape(w.filter(pl.col("result").is_not_null()), action="result", source="_e_source",
                  line="_e_line", **_med_object())
    return pl.concat([wait, entered, retro])


def treatment_rows(ev: pl.DataFrame, med: pl.DataFrame) -> pl.DataFrame:
    """MED-7: CallTreatmentStarted / NotStarted (momentary) and Completed (retro)."""
    treatment_events = (*TREATMENT_MOMENTARY, TREATMENT_END)
    m = _med_events(ev.filter(pl.col("event").is_in(treatment_events) & pl.col("conn_id").is_not_null()),
                    med.filter(pl.col("med_scope") == "mediation_dn"))
    mom = (m.filter(pl.col("event").is_in(list(TREATMENT_MOMENTARY)))
           .with_columns(action=pl.col("event").replace_strict(TREATMENT_MOMENTARY, return_dtype=pl.String)))
    applied = (m.filter(pl.col("event") == "EventTreatmentApplied")
               .select("med_dn", "conn_id", pl.col("ts").alias("_a_ts")).sort("_a_ts"))
    done = (m.filter(pl.col("event") == TREATMENT_END).sort("ts")
            .join_asof(applied, left_on="ts", right_on="_a_ts", by=["med_dn", "conn_id"], strategy="backward", check_sortedness=False)
            # OBS-3: an end whose start was never observed produces nothing.
            .filter(pl.col("_a_ts").is_not_null()))
    return pl.concat([
        shape(mom, start="ts", **_med_object()),
        shape(done, action=pl.lit("CallTreatmentCompleted"), start="_a_ts", end="ts", **_med_object()),
    ])


def derive_mediation(events: pl.DataFrame, ctx: DeriveContext, regular: pl.DataFrame | None = None) -> pl.DataFrame:
    """Mediation-DN, virtual-queue and OrigDN actions as raw action rows.

    Parameters
    ----------
    events : polars.DataFrame
        The ``events`` table (:data:`statcli.schema.EVENTS`).
    ctx : DeriveContext
        ``dn_types`` says which DNs are mediation DNs; ``objects`` gives the
        agent groups' origination DNs (QLINK-2).
    regular : polars.DataFrame, optional
        The raw regular-DN rows of the other families (call rows, call-type
        actions, AfterCallWork, LoggedIn, WaitForNextCall, …). Without them only
        the queue-side actions (MED-1 to MED-7, CALL-8 from OtherDN) are derived.

    Returns
    -------
    polars.DataFrame
        Raw action rows (``object_type``, ``object_id``, ``action``, ``scope``,
        ``start``, ``end``, …) for :func:`statcli.derive.base.finalize_actions`.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import EVENTS, conform
    >>> t = lambda s: datetime(2026, 1, 1, 10, 0, s, tzinfo=timezone.utc)
    >>> ev = conform(pl.DataFrame({
    ...     "ts": [t(0), t(45)], "event": ["EventQueued", "EventAbandoned"],
    ...     "this_dn": ["7000", "7000"], "conn_id": ["c2", "c2"],
    ...     "releasing_party": [None, "remote"]}), EVENTS)
    >>> ctx = DeriveContext(dn_types={"7000": "ACDQueue"})
    >>> derive_mediation(ev, ctx).sort("action").select("action", "released_by").rows()
    [('CallAbandoned', 'remote'), ('CallEntered', None), ('CallWait', 'remote')]
    """
    from statcli.derive.origdn import origdn_rows
    from statcli.derive.pseudo import pseudo_rows
    from statcli.derive.qlink import qlink_intervals, qlink_rows
    from statcli.derive.reflections import distribution_links, follow_rows, vq_released_rows

    med = mediation_table(ctx)
    if not med.height or not events.height:
        return empty_rows()
    ev = order_events(events)
    losses = monitoring_losses(ev, ctx)
    regular = _regular_rows(regular)

    waits = call_waits(ev, med, losses)
    frames = [wait_rows(waits), treatment_rows(ev, med),
              origdn_rows(waits, ev, med, regular, ctx)]
    links = distribution_links(waits, ev, med)
    if regular.height:
        frames.append(follow_rows(regular, links, med))
        frames.append(vq_released_rows(regular, links, med))
    ql = qlink_intervals(ev, ctx, regular, med)
    if ql.height:
        frames.append(qlink_rows(regular, links, ql, med))
        frames.append(pseudo_rows(regular, ql, med, unmonitored_periods(ev, ctx, losses)))
    return pl.concat([f for f in frames if f.height] or [empty_rows()])


def _regular_rows(regular: pl.DataFrame | None) -> pl.DataFrame:
    """The regular-DN rows of the other families, shaped (own DN rows only)."""
    if regular is None or not regular.height:
        return empty_rows()
    if "scope" in regular.columns:
        regular = regular.filter(pl.col("scope") == "regular_dn")
    if "object_type" in regular.columns:
        regular = regular.filter(pl.col("object_type").is_null() | (pl.col("object_type") == "RegDN"))
    if "dn" not in regular.columns:
        regular = regular.with_columns(dn=pl.col("object_id"))
    elif "object_id" in regular.columns:
        regular = regular.with_columns(dn=pl.coalesce("dn", "object_id"))
    return shape(regular)
