"""The derivation stage: ``events`` → Stat Server ``actions`` (DESIGN.md §3).

:func:`derive_actions` is the one entry point (``statcli derive-actions`` is
a thin layer over it). It prepares the events, builds the shared
:class:`~statcli.derive.base.DeriveContext` and runs the action families in a
fixed order, each a module of this package, then assembles their rows with
:func:`~statcli.derive.base.finalize_actions`.
"""

from __future__ import annotations

import polars as pl

from statcli.derive.agent_state import derive_agent_state
from statcli.derive.base import MODES, DeriveContext, finalize_actions, order_events
from statcli.derive.calls import derive_calls
from statcli.derive.campaign import derive_campaign_actions
from statcli.derive.dn_types import infer_dn_types
from statcli.derive.mediation import derive_mediation
from statcli.derive.monitoring import derive_monitoring, monitoring_losses
from statcli.derive.propagate import propagate_actions
from statcli.errors import UserError
from statcli.objects import Objects, infer_objects
from statcli.schema import EVENTS, conform

#: Accepted spellings of ``mode`` (SSC-1: ``ss_c`` is an alias of ``cluster``).
MODE_ALIASES = {"regular": "regular", "cluster": "cluster", "ss_c": "cluster", "ssc": "cluster"}

__all__ = ["derive_actions", "prepare_events", "build_context"]


def prepare_events(events: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Conform events to :data:`~statcli.schema.EVENTS` and number them in processing order.

    Examples
    --------
    >>> import polars as pl
    >>> prepare_events(pl.DataFrame({"event": ["EventRinging"]}))["ord"].to_list()
    [0]
    """
    if isinstance(events, pl.LazyFrame):
        events = events.collect()
    return order_events(conform(events, EVENTS, keep_extra=True))


def build_context(events: pl.DataFrame, *, objects: Objects | None = None, mode: str = "regular") -> DeriveContext:
    """The shared context: mode, DN types (OBJ-1), data window and monitoring losses (REG-10).

    Raises
    ------
    UserError
        For a mode other than ``regular`` / ``cluster`` (``ss_c``).

    Examples
    --------
    >>> import polars as pl
    >>> ev = prepare_events(pl.DataFrame({"event": ["EventQueued"], "this_dn": ["7000"]}))
    >>> build_context(ev, mode="ss_c").mode, build_context(ev).dn_types
    ('cluster', {'7000': 'ACDQueue'})
    """
    canonical = MODE_ALIASES.get(str(mode).lower())
    if canonical not in MODES:
        raise UserError(f"unknown mode {mode!r} (expected regular or cluster)")
    ctx = DeriveContext(objects=objects, mode=canonical, dn_types=infer_dn_types(events, objects))
    if events.height:
        ctx.data_start, ctx.data_end = events["ts"].min(), events["ts"].max()
    ctx.monitoring_losses = monitoring_losses(events, ctx)
    return ctx


def derive_actions(events: pl.DataFrame | pl.LazyFrame, *, objects: Objects | None = None,
                   mode: str = "regular", campaign_events: pl.DataFrame | None = None,
                   propagate: bool = True) -> pl.DataFrame:
    """Derive the Stat Server actions of T-Server / SIP Server events.

    Parameters
    ----------
    events : polars.DataFrame or polars.LazyFrame
        The ``events`` table (:data:`statcli.schema.EVENTS`), e.g. from
        :func:`statcli.read.tserver.read_tserver_log` or an events Parquet.
    objects : Objects, optional
        The objects configuration (``--objects``): DN types, places, groups.
        Without it DN types are inferred (OBJ-1).
    mode : {"regular", "cluster"}
        ``cluster`` (alias ``ss_c``) keeps only actions available in SS_c
        mode (SSC-1); campaign actions stay (SSC-5).
    campaign_events : polars.DataFrame, optional
        OCS ``campaign_events`` for the campaign actions.
    propagate : bool, default True
        Add the Agent, Place and group copies (PROP-2..10,
        :func:`~statcli.derive.propagate.propagate_actions`), with the
        objects configuration completed by what the logs show (OBJ-1);
        copies carry ``origin_id``. ``False`` keeps only the DN and campaign rows.

    Returns
    -------
    polars.DataFrame
        The ``actions`` table (:data:`statcli.schema.ACTIONS`), one row per
        action occurrence, sorted by time; open durable actions have
        ``end = null``.

    Raises
    ------
    UserError
        For an unknown ``mode``.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = [datetime(2026, 1, 1, 10, 0, s, tzinfo=timezone.utc) for s in (0, 5)]
    >>> ev = pl.DataFrame({"ts": t, "server": ["TS", "TS"], "event": ["EventAgentLogin", "EventAgentReady"],
    ...                    "this_dn": ["7001", "7001"], "agent_id": ["a1001", "a1001"]})
    >>> acts = derive_actions(ev)
    >>> acts.filter(pl.col("action") == "NotReadyForNextCall").select("start", "end", "duration_s").row(0)[2]
    5
    >>> sorted(acts["action"].unique())
    ['AgentLogin', 'LoggedIn', 'Monitored', 'NotReadyForNextCall', 'WaitForNextCall']
    """
    events = prepare_events(events)
    ctx = build_context(events, objects=objects, mode=mode)

    # 1. Regular and mediation DNs: monitoring (DN-1/2, MED-9, REG-10).
    monitored = derive_monitoring(events, ctx)
    # 2. Regular DNs, not interaction-related: login, work state, hook, UserEvent (DN-3..16, seed 001).
    regular = derive_agent_state(events, ctx)
    # 3. Calls on regular DNs (CALL-*, REL-*, STUCK-1, REG-8/9c).
    calls = derive_calls(events, ctx)
    # 4. Mediation DNs and virtual queues (MED-*, VQ-*, CALL-8), from events + the regular rows.
    mediation = derive_mediation(events, ctx, pl.concat([regular, calls], how="diagonal_relaxed"))
    # 5. Campaign actions (OCS): statuses, dial modes, dials, leads, callbacks (CMP-*).
    campaign = derive_campaign_actions(campaign_events, ctx) if campaign_events is not None else pl.DataFrame()

    frames = [monitored, regular, calls, mediation, campaign]
    actions = finalize_actions(frames, ctx)
    # 6. Propagation to Agent, Place and groups (PROP-2..10), with the objects the logs show (OBJ-1).
    if propagate:
        actions = propagate_actions(actions, infer_objects(events, ctx.dn_types, objects=objects))
    return actions
