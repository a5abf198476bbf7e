"""Measures per (object, interval): the quantities every category formula reads.

The input is an *items* frame: one row per action (or status segment) with
``object_type, object_id, name, kind, s, e, dur, w`` (epoch seconds floored,
TIME-2; ``e`` null while open) and one boolean column ``m_<key>`` per mask.
Intervals come as ``iid, t0, t1, tau`` (see :mod:`statcli.stats.profiles`).

Assignment to intervals is vectorized: with shared contiguous intervals a
point goes to its interval by ``join_asof`` and a span to the range of
intervals it touches by ``search_sorted`` arithmetic; per-object or
overlapping intervals (SinceLogin, Sliding) use ``join_where``.
Contribution rules (reference §5.5): durable actions count once at their end
with their whole duration; retrospective actions at ``ts`` with their carried
duration; momentary ones with none; statuses accrue clipped to ``[t0, τ)``.
"""

from __future__ import annotations

import polars as pl

KEY = ["object_type", "object_id"]
GKEY = [*KEY, "iid"]
BIG = 2**62


def _mask_keys(items: pl.DataFrame) -> list[str]:
    return [c[2:] for c in items.columns if c.startswith("m_")]


def _candidates(items: pl.DataFrame, iv: pl.DataFrame, lo: str, hi: pl.Expr, shared: bool) -> pl.DataFrame:
    """Items × intervals that ``[lo, hi]`` may touch; the caller filters exactly."""
    if items.is_empty() or iv.is_empty():
        return items.head(0).join(iv.head(0), how="cross")
    if shared:
        t0 = iv["t0"]
        lo_i = (t0.search_sorted(items[lo], side="right").cast(pl.Int64) - 1).clip(0)
        hi_i = t0.search_sorted(items.select(hi.alias("_h")).to_series(), side="right").cast(pl.Int64) - 1
        out = items.with_columns(_lo=lo_i, _hi=hi_i).filter(pl.col("_hi") >= pl.col("_lo"))
        out = out.with_columns(iid=pl.int_ranges("_lo", pl.col("_hi") + 1, dtype=pl.UInt32)).explode("iid")
        return out.drop("_lo", "_hi").join(iv, on="iid")
    preds = [pl.col("t1") > pl.col(lo), pl.col("t0") <= hi]
    if "object_type" in iv.columns:
        ivr = iv.rename({"object_type": "_ot", "object_id": "_oi"})
        preds += [pl.col("object_type") == pl.col("_ot"), pl.col("object_id") == pl.col("_oi")]
        return items.join_where(ivr, *preds).drop("_ot", "_oi")
    return items.join_where(iv, *preds)


def _points(items: pl.DataFrame, iv: pl.DataFrame, shared: bool) -> pl.DataFrame:
    """Instantaneous contributions and ended durable actions, placed where they end (``e``)."""
    pts = items.filter(pl.col("e").is_not_null())
    if shared:
        pts = pts.sort("e").join_asof(iv.sort("t0"), left_on="e", right_on="t0", strategy="backward")
        return pts.filter((pl.col("e") < pl.col("t1")) & (pl.col("e") <= pl.col("tau")))
    return _candidates(pts, iv, "e", pl.col("e"), shared).filter(
        (pl.col("e") >= pl.col("t0")) & (pl.col("e") < pl.col("t1")) & (pl.col("e") <= pl.col("tau")))


def _finish(frame: pl.DataFrame, aggs: list[pl.Expr]) -> pl.DataFrame:
    return frame.group_by(GKEY).agg(aggs)


def point_measures(items: pl.DataFrame, iv: pl.DataFrame, shared: bool, ranges: dict) -> pl.DataFrame:
    """``N, T, NIR, TIR, NIR2, MAX, MIN`` per mask for action items (historical categories).

    ``ranges`` holds ``(lo, hi)`` under ``range`` and ``range2``. Momentary
    actions count in N but never in times, extremes or ranges.
    """
    pts = _points(items, iv, shared)
    timed = pl.col("kind") != "momentary"
    lo, hi = ranges["range"]
    lo2, hi2 = ranges["range2"] if ranges.get("range2") else (0, 0)
    in_r = timed & (pl.col("dur") >= lo) & (pl.col("dur") < hi)
    in_r2 = timed & (pl.col("dur") >= lo2) & (pl.col("dur") < hi2)
    aggs = []
    for k in _mask_keys(items):
        m = pl.col(f"m_{k}")
        aggs += [
            pl.col("w").filter(m).sum().alias(f"N_{k}"),
            pl.col("dur").filter(m & timed).sum().alias(f"T_{k}"),
            pl.col("w").filter(m & in_r).sum().alias(f"NIR_{k}"),
            pl.col("dur").filter(m & in_r).sum().alias(f"TIR_{k}"),
            pl.col("w").filter(m & in_r2).sum().alias(f"NIR2_{k}"),
            pl.col("dur").filter(m & timed).max().alias(f"MAX_{k}"),
            pl.col("dur").filter(m & timed).min().alias(f"MIN_{k}"),
        ]
    return _finish(pts, aggs)


def _overlaps(items: pl.DataFrame, iv: pl.DataFrame, shared: bool) -> pl.DataFrame:
    """Durable spans × intervals with the clipped overlap ``ov`` of ``[s, e or τ)`` and ``[t0, τ)``."""
    spans = items.filter(pl.col("kind").is_in(["durable", "status"]))
    cand = _candidates(spans, iv, "s", pl.col("e").fill_null(BIG) - 1, shared)
    end = pl.min_horizontal(pl.col("e").fill_null(BIG), pl.col("tau"))
    return cand.with_columns(ov=(end - pl.max_horizontal("s", "t0")).clip(0))


def adjusted_measures(items: pl.DataFrame, iv: pl.DataFrame, shared: bool) -> pl.DataFrame:
    """``ADJT`` (durable time clipped to ``[t0, τ)``) and ``ADJN`` (durable started in I + instantaneous in I)."""
    ov = _overlaps(items, iv, shared)
    started = ov.filter((pl.col("s") >= pl.col("t0")) & (pl.col("s") < pl.col("t1"))
                        & (pl.col("s") < pl.col("tau")))
    inst = _points(items.filter(pl.col("kind").is_in(["momentary", "retrospective"])), iv, shared)
    keys = _mask_keys(items)
    a = _finish(ov, [pl.col("ov").filter(pl.col(f"m_{k}")).sum().alias(f"ADJT_{k}") for k in keys])
    b = _finish(pl.concat([started.select(*GKEY, "w", *[f"m_{k}" for k in keys]),
                           inst.select(*GKEY, "w", *[f"m_{k}" for k in keys])]),
                [pl.col("w").filter(pl.col(f"m_{k}")).sum().alias(f"ADJN_{k}") for k in keys])
    return a.join(b, on=GKEY, how="full", coalesce=True)


def status_measures(items: pl.DataFrame, iv: pl.DataFrame, shared: bool, ranges: dict) -> pl.DataFrame:
    """Historical measures for status segments (reference §5.4, status column).

    ``N`` = segments starting in I; ``T`` = time clipped to ``[t0, τ)`` (in-progress
    part included); ``MAX`` / ``MIN`` / ``NIR`` / ``TIR`` over segments ended in I,
    ``MAX`` also over the in-progress segment's elapsed length; ``ADJT`` = ``T``, ``ADJN`` = ``N``.
    """
    ov = _overlaps(items, iv, shared)
    lo, hi = ranges["range"]
    lo2, hi2 = ranges["range2"] if ranges.get("range2") else (0, 0)
    ended = pl.col("e").is_not_null() & (pl.col("e") > pl.col("t0")) & (pl.col("e") <= pl.col("tau")) & \
        (pl.col("e") < pl.col("t1"))
    going = (pl.col("s") < pl.col("tau")) & (pl.col("e").is_null() | (pl.col("e") >= pl.col("t1")))
    started = (pl.col("s") >= pl.col("t0")) & (pl.col("s") < pl.col("t1")) & (pl.col("s") < pl.col("tau"))
    length = pl.col("dur")
    elapsed = pl.col("tau") - pl.col("s")
    in_r = ended & (length >= lo) & (length < hi)
    in_r2 = ended & (length >= lo2) & (length < hi2)
    aggs = []
    for k in _mask_keys(items):
        m = pl.col(f"m_{k}")
        aggs += [
            pl.col("w").filter(m & started).sum().alias(f"N_{k}"),
            pl.col("ov").filter(m).sum().alias(f"T_{k}"),
            pl.col("w").filter(m & in_r).sum().alias(f"NIR_{k}"),
            length.filter(m & in_r).sum().alias(f"TIR_{k}"),
            pl.col("w").filter(m & in_r2).sum().alias(f"NIR2_{k}"),
            pl.max_horizontal(length.filter(m & ended).max(), elapsed.filter(m & going).max()).alias(f"MAX_{k}"),
            length.filter(m & ended).min().alias(f"MIN_{k}"),
            pl.col("w").filter(m & started).sum().alias(f"ADJN_{k}"),
            pl.col("ov").filter(m).sum().alias(f"ADJT_{k}"),
        ]
    return _finish(ov, aggs)


def current_frame(items: pl.DataFrame, iv: pl.DataFrame, shared: bool) -> pl.DataFrame:
    """Durable spans going on at τ (``s < τ <= e``, open included), with ``age = τ − s``."""
    spans = items.filter(pl.col("kind").is_in(["durable", "status"]))
    cand = _candidates(spans, iv, "s", pl.col("e").fill_null(BIG), shared)
    return cand.filter((pl.col("s") < pl.col("tau")) &
                       (pl.col("e").is_null() | (pl.col("e") >= pl.col("tau")))
                       ).with_columns(age=pl.col("tau") - pl.col("s"))


def current_measures(items: pl.DataFrame, iv: pl.DataFrame, shared: bool, ranges: dict) -> pl.DataFrame:
    """``CN, CT, CMAX, CMIN, CNIR`` per mask at τ (instantaneous actions never count)."""
    cur = current_frame(items, iv, shared)
    lo, hi = ranges["range"]
    in_r = (pl.col("age") >= lo) & (pl.col("age") < hi)
    aggs = []
    for k in _mask_keys(items):
        m = pl.col(f"m_{k}")
        aggs += [
            m.sum().alias(f"CN_{k}"),
            pl.col("age").filter(m).sum().alias(f"CT_{k}"),
            pl.col("age").filter(m).max().alias(f"CMAX_{k}"),
            pl.col("age").filter(m).min().alias(f"CMIN_{k}"),
            (m & in_r).sum().alias(f"CNIR_{k}"),
        ]
    return _finish(cur, aggs)


def state_measures(items: pl.DataFrame, iv: pl.DataFrame, shared: bool) -> pl.DataFrame:
    """``STATE``: the names of the mask's durable actions (or the status) going on at τ, joined by ``+``."""
    cur = current_frame(items.filter(pl.col("m_M")), iv, shared)
    return cur.group_by(GKEY).agg(STATE=pl.col("name").unique().sort().str.join("+"))


def step_measures(items: pl.DataFrame, iv: pl.DataFrame, shared: bool) -> pl.DataFrame:
    """``LMAX, LMIN, LAVG`` of ``Cur(M, t)`` over ``[t0, τ)``; the value at t0 counts.

    The step function is built from +1 at each start and −1 at each end
    (cumulative sum per object), with a level-0 piece before the first change.
    """
    spans = items.filter(pl.col("kind").is_in(["durable", "status"]) & pl.col("m_M"))
    if spans.is_empty():
        return pl.DataFrame(schema={**{c: items.schema[c] for c in KEY}, "iid": pl.UInt32,
                                    "LMAX_M": pl.Int64, "LMIN_M": pl.Int64, "LAVG_M": pl.Float64})
    deltas = pl.concat([
        spans.select(*KEY, t=pl.col("s"), d=pl.lit(1, pl.Int64)),
        spans.filter(pl.col("e").is_not_null()).select(*KEY, t=pl.col("e"), d=pl.lit(-1, pl.Int64)),
        spans.select(*KEY).unique().with_columns(t=pl.lit(-BIG, pl.Int64), d=pl.lit(0, pl.Int64)),
    ])
    pieces = (deltas.group_by(*KEY, "t").agg(pl.col("d").sum()).sort(*KEY, "t")
              .with_columns(level=pl.col("d").cum_sum().over(KEY),
                            e=pl.col("t").shift(-1).over(KEY))
              .select(*KEY, s="t", e="e", level="level", kind=pl.lit("durable")))
    ov = _candidates(pieces, iv, "s", pl.col("e").fill_null(BIG) - 1, shared)
    end = pl.min_horizontal(pl.col("e").fill_null(BIG), pl.col("tau"))
    ov = ov.with_columns(ov=end - pl.max_horizontal("s", "t0")).filter(pl.col("ov") > 0)
    return ov.group_by(GKEY).agg(
        LMAX_M=pl.col("level").max(), LMIN_M=pl.col("level").min(),
        LAVG_M=(pl.col("level") * pl.col("ov")).sum() / (pl.col("tau").first() - pl.col("t0").first()),
    )


def current_time_integral(items: pl.DataFrame, iv: pl.DataFrame, shared: bool) -> pl.DataFrame:
    """``AOCT_M``: ∫ CurrentTime(M, t) dt over ``[t0, τ)``; each span adds ∫ (t − s) dt over its overlap."""
    ov = _overlaps(items.filter(pl.col("m_M")), iv, shared)
    a = pl.max_horizontal("s", "t0") - pl.col("s")
    b = pl.min_horizontal(pl.col("e").fill_null(BIG), pl.col("tau")) - pl.col("s")
    ov = ov.filter(pl.col("ov") > 0).with_columns(area=(b.cast(pl.Float64) ** 2 - a.cast(pl.Float64) ** 2) / 2)
    return ov.group_by(GKEY).agg(AOCT_M=pl.col("area").sum())


def continuous_runs(items: pl.DataFrame) -> pl.DataFrame:
    """Status segments of M merged into runs: a run starts when the status enters M from outside M.

    Moves between statuses of M do not start a run (TotalContinuousNumber,
    CurrentContinuousTime); a gap between segments does.
    """
    segs = items.filter(pl.col("kind") == "status").sort(*KEY, "s")
    prev_in = pl.col("m_M").shift(1).over(KEY).fill_null(False)
    prev_e = pl.col("e").shift(1).over(KEY)
    entered = pl.col("m_M") & ~(prev_in & (prev_e == pl.col("s")).fill_null(False))
    segs = segs.with_columns(_run=entered.cast(pl.Int64).cum_sum().over(KEY))
    return (segs.filter(pl.col("m_M")).group_by(*KEY, "_run")
            .agg(s=pl.col("s").min(), e=pl.col("e").sort_by("s").last())
            .with_columns(kind=pl.lit("status"), m_M=pl.lit(True), w=pl.lit(1, pl.Int64),
                          dur=pl.col("e") - pl.col("s"), name=pl.lit("run"))
            .drop("_run"))


def continuous_measures(items: pl.DataFrame, iv: pl.DataFrame, shared: bool) -> pl.DataFrame:
    """``CONTN_M`` runs entered in I (TotalContinuousNumber) and ``CONTT_M`` the current run's age at τ."""
    runs = continuous_runs(items)
    if runs.is_empty():
        return pl.DataFrame(schema={**{c: items.schema[c] for c in KEY}, "iid": pl.UInt32,
                                    "CONTN_M": pl.Int64, "CONTT_M": pl.Int64})
    ov = _overlaps(runs, iv, shared)
    started = (pl.col("s") >= pl.col("t0")) & (pl.col("s") < pl.col("t1")) & (pl.col("s") < pl.col("tau"))
    n = ov.group_by(GKEY).agg(CONTN_M=started.sum())
    cur = current_frame(runs, iv, shared).group_by(GKEY).agg(CONTT_M=pl.col("age").max())
    return n.join(cur, on=GKEY, how="full", coalesce=True)
