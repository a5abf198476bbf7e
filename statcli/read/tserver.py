"""T-Server / SIP Server logs → the ``events`` table (DESIGN.md §1).

The reader takes files, folders, globs, ``-``, ``.gz`` and ``.zip``, groups
rotated segments into streams and reads each stream segment by segment: the
unfinished last record of a segment is carried over to the next one, so a
block split across two files is rejoined, and memory stays bounded by one
segment. Every line is accounted for (DESIGN.md §6): part of an event,
a recognised non-event (request, BSYNC copy, SIP message, Std/Trc line,
header, …) or skipped with a reason.

Examples
--------
>>> import statcli, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "excerpt.log"
>>> _ = p.write_text("@10:15:32.1230 [0] 8.1.101.25 distribute_event: message EventRinging\\n"
...                  "\\tAttributeThisDN\\t'7001'\\n\\tAttributeConnID\\t0077028A809F7004\\n")
>>> ev = statcli.read_tserver_log(p, date="2026-01-16")
>>> ev.select("event", "this_dn", "conn_id").row(0)
('EventRinging', '7001', '0077028a809f7004')
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date as date_type
from typing import Callable, Iterable

import numpy as np
import polars as pl

from statcli.errors import StrictError, UserError
from statcli.read.anchor import (Anchor, anchor_times, check_tz, epoch_anchor_dates, epoch_offset, local_to_utc,
                                 parse_date_option)
from statcli.read.blocks import block_events
from statcli.read.col0 import CODE, classify_spans, kinds
from statcli.read.lines import read_segment, sip_bodies
from statcli.read.records import CAT, CATEGORIES, Accounting, records, skip_reason
from statcli.read.sources import Stream, collect_segments, group_streams
from statcli.read.views import string_views
from statcli.read.workers import WORKERS, in_parallel
from statcli.schema import EVENTS, conform

Sources = str | os.PathLike | Iterable[str | os.PathLike]
#: Lines processed at once (≈ 20 MB of log text): bounds memory on large segments.
CHUNK_LINES = 500_000
_EVENT_STARTS = ("ev_hdr", "client_ev_hdr")


@dataclass
class ParseResult:
    """Everything a parse produced: the events and the accounting of every line.

    Attributes
    ----------
    events : polars.DataFrame
        The events table (EVENTS schema).
    lines : dict
        Accounting category → number of input lines (sums to ``total_lines``).
    skipped : dict
        Skip reason → number of lines.
    examples : list of (source, line, reason, text)
        The first few skipped lines of each reason.
    warnings : dict
        Recoverable oddities → count (non-UTF-8 lines, key-value count mismatches, …).
    tz_basis : dict
        Stream → how its UTC offset was found (``tz-option``, ``header``,
        ``timeinsecs``, ``utc``) and the offset.
    total_lines : int
        Lines read.
    segments : list of str
        Segments read, in reading order.
    """

    events: pl.DataFrame
    lines: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    examples: list[tuple[str, int, str, str]] = field(default_factory=list)
    warnings: dict[str, int] = field(default_factory=dict)
    tz_basis: dict[str, str] = field(default_factory=dict)
    total_lines: int = 0
    segments: list[str] = field(default_factory=list)

    @property
    def skipped_lines(self) -> int:
        return sum(self.skipped.values())


_SUMMARY = r" 50002 TEvent: (\w+)"


def _summary_only_events(marks: pl.DataFrame, dn_lines: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """Events known only from an OCS ``Trc 50002 TEvent: X`` summary (log-formats §7.3).

    ``marks`` holds the client dumps and Std lines (``pos``, ``rec``, ``source``,
    ``line``, ``kind``, ``text``); ``dn_lines()`` the TAB lines (``rec``, ``text``).
    A client dump comes before its summary; a summary whose previous dump or
    summary is not a dump of the same event has no dump and counts on its own
    (``context`` = ``summary``), so no event is counted twice.
    """
    name = pl.col("text").str.extract(_SUMMARY, 1)
    marks = marks.filter((pl.col("kind") == "client_ev_hdr") | ((pl.col("kind") == "std") & name.is_not_null()))
    if marks.height == 0:
        return pl.DataFrame()
    marks = marks.select(
        "pos", "rec", "source", "line",
        is_dump=pl.col("kind") == "client_ev_hdr",
        event=pl.coalesce(name, pl.col("text").str.extract(r" message (\w+)", 1)),
    ).sort("pos")
    lone = marks.filter(~pl.col("is_dump") & ~(pl.col("is_dump").shift(1).fill_null(False)
                                                 & (pl.col("event").shift(1) == pl.col("event"))))
    if lone.height == 0:
        return pl.DataFrame()
    # The OCSEvent line after the summary lists `DN[<dbid>`<number>]` among its objects.
    dn = dn_lines().select(
        rec=pl.col("rec") - 1, this_dn=pl.col("text").str.extract(r"^\tDN\[\d+`([^\]]+)\]", 1)
    ).drop_nulls("this_dn").unique("rec", keep="first")
    return lone.select("pos", "rec", "source", "line", "event", context=pl.lit("summary")).join(
        dn, on="rec", how="left")


@dataclass
class _StreamState:
    anchor: Anchor | None = None
    weak: bool = False  # the anchor is only --date: any date found in the log wins (§3.5 order)
    rec_offset: int = 0


@dataclass
class _Lines:
    """The lines of one segment (and the record carried into it): byte spans and origins."""

    buf: np.ndarray
    start: np.ndarray
    end: np.ndarray
    src: np.ndarray      # index into names
    line: np.ndarray
    names: list[str]

    def text(self, rows: np.ndarray) -> pl.Series:
        return string_views([self.buf], self.start[rows], self.end[rows] - self.start[rows], name="text")

    def source(self, rows: np.ndarray) -> pl.Series:
        return pl.Series("source", self.names, dtype=pl.String).gather(self.src[rows])

    def window(self, a: int, b: int) -> "_Lines":
        """Lines ``a … b-1`` over their own slice of the buffer (zero-copy).

        String views hold 32-bit offsets, so a chunk's spans are made relative
        to the chunk: a segment larger than 2 GiB still gives valid views.
        """
        lo = int(self.start[a]) if b > a else 0
        hi = int(self.end[b - 1]) + 32 if b > a else 32
        return _Lines(self.buf[lo:hi], self.start[a:b] - lo, self.end[a:b] - lo, self.src[a:b], self.line[a:b],
                      self.names)


def _process(lines: _Lines, state: _StreamState, acct: Accounting, crlf: bool,
             keep_tail: bool) -> tuple[pl.DataFrame, int]:
    """Classify a chunk of lines (a :meth:`_Lines.window`); return their event rows (log_time, no ts yet).

    With ``keep_tail`` the last record is not processed: the returned count of
    processed lines tells where it starts, to be read again with the next
    chunk or segment, where it may continue (§2.4).
    """
    s, e = lines.start, lines.end
    n = len(s)
    # TAB-led lines (most of a T-Server log) are continuation lines by their first byte;
    # every other test runs only on the column-0 lines.
    kind = np.full(n, CODE["cont"], dtype=np.int64)
    col0 = np.flatnonzero((lines.buf[s] != 9) | (e == s))
    c0 = pl.concat(in_parallel(lambda part: classify_spans(lines.buf, s[part], e[part]),
                               np.array_split(col0, WORKERS)))
    kind[col0] = c0["kind"].to_physical().to_numpy()
    sip_bytes = np.zeros(n, dtype=np.int64)
    sip_bytes[col0] = c0["sip_bytes"].fill_null(0).to_numpy()
    kind[sip_bodies(kind, e - s, sip_bytes, crlf)] = CODE["sip_body"]
    r = records(kind, lines.text, state.rec_offset)
    cut = n
    if keep_tail:
        starts = np.flatnonzero(r["is_start"])
        cut = int(starts[-1]) if len(starts) else 0
    if cut == 0:
        return pl.DataFrame(), cut
    kind, is_start, rec, rec_kind, cat = (x[:cut] for x in (r["kind"], r["is_start"], r["rec"], r["rec_kind"],
                                                             r["cat"]))
    col0 = col0[col0 < cut]
    c0 = c0.head(len(col0))
    state.rec_offset = int(rec.max()) + 1

    in_event = np.isin(rec_kind, [CODE[k] for k in _EVENT_STARTS]) & (cat == CAT["event"])
    heads = np.flatnonzero(in_event & is_start)
    body = np.flatnonzero(in_event & ~is_start & np.isin(kind, [CODE["cont"], CODE["space_cont"]]))
    events, malformed = _block_events(lines, heads, body, kind, rec, acct)
    bad = (malformed["order"].to_numpy() // 2).astype(np.int64)
    cat[bad] = CAT["skipped"]
    counts = np.bincount(cat, minlength=len(CATEGORIES))
    for i in np.flatnonzero(counts):
        acct.lines[CATEGORIES[i]] = acct.lines.get(CATEGORIES[i], 0) + int(counts[i])
    skipped = np.flatnonzero(cat == CAT["skipped"])
    if len(skipped):
        reason = skip_reason(kind[skipped], rec_kind[skipped])
        reason[np.isin(skipped, bad)] = "malformed line inside a T-Library block"
        acct.add_skipped(pl.DataFrame({"source": lines.source(skipped), "line": lines.line[skipped],
                                       "text": lines.text(skipped), "reason": reason}))

    events = events.with_columns(pos=pl.Series(heads, dtype=pl.UInt32), source=lines.source(heads),
                                 line=lines.line[heads])
    events = events.filter(pl.col("event").str.starts_with("Event"))
    marks = np.flatnonzero(np.isin(kind[col0], [CODE["client_ev_hdr"], CODE["std"]]))
    if len(marks):
        at = col0[marks]

        def tab_rows() -> pl.DataFrame:  # asked for only when a summary has no dump
            t = np.flatnonzero(kind == CODE["cont"])
            return pl.DataFrame({"rec": rec[t], "text": lines.text(t)})

        summaries = _summary_only_events(pl.DataFrame({
            "pos": pl.Series(at, dtype=pl.UInt32), "rec": rec[at], "source": lines.source(at),
            "line": lines.line[at], "kind": kinds(kind[at]),
            "text": lines.text(at)}), tab_rows)
        if summaries.height:
            events = pl.concat([events, summaries], how="diagonal_relaxed")
    return _timed(events, c0.with_columns(pos=pl.Series(col0, dtype=pl.UInt32), text=lines.text(col0)),
                  state), cut


def _block_events(lines: _Lines, heads, body, kind, rec, acct: Accounting) -> tuple[pl.DataFrame, ...]:
    """:func:`block_events` of the chunk's blocks, in as many parts as there are workers."""
    cuts = np.linspace(0, len(heads), WORKERS + 1).astype(np.int64)
    body_rec = rec[body]

    def part(i: int) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
        h = heads[cuts[i]:cuts[i + 1]]
        lo = np.searchsorted(body_rec, rec[h[0]]) if len(h) else 0
        hi = np.searchsorted(body_rec, rec[h[-1]], side="right") if len(h) else 0
        b = body[lo:hi]
        frame = pl.DataFrame({"rec": rec[h], "kind": kinds(kind[h]), "text": lines.text(h)})
        warnings: dict[str, int] = {}
        events, malformed = block_events(lines.buf, frame, lines.start[b], lines.end[b], rec[b], b * 2,
                                         warnings, head_spans=(lines.start[h], lines.end[h]))
        return events, malformed, warnings

    done = in_parallel(part, list(range(WORKERS)))
    for _, _, warnings in done:
        for key, n in warnings.items():
            acct.warn(key, n)
    return (pl.concat([d[0] for d in done], how="diagonal_relaxed"),
            pl.concat([d[1] for d in done], how="vertical_relaxed"))


def _timed(events: pl.DataFrame, col0: pl.DataFrame, state: _StreamState) -> pl.DataFrame:
    """Give events their local ``log_time`` from the stamped lines of their chunk (§3)."""
    # Dates: stamped lines, check-point payloads, then event epochs when nothing else anchors.
    checkpoint = pl.col("text").str.extract(r" 04120 Check point (\d{4}-\d{2}-\d{2})", 1).str.to_date(strict=False)
    stamps = col0.filter(pl.col("st_tod").is_not_null()).select(
        "pos", st_date=pl.coalesce("st_date", pl.when(pl.col("text").str.contains(" 04120 ", literal=True))
                                   .then(checkpoint)), st_tod="st_tod")
    undated = stamps["st_date"].null_count() == stamps.height
    if (state.anchor is None or state.weak) and undated and "_timein_label" in events.columns:
        epoch = epoch_anchor_dates(events.select("pos", "_timein_secs", "_timein_label"))
        stamps = stamps.join(epoch.rename({"st_date": "_ed"}), on="pos", how="left").select(
            "pos", st_date=pl.coalesce("st_date", "_ed"), st_tod="st_tod")
    found_date = stamps["st_date"].null_count() < stamps.height
    times = anchor_times(stamps, None if (state.weak and found_date) else state.anchor).drop_nulls("log_time")
    if times.height:
        state.anchor, state.weak = Anchor.from_datetime(times["log_time"][-1]), False
    if events.height == 0:
        return events
    # Unstamped records (client dumps) inherit the time of the last stamped line (§3.4);
    # a dump before any stamp takes the first one after it.
    at = times["pos"].to_numpy().astype(np.int64)
    pos = events["pos"].to_numpy().astype(np.int64)
    k = np.maximum(np.searchsorted(at, pos, side="right") - 1, 0)
    log_time = times["log_time"].gather(k) if len(at) else pl.Series([None] * len(pos), dtype=pl.Datetime("us"))
    return events.with_columns(log_time=log_time)


@dataclass
class _Carry:
    """The unfinished last record of a segment, read again in front of the next one."""

    text: bytes = b""
    sources: list[str] = field(default_factory=list)
    src: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    line: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))


def _stream_events(stream: Stream, acct: Accounting, start: Anchor | None,
                   advance: Callable[[int], None], segments_read: list[str]) -> tuple[pl.DataFrame, dict]:
    state = _StreamState()
    carry = _Carry()
    pieces = []
    info: dict = {}
    for i, seg in enumerate(stream.segments):
        buf, start_b, end_b, bad, nbytes, crlf = read_segment(seg, prefix=carry.text)
        acct.warn("non-UTF-8 lines (decoded as Latin-1)", bad)
        header = seg.header()
        segments_read.append(seg.name)
        c = len(carry.line)
        n = len(start_b) - c
        if n == 0:
            acct.warn("empty files")
        skip = min(header.n_lines, n)
        if header.n_lines:
            acct.lines["header"] = acct.lines.get("header", 0) + skip
        names = carry.sources + [seg.name]
        src = np.full(n - skip, len(names) - 1, dtype=np.int64)
        line = np.arange(skip + 1, n + 1, dtype=np.int64)
        if c:  # the carried record's lines, then this segment's lines after its header
            start_b, end_b = (np.concatenate([x[:c], x[c + skip:]]) for x in (start_b, end_b))
            src, line = np.concatenate([carry.src, src]), np.concatenate([carry.line, line])
        else:  # views, not copies: these arrays have a row per line of the segment
            start_b, end_b = start_b[skip:], end_b[skip:]
        if i == 0:
            info = {"server": header.app_name or seg.base, "offset": header.utc_offset,
                    "app_type": header.app_type}
            stamp_time = seg.stamp_time
            state.anchor = (Anchor.from_datetime(header.local_time) if header.local_time
                            else Anchor.from_datetime(stamp_time) if stamp_time
                            else start)
            state.weak = not header.local_time and not stamp_time
        elif state.anchor is None and header.local_time:
            state.anchor = Anchor.from_datetime(header.local_time)
        last_segment = i == len(stream.segments) - 1
        # Work in chunks of lines so that memory stays bounded on large segments; each
        # chunk hands its unfinished last record to the next, like segments do.
        total = len(start_b)
        a, b, done = 0, min(CHUNK_LINES, total), 0
        carry = _Carry()
        seg_lines = _Lines(buf, start_b, end_b, src, line, names)
        first_piece = len(pieces)
        while total:
            keep_tail = not (last_segment and b == total)
            events, cut = _process(seg_lines.window(a, b), state, acct, crlf, keep_tail=keep_tail)
            if events.height:
                pieces.append(events)
            # progress in proportion to the lines of the segment handled so far
            share = nbytes * b // total
            advance(share - done)
            done = share
            if b == total:
                if keep_tail and a + cut < total:
                    rest = seg_lines.window(a + cut, total).text(np.arange(total - a - cut))
                    carry = _Carry(text=(rest.str.join("\n").item() + "\n").encode(), sources=names,
                                   src=src[a + cut:], line=line[a + cut:])
                break
            a, b = a + cut, min(b + CHUNK_LINES, total)
        advance(nbytes - done)
        if not last_segment:  # free this segment's bytes before the next one is read
            pieces[first_piece:] = [_own_strings(p) for p in pieces[first_piece:]]
    events = pl.concat(pieces, how="diagonal_relaxed") if pieces else pl.DataFrame()
    return events.with_columns(server=pl.lit(info.get("server"))) if events.height else events, info


def _own_strings(events: pl.DataFrame) -> pl.DataFrame:
    """The events with their strings copied out of the segment's buffer (which can then be freed).

    Event strings are views of the log bytes; once the next segment is read,
    keeping them as views would keep every segment in memory.
    """
    return pl.from_arrow(events.to_arrow()) if events.height else events


def _to_utc(events: pl.DataFrame, info: dict, tz: str | None) -> tuple[pl.DataFrame, str]:
    """Fill ``ts`` (UTC) from ``log_time`` by the first rule that applies (DESIGN.md §1)."""
    secs = pl.col("_timein_secs") if "_timein_secs" in events.columns else pl.lit(None, pl.Int64)
    usecs = pl.col("_timein_usecs") if "_timein_usecs" in events.columns else pl.lit(None, pl.Int64)
    events = events.with_columns(
        source_ts=pl.from_epoch(secs * 1_000_000 + usecs.fill_null(0), time_unit="us").dt.replace_time_zone("UTC"))
    if tz:
        return (events.with_columns(ts=local_to_utc(pl.col("log_time"), tz), tz_source=pl.lit("tz-option")),
                f"tz-option ({tz})")
    if info.get("offset") is not None:
        offset, basis = info["offset"], "header"
    elif (offset := epoch_offset(events)) is not None:
        basis = "timeinsecs"
    else:
        offset, basis = 0, "utc"
    ts = (pl.col("log_time") - pl.duration(seconds=offset)).dt.replace_time_zone("UTC")
    sign = "-" if offset < 0 else "+"
    return (events.with_columns(ts=ts, tz_source=pl.lit(basis)),
            f"{basis} (UTC{sign}{abs(offset) // 3600:02d}:{abs(offset) % 3600 // 60:02d})")


#: What identifies one event in the logs of both servers of an HA pair (log-formats §2.4, §5.9).
HA_KEY = ["seq", "event", "this_dn", "conn_id", "source_ts"]


def _dedupe_ha_pair(events: pl.DataFrame, acct: Accounting, preference: list[str]) -> pl.DataFrame:
    """Count an event once when the primary and the backup server both logged it.

    Streams are kept apart while reading; afterwards events with the same
    sequence number, name, DN, ConnID and event time (``AttributeTimeinSecs``)
    are one event. The copy of the server first in ``preference`` is kept
    (the one that handled client requests: the primary). Events without a
    sequence number or event time cannot be matched safely and are all kept.
    """
    keyed = pl.col("seq").is_not_null() & pl.col("source_ts").is_not_null()
    rank = pl.col("server").replace_strict({srv: i for i, srv in enumerate(preference)}, default=len(preference))
    kept = (events.filter(keyed).with_columns(_rank=rank).sort("_rank", maintain_order=True)
            .unique(HA_KEY, keep="first", maintain_order=True).drop("_rank"))
    removed = events.filter(keyed).height - kept.height
    if removed == 0:
        return events
    acct.warn("events logged by both servers of an HA pair (counted once)", removed)
    return pl.concat([kept, events.filter(~keyed)]).sort(["ts", "source", "line"], maintain_order=True)


def parse_tserver_log(sources: Sources, *, tz: str | None = None, date: str | date_type | None = None,
                      progress: Callable[[int], None] | None = None) -> ParseResult:
    """Parse T-Server / SIP Server logs with full accounting.

    Parameters
    ----------
    sources : path, glob, ``-`` or an iterable of them
        Log files, folders, globs, ``.gz``, ``.zip``.
    tz : str, optional
        IANA zone of the log's wall-clock times (overrides header and epoch).
    date : str or date, optional
        ``YYYY-MM-DD`` anchor for time-only logs without header or dated line.
    progress : callable, optional
        Called with the number of bytes of each segment read.

    Returns
    -------
    ParseResult

    Raises
    ------
    UserError
        Unusable input: missing file, folder without logs, binary or corrupt
        file, no date for time-only events, unknown zone.
    """
    check_tz(tz)
    start_date = parse_date_option(date)
    start = Anchor(start_date, 0) if start_date else None
    acct = Accounting()
    segments = collect_segments(sources)
    advance = progress or (lambda n: None)
    frames, bases, seg_names = [], {}, []
    requests: dict[str, int] = {}
    streams = group_streams(segments)
    for k, stream in enumerate(streams):
        before = acct.unsupported()
        handled = acct.lines.get("request", 0) + acct.lines.get("bsync", 0)
        events, info = _stream_events(stream, acct, start, advance, seg_names)
        requests[info.get("server") or stream.key] = (
            acct.lines.get("request", 0) + acct.lines.get("bsync", 0) - handled)
        if events.height == 0 and acct.unsupported() > before:
            raise UserError(f"{stream.segments[0].name} looks like a Platform SDK client log, which statcli "
                            "does not read (give T-Server / SIP Server or OCS logs)")
        if events.height == 0:
            continue
        if events["log_time"].null_count():
            raise UserError(f"cannot tell the date of the time-only log {stream.segments[0].name}: "
                            "give --date YYYY-MM-DD")
        events, basis = _to_utc(events, info, tz)
        bases[info.get("server") or stream.key] = basis
        frames.append(events if k == len(streams) - 1 else _own_strings(events))
    total = sum(acct.lines.values())
    if total == 0:
        raise UserError("the input has no log lines (empty files)")
    if not frames:
        # At verbose=standard a T-Server logs no TEvent blocks at all (log-formats §2.2):
        # say so instead of letting statistics silently come out empty.
        acct.warn("no TEvent blocks found (is the log's `verbose` option below `trace`?)")
    events = pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
    events = conform(events, EVENTS) if events.height else EVENTS.empty()
    events = events.sort(["ts", "source", "line"], maintain_order=True)
    if len(frames) > 1:
        preference = [srv for srv, _ in sorted(requests.items(), key=lambda kv: -kv[1])]
        events = _dedupe_ha_pair(events, acct, preference)
    return ParseResult(events=events, lines=acct.lines, skipped=acct.skipped, examples=acct.examples,
                       warnings=acct.warnings, tz_basis=bases, total_lines=total, segments=seg_names)


def read_tserver_log(sources: Sources, *, tz: str | None = None, date: str | date_type | None = None,
                     strict: bool = False) -> pl.DataFrame:
    """Read T-Server / SIP Server logs into the events table.

    Parameters
    ----------
    sources : path, glob, ``-`` or an iterable of them
        Log files, folders (recursively), globs, ``.gz`` and ``.zip``.
    tz : str, optional
        IANA time zone of the log's clock (default: header, then
        ``AttributeTimeinSecs``, then UTC).
    date : str, optional
        ``YYYY-MM-DD`` for time-only excerpts without header or dated line.
    strict : bool, default False
        Raise :class:`statcli.errors.StrictError` when any line was skipped.

    Returns
    -------
    polars.DataFrame
        One row per TEvent, in the EVENTS schema (``statcli.schema.EVENTS``).

    Examples
    --------
    >>> import statcli
    >>> ev = statcli.read_tserver_log("sample_logs/")  # doctest: +SKIP
    >>> ev.group_by("event").len()                     # doctest: +SKIP
    """
    result = parse_tserver_log(sources, tz=tz, date=date)
    if strict and result.skipped_lines:
        raise StrictError(f"{result.skipped_lines} input lines were skipped (--strict)")
    return result.events


def scan_tserver_log(sources: Sources, *, tz: str | None = None, date: str | date_type | None = None
                     ) -> pl.LazyFrame:
    """Lazy variant of :func:`read_tserver_log`: nothing is read until ``collect()``.

    Examples
    --------
    >>> import statcli
    >>> lf = statcli.scan_tserver_log("sample_logs/")   # doctest: +SKIP
    >>> lf.filter(pl.col("event") == "EventRinging").collect()  # doctest: +SKIP
    """
    return pl.defer(lambda: read_tserver_log(sources, tz=tz, date=date), schema=EVENTS.polars)
