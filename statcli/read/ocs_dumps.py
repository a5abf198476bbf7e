"""Client-side T-Library dumps in OCS logs (log-formats §7.1, §7.2) → ``events`` rows.

A dump is ``received from <handle>(<server>)<host>:<port>(fd=<n>) message EventX``
(or ``request to <handle>(<server>) message RequestX`` for what OCS sends) followed by TAB attribute lines and key-value lines one TAB deeper. The block
grammar is the T-Server reader's (:func:`statcli.read.blocks.extract_blocks`):
this module only hands it the dump records that
:func:`statcli.read.ocs_lines.group_records` cut, so OCS and T-Server logs parse
dumps identically.
"""

from __future__ import annotations

import polars as pl

from statcli.read.blocks import extract_blocks
from statcli.schema import EVENTS, conform

MALFORMED = "malformed line inside a T-Library block"


def dump_events(df: pl.DataFrame, warnings: dict[str, int] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Client-side dumps (received events and sent requests) of a classified OCS line frame as rows.

    Parameters
    ----------
    df : polars.DataFrame
        Output of :func:`statcli.read.ocs_lines.group_records` with ``log_time``.
    warnings : dict, optional
        Counters the block reader increments (key-value count mismatches).

    Returns
    -------
    (events, malformed)
        ``events``: conformed to :data:`statcli.schema.EVENTS` (``context`` =
        ``client``; ``event`` is the request name for sent requests; ``source_ts`` from AttributeTimeinSecs/uSecs, ``ts`` null:
        the caller converts ``log_time``). ``malformed``: ``source``, ``line``
        of dump lines that fit no attribute grammar.

    Examples
    --------
    >>> import polars as pl
    >>> from statcli.read.ocs_lines import stamp_columns, anchor_log_time, group_records
    >>> lines = pl.DataFrame({"source": "o", "line": [1, 2, 3, 4, 5], "text": [
    ...     "16:13:24.844 x", "received from 65201(--)callcpro2:3010(fd=10) message EventUserEvent",
    ...     "\\tAttributeThisDN\\t'94045'", "\\tAttributeUserData\\t[709] 00 01 01 00..",
    ...     "\\t\\t'GSW_CALL_RESULT'\\t33"]})
    >>> ev, bad = dump_events(group_records(anchor_log_time(stamp_columns(lines), "2016-02-05")))
    >>> ev.select("event", "this_dn", "line", "context").row(0), ev["user_data"].to_list(), bad.height
    (('EventUserEvent', '94045', 2, 'client'), [[{'key': 'GSW_CALL_RESULT', 'value': '33'}]], 0)
    """
    recs = df.with_row_index("_pos").filter(pl.col("head_class").is_in(["tlib_received", "tlib_request"]))
    if recs.is_empty():
        return EVENTS.empty(), pl.DataFrame(schema={"source": pl.String, "line": pl.Int64})
    text = pl.col("text")
    lines = recs.select(
        "source", "line", "text", "log_time",
        rec=pl.struct("source", "rec").rank("dense").cast(pl.UInt32),
        order=pl.col("_pos").cast(pl.Int64) * 2,
        is_start=pl.col("is_head"),
        kind=pl.when(pl.col("is_head") & (pl.col("head_class") == "tlib_received")).then(pl.lit("client_ev_hdr"))
        .when(pl.col("is_head")).then(pl.lit("client_rq_hdr"))
        .when(text.str.starts_with("\t")).then(pl.lit("cont"))
        .when(text.str.starts_with(" ")).then(pl.lit("space_cont"))
        .otherwise(pl.lit("other")),
    )
    events, malformed = extract_blocks(lines, warnings if warnings is not None else {})
    heads = lines.filter(pl.col("is_start")).select(
        "rec", "source", "line", "log_time", _name=pl.col("text").str.extract(r" message (\w+)\s*$"))
    # block_headers names `received from …` dumps only; `request to …` dumps take the name here.
    events = events.join(heads, on="rec", how="left").with_columns(
        event=pl.coalesce("event", "_name")).drop("_name")
    secs = pl.col("_timein_secs") if "_timein_secs" in events.columns else pl.lit(None, pl.Int64)
    usecs = pl.col("_timein_usecs") if "_timein_usecs" in events.columns else pl.lit(None, pl.Int64)
    events = events.with_columns(
        source_ts=pl.from_epoch(secs * 1_000_000 + usecs.fill_null(0), time_unit="us").dt.replace_time_zone("UTC"))
    bad = lines.join(malformed.select("order"), on="order", how="semi").select("source", "line")
    return conform(events, EVENTS), bad
