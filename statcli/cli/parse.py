"""``statcli parse``: logs → the events table."""

from __future__ import annotations

import os

import click

from pathlib import Path

from statcli.cli.common import (date_option, input_paths, kind_option, output_options, resolve_format,
                                strict_option, tz_option)
from statcli.errors import StrictError, UserError
from statcli.render.console import byte_progress, is_tty, stderr_console, stdout_console

EPILOG = """\b
Examples:
  statcli parse sample_logs/                       summary of a log folder
  statcli parse SIP_P.*.log.gz -o events.parquet   rotated, gzipped segments
  statcli parse excerpt.log --date 2026-01-16      a time-only excerpt
  statcli parse logs.zip --tz Europe/Berlin --strict
  zcat SIP_P.log.gz | statcli parse - --format csv > events.csv
  statcli parse OCS.20260116_080000_100.log -o campaign_events.parquet
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
@kind_option
@strict_option
@output_options(default="table")
def parse(inputs, tz, date, kind, strict, fmt, output):
    """Read T-Server / SIP Server logs into the events table, OCS logs into campaign events.

    INPUT may be log files, folders (read recursively), glob patterns, .gz and
    .zip archives, or - for standard input. Rotated segments of one application
    are read in order as one stream; OCS logs are recognised by their header or
    content (--kind forces one kind). With -o the events are written as Parquet
    (or CSV/JSON by --format / suffix); OCS campaign events go to the same file
    when only OCS logs are given, else to FILE's sibling NAME.campaign_events.EXT.
    On a terminal a summary is shown: time span, events by name, busiest DNs and
    the accounting of every line.
    """
    from statcli.read.inputs import load_inputs
    from statcli.render.parse_summary import print_campaign_summary, print_summary, summary_line
    from statcli.render.writers import write_table

    with byte_progress(_total_bytes(inputs), "parsing") as advance:
        loaded = load_inputs(list(inputs), tz=tz, date=date, kind=kind, accept=(), progress=advance)
    fmt = resolve_format(fmt, output, "table")
    tserver, ocs = loaded.tserver, loaded.ocs
    if fmt == "table":
        if output:
            raise click.UsageError("--format table cannot be written to a file; use csv, json or parquet")
        if tserver is not None:
            print_summary(tserver, stdout_console())
        if ocs is not None:
            print_campaign_summary(ocs, stdout_console())
    else:
        if tserver is not None and ocs is not None and output is None:
            raise UserError("T-Server and OCS logs were given together: use -o FILE "
                            "(campaign events go to FILE's sibling) or --kind")
        if tserver is not None:
            write_table(loaded.events, fmt, output, "events")
        if ocs is not None:
            target = output
            if tserver is not None:
                path = Path(output)
                target = str(path.with_name(f"{path.stem}.campaign_events{path.suffix}"))
                click.echo(f"statcli: campaign events written to {target}", err=True)
            write_table(loaded.campaign_events, fmt, target, "campaign_events")
        if is_tty(stderr_console().file) or output:
            click.echo(summary_line(tserver, ocs), err=True)
    if loaded.skipped_lines:
        click.echo(f"statcli: {loaded.skipped_lines:,} lines skipped "
                   f"({', '.join(f'{r}: {n}' for r, n in loaded.skipped.items())})", err=True)
        if strict:
            raise StrictError(f"{loaded.skipped_lines} input lines were skipped (--strict)")
