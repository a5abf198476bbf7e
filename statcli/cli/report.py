"""``statcli report``: stat types over logs, events or actions (a thin layer over statcli.stats)."""

from __future__ import annotations

import re
import sys
import warnings
from datetime import datetime, timedelta, timezone

import click
import polars as pl

from statcli.cli.common import date_option, input_paths, kind_option, output_options, resolve_format, tz_option
from statcli.errors import UserError
from statcli.render.console import hms, is_tty, stdout_console

EPILOG = """\b
Examples:
  statcli report sample_logs/
  statcli report actions.parquet --stat-type Service_Level_Pct --time-range 0-30
  statcli report sample_logs/ --stat-types my_statserver.ini --stat-type MyStat
  statcli report events.parquet --time-profile Sliding=3600:900 --object-type Queue
  statcli report actions.parquet --stat-type Total_Ready_Time -o stats.parquet
  statcli report actions.parquet --stat-type Average_Handle_Time --explain a1001@10:00
"""

#: at most this many interval columns per table on a terminal (the rest: --format csv)
MAX_COLUMNS = 12


def format_value(value: float | None, unit: str, state: str | None = None) -> str:
    """Human form of one value: h:mm:ss, 12.50%, counts without decimals.

    Examples
    --------
    >>> format_value(941.0, "seconds"), format_value(30.4178, "percent"), format_value(2.0, "count")
    ('0:15:41', '30.42%', '2')
    """
    if unit == "state" or state == "no service":
        return state or "-"
    if value is None:
        return "-"
    if unit == "seconds":
        return hms(value)
    if unit == "percent":
        return f"{value:.2f}%"
    if unit == "count" and float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}"


def _interval_label(start: datetime, multi_day: bool, partial: bool) -> str:
    label = start.strftime("%m-%d %H:%M" if multi_day else "%H:%M")
    return label + ("*" if partial else "")


def render_tables(stats: pl.DataFrame, types, notes: list[str], zone=None) -> None:
    """One rich table per stat type: objects × intervals (local wall clock), with the definition as footer."""
    from rich.table import Table

    console = stdout_console()
    tzinfo = _zone(zone)
    if stats.is_empty():
        console.print("no statistics: no object of the requested types in the data")
    multi_day = stats["interval_start"].dt.date().n_unique() > 1 if stats.height else False
    for (name,), part in stats.group_by("stat_type", maintain_order=True):
        st = types[name]
        ivs = part.select("interval_start", "partial").unique().sort("interval_start")
        if ivs.height > MAX_COLUMNS:  # keep the table readable: intervals with something to show
            busy = part.filter((pl.col("value") != 0) | pl.col("state").is_not_null())["interval_start"].unique()
            ivs = ivs.filter(pl.col("interval_start").is_in(busy.implode())).tail(MAX_COLUMNS)
        title = f"[bold]{name}[/bold]" + (f" — {st.description}" if st.description else "")
        console.print(title)
        table = Table(show_edge=True)
        kinds = part["object_type"].unique().to_list()
        table.add_column(kinds[0] if len(kinds) == 1 else "object", no_wrap=True)
        for start, partial in ivs.iter_rows():
            table.add_column(_interval_label(start.astimezone(tzinfo), multi_day, partial), justify="right",
                             no_wrap=True)
        cells = {(r["object_type"], r["object_id"], r["interval_start"]):
                 format_value(r["value"], r["unit"], r["state"]) + ("" if r.get("valid", True) is not False else " !")
                 for r in part.iter_rows(named=True)}
        for otype, oid in part.select("object_type", "object_id").unique().sort("object_type", "object_id").rows():
            label = oid if len(kinds) == 1 else f"{otype} {oid}"
            table.add_row(label, *[cells.get((otype, oid, s), "-") for s, _ in ivs.iter_rows()])
        console.print(table)
        console.print(st.definition(), style="dim", markup=False)
        console.print()
    for note in notes:
        console.print(note, style="dim")


def _parse_instant(when: str, tz: str | None, data_day, option: str) -> datetime:
    """``HH:MM[:SS]`` on ``data_day`` (local time) or an ISO date-time, as UTC."""
    zone = _zone(tz)
    if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", when):
        if data_day is None:
            raise UserError(f"{option}: no data to take the day from; give a full date-time")
        h, m, *s = (int(x) for x in when.split(":"))
        local = datetime.combine(data_day, datetime.min.time()) + timedelta(hours=h, minutes=m,
                                                                           seconds=s[0] if s else 0)
        return local.replace(tzinfo=zone).astimezone(timezone.utc)
    try:
        at = datetime.fromisoformat(when)
    except ValueError:
        raise UserError(f"{option} {when!r}: expected HH:MM or an ISO date-time") from None
    return (at if at.tzinfo else at.replace(tzinfo=zone)).astimezone(timezone.utc)


def _parse_explain(spec: str, tz: str | None, data_day) -> tuple[str, datetime]:
    obj, sep, when = spec.rpartition("@")
    if not sep or not obj or not when:
        raise UserError(f"--explain {spec!r}: expected OBJECT@INTERVAL, e.g. a1001@10:00")
    return obj, _parse_instant(when, tz, data_day, "--explain")


@click.command("report", epilog=EPILOG)
@input_paths
@click.option("--stat-type", "stat_type_names", multiple=True, metavar="NAME",
              help="Stat type to compute (repeatable). Default: a standard agent + queue set.")
@click.option("--stat-types", "stat_types_file", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Stat Server options export (INI) adding to / overriding the built-ins.")
@click.option("--time-profile", default=None, metavar="SPEC",
              help="TYPE=SPEC (Growing=00:00+0:30, Sliding=300:10, Selection=5, SinceLogin), "
                   "Name,Type=SPEC or a profile named in --stat-types. Default: Growing=00:00+0:30.")
@click.option("--time-range", default=None, metavar="NAME|LO-HI",
              help="Time range for the range categories (default: the stat type's, else Default 0-20).")
@click.option("--time-range2", default=None, metavar="NAME|LO-HI",
              help="Second range (ServiceFactor1's short abandons); default the stat type's statcli.TimeRange2.")
@click.option("--filter", "filter_", default=None, metavar="NAME",
              help="A filter from [Filters] of --stat-types, or an expression like PairExists(\"Lang\",\"ES\").")
@click.option("--object-type", "object_types", multiple=True, metavar="T", help="Only these object types.")
@click.option("--object", "object_ids", multiple=True, metavar="ID", help="Only these objects.")
@click.option("--objects", "objects_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Objects configuration (TOML): DN types, places, groups.")
@click.option("--explain", "explain_spec", default=None, metavar="OBJECT@INTERVAL",
              help="List the rows (with source file and line) behind one value of one --stat-type.")
@click.option("--mode", type=click.Choice(["regular", "cluster", "ss_c"]), default="regular",
              help="Stat Server mode: cluster (SS_c) derives and counts only actions available there (SSC-1/2).")
@click.option("--until", default=None, metavar="TIME",
              help="End of the data (τ of the last interval): HH:MM[:SS] on the data's last day, or an "
                   "ISO date-time. Default: the latest instant in the data.")
@tz_option
@date_option
@kind_option
@output_options()
def report(inputs, stat_type_names, stat_types_file, time_profile, time_range, time_range2, filter_, object_types,
           object_ids, objects_file, explain_spec, mode, until, tz, date, kind, fmt, output):
    """Compute Stat Server statistics from logs, events or actions Parquet.

    One value per stat type x object x interval of the time profile. Durations
    follow Stat Server's whole-second rule; the definitions used are printed
    under each table.
    """
    from statcli.stats import StatWarning, compute_statistics, explain, load_stat_types
    from statcli.stats.inputs import load_report_input

    types = load_stat_types(stat_types_file)
    from statcli.stats.stattypes import OBJECT_TYPES
    canon = {o.lower(): o for o in OBJECT_TYPES}
    unknown = [o for o in object_types if o.lower() not in canon]
    if unknown:
        raise UserError(f"unknown object type {unknown[0]!r} (use {', '.join(OBJECT_TYPES)})")
    object_types = tuple(canon[o.lower()] for o in object_types)
    names = list(stat_type_names) or types.default_report
    chosen = types.pick(names).for_mode(mode)
    objects = None
    if objects_file:
        from statcli.objects import load_objects
        objects = load_objects(objects_file)
    if time_profile:
        from statcli.stats.profiles import resolve_profile
        resolve_profile(time_profile, types.time_profiles)  # fail before the heavy work
    if filter_ and filter_ not in types.filters:
        from statcli.stats.filters import compile_filter
        compile_filter(filter_)
    actions, log_zone = load_report_input(inputs, tz=tz, date=date, objects=objects, mode=mode, kind=kind)
    zone = tz or log_zone  # TIME-5: local wall-clock intervals: --tz, else the logs' own offset
    fmt = resolve_format(fmt, output, "table" if is_tty() else "csv")
    data_end = None
    if until:
        last = actions.select(pl.max_horizontal(pl.col("start").max(), pl.col("end").max())).item()
        last_day = last.astimezone(_zone(zone)).date() if last is not None else None
        data_end = _parse_instant(until, zone, last_day, "--until")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", StatWarning)
        if explain_spec:
            if len(chosen) != 1:
                raise UserError("--explain needs exactly one --stat-type")
            first = actions["start"].min()
            day = first.astimezone(_zone(zone)).date() if first is not None else None
            obj, at = _parse_explain(explain_spec, zone, day)
            rows = explain(actions, next(iter(chosen)), obj, at, stat_types=chosen,
                           time_profile=time_profile, filter=filter_, tz=zone, data_end=data_end)
            _emit_explain(rows, fmt, output)
        else:
            stats = compute_statistics(actions, chosen, time_profile=time_profile, time_range=time_range,
                                       time_range2=time_range2,
                                       filter=filter_, object_types=object_types or None,
                                       object_ids=object_ids or None, tz=zone, objects=objects,
                                       data_end=data_end)
            if fmt == "table":
                profile_note = time_profile or "Growing=00:00+0:30 (or the stat type's own)"
                notes = [f"intervals in {_zone_name(zone)}; time profile: {profile_note}; "
                         f"time range: {time_range or 'per stat type (Default 0-20)'}"
                         + (f"; filter: {filter_}" if filter_ else ""),
                         "* = partial interval (data ends inside it); ! = invalid: a DN was not monitored "
                         "(VAL-1). Origins: V Genesys verbatim, "
                         "P Genesys pattern, N Genesys name with reconstructed definition, R reconstructed."]
                render_tables(stats, chosen, notes, zone)
            else:
                from statcli.render.writers import write_table
                write_table(stats, fmt, output, "statistics")
    for w in [*types.warnings, *(str(c.message) for c in caught)]:
        click.echo(f"statcli: warning: {w}", err=True)  # one line each, never wrapped


def _zone_name(zone) -> str:
    if zone is None:
        return "UTC"
    if isinstance(zone, str):
        return zone
    return f"the logs' local time ({datetime.now(zone).strftime('UTC%z')})"


def _zone(tz):
    from statcli.stats.profiles import _tz
    return _tz(tz)


def _emit_explain(rows: pl.DataFrame, fmt: str, output: str | None) -> None:
    if fmt != "table":
        from statcli.render.writers import write_table
        write_table(rows, fmt, output, "explain")
        return
    from rich.table import Table

    name_col = "action" if "action" in rows.columns else "status"
    table = Table(title=f"{rows.height} row(s) behind the value")
    for c in ("masks", "how", "seconds", name_col, "kind", "start", "end", "source", "line"):
        if c in rows.columns:
            table.add_column(c)
    for r in rows.iter_rows(named=True):
        table.add_row(*[("" if r.get(c) is None else str(r[c])) for c in
                        ("masks", "how", "seconds", name_col, "kind", "start", "end", "source", "line")
                        if c in rows.columns])
    stdout_console().print(table)
    if rows.is_empty():
        sys.stdout.write("no rows: the value is 0 for this object and interval\n")
