"""One loader for every command's inputs: logs of both kinds and statcli Parquet files.

Each stage accepts the previous stage's Parquet (DESIGN.md), so ``parse``,
``derive-actions`` and ``report`` all take a mix of T-Server / SIP Server
logs, OCS logs and Parquet files. A Parquet file says what it holds in its
``statcli.schema`` metadata; log files are sorted into T-Server and OCS logs
by their header or content (``--kind`` forces one).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import polars as pl
import pyarrow.parquet as pq

from statcli.errors import StrictError, UserError
from statcli.schema import EVENTS, SCHEMAS, conform


def parquet_kind(path: str | os.PathLike) -> str | None:
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
    try:
        meta = pq.read_schema(p).metadata or {}
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for broken files
        raise UserError(f"{p}: unreadable Parquet file ({exc})") from None
    return meta.get(b"statcli.schema", b"parquet").decode()


@dataclass
class Inputs:
    """What the inputs of a command held.

    Attributes
    ----------
    events : polars.DataFrame
        T-Server events from logs and events Parquet (EVENTS schema; may be empty).
    campaign_events : polars.DataFrame or None
        OCS campaign events from OCS logs and campaign_events Parquet.
    tables : dict
        Other statcli Parquet tables given directly (``actions``, ``statuses``), by schema name.
    tserver, ocs : parse results or None
        The T-Server :class:`~statcli.read.tserver.ParseResult` and the OCS
        :class:`~statcli.read.ocs.OcsParse`, when logs of that kind were read.
    """

    events: pl.DataFrame
    campaign_events: pl.DataFrame | None = None
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    tserver: object | None = None
    ocs: object | None = None

    @property
    def skipped(self) -> dict[str, int]:
        """Skip reason → lines, over both readers."""
        out = dict(self.tserver.skipped) if self.tserver is not None else {}
        if self.ocs is not None and self.ocs.skipped.height:
            for reason, n in self.ocs.skipped.group_by("reason").len().iter_rows():
                out[f"OCS: {reason}"] = out.get(f"OCS: {reason}", 0) + n
        return out

    @property
    def skipped_lines(self) -> int:
        return sum(self.skipped.values())


def load_inputs(inputs: Iterable[str | os.PathLike], *, tz: str | None = None, date: str | None = None,
                kind: str | None = None, accept: Iterable[str] = ("events", "campaign_events"),
                strict: bool = False, progress: Callable[[int], None] | None = None) -> Inputs:
    """Read a command's inputs.

    Parameters
    ----------
    inputs : iterable of path
        Logs (files, folders, globs, ``.gz``, ``.zip``, ``-``) and statcli Parquet files.
    tz, date : str, optional
        Passed to the log readers.
    kind : {"tserver", "ocs"}, optional
        Force the kind of every log (default: detected per file).
    accept : iterable of str
        Parquet schemas this command reads (``events``, ``campaign_events``,
        ``actions``, ``statuses``).
    strict : bool, default False
        Raise :class:`~statcli.errors.StrictError` when a log line was skipped.
    progress : callable, optional
        Called with bytes read (T-Server logs).

    Returns
    -------
    Inputs

    Raises
    ------
    UserError
        A Parquet file of a kind the command does not read, or any reader error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.log"
    >>> _ = p.write_text("@10:00:00.0000 [0] 8.1 distribute_event: message EventRinging\\n"
    ...                  "\\tAttributeThisDN\\t'7001'\\n")
    >>> load_inputs([p], date="2026-01-16").events["this_dn"].to_list()
    ['7001']
    """
    accept = tuple(accept)
    logs: list[str] = []
    parquet: dict[str, list[pl.DataFrame]] = {}
    for item in inputs:
        found = parquet_kind(item) if str(item) != "-" else None
        if found is None:
            logs.append(os.fspath(item))
        elif found in accept:
            frame = pl.read_parquet(item)
            parquet.setdefault(found, []).append(conform(frame, SCHEMAS[found], keep_extra=True)
                                                 if found in SCHEMAS else frame)
        else:
            what = f"a {found} table" if found in SCHEMAS else "a Parquet file statcli did not write"
            raise UserError(f"{item} is {what}; this command reads logs or {' / '.join(accept)} Parquet")
    result = Inputs(events=EVENTS.empty())
    if logs:
        from statcli.read.ocs import parse_ocs_log, split_sources
        from statcli.read.tserver import parse_tserver_log

        by_kind = split_sources(logs, kind=kind)
        if by_kind["tserver"]:
            result.tserver = parse_tserver_log(by_kind["tserver"], tz=tz, date=date, progress=progress)
            parquet.setdefault("events", []).insert(0, result.tserver.events)
        if by_kind["ocs"]:
            result.ocs = parse_ocs_log(by_kind["ocs"], tz=tz, date=date)
            parquet.setdefault("campaign_events", []).insert(0, result.ocs.campaign_events)
    if strict and result.skipped_lines:
        reasons = ", ".join(f"{k}: {v}" for k, v in result.skipped.items())
        raise StrictError(f"{result.skipped_lines} input lines were skipped ({reasons}) (--strict)")
    if "events" in parquet:
        result.events = pl.concat(parquet.pop("events"), how="diagonal_relaxed")
    if "campaign_events" in parquet:
        result.campaign_events = pl.concat(parquet.pop("campaign_events"), how="diagonal_relaxed")
    result.tables = {k: pl.concat(v, how="diagonal_relaxed") for k, v in parquet.items()}
    return result
