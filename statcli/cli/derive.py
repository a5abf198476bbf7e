"""``statcli derive-actions``: logs or events Parquet → the actions table.

A thin layer over :func:`statcli.derive.derive_actions`: it reads the inputs
with the shared loader (:func:`statcli.read.inputs.load_inputs`: T-Server and
OCS logs, events / campaign_events Parquet), derives, writes the table and, on
a terminal, summarises what it found.
"""

from __future__ import annotations

import click
import polars as pl

from statcli.cli.common import (date_option, input_paths, kind_option, output_options, resolve_format, strict_option,
                                tz_option)
from statcli.errors import UserError
from statcli.render.console import is_tty, stderr_console, stdout_console

EPILOG = """\b
Examples:
  statcli derive-actions sample_logs/ -o actions.parquet
  statcli derive-actions TServer.20260116.log.gz --tz Europe/Berlin
  statcli derive-actions events.parquet --objects objects.toml -o actions.parquet
  statcli derive-actions sample_logs/ --mode cluster --format csv > actions.csv
  statcli derive-actions events.parquet ocs_events.parquet --format json -o actions.json
  statcli derive-actions sample_logs/ --objects sample_logs/objects.toml --statuses -o out/
"""

MODES = ("regular", "cluster", "ss_c")


def render_summary(actions: pl.DataFrame, quality: dict[str, int], mode: str, console=None) -> None:
    """Rich summary: actions by name and kind (with open ones) and the data-quality counters."""
    from rich.table import Table

    console = console or stdout_console()
    by = (actions.group_by("action", "kind")
          .agg(rows=pl.len(), open=(pl.col("end").is_null() & (pl.col("kind") == "durable")).sum(),
               objects=pl.col("object_id").n_unique())
          .sort(["rows", "action"], descending=[True, False]))
    window = ""
    if actions.height and actions["start"].min() is not None:
        last = actions.select(pl.max_horizontal(pl.col("start").max(), pl.col("end").max())).item()
        window = f"{actions['start'].min():%Y-%m-%d %H:%M:%S} – {last:%Y-%m-%d %H:%M:%S} UTC"
    table = Table(title=f"{actions.height} actions ({mode} mode)", caption=window or None)
    for col, just in (("action", "left"), ("kind", "left"), ("rows", "right"), ("open", "right"),
                      ("objects", "right")):
        table.add_column(col, justify=just)
    for row in by.iter_rows():
        table.add_row(*[str(v) for v in row])
    console.print(table)
    dq = Table(title="data quality")
    dq.add_column("counter")
    dq.add_column("value", justify="right")
    for key, value in quality.items():
        dq.add_row(key.replace("_", " "), str(value))
    console.print(dq)


@click.command("derive-actions", epilog=EPILOG)
@input_paths
@click.option("--objects", "objects_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Objects configuration (TOML): DN types, places, groups. Without it DN types are inferred.")
@click.option("--mode", type=click.Choice(MODES, case_sensitive=False), default="regular", show_default=True,
              help="cluster (alias ss_c): only the actions Stat Server has in restricted cluster (SS_c) mode.")
@click.option("--statuses", "with_statuses", is_flag=True, default=False,
              help="Also propagate to agents, places and groups and derive status segments; "
                   "-o DIR then writes DIR/actions.parquet and DIR/statuses.parquet.")
@tz_option
@date_option
@kind_option
@strict_option
@output_options(dir_okay=True)
def derive_actions_cmd(inputs, objects_file, mode, with_statuses, tz, date, kind, strict, fmt, output):
    """Derive Stat Server actions from T-Server / SIP Server (and OCS) logs or events Parquet.

    One row per action occurrence (Monitored, LoggedIn, CallRinging, CallWait,
    ...) with start, end and duration in whole seconds; durable actions still
    running at the end of the data have no end. On a terminal a summary shows
    the actions by name and kind and data-quality counters; use -o FILE or
    --format csv|json|parquet for the table itself.
    """
    from statcli.derive import derive_actions
    from statcli.derive.quality import data_quality

    import os

    if with_statuses and not output:
        raise UserError("--statuses needs -o DIR (it writes DIR/actions.parquet and DIR/statuses.parquet)")
    if output and os.path.isdir(output) and not with_statuses:
        raise UserError(f"-o {output} is a directory; give a file name (or use --statuses to write a folder)")
    fmt = resolve_format(fmt, output, "table" if is_tty() else "csv") if not with_statuses else "parquet"
    if fmt == "table" and output:
        raise UserError("--format table is for the terminal; use csv, json or parquet with -o FILE")
    objects = None
    if objects_file:
        from statcli.objects import load_objects

        objects = load_objects(objects_file)
    from statcli.read.inputs import load_inputs

    loaded = load_inputs(inputs, tz=tz, date=date, kind=kind, strict=strict, accept=("events", "campaign_events"))
    events, skipped = loaded.events, loaded.skipped
    actions = derive_actions(events, objects=objects, mode=mode, campaign_events=loaded.campaign_events,
                             )
    err = stderr_console()
    if skipped:
        total = sum(skipped.values())
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items()))
        err.print(f"statcli: warning: {total} input line(s) skipped ({detail})", markup=False, highlight=False)
    if with_statuses:
        from statcli.derive.status import write_actions_and_statuses

        paths = write_actions_and_statuses(actions, output, objects=objects)
        if is_tty():
            render_summary(actions, data_quality(events, actions), mode)
            stdout_console().print(f"wrote {paths['actions']} and {paths['statuses']}")
        return
    if fmt == "table":
        render_summary(actions, data_quality(events, actions), mode)
        return
    from statcli.render.writers import write_table

    write_table(actions, fmt, output, "actions")
    if output and is_tty():
        render_summary(actions, data_quality(events, actions), mode)
        stdout_console().print(f"wrote {actions.height} actions to {output}")
