"""``statcli parse``: logs → the events table."""

from __future__ import annotations

import os

import click

from statcli.cli.common import date_option, input_paths, output_options, resolve_format, strict_option, tz_option
from statcli.errors import StrictError
from statcli.render.console import byte_progress, is_tty, stderr_console, stdout_console

EPILOG = """\b
Examples:
  statcli parse sample_logs/                       summary of a log folder
  statcli parse SIP_P.*.log.gz -o events.parquet   rotated, gzipped segments
  statcli parse excerpt.log --date 2026-01-16      a time-only excerpt
  statcli parse logs.zip --tz Europe/Berlin --strict
  zcat SIP_P.log.gz | statcli parse - --format csv > events.csv
"""


def _total_bytes(inputs) -> int:
    total = 0
    for path in inputs:
        if os.path.isfile(path):
            total += os.path.getsize(path)
        elif os.path.isdir(path):
            for root, _, files in os.walk(path):
                total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


@click.command("parse", epilog=EPILOG)
@input_paths
@tz_option
@date_option
@strict_option
@output_options(default="table")
def parse(inputs, tz, date, strict, fmt, output):
    """Read T-Server / SIP Server logs into the events table.

    INPUT may be log files, folders (read recursively), glob patterns, .gz and
    .zip archives, or - for standard input. Rotated segments of one application
    are read in order as one stream. With -o the events are written as Parquet
    (or CSV/JSON by --format / suffix); on a terminal a summary is shown:
    time span, events by name, busiest DNs and the accounting of every line.
    """
    from statcli.read.tserver import parse_tserver_log
    from statcli.render.parse_summary import print_summary, summary_line
    from statcli.render.writers import write_table

    with byte_progress(_total_bytes(inputs), "parsing") as advance:
        result = parse_tserver_log(list(inputs), tz=tz, date=date, progress=advance)
    fmt = resolve_format(fmt, output, "table")
    if fmt == "table":
        if output:
            raise click.UsageError("--format table cannot be written to a file; use csv, json or parquet")
        print_summary(result, stdout_console())
    else:
        write_table(result.events, fmt, output, "events")
        if is_tty(stderr_console().file) or output:
            click.echo(summary_line(result), err=True)
    if result.skipped_lines:
        click.echo(f"statcli: {result.skipped_lines:,} lines skipped "
                   f"({', '.join(f'{r}: {n}' for r, n in result.skipped.items())})", err=True)
        if strict:
            raise StrictError(f"{result.skipped_lines} input lines were skipped (--strict)")
