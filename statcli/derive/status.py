"""Statuses: the highest-priority durable action going on at an object (reference §3.3–3.4).

The priority tables and every flag the engine uses are data
(:func:`statcli.catalog.statuses.status_priority`): which actions define a DN
status (ST-1, ST-2: never ``LoggedIn`` / ``LoggedOut``), which define an agent
status, which call-type actions a ``CallOnHold`` hides for its ConnID on the
same DN (ST-3). Where each object type's status comes from is data as well
(:func:`statcli.catalog.statuses.status_objects`):

* RegDN, Queue, RoutePoint — the DN's own durable actions (DNStatus);
* Agent — its propagated copies plus ``LoggedIn``; ``LoggedOut`` whenever it
  is logged in on no DN (ST-10), from the start of the data;
* Place — the highest DN status among its DNs (ST-11), ``NotMonitored`` for
  a place without DNs;
* GroupAgents / GroupPlaces — the highest status among the members (ST-13).

How it is computed (vectorized, no per-row loop): every contributing interval
is floored to whole seconds (ST-5, TIME-2) and exploded into two boundaries
(+w at start, −w at end; a hold contributes −1 to the held call's status over
the overlap, and a login session −1 to the agent's ``LoggedOut``). A
``cum_sum`` over the sorted deltas per (object, priority) gives how many
actions of that priority are going on; where that count switches between zero
and non-zero, ±2**priority is added to a per-object bit mask whose running sum
(``cum_sum().over(object)``) holds one bit per active priority, so its highest
set bit is the status at each boundary. Consecutive boundaries with the same
status are merged (ST-4); segments of length 0 cannot occur after flooring
because boundaries are unique. Open segments have ``end = null``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

from statcli.catalog.statuses import priority_names, status_objects, status_priority
from statcli.derive.propagate import memberships, propagate_actions
from statcli.objects import Objects
from statcli.schema import ACTIONS, STATUSES, UTC_US, conform

#: Seconds sentinel standing for "still going on" inside the sweep.
OPEN = 2**62
_KEYS = ["object_type", "object_id"]
_IV = {"object_type": pl.String, "object_id": pl.String, "priority": pl.Int64,
       "s": pl.Int64, "e": pl.Int64, "w": pl.Int64}


def _secs(col: str) -> pl.Expr:
    return pl.col(col).dt.epoch("s")


def sweep(intervals: pl.LazyFrame) -> pl.LazyFrame:
    """Status segments from weighted priority intervals (the core of every status).

    Parameters
    ----------
    intervals : polars.LazyFrame
        ``object_type, object_id, priority, s, e, w``: whole-second bounds
        (``e = OPEN`` while going on) and weight (+1 an action, −1 a hiding).

    Returns
    -------
    polars.LazyFrame
        ``object_type, object_id, priority, s, e``: maximal segments of one
        highest active priority.

    Examples
    --------
    >>> import polars as pl
    >>> iv = pl.LazyFrame({"object_type": ["RegDN"] * 3, "object_id": ["7001"] * 3,
    ...                    "priority": [5, 16, 11], "s": [0, 10, 20], "e": [100, 50, 30], "w": [1, 1, 1]})
    >>> sweep(iv).select("priority", "s", "e").collect().rows()
    [(5, 0, 10), (16, 10, 50), (5, 50, 100)]
    """
    iv = intervals.filter(pl.col("e") > pl.col("s"))
    per_prio = [*_KEYS, "priority"]
    deltas = pl.concat([
        iv.select(*_KEYS, "priority", t=pl.col("s"), d=pl.col("w")),
        iv.select(*_KEYS, "priority", t=pl.col("e"), d=-pl.col("w")),
    ])
    # Windows below rely on the explicit sorts (cheaper than order_by in every window).
    active = (pl.col("d").cum_sum().over(per_prio) > 0).cast(pl.Int64)
    flips = (
        deltas.group_by(*per_prio, "t").agg(pl.col("d").sum())
        .sort(*per_prio, "t")
        .with_columns(on=active)
        .with_columns(flip=pl.col("on") - pl.col("on").shift(1, fill_value=0).over(per_prio))
        .filter(pl.col("flip") != 0)
        .select(*_KEYS, "t", bits=pl.col("flip") * pl.lit(2, pl.Int64).pow(pl.col("priority")))
    )
    top = pl.when(pl.col("mask") > 0).then(63 - pl.col("mask").bitwise_leading_zeros().cast(pl.Int64))
    code = pl.col("top").fill_null(0)
    return (
        flips.group_by(*_KEYS, "t").agg(pl.col("bits").sum())
        .sort(*_KEYS, "t")
        .with_columns(mask=pl.col("bits").cum_sum().over(_KEYS))
        .with_columns(top=top, next_t=pl.col("t").shift(-1).over(_KEYS))
        .with_columns(run=(code != code.shift(1)).fill_null(True).cum_sum())
        .filter(pl.col("top").is_not_null())
        .group_by(*_KEYS, "run")
        .agg(priority=pl.col("top").first(), s=pl.col("t").min(), e=pl.col("next_t").max())
        .select(*_KEYS, "priority", "s", "e")
        .sort(*_KEYS, "s")
    )


def _action_intervals(actions: pl.LazyFrame, object_type: str, table: str, flag: str) -> pl.LazyFrame:
    """Weighted intervals of one object type's durable actions, with ST-3 hold hiding."""
    prio = status_priority(table).filter(pl.col(flag)).select(
        pl.col("status").alias("action"), "priority", "hidden_while_held", "hides_held_call").lazy()
    rows = (
        actions.filter((pl.col("object_type") == object_type) & (pl.col("kind") == "durable"))
        .join(prio, on="action", how="inner")
        .select(*_KEYS, "dn", "conn_id", "priority", "hidden_while_held", "hides_held_call",
                s=_secs("start"), e=_secs("end").fill_null(OPEN))
    )
    holds = rows.filter(pl.col("hides_held_call") & pl.col("conn_id").is_not_null()).select(
        *_KEYS, "dn", "conn_id", hs="s", he="e")
    hidden = (
        rows.filter(pl.col("hidden_while_held") & pl.col("conn_id").is_not_null())
        .join(holds, on=[*_KEYS, "dn", "conn_id"], how="inner")
        .select(*_KEYS, "priority", s=pl.max_horizontal("s", "hs"), e=pl.min_horizontal("e", "he"),
                w=pl.lit(-1, pl.Int64))
    )
    return pl.concat([rows.select(*_KEYS, "priority", "s", "e", w=pl.lit(1, pl.Int64)), hidden])


def _logged_out(actions: pl.LazyFrame, agents: list[str], start_s: int) -> pl.LazyFrame:
    """ST-10: LoggedOut from the data start, minus every login session of the agent."""
    logged_out = priority_names_inv()["LoggedOut"]
    base = pl.LazyFrame({"object_id": agents}, schema={"object_id": pl.String}).select(
        object_type=pl.lit("Agent"), object_id="object_id", priority=pl.lit(logged_out, pl.Int64),
        s=pl.lit(start_s, pl.Int64), e=pl.lit(OPEN, pl.Int64), w=pl.lit(1, pl.Int64))
    sessions = (
        actions.filter((pl.col("object_type") == "Agent") & (pl.col("action") == "LoggedIn")
                       & (pl.col("kind") == "durable"))
        .select(*_KEYS, priority=pl.lit(logged_out, pl.Int64), s=_secs("start"),
                e=_secs("end").fill_null(OPEN), w=pl.lit(-1, pl.Int64))
    )
    return pl.concat([base, sessions])


def _agents_with_sessions(actions: pl.DataFrame, objects: Objects | None) -> list[str]:
    """Agents whose login sessions are known: they have LoggedIn copies, or no rows at all.

    An agent seen only through rows' ``agent_id`` on DNs without ``LoggedIn``
    actions has unknown sessions; calling it LoggedOut (the highest priority)
    would hide everything it does, so it gets no LoggedOut.
    """
    agent_rows = actions.filter(pl.col("object_type") == "Agent")
    with_login = set(agent_rows.filter(pl.col("action") == "LoggedIn")["object_id"].drop_nulls())
    configured = set(objects.agents) if objects is not None else set()
    silent = configured - set(agent_rows["object_id"].drop_nulls())
    return sorted(with_login | silent)


def priority_names_inv() -> dict[str, int]:
    """Status name → priority.

    Examples
    --------
    >>> priority_names_inv()["CallOnHold"]
    11
    """
    return {v: k for k, v in priority_names().items()}


def _member_intervals(segments: pl.LazyFrame, links: pl.DataFrame, to_type: str) -> pl.LazyFrame:
    return (
        segments.join(links.lazy().select(object_id=pl.col("member"), _to=pl.col("object_id")),
                      on="object_id", how="inner")
        .select(object_type=pl.lit(to_type), object_id=pl.col("_to"), priority="priority",
                s="s", e="e", w=pl.lit(1, pl.Int64))
    )


def derive_statuses(actions: pl.DataFrame, *, objects: Objects | None = None,
                    data_start: datetime | None = None) -> pl.DataFrame:
    """Status segments of DNs, agents, places and groups (DNStatus, AgentStatus, PlaceStatus, GroupStatus).

    Parameters
    ----------
    actions : polars.DataFrame
        The ``actions`` table. When it holds no propagated rows yet,
        :func:`statcli.derive.propagate.propagate_actions` is applied first.
    objects : Objects, optional
        Agents, places and groups (configured and/or inferred). Configured
        agents that never log in are ``LoggedOut`` throughout.
    data_start : datetime, optional
        Start of the observed data; default the earliest action ``start``.
        ``LoggedOut`` agents and DN-less places start here.

    Returns
    -------
    polars.DataFrame
        Conformed to :data:`statcli.schema.STATUSES`, sorted by object and start.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import ACTIONS, conform
    >>> t = lambda m, s=0: datetime(2026, 1, 1, 10, m, s, tzinfo=timezone.utc)
    >>> a = conform(pl.DataFrame({"object_type": ["RegDN"] * 3, "object_id": ["7001"] * 3,
    ...     "dn": ["7001"] * 3, "kind": ["durable"] * 3, "conn_id": [None, "c1", "c1"],
    ...     "action": ["WaitForNextCall", "CallInbound", "CallOnHold"],
    ...     "start": [t(0), t(5), t(8)], "end": [None, t(12), t(9)], "action_id": [0, 1, 2]}), ACTIONS)
    >>> derive_statuses(a).select("status", "duration_s").rows()
    [('WaitForNextCall', 300), ('CallInbound', 180), ('CallOnHold', 60), ('CallInbound', 180), ('WaitForNextCall', None)]
    """
    actions = conform(actions, ACTIONS)
    if not actions.height:
        return STATUSES.empty()
    if not actions["origin_id"].is_not_null().any():
        actions = propagate_actions(actions, objects)
    lf = actions.lazy()
    start = data_start if data_start is not None else actions["start"].min()
    start_s = int(pl.select(pl.lit(start).cast(UTC_US).dt.epoch("s")).item())

    links = memberships(objects)
    # Places also own the DNs their propagated rows came from (inferred places).
    place_dns = actions.filter(pl.col("object_type") == "Place").select(
        via=pl.lit("places"), member="dn", object_id="object_id").unique()
    links = pl.concat([links, place_dns]).unique(maintain_order=True)

    done: dict[str, pl.LazyFrame] = {}
    for spec in status_objects().iter_rows(named=True):
        otype = spec["object_type"]
        if spec["members_from"] is None:
            iv = _action_intervals(lf, otype, spec["status_table"], spec["priority_flag"])
            if otype == "Agent":
                iv = pl.concat([iv, _logged_out(lf, _agents_with_sessions(actions, objects), start_s)])
        else:
            via = links.filter(pl.col("via") == spec["membership"])
            iv = _member_intervals(done[spec["members_from"]], via, otype)
            if otype == "Place" and objects is not None:
                empty = [p for p, dns in objects.places.items() if not dns]
                iv = pl.concat([iv, pl.LazyFrame({"object_id": empty}, schema={"object_id": pl.String})
                                .select(object_type=pl.lit("Place"), object_id="object_id",
                                        priority=pl.lit(priority_names_inv()["NotMonitored"], pl.Int64),
                                        s=pl.lit(start_s, pl.Int64), e=pl.lit(OPEN, pl.Int64),
                                        w=pl.lit(1, pl.Int64))])
        done[otype] = sweep(iv.select(*(pl.col(c).cast(t) for c, t in _IV.items()))).collect().lazy()

    names = priority_names()
    end = pl.when(pl.col("e") < OPEN).then(pl.col("e"))
    out = (
        pl.concat(list(done.values()))
        .select(*_KEYS,
                status=pl.col("priority").replace_strict(names, return_dtype=pl.String),
                start=pl.from_epoch(pl.col("s"), time_unit="s").dt.replace_time_zone("UTC").cast(UTC_US),
                end=pl.from_epoch(end, time_unit="s").dt.replace_time_zone("UTC").cast(UTC_US),
                duration_s=end - pl.col("s"))
        .with_columns(duration=pl.col("end") - pl.col("start"))
        .collect()
    )
    return conform(out, STATUSES)


def write_actions_and_statuses(actions: pl.DataFrame, directory: str | Path, *,
                               objects: Objects | None = None) -> dict[str, Path]:
    """Write ``actions.parquet`` and ``statuses.parquet`` into ``directory`` (``--statuses -o DIR``).

    The actions are propagated first when they hold no copies yet; both files
    are written atomically with their schema name in the Parquet metadata.

    Parameters
    ----------
    actions : polars.DataFrame
        The ``actions`` table.
    directory : str or Path
        Created if missing; must not be a file.
    objects : Objects, optional
        As for :func:`derive_statuses`.

    Returns
    -------
    dict
        ``{"actions": path, "statuses": path}``.

    Raises
    ------
    UserError
        When ``directory`` is an existing file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> sorted(p.name for p in write_actions_and_statuses(ACTIONS.empty(), d).values())
    ['actions.parquet', 'statuses.parquet']
    """
    from statcli.errors import UserError
    from statcli.render.writers import write_parquet

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise UserError(f"{directory} is a file; --statuses writes actions.parquet and "
                        "statuses.parquet into a directory given with -o DIR")
    directory.mkdir(parents=True, exist_ok=True)
    actions = conform(actions, ACTIONS)
    if actions.height and not actions["origin_id"].is_not_null().any():
        actions = propagate_actions(actions, objects)
    statuses = derive_statuses(actions, objects=objects)
    paths = {"actions": directory / "actions.parquet", "statuses": directory / "statuses.parquet"}
    write_parquet(actions, paths["actions"], ACTIONS.name)
    write_parquet(statuses, paths["statuses"], STATUSES.name)
    return paths
