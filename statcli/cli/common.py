"""Options and helpers shared by several commands."""

from __future__ import annotations

import click

from statcli.render.writers import format_from_path

input_paths = click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")

tz_option = click.option(
    "--tz", "tz", metavar="ZONE", default=None,
    help="IANA time zone of the log's wall-clock times (e.g. Europe/Berlin). "
         "Default: from the log header, else AttributeTimeinSecs, else UTC.")

date_option = click.option(
    "--date", "date", metavar="YYYY-MM-DD", default=None,
    help="Date for time-only logs with no header or dated line (e.g. an excerpt).")

kind_option = click.option(
    "--kind", "kind", type=click.Choice(["tserver", "ocs"]), default=None,
    help="Read every log as this kind (default: T-Server / SIP Server or OCS, from each file's "
         "header or content; standard input is T-Server text).")

strict_option = click.option(
    "--strict", is_flag=True, default=False,
    help="Exit with code 2 when any input line had to be skipped.")


def output_options(formats: tuple[str, ...] = ("table", "csv", "json", "parquet"), default: str = "table",
                   dir_okay: bool = False):
    """``--format`` and ``-o/--output`` as one decorator (``dir_okay`` for commands that write a folder)."""
    def decorate(func):
        func = click.option("-o", "--output", "output", type=click.Path(dir_okay=dir_okay), default=None,
                            help="Write to FILE (atomically). The format follows --format, "
                                 "else the file suffix.")(func)
        func = click.option("--format", "fmt", type=click.Choice(formats), default=None,
                            help=f"Output format (default: {default} on a terminal; "
                                 "the -o suffix when writing a file).")(func)
        return func
    return decorate


def resolve_format(fmt: str | None, output: str | None, default: str) -> str:
    """The explicit ``--format``, else the ``-o`` suffix, else ``default``."""
    if fmt:
        return fmt
    if output:
        return format_from_path(output, "parquet")
    return default
