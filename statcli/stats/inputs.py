"""Turn ``statcli report`` inputs (logs, events or actions Parquet) into an actions table.

Inputs are read by :func:`statcli.read.inputs.load_inputs` (T-Server and OCS
logs, statcli Parquet by its ``statcli.schema`` metadata); events and campaign
events are derived into actions here. The derivation is imported only when
needed, so ``statcli report actions.parquet`` never loads it.
"""

from __future__ import annotations

import polars as pl

from statcli.errors import UserError
from statcli.schema import ACTIONS, conform


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
                 mode: str = "regular", kind: str | None = None) -> pl.DataFrame:
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
    return load_report_input(inputs, tz=tz, date=date, objects=objects, mode=mode, kind=kind)[0]


def load_report_input(inputs, *, tz: str | None = None, date: str | None = None, objects=None,
                      mode: str = "regular", kind: str | None = None):
    """Actions from a mix of logs, events Parquet and actions Parquet.

    Parameters
    ----------
    inputs : iterable of str or Path
        T-Server and OCS logs (files, folders, globs; read by
        :func:`statcli.read.inputs.load_inputs`), events / campaign_events
        Parquet (derived with ``derive_actions``) or actions Parquet.
    tz, date : str, optional
        Passed to the log readers.
    kind : {"tserver", "ocs"}, optional
        Force the kind of every log file.
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
    from statcli.read.inputs import load_inputs

    loaded = load_inputs(inputs, tz=tz, date=date, kind=kind, accept=("actions", "events", "campaign_events"))
    frames = [conform(loaded.tables["actions"], ACTIONS)] if "actions" in loaded.tables else []
    zone = None
    if loaded.events.height or loaded.campaign_events is not None:
        from statcli.derive import derive_actions

        zone = log_timezone(loaded.events) if loaded.events.height else None
        frames.append(conform(derive_actions(loaded.events, objects=objects, mode=mode,
                                             campaign_events=loaded.campaign_events, propagate=True), ACTIONS))
    if not frames:
        raise UserError("no input")
    return (pl.concat(frames, how="vertical_relaxed") if len(frames) > 1 else frames[0]), zone
