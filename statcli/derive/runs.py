"""Vectorized start/end pairing of durable actions over sorted event rows.

A durable action family marks some rows ``S`` (start), ``E`` (end), ``ES``
(end and restart, e.g. a party change) or ``N`` (look only). The state after
a row is ``running`` for S / ES and ``idle`` for E, unchanged for N; a start
while running and an end while idle change nothing (a second EventHeld does
not restart a hold; an EventReleased for a never-seen call ends nothing,
OBS-3). :func:`pair_runs` computes this with ``forward_fill``/``shift`` and a
``cum_sum`` run id over the group, and joins each start to its end.
"""

from __future__ import annotations

import polars as pl


def mark_runs(rows: pl.DataFrame, keys: list[str], marker: str = "_m") -> pl.DataFrame:
    """Add ``_before`` (running before the row), ``_start``, ``_end``, ``_inst``.

    ``rows`` must be sorted by ``keys`` then time; rows whose marker is null
    are dropped. ``_inst`` is the run id a row belongs to after it; an ending
    row's run is ``_inst - _start``.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"g": [1, 1, 1, 1, 1], "_m": ["E", "S", "S", "E", "E"]})
    >>> mark_runs(df, ["g"]).select("_start", "_end").rows()
    [(False, False), (True, False), (False, False), (False, True), (False, False)]
    """
    m = pl.col(marker)
    after = pl.when(m == "E").then(False).when(m.is_in(["S", "ES"])).then(True).otherwise(None)
    out = (rows.filter(m.is_not_null())
           .with_columns(_after=after.forward_fill().over(keys))
           .with_columns(_before=pl.col("_after").shift(1).over(keys).fill_null(False))
           .with_columns(_start=((m == "S") & ~pl.col("_before")) | (m == "ES"),
                         _end=m.is_in(["E", "ES"]) & pl.col("_before")))
    return out.with_columns(_inst=pl.col("_start").cast(pl.UInt32).cum_sum().over(keys)).drop("_after")


def pair_runs(marked: pl.DataFrame, keys: list[str], start_cols: list[str],
              end_cols: list[str]) -> pl.DataFrame:
    """One row per run: ``s_<col>`` of its start row, ``e_<col>`` of its end row.

    Open runs (no end row) have null ``e_`` columns.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"g": [1, 1, 1], "t": [1, 2, 3], "_m": ["S", "E", "S"]})
    >>> pair_runs(mark_runs(df, ["g"]), ["g"], ["t"], ["t"]).select("s_t", "e_t").rows()
    [(1, 2), (3, None)]
    """
    starts = marked.filter("_start").select(*keys, "_inst", *[pl.col(c).alias(f"s_{c}") for c in start_cols])
    ends = marked.filter("_end").select(*keys, (pl.col("_inst") - pl.col("_start").cast(pl.UInt32)).alias("_inst"),
                                        *[pl.col(c).alias(f"e_{c}") for c in end_cols])
    return starts.join(ends, on=[*keys, "_inst"], how="left", nulls_equal=True)
