"""Shared pieces of the mediation-DN family: vocabulary, DN tables, row shape.

The mediation family (``mediation.py``, ``reflections.py``, ``qlink.py``,
``pseudo.py``, ``origdn.py``) works on a few small tables built here once:
the mediation DNs with their Stat Server object type and scope, the event
order, and the monitoring-loss instants (REG-10) used to cut durable actions.
"""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl

from statcli.derive.base import DeriveContext
from statcli.derive.monitoring import monitoring_losses as _monitoring_losses
from statcli.derive.monitoring import monitoring_runs
from statcli.derive.dn_types import MEDIATION_TYPES, OBJECT_TYPES, SCOPES
from statcli.schema import ACTIONS, KV_LIST, UTC_US

# --- vocabulary as data ------------------------------------------------------------------
#: Durable call-type actions of a regular DN (CALL-3).
CALL_TYPE_ACTIONS = ("CallInbound", "CallOutbound", "CallInternal", "CallConsult", "CallUnknown")
#: Their momentary start actions (emitted at establishment, not after a party change).
CALL_TYPE_STARTED = tuple(f"{a}Started" for a in CALL_TYPE_ACTIONS)
#: Durable regular-DN actions that make a DN busy with a call (its status is then
#: not WaitForNextCall, section 3.3) - used by the pseudo-actions (MED-19b/c).
BUSY_ACTIONS = ("CallDialing", "CallRinging", *CALL_TYPE_ACTIONS, "CallOnHold", "CallObserved")
#: end_reason values that end an action without retrospective actions or
#: mediation reflections (REG-10, STUCK-1, CALL-9).
NO_REFLECTION_REASONS = ("monitoring_lost", "stuck_cleaned", "party_changed")

#: Stand-in for "open" when comparing interval ends.
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=timezone.utc)

#: Columns of the raw rows this family returns (finalize_actions fills the rest).
OUT_COLUMNS: dict[str, pl.DataType] = {
    "object_type": pl.String, "object_id": pl.String, "action": pl.String, "scope": pl.String,
    "start": UTC_US, "end": UTC_US, "dn": pl.String, "dn_type": pl.String,
    "conn_id": pl.String, "call_type": pl.Int8, "agent_id": pl.String,
    "released_by": pl.String, "released_by_dn": pl.String, "user_data": KV_LIST,
    "source": pl.String, "line": pl.Int64, "end_reason": pl.String,
    "start_known": pl.Boolean, "this_queue": pl.String,
}
assert all(ACTIONS.columns[c] == t for c, t in OUT_COLUMNS.items() if c != "scope")


def shape(df: pl.DataFrame, **exprs: pl.Expr | str) -> pl.DataFrame:
    """Select the raw action columns from ``df``.

    Each keyword names an output column and gives an expression (or a column
    name) for it; other output columns are taken from ``df`` when present and
    are null otherwise.

    Examples
    --------
    >>> df = pl.DataFrame({"x": ["7000"]})
    >>> shape(df, dn="x", action=pl.lit("CallWait")).select("dn", "action").row(0)
    ('7000', 'CallWait')
    """
    cols = []
    for name, dtype in OUT_COLUMNS.items():
        if name in exprs:
            e = exprs[name]
            e = pl.col(e) if isinstance(e, str) else e
        elif name in df.columns:
            e = pl.col(name)
        else:
            e = pl.lit(None, dtype=dtype)
        cols.append(e.cast(dtype, strict=False).alias(name))
    return df.select(cols)


def empty_rows() -> pl.DataFrame:
    """An empty frame with the raw action columns."""
    return pl.DataFrame(schema=OUT_COLUMNS)


def mediation_table(ctx: DeriveContext) -> pl.DataFrame:
    """The mediation DNs: ``med_dn``, ``med_type``, ``med_object_type``, ``med_scope``.

    Examples
    --------
    >>> ctx = DeriveContext(dn_types={"7000": "ACDQueue", "7001": "Extension"})
    >>> mediation_table(ctx).rows()
    [('7000', 'ACDQueue', 'Queue', 'mediation_dn')]
    """
    rows = [(dn, t, OBJECT_TYPES[t], SCOPES[t]) for dn, t in sorted(ctx.dn_types.items())
            if t in MEDIATION_TYPES]
    return pl.DataFrame(rows, schema={"med_dn": pl.String, "med_type": pl.String,
                                      "med_object_type": pl.String, "med_scope": pl.String},
                        orient="row")


def monitoring_losses(ev: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """Every loss of monitoring per DN (REG-10): ``dn``, ``lost_at``, sorted by time.

    Taken from ``ctx.monitoring_losses`` when :func:`statcli.derive.build_context`
    computed it, else from the events.
    """
    given = ctx.monitoring_losses
    if given is None:
        given = _monitoring_losses(ev, ctx)
    return given.select(pl.col("dn").cast(pl.String), pl.col("lost_at").cast(UTC_US)).sort("lost_at")


def cut_at_monitoring_loss(iv: pl.DataFrame, losses: pl.DataFrame, dn_cols: list[str]) -> pl.DataFrame:
    """End intervals at the first loss of monitoring after their start (REG-10).

    ``iv`` has ``start``, ``end`` (null = open) and ``end_reason``; each column
    in ``dn_cols`` names a DN whose loss of monitoring cuts the interval. A cut
    interval gets ``end`` = the loss time, ``end_reason = "monitoring_lost"``
    and ``lost = True`` (so no retrospective action is emitted for it).
    """
    if not losses.height or not iv.height:
        return iv.with_columns(lost=pl.lit(False))
    iv = iv.with_row_index("_iv").sort("start")
    cand = [iv.join_asof(losses, left_on="start", right_on="lost_at", by_left=col, by_right="dn",
                         strategy="forward", check_sortedness=False, suffix="_loss").select("_iv", "lost_at")
            for col in dn_cols]
    first = pl.concat(cand).group_by("_iv").agg(pl.col("lost_at").min())
    cut = pl.col("lost_at").is_not_null() & (pl.col("end").is_null() | (pl.col("lost_at") < pl.col("end")))
    return (iv.join(first, on="_iv", how="left")
            .with_columns(lost=cut)
            .with_columns(
                end=pl.when(cut).then(pl.col("lost_at")).otherwise(pl.col("end")),
                end_reason=pl.when(cut).then(pl.lit("monitoring_lost")).otherwise(pl.col("end_reason")))
            .sort("_iv").drop("_iv", "lost_at"))


def merge_intervals(iv: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Union overlapping ``[start, end)`` intervals per ``keys`` (null end = open).

    Other columns are taken from the first interval of each merged group; the
    merged ``end`` and ``end_reason`` come from the interval ending last.

    Examples
    --------
    >>> t = [datetime(2026, 1, 1, 10, m, tzinfo=timezone.utc) for m in range(4)]
    >>> iv = pl.DataFrame({"k": ["q"] * 3, "start": [t[0], t[1], t[3]], "end": [t[2], None, None],
    ...                    "end_reason": ["x", None, None]})
    >>> merge_intervals(iv, ["k"]).select("start", "end").rows() == [(t[0], None)]
    True
    """
    if not iv.height:
        return iv
    far = pl.lit(FAR_FUTURE, dtype=UTC_US)
    iv = iv.sort([*keys, "start"]).with_columns(_e=pl.col("end").fill_null(far))
    iv = iv.with_columns(_reach=pl.col("_e").cum_max().over(keys))
    iv = iv.with_columns(
        _grp=(pl.col("start") > pl.col("_reach").shift(1)).fill_null(True).cum_sum().over(keys))
    others = [c for c in iv.columns if c not in (*keys, "start", "end", "end_reason", "_e", "_reach", "_grp")]
    out = iv.group_by([*keys, "_grp"], maintain_order=True).agg(
        pl.col("start").first(),
        pl.col("end").sort_by("_e").last(),
        pl.col("end_reason").sort_by("_e").last(),
        *[pl.col(c).first() for c in others],
    )
    return out.drop("_grp")


def unmonitored_periods(ev: pl.DataFrame, ctx: DeriveContext, losses: pl.DataFrame) -> pl.DataFrame:
    """Per DN, the periods without monitoring (REG-10): ``dn``, ``g_start``, ``g_end`` (null = never restored).

    ``losses`` (from :func:`monitoring_losses`) short-cuts the common case of no loss at all.
    """
    if not losses.height:
        return pl.DataFrame(schema={"dn": pl.String, "g_start": UTC_US, "g_end": UTC_US})
    return (monitoring_runs(ev, ctx).filter(pl.col("action") == "NotMonitored")
            .select(pl.col("dn").cast(pl.String), pl.col("start").cast(UTC_US).alias("g_start"),
                    pl.col("end").cast(UTC_US).alias("g_end")))


def split_at_unmonitored(iv: pl.DataFrame, gaps: pl.DataFrame, dn_cols: list[str]) -> pl.DataFrame:
    """Remove the unmonitored periods of the DNs in ``dn_cols`` from ``[start, end)`` intervals (REG-10).

    A piece that stops at a loss of monitoring ends with ``end_reason =
    "monitoring_lost"``; a piece that resumes at the restore has
    ``start_known = False``. Intervals without a gap are returned unchanged.

    Examples
    --------
    >>> t = [datetime(2026, 1, 1, 10, m, tzinfo=timezone.utc) for m in range(4)]
    >>> iv = pl.DataFrame({"dn": ["7001"], "start": [t[0]], "end": [t[3]], "end_reason": ["logged_out"],
    ...                    "start_known": [True]})
    >>> gaps = pl.DataFrame({"dn": ["7001"], "g_start": [t[1]], "g_end": [t[2]]})
    >>> [(r[0].minute, r[1].minute, r[2]) for r in
    ...  split_at_unmonitored(iv, gaps, ["dn"]).select("start", "end", "end_reason").rows()]
    [(0, 1, 'monitoring_lost'), (2, 3, 'logged_out')]
    """
    if not gaps.height or not iv.height:
        return iv
    far = pl.lit(FAR_FUTURE, dtype=UTC_US)
    iv = iv.with_row_index("_iv")
    spans = pl.concat([iv.select("_iv", pl.col(c).alias("dn"), "start", "end") for c in dn_cols])
    g = (spans.join(gaps, on="dn", how="inner")
         .with_columns(_e=pl.col("end").fill_null(far), g_end=pl.col("g_end").fill_null(far))
         .filter((pl.col("g_start") < pl.col("_e")) & (pl.col("g_end") > pl.col("start")))
         .select("_iv", pl.max_horizontal("g_start", "start").alias("g_start"),
                 pl.min_horizontal("g_end", "_e").alias("g_end"))
         .sort("_iv", "g_start")
         .with_columns(_reach=pl.col("g_end").cum_max().over("_iv")))
    g = (g.with_columns(_grp=(pl.col("g_start") > pl.col("_reach").shift(1).over("_iv")).fill_null(True)
                        .cum_sum().over("_iv"))
         .group_by("_iv", "_grp").agg(pl.col("g_start").min(), pl.col("g_end").max())
         .sort("_iv", "g_start")
         .with_columns(_prev_end=pl.col("g_end").shift(1).over("_iv"),
                       _last=pl.int_range(pl.len()).over("_iv") == pl.len().over("_iv") - 1))
    base = iv.drop("start", "end", "end_reason", "start_known")
    info = iv.select("_iv", "start", "end", "end_reason", pl.col("start_known").fill_null(True))
    g = g.join(info, on="_iv", how="left")
    before = g.select("_iv", pl.coalesce("_prev_end", "start").alias("start"), pl.col("g_start").alias("end"),
                      pl.lit("monitoring_lost").alias("end_reason"),
                      pl.when(pl.col("_prev_end").is_null()).then("start_known").otherwise(pl.lit(False))
                      .alias("start_known"))
    after = g.filter(pl.col("_last") & (pl.col("g_end") < pl.col("end").fill_null(far))).select(
        "_iv", pl.col("g_end").alias("start"), "end", "end_reason", pl.lit(False).alias("start_known"))
    untouched = info.join(g.select("_iv").unique(), on="_iv", how="anti")
    pieces = (pl.concat([untouched, before, after], how="vertical_relaxed")
              .filter(pl.col("end").is_null() | (pl.col("end") > pl.col("start"))))
    return (base.join(pieces, on="_iv", how="inner").sort("_iv", "start")
            .select(iv.columns).drop("_iv"))
