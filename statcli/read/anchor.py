"""Dates for time-only stamps, and the UTC offset of a stream (log-formats §3.5–§3.7).

Time-only stamps (``@16:45:24.5939``, ``16:45:24.594``) get their date from
the nearest earlier dated stamp, with a roll-over to the next day whenever the
time goes back by more than 12 hours (§3.6; small backward steps are normal).
Before the first dated stamp the date comes from a start anchor (the previous
segment, the header's ``Local time``, the file-name stamp or ``--date``), or,
without one, is counted back from the first dated stamp of the stream.

All of it is vectorized: dated rows open groups (``cum_sum``), roll-overs are
counted within each group with a window sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from statcli.errors import UserError

HALF_DAY_US = 12 * 3600 * 1_000_000
DAY_US = 24 * 3600 * 1_000_000


@dataclass
class Anchor:
    """A known (date, time of day) to continue from."""

    day: date
    tod: int  # µs since midnight

    @classmethod
    def from_datetime(cls, when: datetime) -> "Anchor":
        midnight = datetime(when.year, when.month, when.day)
        return cls(when.date(), int((when - midnight) / timedelta(microseconds=1)))


def anchor_times(stamps: pl.DataFrame, start: Anchor | None) -> pl.DataFrame:
    """Give every stamped row a full local datetime.

    Parameters
    ----------
    stamps : polars.DataFrame
        Stamped rows in log order: ``pos`` (row position), ``st_date`` (Date
        or null) and ``st_tod`` (µs since midnight).
    start : Anchor or None
        What the stream is known to continue from, if anything.

    Returns
    -------
    polars.DataFrame
        ``pos`` and ``log_time`` (naive Datetime[µs]; null when no date can
        be found at all).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import date
    >>> s = pl.DataFrame({"pos": [0, 1, 2], "st_date": [None, None, None],
    ...                   "st_tod": [86_399_000_000, 86_399_900_000, 100_000]},
    ...                  schema_overrides={"st_date": pl.Date})
    >>> anchor_times(s, Anchor(date(2026, 1, 16), 0))["log_time"].dt.date().to_list()
    [datetime.date(2026, 1, 16), datetime.date(2026, 1, 16), datetime.date(2026, 1, 17)]
    """
    rows = stamps.select(pl.col("pos").cast(pl.Int64), "st_date", "st_tod")
    if start is not None:
        head = pl.DataFrame({"pos": [-1], "st_date": [start.day], "st_tod": [start.tod]},
                            schema=rows.schema)
        rows = pl.concat([head, rows])
    prev = pl.col("st_tod").shift(1)
    back = (pl.col("st_tod") < prev - HALF_DAY_US).fill_null(False)
    rows = rows.with_columns(
        _dated=pl.col("st_date").is_not_null(),
        _back=back,
    ).with_columns(
        _g=pl.col("_dated").cum_sum(),
        _rolls=pl.col("_back").cum_sum(),
    )
    # Within a group opened by a dated row, count roll-overs since that row.
    rows = rows.with_columns(
        _base=pl.col("st_date").first().over("_g"),
        _since=pl.col("_rolls") - pl.col("_rolls").first().over("_g"),
    )
    first_dated = rows.filter(pl.col("_dated")).head(1)
    if first_dated.height:
        d1 = first_dated["st_date"][0]
        r1 = first_dated["_rolls"][0]
        # Rows before any dated row: count the roll-overs between them and the first dated row.
        before = pl.lit(d1) - pl.duration(days=pl.lit(r1) - pl.col("_rolls"))
    else:
        before = pl.lit(None, dtype=pl.Date)
    day = (pl.when(pl.col("_g") > 0)
           .then(pl.col("_base") + pl.duration(days=pl.col("_since")))
           .otherwise(before))
    out = rows.with_columns(
        log_time=day.cast(pl.Datetime("us")) + pl.duration(microseconds=pl.col("st_tod")))
    return out.filter(pl.col("pos") >= 0).select("pos", "log_time")


def epoch_anchor_dates(events: pl.DataFrame) -> pl.DataFrame:
    """Local dates of event rows from ``AttributeTimeinSecs`` and its ``(HH:MM:SS)`` label (§3.7).

    The label is the epoch's instant in the writing process's local time, so
    the local date is the UTC date of the epoch shifted by (label − UTC clock),
    normalised to −12 h … +14 h.

    Parameters
    ----------
    events : polars.DataFrame
        ``pos``, ``_timein_secs`` (Int64) and ``_timein_label`` (``HH:MM:SS``).

    Returns
    -------
    polars.DataFrame
        ``pos`` and ``st_date`` for rows where both are present.

    Examples
    --------
    >>> import polars as pl
    >>> ev = pl.DataFrame({"pos": [3], "_timein_secs": [1454710404], "_timein_label": ["16:13:24"]})
    >>> epoch_anchor_dates(ev)["st_date"].to_list()
    [datetime.date(2016, 2, 5)]
    """
    utc = pl.from_epoch(pl.col("_timein_secs"), time_unit="s")
    parts = pl.col("_timein_label").str.split(":")
    label_s = (parts.list.get(0).cast(pl.Int64) * 3600 + parts.list.get(1).cast(pl.Int64) * 60
               + parts.list.get(2).cast(pl.Int64))
    utc_s = pl.col("_timein_secs") % 86400
    diff = (label_s - utc_s + 12 * 3600) % 86400 - 12 * 3600  # into [-12 h, +12 h)
    diff = pl.when(diff < -10 * 3600).then(diff + 86400).otherwise(diff)  # allow up to +14 h
    return (events.filter(pl.col("_timein_secs").is_not_null() & pl.col("_timein_label").is_not_null())
            .select("pos", st_date=(utc + pl.duration(seconds=diff)).dt.date()))


def round_offset(seconds: float) -> int:
    """Round a UTC offset to whole quarter hours (seconds).

    Examples
    --------
    >>> round_offset(-21590.5)
    -21600
    """
    return int(round(seconds / 900.0)) * 900


def parse_date_option(value: str | date | None) -> date | None:
    """The ``--date`` option as a date (UserError when it is not ``YYYY-MM-DD``).

    Examples
    --------
    >>> parse_date_option("2026-01-16")
    datetime.date(2026, 1, 16)
    """
    if value is None or isinstance(value, date):
        return value
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise UserError(f"invalid --date {value!r}: use YYYY-MM-DD") from None


def check_tz(tz: str | None) -> None:
    """UserError unless ``tz`` is None or an IANA zone name Polars knows.

    Examples
    --------
    >>> check_tz("Europe/Berlin")
    """
    if tz is None:
        return
    try:
        pl.select(pl.lit(datetime(2020, 1, 1)).dt.replace_time_zone(tz))
    except Exception:  # noqa: BLE001 - polars raises several types for unknown zones
        raise UserError(f"unknown time zone {tz!r}: use an IANA name such as Europe/Berlin") from None


def local_to_utc(log_time: pl.Expr, tz: str) -> pl.Expr:
    """Naive local wall-clock times in zone ``tz`` → UTC (DST gap → null, repeated hour → earlier)."""
    return log_time.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC")


def epoch_offset(df: pl.DataFrame) -> int | None:
    """A stream's UTC offset in seconds: median of ``log_time`` − ``source_ts``, in quarter hours (§3.7).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> df = pl.DataFrame({"log_time": [datetime(2016, 2, 5, 16, 13, 24, 844000)],
    ...                    "source_ts": [datetime(2016, 2, 5, 22, 13, 24, 839273, tzinfo=timezone.utc)]})
    >>> epoch_offset(df)
    -21600
    """
    diffs = df.select((pl.col("log_time") - pl.col("source_ts").dt.replace_time_zone(None))
                      .dt.total_seconds()).drop_nulls().to_series()
    return round_offset(float(diffs.median())) if len(diffs) else None
