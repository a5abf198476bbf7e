"""``statcli stat-types``: list the built-in and user-defined stat types."""

from __future__ import annotations

import click
import polars as pl

from statcli.cli.common import output_options, resolve_format
from statcli.render.console import is_tty, stdout_console

EPILOG = """\b
Examples:
  statcli stat-types
  statcli stat-types --stat-types my_statserver.ini --format csv
"""


def stat_types_table(types) -> pl.DataFrame:
    """One row per stat type: name, category, subject, masks, objects, origin, description.

    Examples
    --------
    >>> from statcli.stats import load_stat_types
    >>> stat_types_table(load_stat_types()).filter(name="Max_Wait_Time")["main_mask"].item()
    'CallWait'
    """
    return pl.DataFrame(
        [{"name": st.name, "category": st.category, "subject": st.subject,
          "main_mask": st.main_mask.text, "rel_mask": st.rel_mask.text, "objects": ",".join(st.objects),
          "origin": st.origin, "description": st.description, "source": st.source}
         for st in types.values()],
        schema={c: pl.String for c in ("name", "category", "subject", "main_mask", "rel_mask", "objects",
                                       "origin", "description", "source")})


@click.command("stat-types", epilog=EPILOG)
@click.option("--stat-types", "stat_types_file", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Stat Server options export (INI) adding to / overriding the built-ins.")
@output_options(formats=("table", "csv", "json"))
def stat_types(stat_types_file, fmt, output):
    """List stat types: name, category, masks, subject, objects, description."""
    from statcli.stats import load_stat_types

    types = load_stat_types(stat_types_file)
    df = stat_types_table(types)
    fmt = resolve_format(fmt, output, "table" if is_tty() else "csv")
    if fmt == "table":
        from rich.table import Table

        table = Table(title=f"{df.height} stat types", caption="Origin: V Genesys verbatim, P Genesys pattern, "
                      "N Genesys name with reconstructed definition, R reconstructed, user = your file")
        for c in ("name", "category", "subject", "main_mask", "rel_mask", "objects", "origin", "description"):
            table.add_column(c, overflow="fold", no_wrap=c in ("name", "category"))
        for r in df.iter_rows(named=True):
            table.add_row(*[r[c] or "" for c in ("name", "category", "subject", "main_mask", "rel_mask",
                                                 "objects", "origin", "description")])
        stdout_console().print(table)
    else:
        from statcli.render.writers import write_table
        write_table(df, fmt, output, "stat_types")
    for w in types.warnings:
        click.echo(f"statcli: warning: {w}", err=True)
