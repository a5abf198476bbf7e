"""Read Outbound Contact Server (OCS) logs into the ``campaign_events`` table (DESIGN §2).

``read_ocs_log`` turns OCS log files (plain, ``.gz``, ``.zip``, folders, globs,
``-``) into one row per campaign-relevant occurrence: campaign-group life cycle,
dial-mode changes, waiting / system-error states, completed dial attempts with
their ``call_result``, record and chain finalization, callbacks, agent errors,
records scheduled and ready counts. Every input line is accounted for: part of
a campaign event, a recognised line without one (a class name), or skipped with
a reason; :func:`parse_ocs_log` returns those counts beside the table.

Sources of evidence (log-formats §9): ``Trc 5200x`` life-cycle lines, CM
``OCMClient[…]::message received`` blocks, ``CM_DBCallRecord`` write-backs,
``CM_DBCallList`` ready counts, and client-side ``received from … message
EventUserEvent`` dumps with ``GSW_`` keys (desktop requests, OCS
notifications, ``GSW_STAT_EVENT``).

Examples
--------
>>> import polars as pl
>>> lines = pl.DataFrame({"source": "ocs.log", "line": [1, 2], "text": [
...     "Fri Feb 05 09:50:00 2016.000 Trc 52000 Campaign Group Spring@OB has been loaded",
...     "09:55:00.000 Trc 52001 Campaign Group Spring@OB has been started"]})
>>> res = parse_ocs_lines(lines, tz="UTC")
>>> res.campaign_events.select("kind", "campaign", "group").rows()
[('group_loaded', 'Spring', 'OB'), ('group_started', 'Spring', 'OB')]
>>> res.skipped.height
0
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Iterable

import polars as pl

from statcli.errors import UserError
from statcli.read.anchor import check_tz, epoch_offset, local_to_utc
from statcli.read.ocs_dumps import dump_events
from statcli.read.ocs_extract import (cm_events, dbid_names, lifecycle_events, name_by_dbid,
                                      ready_count_events, record_update_events, tevent_campaign_events)
from statcli.read.ocs_lines import SKIP_REASONS, anchor_log_time, group_records, stamp_columns
from statcli.schema import CAMPAIGN_EVENTS, conform

Sources = str | os.PathLike | Iterable[str | os.PathLike]


@dataclass
class OcsParse:
    """What :func:`parse_ocs_log` found.

    Attributes
    ----------
    campaign_events : polars.DataFrame
        Conformed to :data:`statcli.schema.CAMPAIGN_EVENTS`, in log order.
    line_counts : polars.DataFrame
        ``disposition`` (campaign_event, recognised, blank, header, skipped),
        ``line_class`` and ``lines``: every input line counted once.
    skipped : polars.DataFrame
        ``source``, ``line``, ``reason``, ``text`` of each skipped line.
    tz_source : str
        How UTC was obtained: tz-option, header, timeinsecs or utc.
    warnings : dict
        Recoverable oddities → count (e.g. key-value lists whose pair count
        differs from the declared one).
    """

    campaign_events: pl.DataFrame
    line_counts: pl.DataFrame
    skipped: pl.DataFrame
    tz_source: str
    warnings: dict = field(default_factory=dict)

    @property
    def total_lines(self) -> int:
        """All input lines."""
        return int(self.line_counts["lines"].sum())


def is_ocs_text(head: str) -> bool:
    """Whether the start of a log (its header or first lines) is an OCS log.

    True for a header ``Application type: OCServer`` (or ``OCS``) and for text
    with OCS-only forms (``Trc 5200x Campaign Group``, ``OCMClient[``,
    ``CM_DBCallList(``, ``OCSEvent[``, ``Trc 50002 TEvent:``).

    Examples
    --------
    >>> is_ocs_text("Application type: OCServer\\n")
    True
    >>> is_ocs_text("@16:45:24.5939 [0] 8.1.1 distribute_event: message EventRinging")
    False
    """
    import re
    if re.search(r"(?m)^Application type:\s*(?:OCServer|OCS|OutboundContactServer)\b", head):
        return True
    return bool(re.search(r"Trc 5200\d Campaign Group |OCMClient\[|CM_DBCall(?:List|Record)\(|OCSEvent\[|"
                          r"Trc 50002 TEvent: |PA Outbound Call Info:", head))


LOG_KINDS = ("tserver", "ocs")


def split_sources(sources: Sources, *, kind: str | None = None) -> dict[str, list[str]]:
    """Sort log sources into T-Server / SIP Server logs and OCS logs.

    Each file (or zip archive) is looked at once: its header (``Application
    type: OCServer``) or, without one, its first 16 KB (OCS-only line forms,
    :func:`is_ocs_text`). Folders and globs are expanded to their files.
    ``kind`` forces every source to one kind (``--kind``); standard input
    (``-``) is T-Server text unless ``kind`` is ``ocs``.

    Returns
    -------
    dict
        ``{"tserver": [paths], "ocs": [paths]}``, each path usable as a source
        of :func:`statcli.read.tserver.parse_tserver_log` / :func:`parse_ocs_log`.

    Raises
    ------
    UserError
        An unknown ``kind``, a missing source, or a zip archive holding both kinds.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "ocs.log").write_text("Application name: OCS\\nApplication type: OCServer\\n\\n")
    >>> _ = (d / "sip.log").write_text("@10:00:00.0000 [0] 8.1 distribute_event: message EventRinging\\n")
    >>> {k: [pathlib.Path(p).name for p in v] for k, v in split_sources(d).items()}
    {'tserver': ['sip.log'], 'ocs': ['ocs.log']}
    """
    from statcli.read.sources import collect_segments

    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    sources = [os.fspath(s) for s in sources]
    if kind is not None:
        kind = kind.lower()
        if kind not in LOG_KINDS:
            raise UserError(f"unknown log kind {kind!r} (expected tserver or ocs)")
        return {k: (sources if k == kind else []) for k in LOG_KINDS}
    out: dict[str, list[str]] = {k: [] for k in LOG_KINDS}
    plain = [s for s in sources if s != "-"]
    if len(plain) < len(sources):
        out["tserver"].append("-")
    kinds: dict[str, set[str]] = {}
    for seg in collect_segments(plain) if plain else []:
        head = seg.peeker(16384) if seg.peeker else seg.read_bytes()[:16384]
        path = seg.name.rsplit(":", 1)[0] if ".zip:" in seg.name.lower() else seg.name
        kinds.setdefault(path, set()).add("ocs" if is_ocs_text(head.decode("utf-8", "replace")) else "tserver")
    for path, found in kinds.items():
        if len(found) > 1:
            raise UserError(f"{path} holds both T-Server and OCS logs: give them separately or use --kind")
        out[found.pop()].append(path)
    return out


# --- lines ---------------------------------------------------------------------------------
def lines_from_sources(sources: Sources) -> pl.DataFrame:
    """Read sources into one line frame.

    Columns: ``stream``, ``source``, ``line``, ``text``, ``server``,
    ``in_header``, ``anchor_time`` (header ``Local time``, else the file-name
    stamp: where time-only stamps continue from) and ``hdr_offset`` (minutes,
    header ``Local time`` − ``Start time (UTC)``). Segments are found, grouped
    into streams and ordered by :mod:`statcli.read.sources` and decoded by
    :func:`statcli.read.lines.segment_lines`.
    """
    from statcli.read.lines import segment_lines
    from statcli.read.sources import collect_segments, group_streams

    frames = []
    for stream in group_streams(collect_segments(sources)):
        for seg in stream.segments:
            text = segment_lines(seg)[0]
            hdr = seg.header()
            offset = None if hdr.utc_offset is None else hdr.utc_offset // 60
            frames.append(pl.DataFrame({"text": text}).with_columns(
                stream=pl.lit(stream.key), source=pl.lit(seg.name),
                line=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
                server=pl.lit(hdr.app_name or seg.base),
                anchor_time=pl.lit(hdr.local_time or seg.stamp_time, pl.Datetime("us")),
                hdr_offset=pl.lit(offset, pl.Int32),
            ).with_columns(in_header=pl.col("line") <= hdr.n_lines))
    return pl.concat(frames, how="vertical_relaxed")


# --- time zone -------------------------------------------------------------------------------
def _utc(df: pl.DataFrame, tz: str | None, offset_from_dumps: int | None) -> tuple[pl.DataFrame, str]:
    lt = pl.col("log_time")
    if tz:
        check_tz(tz)
        return df.with_columns(ts=local_to_utc(lt, tz), tz_source=pl.lit("tz-option")), "tz-option"
    hdr = pl.col("hdr_offset") if "hdr_offset" in df.columns else pl.lit(None, pl.Int32)
    if offset_from_dumps is not None:
        fallback, name = pl.lit(offset_from_dumps, pl.Int32), "timeinsecs"
    else:
        fallback, name = pl.lit(0, pl.Int32), "utc"
    minutes = pl.coalesce(hdr, fallback)
    used = pl.when(hdr.is_not_null()).then(pl.lit("header")).otherwise(pl.lit(name))
    ts = (lt - pl.duration(minutes=minutes)).dt.replace_time_zone("UTC")
    df = df.with_columns(ts=ts, tz_source=used)
    sources_used = df["tz_source"].unique().to_list() if df.height else [name]
    return df, "header" if "header" in sources_used else name


def _dump_offset(dumps: pl.DataFrame) -> int | None:
    """UTC offset (minutes, 15-minute steps) of the log from TEvent epochs vs log stamps (§3.7)."""
    seconds = epoch_offset(dumps) if dumps.height else None
    return None if seconds is None else seconds // 60


# --- main ----------------------------------------------------------------------------------
def parse_ocs_lines(lines: pl.DataFrame, *, tz: str | None = None,
                    date: Date | str | None = None) -> OcsParse:
    """Parse an in-memory line frame of an OCS log (the engine of :func:`parse_ocs_log`).

    Parameters
    ----------
    lines : polars.DataFrame
        ``source``, ``line``, ``text``; optional ``stream``, ``server``,
        ``in_header``, ``anchor_time``, ``hdr_offset`` (see
        :func:`lines_from_sources`).
    tz : str, optional
        IANA zone of the log's wall clock; default: header offset, else the
        offset shown by TEvent epochs, else UTC.
    date : date or str, optional
        Date of time-only stamps when the log has no date-bearing stamp.

    Returns
    -------
    OcsParse
    """
    if "stream" not in lines.columns:
        lines = lines.with_columns(stream=pl.col("source"))
    if "server" not in lines.columns:
        lines = lines.with_columns(server=pl.col("source").str.extract(r"([^/\\:]+?)(?:\.\d{8}_\d{6}_\d{3})?(?:\.log)?(?:\.gz)?$"))
    if "in_header" not in lines.columns:
        lines = lines.with_columns(in_header=pl.lit(False))
    body = lines.filter(~pl.col("in_header"))
    df = group_records(anchor_log_time(stamp_columns(body), date, by="stream"))

    warnings: dict[str, int] = {}
    dumps, malformed = dump_events(df, warnings)
    maps = dbid_names(df)
    parts = [lifecycle_events(df), record_update_events(df), ready_count_events(df), cm_events(df),
             tevent_campaign_events(dumps)]
    parts = [p for p in parts if p.height]
    if parts:
        rows = pl.concat([conform(p, CAMPAIGN_EVENTS, keep_extra=True) for p in parts], how="diagonal_relaxed")
        rows = name_by_dbid(rows, maps)
    else:
        rows = CAMPAIGN_EVENTS.empty()

    extra = [c for c in ("stream", "server", "hdr_offset") if c in df.columns]
    meta = df.select("source", *extra).unique("source")
    rows = rows.drop([c for c in ("server", "stream", "hdr_offset") if c in rows.columns]).join(
        meta, on="source", how="left")
    rows, tz_used = _utc(rows, tz, _dump_offset(dumps) if tz is None else None)
    # A dump has no stamp of its own and is logged before its summary (§7.1): its
    # AttributeTimeinSecs is the better time; log_time moves with it.
    shift = pl.col("source_ts") - pl.col("ts")
    rows = rows.with_columns(log_time=pl.when(pl.col("source_ts").is_not_null())
                             .then(pl.col("log_time") + shift).otherwise(pl.col("log_time"))) \
        .with_columns(ts=pl.coalesce("source_ts", "ts"))
    order = df.select("source", "line").with_row_index("_ord")
    rows = rows.join(order, on=["source", "line"], how="left").sort("_ord", maintain_order=True)
    events = conform(rows, CAMPAIGN_EVENTS)

    # Accounting: every line once.
    event_recs = df.join(events.select("source", "line").unique(), on=["source", "line"], how="semi") \
        .select("source", "rec").unique()
    df = df.join(event_recs.with_columns(_ev=pl.lit(True)), on=["source", "rec"], how="left")
    df = df.join(malformed.with_columns(_bad=pl.lit(True)), on=["source", "line"], how="left")
    df = df.with_columns(head_class=pl.when(pl.col("_bad").fill_null(False)).then(pl.lit("malformed_dump_line!"))
                         .otherwise(pl.col("head_class")))
    skipped_cls = pl.col("head_class").str.ends_with("!")
    disposition = (pl.when(pl.col("blank")).then(pl.lit("blank"))
                   .when(pl.col("_ev").fill_null(False)).then(pl.lit("campaign_event"))
                   .when(skipped_cls).then(pl.lit("skipped"))
                   .otherwise(pl.lit("recognised")))
    df = df.with_columns(disposition=disposition)
    n_header = lines.filter(pl.col("in_header")).height
    counts = df.group_by("disposition", "head_class").agg(lines=pl.len().cast(pl.Int64)) \
        .rename({"head_class": "line_class"})
    if n_header:
        counts = pl.concat([counts, pl.DataFrame({"disposition": ["header"], "line_class": ["header"],
                                                  "lines": [n_header]}, schema=counts.schema)])
    counts = counts.with_columns(pl.col("line_class").str.strip_suffix("!")).sort("disposition", "line_class")
    skipped = df.filter(pl.col("disposition") == "skipped").select(
        "source", "line", reason=pl.col("head_class").replace_strict(SKIP_REASONS, default="unrecognised"),
        text="text")
    return OcsParse(events, counts, skipped, tz_used, warnings)


def parse_ocs_log(sources: Sources, *, tz: str | None = None, date: Date | str | None = None) -> OcsParse:
    """Read OCS logs into campaign events plus the accounting of every line.

    Parameters
    ----------
    sources : path, glob, ``-`` or an iterable of them
        Files (``.log``, ``.gz``, ``.zip`` members), folders, glob patterns;
        rotated segments are read in order as one stream.
    tz : str, optional
        IANA time zone of the log's stamps (``--tz``).
    date : date or str, optional
        ``YYYY-MM-DD`` for logs whose stamps carry no date (``--date``).

    Returns
    -------
    OcsParse

    Raises
    ------
    UserError
        Missing or unreadable input, an unknown time zone, or stamps without any
        date and no ``date``.
    """
    check_tz(tz)  # before any reading: a typo in --tz should not cost a parse
    lines = lines_from_sources(sources)
    if lines.is_empty():
        raise UserError("the OCS input has no lines")
    return parse_ocs_lines(lines, tz=tz, date=date)


def read_ocs_log(sources: Sources, *, tz: str | None = None, date: Date | str | None = None,
                 strict: bool = False) -> pl.DataFrame:
    """Read OCS logs into the ``campaign_events`` table (DESIGN §2).

    See :func:`parse_ocs_log` for the parameters; this returns only the table.
    With ``strict``, any skipped line raises :class:`statcli.errors.StrictError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "OCS.log"
    >>> _ = p.write_text("2026-03-02T10:00:00.000 Trc 52000 Campaign Group Spring@OB has been loaded\\n"
    ...                  "10:00:05.000 Trc 52001 Campaign Group Spring@OB has been started\\n")
    >>> read_ocs_log(p, tz="Europe/Berlin").select("kind", "ts").rows()[1]
    ('group_started', datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=zoneinfo.ZoneInfo(key='UTC')))
    """
    res = parse_ocs_log(sources, tz=tz, date=date)
    if strict and res.skipped.height:
        from statcli.errors import StrictError
        reasons = ", ".join(f"{r}: {n}" for r, n in res.skipped.group_by("reason").len().iter_rows())
        raise StrictError(f"{res.skipped.height} input line(s) skipped ({reasons})")
    return res.campaign_events


def scan_ocs_log(sources: Sources, *, tz: str | None = None, date: Date | str | None = None) -> pl.LazyFrame:
    """Lazy variant of :func:`read_ocs_log`: nothing is read until ``collect()``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "OCS.log"
    >>> _ = p.write_text("2026-03-02T10:00:00.000 Trc 52004 Campaign Group A@B has been unloaded\\n")
    >>> scan_ocs_log(p).select("kind").collect().item()
    'group_unloaded'
    """
    return pl.defer(lambda: read_ocs_log(sources, tz=tz, date=date), schema=CAMPAIGN_EVENTS.polars)
