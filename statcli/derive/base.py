"""Shared machinery of the derivation stage: context and the final assembly.

Each action family (agent state, calls, mediation, campaign, …) is a module with
a function ``derive_<family>(events, ctx) -> polars.DataFrame`` that returns raw
action rows: any subset of the ``actions`` columns plus ``scope``
(``regular_dn``, ``mediation_dn``, ``virtual_queue`` or ``campaign``).
:func:`finalize_actions` then takes ``kind`` from the catalog, fills ``end``,
``duration`` and ``duration_s``, applies ``--mode cluster`` and assigns ids —
so kinds and SS_c availability come from data in one place, never from code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from statcli.catalog.actions import action_catalog
from statcli.objects import Objects
from statcli.schema import ACTIONS, conform

MODES = ("regular", "cluster")


@dataclass
class DeriveContext:
    """What every action family needs besides the events.

    Attributes
    ----------
    objects : Objects or None
        The objects configuration, if the user gave one.
    mode : str
        ``regular`` or ``cluster`` (SS_c).
    dn_types : dict
        DN → DN type (configured, else inferred from the events).
    data_start, data_end : datetime or None
        The observed data window (first and last event time, UTC).
    monitoring_losses : polars.DataFrame or None
        ``dn, lost_at``: every loss of monitoring (REG-10), for families that
        must close their running actions there (see
        :func:`statcli.derive.monitoring.close_at_monitoring_loss`).
    """

    objects: Objects | None = None
    mode: str = "regular"
    dn_types: dict[str, str] = field(default_factory=dict)
    data_start: datetime | None = None
    data_end: datetime | None = None
    #: ``dn, lost_at`` — when each DN lost monitoring (REG-10); filled by
    #: :func:`statcli.derive.derive_actions` before the families run.
    monitoring_losses: pl.DataFrame | None = None


def _kinds() -> pl.DataFrame:
    cat = action_catalog().select("action", "scope", "kind", "ss_c")
    # Virtual queues follow the mediation-DN rules (VQ-1): a VQ action not listed
    # under virtual_queue takes its mediation_dn row.
    vq_fallback = (cat.filter(pl.col("scope") == "mediation_dn")
                   .join(cat.filter(pl.col("scope") == "virtual_queue"), on="action", how="anti")
                   .with_columns(scope=pl.lit("virtual_queue")))
    return pl.concat([cat, vq_fallback])


def finalize_actions(frames: list[pl.DataFrame], ctx: DeriveContext) -> pl.DataFrame:
    """Assemble family outputs into the ``actions`` table.

    Parameters
    ----------
    frames : list of polars.DataFrame
        Raw rows from the action families (each with ``action`` and ``scope``).
    ctx : DeriveContext
        Carries ``mode``.

    Returns
    -------
    polars.DataFrame
        Conformed to :data:`statcli.schema.ACTIONS`, sorted by ``start``
        (equal times keep the order of ``frames``), with unique ``action_id``.

    Raises
    ------
    ValueError
        When a family emits an action the catalog does not list for its scope
        (a programming error, caught by the tests).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> raw = pl.DataFrame({"object_type": ["RegDN"], "object_id": ["7001"], "dn": ["7001"],
    ...                     "action": ["CallHeld"], "scope": ["regular_dn"], "start": [t]})
    >>> finalize_actions([raw], DeriveContext())["kind"].to_list()
    ['momentary']
    """
    frames = [f for f in frames if f.height]
    if not frames:
        return ACTIONS.empty()
    raw = pl.concat([conform(f, ACTIONS, keep_extra=True).drop("kind") for f in frames], how="diagonal_relaxed")
    joined = raw.join(_kinds(), on=["action", "scope"], how="left")
    unknown = joined.filter(pl.col("kind").is_null()).select("action", "scope").unique()
    if unknown.height:
        pairs = ", ".join(f"{a} ({s})" for a, s in unknown.sort("action", "scope").iter_rows())
        raise ValueError(f"actions not in the catalog for their scope: {pairs}")
    if ctx.mode == "cluster":
        joined = joined.filter((pl.col("ss_c") == "yes") | (pl.col("scope") == "campaign"))
    end = pl.when(pl.col("kind") == "momentary").then(pl.col("start")).otherwise(pl.col("end"))
    # Time order; equal start times keep the families' order (deterministic). More
    # sort keys (end, the string columns) would cost more than all the rest here.
    out = (
        joined.sort("start", nulls_last=True, maintain_order=True)
        .with_columns(end=end)
        .with_columns(
            duration=pl.col("end") - pl.col("start"),
            duration_s=pl.col("end").dt.epoch("s") - pl.col("start").dt.epoch("s"),
            start_known=pl.col("start_known").fill_null(True),
            weight=pl.col("weight").fill_null(1),
            action_id=pl.int_range(pl.len(), dtype=pl.Int64),
        )
    )
    return conform(out, ACTIONS)


#: Column that holds each event's processing order (TIME-3) after :func:`order_events`.
ORDER = "ord"


def order_events(events: pl.DataFrame) -> pl.DataFrame:
    """Sort events in processing order and number them in column ``ord`` (TIME-3).

    Events are processed by time stamp, in log order for equal time stamps
    (the sort is stable). Every family sees the same ``ord``, so "what happened
    first" never differs between families.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> ev = pl.DataFrame({"ts": [t.replace(second=2), t], "event": ["B", "A"]})
    >>> order_events(ev)["event"].to_list()
    ['A', 'B']
    """
    if ORDER in events.columns:
        return events
    return events.sort("ts", maintain_order=True, nulls_last=True).with_row_index(ORDER).with_columns(
        pl.col(ORDER).cast(pl.Int64))


#: State value of a change row that ends whatever is going on and starts nothing.
CLOSED = ""


def state_runs(changes: pl.DataFrame, carry: tuple[str, ...] = ()) -> pl.DataFrame:
    """Turn per-DN state changes into durable intervals (one row per run).

    The vectorized core of every "one state at a time" dimension (login,
    work state, hook, monitoring): a change row sets the DN's state from its
    time on; consecutive rows with the same state form one run (so a repeated
    NotReady does not restart the action, DN-15); a run ends where the next
    run starts and takes that row's ``end_cause`` as its ``end_reason``;
    the last run of a DN stays open (``end`` null, TIME-4).

    Parameters
    ----------
    changes : polars.DataFrame
        Columns ``dn``, ``ts``, ``ord`` (processing order), ``state`` (an action
        name, or :data:`CLOSED` to end the running one), ``weak`` (bool: the row
        applies only when nothing is going on — a snapshot that merely fills a
        gap, REG-0), ``start_known`` (bool), ``end_cause`` (str) and any ``carry``
        columns, taken from the row that starts a run. An optional ``sub``
        column breaks ties between rows of the same event.
    carry : tuple of str
        Further columns to keep from a run's first row.

    Returns
    -------
    polars.DataFrame
        ``dn, action, start, end, end_reason, start_known, start_ord, end_ord``
        plus ``carry`` (and ``end_source`` / ``end_line``, the ending row's, when
        ``source`` / ``line`` are carried), runs of state :data:`CLOSED` removed.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = [datetime(2026, 1, 1, 10, m, tzinfo=timezone.utc) for m in range(4)]
    >>> ch = pl.DataFrame({"dn": ["7001"] * 4, "ts": t, "ord": [0, 1, 2, 3],
    ...                    "state": ["NotReadyForNextCall", "NotReadyForNextCall", "WaitForNextCall", ""],
    ...                    "weak": [False] * 4, "start_known": [True] * 4,
    ...                    "end_cause": ["login", "not_ready", "ready", "logout"]})
    >>> state_runs(ch).select("action", "end_reason").rows()
    [('NotReadyForNextCall', 'ready'), ('WaitForNextCall', 'logout')]
    """
    has_sub = "sub" in changes.columns
    keep = ["dn", "ts", "ord", "state", "weak", "start_known", "end_cause", *carry] + (["sub"] if has_sub else [])
    ends = [c for c in ("source", "line") if c in carry]
    # One integer id per DN (sorted names, so the output order is the same on every
    # run) lets one numeric sort put each DN's changes together in time order;
    # neighbours are then plain shifts, checked for a DN boundary.
    ids = changes.select("dn").unique().sort("dn").with_row_index("_g")
    rows = changes.select(keep).join(ids, on="dn").sort(["_g", "ts", "ord"] + (["sub"] if has_sub else []))
    strong = pl.when(~pl.col("weak")).then(pl.col("state"))
    # A weak row applies only where the last strong row left nothing going on.
    rows = rows.with_columns(_strong=strong.forward_fill().over("_g"))
    rows = rows.filter(~pl.col("weak") | pl.col("_strong").is_null() | (pl.col("_strong") == CLOSED))
    first = (pl.col("_g") != pl.col("_g").shift(1)).fill_null(True)
    rows = rows.filter(first | (pl.col("state") != pl.col("state").shift(1)).fill_null(True))
    last = (pl.col("_g") != pl.col("_g").shift(-1)).fill_null(True)

    def following(col: str) -> pl.Expr:
        return pl.when(last).then(None).otherwise(pl.col(col).shift(-1))

    rows = rows.with_columns(end=following("ts"), end_reason=following("end_cause"), end_ord=following("ord"),
                             **{f"end_{c}": following(c) for c in ends})
    return (rows.filter(pl.col("state") != CLOSED)
            .select("dn", pl.col("state").alias("action"), pl.col("ts").alias("start"), "end", "end_reason",
                    "start_known", pl.col("ord").alias("start_ord"), "end_ord", *carry,
                    *[f"end_{c}" for c in ends]))
