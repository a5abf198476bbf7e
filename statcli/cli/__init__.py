"""The ``statcli`` command: a thin click layer over the library.

Each command lives in its own module of this package and only parses options,
calls one library function and renders the result. Register a new command in
``COMMANDS`` below.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from statcli import __version__
from statcli.errors import UserError

# module name in statcli.cli -> attribute holding the click command
COMMANDS = [
    ("parse", "parse"),
    ("derive", "derive_actions_cmd"),
    ("report", "report"),
    ("stat_types", "stat_types"),
    ("simulate", "simulate"),
]

EPILOG = """\b
Examples:
  statcli parse sample_logs/ -o events.parquet
  statcli parse SIP_P.20260116_220242_332.log.gz --tz Europe/Berlin
  statcli derive-actions sample_logs/ -o actions.parquet
  statcli derive-actions sample_logs/ --statuses -o out/
  statcli report sample_logs/ --stat-type Total_Calls_Answered
  statcli report actions.parquet --format parquet -o stats.parquet
  statcli stat-types
  statcli simulate -o demo/ --agents 20 --hours 2 --ocs
"""


class StatcliGroup(click.Group):
    """A click group that turns statcli's errors into one line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            click.echo(f"statcli: error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("statcli: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `statcli ... | head` closes the pipe early; that is not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("STATCLI_DEBUG"):
                raise
            click.echo(f"statcli: internal error: {type(exc).__name__}: {exc} "
                       "(set STATCLI_DEBUG=1 for a traceback)", err=True)
            ctx.exit(1)


@click.group(cls=StatcliGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="statcli")
def main() -> None:
    """Re-create, offline, what Genesys Stat Server counts.

    Reads T-Server / SIP Server and OCS logs (files, folders, globs, .gz, .zip, -)
    into tables, derives Stat Server actions and evaluates stat types over them.
    """


for _module, _attr in COMMANDS:
    main.add_command(getattr(importlib.import_module(f"statcli.cli.{_module}"), _attr))
