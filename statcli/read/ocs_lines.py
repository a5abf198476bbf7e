"""The OCS line grammar (log-formats.md §3, §9.1) on a column of log lines.

Everything here works on a frame of lines — ``source`` (str), ``line`` (1-based
Int64) and ``text`` (str, without the line ending) — with Polars string
expressions, so one file of a million lines is classified without a Python loop:

1. :func:`stamp_columns` recognises the time stamp at column 0 of every line
   with the shared :mod:`statcli.read.timestamps` (T1 ``16:13:24.844``, T3/T4
   ISO, T5 locale ``Fri Feb 05 16:13:24 2016.844`` with a space-padded day,
   T6 …) independently on each line, so the format may change from one line
   to the next.
2. :func:`anchor_log_time` gives time-only stamps a date with the shared
   :mod:`statcli.read.anchor` rules (§3.5, §3.6) and lets unstamped lines
   inherit the last stamp.
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
from statcli.read.anchor import Anchor, anchor_times, parse_date_option
from statcli.read.timestamps import parse_stamps

def stamp_columns(lines: pl.DataFrame) -> pl.DataFrame:
    """Add ``stamp_form``, ``stamp_day`` (Date or null), ``tod_us`` and ``body`` to a line frame.

    Stamps are recognised by :func:`statcli.read.timestamps.parse_stamps` (every
    form of log-formats §3.2, tried on every line). ``body`` is the text after
    the stamp and its separator (the whole text on lines without a stamp). A
    leading UTF-8 BOM and a trailing CR are removed from ``text`` first.

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
    [('T3', 'Trc 04541 x'), ('T5', 'y'), (None, '16 bytes'), ('T7', 'trunk')]
    """
    text = pl.col("text").str.strip_prefix("\ufeff").str.strip_suffix("\r")
    df = parse_stamps(lines.with_columns(text.alias("text")))
    return df.rename({"st_form": "stamp_form", "st_date": "stamp_day", "st_tod": "tod_us"}).with_columns(
        body=pl.col("text").str.slice(pl.col("st_len").fill_null(0).cast(pl.Int64))).drop("st_len")


def anchor_log_time(df: pl.DataFrame, date: Date | str | None = None, *, by: str = "source") -> pl.DataFrame:
    """Resolve the date of every stamp and give each line its ``log_time`` (naive, µs).

    Dates come from :func:`statcli.read.anchor.anchor_times`, one call per
    ``by`` stream: time-only stamps take the date of the last date-bearing stamp
    (roll-over when the time goes back by more than 12 hours, §3.6); before the
    first one they continue from the stream's ``anchor_time`` column (header
    ``Local time`` or file-name stamp) when present, else are counted back from
    the first dated stamp, else start on ``date`` (§3.5). Lines without a stamp
    inherit the time of the last stamped line (§3.4); lines before the first
    stamp take the first stamp's time.

    Raises
    ------
    UserError
        When a stream has stamped lines but no date can be found for them.

    Examples
    --------
    >>> import polars as pl
    >>> lines = pl.DataFrame({"source": "a", "line": [1, 2, 3],
    ...     "text": ["23:59:59.950 x", "00:00:00.100 y", "23:59:59.990 z"]})
    >>> out = anchor_log_time(stamp_columns(lines), "2026-01-16")
    >>> [str(t) for t in out["log_time"]]
    ['2026-01-16 23:59:59.950000', '2026-01-17 00:00:00.100000', '2026-01-17 23:59:59.990000']
    """
    date = parse_date_option(date)
    df = df.with_row_index("pos")
    stamped = df.filter(pl.col("tod_us").is_not_null())
    times = []
    for key in stamped[by].unique(maintain_order=True).to_list():
        part = stamped.filter(pl.col(by) == key)
        given = part["anchor_time"].drop_nulls() if "anchor_time" in part.columns else pl.Series([])
        if len(given):
            start = Anchor.from_datetime(given[0])
        elif date is not None and part["stamp_day"].null_count() == part.height:
            start = Anchor(date, 0)
        else:
            start = None
        t = anchor_times(part.select("pos", st_date="stamp_day", st_tod="tod_us"), start)
        if t["log_time"].null_count():
            raise UserError(f"{part['source'][0]}: the time stamps carry no date and none can be inferred; "
                            "give the date with --date YYYY-MM-DD")
        times.append(t)
    if times:
        df = df.join(pl.concat(times).with_columns(pl.col("pos").cast(pl.UInt32)), on="pos", how="left")
    else:
        df = df.with_columns(log_time=pl.lit(None, pl.Datetime("us")))
    lt = pl.col("log_time").forward_fill().backward_fill().over(by)
    return df.sort("pos").with_columns(log_time=lt).drop("pos")


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
    "malformed_dump_line!": "malformed line inside a T-Library block",
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
    # Only record heads need the class; continuation lines take their head's.
    heads = df.with_row_index("_i").filter(pl.col("is_head")).select("_i", head_class=cls)
    df = df.with_row_index("_i").join(heads, on="_i", how="left", maintain_order="left").drop("_i")
    return df.with_columns(head_class=pl.col("head_class").forward_fill().over("source")
                           .fill_null("orphan_continuation!"))
