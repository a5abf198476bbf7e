"""The summary ``statcli parse`` shows: time span, events, busiest DNs, line accounting."""

from __future__ import annotations

import polars as pl
from rich.console import Console
from rich.table import Table

from statcli.read.tserver import ParseResult


def summary_tables(result: ParseResult, top: int = 10) -> list[Table]:
    """Rich tables describing a parse.

    Parameters
    ----------
    result : ParseResult
        What :func:`statcli.read.tserver.parse_tserver_log` returned.
    top : int, default 10
        How many event names and DNs to list.

    Returns
    -------
    list of rich.table.Table

    Examples
    --------
    >>> from statcli.read.tserver import ParseResult
    >>> from statcli.schema import EVENTS
    >>> r = ParseResult(events=EVENTS.empty(), lines={"std": 2}, total_lines=2)
    >>> [t.title for t in summary_tables(r)]
    ['Input', 'Line accounting']
    """
    ev = result.events
    tables = []
    overview = Table(title="Input", show_header=False)
    overview.add_row("segments", str(len(result.segments)))
    overview.add_row("lines", f"{result.total_lines:,}")
    overview.add_row("events", f"{ev.height:,}")
    if ev.height:
        overview.add_row("first event (UTC)", str(ev["ts"].min()))
        overview.add_row("last event (UTC)", str(ev["ts"].max()))
    for stream, basis in result.tz_basis.items():
        overview.add_row(f"UTC offset of {stream}", basis)
    for key, n in result.warnings.items():
        overview.add_row(f"warning: {key}", f"{n:,}")
    tables.append(overview)

    if ev.height:
        by_name = Table(title="Events by name")
        by_name.add_column("event")
        by_name.add_column("count", justify="right")
        for name, n in ev.group_by("event").len().sort(["len", "event"], descending=[True, False]).head(top).iter_rows():
            by_name.add_row(name, f"{n:,}")
        tables.append(by_name)
        dns = ev.filter(pl.col("this_dn").is_not_null()).group_by("this_dn").len()
        if dns.height:
            busiest = Table(title="Busiest DNs")
            busiest.add_column("DN")
            busiest.add_column("events", justify="right")
            for dn, n in dns.sort(["len", "this_dn"], descending=[True, False]).head(top).iter_rows():
                busiest.add_row(dn, f"{n:,}")
            tables.append(busiest)

    acct = Table(title="Line accounting")
    acct.add_column("category")
    acct.add_column("lines", justify="right")
    for cat, n in sorted(result.lines.items(), key=lambda kv: -kv[1]):
        acct.add_row(cat, f"{n:,}")
    acct.add_row("[b]total[/b]", f"[b]{result.total_lines:,}[/b]")
    tables.append(acct)

    if result.skipped:
        skipped = Table(title="Skipped lines")
        skipped.add_column("reason")
        skipped.add_column("lines", justify="right")
        skipped.add_column("first examples (file:line)")
        for reason, n in sorted(result.skipped.items(), key=lambda kv: -kv[1]):
            where = ", ".join(f"{src}:{line}" for src, line, r, _ in result.examples if r == reason)
            skipped.add_row(reason, f"{n:,}", where)
        tables.append(skipped)
    return tables


def print_summary(result: ParseResult, console: Console) -> None:
    """Print :func:`summary_tables` to a console."""
    for table in summary_tables(result):
        console.print(table)


def campaign_tables(ocs) -> list[Table]:
    """Rich tables for an OCS parse: campaign events by kind and the OCS line accounting.

    Examples
    --------
    >>> import polars as pl
    >>> from statcli.read.ocs import OcsParse
    >>> from statcli.schema import CAMPAIGN_EVENTS
    >>> counts = pl.DataFrame({"disposition": ["recognised"], "line_class": ["trace"], "lines": [3]})
    >>> r = OcsParse(CAMPAIGN_EVENTS.empty(), counts, pl.DataFrame(), "utc")
    >>> [t.title for t in campaign_tables(r)]
    ['OCS line accounting (3 lines)']
    """
    tables = []
    ce = ocs.campaign_events
    if ce.height:
        kinds = Table(title=f"Campaign events ({ce.height:,}, {ce['ts'].min()} – {ce['ts'].max()} UTC)")
        for col, just in (("kind", "left"), ("campaign", "left"), ("count", "right")):
            kinds.add_column(col, justify=just)
        by = ce.group_by("kind", "campaign").len().sort(["kind", "campaign"], nulls_last=True)
        for kind, campaign, n in by.iter_rows():
            kinds.add_row(kind, campaign or "-", f"{n:,}")
        tables.append(kinds)
    acct = Table(title=f"OCS line accounting ({ocs.total_lines:,} lines)")
    for col, just in (("disposition", "left"), ("line class", "left"), ("lines", "right")):
        acct.add_column(col, justify=just)
    for disposition, cls, n in ocs.line_counts.sort(["disposition", "line_class"]).iter_rows():
        acct.add_row(disposition, cls or "-", f"{n:,}")
    tables.append(acct)
    return tables


def print_campaign_summary(ocs, console: Console) -> None:
    """Print :func:`campaign_tables` to a console."""
    for table in campaign_tables(ocs):
        console.print(table)


def summary_line(result: ParseResult | None, ocs=None) -> str:
    """A one-line summary for non-TTY use (stderr).

    Examples
    --------
    >>> from statcli.read.tserver import ParseResult
    >>> from statcli.schema import EVENTS
    >>> summary_line(ParseResult(events=EVENTS.empty(), lines={"std": 2}, skipped={}, total_lines=2))
    'statcli: 0 events from 2 lines (0 skipped)'
    """
    parts = []
    if result is not None:
        parts.append(f"{result.events.height:,} events from {result.total_lines:,} lines "
                     f"({result.skipped_lines:,} skipped)")
    if ocs is not None:
        parts.append(f"{ocs.campaign_events.height:,} campaign events from {ocs.total_lines:,} OCS lines "
                     f"({ocs.skipped.height:,} skipped)")
    return "statcli: " + "; ".join(parts)
