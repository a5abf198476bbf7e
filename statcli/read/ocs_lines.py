"""The OCS line grammar (log-formats.md §3, §9.1) on a column of log lines.

Everything here works on a frame of lines — ``source`` (str), ``line`` (1-based
Int64) and ``text`` (str, without the line ending) — with Polars string
expressions, so one file of a million lines is classified without a Python loop:

1. :func:`stamp_columns` recognises the time stamp at column 0 of every line
   (T1 ``16:13:24.844``, T3/T4 ISO, T5 locale ``Fri Feb 05 16:13:24 2016.844``
   with a space-padded day, ``MM/dd/yyyy``) independently on each line, so the
   format may change from one line to the next.
2. :func:`anchor_log_time` gives time-only stamps a date (the last date-bearing
   stamp of the stream, else the next one, else ``date``) with the midnight
   roll-over rule of §3.6, and lets unstamped lines inherit the last stamp.
3. :func:`group_records` cuts the stream into OCS records (a first line and its
   continuation lines, §9.1) and names each record's head with a line class.

Examples
--------
>>> import polars as pl
>>> lines = pl.DataFrame({"source": "x.log", "line": [1, 2],
...     "text": ["Fri Feb  5 16:13:24 2016.844 Trc 50002 TEvent: EventUserEvent",
...              "16:13:25.001 Trc 52001 Campaign Group C@G has been started"]})
>>> df = anchor_log_time(stamp_columns(lines))
>>> [str(t) for t in df["log_time"]]
['2016-02-05 16:13:24.844000', '2016-02-05 16:13:25.001000']
"""

from __future__ import annotations

from datetime import date as Date

import polars as pl

from statcli.errors import UserError

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# After the time: a space, ": " (T7), "_" (T8) or the end of the line (§3.3 rule 3).
_END = r"(?P<sep>[ _]|: |$)"
_HMS = r"(?P<H>\d\d):(?P<M>\d\d):(?P<S>\d\d)"
_FRAC = r"[.,](?P<F>\d{3,4})"
#: Stamp forms with a date, tried in this order, then the time-only form.
STAMP_PATTERNS = {
    "T5": r"^(?P<stamp>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?P<Mon>" + "|".join(_MONTHS) + r") "
          r"(?P<d>[ \d]\d) " + _HMS + r" (?P<y>\d{4})\.(?P<F>\d{3,4}))" + _END,
    "T3": r"^(?P<stamp>(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)[T ]" + _HMS + _FRAC + ")" + _END,
    "T6": r"^(?P<stamp>(?P<m>\d\d)/(?P<d>\d\d)/(?P<y>\d{4}) " + _HMS + r"\.(?P<F>\d{3}))" + _END,
    "T1": r"^(?P<stamp>@?" + _HMS + r"\.(?P<F>\d{3,4}))" + _END,
}
_DAY_US = 86_400_000_000


def _one_form(form: str, pattern: str) -> pl.Expr:
    g = pl.col("text").str.extract_groups(pattern)
    frac = g.struct.field("F")
    us = (frac.cast(pl.Int64) * pl.when(frac.str.len_chars() == 3).then(1000).otherwise(100))
    h, m, s = (g.struct.field(k).cast(pl.Int64) for k in ("H", "M", "S"))
    tod = ((h * 3600 + m * 60 + s) * 1_000_000 + us)
    valid = (h < 24) & (m < 60) & (s < 60)
    if form == "T1":
        day = pl.lit(None, pl.Date)
    else:
        month = (g.struct.field("Mon").replace_strict(list(_MONTHS), list(range(1, 13)), default=None)
                 if form == "T5" else g.struct.field("m").cast(pl.Int32))
        day = pl.date(g.struct.field("y").cast(pl.Int32), month,
                      g.struct.field("d").str.strip_chars().cast(pl.Int32))
        valid = valid & (month.is_between(1, 12)) & g.struct.field("y").cast(pl.Int32).is_between(1990, 2100)
    stamp_len = (g.struct.field("stamp").str.len_chars() + g.struct.field("sep").str.len_chars())
    return pl.when(valid).then(
        pl.struct(form=pl.lit(form), day=day, tod=tod, cut=stamp_len.cast(pl.Int64)))


def stamp_columns(lines: pl.DataFrame) -> pl.DataFrame:
    """Add ``stamp_form``, ``stamp_day`` (Date or null), ``tod_us`` and ``body`` to a line frame.

    ``body`` is the text after the stamp and its separator (the whole text on
    lines without a stamp). A leading UTF-8 BOM and a trailing CR are removed
    from ``text`` first.

    Parameters
    ----------
    lines : polars.DataFrame
        Columns ``source``, ``line``, ``text``.

    Returns
    -------
    polars.DataFrame

    Examples
    --------
    >>> import polars as pl
    >>> df = stamp_columns(pl.DataFrame({"source": "a", "line": [1, 2, 3, 4],
    ...     "text": ["\\ufeff2015-05-29T12:21:16.438 Trc 04541 x", "Sun Jun  5 15:22:21 2016.741 y",
    ...              "16 bytes", "21:06:21.751: trunk"]}))
    >>> df.select("stamp_form", "body").rows()
    [('T3', 'Trc 04541 x'), ('T5', 'y'), (None, '16 bytes'), ('T1', 'trunk')]
    """
    text = pl.col("text").str.strip_prefix("\ufeff").str.strip_suffix("\r")
    df = lines.with_columns(text.alias("text"))
    stamp = pl.coalesce([_one_form(f, p) for f, p in STAMP_PATTERNS.items()])
    df = df.with_columns(_stamp=stamp)
    f = pl.col("_stamp").struct
    return df.with_columns(
        stamp_form=f.field("form"),
        stamp_day=f.field("day"),
        tod_us=f.field("tod"),
        body=pl.when(f.field("cut").is_not_null())
        .then(pl.col("text").str.slice(f.field("cut")))
        .otherwise(pl.col("text")),
    ).drop("_stamp")


def anchor_log_time(df: pl.DataFrame, date: Date | str | None = None, *, by: str = "source") -> pl.DataFrame:
    """Resolve the date of every stamp and give each line its ``log_time`` (naive, µs).

    Time-only stamps take the date of the last date-bearing stamp before them in
    the same ``by`` stream (default: the same ``source``; else of the first one after them, else ``date``); a
    step back of more than 12 hours between consecutive stamps is a midnight
    roll-over (§3.6), smaller steps are normal jitter. Lines without a stamp
    inherit the time of the last stamped line (§3.4); lines before the first
    stamp take the first stamp's time.

    Raises
    ------
    UserError
        When a source has stamped lines but no date can be found for them.

    Examples
    --------
    >>> import polars as pl
    >>> lines = pl.DataFrame({"source": "a", "line": [1, 2, 3],
    ...     "text": ["23:59:59.950 x", "00:00:00.100 y", "23:59:59.990 jitter?"]})
    >>> out = anchor_log_time(stamp_columns(lines), "2026-01-16")
    >>> [str(t) for t in out["log_time"]]
    ['2026-01-16 23:59:59.950000', '2026-01-17 00:00:00.100000', '2026-01-17 23:59:59.990000']
    """
    if isinstance(date, str):
        try:
            date = Date.fromisoformat(date)
        except ValueError:
            raise UserError(f"--date must be YYYY-MM-DD, got {date!r}") from None
    df = df.with_row_index("_ord")
    st = df.filter(pl.col("tod_us").is_not_null()).select(
        "_ord", "source", *([by] if by != "source" else []), "stamp_day", "tod_us",
        *(["fallback_day"] if "fallback_day" in df.columns else []))
    dated = pl.col("stamp_day").is_not_null()
    st = st.with_columns(_run=dated.cum_sum().over(by))
    back = pl.col("tod_us").shift(1).over(by) - pl.col("tod_us")
    st = st.with_columns(_roll=((back > _DAY_US // 2) & ~dated).fill_null(False).cast(pl.Int32))
    st = st.with_columns(_off=pl.col("_roll").cum_sum().over(by, "_run"))
    # Run 0 lies before the stream's first dated stamp: anchor it on that stamp's
    # day (its last line is that day) or on --date (its first line is that day).
    first_day = pl.col("stamp_day").drop_nulls().first().over(by)
    run0_off = pl.col("_off") - pl.col("_off").max().over(by, "_run")
    base = pl.col("stamp_day").forward_fill().over(by)
    # Without a dated stamp: --date, else a per-line ``fallback_day`` column
    # (header Local time or file-name stamp) when the caller supplies one.
    fallback = pl.lit(date) if date is not None else (
        pl.col("fallback_day") if "fallback_day" in df.columns else pl.lit(None, pl.Date))
    run0 = pl.when(first_day.is_null()).then(fallback).otherwise(first_day)
    run0_shift = pl.when(first_day.is_null()).then(pl.col("_off")).otherwise(run0_off)
    st = st.with_columns(
        _day=pl.when(pl.col("_run") == 0).then(run0).otherwise(base),
        _off=pl.when(pl.col("_run") == 0).then(run0_shift).otherwise(pl.col("_off")),
    )
    missing = st.filter(pl.col("_day").is_null())
    if missing.height:
        src = missing["source"][0]
        raise UserError(f"{src}: the time stamps carry no date and none can be inferred; "
                        "give the date with --date YYYY-MM-DD")
    st = st.select("_ord", log_time=(pl.col("_day").cast(pl.Datetime("us"))
                                     + pl.duration(days=pl.col("_off"))
                                     + pl.duration(microseconds=pl.col("tod_us"))))
    out = df.join(st, on="_ord", how="left").sort("_ord")
    lt = pl.col("log_time").forward_fill().backward_fill().over(by)
    return out.with_columns(log_time=lt).drop("_ord")


# --- records -----------------------------------------------------------------------------
#: Continuation lines (§9.1): indented, braces, and CM attribute lines of an OCMClient block.
_CONT = r"^(?:[\t ]|[{}]\s*$|(?:GSW_)?CM_(?:Attr\w*|MessageType)\s)"

#: Head classes: (class, regex on ``body``, stamped: True / False / None = either).
#: Order matters; the first match wins. Classes ending in ``!`` are skipped lines.
HEAD_CLASSES: list[tuple[str, str, bool | None]] = [
    ("tlib_received", r"^received from \d+\([^)]*\)\S*?:\d*\(fd=\d*\) message \w+", None),
    ("tlib_request", r"^request to \d+\([^)]*\).* message \w+", None),
    ("tlib_sent", r"^\.\.sent to ", None),
    ("lifecycle", r"^Trc 5200[0-4] Campaign Group .+ has been (?:loaded|started|stopped|force unloaded|unloaded)\s*$", True),
    ("tlib_summary", r"^(?:Trc 50002 TEvent: |Trc 04541 Message |Int 04543 Interaction message |OCSEvent\[)", None),
    ("cm_message", r"^OCMClient\[[^\]]*\]::mess?age received", None),
    ("record_update", r"^CM_DBCallRecord\(\d+-\d+-\d+\): DBServer '.*' SQL:\s*update \S+ set .* where ", None),
    ("ready_count", r"^CM_DBCallList\(\d+-\d+-\d+\): S[PR] return value \(ReadyCount\):\s*\d+", None),
    ("db_activity", r"^CM_DBCall(?:List|Record)\(", None),
    ("group_dump", r"^CampaignGroup\(\d+\) \(.+\): ", None),
    ("pa_trace", r"^(?:PAEventInfo \(|PA (?:Outbound Call|Agent|Session) Info:|Predictive Info for |"
                 r"Distribution time |Idle time )", None),
    ("ocs_channel", r"^(?:OCMClient\[|Thirdparty, |HTTPProxyClient|IxNServer '|RecS?C?X?M?L?Treatment|"
                    r"-> SCXML : |There are \d+ Agents/Places assigned|STAT_EVENT |DBList\.|Call\[)", None),
    ("log_message", r"^(?:Std|Trc|Int|Dbg|Alr|Verbose|Standard|Trace|Interaction|Debug|Alarm) \d{5} ", True),
    ("header", r"^(?:Application (?:name|type|version|start time)|Host (?:name|type|info)|Local time|"
               r"Start time \(UTC\)|File:|OS:|Command line|Configuration|"
               r"(?:Genesys|GCTI|Outbound Contact|log file|Log file)\b|\* )", False),
    ("trace_text", r"", True),
    ("unrecognised_unstamped!", r"", False),
]

#: Reason text for skipped classes.
SKIP_REASONS = {
    "unrecognised_unstamped!": "line without a time stamp that continues no record and matches no OCS form",
    "orphan_continuation!": "continuation line before the first record of the file",
}


def group_records(df: pl.DataFrame) -> pl.DataFrame:
    """Cut a stamped line frame into records and classify each record's head.

    Adds ``rec`` (record number within the source), ``is_head``, ``blank`` and
    ``head_class`` (the class of the record's first line, see
    :data:`HEAD_CLASSES`, on every line of the record).

    Examples
    --------
    >>> import polars as pl
    >>> lines = pl.DataFrame({"source": "a", "line": [1, 2, 3, 4], "text": [
    ...     "23:57:57.891 OCMClient[9]::message received",
    ...     "GSW_CM_MessageType              7 [GSW_CM_ReqLoadCampaign]",
    ...     "received from 65201(--)callcpro2:3010(fd=10) message EventUserEvent",
    ...     "\\tAttributeThisDN\\t'94045'"]})
    >>> out = group_records(stamp_columns(lines))
    >>> out.select("rec", "head_class").rows()
    [(1, 'cm_message'), (1, 'cm_message'), (2, 'tlib_received'), (2, 'tlib_received')]
    """
    stamped = pl.col("stamp_form").is_not_null()
    blank = pl.col("text").str.strip_chars().str.len_chars() == 0
    cont = ~stamped & pl.col("text").str.contains(_CONT)
    df = df.with_columns(blank=blank, is_head=~blank & ~cont)
    df = df.with_columns(rec=pl.col("is_head").cast(pl.Int64).cum_sum().over("source"))
    cls = None
    for name, rx, needs_stamp in reversed(HEAD_CLASSES):
        cond = pl.col("body").str.contains(rx) if rx else pl.lit(True)
        if needs_stamp is True:
            cond = cond & stamped
        elif needs_stamp is False:
            cond = cond & ~stamped
        cls = pl.when(cond).then(pl.lit(name)) if cls is None else pl.when(cond).then(pl.lit(name)).otherwise(cls)
    head = pl.when(pl.col("is_head")).then(cls)
    df = df.with_columns(head_class=head)
    return df.with_columns(head_class=pl.col("head_class").forward_fill().over("source")
                           .fill_null("orphan_continuation!"))
