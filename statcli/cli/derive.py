"""``statcli derive-actions``: logs or events Parquet → the actions table.

A thin layer over :func:`statcli.derive.derive_actions`: it reads the inputs,
derives, writes the table and, on a terminal, summarises what it found.
"""

from __future__ import annotations

import click
import polars as pl

from statcli.cli.common import date_option, input_paths, output_options, resolve_format, strict_option, tz_option
from statcli.errors import StrictError, UserError
from statcli.render.console import is_tty, stderr_console, stdout_console

EPILOG = """\b
Examples:
  statcli derive-actions sample_logs/ -o actions.parquet
  statcli derive-actions TServer.20260116.log.gz --tz Europe/Berlin
  statcli derive-actions events.parquet --objects objects.toml -o actions.parquet
  statcli derive-actions sample_logs/ --mode cluster --format csv > actions.csv
  statcli derive-actions events.parquet ocs_events.parquet --format json -o actions.json
"""

MODES = ("regular", "cluster", "ss_c")


def load_inputs(inputs, *, tz: str | None = None, date: str | None = None, strict: bool = False
                ) -> tuple[pl.DataFrame, pl.DataFrame | None, dict[str, int]]:
    """Events (and OCS campaign events) from logs and Parquet files.

    Parquet files are recognised by their magic bytes and their ``statcli.schema``
    metadata; anything else is log text for the T-Server parser.

    Returns
    -------
    events, campaign_events, skipped
        ``skipped`` maps skip reason → number of log lines the parser skipped.

    Raises
    ------
    UserError
        An actions or foreign Parquet file, or unreadable logs; with
        ``strict``, any skipped log line (:class:`StrictError`).
    """
    from statcli.stats.inputs import parquet_kind

    events, campaign, logs = [], [], []
    for item in inputs:
        kind = parquet_kind(item)
        if kind is None:
            logs.append(str(item))
        elif kind == "events":
            events.append(pl.read_parquet(item))
        elif kind == "campaign_events":
            campaign.append(pl.read_parquet(item))
        elif kind == "actions":
            raise UserError(f"{item} already holds actions; give logs or an events Parquet")
        else:
            raise UserError(f"{item}: a Parquet file of kind {kind!r}; derive-actions reads logs or events Parquet")
    skipped: dict[str, int] = {}
    if logs:
        from statcli.read.tserver import parse_tserver_log

        result = parse_tserver_log(logs, tz=tz, date=date)
        events.append(result.events)
        skipped = dict(result.skipped)
        if strict and result.skipped_lines:
            raise StrictError(f"{result.skipped_lines} input line(s) skipped "
                              f"({', '.join(f'{k}: {v}' for k, v in skipped.items())})")
    from statcli.schema import EVENTS

    ev = pl.concat(events, how="diagonal_relaxed") if events else EVENTS.empty()
    camp = pl.concat(campaign, how="diagonal_relaxed") if campaign else None
    return ev, camp, skipped


def render_summary(actions: pl.DataFrame, quality: dict[str, int], mode: str, console=None) -> None:
    """Rich summary: actions by name and kind (with open ones) and the data-quality counters."""
    from rich.table import Table

    console = console or stdout_console()
    by = (actions.group_by("action", "kind")
          .agg(rows=pl.len(), open=(pl.col("end").is_null() & (pl.col("kind") == "durable")).sum(),
               objects=pl.col("object_id").n_unique())
          .sort(["rows", "action"], descending=[True, False]))
    table = Table(title=f"{actions.height} actions ({mode} mode)")
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
@tz_option
@date_option
@strict_option
@output_options()
def derive_actions_cmd(inputs, objects_file, mode, tz, date, strict, fmt, output):
    """Derive Stat Server actions from T-Server / SIP Server logs or an events Parquet.

    One row per action occurrence (Monitored, LoggedIn, CallRinging, CallWait,
    ...) with start, end and duration in whole seconds; durable actions still
    running at the end of the data have no end. On a terminal a summary shows
    the actions by name and kind and data-quality counters; use -o FILE or
    --format csv|json|parquet for the table itself.
    """
    from statcli.derive import derive_actions
    from statcli.derive.quality import data_quality

    fmt = resolve_format(fmt, output, "table" if is_tty() else "csv")
    if fmt == "table" and output:
        raise UserError("--format table is for the terminal; use csv, json or parquet with -o FILE")
    objects = None
    if objects_file:
        from statcli.objects import load_objects

        objects = load_objects(objects_file)
    events, campaign, skipped = load_inputs(inputs, tz=tz, date=date, strict=strict)
    actions = derive_actions(events, objects=objects, mode=mode, campaign_events=campaign)
    err = stderr_console()
    if skipped:
        total = sum(skipped.values())
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items()))
        err.print(f"statcli: warning: {total} input line(s) skipped ({detail})", markup=False, highlight=False)
    if fmt == "table":
        render_summary(actions, data_quality(events, actions), mode)
        return
    from statcli.render.writers import write_table

    if fmt == "csv":   # CSV has no duration type: ISO 8601 text (PT2M0.5S); duration_s stays numeric
        actions = actions.with_columns(pl.col("duration").dt.to_string("iso"))
    write_table(actions, fmt, output, "actions")
    if output and is_tty():
        render_summary(actions, data_quality(events, actions), mode)
        stdout_console().print(f"wrote {actions.height} actions to {output}")
