"""Which rows make a value: ``statcli report --explain OBJECT@INTERVAL``."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from statcli.errors import UserError
from statcli.stats import measures as ms
from statcli.stats.categories import CATEGORIES
from statcli.stats.engine import (_items_from_actions, _items_from_statuses, _resolve_types, _to_epoch,
                                  _window, stat_type_items)
from statcli.stats.profiles import DEFAULT_PROFILE, intervals, resolve_profile


def explain(actions: pl.DataFrame, stat_type: str, object_id: str, at: datetime, *,
            statuses: pl.DataFrame | None = None, stat_types=None, time_profile: str | None = None,
            filter: str | None = None, data_end: datetime | None = None,  # noqa: A002
            tz: str | None = None) -> pl.DataFrame:
    """The rows of ``actions`` (or ``statuses``) that make one statistic value.

    Parameters
    ----------
    actions : polars.DataFrame
        Actions (ACTIONS schema).
    stat_type : str
        Stat type name (from ``stat_types``, default the built-in set).
    object_id : str
        The object.
    at : datetime
        Any instant inside the interval (usually its start).

    Returns
    -------
    polars.DataFrame
        ``masks`` (which masks the row is in: ``M``, ``R``, …), ``how`` (``point``:
        counted where it ends; ``overlap``: clipped time; ``current``: going on at
        τ), ``seconds`` (its contribution), ``interval_start``, ``interval_end``,
        then the row's own columns (``action`` or ``status``, ``start``, ``end``,
        ``duration_s``, ``source``, ``line``, …).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime
    >>> from statcli.schema import ACTIONS, conform
    >>> t = lambda s: datetime.fromisoformat(f"2026-01-16T{s}+00:00")
    >>> acts = conform(pl.DataFrame({"object_type": ["Queue"], "object_id": ["7000"],
    ...     "action": ["CallEntered"], "kind": ["momentary"], "start": [t("10:05:00")],
    ...     "end": [t("10:05:00")], "duration_s": [0], "source": ["ts.log"], "line": [42]}), ACTIONS)
    >>> explain(acts, "Total_Calls_Entered", "7000", t("10:00:00")).select("masks", "how", "source", "line").rows()
    [('M', 'point', 'ts.log', 42)]
    """
    types = _resolve_types(stat_types if stat_types is not None else [stat_type])
    lower = {k.lower(): k for k in types}
    if stat_type.lower() not in lower:
        raise UserError(f"unknown stat type {stat_type!r} (see `statcli stat-types`)")
    st = types[lower[stat_type.lower()]]
    cat = CATEGORIES[st.category]
    a_items = _items_from_actions(actions)
    s_items = None
    if st.is_status:
        if statuses is None:
            from statcli.stats.engine import _derive_statuses
            statuses = _derive_statuses(actions)
        if statuses is None:
            raise UserError(f"{st.name} reads statuses, and no statuses are available")
        s_items = _items_from_statuses(statuses)
    items, _, masks = stat_type_items(st, types, a_items, s_items, filter=filter, obj_ids={object_id},
                                      keep_columns=True)
    win = _window([a_items, s_items], None, _to_epoch(data_end))
    spec = time_profile or st.time_profile or DEFAULT_PROFILE
    profile = resolve_profile(spec, types.time_profiles)
    if profile.type in ("SinceLogin", "Sliding"):
        raise UserError("--explain supports Growing and Selection time profiles")
    iv = intervals(profile, win[0], win[1], tz).drop("partial")
    t = _to_epoch(at)
    iv = iv.filter((pl.col("t0") <= t) & (pl.col("t1") > t))
    if iv.is_empty():
        raise UserError(f"no interval of {profile} contains {at.isoformat()} within the data")
    iv = iv.with_columns(iid=pl.lit(0, pl.UInt32))
    mcols = [f"m_{k}" for k in masks]
    frames = []
    historical_points = cat.needs & {"point"} and not st.is_status
    if historical_points:
        frames.append(ms._points(items, iv, True).with_columns(how=pl.lit("point"), seconds=pl.col("dur")))
    if "adjusted" in cat.needs or (st.is_status and cat.needs & {"point"}) or "step" in cat.needs:
        frames.append(ms._overlaps(items, iv, True).filter(pl.col("ov") > 0)
                      .with_columns(how=pl.lit("overlap"), seconds=pl.col("ov")))
    if "current" in cat.needs:
        frames.append(ms.current_frame(items, iv, True).with_columns(how=pl.lit("current"),
                                                                     seconds=pl.col("age")))
    keys = list(masks)
    rows = pl.concat([f.select(pl.exclude("ov", "age")) for f in frames], how="diagonal_relaxed")
    rows = rows.filter(pl.any_horizontal(mcols)).with_columns(
        masks=pl.concat_str([pl.when(pl.col(f"m_{k}")).then(pl.lit(k)) for k in keys], separator=",",
                            ignore_nulls=True),
        interval_start=pl.from_epoch("t0", "s").dt.replace_time_zone("UTC"),
        interval_end=pl.from_epoch("t1", "s").dt.replace_time_zone("UTC"),
    )
    # `duration` (exact) is left out: duration_s is what Stat Server counts, and CSV cannot hold durations.
    own = [c for c in (statuses.columns if st.is_status else actions.columns) if c != "duration"]
    return rows.select("masks", "how", "seconds", "interval_start", "interval_end", *own).sort("start")
