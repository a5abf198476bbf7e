"""Vectorized start/end pairing of durable actions over sorted event rows.

A durable action family marks some rows ``S`` (start), ``E`` (end), ``ES``
(end and restart, e.g. a party change) or ``N`` (look only). The state after
a row is ``running`` for S / ES and ``idle`` for E, unchanged for N; a start
while running and an end while idle change nothing (a second EventHeld does
not restart a hold; an EventReleased for a never-seen call ends nothing,
OBS-3). :func:`pair_runs` computes this with ``forward_fill``/``shift`` and a
``cum_sum`` run id, and joins each start to its end. Rows must be sorted by
one integer group column; the window steps are done *segmented* on the whole
column (:func:`seg_ffill`, :func:`seg_shift`) rather than with ``.over()``,
which is several times faster on millions of rows.
"""

from __future__ import annotations

import polars as pl


def seg_ffill(expr: pl.Expr, group: str) -> pl.Expr:
    """``expr.forward_fill().over(group)`` for rows sorted by ``group``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"g": [1, 1, 2, 2], "v": [5, None, None, 7]})
    >>> df.select(seg_ffill(pl.col("v"), "g")).to_series().to_list()
    [5, 5, None, 7]
    """
    g = pl.col(group)
    last_group = pl.when(expr.is_not_null()).then(g).otherwise(None).forward_fill()
    return pl.when(last_group == g).then(expr.forward_fill()).otherwise(None)


def seg_shift(expr: pl.Expr, group: str) -> pl.Expr:
    """``expr.shift(1).over(group)`` for rows sorted by ``group``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"g": [1, 1, 2], "v": [5, 6, 7]})
    >>> df.select(seg_shift(pl.col("v"), "g")).to_series().to_list()
    [None, 5, None]
    """
    g = pl.col(group)
    return pl.when(g.shift(1) == g).then(expr.shift(1)).otherwise(None)


def running_before(marker: pl.Expr, group: str) -> pl.Expr:
    """Whether the action is running just before each row (rows sorted by ``group``).

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"g": [1, 1, 1, 2], "m": ["S", None, "E", None]})
    >>> df.select(running_before(pl.col("m"), "g")).to_series().to_list()
    [False, True, True, False]
    """
    after = pl.when(marker == "E").then(False).when(marker.is_in(["S", "ES"])).then(True).otherwise(None)
    return seg_shift(seg_ffill(after, group), group).fill_null(False)


def mark_runs(rows: pl.DataFrame, group: str, marker: str = "_m") -> pl.DataFrame:
    """Add ``_before`` (running before the row), ``_start``, ``_end``, ``_inst``.

    ``rows`` must be sorted by ``group`` then time; rows whose marker is null
    are dropped. ``_inst`` is the run id a row belongs to after it (unique over
    the whole frame); an ending row's run is ``_inst - _start``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"g": [1, 1, 1, 1, 1], "_m": ["E", "S", "S", "E", "E"]})
    >>> mark_runs(df, "g").select("_start", "_end").rows()
    [(False, False), (True, False), (False, False), (False, True), (False, False)]
    """
    m = pl.col(marker)
    out = (rows.filter(m.is_not_null())
           .with_columns(_before=running_before(m, group))
           .with_columns(_start=((m == "S") & ~pl.col("_before")) | (m == "ES"),
                         _end=m.is_in(["E", "ES"]) & pl.col("_before")))
    return out.with_columns(_inst=pl.col("_start").cast(pl.UInt32).cum_sum())


def pair_runs(marked: pl.DataFrame, group: str, start_cols: list[str],
              end_cols: list[str]) -> pl.DataFrame:
    """One row per run: ``s_<col>`` of its start row, ``e_<col>`` of its end row.

    Open runs (no end row) have null ``e_`` columns.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"g": [1, 1, 1], "t": [1, 2, 3], "_m": ["S", "E", "S"]})
    >>> pair_runs(mark_runs(df, "g"), "g", ["t"], ["t"]).select("s_t", "e_t").rows()
    [(1, 2), (3, None)]
    """
    keys = [group]
    starts = marked.filter("_start").select(*keys, "_inst", *[pl.col(c).alias(f"s_{c}") for c in start_cols])
    ends = marked.filter("_end").select(*keys, (pl.col("_inst") - pl.col("_start").cast(pl.UInt32)).alias("_inst"),
                                        *[pl.col(c).alias(f"e_{c}") for c in end_cols])
    return starts.join(ends, on=[*keys, "_inst"], how="left", nulls_equal=True)
