"""``statcli simulate``: write a simulated contact centre's logs and ground truth."""

from __future__ import annotations

import re

import click

from statcli.errors import UserError

EPILOG = """\b
Examples:
  statcli simulate -o demo/
  statcli simulate -o demo/ --agents 20 --queues 3 --hours 8 --calls-per-hour 400 --ocs
  statcli simulate -o big/ --agents 500 --hours 24 --calls-per-hour 20000 --segment-size 100MB --gzip
  statcli parse demo/ -o events.parquet
"""

_UNITS = {"": 1, "B": 1, "KB": 1024, "K": 1024, "MB": 1024 ** 2, "M": 1024 ** 2, "GB": 1024 ** 3, "G": 1024 ** 3}


def parse_size(text: str | None) -> int | None:
    """``10MB`` / ``500 KB`` / ``65536`` → bytes.

    Examples
    --------
    >>> parse_size("10MB"), parse_size("4096"), parse_size(None)
    (10485760, 4096, None)
    """
    if text is None:
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", text.upper())
    if not m:
        raise UserError(f"--segment-size: cannot read {text!r} (use e.g. 500KB, 10MB)")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


@click.command("simulate", epilog=EPILOG)
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory to write the logs, ground_truth.parquet and objects.toml into.")
@click.option("--agents", default=6, show_default=True, type=int, help="Number of agents (one extension each).")
@click.option("--queues", default=1, show_default=True, type=int, help="ACD queues (each with a virtual queue).")
@click.option("--hours", default=1.0, show_default=True, type=float, help="Simulated period.")
@click.option("--calls-per-hour", default=60.0, show_default=True, type=float,
              help="Inbound calls offered to the routing point per hour.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed (same seed, same bytes).")
@click.option("--start", default="2026-01-16T08:00:00", show_default=True,
              help="Local start time of the logs (ISO).")
@click.option("--segment-size", default=None, metavar="SIZE",
              help="Rotate the log every SIZE bytes (e.g. 500KB, 100MB). Default: one segment.")
@click.option("--gzip", is_flag=True, help="Gzip rotated segments (all but the newest).")
@click.option("--ocs", is_flag=True, help="Also run an outbound campaign and write its OCS log.")
@click.option("--backup", is_flag=True, help="Also write the backup SIP Server's log.")
def simulate(out_dir, agents, queues, hours, calls_per_hour, seed, start, segment_size, gzip, ocs, backup):
    """Write realistic SIP Server (and OCS) logs of a simulated contact centre.

    Agents log in, go ready and not ready, take inbound calls from a routing
    point through ACD and virtual queues (holds, transfers, conferences,
    abandons, ring-no-answer), make outbound and internal calls; the T-Server
    link drops once. Next to the logs: ground_truth.parquet (what really
    happened, per DN, call leg and agent state) and objects.toml.
    """
    from statcli.render.console import byte_progress, is_tty, stdout_console
    from statcli.simulate import SimConfig, simulate as run

    cfg = SimConfig(agents=agents, queues=queues, hours=hours, calls_per_hour=calls_per_hour, seed=seed,
                    start=start, segment_size=parse_size(segment_size), gzip=gzip, ocs=ocs, backup=backup)
    estimate = int(hours * (calls_per_hour * 9_000 + agents * 40_000)) * (2 if backup else 1)
    with byte_progress(estimate, "simulating") as advance:
        res = run(out_dir, cfg, progress=advance)
    files = res.tserver_files + res.backup_files + res.ocs_files + [res.truth_file, res.campaign_file, res.objects_file]
    files = [p for p in files if p is not None]
    if is_tty():
        from rich.table import Table

        table = Table(title=f"statcli simulate → {res.out_dir}")
        table.add_column("file")
        table.add_column("bytes", justify="right")
        for p in files:
            table.add_row(p.name, f"{p.stat().st_size:,}")
        stdout_console().print(table)
        stdout_console().print(f"{res.events:,} TEvents, {res.calls:,} ConnIDs, {res.bytes:,} log bytes")
    else:
        for p in files:
            click.echo(str(p))
        click.echo(f"events={res.events} calls={res.calls} bytes={res.bytes}", err=True)
