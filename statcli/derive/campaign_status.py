"""Campaign-group statuses, dial modes, waiting states and the campaign aggregate (CMP-1..7, CMP-12).

All durable campaign actions come from one timeline per CampaignGroup
(``Campaign@Group``): the status kinds of ``campaign_events`` set the group's
status (``campaign_kinds.csv`` role ``status``), dial-mode evidence sets the
mode in force, waiting / system-error start and over evidence set four flags.
Forward-filled over the timeline, each *track* (status, dial mode, each
waiting flag) is cut into maximal runs of equal value — one durable action
per run, open (``end`` null) when it runs to the end of the data.

- CMP-1: loaded → Activated, started → Running, stopped → Activated,
  unloaded / force unloaded → Deactivated. Repeated reports of the status in
  force (life-cycle line, CM event, one notification per agent) extend the run
  instead of starting a new one (CMP-0).
- CMP-2: nothing before a group's first evidence.
- CMP-5: the Campaign is Running while any of its groups is Running, else
  Activated while any is Activated, else Deactivated (groups seen in the data,
  CMP-5a).
- CMP-6: a waiting / system-error action runs only inside Running; a status
  change clears it.
- CMP-7: the dial-mode action runs while Running with the mode in force; a
  mode change while not Running only updates the mode in force.
- Dial modes and waiting actions are copied to the Campaign (one copy per
  group, so CurrentNumber on a Campaign counts its groups).
- CMP-12: when a Campaign becomes Deactivated, RecordsNotProcessed on the
  Campaign and on each of its calling lists, weighted by the list's last ready
  count (``records_ready``); 0 when no count was logged.
"""

from __future__ import annotations

import polars as pl

from statcli.catalog.outbound import campaign_kinds

RUNNING, ACTIVATED, DEACTIVATED = "StatusRunning", "StatusActivated", "StatusDeactivated"


def runs(df: pl.DataFrame, key: str | list[str], label: str) -> pl.DataFrame:
    """Maximal runs of equal ``label`` per ``key`` over time-ordered rows.

    Returns the first row of each run with a non-null label, plus ``end`` =
    the time of the next run's first row (null for the last run).

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"k": ["g"] * 4, "ts": [1, 2, 3, 4], "lab": ["A", "A", None, "B"]})
    >>> runs(df, "k", "lab").select("lab", "ts", "end").rows()
    [('A', 1, 3), ('B', 4, None)]
    """
    keys = [key] if isinstance(key, str) else list(key)
    changed = pl.col(label).ne_missing(pl.col(label).shift(1).over(keys))
    starts = df.filter(changed)
    return starts.with_columns(end=pl.col("ts").shift(-1).over(keys)).filter(pl.col(label).is_not_null())


def group_timeline(ce: pl.DataFrame) -> pl.DataFrame:
    """One row per status / mode / waiting evidence of a CampaignGroup, with the tracks filled.

    Columns: ``gk`` (``Campaign@Group``), ``campaign``, ``ts``, ``source``,
    ``line``, ``status`` (in force), ``mode`` (dial-mode action shown, null when
    not Running) and one column per waiting action (its name while on and
    Running, else null).
    """
    kinds = campaign_kinds()
    status_of = kinds.filter(pl.col("role") == "status")
    wait = kinds.filter(pl.col("role").is_in(["waiting_start", "waiting_over"]))
    waits = wait["action"].unique(maintain_order=True).to_list()
    relevant = pl.col("kind").is_in(kinds.filter(pl.col("role") != "momentary")["kind"].implode()) | (
        pl.col("kind") == "dial_mode_changed")
    named = pl.col("campaign").is_not_null() & pl.col("group").is_not_null()
    t = ce.filter(relevant & named).with_columns(gk=pl.concat_str("campaign", pl.lit("@"), "group"))
    t = _drop_inherited_duplicates(t)
    t = pl.concat([t, _unconfirmed_requests(ce.filter(named), t)], how="diagonal_relaxed").sort("ts", "_ord")
    t = t.with_columns(
        _status=pl.col("kind").replace_strict(status_of["kind"], status_of["action"], default=None),
        _mode=pl.when(pl.col("kind").is_in(["dial_mode_changed", "group_started"])).then(pl.col("dial_mode")),
    ).with_columns(
        status=pl.col("_status").forward_fill().over("gk"),
        mode_in_force=pl.col("_mode").forward_fill().over("gk"),
    )
    prev = pl.col("status").shift(1).over("gk")
    t = t.with_columns(_changed=pl.col("status").ne_missing(prev) & pl.col("_status").is_not_null())
    running = pl.col("status") == RUNNING
    for action in waits:
        starts = wait.filter((pl.col("action") == action) & (pl.col("role") == "waiting_start"))["kind"]
        overs = wait.filter((pl.col("action") == action) & (pl.col("role") == "waiting_over"))["kind"]
        flag = (pl.when(pl.col("_changed")).then(False)
                .when(pl.col("kind").is_in(starts.implode()) & running).then(True)
                .when(pl.col("kind").is_in(overs.implode())).then(False))
        t = t.with_columns(flag.forward_fill().over("gk").fill_null(False).alias(f"_{action}"))
        t = t.with_columns(pl.when(pl.col(f"_{action}") & running).then(pl.lit(action)).alias(action))
    t = t.with_columns(mode=pl.when(running).then(pl.col("mode_in_force")))
    return t.select("gk", "campaign", "group", "ts", "source", "line", "status", "mode", *waits)


def _drop_inherited_duplicates(t: pl.DataFrame) -> pl.DataFrame:
    """CMP-0 with unstamped notifications: keep the stamped report of a transition.

    An OCS notification dump (``request to … RequestDistributeUserEvent``) has
    no stamp and no epoch; its time is inherited from whatever line came
    before it (§3.4). When a stamped report of the same transition of the same
    group (life-cycle line, CM event, stat event) lies within 2 s, the
    notification is that transition, and its borrowed time must not win.
    """
    weak = (pl.col("evidence").fill_null("").str.starts_with("user_event:") & pl.col("source_ts").is_null())
    strong = t.filter(~weak).select("gk", "kind", _sts="ts").sort("_sts")
    if strong.is_empty():
        return t
    w = t.filter(weak).sort("ts").join_asof(strong, left_on="ts", right_on="_sts", by=["gk", "kind"],
                                            strategy="nearest", tolerance="2s", check_sortedness=False)
    kept = w.filter(pl.col("_sts").is_null()).drop("_sts")
    return pl.concat([t.filter(~weak), kept], how="diagonal_relaxed").sort("ts", "_ord")


def _unconfirmed_requests(ce: pl.DataFrame, t: pl.DataFrame) -> pl.DataFrame:
    """Dial-mode commands (``dial_mode_requested``) that no result confirms within 2 s.

    A CM command is an intention; the CM event or the desktop notification is
    the result and carries the time of the change (log-formats §9.4). Without
    a result the command is the only evidence and counts as the change.
    """
    req = ce.filter((pl.col("kind") == "dial_mode_requested") & pl.col("dial_mode").is_not_null()).with_columns(
        gk=pl.concat_str("campaign", pl.lit("@"), "group"))
    if req.is_empty():
        return req
    conf = (t.filter(pl.col("kind").is_in(["dial_mode_changed", "group_started"]) & pl.col("dial_mode").is_not_null())
            .select("gk", "dial_mode", _cts="ts").sort("_cts"))
    req = req.sort("ts").join_asof(conf, left_on="ts", right_on="_cts", by=["gk", "dial_mode"],
                                   strategy="forward", tolerance="2s", check_sortedness=False)
    return req.filter(pl.col("_cts").is_null()).drop("_cts").with_columns(kind=pl.lit("dial_mode_changed"))


def _rows(segs: pl.DataFrame, label: str, object_type: str, object_id: str) -> pl.DataFrame:
    return segs.select(
        object_type=pl.lit(object_type), object_id=pl.col(object_id), action=pl.col(label),
        start=pl.col("ts"), end=pl.col("end"), source="source", line="line")


def derive_campaign_statuses(ce: pl.DataFrame) -> list[pl.DataFrame]:
    """Durable rows (without ``scope``) for groups and campaigns: statuses, dial modes, waiting.

    Parameters
    ----------
    ce : polars.DataFrame
        ``campaign_events`` in time order.

    Returns
    -------
    list of polars.DataFrame
        Raw action rows, plus a last frame of the Campaign status runs
        (``campaign``, ``status``, ``ts``, ``end``) for CMP-12.
    """
    t = group_timeline(ce)
    if t.is_empty():
        return []
    waits = [c for c in t.columns if c.startswith("Status")]
    out = []
    status_runs = runs(t, "gk", "status")
    out.append(_rows(status_runs, "status", "CampaignGroup", "gk"))
    for label in ["mode", *waits]:
        segs = runs(t, "gk", label)
        out.append(_rows(segs, label, "CampaignGroup", "gk"))
        out.append(_rows(segs, label, "Campaign", "campaign"))
    camp = campaign_aggregate(status_runs)
    out.append(_rows(camp, "cstatus", "Campaign", "campaign"))
    return out + [camp]


def campaign_aggregate(status_runs: pl.DataFrame) -> pl.DataFrame:
    """CMP-5: the Campaign's status runs from its groups' status runs.

    Each group status run start moves one group from its old status to the new
    one; counting groups per status over time gives the campaign value.

    Examples
    --------
    >>> import polars as pl
    >>> g = pl.DataFrame({"gk": ["C@A", "C@B", "C@A", "C@A", "C@B"], "campaign": "C", "ts": [1, 2, 3, 4, 5],
    ...     "status": ["StatusActivated", "StatusActivated", "StatusRunning", "StatusDeactivated",
    ...                "StatusDeactivated"], "source": "o", "line": [1, 2, 3, 4, 5]})
    >>> campaign_aggregate(g).select("cstatus", "ts", "end").rows()
    [('StatusActivated', 1, 3), ('StatusRunning', 3, 4), ('StatusActivated', 4, 5), ('StatusDeactivated', 5, None)]
    """
    s = status_runs.sort("ts", maintain_order=True).with_columns(
        _old=pl.col("status").shift(1).over("gk"))
    counts = {}
    for st in (RUNNING, ACTIVATED, DEACTIVATED):
        delta = (pl.col("status") == st).cast(pl.Int32) - (pl.col("_old") == st).fill_null(False).cast(pl.Int32)
        counts[st] = delta.cum_sum().over("campaign")
    s = s.with_columns(**{f"_n{i}": e for i, e in enumerate(counts.values())})
    cstatus = (pl.when(pl.col("_n0") > 0).then(pl.lit(RUNNING))
               .when(pl.col("_n1") > 0).then(pl.lit(ACTIVATED))
               .when(pl.col("_n2") > 0).then(pl.lit(DEACTIVATED)))
    # Several groups changing at the same instant: the campaign takes the value after the last.
    s = s.with_columns(cstatus=cstatus).unique(["campaign", "ts"], keep="last", maintain_order=True)
    return runs(s, "campaign", "cstatus")


def records_not_processed(camp_runs: pl.DataFrame, ce: pl.DataFrame) -> pl.DataFrame:
    """CMP-12: RecordsNotProcessed on the Campaign and its lists when the Campaign becomes Deactivated."""
    done = camp_runs.filter(pl.col("cstatus") == DEACTIVATED).select("campaign", "ts", "source", "line")
    if done.is_empty():
        return pl.DataFrame()
    lists = ce.drop_nulls(["campaign", "calling_list"]).select("campaign", "calling_list").unique()
    ready = (ce.filter(pl.col("kind") == "records_ready").drop_nulls(["calling_list", "count"])
             .select("calling_list", rts="ts", count="count").sort("rts"))
    per_list = done.join(lists, on="campaign").sort("ts")
    per_list = per_list.join_asof(ready, left_on="ts", right_on="rts", by="calling_list", strategy="backward", check_sortedness=False)
    per_list = per_list.with_columns(weight=pl.col("count").fill_null(0))
    base = dict(action=pl.lit("RecordsNotProcessed"), start="ts", source="source", line="line")
    list_rows = per_list.select(object_type=pl.lit("CallingList"), object_id="calling_list", weight="weight", **base)
    camp_weight = per_list.group_by("campaign", "ts").agg(weight=pl.col("weight").sum())
    camp = done.join(camp_weight, on=["campaign", "ts"], how="left").with_columns(pl.col("weight").fill_null(0))
    camp_rows = camp.select(object_type=pl.lit("Campaign"), object_id="campaign", weight="weight", **base)
    return pl.concat([camp_rows, list_rows], how="vertical_relaxed")
