"""``compute_statistics``: evaluate stat types over actions (and statuses).

Per stat type (a handful of configuration objects — the only Python loop),
the engine selects the relevant rows, flags them with one boolean column per
mask, computes the measure families its category needs
(:mod:`statcli.stats.measures`) on the object × interval grid, and applies
the category's formula (:mod:`statcli.stats.categories`).
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Iterable, Mapping

import polars as pl

from statcli.errors import UserError
from statcli.schema import STATISTICS, conform
from statcli.stats import measures as ms
from statcli.stats.categories import CATEGORIES
from statcli.stats.filters import compile_filter
from statcli.stats.profiles import (DEFAULT_PROFILE, TimeProfile, TimeRange, intervals,
                                    parse_time_range, resolve_profile)
from statcli.stats.stattypes import AUTOCORRECT, StatType, StatTypeSet, load_stat_types

KEY = ms.KEY


class StatWarning(UserWarning):
    """A definition problem statcli works around (dropped mask name, ignored filter, …)."""


def _epoch(col: str) -> pl.Expr:
    # Floor to whole seconds (TIME-2); dt.epoch("s") truncates toward zero, so floor explicitly.
    return pl.col(col).dt.epoch("us").floordiv(1_000_000)


def _to_epoch(t: datetime | None) -> int | None:
    if t is None:
        return None
    if t.tzinfo is None:
        raise UserError("data_start / data_end must be timezone-aware datetimes")
    return int(t.timestamp() // 1)


def _range(spec: str | TimeRange | tuple | None, st_default: str | None, table: Mapping[str, TimeRange],
           fallback: TimeRange | None) -> TimeRange | None:
    """TR-3: explicit choice, else the stat type's, else ``Default``, else 0-20."""
    for choice in (spec, st_default):
        if choice is None:
            continue
        if isinstance(choice, TimeRange):
            return choice
        if isinstance(choice, tuple):
            return TimeRange(f"{choice[0]}-{choice[1]}", int(choice[0]), int(choice[1]))
        if choice in table:
            return table[choice]
        if choice[:1].isdigit():
            return parse_time_range(choice)
        raise UserError(f"unknown time range {choice!r} (defined: {', '.join(sorted(table)) or 'none'}; "
                        "or give LO-HI)")
    return fallback


def _items_from_actions(actions: pl.DataFrame) -> pl.DataFrame:
    w = pl.col("weight").fill_null(1) if "weight" in actions.columns else pl.lit(1, pl.Int64)
    return actions.with_columns(
        name=pl.col("action"), s=_epoch("start"), e=_epoch("end"),
        dur=pl.when(pl.col("kind") == "momentary").then(0).otherwise(pl.col("duration_s")),
        w=w.cast(pl.Int64),
    )


def _items_from_statuses(statuses: pl.DataFrame) -> pl.DataFrame:
    s, e = _epoch("start"), _epoch("end")
    return statuses.with_columns(name=pl.col("status"), kind=pl.lit("status"), s=s, e=e,
                                 dur=e - s, w=pl.lit(1, pl.Int64)).filter(
        pl.col("e").is_null() | (pl.col("e") > pl.col("s")))  # ST-5: drop zero-length segments


def _window(frames: list[pl.DataFrame], data_start: int | None, data_end: int | None) -> tuple[int, int]:
    lo, hi = [], []
    for f in frames:
        if f is None or f.is_empty():
            continue
        b = f.select(lo=pl.min_horizontal(pl.col("s").min(), pl.col("e").min()),
                     hi=pl.max_horizontal(pl.col("s").max(), pl.col("e").max()))
        lo.append(b["lo"][0])
        hi.append(b["hi"][0])
    start = data_start if data_start is not None else (min(x for x in lo if x is not None) if lo else 0)
    end = data_end if data_end is not None else (max(x for x in hi if x is not None) if hi else start + 1)
    return int(start), int(end)


def _since_login(actions_items: pl.DataFrame, data_end: int) -> pl.DataFrame:
    """TP-4: per object, from the start of the login session going on at the end of data."""
    logged = actions_items.filter((pl.col("name") == "LoggedIn") & pl.col("object_type").is_in(["Agent", "Place"])
                                  & (pl.col("e").is_null() | (pl.col("e") >= data_end)))
    return (logged.group_by(KEY).agg(t0=pl.col("s").min())
            .with_columns(t1=pl.lit(data_end, pl.Int64), tau=pl.lit(data_end, pl.Int64), partial=pl.lit(True))
            .sort(KEY).with_row_index("iid").with_columns(pl.col("iid").cast(pl.UInt32)))


def _resolve_types(stat_types) -> StatTypeSet:
    if isinstance(stat_types, StatTypeSet):
        return stat_types
    if isinstance(stat_types, StatType):
        stat_types = [stat_types]
    if isinstance(stat_types, str):
        stat_types = [stat_types]
    if isinstance(stat_types, Mapping):
        out = StatTypeSet(stat_types)
        return out
    names = list(stat_types)
    if all(isinstance(n, StatType) for n in names):
        return StatTypeSet({n.name: n for n in names})
    return load_stat_types().pick(names)


def compute_statistics(
    actions: pl.DataFrame,
    stat_types: StatTypeSet | Mapping[str, StatType] | Iterable[str | StatType] | str,
    *,
    time_profile: str | TimeProfile | None = None,
    statuses: pl.DataFrame | None = None,
    time_range: str | TimeRange | tuple | None = None,
    time_range2: str | TimeRange | tuple | None = None,
    filter: str | None = None,  # noqa: A002 - the Genesys name
    object_types: Iterable[str] | None = None,
    object_ids: Iterable[str] | None = None,
    data_start: datetime | None = None,
    data_end: datetime | None = None,
    tz: str | None = None,
    objects=None,
) -> pl.DataFrame:
    """Evaluate stat types over actions (and statuses) for every interval of a time profile.

    Parameters
    ----------
    actions : polars.DataFrame
        Actions (ACTIONS schema).
    stat_types : StatTypeSet, mapping, list of names or StatType, or one name
        What to compute; names refer to the built-in set.
    time_profile : str or TimeProfile, optional
        ``TYPE=SPEC`` (``Growing=00:00+0:30``, ``Sliding=300:10``, ``Selection=5``,
        ``SinceLogin``), ``Name,Type=SPEC`` or a name from the stat types'
        ``[TimeProfiles]``. Default: each stat type's ``statcli.TimeProfile``,
        else ``Growing=00:00+0:30``.
    statuses : polars.DataFrame, optional
        Status segments (STATUSES schema) for status subjects. When None,
        ``statcli.derive.status.derive_statuses`` is used if available;
        otherwise status stat types are skipped with a :class:`StatWarning`.
    time_range, time_range2 : str, TimeRange or (lo, hi), optional
        Override the stat types' ranges (a name or ``LO-HI``; TR-3).
    filter : str, optional
        A filter name from ``[Filters]`` or a filter expression (§5.8).
    object_types, object_ids : iterable of str, optional
        Restrict the objects reported.
    data_start, data_end : datetime, optional
        The observed data window (default: earliest and latest time in the
        data). ``data_end`` is τ of the last, partial interval.
    tz : str, optional
        IANA zone of the profile's reset times (TIME-5); default UTC.
    objects : statcli.objects.Objects, optional
        Objects configuration, passed to the status derivation.

    Returns
    -------
    polars.DataFrame
        STATISTICS schema plus ``state`` (CurrentState text) and ``partial``,
        one row per stat type × object × interval.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import ACTIONS, conform
    >>> t = lambda s: datetime.fromisoformat(f"2026-01-16T{s}+00:00")
    >>> acts = conform(pl.DataFrame({
    ...     "object_type": ["Queue"] * 3, "object_id": ["7000"] * 3,
    ...     "action": ["CallWait", "CallEntered", "CallAbandoned"],
    ...     "kind": ["durable", "momentary", "retrospective"],
    ...     "start": [t("10:20:00.1"), t("10:20:00.1"), t("10:20:00.1")],
    ...     "end": [t("10:20:45.8"), t("10:20:00.1"), t("10:20:45.8")],
    ...     "duration_s": [45, 0, 45]}), ACTIONS)
    >>> out = compute_statistics(acts, ["Total_Calls_Entered", "Max_Wait_Time"],
    ...                          data_end=t("10:30:00"))
    >>> out.select("stat_type", "object_id", "value").rows()
    [('Max_Wait_Time', '7000', 45.0), ('Total_Calls_Entered', '7000', 1.0)]
    """
    types = _resolve_types(stat_types)
    actions = _propagated(actions, types, objects)
    a_items = _items_from_actions(actions)
    s_items = None
    if any(st.is_status for st in types.values()):
        if statuses is None:
            statuses = _derive_statuses(actions, objects)
        if statuses is not None:
            s_items = _with_group_members(_items_from_statuses(statuses), objects)
    win = _window([a_items, s_items], _to_epoch(data_start), _to_epoch(data_end))
    unmonitored = _unmonitored_spans(a_items)
    obj_types = set(object_types) if object_types else None
    obj_ids = set(object_ids) if object_ids else None
    results = []
    for st in types.values():
        if st.is_status and s_items is None:
            warnings.warn(f"{st.name}: no statuses available (status derivation missing); skipped",
                          StatWarning, stacklevel=2)
            continue
        res = _one(st, types, a_items, s_items, win, time_profile=time_profile, time_range=time_range,
                   time_range2=time_range2, filter=filter, obj_types=obj_types, obj_ids=obj_ids, tz=tz,
                   unmonitored=unmonitored)
        if res is not None:
            results.append(res)
    if not results:
        return _empty()
    out = pl.concat(results, how="vertical_relaxed")
    return out.sort("stat_type", "object_type", "object_id", "interval_start")


#: group type -> (member object type, Objects attribute listing its members)
_GROUP_MEMBERS = {"GroupAgents": ("Agent", "agent_groups"), "GroupPlaces": ("Place", "place_groups")}


def _with_group_members(items: pl.DataFrame, objects) -> pl.DataFrame:
    """Add the members' status segments under each group, flagged ``_member`` (ST-14).

    Status categories on a group aggregate its members (time summed, CurrentNumber
    counts members in the mask), except Subject GroupStatus, which reads the group's
    own status, the highest among its members (ST-13).
    """
    items = items.with_columns(_member=pl.lit(False))
    if objects is None:
        return items
    links = [pl.DataFrame({"object_type": member_type, "object_id": [str(m) for m in members],
                           "_group_type": group_type, "_group": str(group)},
                          schema={"object_type": pl.String, "object_id": pl.String,
                                  "_group_type": pl.String, "_group": pl.String})
             for group_type, (member_type, attr) in _GROUP_MEMBERS.items()
             for group, members in getattr(objects, attr, {}).items()]
    if not links:
        return items
    members = items.join(pl.concat(links), on=["object_type", "object_id"]).with_columns(
        object_type=pl.col("_group_type"), object_id=pl.col("_group"), _member=pl.lit(True)
    ).drop("_group_type", "_group")
    return pl.concat([items, members], how="vertical_relaxed")


_PROPAGATED_TYPES = {"Agent", "Place", "GroupAgents", "GroupPlaces", "GroupQueues"}


def _propagated(actions: pl.DataFrame, types: StatTypeSet, objects) -> pl.DataFrame:
    """Add Agent/Place/group copies (PROP-*) when action stat types need them and the input has none."""
    wanted = {o for st in types.values() if not st.is_status for o in st.objects} & _PROPAGATED_TYPES
    if not wanted or actions.is_empty() or actions["origin_id"].is_not_null().any() \
            or actions["object_type"].is_in(sorted(_PROPAGATED_TYPES)).any():
        return actions
    try:
        from statcli.derive.propagate import propagate_actions
    except ImportError:
        return actions
    return propagate_actions(actions, objects)


def _empty() -> pl.DataFrame:
    return conform(pl.DataFrame(), STATISTICS).with_columns(
        state=pl.lit(None, pl.String), partial=pl.lit(None, pl.Boolean), valid=pl.lit(None, pl.Boolean)).head(0)


_DN_OBJECTS = ["RegDN", "Queue", "RoutePoint"]


def _unmonitored_spans(a_items: pl.DataFrame) -> pl.DataFrame | None:
    """``NotMonitored`` periods of each DN, attached to every object the DN's actions reach (VAL-1)."""
    nm = a_items.filter((pl.col("name") == "NotMonitored") & pl.col("object_type").is_in(_DN_OBJECTS)
                        & (pl.col("kind") == "durable")).select(dn="object_id", s="s", e="e")
    if nm.is_empty():
        return None
    links = pl.concat([
        a_items.filter(pl.col("dn").is_not_null()).select(*KEY, "dn"),
        a_items.filter(pl.col("object_type").is_in(_DN_OBJECTS)).select(*KEY, dn="object_id"),
    ]).unique()
    return nm.join(links, on="dn").select(*KEY, "s", "e", kind=pl.lit("durable")).unique()


def _validity(table: pl.DataFrame, unmonitored: pl.DataFrame | None, iv: pl.DataFrame, shared: bool,
              cat) -> pl.DataFrame:
    """VAL-1: ``valid`` is false when a DN of the object was NotMonitored in the interval (at τ for
    current categories); CurrentState is always valid."""
    if unmonitored is None or cat.name == "CurrentState":
        return table.with_columns(valid=pl.lit(True))
    spans = unmonitored.join(table.select(KEY).unique(), on=KEY)
    if spans.is_empty():
        return table.with_columns(valid=pl.lit(True))
    if cat.historical:
        hit = ms._overlaps(spans, iv, shared).filter(pl.col("ov") > 0)
    else:
        hit = ms.current_frame(spans, iv, shared)
    bad = hit.select(ms.GKEY).unique().with_columns(_bad=pl.lit(True))
    return table.join(bad, on=ms.GKEY, how="left").with_columns(
        valid=pl.col("_bad").is_null()).drop("_bad")


def _derive_statuses(actions: pl.DataFrame, objects=None) -> pl.DataFrame | None:
    try:
        from statcli.derive.status import derive_statuses
    except ImportError:
        return None
    return derive_statuses(actions, objects=objects)


def stat_type_items(st: StatType, types: StatTypeSet, a_items: pl.DataFrame, s_items: pl.DataFrame | None,
                    *, filter: str | None = None, obj_types=None, obj_ids=None,  # noqa: A002
                    keep_columns: bool = False) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, frozenset]]:
    """The rows a stat type reads, flagged per mask, and all its objects.

    Returns ``(items, objects, masks)``; ``items`` has a boolean ``m_<key>``
    column per mask key (``M``, ``R`` and a compound category's extra keys).
    """
    cat = CATEGORIES[st.category]
    src = s_items if st.is_status else a_items
    allowed = set(st.objects) if obj_types is None else set(st.objects) & obj_types
    src = src.filter(pl.col("object_type").is_in(sorted(allowed)))
    if st.is_status and "_member" in src.columns:
        # a group reads its members' segments (ST-14) when known; GroupStatus its own (ST-13)
        want_members = st.subject != "GroupStatus"
        has_members = src.filter(pl.col("_member")).select(KEY).unique().with_columns(_has=pl.lit(True))
        src = src.join(has_members, on=KEY, how="left").filter(
            pl.col("_has").is_null() | (pl.col("_member") == want_members)).drop("_has")
    if obj_ids is not None:
        src = src.filter(pl.col("object_id").is_in(sorted(obj_ids)))
    objects = src.select(KEY).unique()
    masks: dict[str, frozenset] = {"M": st.main_mask.names,
                                   "R": st.rel_mask.names if st.rel_mask else
                                   (st.main_mask.names if cat.rel == "same" else frozenset())}
    masks.update({k: frozenset(v) for k, v in cat.fixed_masks.items()})
    flt = pl.lit(True)
    ftext = filter or st.filter
    if ftext and st.subject != "CampaignAction":  # FLT-8: ignored for CampaignAction
        ftext = types.filters.get(ftext, ftext)
        if st.is_status and "user_data" not in src.columns:
            warnings.warn(f"{st.name}: statuses carry no attached data; filter ignored", StatWarning,
                          stacklevel=3)
        else:
            flt = compile_filter(ftext, set(src.columns))
    if st.media_type:  # FLT-7: T-Server actions are voice unless the data says otherwise
        wanted = [m.strip().lower() for m in st.media_type.split(",")]
        flt = flt & (pl.col("media_type").cast(pl.String).str.to_lowercase().is_in(wanted).fill_null("voice" in wanted)
                     if "media_type" in src.columns else pl.lit("voice" in wanted))
    union = sorted(set().union(*masks.values()))
    items = src.filter(pl.col("name").is_in(union)).with_columns(_flt=flt)
    only_main = st.category == "AverageNumberPerRelativeHour"  # FLT-6: filter on MainMask only
    items = items.with_columns(**{
        f"m_{k}": pl.col("name").is_in(sorted(v)) & (pl.lit(True) if (only_main and k != "M") else pl.col("_flt"))
        for k, v in masks.items()}).drop("_flt")
    if not keep_columns:  # carry only what the measures read through sorts, joins and explodes
        items = items.select(*KEY, "name", "kind", "s", "e", "dur", "w", *[f"m_{k}" for k in masks])
    return items, objects, masks


def _one(st: StatType, types: StatTypeSet, a_items, s_items, win, *, time_profile, time_range, time_range2,
         filter, obj_types, obj_ids, tz, unmonitored=None) -> pl.DataFrame | None:  # noqa: A002
    cat = CATEGORIES[st.category]
    items, objects, _ = stat_type_items(st, types, a_items, s_items, filter=filter,
                                        obj_types=obj_types, obj_ids=obj_ids)
    spec = time_profile or st.time_profile or DEFAULT_PROFILE
    profile = spec if isinstance(spec, TimeProfile) else resolve_profile(spec, types.time_profiles)
    if profile.type == "SinceLogin":
        iv = _since_login(a_items.filter(pl.col("object_type").is_in(list(st.objects))), win[1])
        if obj_ids is not None:
            iv = iv.filter(pl.col("object_id").is_in(sorted(obj_ids)))
        grid = iv
        shared = False
    else:
        at_end = items.filter((pl.col("e") == win[1]) | (pl.col("s") == win[1])).height > 0
        iv = intervals(profile, win[0], win[1], tz, include_end=at_end)
        grid = objects.join(iv, how="cross")
        shared = profile.type != "Sliding"
    if profile.type == "Selection" and cat.historical:
        n = int(profile.spec)
        pts = items.filter(pl.col("e").is_not_null() & (pl.col("kind") != "status"))
        items = pts.filter(pl.col("e").rank("ordinal", descending=True).over(KEY) <= n)
    ranges = {"range": _range(time_range, st.time_range, types.time_ranges, types.time_ranges.get("Default"))}
    r2 = _range(time_range2, st.time_range2, types.time_ranges, None)
    ranges = {"range": (ranges["range"].lo, ranges["range"].hi), "range2": (r2.lo, r2.hi) if r2 else None}
    ivj = iv.drop("partial")
    parts = []
    if "point" in cat.needs:
        parts.append(ms.status_measures(items, ivj, shared, ranges) if st.is_status
                     else ms.point_measures(items, ivj, shared, ranges))
    if "adjusted" in cat.needs:
        parts.append(ms.status_measures(items, ivj, shared, ranges) if st.is_status
                     else ms.adjusted_measures(items, ivj, shared))
    if "current" in cat.needs:
        parts.append(ms.current_measures(items, ivj, shared, ranges))
    if "step" in cat.needs:
        parts.append(ms.step_measures(items, ivj, shared))
    if "state" in cat.needs:
        parts.append(ms.state_measures(items, ivj, shared))
    if "current_integral" in cat.needs:
        parts.append(ms.current_time_integral(items, ivj, shared))
    if "continuous" in cat.needs:
        parts.append(ms.continuous_measures(items, ivj, shared))
    table = grid
    for p in parts:
        p = p.with_columns(pl.col(KEY).cast(pl.String))
        dup = [c for c in p.columns if c in table.columns and c not in ms.GKEY]
        table = table.join(p.drop(dup), on=ms.GKEY, how="left")
    num = [c for c, t in table.schema.items() if c not in (*ms.GKEY, "t0", "t1", "tau", "partial") and t.is_numeric()]
    table = table.with_columns([pl.col(c).fill_null(0) for c in num]).with_columns(
        ELAPSED=pl.col("tau") - pl.col("t0"))
    table = _validity(table, unmonitored, ivj, shared, cat)
    ctx = {"range_given": bool(time_range or st.time_range)}
    for col in _formula_columns(table):
        if col not in table.columns:
            table = table.with_columns(pl.lit(0).alias(col))
    subject = st.subject
    out = table.select(
        stat_type=pl.lit(st.name), category=pl.lit(st.category),
        subject=(pl.col("object_type").replace_strict({o: AUTOCORRECT.get((o, subject), subject)
                                                       for o in st.objects}, default=subject)),
        object_type="object_type", object_id="object_id",
        interval_start=pl.from_epoch("t0", "s").dt.replace_time_zone("UTC").dt.cast_time_unit("us"),
        interval_end=pl.from_epoch("t1", "s").dt.replace_time_zone("UTC").dt.cast_time_unit("us"),
        value=cat.formula(ctx).cast(pl.Float64), unit=pl.lit(cat.unit),
        state=(pl.col("STATE") if "STATE" in table.columns else
               # §7.2: the 0.0001 substitute makes EstimWaitTime explode without active agents
               pl.when((pl.col("CN_AA") == 0) & (pl.col("CN_W") > pl.col("CN_AR"))).then(pl.lit("no service"))
               if st.category == "EstimWaitTime" else pl.lit(None, pl.String)),
        partial="partial", valid="valid",
    )
    if "state" in cat.needs and "STATE" in table.columns:
        out = out.with_columns(state=pl.col("state").replace("0", None))
    return conform(out, STATISTICS, keep_extra=True)


def _formula_columns(table: pl.DataFrame) -> list[str]:
    """Measure columns a formula may read even when no row produced them."""
    out = []
    for k in ("M", "R", "W", "AR", "AA"):
        out += [f"{m}_{k}" for m in ("N", "T", "NIR", "TIR", "NIR2", "MAX", "MIN", "ADJT", "ADJN",
                                     "CN", "CT", "CMAX", "CMIN", "CNIR", "LMAX", "LMIN", "LAVG",
                                     "AOCT", "CONTN", "CONTT")]
    return out
