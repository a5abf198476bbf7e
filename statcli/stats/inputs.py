"""Turn ``statcli report`` inputs (logs, events or actions Parquet) into an actions table.

A Parquet file says what it holds in its ``statcli.schema`` metadata key
(written by :func:`statcli.render.writers.write_parquet`). Anything else is
log text for the T-Server parser. Each stage is imported only when needed, so
``statcli report actions.parquet`` never loads the parser.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from statcli.errors import UserError
from statcli.schema import ACTIONS, conform


def parquet_kind(path: str | Path) -> str | None:
    """The ``statcli.schema`` of a Parquet file, ``"parquet"`` for a foreign one, None for non-Parquet.

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> from statcli.render.writers import write_parquet
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.parquet"
    >>> _ = write_parquet(pl.DataFrame({"a": [1]}), p, "actions")
    >>> parquet_kind(p), parquet_kind(__file__)
    ('actions', None)
    """
    p = Path(path)
    if not p.is_file():
        return None
    with open(p, "rb") as fh:
        if fh.read(4) != b"PAR1":
            return None
    meta = pq.read_schema(p).metadata or {}
    return meta.get(b"statcli.schema", b"parquet").decode()


def log_timezone(events: pl.DataFrame):
    """The log's own UTC offset (median of ``log_time − ts``) as a fixed tzinfo, None when unknown.

    Interval boundaries are local wall-clock times (TIME-5); without ``--tz``
    the offset the parser resolved is the best local time statcli knows.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> ev = pl.DataFrame({"ts": [datetime(2026, 1, 16, 13, tzinfo=timezone.utc)],
    ...                    "log_time": [datetime(2026, 1, 16, 8)]})
    >>> log_timezone(ev)
    datetime.timezone(datetime.timedelta(days=-1, seconds=68400))
    """
    from datetime import timedelta, timezone

    if events.is_empty() or "log_time" not in events.columns:
        return None
    diff = events.select((pl.col("log_time") - pl.col("ts").dt.replace_time_zone(None)).dt.total_seconds()
                         .median()).item()
    if diff is None:
        return None
    return timezone(timedelta(seconds=round(diff / 60) * 60))


def load_actions(inputs, *, tz: str | None = None, date: str | None = None, objects=None,
                 mode: str = "regular") -> pl.DataFrame:
    """Actions only; see :func:`load_report_input`.

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> from statcli.render.writers import write_parquet
    >>> from statcli.schema import ACTIONS
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.parquet"
    >>> _ = write_parquet(ACTIONS.empty(), p, "actions")
    >>> load_actions([p]).width == len(ACTIONS)
    True
    """
    return load_report_input(inputs, tz=tz, date=date, objects=objects, mode=mode)[0]


def load_report_input(inputs, *, tz: str | None = None, date: str | None = None, objects=None,
                      mode: str = "regular"):
    """Actions from a mix of logs, events Parquet and actions Parquet.

    Parameters
    ----------
    inputs : iterable of str or Path
        Log files/folders/globs (parsed with ``read_tserver_log``), events
        Parquet (derived with ``derive_actions``) or actions Parquet.
    tz, date : str, optional
        Passed to the log parser.
    objects : statcli.objects.Objects, optional
        Passed to the derivation.

    Returns
    -------
    tuple
        ``(actions, zone)``: the actions table and the logs' own time zone
        (a fixed offset, from the events) or None when only actions were given.

    Raises
    ------
    UserError
        A Parquet file that is not an events/actions table.
    """
    groups: dict[str, list[str]] = {"actions": [], "events": [], "campaign_events": [], "logs": []}
    for item in inputs:
        kind = parquet_kind(item)
        if kind is None:
            groups["logs"].append(str(item))
        elif kind in groups:
            groups[kind].append(str(item))
        else:
            raise UserError(f"{item}: a Parquet file of kind {kind!r}; report reads logs, events or actions")
    frames = [conform(pl.read_parquet(p), ACTIONS) for p in groups["actions"]]
    zone = None
    events = [pl.read_parquet(p) for p in groups["events"]]
    if groups["logs"]:
        try:
            from statcli.read.tserver import read_tserver_log
        except ImportError:
            raise UserError("reading log text needs the T-Server parser, which this build lacks; "
                            "give events or actions Parquet") from None
        events.append(read_tserver_log(groups["logs"], tz=tz, date=date))
    if events or groups["campaign_events"]:
        from statcli.derive import derive_actions

        camp = pl.concat([pl.read_parquet(p) for p in groups["campaign_events"]], how="diagonal_relaxed") \
            if groups["campaign_events"] else None
        ev = pl.concat(events, how="diagonal_relaxed") if events else None
        zone = log_timezone(ev) if ev is not None else None
        if ev is None:
            from statcli.schema import EVENTS
            ev = EVENTS.empty()
        frames.append(conform(derive_actions(ev, objects=objects, mode=mode, campaign_events=camp, propagate=True),
                              ACTIONS))
    if not frames:
        raise UserError("no input")
    return (pl.concat(frames, how="vertical_relaxed") if len(frames) > 1 else frames[0]), zone
